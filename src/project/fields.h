#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/data.h"

namespace kiln {

// Typed reads of a mapping's fields that fail with a message naming the field, what was expected,
// what was found and where. `kind` picks the error kind (Project for dbt_project.yml, ...).
class FieldReader {
 public:
  FieldReader(const Data& map, ErrorKind kind, std::string source_text = {})
      : map_(map), kind_(kind), source_text_(std::move(source_text)) {}

  const Data* find(std::string_view key) const { return map_.find(key); }
  std::optional<std::string> optional_string(std::string_view key) const;
  std::string required_string(std::string_view key, std::string_view hint) const;
  std::optional<int64_t> optional_int(std::string_view key) const;
  std::optional<bool> optional_bool(std::string_view key) const;
  // A string or a list of strings (dbt accepts both for *-paths and hooks).
  std::optional<std::vector<std::string>> optional_string_list(std::string_view key) const;
  // Fails unless the field is absent or a mapping; returns the mapping or an empty one.
  Data optional_map(std::string_view key) const;

  [[noreturn]] void fail(const Data& at, std::string message, std::string hint = {}) const;
  [[noreturn]] void wrong_type(std::string_view key, const Data& value,
                               std::string_view expected) const;

 private:
  const Data& map_;
  ErrorKind kind_;
  std::string source_text_;
};

}  // namespace kiln
