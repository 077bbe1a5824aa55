#pragma once

#include "runner/run_task.h"

namespace kiln {

// `kiln test`'s task: data tests, generic (from YAML properties) and singular (tests/*.sql).
// Each runs the `test` materialization (src/macros/test_materialization.sql), whose statement
// 'main' returns one row: failures, should_warn, should_error. As in dbt, a test whose
// should_error holds fails when its severity is error; otherwise should_warn makes it warn.
class TestTask : public NodeTask {
 public:
  bool runs(const Node& node) const override;
  std::string kind(const Node&) const override { return "data test"; }
  std::string noun(const Node&) const override { return "test"; }
  std::string start_text(const Node& node) const override;
  std::string skip_text(const Node& node) const override;
  void finish(const Node& node, const ExecutionOutcome& outcome, NodeResult& result) const override;
  ResultLine result_line(const Node& node, const NodeResult& result) const override;
  std::vector<std::string> summary_lines(const Node& node, const NodeResult& result,
                                         const std::string& code_path) const override;
};

}  // namespace kiln
