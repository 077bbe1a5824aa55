#include "common/data.h"

#include "common/json_writer.h"
#include "common/python_repr.h"

namespace kiln {

Data Data::null(SourceLocation location) {
  Data d;
  d.set_location(std::move(location));
  return d;
}

const SourceLocation& Data::location() const {
  static const SourceLocation unknown;
  return location_ ? *location_ : unknown;
}

void Data::set_location(SourceLocation location) {
  if (location.known() || location.line > 0) {
    location_ = std::make_shared<const SourceLocation>(std::move(location));
  } else {
    location_.reset();
  }
}

#define KILN_DATA_FACTORY(fn, type)                    \
  Data Data::fn(type value, SourceLocation location) { \
    Data d;                                            \
    d.value_ = std::move(value);                       \
    d.set_location(std::move(location));               \
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

std::string Data::scalar_text() const {
  switch (kind()) {
    case Kind::Null:
      return "null";
    case Kind::Bool:
      return as_bool() ? "true" : "false";
    case Kind::Int:
      return std::to_string(as_int());
    case Kind::Float:
      return python_float_repr(as_float());
    case Kind::String:
      return as_string();
    default:
      return {};
  }
}

std::string Data::to_json() const {
  std::string out;
  JsonWriter(out).value(*this);
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
