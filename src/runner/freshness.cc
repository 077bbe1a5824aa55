#include "runner/freshness.h"

#include <cmath>
#include <mutex>
#include <thread>

#include "common/events.h"
#include "common/json_writer.h"
#include "common/strings.h"
#include "runner/microbatch.h"
#include "runner/node_lines.h"
#include "runner/run_task.h"

namespace kiln {
namespace {

double seconds_since(std::chrono::steady_clock::time_point from) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - from).count();
}

// "jaffle_shop.orders", as dbt names a source in its lines.
std::string source_label(const SourceDefinition& source) {
  return source.source_name + "." + source.name;
}

// sources.json's criteria: both rules (null when absent) and the filter.
Data criteria_of(const Data& freshness) {
  auto rule = [&](const char* key) {
    const Data* value = freshness.is_map() ? freshness.find(key) : nullptr;
    if (!value || !value->is_map()) return Data::null();
    const Data* count = value->find("count");
    const Data* period = value->find("period");
    return Data::map({{"count", count && count->is_int() ? *count : Data::null()},
                      {"period", period && period->is_string() ? *period : Data::null()}});
  };
  const Data* filter = freshness.is_map() ? freshness.find("filter") : nullptr;
  return Data::map({{"warn_after", rule("warn_after")},
                    {"error_after", rule("error_after")},
                    {"filter", filter && filter->is_string() ? *filter : Data::null()}});
}

FreshnessResult measure(const SourceDefinition& source, Connection& connection,
                        std::chrono::system_clock::time_point now) {
  FreshnessResult result;
  result.unique_id = source.unique_id;
  result.criteria = criteria_of(source.freshness);
  result.thread_id = thread_name();
  std::string sql;
  if (!source.loaded_at_query.empty()) {
    sql = source.loaded_at_query;
  } else {
    sql =
        "select max(" + source.loaded_at_field + ") as max_loaded_at from " + source.relation_name;
    if (const Data* filter = source.freshness.find("filter"); filter && filter->is_string())
      sql += " where " + filter->as_string();
  }
  auto started_wall = std::chrono::system_clock::now();
  QueryResult answer = connection.query(sql);
  result.timing.push_back({"compile", started_wall, started_wall});
  result.timing.push_back({"execute", started_wall, std::chrono::system_clock::now()});
  result.adapter_response = answer.response;
  if (answer.table.rows.empty() || answer.table.rows.front().empty() ||
      std::holds_alternative<std::monostate>(answer.table.rows.front().front())) {
    throw KilnError(
        ErrorKind::Database,
        "the newest " +
            (source.loaded_at_query.empty() ? source.loaded_at_field : std::string("load time")) +
            " of " + source_label(source) + " is NULL: the table has no rows to measure",
        {source.original_file_path});
  }
  std::string loaded_text = cell_text(answer.table.rows.front().front());
  std::optional<UtcTime> loaded = parse_utc_time(loaded_text);
  if (!loaded) {
    throw KilnError(ErrorKind::Database,
                    "cannot read '" + loaded_text + "' as a time (the newest load of " +
                        source_label(source) + ")",
                    {source.original_file_path},
                    "loaded_at_field must be a timestamp or date column (UTC)");
  }
  auto loaded_time = std::chrono::system_clock::time_point(*loaded);
  result.max_loaded_at = iso8601_utc(loaded_time);
  result.snapshotted_at = iso8601_utc(now);
  result.age_seconds = std::chrono::duration<double>(now - loaded_time).count();
  result.status = freshness_status(source.freshness, result.age_seconds);
  return result;
}

}  // namespace

std::string_view freshness_status_name(FreshnessStatus status) {
  switch (status) {
    case FreshnessStatus::Pass:
      return "pass";
    case FreshnessStatus::Warn:
      return "warn";
    case FreshnessStatus::Error:
      return "error";
    case FreshnessStatus::RuntimeError:
      return "runtime error";
  }
  return "runtime error";
}

std::optional<double> freshness_limit_seconds(const Data& rule) {
  if (!rule.is_map()) return std::nullopt;
  const Data* count = rule.find("count");
  const Data* period = rule.find("period");
  if (!count || !count->is_int() || !period || !period->is_string()) return std::nullopt;
  std::string unit = to_lower(period->as_string());
  double seconds = unit == "minute" ? 60 : unit == "hour" ? 3600 : unit == "day" ? 86400 : 0;
  if (seconds == 0) return std::nullopt;
  return static_cast<double>(count->as_int()) * seconds;
}

FreshnessStatus freshness_status(const Data& freshness, double age_seconds) {
  if (!freshness.is_map()) return FreshnessStatus::Pass;
  for (const auto& [key, status] : {std::pair{"error_after", FreshnessStatus::Error},
                                    std::pair{"warn_after", FreshnessStatus::Warn}}) {
    const Data* rule = freshness.find(key);
    auto limit = rule ? freshness_limit_seconds(*rule) : std::nullopt;
    if (limit && age_seconds > *limit) return status;
  }
  return FreshnessStatus::Pass;
}

std::vector<const SourceDefinition*> sources_with_freshness(const Manifest& manifest,
                                                            const std::set<std::string>& selected) {
  std::vector<const SourceDefinition*> out;
  for (const std::string& id : selected) {
    auto it = manifest.sources.find(id);
    if (it == manifest.sources.end()) continue;
    const SourceDefinition& source = it->second;
    auto limit_of = [&](const char* key) -> std::optional<double> {
      const Data* rule = source.freshness.is_map() ? source.freshness.find(key) : nullptr;
      return rule ? freshness_limit_seconds(*rule) : std::nullopt;
    };
    bool has_rule = limit_of("warn_after") || limit_of("error_after");
    if (has_rule && (!source.loaded_at_field.empty() || !source.loaded_at_query.empty()))
      out.push_back(&source);
  }
  return out;
}

FreshnessSummary check_freshness(const std::vector<const SourceDefinition*>& sources,
                                 Adapter& adapter, const FreshnessOptions& options) {
  auto run_start = std::chrono::steady_clock::now();
  auto now = options.now.value_or(std::chrono::system_clock::now());
  size_t total = sources.size();
  int threads = std::max(1, std::min<int>(options.threads, static_cast<int>(total)));
  events().info(
      "Q026", "Concurrency: " + std::to_string(threads) + (threads == 1 ? " thread" : " threads"));
  events().info("Q026", "");

  std::mutex mutex;
  FreshnessSummary summary;
  size_t next = 0, started = 0;
  auto worker = [&](int number) {
    set_thread_name("Thread-" + std::to_string(number) + " (worker)");
    std::unique_ptr<Connection> connection = adapter.open_connection();
    while (true) {
      const SourceDefinition* source;
      size_t index;
      {
        std::lock_guard lock(mutex);
        if (next >= total || (options.cancel && options.cancel->load())) return;
        source = sources[next++];
        index = ++started;
      }
      std::string label = "freshness of " + source_label(*source);
      emit_status_line("Q018", Level::Info, node_line(index, total, "START " + label, "RUN"),
                       {{"unique_id", source->unique_id}, {"node_status", "started"}}, false);
      auto started_at = std::chrono::steady_clock::now();
      FreshnessResult result;
      try {
        result = measure(*source, *connection, now);
      } catch (const KilnError& error) {
        result = FreshnessResult{};
        result.unique_id = source->unique_id;
        result.status = FreshnessStatus::RuntimeError;
        result.error = error.message();
        result.thread_id = thread_name();
      }
      result.execution_time = seconds_since(started_at);
      std::string time = " in " + seconds_text(result.execution_time) + "s";
      struct Shown {
        std::string word;
        std::string_view color;
        Level level;
      };
      Shown shown = result.status == FreshnessStatus::Pass   ? Shown{"PASS", kGreen, Level::Info}
                    : result.status == FreshnessStatus::Warn ? Shown{"WARN", kYellow, Level::Warn}
                    : result.status == FreshnessStatus::Error
                        ? Shown{"ERROR STALE", kRed, Level::Error}
                        : Shown{"ERROR", kRed, Level::Error};
      emit_status_line("Q019", shown.level,
                       node_line(index, total, shown.word + " " + label, shown.word + time),
                       {{"unique_id", source->unique_id},
                        {"node_status", std::string(freshness_status_name(result.status))}},
                       options.use_color, shown.word, shown.color);
      if (result.status == FreshnessStatus::RuntimeError) {
        Event event;
        event.level = Level::Error;
        event.code = "Z029";
        event.message = "  Runtime Error in source " + source_label(*source) + " (" +
                        source->original_file_path + ")\n    " +
                        join(split(result.error, '\n'), "\n    ");
        events().emit(std::move(event));
      }
      std::lock_guard lock(mutex);
      summary.results.push_back(std::move(result));
    }
  };
  std::vector<std::thread> pool;
  for (int i = 1; i <= threads; ++i) pool.emplace_back(worker, i);
  for (std::thread& thread : pool) thread.join();

  for (const FreshnessResult& result : summary.results) {
    if (result.status == FreshnessStatus::Pass) ++summary.passed;
    if (result.status == FreshnessStatus::Warn) ++summary.warned;
    if (result.status == FreshnessStatus::Error || result.status == FreshnessStatus::RuntimeError)
      ++summary.errored;
  }
  summary.elapsed_seconds = seconds_since(run_start);
  events().info("Q026", "");
  events().info("E040", "Finished running " + std::to_string(summary.results.size()) +
                            (summary.results.size() == 1 ? " source" : " sources") + " in " +
                            seconds_text(summary.elapsed_seconds) + " seconds.");
  events().info("Z023", "Done. PASS=" + std::to_string(summary.passed) +
                            " WARN=" + std::to_string(summary.warned) +
                            " ERROR=" + std::to_string(summary.errored) +
                            " SKIP=" + std::to_string(total - summary.results.size()) +
                            " TOTAL=" + std::to_string(total));
  return summary;
}

std::string sources_json(const FreshnessSummary& summary, const std::string& dbt_version,
                         const std::string& invocation_id) {
  std::string out;
  JsonWriter w(out);
  w.begin_object().key("metadata").begin_object();
  w.field("dbt_schema_version", "https://schemas.getdbt.com/dbt/sources/v3.json");
  w.field("dbt_version", dbt_version);
  w.field("generated_at", iso8601_utc(std::chrono::system_clock::now()));
  w.field("invocation_id", invocation_id);
  w.key("env").begin_object().end_object();
  w.end_object();
  w.key("results").begin_array();
  for (const FreshnessResult& result : summary.results) {
    w.begin_object();
    w.field("unique_id", result.unique_id);
    if (result.status == FreshnessStatus::RuntimeError) {
      w.field("error", result.error);
      w.field("status", "runtime error");
      w.end_object();
      continue;
    }
    w.field("max_loaded_at", result.max_loaded_at);
    w.field("snapshotted_at", result.snapshotted_at);
    w.field("max_loaded_at_time_ago_in_s", result.age_seconds);
    w.field("status", freshness_status_name(result.status));
    w.key("criteria").value(result.criteria);
    write_adapter_response(w, result.adapter_response);
    write_timing(w, result.timing);
    w.field("thread_id", result.thread_id);
    w.field("execution_time", result.execution_time);
    w.end_object();
  }
  w.end_array();
  w.field("elapsed_time", summary.elapsed_seconds);
  w.end_object();
  return out;
}

}  // namespace kiln
