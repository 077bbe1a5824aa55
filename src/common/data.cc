#include "common/data.h"

#include <cmath>
#include <cstdio>

namespace kiln {

Data Data::null(SourceLocation location) {
  Data d;
  d.location_ = std::move(location);
  return d;
}

#define KILN_DATA_FACTORY(fn, type)                    \
  Data Data::fn(type value, SourceLocation location) { \
    Data d;                                            \
    d.value_ = std::move(value);                       \
    d.location_ = std::move(location);                 \
    return d;                                          \
  }
KILN_DATA_FACTORY(boolean, bool)
KILN_DATA_FACTORY(integer, int64_t)
KILN_DATA_FACTORY(floating, double)
KILN_DATA_FACTORY(string, std::string)
KILN_DATA_FACTORY(list, List)
KILN_DATA_FACTORY(map, Map)
#undef KILN_DATA_FACTORY

const Data* Data::find(std::string_view key) const {
  if (!is_map()) return nullptr;
  for (const auto& [k, v] : as_map()) {
    if (k == key) return &v;
  }
  return nullptr;
}

Data* Data::find(std::string_view key) {
  return const_cast<Data*>(static_cast<const Data*>(this)->find(key));
}

void Data::set(std::string key, Data value) {
  if (!is_map()) value_ = Map{};
  if (Data* existing = find(key)) {
    *existing = std::move(value);
    return;
  }
  as_map().emplace_back(std::move(key), std::move(value));
}

std::string_view Data::kind_name() const {
  switch (kind()) {
    case Kind::Null:
      return "null";
    case Kind::Bool:
      return "a boolean";
    case Kind::Int:
      return "an integer";
    case Kind::Float:
      return "a number";
    case Kind::String:
      return "a string";
    case Kind::List:
      return "a list";
    case Kind::Map:
      return "a mapping";
  }
  return "a value";
}

namespace {

std::string format_float(double value) {
  if (std::isnan(value)) return "nan";
  if (std::isinf(value)) return value > 0 ? "inf" : "-inf";
  char buffer[32];
  // Shortest text that reads back as the same double, as Python's repr does.
  for (int precision = 1; precision <= 17; ++precision) {
    std::snprintf(buffer, sizeof buffer, "%.*g", precision, value);
    if (std::strtod(buffer, nullptr) == value) break;
  }
  std::string text = buffer;
  if (text.find_first_of(".eE") == std::string::npos) text += ".0";
  return text;
}

void append_json_string(std::string& out, std::string_view text) {
  out += '"';
  for (unsigned char c : text) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (c < 0x20) {
          char buffer[8];
          std::snprintf(buffer, sizeof buffer, "\\u%04x", c);
          out += buffer;
        } else {
          out += static_cast<char>(c);
        }
    }
  }
  out += '"';
}

void append_json(std::string& out, const Data& data) {
  switch (data.kind()) {
    case Data::Kind::Null:
      out += "null";
      break;
    case Data::Kind::Bool:
      out += data.as_bool() ? "true" : "false";
      break;
    case Data::Kind::Int:
      out += std::to_string(data.as_int());
      break;
    case Data::Kind::Float: {
      double v = data.as_float();
      out += std::isfinite(v) ? format_float(v) : "null";
      break;
    }
    case Data::Kind::String:
      append_json_string(out, data.as_string());
      break;
    case Data::Kind::List: {
      out += '[';
      bool first = true;
      for (const Data& item : data.as_list()) {
        if (!first) out += ',';
        first = false;
        append_json(out, item);
      }
      out += ']';
      break;
    }
    case Data::Kind::Map: {
      out += '{';
      bool first = true;
      for (const auto& [key, value] : data.as_map()) {
        if (!first) out += ',';
        first = false;
        append_json_string(out, key);
        out += ':';
        append_json(out, value);
      }
      out += '}';
      break;
    }
  }
}

}  // namespace

std::string Data::scalar_text() const {
  switch (kind()) {
    case Kind::Null:
      return "null";
    case Kind::Bool:
      return as_bool() ? "true" : "false";
    case Kind::Int:
      return std::to_string(as_int());
    case Kind::Float:
      return format_float(as_float());
    case Kind::String:
      return as_string();
    default:
      return {};
  }
}

std::string Data::to_json() const {
  std::string out;
  append_json(out, *this);
  return out;
}

Data deep_merge(const Data& base, const Data& overlay) {
  if (!base.is_map() || !overlay.is_map()) return overlay;
  Data merged = base;
  for (const auto& [key, value] : overlay.as_map()) {
    if (const Data* existing = merged.find(key)) {
      merged.set(key, deep_merge(*existing, value));
    } else {
      merged.set(key, value);
    }
  }
  return merged;
}

}  // namespace kiln
