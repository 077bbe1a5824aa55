#pragma once

#include <functional>
#include <map>
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
  bool empty = false;           // --empty: refs and sources read no rows (a cheap dry run)
  bool defer = false;           // --defer: unbuilt parents resolve to --state's relations
  bool favor_state = false;     // --favor-state: ... even when the target has them
  bool fuse_tests = true;       // --no-fuse-tests: every data test runs its own query
  // --event-time-start/--event-time-end: the window microbatch models (re)build.
  std::string event_time_start, event_time_end;
  // kiln retry: microbatch model id -> its failed batches, [start, end) in ISO 8601.
  std::map<std::string, std::vector<std::pair<std::string, std::string>>> retry_batches;
};

// `kiln run`: builds the selected models (materializations run as Jinja macros against the
// target), writes target/run/, target/manifest.json and target/run_results.json. Exit 1 when a
// model failed.
int run_run(Invocation& invocation, const SelectionFlags& flags, const RunFlags& run_flags);

// `kiln test`: runs the selected data tests (generic and singular) and reports pass, warn, fail
// or error for each, writes target/run/, target/compiled/ and target/run_results.json. Exit 1
// when a test failed or errored; warnings alone exit 0.
int run_test(Invocation& invocation, const SelectionFlags& flags, const RunFlags& run_flags);

// `kiln seed`: loads the selected seeds' CSV files into tables (runner/seed_task.h). Exit 1 when
// a seed failed. `-f/--full-refresh` is accepted as dbt's; every load replaces its table.
int run_seed(Invocation& invocation, const SelectionFlags& flags, const RunFlags& run_flags);

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
  int threads = 0;  // when --threads is not given: this, else the profile's
};

// Makes a command's task for a parsed project (a seed task needs its packages' folders) and the
// run's flags and options.
using TaskFactory = std::function<std::unique_ptr<NodeTask>(const ParsedProject&, const RunFlags&,
                                                            const RunOptions&)>;

// The flow of such a command: parse, select, write manifest.json, run the task's nodes on the
// target (hooks included), write run_results.json; exit 1 when a node failed, 130 after Ctrl-C.
int run_task_command(Invocation& invocation, const SelectionFlags& flags, const RunFlags& run_flags,
                     const TaskCommand& command, const TaskFactory& make_task);

// The tasks of the commands.
std::unique_ptr<NodeTask> make_model_task(const ParsedProject&, const RunFlags&, const RunOptions&);
std::unique_ptr<NodeTask> make_seed_task(const ParsedProject&, const RunFlags&, const RunOptions&);
std::unique_ptr<NodeTask> make_snapshot_task(const ParsedProject&, const RunFlags&,
                                             const RunOptions&);
std::unique_ptr<NodeTask> make_test_task(const ParsedProject&, const RunFlags&, const RunOptions&);
std::unique_ptr<NodeTask> make_build_task(const ParsedProject&, const RunFlags&, const RunOptions&);

// `kiln retry`: reads target/run_results.json and re-runs, with the same command and flags, the
// nodes that errored, failed or were skipped there. Nothing to do when all succeeded.
int run_retry(Invocation& invocation);

// `kiln snapshot`: runs the selected snapshots. `kiln build`: seeds, models, snapshots and data
// tests of the selection in DAG order, where a failing test skips what depends on the node it
// tests. Both exit 1 when a node failed.
int run_snapshot(Invocation& invocation, const SelectionFlags& flags, const RunFlags& run_flags);
int run_build(Invocation& invocation, const SelectionFlags& flags, const RunFlags& run_flags);

}  // namespace kiln
