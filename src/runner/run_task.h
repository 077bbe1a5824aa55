#pragma once

#include <atomic>
#include <filesystem>
#include <set>
#include <string>
#include <vector>

#include "adapters/adapter.h"
#include "context/dbt_context.h"
#include "graph/dag.h"
#include "manifest/manifest.h"
#include "runner/run_results.h"

namespace kiln {

// One on-run-start / on-run-end hook of a project (dbt_project.yml), unrendered.
struct RunHook {
  std::string package;
  int index = 0;  // position in its project's list
  std::string sql;
};

struct RunOptions {
  int threads = 1;
  bool fail_fast = false;
  bool full_refresh = false;
  bool use_color = false;
  std::string target_name;            // for "Concurrency: 4 threads (target='dev')"
  std::filesystem::path target_dir;   // absolute; target/run/ goes here
  std::filesystem::path project_dir;  // for paths shown relative to the project
  // Set (from a signal handler) to stop: nothing new starts, running statements are cancelled.
  const std::atomic<bool>* cancel = nullptr;
  // In dbt's order: packages' hooks first (by package name), the root project's last.
  std::vector<RunHook> on_run_start, on_run_end;
};

struct RunSummary {
  std::vector<NodeResult> results;  // in the order nodes finished
  double elapsed_seconds = 0;
  size_t passed = 0, errored = 0, skipped = 0;
  bool cancelled = false;  // Ctrl-C (RunOptions::cancel) stopped the run
  bool failed() const { return errored > 0; }
};

// `kiln run`: builds the selected models in DAG order on `options.threads` workers, each with
// its own connection and Jinja context (contexts[i] serves worker i + 1; contexts[0] is the one
// parsing used, the rest are its clones). Prints dbt's node lines and summary as events, writes
// target/run/<package>/<path> for every built node. A failing node's descendants are skipped;
// ephemeral models are not run, only compiled into their children.
RunSummary run_models(const Manifest& manifest, const Dag& dag,
                      const std::set<std::string>& selected,
                      const std::vector<DbtContext*>& contexts, Adapter& adapter,
                      const RunOptions& options);

}  // namespace kiln
