#pragma once

#include <memory>

#include "runner/run_task.h"
#include "runner/test_fusion.h"

namespace kiln {

// `kiln test`'s task: data tests, generic (from YAML properties) and singular (tests/*.sql).
// Each runs the `test` materialization (src/macros/test_materialization.sql), whose statement
// 'main' returns one row: failures, should_warn, should_error. As in dbt, a test whose
// should_error holds fails when its severity is error; otherwise should_warn makes it warn.
class TestTask : public NodeTask {
 public:
  // With `fusion`, tests it fused are answered by their relation's shared query.
  explicit TestTask(std::shared_ptr<TestFusion> fusion = nullptr) : fusion_(std::move(fusion)) {}
  bool runs(const Node& node) const override;
  std::string kind(const Node&) const override { return "data test"; }
  std::string noun(const Node&) const override { return "test"; }
  std::string start_text(const Node& node) const override;
  std::string skip_text(const Node& node) const override;
  void finish(const Node& node, const ExecutionOutcome& outcome, NodeResult& result) const override;
  ResultLine result_line(const Node& node, const NodeResult& result) const override;
  std::vector<std::string> summary_lines(const Node& node, const NodeResult& result,
                                         const std::string& code_path) const override;
  void execute(const Node& node, NodeWork& work, ExecutionOutcome& outcome) const override;
  int tie_break(const Node& node) const override {
    return fusion_ && fusion_->leads_group(node.unique_id) ? 1 : 0;
  }

 private:
  std::shared_ptr<TestFusion> fusion_;
};

}  // namespace kiln
