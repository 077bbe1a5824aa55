#include <nlohmann/json.hpp>

#include <algorithm>

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
  // Unit tests, exposures, metrics, semantic models and saved queries are found by
  // <package>.<name>, so dbt prints them that way.
  if (auto it = manifest.unit_tests.find(id); it != manifest.unit_tests.end()) {
    return "unit_test:" + it->second.package_name + "." + it->second.name;
  }
  for (const auto* group : {&manifest.exposures, &manifest.metrics, &manifest.semantic_models,
                            &manifest.saved_queries}) {
    if (auto it = group->find(id); it != group->end()) {
      return std::string(resource_type_name(it->second.resource_type)) + ":" +
             it->second.package_name + "." + it->second.name;
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

// Python's json.dumps layout, as `dbt ls --output json` prints: ", " and ": " separators,
// non-ASCII escaped, keys in the order the node has them.
void append_python_json(std::string& out, const nlohmann::ordered_json& value) {
  if (value.is_object()) {
    out += '{';
    bool first = true;
    for (const auto& [key, item] : value.items()) {
      if (!first) out += ", ";
      first = false;
      out += nlohmann::ordered_json(key).dump(-1, ' ', true);
      out += ": ";
      append_python_json(out, item);
    }
    out += '}';
  } else if (value.is_array()) {
    out += '[';
    for (size_t i = 0; i < value.size(); ++i) {
      if (i > 0) out += ", ";
      append_python_json(out, value[i]);
    }
    out += ']';
  } else {
    out += value.dump(-1, ' ', true);
  }
}

std::string json_text(const Manifest& manifest, const std::string& id,
                      const std::vector<std::string>& keys) {
  static const std::vector<std::string> kDefaultKeys = {
      "name",  "resource_type", "package_name", "original_file_path", "unique_id",
      "alias", "config",        "tags",         "depends_on"};
  const std::vector<std::string>& wanted = keys.empty() ? kDefaultKeys : keys;
  nlohmann::ordered_json full = nlohmann::ordered_json::parse(resource_to_json(manifest, id));
  nlohmann::ordered_json out = nlohmann::ordered_json::object();
  for (const auto& [key, value] : full.items()) {
    if (std::find(wanted.begin(), wanted.end(), key) != wanted.end()) out[key] = value;
  }
  std::string text;
  append_python_json(text, out);
  return text;
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
  // In unique id order, as dbt lists them (`selected` is sorted).
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
