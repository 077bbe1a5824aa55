#include "adapters/adapter.h"

#include <cstdio>

#include "adapters/duckdb/duckdb_adapter.h"
#include "common/strings.h"
#include "project/profile.h"

namespace kiln {

std::optional<size_t> ResultTable::column_index(std::string_view name) const {
  for (size_t i = 0; i < columns.size(); ++i) {
    if (columns[i].name == name) return i;
  }
  return std::nullopt;
}

std::string cell_text(const Cell& cell) {
  struct Visitor {
    std::string operator()(std::monostate) const { return {}; }
    std::string operator()(bool v) const { return v ? "true" : "false"; }
    std::string operator()(int64_t v) const { return std::to_string(v); }
    std::string operator()(double v) const {
      char buffer[32];
      std::snprintf(buffer, sizeof buffer, "%.17g", v);
      return buffer;
    }
    std::string operator()(const std::string& v) const { return v; }
  };
  return std::visit(Visitor{}, cell);
}

std::string_view relation_type_name(RelationType type) {
  switch (type) {
    case RelationType::Table:
      return "table";
    case RelationType::View:
      return "view";
    case RelationType::MaterializedView:
      return "materialized_view";
    case RelationType::External:
      return "external";
    case RelationType::Unknown:
      return "unknown";
  }
  return "unknown";
}

std::string Adapter::render_relation(const RelationRef& relation) const {
  std::string out;
  for (const std::string* part : {&relation.database, &relation.schema, &relation.identifier}) {
    if (part->empty()) continue;
    if (!out.empty()) out += '.';
    out += quote(*part);
  }
  return out;
}

std::vector<std::string> supported_adapter_types() {
  return {"duckdb"};
}

std::unique_ptr<Adapter> make_adapter(const Target& target) {
  if (target.type == "duckdb") return make_duckdb_adapter(target);
  const Data* type_field = target.fields.find("type");
  throw KilnError(ErrorKind::Profile,
                  "unknown adapter type '" + target.type + "' in target '" + target.name + "'",
                  type_field ? type_field->location() : target.location,
                  "kiln supports: " + join(supported_adapter_types(), ", "));
}

}  // namespace kiln
