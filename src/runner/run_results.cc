#include "runner/run_results.h"

#include <fstream>

#include "common/error.h"
#include "common/events.h"
#include "common/json_writer.h"

namespace kiln {

std::string_view node_status_name(NodeStatus status) {
  switch (status) {
    case NodeStatus::Success:
      return "success";
    case NodeStatus::Error:
      return "error";
    case NodeStatus::Skipped:
      return "skipped";
    case NodeStatus::Pass:
      return "pass";
    case NodeStatus::Warn:
      return "warn";
    case NodeStatus::Fail:
      return "fail";
    case NodeStatus::PartialSuccess:
      return "partial success";
  }
  return "error";
}

void write_timing(JsonWriter& w, const std::vector<TimingEntry>& timing) {
  w.key("timing").begin_array();
  for (const TimingEntry& entry : timing) {
    w.begin_object()
        .field("name", entry.name)
        .field("started_at", iso8601_utc(entry.started_at))
        .field("completed_at", iso8601_utc(entry.completed_at))
        .end_object();
  }
  w.end_array();
}

void write_adapter_response(JsonWriter& w, const std::optional<AdapterResponse>& response) {
  w.key("adapter_response").begin_object();
  if (response) {
    w.field("_message", response->message);
    if (!response->code.empty()) w.field("code", response->code);
    if (response->rows_affected >= 0) w.field("rows_affected", response->rows_affected);
  }
  w.end_object();
}

std::string run_results_json(const std::vector<NodeResult>& results, double elapsed_seconds,
                             const RunResultsMetadata& metadata) {
  std::string out;
  JsonWriter w(out);
  w.begin_object();
  w.key("metadata").begin_object();
  w.field("dbt_schema_version", "https://schemas.getdbt.com/dbt/run-results/v6.json");
  w.field("dbt_version", metadata.dbt_version);
  w.field("generated_at", iso8601_utc(std::chrono::system_clock::now()));
  w.field("invocation_id", metadata.invocation_id);
  w.field("invocation_started_at", iso8601_utc(metadata.invocation_started_at));
  w.key("env").begin_object().end_object();
  w.end_object();
  w.key("results").begin_array();
  for (const NodeResult& result : results) {
    w.begin_object();
    w.field("status", node_status_name(result.status));
    write_timing(w, result.timing);
    w.field("thread_id", result.thread_id);
    w.field("execution_time", result.execution_time);
    write_adapter_response(w, result.adapter_response);
    w.nullable_field("message", result.message);
    if (result.failures) {
      w.field("failures", *result.failures);
    } else {
      w.null_field("failures");
    }
    w.field("unique_id", result.unique_id);
    w.field("compiled", result.compiled_code.has_value());
    if (result.compiled_code) {
      w.field("compiled_code", *result.compiled_code);
    } else {
      w.null_field("compiled_code");
    }
    w.nullable_field("relation_name", result.relation_name);
    if (result.batch_results) {
      w.key("batch_results").begin_object();
      for (const auto& [key, windows] : {std::pair{"successful", &result.batch_results->successful},
                                         std::pair{"failed", &result.batch_results->failed}}) {
        w.key(key).begin_array();
        for (const auto& [start, end] : *windows)
          w.begin_array().value(start).value(end).end_array();
        w.end_array();
      }
      w.end_object();
    } else {
      w.null_field("batch_results");
    }
    w.end_object();
  }
  w.end_array();
  w.field("elapsed_time", elapsed_seconds);
  w.key("args").value(metadata.args);
  w.end_object();
  return out;
}

void write_run_results(const std::filesystem::path& path, const std::vector<NodeResult>& results,
                       double elapsed_seconds, const RunResultsMetadata& metadata) {
  std::filesystem::create_directories(path.parent_path());
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << run_results_json(results, elapsed_seconds, metadata);
  if (!out) throw KilnError(ErrorKind::Io, "cannot write " + path.string());
}

}  // namespace kiln
