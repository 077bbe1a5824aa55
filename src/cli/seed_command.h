#pragma once

#include "cli/invocation.h"
#include "cli/run_command.h"
#include "cli/selection.h"

namespace kiln {

// `kiln seed`: loads the selected seeds' CSV files into tables on the target (src/runner/
// seed_task.h), writes target/run/, target/manifest.json and target/run_results.json. Exit 1
// when a seed failed. `-f/--full-refresh` is accepted as dbt's; every load replaces its table.
int run_seed(Invocation& invocation, const SelectionFlags& flags, const RunFlags& run_flags);

}  // namespace kiln
