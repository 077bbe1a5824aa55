#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "common/error.h"

namespace kiln {

// A JSON/YAML-shaped value that remembers where it came from: project and profile settings,
// vars, config trees and meta. Maps keep their insertion order, as YAML files and Python dicts do.
class Data {
 public:
  enum class Kind { Null, Bool, Int, Float, String, List, Map };
  using List = std::vector<Data>;
  using Map = std::vector<std::pair<std::string, Data>>;

  Data() = default;
  static Data null(SourceLocation location = {});
  static Data boolean(bool value, SourceLocation location = {});
  static Data integer(int64_t value, SourceLocation location = {});
  static Data floating(double value, SourceLocation location = {});
  static Data string(std::string value, SourceLocation location = {});
  static Data list(List items = {}, SourceLocation location = {});
  static Data map(Map entries = {}, SourceLocation location = {});

  Kind kind() const { return static_cast<Kind>(value_.index()); }
  bool is_null() const { return kind() == Kind::Null; }
  bool is_bool() const { return kind() == Kind::Bool; }
  bool is_int() const { return kind() == Kind::Int; }
  bool is_float() const { return kind() == Kind::Float; }
  bool is_number() const { return is_int() || is_float(); }
  bool is_string() const { return kind() == Kind::String; }
  bool is_list() const { return kind() == Kind::List; }
  bool is_map() const { return kind() == Kind::Map; }

  bool as_bool() const { return std::get<bool>(value_); }
  int64_t as_int() const { return std::get<int64_t>(value_); }
  double as_float() const {
    return is_int() ? static_cast<double>(as_int()) : std::get<double>(value_);
  }
  const std::string& as_string() const { return std::get<std::string>(value_); }
  const List& as_list() const { return std::get<List>(value_); }
  List& as_list() { return std::get<List>(value_); }
  const Map& as_map() const { return std::get<Map>(value_); }
  Map& as_map() { return std::get<Map>(value_); }

  // Map access: nullptr when this is not a map or has no such key.
  const Data* find(std::string_view key) const;
  Data* find(std::string_view key);
  // Inserts or replaces, keeping the position of an existing key.
  void set(std::string key, Data value);

  const SourceLocation& location() const;
  void set_location(SourceLocation location);

  // A one-word description for error messages: "a string", "a list", ...
  std::string_view kind_name() const;
  // Scalars as text (strings as-is, numbers and booleans as YAML writes them); "" for others.
  std::string scalar_text() const;
  // Compact JSON, for logs and fingerprints.
  std::string to_json() const;

  friend bool operator==(const Data& a, const Data& b) { return a.value_ == b.value_; }

 private:
  std::variant<std::monostate, bool, int64_t, double, std::string, List, Map> value_;
  // Shared and mostly absent: a big project holds millions of values, and copies of a value
  // (configs inherited by every node) point at the same place in the same file.
  std::shared_ptr<const SourceLocation> location_;
};

// Recursively overlays `overlay` onto `base`: maps merge key by key, anything else replaces.
Data deep_merge(const Data& base, const Data& overlay);

}  // namespace kiln
