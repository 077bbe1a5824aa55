#pragma once

#include <string_view>
#include <utility>
#include <vector>

namespace kiln {

// kiln's own macros (generic tests, naming defaults, ...), compiled into the binary from the .sql
// files in this folder. They form the package `dbt`, as dbt's global project does, so projects
// and packages find and override them under the names they expect.
inline constexpr std::string_view kBuiltinPackage = "dbt";

// (path, text) of each file, e.g. ("macros/generic_tests.sql", "{% test not_null ... %}").
const std::vector<std::pair<std::string_view, std::string_view>>& builtin_macro_files();

// The macro files of a package kiln ships a copy of: `dbt` (the files above) and `dbt_utils`
// (kiln's own dbt_utils-compatible macros and tests, from dbt_utils/ here, used when a project
// lists dbt_utils without installing it). nullptr for any other package.
const std::vector<std::pair<std::string_view, std::string_view>>* builtin_package_files(
    std::string_view package);

}  // namespace kiln
