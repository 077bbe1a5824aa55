#pragma once

#include <map>
#include <string>
#include <vector>

#include "manifest/node.h"

namespace kiln {

struct ManifestMetadata {
  std::string dbt_schema_version = "https://schemas.getdbt.com/dbt/manifest/v12.json";
  std::string dbt_version;   // kiln reports the dbt version it is compatible with
  std::string generated_at;  // ISO 8601, UTC
  std::string invocation_id;
  std::string project_name;
  std::string project_id;  // md5 of the project name, as dbt computes it
  std::string adapter_type;
  Data env = Data::map();  // DBT_ENV_CUSTOM_ENV_* variables
};

// Everything a parse produced. Maps are ordered by unique id so artifacts are deterministic.
struct Manifest {
  ManifestMetadata metadata;
  std::map<std::string, Node> nodes;  // models, seeds, snapshots, tests, analyses, operations
  std::map<std::string, SourceDefinition> sources;
  std::map<std::string, Macro> macros;
  std::map<std::string, Documentation> docs;
  std::map<std::string, PropertyResource> exposures;
  std::map<std::string, PropertyResource> metrics;
  std::map<std::string, PropertyResource> semantic_models;
  std::map<std::string, PropertyResource> saved_queries;
  std::map<std::string, PropertyResource> groups;
  std::map<std::string, Node> unit_tests;
  // Nodes turned off with `enabled: false`, kept so `ref` to them gives a precise error.
  std::map<std::string, std::vector<Node>> disabled;
  Data selectors = Data::map();  // selectors.yml, as written

  // What `kiln compile` rendered, by unique id, and where it wrote it
  // ("target/compiled/shop/models/x.sql"): the manifest it writes then carries them, as dbt's
  // compiled nodes do. Kept beside the nodes, which parsing makes by the ten thousand.
  struct Compiled {
    std::string code, path;
  };
  std::map<std::string, Compiled> compiled;

  // parent_map / child_map are derived from depends_on_nodes by the graph (graph/dag.h).

  // A node of `nodes` or `unit_tests` (what commands run); nullptr for anything else.
  const Node* find_node(const std::string& unique_id) const {
    if (auto it = nodes.find(unique_id); it != nodes.end()) return &it->second;
    if (auto it = unit_tests.find(unique_id); it != unit_tests.end()) return &it->second;
    return nullptr;
  }
};

}  // namespace kiln
