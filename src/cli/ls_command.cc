#include <nlohmann/json.hpp>

#include "cli/commands.h"
#include "cli/selection.h"
#include "common/strings.h"
#include "manifest/manifest_json.h"

namespace kiln {
namespace {

// What `dbt ls` prints for a resource in its default `selector` output.
std::string selector_text(const Manifest& manifest, const std::string& id) {
  if (auto it = manifest.nodes.find(id); it != manifest.nodes.end())
    return join(it->second.fqn, ".");
  if (auto it = manifest.sources.find(id); it != manifest.sources.end()) {
    return "source:" + join(it->second.fqn, ".");
  }
  if (auto it = manifest.unit_tests.find(id); it != manifest.unit_tests.end()) {
    return "unit_test:" + join(it->second.fqn, ".");
  }
  for (const auto* group : {&manifest.exposures, &manifest.metrics, &manifest.semantic_models,
                            &manifest.saved_queries}) {
    if (auto it = group->find(id); it != group->end()) {
      return std::string(resource_type_name(it->second.resource_type)) + ":" +
             join(it->second.fqn, ".");
    }
  }
  return id;
}

std::string name_text(const Manifest& manifest, const std::string& id) {
  if (auto it = manifest.nodes.find(id); it != manifest.nodes.end()) {
    const Node& node = it->second;
    return node.version ? node.name + ".v" + *node.version : node.name;
  }
  if (auto it = manifest.sources.find(id); it != manifest.sources.end()) {
    return it->second.source_name + "." + it->second.name;
  }
  if (auto it = manifest.unit_tests.find(id); it != manifest.unit_tests.end())
    return it->second.name;
  for (const auto* group : {&manifest.exposures, &manifest.metrics, &manifest.semantic_models,
                            &manifest.saved_queries}) {
    if (auto it = group->find(id); it != group->end()) return it->second.name;
  }
  return id;
}

std::string path_text(const Manifest& manifest, const std::string& id) {
  if (auto it = manifest.nodes.find(id); it != manifest.nodes.end())
    return it->second.original_file_path;
  if (auto it = manifest.sources.find(id); it != manifest.sources.end())
    return it->second.original_file_path;
  if (auto it = manifest.unit_tests.find(id); it != manifest.unit_tests.end()) {
    return it->second.original_file_path;
  }
  for (const auto* group : {&manifest.exposures, &manifest.metrics, &manifest.semantic_models,
                            &manifest.saved_queries}) {
    if (auto it = group->find(id); it != group->end()) return it->second.original_file_path;
  }
  return id;
}

std::string json_text(const Manifest& manifest, const std::string& id,
                      const std::vector<std::string>& keys) {
  static const std::vector<std::string> kDefaultKeys = {
      "name",  "resource_type", "package_name", "original_file_path", "unique_id",
      "alias", "config",        "tags",         "depends_on"};
  nlohmann::json full = nlohmann::json::parse(resource_to_json(manifest, id));
  nlohmann::json out = nlohmann::json::object();
  for (const std::string& key : keys.empty() ? kDefaultKeys : keys) {
    if (full.contains(key)) out[key] = full[key];
  }
  return out.dump();
}

}  // namespace

int run_ls(Invocation& invocation, const SelectionFlags& flags, const std::string& output,
           const std::vector<std::string>& output_keys) {
  if (output != "selector" && output != "name" && output != "path" && output != "json") {
    throw KilnError(ErrorKind::Usage, "unknown --output '" + output + "'", {},
                    "use selector, name, path or json");
  }
  ParsedProject project = parse_and_check(invocation);
  std::vector<ResourceType> all;
  for (const char* type : {"model", "seed", "snapshot", "test", "unit_test", "analysis", "source",
                           "exposure", "metric", "semantic_model", "saved_query"}) {
    all.push_back(*parse_resource_type(type));
  }
  std::set<std::string> selected = select_from(project, flags, all);
  std::vector<std::string> lines;
  for (const std::string& id : selected) {
    if (output == "name")
      lines.push_back(name_text(project.manifest, id));
    else if (output == "path")
      lines.push_back(path_text(project.manifest, id));
    else if (output == "json")
      lines.push_back(json_text(project.manifest, id, output_keys));
    else
      lines.push_back(selector_text(project.manifest, id));
  }
  std::sort(lines.begin(), lines.end());
  if (lines.empty()) {
    events().warn("Z060", "No nodes selected!");
    return kExitSuccess;
  }
  for (const std::string& line : lines) {
    Event event;
    event.code = "Z061";
    event.message = line;
    event.is_output = true;
    events().emit(std::move(event));
  }
  return kExitSuccess;
}

}  // namespace kiln
