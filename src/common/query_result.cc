#include "common/query_result.h"

#include <algorithm>

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

std::string text_table(const std::vector<std::string>& header,
                       const std::vector<std::vector<std::string>>& rows) {
  std::vector<size_t> widths(header.size(), 1);
  for (size_t c = 0; c < header.size(); ++c) widths[c] = std::max(widths[c], header[c].size());
  for (const auto& row : rows)
    for (size_t c = 0; c < header.size(); ++c) widths[c] = std::max(widths[c], row[c].size());
  std::string out;
  auto line = [&](const std::vector<std::string>& cells) {
    out += "|";
    for (size_t c = 0; c < header.size(); ++c)
      out += " " + cells[c] + std::string(widths[c] - cells[c].size(), ' ') + " |";
    out += "\n";
  };
  line(header);
  out += "|";
  for (size_t c = 0; c < header.size(); ++c) out += std::string(widths[c] + 2, '-') + "|";
  out += "\n";
  for (const auto& row : rows) line(row);
  out.pop_back();
  return out;
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
