#include "runner/test_task.h"

#include <string>
#include <variant>

#include "common/error.h"
#include "common/strings.h"

namespace kiln {
namespace {

std::string config_text(const Node& node, const char* key, const char* fallback) {
  const Data* value = node.config.find(key);
  return value && value->is_string() && !value->as_string().empty() ? value->as_string() : fallback;
}

// A cell of the test's result row as a number or a truth value; NULL counts as 0 / false.
int64_t cell_integer(const Cell& cell, const Node& node) {
  if (const auto* i = std::get_if<int64_t>(&cell)) return *i;
  if (const auto* d = std::get_if<double>(&cell)) return static_cast<int64_t>(*d);
  if (const auto* b = std::get_if<bool>(&cell)) return *b ? 1 : 0;
  if (const auto* s = std::get_if<std::string>(&cell)) {
    try {
      return static_cast<int64_t>(std::stod(*s));  // DECIMAL arrives as text, e.g. sum()
    } catch (const std::exception&) {
    }
  }
  if (std::holds_alternative<std::monostate>(cell)) return 0;
  throw KilnError(ErrorKind::Template, "test " + node.name + " returned '" + cell_text(cell) +
                                           "' as its failures; fail_calc must give a number");
}

bool cell_true(const Cell& cell) {
  if (const auto* b = std::get_if<bool>(&cell)) return *b;
  if (const auto* i = std::get_if<int64_t>(&cell)) return *i != 0;
  return false;
}

}  // namespace

void TestTask::execute(const Node& node, NodeWork& work, ExecutionOutcome& outcome) const {
  if (fusion_ && fusion_->fused(node.unique_id)) {
    if (auto answer = fusion_->answer(node.unique_id, work.session)) {
      // target/compiled/ keeps the test's own SQL; target/run/ of the first test of the group
      // shows the fused query that answered it.
      outcome.compiled_code = work.context.compile(node, work.manifest);
      outcome.compiled_at = std::chrono::system_clock::now();
      ResultTable table;
      table.columns = {
          {"failures", "BIGINT"}, {"should_warn", "BOOLEAN"}, {"should_error", "BOOLEAN"}};
      table.rows.push_back(
          {Cell(answer->failures), Cell(answer->should_warn), Cell(answer->should_error)});
      outcome.main_table = std::move(table);
      outcome.main_response = AdapterResponse{"SELECT 1", "SELECT", 1};
      return;
    }
  }
  NodeTask::execute(node, work, outcome);
}

bool TestTask::runs(const Node& node) const {
  return node.resource_type == ResourceType::Test;
}

std::string TestTask::start_text(const Node& node) const {
  return "START test " + node.name;
}

std::string TestTask::skip_text(const Node& node) const {
  return "SKIP test " + node.name;
}

void TestTask::finish(const Node& node, const ExecutionOutcome& outcome, NodeResult& result) const {
  const ResultTable* table = outcome.main_table ? &*outcome.main_table : nullptr;
  auto column = [&](const char* name) -> const Cell& {
    std::optional<size_t> index = table ? table->column_index(name) : std::nullopt;
    if (!index || table->rows.size() != 1) {
      throw KilnError(ErrorKind::Template,
                      "test " + node.name +
                          " did not return one row with failures, should_warn "
                          "and should_error",
                      {node.original_file_path},
                      "a test materialization runs its counts in {% call statement('main', "
                      "fetch_result=True) %}");
    }
    return table->rows.front()[*index];
  };
  int64_t failures = cell_integer(column("failures"), node);
  bool should_warn = cell_true(column("should_warn"));
  bool should_error = cell_true(column("should_error"));
  std::string results = std::to_string(failures) + (failures == 1 ? " result" : " results");
  result.failures = failures;
  result.adapter_response = outcome.main_response;
  if (to_lower(config_text(node, "severity", "error")) == "error" && should_error) {
    result.status = NodeStatus::Fail;
    result.message =
        "Got " + results + ", configured to fail if " + config_text(node, "error_if", "!= 0");
  } else if (should_warn) {
    result.status = NodeStatus::Warn;
    result.message =
        "Got " + results + ", configured to warn if " + config_text(node, "warn_if", "!= 0");
  } else {
    result.status = NodeStatus::Pass;
    result.message.clear();
  }
}

ResultLine TestTask::result_line(const Node& node, const NodeResult& result) const {
  std::string count = result.failures ? " " + std::to_string(*result.failures) : "";
  switch (result.status) {
    case NodeStatus::Pass:
      return {"PASS " + node.name, "PASS", kGreen, Level::Info};
    case NodeStatus::Warn:
      return {"WARN" + count + " " + node.name, "WARN" + count, kYellow, Level::Warn};
    case NodeStatus::Fail:
      return {"FAIL" + count + " " + node.name, "FAIL" + count, kRed, Level::Error};
    default:
      return {"ERROR " + node.name, "ERROR", kRed, Level::Error};
  }
}

std::vector<std::string> TestTask::summary_lines(const Node& node, const NodeResult& result,
                                                 const std::string& code_path) const {
  if (result.status != NodeStatus::Fail && result.status != NodeStatus::Warn) return {};
  std::string heading = result.status == NodeStatus::Fail ? "Failure" : "Warning";
  return {heading + " in test " + node.name + " (" + node.original_file_path + ")",
          "  " + result.message, "", "  compiled code at " + code_path};
}

}  // namespace kiln
