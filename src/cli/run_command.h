#pragma once

#include <functional>
#include <memory>

#include "cli/invocation.h"
#include "cli/selection.h"
#include "runner/run_task.h"

namespace kiln {

// The flags of `kiln run` beyond node selection.
struct RunFlags {
  bool full_refresh = false;    // -f/--full-refresh: rebuild incremental models from scratch
  bool fail_fast = false;       // -x/--fail-fast: stop at the first failure
  bool store_failures = false;  // kiln test --store-failures: every test stores its failures
};

// `kiln run`: builds the selected models (materializations run as Jinja macros against the
// target), writes target/run/, target/manifest.json and target/run_results.json. Exit 1 when a
// model failed.
int run_run(Invocation& invocation, const SelectionFlags& flags, const RunFlags& run_flags);

// `kiln test`: runs the selected data tests (generic and singular) and reports pass, warn, fail
// or error for each, writes target/run/, target/compiled/ and target/run_results.json. Exit 1
// when a test failed or errored; warnings alone exit 0.
int run_test(Invocation& invocation, const SelectionFlags& flags, const RunFlags& run_flags);

// One template context per worker thread: jinja::Environment is not thread-safe. Worker 1 uses
// the context parsing built (its templates are compiled already), the others clones of it.
class WorkerContexts {
 public:
  WorkerContexts(DbtContext& parsed, int threads);
  const std::vector<DbtContext*>& contexts() const { return contexts_; }

 private:
  std::vector<std::unique_ptr<DbtContext>> clones_;
  std::vector<DbtContext*> contexts_;
};

// What distinguishes the commands that run nodes on the warehouse (run, test, ...).
struct TaskCommand {
  std::string which;                // "run", "test": flags.WHICH and run_results.json's args
  std::vector<ResourceType> types;  // what the selection picks from by default
  // Called on the selection before running, e.g. to leave out and report what is unsupported.
  std::function<void(const Manifest&, std::set<std::string>&)> filter;
};

// The flow of such a command: parse, select, write manifest.json, run the task's nodes on the
// target (hooks included), write run_results.json; exit 1 when a node failed, 130 after Ctrl-C.
int run_task_command(Invocation& invocation, const SelectionFlags& flags, const RunFlags& run_flags,
                     const TaskCommand& command,
                     const std::function<std::unique_ptr<NodeTask>(Adapter&)>& make_task);

}  // namespace kiln
