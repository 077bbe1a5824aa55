#include "project/project.h"

#include <algorithm>
#include <array>
#include <cctype>

#include "common/strings.h"
#include "project/fields.h"
#include "project/yaml_reader.h"

namespace kiln {
namespace {

constexpr std::array kConfigTreeKeys = {"models",    "seeds",   "snapshots",       "data_tests",
                                        "tests",     "sources", "unit_tests",      "analyses",
                                        "exposures", "metrics", "semantic-models", "saved-queries"};

constexpr std::array kKnownKeys = {"name",
                                   "version",
                                   "config-version",
                                   "profile",
                                   "model-paths",
                                   "source-paths",
                                   "seed-paths",
                                   "data-paths",
                                   "snapshot-paths",
                                   "test-paths",
                                   "macro-paths",
                                   "analysis-paths",
                                   "docs-paths",
                                   "asset-paths",
                                   "target-path",
                                   "log-path",
                                   "packages-install-path",
                                   "clean-targets",
                                   "vars",
                                   "flags",
                                   "dispatch",
                                   "quoting",
                                   "query-comment",
                                   "on-run-start",
                                   "on-run-end",
                                   "require-dbt-version",
                                   "restrict-access",
                                   "dbt-cloud",
                                   "function-paths",
                                   "functions"};

bool is_identifier(std::string_view name) {
  if (name.empty() || std::isdigit(static_cast<unsigned char>(name[0]))) return false;
  return std::all_of(name.begin(), name.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_';
  });
}

// Hooks are rendered when they run (they use `this` and other run-time names); vars are rendered
// where they are used. Neither is rendered when the project loads.
bool skip_at_load(const std::vector<std::string>& path) {
  if (path.empty()) return false;
  const std::string& top = path.front();
  if (top == "on-run-start" || top == "on-run-end" || top == "vars") return true;
  const std::string& last = path.back();
  return last == "pre-hook" || last == "post-hook" || last == "+pre-hook" || last == "+post-hook";
}

}  // namespace

Project load_project(const std::filesystem::path& project_dir, const ProjectLoadOptions& options) {
  std::filesystem::path file = project_dir / "dbt_project.yml";
  const std::string display = "dbt_project.yml";
  std::error_code ec;
  if (!std::filesystem::exists(file, ec)) {
    throw KilnError(ErrorKind::Project, "no dbt_project.yml found in " + project_dir.string(), {},
                    "run kiln from a dbt project directory, pass --project-dir, or create a "
                    "project with `kiln init NAME`");
  }
  std::string text = read_text_file(file, display);
  Data parsed = parse_yaml(text, display);
  if (!parsed.is_map()) {
    KilnError error(ErrorKind::Project,
                    "dbt_project.yml must be a mapping of settings, found " +
                        std::string(parsed.is_null() ? "an empty file" : parsed.kind_name()),
                    {display, parsed.location().line, parsed.location().column},
                    "start the file with `name: my_project` and `profile: my_profile`");
    throw error.with_source(text);
  }
  Data rendered = render_tree(parsed, options.render, skip_at_load);
  FieldReader fields(rendered, ErrorKind::Project, text);

  Project project;
  project.root_dir = std::filesystem::absolute(project_dir).lexically_normal();
  project.project_file = project.root_dir / "dbt_project.yml";
  project.raw = rendered;
  project.name = fields.required_string("name", "every project needs `name: <identifier>`");
  if (!is_identifier(project.name)) {
    fields.fail(*fields.find("name"),
                "project name '" + project.name + "' is not a valid identifier",
                "use letters, digits and underscores, not starting with a digit");
  }
  project.version = fields.optional_string("version").value_or("");
  if (auto version = fields.optional_int("config-version")) {
    if (*version != 2) {
      fields.fail(*fields.find("config-version"),
                  "config-version " + std::to_string(*version) + " is not supported",
                  "kiln, like dbt 1.x, reads config-version 2; remove the line or set it to 2");
    }
  }
  project.profile_name = fields.optional_string("profile").value_or("");

  auto paths = [&](std::initializer_list<const char*> keys, std::vector<std::string>& out) {
    for (const char* key : keys) {
      if (auto value = fields.optional_string_list(key)) {
        out = *value;
        return;
      }
    }
  };
  paths({"model-paths", "source-paths"}, project.model_paths);
  paths({"seed-paths", "data-paths"}, project.seed_paths);
  paths({"snapshot-paths"}, project.snapshot_paths);
  paths({"test-paths"}, project.test_paths);
  paths({"macro-paths"}, project.macro_paths);
  paths({"analysis-paths"}, project.analysis_paths);
  paths({"docs-paths"}, project.docs_paths);
  paths({"asset-paths"}, project.asset_paths);
  project.target_path = fields.optional_string("target-path").value_or("target");
  project.log_path = fields.optional_string("log-path").value_or("logs");
  project.packages_install_path =
      fields.optional_string("packages-install-path").value_or("dbt_packages");
  project.clean_targets =
      fields.optional_string_list("clean-targets").value_or(std::vector{project.target_path});

  project.vars = fields.optional_map("vars");
  project.flags = fields.optional_map("flags");
  project.quoting = fields.optional_map("quoting");
  if (const Data* dispatch = fields.find("dispatch"); dispatch && !dispatch->is_null()) {
    if (!dispatch->is_list()) fields.wrong_type("dispatch", *dispatch, "a list");
    project.dispatch = *dispatch;
  }
  if (const Data* comment = fields.find("query-comment")) project.query_comment = *comment;
  project.on_run_start =
      fields.optional_string_list("on-run-start").value_or(std::vector<std::string>{});
  project.on_run_end =
      fields.optional_string_list("on-run-end").value_or(std::vector<std::string>{});

  for (const char* key : kConfigTreeKeys) {
    Data tree = fields.optional_map(key);
    // `tests:` is the older spelling of `data_tests:`; both feed the same tree.
    std::string name = std::string(key) == "tests" ? "data_tests" : key;
    if (const Data* existing = project.config_trees.find(name)) tree = deep_merge(*existing, tree);
    project.config_trees.set(name, std::move(tree));
  }

  if (options.notice) {
    if (fields.find("require-dbt-version")) {
      options.notice(
          "dbt_project.yml: require-dbt-version is accepted and ignored; kiln runs "
          "dbt 1.x projects");
    }
    for (const auto& [key, value] : rendered.as_map()) {
      bool known = std::find_if(kKnownKeys.begin(), kKnownKeys.end(),
                                [&](const char* k) { return key == k; }) != kKnownKeys.end() ||
                   std::find_if(kConfigTreeKeys.begin(), kConfigTreeKeys.end(),
                                [&](const char* k) { return key == k; }) != kConfigTreeKeys.end();
      if (!known) {
        options.notice(value.location().to_string() + ": unknown key '" + key +
                       "' in dbt_project.yml is ignored");
      }
    }
  }
  return project;
}

}  // namespace kiln
