#pragma once

#include "cli/invocation.h"
#include "cli/selection.h"

namespace kiln {

// The flags of `kiln run` beyond node selection.
struct RunFlags {
  bool full_refresh = false;  // -f/--full-refresh: rebuild incremental models from scratch
  bool fail_fast = false;     // -x/--fail-fast: stop at the first failure
};

// `kiln run`: builds the selected models (materializations run as Jinja macros against the
// target), writes target/run/, target/manifest.json and target/run_results.json. Exit 1 when a
// model failed.
int run_run(Invocation& invocation, const SelectionFlags& flags, const RunFlags& run_flags);

}  // namespace kiln
