#pragma once

#include <memory>
#include <vector>

#include "runner/run_task.h"

namespace kiln {

// `kiln snapshot`'s task: snapshots, each built by the `snapshot` materialization
// (src/macros/snapshot.sql, overridable like any other), which records changed rows of its query
// as type-2 history.
class SnapshotTask : public NodeTask {
 public:
  explicit SnapshotTask(std::string default_database)
      : default_database_(std::move(default_database)) {}
  bool runs(const Node& node) const override;
  bool builds_relation(const Node&) const override { return true; }
  std::string kind(const Node&) const override { return "snapshot"; }
  std::string noun(const Node&) const override { return "snapshot"; }
  std::string start_text(const Node& node) const override;
  std::string skip_text(const Node& node) const override;
  void finish(const Node& node, const ExecutionOutcome& outcome, NodeResult& result) const override;
  ResultLine result_line(const Node& node, const NodeResult& result) const override;

 private:
  std::string relation(const Node& node) const;
  std::string default_database_;
};

// `kiln build`'s task (and `kiln test`'s, for data and unit tests): the nodes of several
// kinds, each run by the first task that runs it. With `gate` (build), a data test runs before
// the nodes downstream of what it tests and its failure (not a warning) skips them; a unit test
// runs before its model.
class BuildTask : public NodeTask {
 public:
  BuildTask(std::vector<std::unique_ptr<NodeTask>> tasks, bool gate)
      : tasks_(std::move(tasks)), gate_(gate) {}
  bool runs(const Node& node) const override { return task_of(node) != nullptr; }
  bool hidden(const Node& node) const override { return of(node).hidden(node); }
  bool builds_relation(const Node& node) const override { return of(node).builds_relation(node); }
  std::string kind(const Node& node) const override { return of(node).kind(node); }
  std::string noun(const Node& node) const override { return of(node).noun(node); }
  std::string other_error(const Node& node) const override { return of(node).other_error(node); }
  std::string start_text(const Node& node) const override { return of(node).start_text(node); }
  std::string skip_text(const Node& node) const override { return of(node).skip_text(node); }
  void execute(const Node& node, NodeWork& work, ExecutionOutcome& outcome) const override {
    of(node).execute(node, work, outcome);
  }
  void finish(const Node& node, const ExecutionOutcome& outcome,
              NodeResult& result) const override {
    of(node).finish(node, outcome, result);
  }
  ResultLine result_line(const Node& node, const NodeResult& result) const override {
    return of(node).result_line(node, result);
  }
  std::vector<std::string> summary_lines(const Node& node, const NodeResult& result,
                                         const std::string& code_path) const override {
    return of(node).summary_lines(node, result, code_path);
  }
  bool tests_gate_children() const override { return gate_; }
  int tie_break(const Node& node) const override { return of(node).tie_break(node); }

 private:
  const NodeTask* task_of(const Node& node) const;
  const NodeTask& of(const Node& node) const { return *task_of(node); }
  std::vector<std::unique_ptr<NodeTask>> tasks_;
  bool gate_;
};

}  // namespace kiln
