#include "common/python_repr.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>

namespace kiln {
namespace {

// Decodes one UTF-8 sequence starting at text[i]; returns its length, or 0 when invalid.
size_t utf8_length(std::string_view text, size_t i, uint32_t& code_point) {
  unsigned char lead = static_cast<unsigned char>(text[i]);
  size_t length = lead < 0x80           ? 1
                  : (lead >> 5) == 0x6  ? 2
                  : (lead >> 4) == 0xE  ? 3
                  : (lead >> 3) == 0x1E ? 4
                                        : 0;
  if (length == 0 || i + length > text.size()) return 0;
  code_point = length == 1 ? lead : lead & (0xFF >> (length + 1));
  for (size_t k = 1; k < length; ++k) {
    unsigned char next = static_cast<unsigned char>(text[i + k]);
    if ((next >> 6) != 0x2) return 0;
    code_point = (code_point << 6) | (next & 0x3F);
  }
  return length;
}

}  // namespace

// The shortest digits that read back as the same double, in fixed notation for decimal
// exponents -4..15 and scientific (two-digit exponent at least) otherwise.
std::string python_float_repr(double value) {
  if (std::isnan(value)) return "nan";
  if (std::isinf(value)) return value > 0 ? "inf" : "-inf";
  // The shortest digits that read back as the same double, as Python's repr picks them.
  char buffer[40];
  auto result = std::to_chars(buffer, buffer + sizeof buffer, value, std::chars_format::scientific);
  std::string text(buffer, result.ptr);
  std::string sign;
  if (text[0] == '-') {
    sign = "-";
    text.erase(0, 1);
  }
  size_t e = text.find('e');
  int exponent = std::atoi(text.c_str() + e + 1);
  std::string digits;
  for (char c : text.substr(0, e)) {
    if (c != '.') digits += c;
  }
  while (digits.size() > 1 && digits.back() == '0') digits.pop_back();
  if (exponent >= -4 && exponent < 16) {
    std::string out;
    if (exponent >= 0) {
      std::string whole = digits.substr(0, std::min<size_t>(digits.size(), exponent + 1));
      whole.append(exponent + 1 - whole.size(), '0');
      std::string fraction =
          digits.size() > static_cast<size_t>(exponent + 1) ? digits.substr(exponent + 1) : "0";
      out = whole + "." + fraction;
    } else {
      out = "0." + std::string(-exponent - 1, '0') + digits;
    }
    return sign + out;
  }
  std::string mantissa = digits.substr(0, 1);
  if (digits.size() > 1) mantissa += "." + digits.substr(1);
  std::string exponent_text = std::to_string(std::abs(exponent));
  if (exponent_text.size() < 2) exponent_text = "0" + exponent_text;
  return sign + mantissa + "e" + (exponent < 0 ? "-" : "+") + exponent_text;
}

std::string python_repr(std::string_view text) {
  bool has_single = text.find('\'') != std::string_view::npos;
  bool has_double = text.find('"') != std::string_view::npos;
  char quote = has_single && !has_double ? '"' : '\'';
  std::string out(1, quote);
  for (size_t i = 0; i < text.size();) {
    char c = text[i];
    if (c == quote || c == '\\') {
      out += '\\';
      out += c;
      ++i;
    } else if (c == '\n') {
      out += "\\n";
      ++i;
    } else if (c == '\r') {
      out += "\\r";
      ++i;
    } else if (c == '\t') {
      out += "\\t";
      ++i;
    } else if (static_cast<unsigned char>(c) < 0x20 || c == 0x7F) {
      char buffer[8];
      std::snprintf(buffer, sizeof buffer, "\\x%02x", static_cast<unsigned char>(c));
      out += buffer;
      ++i;
    } else if (static_cast<unsigned char>(c) < 0x80) {
      out += c;
      ++i;
    } else {
      uint32_t code_point = 0;
      size_t length = utf8_length(text, i, code_point);
      if (length == 0) {
        // Not valid UTF-8: Python would never have such a str; show the byte escaped.
        char buffer[8];
        std::snprintf(buffer, sizeof buffer, "\\x%02x", static_cast<unsigned char>(c));
        out += buffer;
        ++i;
      } else if (code_point >= 0x80 && code_point < 0xA0) {
        // C1 controls are not printable in Python.
        char buffer[8];
        std::snprintf(buffer, sizeof buffer, "\\x%02x", code_point);
        out += buffer;
        i += length;
      } else {
        out.append(text.substr(i, length));
        i += length;
      }
    }
  }
  out += quote;
  return out;
}

std::string python_repr(const Data& value) {
  switch (value.kind()) {
    case Data::Kind::Null:
      return "None";
    case Data::Kind::Bool:
      return value.as_bool() ? "True" : "False";
    case Data::Kind::Int:
      return std::to_string(value.as_int());
    case Data::Kind::Float:
      return python_float_repr(value.as_float());
    case Data::Kind::String:
      return python_repr(value.as_string());
    case Data::Kind::List: {
      std::string out = "[";
      bool first = true;
      for (const Data& item : value.as_list()) {
        if (!first) out += ", ";
        first = false;
        out += python_repr(item);
      }
      return out + "]";
    }
    case Data::Kind::Map: {
      std::string out = "{";
      bool first = true;
      for (const auto& [key, item] : value.as_map()) {
        if (!first) out += ", ";
        first = false;
        out += python_repr(key) + ": " + python_repr(item);
      }
      return out + "}";
    }
  }
  return "None";
}

std::string python_str(const Data& value) {
  return value.is_string() ? value.as_string() : python_repr(value);
}

}  // namespace kiln
