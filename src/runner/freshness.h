#pragma once

#include <atomic>
#include <chrono>
#include <filesystem>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "adapters/adapter.h"
#include "common/data.h"
#include "manifest/manifest.h"
#include "runner/run_results.h"

namespace kiln {

// `kiln source freshness`: for each selected source table with a `freshness:` rule and a
// loaded_at_field (or loaded_at_query), asks the warehouse for the newest load time and
// compares its age with warn_after / error_after.

enum class FreshnessStatus { Pass, Warn, Error, RuntimeError };
std::string_view freshness_status_name(FreshnessStatus status);  // "pass", ..., "runtime error"

struct FreshnessResult {
  std::string unique_id;
  FreshnessStatus status = FreshnessStatus::RuntimeError;
  std::string error;            // a runtime error's message
  std::string max_loaded_at;    // ISO 8601, UTC
  std::string snapshotted_at;   // ISO 8601, UTC
  double age_seconds = 0;       // max_loaded_at_time_ago_in_s
  Data criteria = Data::map();  // {warn_after, error_after, filter}, as sources.json has them
  std::string thread_id;
  double execution_time = 0;
  std::vector<TimingEntry> timing;
  std::optional<AdapterResponse> adapter_response;
};

struct FreshnessOptions {
  int threads = 1;
  bool use_color = false;
  const std::atomic<bool>* cancel = nullptr;
  // The current time, injectable so tests can pin ages; unset: the clock.
  std::optional<std::chrono::system_clock::time_point> now;
};

struct FreshnessSummary {
  std::vector<FreshnessResult> results;
  double elapsed_seconds = 0;
  size_t passed = 0, warned = 0, errored = 0;  // errored includes runtime errors
};

// The age of a load, in seconds, at which a rule's `count` `period` ("12 hour") is exceeded;
// nullopt when the rule is absent or incomplete (dbt ignores it then).
std::optional<double> freshness_limit_seconds(const Data& rule);

// Status of a source whose newest row is `age_seconds` old under `freshness`.
FreshnessStatus freshness_status(const Data& freshness, double age_seconds);

// The sources of `selected` that have a freshness rule and a way to measure it; the others are
// left out, as dbt leaves them out.
std::vector<const SourceDefinition*> sources_with_freshness(const Manifest& manifest,
                                                            const std::set<std::string>& selected);

// Runs the checks on `options.threads` connections, printing dbt's lines and summary.
FreshnessSummary check_freshness(const std::vector<const SourceDefinition*>& sources,
                                 Adapter& adapter, const FreshnessOptions& options);

// target/sources.json in dbt's v3 shape.
std::string sources_json(const FreshnessSummary& summary, const std::string& dbt_version,
                         const std::string& invocation_id);

}  // namespace kiln
