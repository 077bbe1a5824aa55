#pragma once

#include <chrono>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "common/data.h"
#include "common/query_result.h"

namespace kiln {

// dbt's per-node statuses in run_results.json: models succeed or error; tests pass, warn, fail
// (rows broke the rule) or error (the test itself could not run).
// A microbatch model some of whose batches failed is a partial success.
enum class NodeStatus { Success, Error, Skipped, Pass, Warn, Fail, PartialSuccess };
std::string_view node_status_name(NodeStatus status);

struct TimingEntry {
  std::string name;  // "compile" or "execute"
  std::chrono::system_clock::time_point started_at;
  std::chrono::system_clock::time_point completed_at;
};

// A microbatch model's batches as [start, end) pairs (ISO 8601): those that succeeded, and
// those that failed (which `kiln retry` runs again).
struct BatchResults {
  std::vector<std::pair<std::string, std::string>> successful, failed;
};

// What happened to one node of a run.
struct NodeResult {
  std::string unique_id;
  NodeStatus status = NodeStatus::Skipped;
  std::string message;  // the warehouse's answer, or the error; empty for a skip
  std::string thread_id;
  double execution_time = 0;
  std::vector<TimingEntry> timing;
  std::optional<AdapterResponse> adapter_response;
  std::optional<std::string> compiled_code;  // set once the node compiled
  std::string relation_name;
  std::optional<int64_t> failures;            // a test's failing rows (fail_calc)
  std::optional<BatchResults> batch_results;  // microbatch models only
};

struct RunResultsMetadata {
  std::string dbt_version;
  std::string invocation_id;
  std::chrono::system_clock::time_point invocation_started_at;
  Data args = Data::map();  // the command's flags, as dbt records them
};

class JsonWriter;
// How run_results.json and sources.json write a node's timing list and adapter response.
void write_timing(JsonWriter& w, const std::vector<TimingEntry>& timing);
void write_adapter_response(JsonWriter& w, const std::optional<AdapterResponse>& response);

// target/run_results.json in dbt's v6 shape, results in the order given.
std::string run_results_json(const std::vector<NodeResult>& results, double elapsed_seconds,
                             const RunResultsMetadata& metadata);
void write_run_results(const std::filesystem::path& path, const std::vector<NodeResult>& results,
                       double elapsed_seconds, const RunResultsMetadata& metadata);

}  // namespace kiln
