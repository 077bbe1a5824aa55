#include "seeds/seed_types.h"

#include <cctype>
#include <cerrno>
#include <cstdint>
#include <cstdlib>

namespace kiln {
namespace {

std::string_view strip(std::string_view text) {
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front())))
    text.remove_prefix(1);
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back())))
    text.remove_suffix(1);
  return text;
}

bool equals_ignoring_case(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) != b[i]) return false;
  }
  return true;
}

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

// Reads 1..max_digits digits at `i` into `value`.
bool read_number(std::string_view text, size_t& i, int min_digits, int max_digits, int& value) {
  int digits = 0;
  value = 0;
  while (i < text.size() && digits < max_digits && is_digit(text[i])) {
    value = value * 10 + (text[i] - '0');
    ++i;
    ++digits;
  }
  return digits >= min_digits;
}

bool valid_day(int year, int month, int day) {
  static const int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (month < 1 || month > 12 || day < 1) return false;
  bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  int limit = kDays[month - 1] + (month == 2 && leap ? 1 : 0);
  return day <= limit;
}

// YYYY-M-D at the start of `text`; `i` ends after it.
bool read_date(std::string_view text, size_t& i) {
  int year = 0, month = 0, day = 0;
  if (!read_number(text, i, 4, 4, year)) return false;
  if (i >= text.size() || text[i] != '-') return false;
  ++i;
  if (!read_number(text, i, 1, 2, month)) return false;
  if (i >= text.size() || text[i] != '-') return false;
  ++i;
  if (!read_number(text, i, 1, 2, day)) return false;
  return year >= 1 && valid_day(year, month, day);
}

bool read_time(std::string_view text, size_t& i, bool allow_fraction) {
  int hour = 0, minute = 0, second = 0;
  if (!read_number(text, i, 2, 2, hour) || i >= text.size() || text[i] != ':') return false;
  ++i;
  if (!read_number(text, i, 2, 2, minute)) return false;
  if (i < text.size() && text[i] == ':') {
    ++i;
    if (!read_number(text, i, 2, 2, second)) return false;
  } else if (!allow_fraction) {
    return false;  // "%H:%M:%S" needs seconds
  }
  if (allow_fraction && i < text.size() && (text[i] == '.' || text[i] == ',')) {
    ++i;
    size_t start = i;
    while (i < text.size() && is_digit(text[i])) ++i;
    if (i == start) return false;
  }
  return hour <= 23 && minute <= 59 && second <= 60;
}

}  // namespace

std::string_view seed_type_name(SeedType type) {
  switch (type) {
    case SeedType::Integer:
      return "integer";
    case SeedType::BigInteger:
      return "bigint";
    case SeedType::Number:
      return "number";
    case SeedType::Date:
      return "date";
    case SeedType::Timestamp:
      return "timestamp";
    case SeedType::Boolean:
      return "boolean";
    case SeedType::Text:
      return "text";
  }
  return "text";
}

bool is_seed_null(std::string_view cell) {
  cell = strip(cell);
  return cell.empty() || equals_ignoring_case(cell, "null");
}

bool looks_like_integer(std::string_view cell) {
  cell = strip(cell);
  if (!cell.empty() && (cell[0] == '-' || cell[0] == '+')) cell.remove_prefix(1);
  if (cell.empty()) return false;
  for (char c : cell) {
    if (!is_digit(c)) return false;
  }
  return true;
}

bool looks_like_number(std::string_view cell) {
  cell = strip(cell);
  size_t i = 0;
  if (i < cell.size() && (cell[i] == '-' || cell[i] == '+')) ++i;
  size_t digits = 0;
  while (i < cell.size() && is_digit(cell[i])) ++i, ++digits;
  if (i < cell.size() && cell[i] == '.') {
    ++i;
    while (i < cell.size() && is_digit(cell[i])) ++i, ++digits;
  }
  if (digits == 0) return false;
  if (i < cell.size() && (cell[i] == 'e' || cell[i] == 'E')) {
    ++i;
    if (i < cell.size() && (cell[i] == '-' || cell[i] == '+')) ++i;
    size_t exponent_start = i;
    while (i < cell.size() && is_digit(cell[i])) ++i;
    if (i == exponent_start) return false;
  }
  return i == cell.size();
}

bool looks_like_date(std::string_view cell) {
  cell = strip(cell);
  size_t i = 0;
  return read_date(cell, i) && i == cell.size();
}

bool looks_like_timestamp(std::string_view cell) {
  cell = strip(cell);
  size_t i = 0;
  if (!read_date(cell, i) || i >= cell.size()) return false;
  // "%Y-%m-%d %H:%M:%S" exactly, or ISO 8601 with a "T" (seconds, fraction and zone optional).
  bool iso = cell[i] == 'T';
  if (cell[i] != ' ' && !iso) return false;
  ++i;
  if (!read_time(cell, i, iso)) return false;
  if (!iso) return i == cell.size();
  if (i < cell.size() && cell[i] == 'Z') {
    ++i;
  } else if (i < cell.size() && (cell[i] == '+' || cell[i] == '-')) {
    ++i;
    int hours = 0, minutes = 0;
    if (!read_number(cell, i, 2, 2, hours)) return false;
    if (i < cell.size() && cell[i] == ':') ++i;
    if (i < cell.size() && !read_number(cell, i, 2, 2, minutes)) return false;
  }
  return i == cell.size();
}

bool looks_like_boolean(std::string_view cell) {
  cell = strip(cell);
  return equals_ignoring_case(cell, "true") || equals_ignoring_case(cell, "false");
}

void SeedTypeTester::observe(std::string_view cell) {
  if (is_seed_null(cell)) return;
  if (integer_) {
    integer_ = looks_like_integer(cell);
    if (integer_ && fits_32_bits_) {
      std::string text(strip(cell));
      errno = 0;
      long long value = std::strtoll(text.c_str(), nullptr, 10);
      if (errno == ERANGE) {
        integer_ = false;  // beyond 64 bits: a number, as Python's Decimal reads it
      } else {
        fits_32_bits_ = value >= INT32_MIN && value <= INT32_MAX;
      }
    }
  }
  if (number_) number_ = looks_like_number(cell);
  if (date_) date_ = looks_like_date(cell);
  if (timestamp_) timestamp_ = looks_like_timestamp(cell);
  if (boolean_) boolean_ = looks_like_boolean(cell);
}

SeedType SeedTypeTester::inferred() const {
  if (integer_) return fits_32_bits_ ? SeedType::Integer : SeedType::BigInteger;
  if (number_) return SeedType::Number;
  if (date_) return SeedType::Date;
  if (timestamp_) return SeedType::Timestamp;
  if (boolean_) return SeedType::Boolean;
  return SeedType::Text;
}

}  // namespace kiln
