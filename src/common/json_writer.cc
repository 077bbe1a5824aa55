#include "common/json_writer.h"

#include <array>
#include <cmath>
#include <cstdio>

#include "common/python_repr.h"

namespace kiln {

namespace {

// Bytes JSON strings cannot hold as they are: control characters, '"' and '\'.
constexpr std::array<bool, 256> kNeedsEscape = [] {
  std::array<bool, 256> table{};
  for (int c = 0; c < 0x20; ++c) table[c] = true;
  table['"'] = true;
  table['\\'] = true;
  return table;
}();

}  // namespace

// Artifacts are mostly strings (SQL, descriptions, ids): copy clean runs whole.
void append_json_string(std::string& out, std::string_view text) {
  out.push_back('"');
  const char* run = text.data();
  const char* end = run + text.size();
  for (const char* p = run; p != end; ++p) {
    unsigned char c = static_cast<unsigned char>(*p);
    if (!kNeedsEscape[c]) continue;
    out.append(run, p);
    run = p + 1;
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
      default: {
        char buffer[8];
        std::snprintf(buffer, sizeof buffer, "\\u%04x", c);
        out += buffer;
      }
    }
  }
  out.append(run, end);
  out.push_back('"');
}

void JsonWriter::before_value() {
  if (after_key_) {
    after_key_ = false;
    return;
  }
  if (!first_.empty()) {
    if (!first_.back()) out_ += ',';
    first_.back() = false;
  }
}

JsonWriter& JsonWriter::begin_object() {
  before_value();
  out_ += '{';
  first_.push_back(true);
  return *this;
}

JsonWriter& JsonWriter::end_object() {
  out_ += '}';
  first_.pop_back();
  return *this;
}

JsonWriter& JsonWriter::begin_array() {
  before_value();
  out_ += '[';
  first_.push_back(true);
  return *this;
}

JsonWriter& JsonWriter::end_array() {
  out_ += ']';
  first_.pop_back();
  return *this;
}

JsonWriter& JsonWriter::key(std::string_view name) {
  before_value();
  append_json_string(out_, name);
  out_ += ':';
  after_key_ = true;
  return *this;
}

JsonWriter& JsonWriter::value(std::string_view text) {
  before_value();
  append_json_string(out_, text);
  return *this;
}

JsonWriter& JsonWriter::value(int64_t number) {
  before_value();
  out_ += std::to_string(number);
  return *this;
}

JsonWriter& JsonWriter::value(double number) {
  before_value();
  // As Python's json module writes floats (artifacts are read by tools written against dbt's),
  // except that NaN and infinities, which JSON lacks, become null.
  out_ += std::isfinite(number) ? python_float_repr(number) : "null";
  return *this;
}

JsonWriter& JsonWriter::raw_value(std::string_view json) {
  before_value();
  out_ += json;
  return *this;
}

JsonWriter& JsonWriter::value(bool flag) {
  before_value();
  out_ += flag ? "true" : "false";
  return *this;
}

JsonWriter& JsonWriter::null() {
  before_value();
  out_ += "null";
  return *this;
}

JsonWriter& JsonWriter::nullable(std::string_view text) {
  return text.empty() ? null() : value(text);
}

JsonWriter& JsonWriter::strings(const std::vector<std::string>& items) {
  begin_array();
  for (const std::string& item : items) value(item);
  return end_array();
}

JsonWriter& JsonWriter::value(const Data& data) {
  switch (data.kind()) {
    case Data::Kind::Null:
      return null();
    case Data::Kind::Bool:
      return value(data.as_bool());
    case Data::Kind::Int:
      return value(data.as_int());
    case Data::Kind::Float:
      return value(data.as_float());
    case Data::Kind::String:
      return value(std::string_view(data.as_string()));
    case Data::Kind::List:
      begin_array();
      for (const Data& item : data.as_list()) value(item);
      return end_array();
    case Data::Kind::Map:
      begin_object();
      for (const auto& [k, v] : data.as_map()) {
        key(k);
        value(v);
      }
      return end_object();
  }
  return null();
}

}  // namespace kiln
