#include "runner/run_task.h"

#include <cstdio>
#include <fstream>
#include <map>
#include <mutex>
#include <thread>

#include "common/events.h"
#include "common/strings.h"
#include "runner/connection_session.h"
#include "runner/microbatch.h"
#include "runner/node_lines.h"
#include "scheduler/scheduler.h"

namespace kiln {
namespace {

std::string materialized_of(const Node& node) {
  const Data* value = node.config.find("materialized");
  return value && value->is_string() ? value->as_string() : "view";
}

std::string config_text(const Node& node, const char* key) {
  const Data* value = node.config.find(key);
  return value && !value->is_null() ? value->scalar_text() : "";
}

bool is_microbatch(const Node& node) {
  return materialized_of(node) == "incremental" &&
         config_text(node, "incremental_strategy") == "microbatch";
}

double seconds_between(std::chrono::steady_clock::time_point from,
                       std::chrono::steady_clock::time_point to) {
  return std::chrono::duration<double>(to - from).count();
}

class RunReporter {
 public:
  explicit RunReporter(bool use_color) : use_color_(use_color) {}

  // `fields` carry the node's id and status for --log-format json.
  void line(const std::string& code, Level level, const std::string& text,
            std::vector<std::pair<std::string, std::string>> fields,
            const std::string& status_word = {}, std::string_view color = {}) {
    emit_status_line(code, level, text, std::move(fields), use_color_, status_word, color);
  }

  void plain(const std::string& code, const std::string& text, std::string_view color = {}) {
    Event event;
    event.code = code;
    event.message = text;
    if (use_color_ && !color.empty()) event.console_text = colorize(text, color, true);
    events().emit(std::move(event));
  }

 private:
  bool use_color_;
};

struct RunState {
  std::mutex mutex;
  size_t started = 0;
  std::map<std::string, std::string> running;  // unique id -> name, for the progress line
  std::vector<NodeResult> results;
  // For the error summary: unique id -> (heading, details, run file shown to the user).
  std::map<std::string, std::vector<std::string>> failures;
  std::map<std::string, std::vector<std::string>> warnings;  // tests that warned, alike
};

std::string run_file_text(const std::vector<std::string>& statements) {
  std::string text;
  for (const std::string& statement : statements) {
    text += std::string(trim(statement));
    text += statement.starts_with("--") ? "\n\n" : ";\n\n";  // a note, not a statement
  }
  if (!text.empty()) text.pop_back();
  return text;
}

void write_text(const std::filesystem::path& path, const std::string& text) {
  std::filesystem::create_directories(path.parent_path());
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
  if (!out) throw KilnError(ErrorKind::Io, "cannot write " + path.string());
}

std::vector<std::string> indented_lines(const std::string& text) {
  std::vector<std::string> lines;
  for (const std::string& line : split(text, '\n')) lines.push_back("  " + line);
  return lines;
}

// As dbt does before a run: the schemas the selected models build into exist, listed once per
// database and created when missing, so no materialization has to care.
void create_missing_schemas(const Manifest& manifest, const std::set<std::string>& nodes,
                            Connection& connection, const Adapter& adapter, const NodeTask& task) {
  std::map<std::string, std::set<std::string>> wanted;  // database -> schemas
  for (const std::string& id : nodes) {
    const Node& node = *manifest.find_node(id);
    if (!task.builds_relation(node) || node.schema.empty()) continue;
    wanted[node.database.empty() ? adapter.default_database() : node.database].insert(node.schema);
  }
  for (const auto& [database, schemas] : wanted) {
    std::set<std::string> existing;
    for (const std::string& schema : connection.list_schemas(database))
      existing.insert(to_lower(schema));
    for (const std::string& schema : schemas) {
      if (existing.count(to_lower(schema))) continue;
      connection.execute("create schema if not exists " +
                         adapter.render_relation({database, schema, "", RelationType::Unknown}));
    }
  }
}

std::string plural(size_t count, const std::string& word) {
  return std::to_string(count) + " " + word + (count == 1 ? "" : "s");
}

}  // namespace

void emit_status_line(const std::string& code, Level level, const std::string& text,
                      std::vector<std::pair<std::string, std::string>> fields, bool use_color,
                      const std::string& status_word, std::string_view color) {
  Event event;
  event.level = level;
  event.code = code;
  event.message = text;
  event.fields = std::move(fields);
  if (!status_word.empty() && use_color) {
    // Only the status word is coloured, as dbt's console does.
    std::string colored = text;
    size_t at = colored.rfind("[" + status_word);
    if (at != std::string::npos) {
      colored.replace(at + 1, status_word.size(), colorize(status_word, color, true));
    }
    event.console_text = colored;
  }
  events().emit(std::move(event));
}

std::filesystem::path node_output_path(const std::filesystem::path& target_dir,
                                       const std::string& folder, const Node& node) {
  std::filesystem::path base = target_dir / folder / node.package_name / node.original_file_path;
  if (node.test_metadata) return base / node.path;
  // Unit tests share their property file: each gets a file named after it inside.
  if (node.resource_type == ResourceType::UnitTest) return base / (node.name + ".sql");
  return base;
}

void NodeTask::execute(const Node& node, NodeWork& work, ExecutionOutcome& outcome) const {
  work.context.render_for_execution(node, work.manifest, work.session, work.options, outcome);
}

bool ModelTask::runs(const Node& node) const {
  return node.resource_type == ResourceType::Model;
}

bool ModelTask::hidden(const Node& node) const {
  return materialized_of(node) == "ephemeral";
}

bool ModelTask::builds_relation(const Node& node) const {
  return !hidden(node);
}

std::string ModelTask::kind(const Node& node) const {
  return (is_microbatch(node) ? std::string("microbatch") : materialized_of(node)) + " model";
}

std::string ModelTask::describe(const Node& node) const {
  return node.language + " " + kind(node) + " " + relation_label(node, default_database_);
}

std::string ModelTask::start_text(const Node& node) const {
  return "START " + describe(node);
}

std::string ModelTask::skip_text(const Node& node) const {
  return "SKIP relation " + relation_label(node);
}

void ModelTask::finish(const Node&, const ExecutionOutcome& outcome, NodeResult& result) const {
  result.status = NodeStatus::Success;
  result.adapter_response = outcome.main_response.value_or(AdapterResponse{"OK", "", -1});
  result.message = result.adapter_response->message;
  size_t failed = 0;
  std::string errors;
  for (const auto& batch : outcome.batches) {
    if (batch.succeeded) continue;
    ++failed;
    errors += "\nBatch " + batch.start + " to " + batch.end + ": " + batch.error;
  }
  if (failed > 0) {
    result.status = NodeStatus::PartialSuccess;
    result.message = std::to_string(failed) + " of " + std::to_string(outcome.batches.size()) +
                     " batches failed (kiln retry runs them again):" + errors;
  }
}

ResultLine ModelTask::result_line(const Node& node, const NodeResult& result) const {
  if (result.status == NodeStatus::Success)
    return {"OK created " + describe(node), "OK", kGreen, Level::Info};
  if (result.status == NodeStatus::PartialSuccess)
    return {"PARTIAL SUCCESS creating " + describe(node), "PARTIAL SUCCESS", kYellow, Level::Warn};
  return {"ERROR creating " + describe(node), "ERROR", kRed, Level::Error};
}

std::vector<std::string> ModelTask::summary_lines(const Node& node, const NodeResult& result,
                                                  const std::string&) const {
  if (result.status != NodeStatus::PartialSuccess) return {};
  std::vector<std::string> lines = {"  Partial success in model " + node.name + " (" +
                                    node.original_file_path + ")"};
  for (const std::string& line : split(result.message, '\n')) lines.push_back("    " + line);
  return lines;
}

void ModelTask::execute(const Node& node, NodeWork& work, ExecutionOutcome& outcome) const {
  if (is_microbatch(node)) return run_batches(node, work, outcome);
  NodeTask::execute(node, work, outcome);
}

void ModelTask::run_batches(const Node& node, NodeWork& work, ExecutionOutcome& outcome) const {
  auto config_error = [&](const std::string& message, const std::string& hint) {
    return KilnError(ErrorKind::Project, "microbatch model " + node.name + " " + message,
                     {node.original_file_path}, hint);
  };
  if (config_text(node, "event_time").empty()) {
    throw config_error("has no event_time",
                       "set event_time to the column that says when each "
                       "row happened, e.g. config(event_time='ordered_at')");
  }
  std::optional<BatchSize> size = parse_batch_size(config_text(node, "batch_size"));
  if (!size) {
    throw config_error("has batch_size '" + config_text(node, "batch_size") + "'",
                       "batch_size is one of hour, day, month, year");
  }
  int lookback = 1;
  if (const Data* value = node.config.find("lookback"); value && value->is_int())
    lookback = static_cast<int>(value->as_int());

  std::vector<BatchWindow> windows;
  if (auto retry = microbatch_.retry_batches.find(node.unique_id);
      retry != microbatch_.retry_batches.end()) {
    for (const auto& [start, end] : retry->second) {
      auto from = parse_utc_time(start);
      auto to = parse_utc_time(end);
      if (from && to) windows.push_back({*from, *to});
    }
  } else if (microbatch_.event_time_start && microbatch_.event_time_end) {
    windows = batches_between(*microbatch_.event_time_start, *microbatch_.event_time_end, *size);
  } else {
    std::string database = node.database.empty() ? default_database_ : node.database;
    bool exists =
        work.session
            .get_relation(database, node.schema, node.alias.empty() ? node.name : node.alias)
            .has_value();
    bool refresh = work.options.full_refresh && config_text(node, "full_refresh") != "false";
    UtcTime current = batch_start(microbatch_.now, *size);
    UtcTime from = add_batches(current, *size, -lookback);
    if (!exists || refresh) {
      std::string begin_text = config_text(node, "begin");
      std::optional<UtcTime> begin = parse_utc_time(begin_text);
      if (!begin) {
        throw config_error(
            begin_text.empty() ? "has no begin" : "has begin '" + begin_text + "'",
            "a first or full-refresh build starts at begin, e.g. begin='2024-01-01'; or pass "
            "--event-time-start and --event-time-end");
      }
      from = *begin;
    }
    windows = batches_between(from, add_batches(current, *size, 1), *size);
  }

  std::string relation = relation_label(node);
  std::optional<KilnError> first_error;
  for (size_t i = 0; i < windows.size(); ++i) {
    const BatchWindow& window = windows[i];
    ExecutionOptions options = work.options;
    options.full_refresh = work.options.full_refresh && i == 0;  // the first batch rebuilds
    options.batch = ExecutionOptions::Batch{batch_id(window.start, *size),
                                            sql_time_text(window.start), sql_time_text(window.end)};
    std::string label =
        "batch " + options.batch->event_time_start.substr(0, *size == BatchSize::Hour ? 13 : 10) +
        " of " + relation;
    std::vector<std::pair<std::string, std::string>> fields = {{"unique_id", node.unique_id},
                                                               {"batch_id", options.batch->id}};
    emit_status_line("Q045", Level::Info,
                     "Batch " + node_line(i + 1, windows.size(), "START " + label, "RUN"), fields,
                     false);
    auto started = std::chrono::steady_clock::now();
    ExecutionOutcome batch;
    ExecutionOutcome::BatchOutcome result{iso_time_text(window.start), iso_time_text(window.end),
                                          false, ""};
    try {
      work.context.render_for_execution(node, work.manifest, work.session, options, batch);
      for (const RelationRef& built : batch.relations) work.session.cache_added(built);
      if (work.session.in_transaction()) work.session.rollback();
      result.succeeded = true;
    } catch (const KilnError& error) {
      try {
        work.session.rollback();
      } catch (const KilnError&) {
      }
      work.session.forget_schema(node.database.empty() ? default_database_ : node.database,
                                 node.schema);
      result.error = work.session.last_database_error().empty()
                         ? error.message()
                         : work.session.last_database_error();
      if (!first_error) first_error = error;
    }
    std::string time =
        " in " +
        seconds_text(
            std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count()) +
        "s";
    emit_status_line(
        "Q046", result.succeeded ? Level::Info : Level::Error,
        "Batch " + node_line(i + 1, windows.size(),
                             (result.succeeded ? "OK created " : "ERROR creating ") + label,
                             (result.succeeded ? "OK" : "ERROR") + time),
        fields, microbatch_.use_color, result.succeeded ? "OK" : "ERROR",
        result.succeeded ? kGreen : kRed);
    if (outcome.compiled_code.empty() || result.succeeded) {
      outcome.compiled_code = batch.compiled_code;
      if (i == 0) outcome.compiled_at = batch.compiled_at;
    }
    if (batch.main_response) {
      if (!outcome.main_response) {
        outcome.main_response = batch.main_response;
      } else if (batch.main_response->rows_affected >= 0) {
        outcome.main_response->rows_affected =
            std::max<int64_t>(0, outcome.main_response->rows_affected) +
            batch.main_response->rows_affected;
      }
    }
    outcome.relations = batch.relations;
    outcome.batches.push_back(std::move(result));
  }
  if (windows.empty()) {
    outcome.compiled_at = std::chrono::system_clock::now();
    outcome.main_response = AdapterResponse{"no batches to run", "", 0};
    return;
  }
  // Every batch failed: the model failed, as any model does.
  bool any_succeeded = false;
  for (const auto& batch : outcome.batches) any_succeeded = any_succeeded || batch.succeeded;
  if (!any_succeeded) throw *first_error;
  if (!outcome.main_response) outcome.main_response = AdapterResponse{"", "", -1};
  outcome.main_response->message =
      "SUCCESS " + std::to_string(windows.size()) + (windows.size() == 1 ? " batch" : " batches");
}

RunSummary run_models(const Manifest& manifest, const Dag& dag,
                      const std::set<std::string>& selected,
                      const std::vector<DbtContext*>& contexts, Adapter& adapter,
                      const RunOptions& options) {
  return run_nodes(manifest, dag, selected, contexts, adapter, options,
                   ModelTask(adapter.default_database()));
}

RunSummary run_nodes(const Manifest& manifest, const Dag& dag,
                     const std::set<std::string>& selected,
                     const std::vector<DbtContext*>& contexts, Adapter& adapter,
                     const RunOptions& options, const NodeTask& task) {
  auto run_start = std::chrono::steady_clock::now();
  RunReporter reporter(options.use_color);

  std::set<std::string> models;  // the nodes the task runs
  for (const std::string& id : selected) {
    const Node* node = manifest.find_node(id);
    if (node && task.runs(*node)) models.insert(id);
  }
  size_t total = 0;
  std::map<std::string, size_t> by_kind;
  for (const std::string& id : models) {
    const Node& node = *manifest.find_node(id);
    if (task.hidden(node)) continue;
    ++total;
    ++by_kind[task.kind(node)];
  }

  int threads = std::max(1, std::min<int>(options.threads, static_cast<int>(contexts.size())));
  reporter.plain("Q026", "Concurrency: " + std::to_string(threads) +
                             (threads == 1 ? " thread" : " threads") + " (target='" +
                             options.target_name + "')");
  reporter.plain("Q026", "");

  std::vector<std::unique_ptr<Connection>> connections;
  for (int i = 0; i < threads; ++i) connections.push_back(adapter.open_connection());
  RelationCache cache;
  create_missing_schemas(manifest, models, *connections.front(), adapter, task);
  RunState state;
  ExecutionOptions execution_options;
  execution_options.full_refresh = options.full_refresh;
  execution_options.which = options.which;
  execution_options.store_failures = options.store_failures;
  execution_options.empty = options.empty;

  std::string default_database = adapter.default_database();

  SchedulerCallbacks callbacks;
  callbacks.execute = [&](const std::string& id, int worker) -> bool {
    const Node& node = *manifest.find_node(id);
    if (task.hidden(node)) return true;  // compiled into its children
    size_t index;
    {
      std::lock_guard lock(state.mutex);
      index = ++state.started;
      state.running[id] = node.name;
    }
    reporter.line("Q011", Level::Info, node_line(index, total, task.start_text(node), "RUN"),
                  {{"unique_id", id}, {"node_status", "started"}});
    auto started = std::chrono::steady_clock::now();
    auto started_wall = std::chrono::system_clock::now();

    ConnectionSession session(adapter, *connections[worker - 1], cache);
    ExecutionOutcome outcome;
    NodeResult result;
    result.unique_id = id;
    result.thread_id = thread_name();
    result.relation_name = node.relation_name;
    std::string error_heading, error_details;
    try {
      NodeWork work{
          manifest,         adapter, *contexts[worker - 1], session, *connections[worker - 1],
          execution_options};
      task.execute(node, work, outcome);
      for (const RelationRef& relation : outcome.relations) session.cache_added(relation);
      if (session.in_transaction()) {
        // dbt's rule: a transaction the materialization left open is rolled back.
        events().warn("Q040", "the materialization of " + id +
                                  " left a transaction open; it was rolled back (end it with "
                                  "{{ adapter.commit() }})");
        session.rollback();
      }
      task.finish(node, outcome, result);
      // A test storing its failures records that relation, as dbt does.
      if (result.relation_name.empty() && !outcome.relations.empty())
        result.relation_name = adapter.render_relation(outcome.relations.front());
    } catch (const KilnError& error) {
      try {
        session.rollback();
      } catch (const KilnError&) {
        // The connection may be gone; what matters is reporting the first error.
      }
      // The rolled-back DDL may have changed what the cache believes about the schema.
      cache.forget_schema(node.database.empty() ? default_database : node.database, node.schema);
      result.status = NodeStatus::Error;
      // A bulk load (seeds) reaches the warehouse without a statement, so the error's kind counts.
      bool database_error =
          !session.last_database_error().empty() || error.kind() == ErrorKind::Database;
      error_heading = (database_error ? std::string("Database Error") : task.other_error(node)) +
                      " in " + task.noun(node) + " " + node.name + " (" + node.original_file_path +
                      ")";
      error_details =
          session.last_database_error().empty() ? error.render() : session.last_database_error();
      result.message = error_heading + "\n  " + join(split(error_details, '\n'), "\n  ");
    }
    if (!outcome.batches.empty()) {
      BatchResults batches;
      for (const auto& batch : outcome.batches)
        (batch.succeeded ? batches.successful : batches.failed).push_back({batch.start, batch.end});
      result.batch_results = std::move(batches);
    }
    auto finished = std::chrono::steady_clock::now();
    auto finished_wall = std::chrono::system_clock::now();
    result.execution_time = seconds_between(started, finished);
    if (!outcome.compiled_code.empty() || result.status == NodeStatus::Success) {
      result.compiled_code = outcome.compiled_code;
      result.timing.push_back({"compile", started_wall, outcome.compiled_at});
      result.timing.push_back({"execute", outcome.compiled_at, finished_wall});
    }
    std::filesystem::path run_file = node_output_path(options.target_dir, "run", node);
    std::vector<std::string> statements = session.take_statements();
    if (!statements.empty()) write_text(run_file, run_file_text(statements));
    // As dbt does, the compiled SQL also goes to target/compiled/ (a test's summary points there).
    std::filesystem::path compiled_file = node_output_path(options.target_dir, "compiled", node);
    if (!outcome.compiled_code.empty()) write_text(compiled_file, outcome.compiled_code);

    std::string time = " in " + seconds_text(result.execution_time) + "s";
    std::vector<std::pair<std::string, std::string>> fields = {
        {"unique_id", id},
        {"node_status", std::string(node_status_name(result.status))},
        {"execution_time", seconds_text(result.execution_time)}};
    if (result.failures) fields.push_back({"failures", std::to_string(*result.failures)});
    ResultLine shown = task.result_line(node, result);
    reporter.line("Q012", shown.level,
                  node_line(index, total, shown.text, shown.status_word + time), std::move(fields),
                  shown.status_word, shown.color);
    std::lock_guard lock(state.mutex);
    state.running.erase(id);
    if (result.status == NodeStatus::Error) {
      std::vector<std::string> lines = {"  " + error_heading};
      for (const std::string& line : indented_lines(error_details)) lines.push_back(line);
      if (!statements.empty()) {
        lines.push_back("  compiled code at " +
                        run_file.lexically_relative(options.project_dir).string());
      }
      state.failures[id] = std::move(lines);
    } else if (auto lines = task.summary_lines(
                   node, result, compiled_file.lexically_relative(options.project_dir).string());
               !lines.empty()) {
      (result.status == NodeStatus::Warn ? state.warnings : state.failures)[id] = std::move(lines);
    }
    // A partial success (some batches failed) still lets its children run on what it built.
    bool succeeded = result.status != NodeStatus::Error && result.status != NodeStatus::Fail;
    state.results.push_back(std::move(result));
    return succeeded;
  };
  callbacks.skipped = [&](const std::string& id, const std::string&) {
    const Node& node = *manifest.find_node(id);
    if (task.hidden(node)) return;
    std::lock_guard lock(state.mutex);
    size_t index = ++state.started;
    reporter.line("Q034", Level::Info, node_line(index, total, task.skip_text(node), "SKIP"),
                  {{"unique_id", id}, {"node_status", "skipped"}}, "SKIP", kYellow);
    NodeResult result;
    result.unique_id = id;
    result.status = NodeStatus::Skipped;
    result.thread_id = thread_name();
    result.relation_name = node.relation_name;
    state.results.push_back(std::move(result));
  };
  callbacks.fail_fast_triggered = [&](const std::string&) {
    for (auto& connection : connections) connection->cancel();
  };

  // on-run-start/on-run-end hooks: rendered with `schemas` (and, at the end, `results`) on
  // worker 1's context and connection, each executed on its own.
  Data schemas, database_schemas;
  {
    Data::List schema_list, pairs;
    std::set<std::pair<std::string, std::string>> seen;
    for (const std::string& id : models) {
      const Node& node = *manifest.find_node(id);
      std::string database = node.database.empty() ? default_database : node.database;
      if (!task.builds_relation(node) || !seen.insert({database, node.schema}).second) continue;
      schema_list.push_back(Data::string(node.schema));
      pairs.push_back(Data::list({Data::string(database), Data::string(node.schema)}));
    }
    schemas = Data::list(std::move(schema_list));
    database_schemas = Data::list(std::move(pairs));
  }
  auto run_hooks = [&](const std::string& phase, const std::vector<RunHook>& hooks,
                       const Data& variables) {
    if (hooks.empty()) return true;
    bool at_end = phase == "on-run-end";
    if (at_end) reporter.plain("Q026", "");
    reporter.plain("Q026", "Running " + std::to_string(hooks.size()) + " " + phase +
                               (hooks.size() == 1 ? " hook" : " hooks"));
    bool all_ok = true;
    size_t index = 0;
    for (const RunHook& hook : hooks) {
      ++index;
      Node node;
      node.resource_type = ResourceType::Operation;
      node.package_name = hook.package;
      node.name = hook.package + "-" + phase + "-" + std::to_string(hook.index);
      node.unique_id = "operation." + hook.package + "." + node.name;
      node.original_file_path = "dbt_project.yml";
      node.path = "hooks/" + node.name + ".sql";
      node.raw_code = hook.sql;
      std::string label = "hook: " + hook.package + "." + phase + "." + std::to_string(hook.index);
      reporter.line("Q032", Level::Info, node_line(index, hooks.size(), "START " + label, "RUN"),
                    {{"unique_id", node.unique_id}, {"node_status", "started"}});
      auto started = std::chrono::steady_clock::now();
      auto started_wall = std::chrono::system_clock::now();
      ConnectionSession session(adapter, *connections.front(), cache);
      NodeResult result;
      result.unique_id = node.unique_id;
      result.thread_id = thread_name();
      std::string error_text;
      try {
        std::string sql = contexts.front()->render_for_operation(node, manifest, session,
                                                                 execution_options, variables);
        result.compiled_code = sql;
        if (!trim(sql).empty()) {
          result.adapter_response = session.execute(trim(sql), false, false).response;
        }
        session.commit();
        result.status = NodeStatus::Success;
        result.message = result.adapter_response ? result.adapter_response->message : "OK";
      } catch (const KilnError& error) {
        try {
          session.rollback();
        } catch (const KilnError&) {
        }
        result.status = NodeStatus::Error;
        error_text =
            session.last_database_error().empty() ? error.render() : session.last_database_error();
        result.message = "Error in " + label + "\n  " + join(split(error_text, '\n'), "\n  ");
        all_ok = false;
      }
      auto finished_wall = std::chrono::system_clock::now();
      result.execution_time = seconds_between(started, std::chrono::steady_clock::now());
      result.timing.push_back({"execute", started_wall, finished_wall});
      std::string time = " in " + seconds_text(result.execution_time) + "s";
      bool ok = result.status == NodeStatus::Success;
      reporter.line("Q033", ok ? Level::Info : Level::Error,
                    node_line(index, hooks.size(), (ok ? "OK " : "ERROR ") + label,
                              (ok ? "OK" : "ERROR") + time),
                    {{"unique_id", node.unique_id},
                     {"node_status", std::string(node_status_name(result.status))}},
                    ok ? "OK" : "ERROR", ok ? kGreen : kRed);
      std::lock_guard lock(state.mutex);
      if (!ok) {
        std::vector<std::string> lines = {"  Error in " + label + " (dbt_project.yml)"};
        for (const std::string& line : indented_lines(error_text)) lines.push_back(line);
        state.failures[node.unique_id] = std::move(lines);
      }
      state.results.push_back(std::move(result));
    }
    if (!at_end) reporter.plain("Q026", "");
    return all_ok;
  };
  bool start_hooks_ok =
      run_hooks("on-run-start", options.on_run_start,
                Data::map({{"schemas", schemas}, {"database_schemas", database_schemas}}));

  std::vector<std::string> ids(models.begin(), models.end());
  std::map<std::string, int> priority;
  for (const std::string& id : ids)
    priority[id] = dag.critical_path(id) * 4 + task.tie_break(*manifest.find_node(id));
  std::map<std::string, std::vector<std::string>> parents = dag.subgraph_parents(models);
  if (task.tests_gate_children()) {
    for (const auto& [test, gated] : dag.test_edges()) {
      if (models.count(test) && models.count(gated)) parents[gated].push_back(test);
    }
    // A unit test runs before its model, once the model's inputs are built, and a failure
    // skips the model (dbt build's order).
    for (const std::string& id : models) {
      const Node& node = *manifest.find_node(id);
      if (node.resource_type != ResourceType::UnitTest) continue;
      for (const std::string& model : node.depends_on_nodes) {
        if (!models.count(model)) continue;
        std::vector<std::string> inputs;
        for (const std::string& parent : parents[model])
          if (parent != id) inputs.push_back(parent);
        parents[id] = inputs;
        parents[model].push_back(id);
      }
    }
  }
  Plan plan(ids, parents, priority);
  SchedulerOptions scheduler_options;
  scheduler_options.threads = threads;
  scheduler_options.fail_fast = options.fail_fast;
  scheduler_options.cancel = options.cancel;
  // Ctrl-C: the scheduler stops starting nodes; this watcher stops the statements running, whose
  // nodes then fail and roll back.
  std::atomic<bool> finished{false};
  std::atomic<bool> cancelled{false};
  std::thread watcher([&] {
    auto last_status = std::chrono::steady_clock::now();
    std::chrono::steady_clock::time_point last_cancel;  // long ago: the first cancel goes at once
    while (!finished.load()) {
      auto now = std::chrono::steady_clock::now();
      if (options.cancel && options.cancel->load()) {
        if (!cancelled.exchange(true)) {
          reporter.plain("Q033", "Cancelling: stopping the statements that are running");
        }
        // Again and again: a statement that started just after the first cancel must stop too.
        if (now - last_cancel >= std::chrono::milliseconds(100)) {
          for (auto& connection : connections) connection->cancel();
          last_cancel = now;
        }
      }
      // The progress line, once the run has lasted long enough for anyone to wonder.
      if (now - run_start >= std::chrono::seconds(1) &&
          now - last_status >= std::chrono::milliseconds(250)) {
        std::string line;
        {
          std::lock_guard lock(state.mutex);
          std::vector<std::string> names;
          for (const auto& [running_id, name] : state.running) names.push_back(name);
          line = "[" + std::to_string(state.started - state.running.size()) + "/" +
                 std::to_string(total) + " done, " + seconds_text(seconds_between(run_start, now)) +
                 "s] running: " + join(names, ", ");
        }
        events().status(line);
        last_status = now;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    events().status("");
  });
  try {
    if (start_hooks_ok) {
      run_plan(plan, callbacks, scheduler_options);
    } else {
      // A failed on-run-start hook builds nothing, as in dbt.
      for (const std::string& id : plan.skip_remaining()) callbacks.skipped(id, "");
    }
  } catch (...) {
    finished = true;
    watcher.join();
    throw;
  }
  finished = true;
  watcher.join();

  if (!options.on_run_end.empty()) {
    Data::List results;
    {
      std::lock_guard lock(state.mutex);
      for (const NodeResult& result : state.results) {
        Data node = Data::map({{"unique_id", Data::string(result.unique_id)}});
        if (const Node* found = manifest.find_node(result.unique_id)) {
          node = Data::map({{"unique_id", Data::string(result.unique_id)},
                            {"name", Data::string(found->name)},
                            {"resource_type",
                             Data::string(std::string(resource_type_name(found->resource_type)))},
                            {"package_name", Data::string(found->package_name)},
                            {"schema", Data::string(found->schema)},
                            {"database", Data::string(found->database)},
                            {"alias", Data::string(found->alias)},
                            {"config", found->config}});
        }
        Data response = Data::map();
        if (result.adapter_response) {
          response.set("_message", Data::string(result.adapter_response->message));
          response.set("code", Data::string(result.adapter_response->code));
          if (result.adapter_response->rows_affected >= 0)
            response.set("rows_affected", Data::integer(result.adapter_response->rows_affected));
        }
        results.push_back(Data::map(
            {{"node", node},
             {"status", Data::string(std::string(node_status_name(result.status)))},
             {"message", result.message.empty() ? Data::null() : Data::string(result.message)},
             {"execution_time", Data::floating(result.execution_time)},
             {"thread_id", Data::string(result.thread_id)},
             {"adapter_response", response},
             {"failures", result.failures ? Data::integer(*result.failures) : Data::null()}}));
      }
    }
    run_hooks("on-run-end", options.on_run_end,
              Data::map({{"schemas", schemas},
                         {"database_schemas", database_schemas},
                         {"results", Data::list(std::move(results))}}));
  }

  RunSummary summary;
  summary.cancelled = cancelled.load();
  summary.results = std::move(state.results);
  summary.elapsed_seconds = seconds_between(run_start, std::chrono::steady_clock::now());
  for (const NodeResult& result : summary.results) {
    switch (result.status) {
      case NodeStatus::Success:
      case NodeStatus::Pass:
        ++summary.passed;
        break;
      case NodeStatus::Warn:
        ++summary.warned;
        break;
      case NodeStatus::Error:
      case NodeStatus::Fail:
        ++summary.errored;
        break;
      case NodeStatus::PartialSuccess:
        ++summary.partial;
        break;
      case NodeStatus::Skipped:
        ++summary.skipped;
        break;
    }
  }

  std::vector<std::string> counts;
  if (size_t hooks = options.on_run_start.size() + options.on_run_end.size(); hooks > 0)
    counts.push_back(std::to_string(hooks) + (hooks == 1 ? " project hook" : " project hooks"));
  for (const auto& [kind, count] : by_kind) counts.push_back(plural(count, kind));
  auto elapsed = summary.elapsed_seconds;
  int hours = static_cast<int>(elapsed / 3600);
  int minutes = static_cast<int>((elapsed - hours * 3600) / 60);
  double seconds = elapsed - hours * 3600 - minutes * 60;
  reporter.plain("Q026", "");
  reporter.plain("E040", "Finished running " + (counts.empty() ? "0 models" : join(counts, ", ")) +
                             " in " + std::to_string(hours) + " hours " + std::to_string(minutes) +
                             " minutes and " + seconds_text(seconds) + " seconds (" +
                             seconds_text(elapsed) + "s).");
  reporter.plain("Q026", "");
  if (summary.errored == 0 && summary.warned == 0 && summary.partial == 0) {
    reporter.plain("Z030", "Completed successfully", kGreen);
  } else {
    if (summary.errored > 0 || summary.partial > 0) {
      reporter.plain("Z030",
                     "Completed with " + plural(summary.errored, "error") + ", " +
                         std::to_string(summary.partial) +
                         (summary.partial == 1 ? " partial success" : " partial successes") +
                         ", and " + plural(summary.warned, "warning") + ":",
                     kRed);
    } else {
      reporter.plain("Z030", "Completed with " + plural(summary.warned, "warning") + ":", kYellow);
    }
    // Errors first, then warnings, as dbt lists them.
    std::vector<std::pair<Level, const std::vector<std::string>*>> listed;
    for (const auto& [id, lines] : state.failures) listed.push_back({Level::Error, &lines});
    for (const auto& [id, lines] : state.warnings) listed.push_back({Level::Warn, &lines});
    for (const auto& [level, lines_of_node] : listed) {
      const std::vector<std::string>& lines = *lines_of_node;
      reporter.plain("Q026", "");
      for (const std::string& line : lines) {
        Event event;
        event.level = level;
        event.code = "Z029";
        event.message = line;
        events().emit(std::move(event));
      }
    }
  }
  if (summary.cancelled) {
    reporter.plain("Q026", "");
    reporter.plain("Z031", "Exited because of keyboard interrupt", kRed);
  }
  reporter.plain("Q026", "");
  reporter.plain("Z023", "Done. PASS=" + std::to_string(summary.passed) +
                             " WARN=" + std::to_string(summary.warned) +
                             " ERROR=" + std::to_string(summary.errored + summary.partial) +
                             " SKIP=" + std::to_string(summary.skipped) +
                             " TOTAL=" + std::to_string(summary.results.size()));
  return summary;
}

}  // namespace kiln
