#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "manifest/manifest.h"
#include "project/config_renderer.h"
#include "project/project.h"

namespace kiln {

// What parsing needs to know of the warehouse: where relations go by default and how it quotes.
struct ParseTarget {
  std::string adapter_type = "duckdb";
  std::string database;
  std::string schema = "main";
  std::function<std::string(std::string_view)> quote = [](std::string_view identifier) {
    return "\"" + std::string(identifier) + "\"";
  };
};

// What rendering a dynamic file at parse time found: the calls dbt records while rendering.
struct RenderedCalls {
  std::vector<RefCall> refs;
  std::vector<SourceCall> sources;
  Data config = Data::map();        // keyword arguments of config() calls, merged
  std::vector<std::string> macros;  // unique ids of the macros the render called
};

// Renders a node whose SQL uses Jinja beyond literal ref/source/config calls, in parse mode.
// `macros` holds every macro of the project and its packages.
using NodeRenderer =
    std::function<RenderedCalls(const Node& node, const std::map<std::string, Macro>& macros)>;

// Calls a project's own generate_schema_name / generate_alias_name / generate_database_name
// macro for a node and returns what it rendered (trimmed).
using NameGenerator =
    std::function<std::string(const Macro& macro, const std::string& custom_value, const Node& node,
                              const std::map<std::string, Macro>& macros)>;

struct ParseOptions {
  ValueRenderer render_value = renderer_without_template_engine();
  NodeRenderer render_node;  // empty: a dynamic file is an error that names it
  // Render every file, even those the static extractor could read (tests compare both paths).
  bool always_render = false;
  NameGenerator generate_name;  // empty: an overridden naming macro is an error that names it
  std::function<void(const std::string&)> notice;
  std::string invocation_id;
  std::string generated_at;  // ISO 8601; empty: now
  // Macro files that form the built-in `dbt` package: (path, text).
  std::vector<std::pair<std::string_view, std::string_view>> builtin_macros;
  // Packages kiln ships a copy of, standing in for listed packages that are not installed
  // (dbt_utils): their macros join the manifest under the package's name.
  struct BuiltinPackage {
    std::string name;
    std::vector<std::pair<std::string_view, std::string_view>> files;  // (path, text)
  };
  std::vector<BuiltinPackage> builtin_packages;
};

struct ParseStats {
  size_t static_files = 0;    // read by the static extractor
  size_t rendered_files = 0;  // rendered by the template engine
  // Wall time of each phase, in milliseconds, in the order they ran.
  std::vector<std::pair<std::string, double>> phase_ms;
};

// Parses the root project and its installed packages into a manifest: every node with its
// resolved config, relation name and dependencies, generic tests expanded from property files,
// refs and sources resolved. Throws KilnError naming the file (and line where known) for a
// missing ref, a duplicate name, a malformed property file, and the like.
Manifest parse_project(const Project& root, const std::vector<Project>& packages,
                       const ParseTarget& target, const ParseOptions& options,
                       ParseStats* stats = nullptr);

// The packages installed under the root project's packages-install-path (dbt_packages/):
// every folder with a dbt_project.yml, sorted by folder name.
std::vector<Project> load_installed_packages(const Project& root,
                                             const ProjectLoadOptions& options);

}  // namespace kiln
