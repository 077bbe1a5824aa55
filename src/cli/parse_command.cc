#include <algorithm>
#include <chrono>
#include <future>

#include "adapters/adapter.h"
#include "cli/commands.h"
#include "cli/parse_state.h"
#include "cli/selection.h"
#include "context/dbt_context.h"
#include "macros/builtin_macros.h"
#include "manifest/manifest_json.h"
#include "parser/project_parser.h"
#include "project/packages.h"

namespace kiln {
namespace {

// "Found 3 models, 1 seed, 12 data tests, 2 sources, 40 macros", leaving out zero counts.
std::string found_line(const Manifest& manifest) {
  std::map<ResourceType, size_t> counts;
  for (const auto& [id, node] : manifest.nodes) ++counts[node.resource_type];
  std::vector<std::pair<size_t, std::pair<const char*, const char*>>> parts = {
      {counts[ResourceType::Model], {"model", "models"}},
      {counts[ResourceType::Snapshot], {"snapshot", "snapshots"}},
      {counts[ResourceType::Seed], {"seed", "seeds"}},
      {counts[ResourceType::Test], {"data test", "data tests"}},
      {counts[ResourceType::Analysis], {"analysis", "analyses"}},
      {manifest.unit_tests.size(), {"unit test", "unit tests"}},
      {manifest.sources.size(), {"source", "sources"}},
      {manifest.exposures.size(), {"exposure", "exposures"}},
      {manifest.metrics.size(), {"metric", "metrics"}},
      {manifest.semantic_models.size(), {"semantic model", "semantic models"}},
      {manifest.saved_queries.size(), {"saved query", "saved queries"}},
      {manifest.groups.size(), {"group", "groups"}},
      {manifest.macros.size(), {"macro", "macros"}},
  };
  std::string line;
  for (const auto& [count, names] : parts) {
    if (count == 0) continue;
    if (!line.empty()) line += ", ";
    line += std::to_string(count) + " " + (count == 1 ? names.first : names.second);
  }
  return "Found " + (line.empty() ? std::string("nothing") : line);
}

}  // namespace

ParseSession::ParseSession() = default;
ParseSession::ParseSession(ParseSession&&) noexcept = default;
ParseSession& ParseSession::operator=(ParseSession&&) noexcept = default;
ParseSession::~ParseSession() = default;

Manifest parse_manifest(Invocation& invocation, ParseSession* session) {
  const Project& project = invocation.load_project();
  invocation.start_file_logging();
  invocation.cli_vars();
  Target target = invocation.load_target();
  std::unique_ptr<Adapter> adapter = make_adapter(target);
  ProjectLoadOptions load_options;
  load_options.notice = [](const std::string& text) { events().warn("Z003", text); };
  load_options.render = make_config_renderer(invocation.cli_vars());
  std::vector<std::string> substitutes = check_packages_installed(project);
  std::vector<Project> packages = load_installed_packages(project, load_options);
  // kiln's own copies of listed packages that are not installed; an installed copy, whatever
  // its folder, always wins.
  std::vector<ParseOptions::BuiltinPackage> builtin_packages;
  for (const std::string& name : substitutes) {
    bool installed = std::any_of(packages.begin(), packages.end(),
                                 [&](const Project& package) { return package.name == name; });
    const auto* files = builtin_package_files(name);
    if (installed || !files) continue;
    builtin_packages.push_back({name, *files});
    events().info("Z005", "Using kiln's built-in " + name + " (" + project.packages_install_path +
                              "/" + name + " is not installed)");
  }

  ParseTarget parse_target;
  parse_target.adapter_type = adapter->type();
  parse_target.database = adapter->default_database();
  parse_target.schema = adapter->default_schema();
  if (const Data* schema = target.fields.find("schema"); schema && schema->is_string()) {
    parse_target.schema = schema->as_string();
  }
  const Adapter* quoting = adapter.get();
  parse_target.quote = [quoting](std::string_view identifier) {
    return quoting->quote(identifier);
  };
  ContextTarget context_target;
  context_target.profile_name = target.profile_name;
  context_target.name = target.name;
  context_target.type = adapter->type();
  context_target.database = parse_target.database;
  context_target.schema = parse_target.schema;
  context_target.threads = target.threads;
  context_target.fields = target.fields;
  context_target.quote = parse_target.quote;
  auto context = std::make_unique<DbtContext>(project, packages, context_target,
                                              invocation.cli_vars(), invocation.invocation_id());

  ParseOptions options;
  options.notice = [](const std::string& text) { events().warn("Z004", text); };
  options.invocation_id = invocation.invocation_id();
  options.render_value = make_config_renderer(invocation.cli_vars());
  options.render_node = context->node_renderer();
  options.generate_name = context->name_generator();
  options.builtin_macros = builtin_macro_files();
  options.builtin_packages = std::move(builtin_packages);
  ParseStats stats;
  Manifest manifest = parse_project(project, packages, parse_target, options, &stats);
  std::string timing;
  for (const auto& [phase, ms] : stats.phase_ms) {
    timing += ", " + phase + " " + std::to_string(static_cast<int>(ms)) + " ms";
  }
  events().debug("Z052", std::to_string(stats.static_files) + " files read statically, " +
                             std::to_string(stats.rendered_files) + " rendered" + timing);
  if (session) {
    // The context points into `packages` and at the adapter; moving the vector and the
    // unique_ptrs keeps those addresses.
    session->packages = std::move(packages);
    session->adapter = std::move(adapter);
    session->context = std::move(context);
  }
  return manifest;
}

namespace {

// Freeing a big project's millions of small allocations takes a tenth of a second that the
// process, about to exit, gives back for free: `kiln parse` keeps its parse allocated, as clang's
// -disable-free keeps its AST. This global keeps it reachable, so leak checkers stay quiet
// (volatile: a pointer never read would be optimized away, and the parse would look leaked).
ParsedProject* volatile parse_kept_until_exit = nullptr;

}  // namespace

int run_parse(Invocation& invocation, bool partial_parse) {
  std::filesystem::path path = invocation.target_dir() / "manifest.json";
  invocation.load_project();  // where target/ and logs/ are, before another thread asks
  if (partial_parse) {
    invocation.start_file_logging();
    if (std::optional<ReusedParse> reused = reuse_last_parse(invocation)) {
      events().debug("Z054",
                     reused->spliced
                         ? "only model SQL bodies changed; spliced them into " + path.string()
                         : "nothing changed since the last parse; kept " + path.string());
      say("Z050", reused->found_summary);
      say("Z051", "Wrote " + path.lexically_relative(invocation.project_dir()).string());
      return kExitSuccess;
    }
  }
  // Listing the files overlaps with parsing, which leaves a core idle in its sequential phases.
  std::future<ParseInputs> inputs =
      std::async(std::launch::async, [&] { return capture_parse_inputs(invocation); });
  auto* project = new ParsedProject(parse_and_check(invocation));
  parse_kept_until_exit = project;
  const Manifest& manifest = project->manifest;
  auto start = std::chrono::steady_clock::now();
  write_manifest(manifest, path);
  events().debug("Z053",
                 "wrote manifest.json in " +
                     std::to_string(static_cast<int>(std::chrono::duration<double, std::milli>(
                                                         std::chrono::steady_clock::now() - start)
                                                         .count())) +
                     " ms");
  std::string found = found_line(manifest);
  record_parse(invocation, inputs.get(), found, manifest);
  say("Z050", found);
  say("Z051", "Wrote " + path.lexically_relative(invocation.project_dir()).string());
  return kExitSuccess;
}

}  // namespace kiln
