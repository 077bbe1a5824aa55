#include "project/fields.h"

namespace kiln {

void FieldReader::fail(const Data& at, std::string message, std::string hint) const {
  KilnError error(kind_, std::move(message), at.location(), std::move(hint));
  if (!source_text_.empty()) error.with_source(source_text_);
  throw error;
}

void FieldReader::wrong_type(std::string_view key, const Data& value,
                             std::string_view expected) const {
  std::string found = std::string(value.kind_name());
  if (value.is_string() || value.is_number() || value.is_bool()) {
    found += " (" + value.scalar_text() + ")";
  }
  fail(value, "'" + std::string(key) + "' must be " + std::string(expected) + ", found " + found);
}

std::optional<std::string> FieldReader::optional_string(std::string_view key) const {
  const Data* value = map_.find(key);
  if (!value || value->is_null()) return std::nullopt;
  // YAML turns `version: 1.0` into a number; dbt reads such scalars back as text.
  if (value->is_string() || value->is_number()) return value->scalar_text();
  wrong_type(key, *value, "a string");
}

std::string FieldReader::required_string(std::string_view key, std::string_view hint) const {
  std::optional<std::string> value = optional_string(key);
  if (!value || value->empty()) {
    fail(map_, "missing required field '" + std::string(key) + "'", std::string(hint));
  }
  return *value;
}

std::optional<int64_t> FieldReader::optional_int(std::string_view key) const {
  const Data* value = map_.find(key);
  if (!value || value->is_null()) return std::nullopt;
  if (value->is_int()) return value->as_int();
  if (value->is_string()) {
    const std::string& text = value->as_string();
    char* end = nullptr;
    long long parsed = std::strtoll(text.c_str(), &end, 10);
    if (!text.empty() && end && *end == '\0') return parsed;
  }
  wrong_type(key, *value, "an integer");
}

std::optional<bool> FieldReader::optional_bool(std::string_view key) const {
  const Data* value = map_.find(key);
  if (!value || value->is_null()) return std::nullopt;
  if (value->is_bool()) return value->as_bool();
  if (value->is_string()) {
    std::string text = value->as_string();
    if (text == "true" || text == "True") return true;
    if (text == "false" || text == "False") return false;
  }
  wrong_type(key, *value, "true or false");
}

std::optional<std::vector<std::string>> FieldReader::optional_string_list(
    std::string_view key) const {
  const Data* value = map_.find(key);
  if (!value || value->is_null()) return std::nullopt;
  if (value->is_string()) return std::vector<std::string>{value->as_string()};
  if (!value->is_list()) wrong_type(key, *value, "a list of strings");
  std::vector<std::string> items;
  for (const Data& item : value->as_list()) {
    if (!item.is_string()) wrong_type(key, item, "a list of strings; this item");
    items.push_back(item.as_string());
  }
  return items;
}

Data FieldReader::optional_map(std::string_view key) const {
  const Data* value = map_.find(key);
  if (!value || value->is_null()) return Data::map();
  if (!value->is_map()) wrong_type(key, *value, "a mapping");
  return *value;
}

}  // namespace kiln
