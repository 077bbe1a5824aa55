#pragma once

#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "runner/run_task.h"

namespace kiln {

// Unit tests (dbt 1.8's `unit_tests:`): the tested model's SQL runs with each `given` input
// (ref, source or `this`) replaced by a CTE of fixture rows, and its rows are compared, as a
// multiset on the expected columns, with `expect`. Fixture values are cast to the column types
// of the relation they stand in for (which must exist: build it first, as dbt requires), and
// expected values to the types the model's query returns. Formats: dict rows, csv text or a
// csv `fixture:` file under <test-path>/fixtures/, and sql. Overrides: vars, env_vars, and
// macros (is_incremental, or any macro called by its bare name, which then returns the given
// value). A failure prints which rows differ.
class UnitTestTask : public NodeTask {
 public:
  // `fixture_dirs`: package name -> folders holding fixture files (<test-path>/fixtures).
  explicit UnitTestTask(std::map<std::string, std::vector<std::filesystem::path>> fixture_dirs)
      : fixture_dirs_(std::move(fixture_dirs)) {}
  bool runs(const Node& node) const override;
  std::string kind(const Node&) const override { return "unit test"; }
  std::string noun(const Node&) const override { return "unit_test"; }
  std::string start_text(const Node& node) const override;
  std::string skip_text(const Node& node) const override;
  void execute(const Node& node, NodeWork& work, ExecutionOutcome& outcome) const override;
  void finish(const Node& node, const ExecutionOutcome& outcome, NodeResult& result) const override;
  ResultLine result_line(const Node& node, const NodeResult& result) const override;
  std::vector<std::string> summary_lines(const Node& node, const NodeResult& result,
                                         const std::string& code_path) const override;

 private:
  std::map<std::string, std::vector<std::filesystem::path>> fixture_dirs_;
};

}  // namespace kiln
