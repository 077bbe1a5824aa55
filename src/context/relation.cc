#include "context/relation.h"

namespace kiln {

RelationObject::RelationObject(std::string database, std::string schema, std::string identifier,
                               std::string type, Quote quote)
    : database_(std::move(database)),
      schema_(std::move(schema)),
      identifier_(std::move(identifier)),
      type_(std::move(type)),
      quote_(std::move(quote)) {}

std::string RelationObject::render() const {
  // An ephemeral model's CTE is referenced by its bare name.
  if (type_ == "cte") return identifier_;
  std::string out;
  auto part = [&](const std::string& text, bool include, bool quoted) {
    if (!include || text.empty()) return;
    if (!out.empty()) out += '.';
    out += quoted ? quote_(text) : text;
  };
  part(database_, include_database_, quote_database_);
  part(schema_, include_schema_, quote_schema_);
  part(identifier_, include_identifier_, quote_identifier_);
  return out;
}

std::string RelationObject::str() const {
  if (filter_.empty()) return render();
  std::string subquery =
      "(select * from " + render() + " where " + filter_ + (no_rows_ ? " limit 0)" : ")");
  return filter_alias_.empty() ? subquery : subquery + " " + filter_alias_;
}

jinja::Value RelationObject::filtered(const std::string& condition, const std::string& alias,
                                      bool no_rows) const {
  auto relation = copy();
  // An ephemeral model's CTE is filtered inside, through its own refs.
  if (type_ != "cte") {
    relation->filter_ = filter_.empty() ? condition : "(" + filter_ + ") and (" + condition + ")";
    relation->filter_alias_ = alias;
    relation->no_rows_ = relation->no_rows_ || no_rows;
  }
  return jinja::Value::host(relation);
}

bool RelationObject::equals(const jinja::HostObject& other) const {
  const auto* relation = dynamic_cast<const RelationObject*>(&other);
  return relation && relation->render() == render();
}

std::optional<jinja::Value> RelationObject::get_attr(std::string_view name, jinja::Runtime&) {
  auto nullable = [](const std::string& text) {
    return text.empty() ? jinja::Value::none() : jinja::Value(text);
  };
  if (name == "database") return nullable(database_);
  if (name == "schema") return nullable(schema_);
  if (name == "identifier" || name == "name" || name == "table") return nullable(identifier_);
  if (name == "type") return nullable(type_);
  if (name == "is_table") return jinja::Value(type_ == "table");
  if (name == "is_view") return jinja::Value(type_ == "view");
  if (name == "is_cte") return jinja::Value(type_ == "cte");
  if (name == "is_materialized_view") return jinja::Value(type_ == "materialized_view");
  if (name == "path") {
    return jinja::Value::dict()
        .set("database", nullable(database_))
        .set("schema", nullable(schema_))
        .set("identifier", nullable(identifier_));
  }
  return std::nullopt;
}

std::optional<jinja::Value> RelationObject::call_method(std::string_view name,
                                                        jinja::CallArgs& args, jinja::Runtime&) {
  auto flag = [&](std::string_view key, bool current) {
    const jinja::Value* value = args.kwarg(key);
    return value && !value->is_none() ? value->truthy() : current;
  };
  if (name == "include" || name == "quote") {
    auto relation = copy();
    if (name == "include") {
      relation->include_database_ = flag("database", include_database_);
      relation->include_schema_ = flag("schema", include_schema_);
      relation->include_identifier_ = flag("identifier", include_identifier_);
    } else {
      relation->quote_database_ = flag("database", quote_database_);
      relation->quote_schema_ = flag("schema", quote_schema_);
      relation->quote_identifier_ = flag("identifier", quote_identifier_);
    }
    return jinja::Value::host(relation);
  }
  if (name == "render") return jinja::Value(render());
  if (name == "without_identifier") {
    auto relation = copy();
    relation->include_identifier_ = false;
    return jinja::Value::host(relation);
  }
  if (name == "incorporate" || name == "replace_path") {
    auto relation = copy();
    if (const jinja::Value* type = args.kwarg("type"); type && type->is_string()) {
      relation->type_ = type->as_string();
    }
    // replace_path(identifier='x') takes the parts as keywords; incorporate(path={...}) a dict.
    jinja::Value parts = jinja::Value::dict();
    if (name == "replace_path") {
      for (const auto& [key, value] : args.keyword) parts.set(key, value);
    }
    const jinja::Value* path = name == "replace_path" ? &parts : args.kwarg("path");
    if (path && path->is_dict()) {
      for (const char* key : {"database", "schema", "identifier"}) {
        jinja::Value value = path->get(key);
        if (value.is_string()) {
          std::string text = value.as_string();
          if (std::string_view(key) == "database") relation->database_ = text;
          if (std::string_view(key) == "schema") relation->schema_ = text;
          if (std::string_view(key) == "identifier") relation->identifier_ = text;
        }
      }
    }
    return jinja::Value::host(relation);
  }
  return std::nullopt;
}

jinja::Value make_relation(std::string database, std::string schema, std::string identifier,
                           std::string type, RelationObject::Quote quote) {
  return jinja::Value::host(std::make_shared<RelationObject>(std::move(database), std::move(schema),
                                                             std::move(identifier), std::move(type),
                                                             std::move(quote)));
}

}  // namespace kiln
