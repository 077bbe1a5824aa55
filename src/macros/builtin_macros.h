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

}  // namespace kiln
