#pragma once

#include <filesystem>
#include <string>
#include <string_view>

#include "common/data.h"

namespace kiln {

// Parses YAML the way dbt (PyYAML's safe loader, YAML 1.1) reads it: plain `yes`/`on`/`True` are
// booleans, `1e3` without a dot stays a string, `<<` merge keys apply, the last duplicate key wins.
// Every node keeps its file, line and column. Throws KilnError(Yaml) with the position of the
// first syntax error.
Data parse_yaml(std::string_view text, const std::string& file_name);

// Reads and parses a file; `display_name` is what messages call it (usually a relative path).
Data read_yaml_file(const std::filesystem::path& path, const std::string& display_name);

// Reads a whole file; throws KilnError(Io) naming `display_name` when it cannot.
std::string read_text_file(const std::filesystem::path& path, const std::string& display_name);

}  // namespace kiln
