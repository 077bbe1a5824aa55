#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/data.h"

namespace kiln {

// Streams compact JSON into a string. Artifacts of large projects run to tens of megabytes;
// writing them straight out, instead of building a document tree first, keeps parse fast and
// memory flat. Commas are placed automatically; the caller keeps keys and values paired.
class JsonWriter {
 public:
  explicit JsonWriter(std::string& out) : out_(out) {}

  JsonWriter& begin_object();
  JsonWriter& end_object();
  JsonWriter& begin_array();
  JsonWriter& end_array();
  JsonWriter& key(std::string_view name);

  JsonWriter& value(std::string_view text);
  JsonWriter& value(const char* text) { return value(std::string_view(text)); }
  JsonWriter& value(const std::string& text) { return value(std::string_view(text)); }
  JsonWriter& value(int64_t number);
  JsonWriter& value(int number) { return value(static_cast<int64_t>(number)); }
  JsonWriter& value(size_t number) { return value(static_cast<int64_t>(number)); }
  JsonWriter& value(double number);
  JsonWriter& value(bool flag);
  JsonWriter& value(const Data& data);
  JsonWriter& null();
  // A value already serialized as JSON (by another writer, e.g. on another thread).
  JsonWriter& raw_value(std::string_view json);
  // A string, or null when it is empty.
  JsonWriter& nullable(std::string_view text);
  JsonWriter& strings(const std::vector<std::string>& items);

  template <typename T>
  JsonWriter& field(std::string_view name, const T& v) {
    key(name);
    return value(v);
  }
  JsonWriter& nullable_field(std::string_view name, std::string_view text) {
    key(name);
    return nullable(text);
  }
  JsonWriter& null_field(std::string_view name) {
    key(name);
    return null();
  }
  JsonWriter& strings_field(std::string_view name, const std::vector<std::string>& items) {
    key(name);
    return strings(items);
  }

 private:
  void before_value();

  std::string& out_;
  std::vector<uint8_t> first_;  // per open container: nothing written in it yet (1)
  bool after_key_ = false;
};

void append_json_string(std::string& out, std::string_view text);

}  // namespace kiln
