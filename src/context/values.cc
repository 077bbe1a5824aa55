#include "context/values.h"

namespace kiln {

jinja::Value to_jinja(const Data& data) {
  switch (data.kind()) {
    case Data::Kind::Null:
      return jinja::Value::none();
    case Data::Kind::Bool:
      return jinja::Value(data.as_bool());
    case Data::Kind::Int:
      return jinja::Value(data.as_int());
    case Data::Kind::Float:
      return jinja::Value(data.as_float());
    case Data::Kind::String:
      return jinja::Value(data.as_string());
    case Data::Kind::List: {
      std::vector<jinja::Value> items;
      items.reserve(data.as_list().size());
      for (const Data& item : data.as_list()) items.push_back(to_jinja(item));
      return jinja::Value::list(std::move(items));
    }
    case Data::Kind::Map: {
      jinja::Value dict = jinja::Value::dict();
      for (const auto& [key, value] : data.as_map()) dict.set(key, to_jinja(value));
      return dict;
    }
  }
  return jinja::Value::none();
}

Data from_jinja(const jinja::Value& value) {
  switch (value.kind()) {
    case jinja::Kind::kUndefined:
    case jinja::Kind::kNone:
      return Data::null();
    case jinja::Kind::kBool:
      return Data::boolean(value.as_bool());
    case jinja::Kind::kInt:
      return Data::integer(value.as_int());
    case jinja::Kind::kFloat:
      return Data::floating(value.as_float());
    case jinja::Kind::kString:
      return Data::string(value.as_string());
    case jinja::Kind::kList:
    case jinja::Kind::kTuple: {
      Data::List items;
      for (const jinja::Value& item : value.as_list().items) items.push_back(from_jinja(item));
      return Data::list(std::move(items));
    }
    case jinja::Kind::kDict: {
      Data::Map entries;
      for (const auto& [key, item] : value.as_dict().entries) {
        entries.emplace_back(key.str(), from_jinja(item));
      }
      return Data::map(std::move(entries));
    }
    default:
      return Data::string(value.str());
  }
}

}  // namespace kiln
