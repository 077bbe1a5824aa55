#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "common/data.h"
#include "project/project.h"

namespace kiln {

// One entry of packages.yml (or dependencies.yml's `packages:`).
struct PackageSpec {
  enum class Kind { Local, Hub, Git, Tarball };
  Kind kind = Kind::Local;
  std::string source;   // local path, hub name ("dbt-labs/dbt_utils"), git or tarball URL
  std::string version;  // hub `version` or git `revision`, as written
  std::string folder;   // where it lives under dbt_packages/ (for local: read from its project)
  SourceLocation location;
};

// Reads packages.yml, else dependencies.yml, of the project; empty when neither exists.
// Throws KilnError(Project/Yaml) naming the file and line of a malformed entry.
std::vector<PackageSpec> read_package_specs(const Project& project);

// `kiln deps`: links every local package into the packages folder (replacing an older link) and
// checks that every hub, git and tarball package is already there, since kiln cannot download
// them. Returns a line per package for the user.
std::vector<std::string> install_packages(const Project& project);

// The package kiln ships its own copy of that can stand in for `spec` when it is not installed:
// "dbt_utils" for the hub package dbt-labs/dbt_utils or a git URL naming dbt-utils; else empty.
std::string builtin_substitute(const PackageSpec& spec);

// Fails with a message saying how to provide them when listed packages are missing from the
// packages folder (so a project parses only with all its packages present), except those kiln
// ships a copy of: their names are returned, for the caller to use kiln's copy instead.
std::vector<std::string> check_packages_installed(const Project& project);

}  // namespace kiln
