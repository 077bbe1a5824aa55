#pragma once

#include <atomic>
#include <chrono>
#include <filesystem>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "adapters/adapter.h"
#include "common/events.h"
#include "context/dbt_context.h"
#include "graph/dag.h"
#include "manifest/manifest.h"
#include "runner/connection_session.h"
#include "runner/run_results.h"

namespace kiln {

// One on-run-start / on-run-end hook of a project (dbt_project.yml), unrendered.
struct RunHook {
  std::string package;
  int index = 0;  // position in its project's list
  std::string sql;
};

struct RunOptions {
  std::string which = "run";  // the command, as templates see it in flags.WHICH
  int threads = 1;
  bool fail_fast = false;
  bool full_refresh = false;
  bool store_failures = false;     // tests keep their failing rows unless configured otherwise
  bool empty = false;              // --empty: refs and sources render as zero-row selects
  std::set<std::string> selected;  // what the command selected (tasks plan with it)
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
  size_t passed = 0, warned = 0, errored = 0, skipped = 0;  // errored counts failed tests too
  size_t partial = 0;      // microbatch models with some failed batches
  bool cancelled = false;  // Ctrl-C (RunOptions::cancel) stopped the run
  bool failed() const { return errored > 0 || partial > 0; }
};

// A node's console line once it finished: "OK created sql view model main.x" with [OK in 0.1s].
struct ResultLine {
  std::string text;         // after "3 of 12 "
  std::string status_word;  // "OK", "FAIL 3", ...; " in 0.05s" is added
  std::string_view color;
  Level level = Level::Info;
};

// What a task's execute() works with on its worker: the worker's template context and
// connection, and the session wrapping that connection with the run's relation cache.
struct NodeWork {
  const Manifest& manifest;
  const Adapter& adapter;
  DbtContext& context;
  ConnectionSession& session;
  Connection& connection;
  const ExecutionOptions& options;
};

// What one kind of task does with the nodes it runs and how it shows them: `kiln run` builds
// models (ModelTask below), `kiln test` runs data tests (runner/test_task.h). The scheduling,
// connections, hooks, console lines, summary and results are run_nodes()'s, the same for all.
class NodeTask {
 public:
  virtual ~NodeTask() = default;
  // Whether the task runs this selected node (kiln run: models).
  virtual bool runs(const Node& node) const = 0;
  // Run (or compiled into others) but neither counted, printed nor recorded: ephemeral models.
  virtual bool hidden(const Node&) const { return false; }
  // Whether the node builds into its schema, which then exists before the run starts.
  virtual bool builds_relation(const Node&) const { return false; }
  // For "Finished running 2 view models, 1 data test": "view model", "data test".
  virtual std::string kind(const Node& node) const = 0;
  // For "Database Error in model x (models/x.sql)": "model", "test".
  virtual std::string noun(const Node& node) const = 0;
  // The heading of an error the warehouse did not raise: a template's, or a seed file's.
  virtual std::string other_error(const Node&) const { return "Compilation Error"; }
  // Does the node's work; by default renders its materialization (models, tests, snapshots).
  virtual void execute(const Node& node, NodeWork& work, ExecutionOutcome& outcome) const;
  // Among nodes equally far from the end of the DAG, higher goes first (fused test groups
  // start their shared queries before the tests that only read the answer).
  virtual int tie_break(const Node&) const { return 0; }
  // Whether a data test gates the nodes downstream of what it tests (dbt build): the test runs
  // before them and its failure skips them (Dag::test_edges()).
  virtual bool tests_gate_children() const { return false; }
  virtual std::string start_text(const Node& node) const = 0;  // "START sql view model main.x"
  virtual std::string skip_text(const Node& node) const = 0;   // "SKIP relation main.x"
  // After the node's materialization ran without error: its status, message and failures.
  virtual void finish(const Node& node, const ExecutionOutcome& outcome,
                      NodeResult& result) const = 0;
  virtual ResultLine result_line(const Node& node, const NodeResult& result) const = 0;
  // For a failed test or a warning: the lines of the end-of-run summary (compiled code path
  // given), empty for a task whose nodes only error.
  virtual std::vector<std::string> summary_lines(const Node&, const NodeResult&,
                                                 const std::string& /*code_path*/) const {
    return {};
  }
};

// How microbatch models pick their batches in this invocation.
struct MicrobatchOptions {
  // --event-time-start/--event-time-end: the window to (re)build, both or neither.
  std::optional<std::chrono::sys_seconds> event_time_start, event_time_end;
  std::chrono::sys_seconds now;  // the current batch is the one holding this time
  // kiln retry: model id -> the failed [start, end) windows to run again (ISO 8601 text).
  std::map<std::string, std::vector<std::pair<std::string, std::string>>> retry_batches;
  bool use_color = false;
};

// `kiln run`'s task: models, each built by its materialization. A microbatch model
// (incremental_strategy 'microbatch') runs its materialization once per batch, each batch
// reading only its event_time window of the parents that configure event_time and committed on
// its own; failed batches leave the others in place (a partial success) for `kiln retry`.
class ModelTask : public NodeTask {
 public:
  ModelTask(std::string default_database, MicrobatchOptions microbatch = {})
      : default_database_(std::move(default_database)), microbatch_(std::move(microbatch)) {}
  bool runs(const Node& node) const override;
  bool hidden(const Node& node) const override;
  bool builds_relation(const Node& node) const override;
  std::string kind(const Node& node) const override;
  std::string noun(const Node&) const override { return "model"; }
  std::string start_text(const Node& node) const override;
  std::string skip_text(const Node& node) const override;
  void execute(const Node& node, NodeWork& work, ExecutionOutcome& outcome) const override;
  void finish(const Node& node, const ExecutionOutcome& outcome, NodeResult& result) const override;
  ResultLine result_line(const Node& node, const NodeResult& result) const override;
  std::vector<std::string> summary_lines(const Node& node, const NodeResult& result,
                                         const std::string& code_path) const override;

 private:
  std::string describe(const Node& node) const;
  void run_batches(const Node& node, NodeWork& work, ExecutionOutcome& outcome) const;
  std::string default_database_;
  MicrobatchOptions microbatch_;
};

// A console line with its status word ("[OK in 0.1s]") coloured on a TTY; `fields` carry the
// node's id and status for --log-format json.
void emit_status_line(const std::string& code, Level level, const std::string& text,
                      std::vector<std::pair<std::string, std::string>> fields, bool use_color,
                      const std::string& status_word = {}, std::string_view color = {});

// Where a node's files go under target/<folder>/: <package>/<file>, and for a generic test,
// inside a folder named after its property file (<package>/models/schema.yml/<test>.sql).
std::filesystem::path node_output_path(const std::filesystem::path& target_dir,
                                       const std::string& folder, const Node& node);

// Runs `task`'s nodes among `selected` in DAG order on `options.threads` workers, each with its
// own connection and Jinja context (contexts[i] serves worker i + 1; contexts[0] is the one
// parsing used, the rest are its clones). Prints dbt's node lines and summary as events, writes
// target/run/<package>/<path> for every node that sent statements. A failing node's descendants
// are skipped; hidden nodes (ephemeral models) are not run, only compiled into their children.
RunSummary run_nodes(const Manifest& manifest, const Dag& dag,
                     const std::set<std::string>& selected,
                     const std::vector<DbtContext*>& contexts, Adapter& adapter,
                     const RunOptions& options, const NodeTask& task);

// `kiln run`: run_nodes() with a ModelTask.
RunSummary run_models(const Manifest& manifest, const Dag& dag,
                      const std::set<std::string>& selected,
                      const std::vector<DbtContext*>& contexts, Adapter& adapter,
                      const RunOptions& options);

}  // namespace kiln
