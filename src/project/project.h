#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "common/data.h"
#include "project/config_renderer.h"

namespace kiln {

// dbt_project.yml, validated. Config trees (models:, seeds:, ...) are kept as they were written
// for the config resolver, which applies them folder by folder.
struct Project {
  std::filesystem::path root_dir;      // absolute
  std::filesystem::path project_file;  // absolute path of dbt_project.yml
  std::string name;
  std::string version;
  int config_version = 2;
  std::string profile_name;  // empty when the file names none

  std::vector<std::string> model_paths{"models"};
  std::vector<std::string> seed_paths{"seeds"};
  std::vector<std::string> snapshot_paths{"snapshots"};
  std::vector<std::string> test_paths{"tests"};
  std::vector<std::string> macro_paths{"macros"};
  std::vector<std::string> analysis_paths{"analyses"};
  std::vector<std::string> docs_paths;  // empty: dbt looks in every resource path
  std::vector<std::string> asset_paths;
  std::string target_path = "target";
  std::string log_path = "logs";
  std::string packages_install_path = "dbt_packages";
  std::vector<std::string> clean_targets;

  Data vars = Data::map();
  Data flags = Data::map();
  Data dispatch = Data::list();
  Data quoting = Data::map();
  Data query_comment;
  std::vector<std::string> on_run_start;
  std::vector<std::string> on_run_end;
  // Config trees by resource key: "models", "seeds", "snapshots", "data_tests", "sources",
  // "unit_tests", "analyses", "exposures", "metrics", "semantic-models", "saved-queries".
  Data config_trees = Data::map();

  // Everything the file said, after rendering, for whatever needs a key not modelled above.
  Data raw = Data::map();
};

struct ProjectLoadOptions {
  ValueRenderer render = renderer_without_template_engine();
  // Called with each notice worth showing the user (ignored or unknown keys).
  std::function<void(const std::string&)> notice;
};

// Loads `<project_dir>/dbt_project.yml`. Throws KilnError(Project/Yaml/Io) with file, line, column.
Project load_project(const std::filesystem::path& project_dir, const ProjectLoadOptions& options);

}  // namespace kiln
