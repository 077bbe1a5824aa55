#include "runner/microbatch.h"

#include <cctype>
#include <cstdio>

#include "common/strings.h"

namespace kiln {
namespace {

using namespace std::chrono;

// Reads `count` digits at `pos`; advances it. nullopt when the digits are not there.
std::optional<int> digits(std::string_view text, size_t& pos, size_t count) {
  if (pos + count > text.size()) return std::nullopt;
  int value = 0;
  for (size_t i = 0; i < count; ++i) {
    char c = text[pos + i];
    if (!std::isdigit(static_cast<unsigned char>(c))) return std::nullopt;
    value = value * 10 + (c - '0');
  }
  pos += count;
  return value;
}

bool take(std::string_view text, size_t& pos, char expected) {
  if (pos < text.size() && text[pos] == expected) {
    ++pos;
    return true;
  }
  return false;
}

}  // namespace

std::optional<BatchSize> parse_batch_size(std::string_view text) {
  std::string lower = to_lower(text);
  if (lower == "hour") return BatchSize::Hour;
  if (lower == "day") return BatchSize::Day;
  if (lower == "month") return BatchSize::Month;
  if (lower == "year") return BatchSize::Year;
  return std::nullopt;
}

std::optional<UtcTime> parse_utc_time(std::string_view input) {
  std::string_view text = trim(input);
  size_t pos = 0;
  auto year = digits(text, pos, 4);
  if (!year || !take(text, pos, '-')) return std::nullopt;
  auto month = digits(text, pos, 2);
  if (!month || !take(text, pos, '-')) return std::nullopt;
  auto day = digits(text, pos, 2);
  if (!day) return std::nullopt;
  year_month_day date{std::chrono::year(*year), std::chrono::month(static_cast<unsigned>(*month)),
                      std::chrono::day(static_cast<unsigned>(*day))};
  if (!date.ok()) return std::nullopt;
  int hour = 0, minute = 0, second = 0, offset_seconds = 0;
  if (pos < text.size()) {
    if (!take(text, pos, ' ') && !take(text, pos, 'T')) return std::nullopt;
    auto h = digits(text, pos, 2);
    if (!h || !take(text, pos, ':')) return std::nullopt;
    auto m = digits(text, pos, 2);
    if (!m) return std::nullopt;
    hour = *h;
    minute = *m;
    if (take(text, pos, ':')) {
      auto s = digits(text, pos, 2);
      if (!s) return std::nullopt;
      second = *s;
      if (take(text, pos, '.')) {
        while (pos < text.size() && std::isdigit(static_cast<unsigned char>(text[pos]))) ++pos;
      }
    }
    if (hour > 23 || minute > 59 || second > 59) return std::nullopt;
    if (take(text, pos, 'Z')) {
      // UTC
    } else if (pos < text.size() && (text[pos] == '+' || text[pos] == '-')) {
      int sign = text[pos] == '-' ? -1 : 1;
      ++pos;
      auto oh = digits(text, pos, 2);
      if (!oh) return std::nullopt;
      take(text, pos, ':');
      int om = 0;
      if (pos < text.size()) {
        auto parsed = digits(text, pos, 2);
        if (!parsed) return std::nullopt;
        om = *parsed;
      }
      offset_seconds = sign * (*oh * 3600 + om * 60);
    }
  }
  if (pos != text.size()) return std::nullopt;
  return UtcTime(sys_days(date)) + hours(hour) + minutes(minute) + seconds(second) -
         seconds(offset_seconds);
}

UtcTime batch_start(UtcTime time, BatchSize size) {
  sys_days day = floor<days>(time);
  year_month_day date(day);
  switch (size) {
    case BatchSize::Hour:
      return floor<hours>(time);
    case BatchSize::Day:
      return UtcTime(day);
    case BatchSize::Month:
      return UtcTime(sys_days(date.year() / date.month() / 1));
    case BatchSize::Year:
      return UtcTime(sys_days(date.year() / January / 1));
  }
  return time;
}

UtcTime add_batches(UtcTime time, BatchSize size, int count) {
  switch (size) {
    case BatchSize::Hour:
      return time + hours(count);
    case BatchSize::Day:
      return time + days(count);
    case BatchSize::Month:
    case BatchSize::Year: {
      sys_days day = floor<days>(time);
      auto time_of_day = time - UtcTime(day);
      year_month_day date(day);
      year_month_day moved = size == BatchSize::Month ? date + months(count) : date + years(count);
      if (!moved.ok()) moved = moved.year() / moved.month() / last;
      return UtcTime(sys_days(moved)) + time_of_day;
    }
  }
  return time;
}

std::string sql_time_text(UtcTime time) {
  sys_days day = floor<days>(time);
  year_month_day date(day);
  hh_mm_ss clock(time - UtcTime(day));
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%04d-%02u-%02u %02d:%02d:%02d", int(date.year()),
                unsigned(date.month()), unsigned(date.day()), int(clock.hours().count()),
                int(clock.minutes().count()), int(clock.seconds().count()));
  return buffer;
}

std::string iso_time_text(UtcTime time) {
  std::string text = sql_time_text(time);
  text[10] = 'T';
  return text + "+00:00";
}

std::string batch_id(UtcTime start, BatchSize size) {
  std::string text = sql_time_text(start);
  std::string compact = text.substr(0, 4) + text.substr(5, 2);
  if (size == BatchSize::Year) return text.substr(0, 4);
  if (size == BatchSize::Month) return compact;
  compact += text.substr(8, 2);
  if (size == BatchSize::Day) return compact;
  return compact + text.substr(11, 2);
}

std::vector<BatchWindow> batches_between(UtcTime from, UtcTime to, BatchSize size) {
  std::vector<BatchWindow> batches;
  for (UtcTime start = batch_start(from, size); start < to;) {
    UtcTime end = add_batches(start, size, 1);
    batches.push_back({start, end});
    start = end;
  }
  return batches;
}

}  // namespace kiln
