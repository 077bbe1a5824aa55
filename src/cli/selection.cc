#include "cli/selection.h"

#include <fstream>
#include <sstream>

#include "cli/commands.h"
#include "common/strings.h"
#include "manifest/manifest_json.h"
#include "project/yaml_reader.h"

namespace kiln {

ParsedProject parse_and_check(Invocation& invocation) {
  ParseSession session;
  Manifest manifest = parse_manifest(invocation, &session);
  std::filesystem::path selectors_file = invocation.project_dir() / "selectors.yml";
  std::error_code ec;
  if (std::filesystem::exists(selectors_file, ec)) {
    manifest.selectors = read_yaml_file(selectors_file, "selectors.yml");
    validate_selectors(manifest.selectors);
  }
  Dag dag = Dag::build(manifest);
  std::map<std::string, std::vector<std::filesystem::path>> fixture_dirs;
  std::vector<const Project*> projects = {&invocation.load_project()};
  for (const Project& package : session.packages) projects.push_back(&package);
  for (const Project* project : projects) {
    for (const std::string& path : project->test_paths)
      fixture_dirs[project->name].push_back(project->root_dir / path / "fixtures");
  }
  return {std::move(manifest),      std::move(dag),          std::move(session),
          invocation.project_dir(), invocation.target_dir(), std::move(fixture_dirs)};
}

namespace {

std::vector<ResourceType> parse_types(const std::vector<std::string>& names) {
  std::vector<ResourceType> types;
  std::vector<std::string> known = {"model",       "seed",   "snapshot", "test",   "unit_test",
                                    "analysis",    "source", "exposure", "metric", "semantic_model",
                                    "saved_query", "all",    "default"};
  for (const std::string& name : names) {
    if (name == "all" || name == "default") {
      for (const char* all : {"model", "seed", "snapshot", "test", "unit_test", "analysis",
                              "source", "exposure", "metric", "semantic_model", "saved_query"}) {
        types.push_back(*parse_resource_type(all));
      }
      continue;
    }
    std::optional<ResourceType> type = parse_resource_type(name);
    if (!type || std::find(known.begin(), known.end(), name) == known.end()) {
      std::string close = closest_match(name, known);
      throw KilnError(ErrorKind::Usage, "'" + name + "' is not a resource type", {},
                      (close.empty() ? std::string() : "did you mean '" + close + "'? ") +
                          "choose from " + join(known, ", "));
    }
    types.push_back(*type);
  }
  return types;
}

std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

}  // namespace

std::set<std::string> select_from(const ParsedProject& project, const SelectionFlags& flags,
                                  const std::vector<ResourceType>& default_types) {
  SelectionSpec spec;
  spec.select = flags.select;
  spec.exclude = flags.exclude;
  spec.selector_name = flags.selector;
  spec.indirect_selection = flags.indirect_selection;
  spec.resource_types =
      flags.resource_types.empty() ? default_types : parse_types(flags.resource_types);
  // With --state, the current project is compared in the form it would have after being written
  // and read back, so both sides of every comparison went through the same manifest.json shape.
  std::optional<Manifest> current_view;
  std::optional<Dag> current_dag;
  if (!flags.state.empty()) {
    current_view = parse_manifest_json(manifest_to_json(project.manifest), "the current project");
    current_view->selectors = project.manifest.selectors;
    current_dag = Dag::build(*current_view);
  }
  const Manifest& manifest = current_view ? *current_view : project.manifest;
  SelectionContext context(manifest, current_dag ? *current_dag : project.dag);
  context.selectors = project.manifest.selectors;
  context.project_name = project.manifest.metadata.project_name;

  std::optional<Manifest> state;
  std::optional<PreviousResults> previous;
  std::optional<SourceFreshnessResults> current_sources, previous_sources;
  if (!flags.state.empty()) {
    std::filesystem::path dir = flags.state;
    if (dir.is_relative()) dir = std::filesystem::current_path() / dir;
    state = read_manifest(dir / "manifest.json");
    context.state_manifest = &*state;
    std::error_code ec;
    if (std::filesystem::exists(dir / "run_results.json", ec)) {
      previous = PreviousResults::parse_json(read_file(dir / "run_results.json"),
                                             (dir / "run_results.json").string());
      context.previous_results = &*previous;
    }
    // source_status: compares this target's sources.json with the one under --state.
    if (std::filesystem::exists(dir / "sources.json", ec)) {
      previous_sources = SourceFreshnessResults::parse_json(read_file(dir / "sources.json"),
                                                            "--state sources.json");
      context.previous_sources = &*previous_sources;
    }
    std::filesystem::path current = project.target_dir / "sources.json";
    if (std::filesystem::exists(current, ec)) {
      current_sources = SourceFreshnessResults::parse_json(read_file(current), "sources.json");
      context.current_sources = &*current_sources;
    }
  }
  return select_nodes(spec, context);
}

}  // namespace kiln
