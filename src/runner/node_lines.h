#pragma once

#include <cstdio>
#include <string>

#include "manifest/node.h"

namespace kiln {

// dbt pads node lines with dots to this width before the [STATUS] column.
inline constexpr size_t kNodeLineWidth = 80;

// Seconds as node lines and run_results.json show them: "0.12".
inline std::string seconds_text(double seconds) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.2f", seconds);
  return buffer;
}

// "3 of 12 START sql table model main.orders .......... [RUN]", dbt's layout.
inline std::string node_line(size_t index, size_t total, const std::string& message,
                             const std::string& status) {
  std::string prefix = std::to_string(index) + " of " + std::to_string(total) + " " + message + " ";
  if (prefix.size() < kNodeLineWidth) prefix += std::string(kNodeLineWidth - prefix.size(), '.');
  return prefix + " [" + status + "]";
}

// How node lines name a node's relation: "schema.alias", with the database in front when one is
// given as the default and the node's differs from it.
inline std::string relation_label(const Node& node, const std::string& default_database = {}) {
  std::string relation = node.schema + "." + (node.alias.empty() ? node.name : node.alias);
  if (!default_database.empty() && !node.database.empty() && node.database != default_database)
    relation = node.database + "." + relation;
  return relation;
}

}  // namespace kiln
