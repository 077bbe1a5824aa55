#pragma once

#include <string>

#include "common/data.h"

namespace kiln {

// Parses the --vars argument: a YAML (or JSON, which is YAML) mapping such as
// '{start_date: 2024-01-01, full: true}'. Throws KilnError(Usage) when it is not one.
Data parse_cli_vars(const std::string& text);

}  // namespace kiln
