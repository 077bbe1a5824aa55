#include "common/query_result.h"

#include <cstdio>

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

RelationType parse_relation_type(std::string_view name) {
  for (RelationType type : {RelationType::Table, RelationType::View, RelationType::MaterializedView,
                            RelationType::External}) {
    if (relation_type_name(type) == name) return type;
  }
  return RelationType::Unknown;
}

}  // namespace kiln
