#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "project/project.h"

namespace kiln {

// A source file of the project, by its path relative to the project root ("models/a/b.sql").
struct ProjectFile {
  std::string relative_path;
  std::filesystem::path absolute_path;
};

// The files each resource path of dbt_project.yml holds, sorted by path so every run sees them in
// the same order.
struct ProjectFiles {
  std::vector<ProjectFile> models;     // .sql, .py in model-paths
  std::vector<ProjectFile> seeds;      // .csv in seed-paths
  std::vector<ProjectFile> snapshots;  // .sql in snapshot-paths
  std::vector<ProjectFile> tests;      // .sql in test-paths
  std::vector<ProjectFile> macros;     // .sql in macro-paths
  std::vector<ProjectFile> analyses;   // .sql in analysis-paths
  std::vector<ProjectFile>
      properties;  // .yml/.yaml in model, seed, snapshot, test, macro, analysis paths
  std::vector<ProjectFile> docs;  // .md in docs-paths (or every resource path)
};

ProjectFiles discover_files(const Project& project);

}  // namespace kiln
