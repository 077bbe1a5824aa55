#include "runner/seed_task.h"

#include <cstdio>
#include <fstream>
#include <mutex>
#include <sstream>
#include <thread>

#include "common/events.h"
#include "common/strings.h"
#include "runner/connection_session.h"
#include "runner/node_lines.h"
#include "scheduler/scheduler.h"
#include "seeds/seed_file.h"

namespace kiln {
namespace {

void emit(const std::string& code, Level level, const std::string& text, bool use_color,
          std::string_view color = {}, const std::string& status_word = {},
          std::vector<std::pair<std::string, std::string>> fields = {}) {
  Event event;
  event.level = level;
  event.code = code;
  event.message = text;
  event.fields = std::move(fields);
  if (use_color && !color.empty()) {
    std::string colored = text;
    if (status_word.empty()) {
      colored = colorize(text, color, true);
    } else if (size_t at = colored.rfind("[" + status_word); at != std::string::npos) {
      colored.replace(at + 1, status_word.size(), colorize(status_word, color, true));
    }
    event.console_text = colored;
  }
  events().emit(std::move(event));
}

std::string read_whole_file(const std::filesystem::path& path, const std::string& shown) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw KilnError(ErrorKind::Io, "cannot read seed file " + shown);
  std::string text;
  in.seekg(0, std::ios::end);
  text.resize(static_cast<size_t>(in.tellg()));
  in.seekg(0);
  in.read(text.data(), static_cast<std::streamsize>(text.size()));
  if (!in) throw KilnError(ErrorKind::Io, "cannot read seed file " + shown);
  return text;
}

SeedReadOptions read_options(const Node& node) {
  SeedReadOptions options;
  if (const Data* delimiter = node.config.find("delimiter"); delimiter && delimiter->is_string()) {
    const std::string& text = delimiter->as_string();
    if (text.size() != 1) {
      throw KilnError(ErrorKind::Project,
                      "seed " + node.name + ": delimiter must be one character, not '" + text + "'",
                      {}, "set `delimiter` to a single character such as ';' or '|'");
    }
    options.delimiter = text[0];
  }
  if (const Data* types = node.config.find("column_types"); types && types->is_map()) {
    for (const auto& [name, type] : types->as_map())
      options.column_types[name] = type.scalar_text();
  }
  return options;
}

GenericType generic_type(SeedType type) {
  switch (type) {
    case SeedType::Integer:
      return GenericType::Integer;
    case SeedType::BigInteger:
      return GenericType::BigInt;
    case SeedType::Number:
      return GenericType::Float;
    case SeedType::Date:
      return GenericType::Date;
    case SeedType::Timestamp:
      return GenericType::Timestamp;
    case SeedType::Boolean:
      return GenericType::Boolean;
    case SeedType::Text:
      return GenericType::String;
  }
  return GenericType::String;
}

// What one seed load reports back.
struct SeedLoad {
  int64_t rows = 0;
  std::vector<std::string> statements;  // as target/run/ shows them
};

class SeedBuilder {
 public:
  SeedBuilder(const Node& node, const Manifest& manifest, DbtContext& context,
              ConnectionSession& session, Connection& connection, const Adapter& adapter,
              const SeedOptions& options)
      : node_(node),
        manifest_(manifest),
        context_(context),
        session_(session),
        connection_(connection),
        adapter_(adapter),
        options_(options) {
    execution_.full_refresh = options.run.full_refresh;
    execution_.which = "seed";
  }

  SeedLoad build() {
    SeedLoad load;
    auto root = options_.package_roots.find(node_.package_name);
    std::filesystem::path path =
        (root == options_.package_roots.end() ? options_.run.project_dir : root->second) /
        node_.original_file_path;
    std::string text = read_whole_file(path, node_.original_file_path);
    SeedReadOptions read = read_options(node_);
    SeedSchema schema;
    try {
      schema = read_seed_schema(text, node_.original_file_path, read);
    } catch (KilnError& error) {
      throw error.with_source(text);
    }

    std::string database = node_.database.empty() ? adapter_.default_database() : node_.database;
    std::string identifier = node_.alias.empty() ? node_.name : node_.alias;
    RelationRef target{database, node_.schema, identifier, RelationType::Table};
    RelationRef temporary{database, node_.schema, identifier + "__kiln_tmp", RelationType::Table};
    RelationRef backup{database, node_.schema, identifier + "__kiln_backup", RelationType::Table};

    // Leftovers of an interrupted build go first, as the table materialization does.
    for (const RelationRef* leftover : {&temporary, &backup}) {
      if (auto found = session_.get_relation(database, node_.schema, leftover->identifier))
        session_.drop_relation(*found);
    }
    run_hooks("pre-hook", false);
    session_.begin();
    run_hooks("pre-hook", true);

    const Data* quote_config = node_.config.find("quote_columns");
    bool quote_columns = quote_config && quote_config->is_bool() && quote_config->as_bool();
    std::vector<LoadColumn> columns;
    std::vector<std::string> definitions;
    for (const SeedColumn& column : schema.columns) {
      GenericType type = generic_type(column.type);
      columns.push_back({column.name, type, !column.sql_type.empty()});
      std::string sql_type = column.sql_type.empty() ? adapter_.type_name(type) : column.sql_type;
      definitions.push_back((quote_columns ? adapter_.quote(column.name) : column.name) + " " +
                            sql_type);
    }
    std::string rendered_temporary = adapter_.render_relation(temporary);
    session_.execute("create table " + rendered_temporary + " (" + join(definitions, ", ") + ")",
                     false, true);
    session_.cache_added(temporary);

    auto appender = connection_.open_appender(temporary, rendered_temporary, columns);
    for_each_seed_row(text, node_.original_file_path, read, columns.size(),
                      [&](const std::vector<std::string_view>& fields,
                          const std::vector<bool>& is_null) { appender->append(fields, is_null); });
    load.rows = appender->finish();
    appender.reset();
    std::string appended = "-- " + std::to_string(load.rows) + " rows of " +
                           node_.original_file_path + " appended to " + rendered_temporary;

    if (auto existing = session_.get_relation(database, node_.schema, identifier)) {
      session_.rename_relation(*existing, backup);
      session_.rename_relation(temporary, target);
      session_.drop_relation(backup);
    } else {
      session_.rename_relation(temporary, target);
    }
    run_hooks("post-hook", true);
    session_.commit();
    run_hooks("post-hook", false);
    session_.cache_added(target);

    load.statements = session_.take_statements();
    // Where the rows went, in order: right after the create statement.
    for (size_t i = 0; i < load.statements.size(); ++i) {
      if (load.statements[i].starts_with("create table " + rendered_temporary)) {
        load.statements.insert(load.statements.begin() + static_cast<long>(i) + 1, appended);
        break;
      }
    }
    return load;
  }

 private:
  // The node's hooks of one kind whose `transaction` flag is `inside`, each rendered with the
  // seed as `this` and executed.
  void run_hooks(const std::string& key, bool inside) {
    const Data* hooks = node_.config.find(key);
    if (!hooks || !hooks->is_list()) return;
    for (const Data& hook : hooks->as_list()) {
      const Data* sql = hook.find("sql");
      const Data* transaction = hook.find("transaction");
      bool in_transaction = !transaction || !transaction->is_bool() || transaction->as_bool();
      if (!sql || in_transaction != inside) continue;
      Node operation = node_;
      operation.raw_code = sql->scalar_text();
      std::string rendered =
          context_.render_for_operation(operation, manifest_, session_, execution_, Data::map());
      if (!trim(rendered).empty()) session_.execute(trim(rendered), false, false);
    }
  }

  const Node& node_;
  const Manifest& manifest_;
  DbtContext& context_;
  ConnectionSession& session_;
  Connection& connection_;
  const Adapter& adapter_;
  const SeedOptions& options_;
  ExecutionOptions execution_;
};

void write_text(const std::filesystem::path& path, const std::string& text) {
  std::filesystem::create_directories(path.parent_path());
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
}

std::string run_file_text(const std::vector<std::string>& statements) {
  std::string text;
  for (const std::string& statement : statements) {
    text += std::string(trim(statement));
    text += statement.starts_with("--") ? "\n\n" : ";\n\n";
  }
  if (!text.empty()) text.pop_back();
  return text;
}

}  // namespace

RunSummary seed_nodes(const Manifest& manifest, const std::set<std::string>& selected,
                      const std::vector<DbtContext*>& contexts, Adapter& adapter,
                      const SeedOptions& options) {
  auto run_start = std::chrono::steady_clock::now();
  const RunOptions& run = options.run;
  std::vector<std::string> seeds;
  for (const std::string& id : selected) {
    auto it = manifest.nodes.find(id);
    if (it != manifest.nodes.end() && it->second.resource_type == ResourceType::Seed)
      seeds.push_back(id);
  }
  size_t total = seeds.size();
  int threads = std::max(1, std::min<int>(run.threads, static_cast<int>(contexts.size())));
  emit("Q026", Level::Info,
       "Concurrency: " + std::to_string(threads) + (threads == 1 ? " thread" : " threads") +
           " (target='" + run.target_name + "')",
       false);
  emit("Q026", Level::Info, "", false);

  std::vector<std::unique_ptr<Connection>> connections;
  for (int i = 0; i < threads; ++i) connections.push_back(adapter.open_connection());
  std::string default_database = adapter.default_database();
  {
    // The schemas seeds load into exist before any load, as before a run.
    std::map<std::string, std::set<std::string>> wanted;
    for (const std::string& id : seeds) {
      const Node& node = manifest.nodes.at(id);
      if (!node.schema.empty())
        wanted[node.database.empty() ? default_database : node.database].insert(node.schema);
    }
    for (const auto& [database, schemas] : wanted) {
      std::set<std::string> existing;
      for (const std::string& schema : connections.front()->list_schemas(database))
        existing.insert(to_lower(schema));
      for (const std::string& schema : schemas) {
        if (existing.count(to_lower(schema))) continue;
        connections.front()->execute(
            "create schema if not exists " +
            adapter.render_relation({database, schema, "", RelationType::Unknown}));
      }
    }
  }

  RelationCache cache;
  std::mutex mutex;
  size_t started_count = 0;
  std::vector<NodeResult> results;
  std::map<std::string, std::vector<std::string>> failures;
  auto describe = [&](const Node& node) {
    std::string relation = node.schema + "." + (node.alias.empty() ? node.name : node.alias);
    if (!node.database.empty() && node.database != default_database)
      relation = node.database + "." + relation;
    return "seed file " + relation;
  };

  SchedulerCallbacks callbacks;
  callbacks.execute = [&](const std::string& id, int worker) -> bool {
    const Node& node = manifest.nodes.at(id);
    size_t index;
    {
      std::lock_guard lock(mutex);
      index = ++started_count;
    }
    emit("Q011", Level::Info, node_line(index, total, "START " + describe(node), "RUN"), false, {},
         {}, {{"unique_id", id}, {"node_status", "started"}});
    auto started = std::chrono::steady_clock::now();
    auto started_wall = std::chrono::system_clock::now();
    ConnectionSession session(adapter, *connections[worker - 1], cache);
    NodeResult result;
    result.unique_id = id;
    result.thread_id = thread_name();
    result.relation_name = node.relation_name;
    std::string error_heading, error_details;
    std::vector<std::string> statements;
    try {
      SeedBuilder builder(node, manifest, *contexts[worker - 1], session, *connections[worker - 1],
                          adapter, options);
      SeedLoad load = builder.build();
      statements = std::move(load.statements);
      result.status = NodeStatus::Success;
      std::string message = "INSERT " + std::to_string(load.rows);
      result.adapter_response = AdapterResponse{message, "INSERT", load.rows};
      result.message = message;
    } catch (const KilnError& error) {
      try {
        session.rollback();
      } catch (const KilnError&) {
        // The connection may be gone; the first error is the one to report.
      }
      cache.forget_schema(node.database.empty() ? default_database : node.database, node.schema);
      statements = session.take_statements();
      result.status = NodeStatus::Error;
      bool database_error = error.kind() == ErrorKind::Database;
      error_heading = std::string(database_error ? "Database Error" : "Runtime Error") +
                      " in seed " + node.name + " (" + node.original_file_path + ")";
      error_details = database_error && !session.last_database_error().empty()
                          ? session.last_database_error()
                          : error.render();
      result.message = error_heading + "\n  " + join(split(error_details, '\n'), "\n  ");
    }
    auto finished_wall = std::chrono::system_clock::now();
    result.execution_time =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    result.timing.push_back({"compile", started_wall, started_wall});
    result.timing.push_back({"execute", started_wall, finished_wall});
    std::filesystem::path run_file =
        run.target_dir / "run" / node.package_name / node.original_file_path;
    if (!statements.empty()) write_text(run_file, run_file_text(statements));

    std::string time = " in " + seconds_text(result.execution_time) + "s";
    std::vector<std::pair<std::string, std::string>> fields = {
        {"unique_id", id},
        {"node_status", std::string(node_status_name(result.status))},
        {"execution_time", seconds_text(result.execution_time)}};
    bool ok = result.status == NodeStatus::Success;
    if (ok) {
      emit("Q012", Level::Info,
           node_line(index, total, "OK loaded " + describe(node), result.message + time),
           run.use_color, kGreen, "INSERT", std::move(fields));
    } else {
      emit("Q012", Level::Error,
           node_line(index, total, "ERROR loading " + describe(node), "ERROR" + time),
           run.use_color, kRed, "ERROR", std::move(fields));
    }
    std::lock_guard lock(mutex);
    if (!ok) {
      std::vector<std::string> lines = {"  " + error_heading};
      for (const std::string& line : split(error_details, '\n')) lines.push_back("  " + line);
      failures[id] = std::move(lines);
    }
    results.push_back(std::move(result));
    return ok;
  };
  callbacks.skipped = [&](const std::string& id, const std::string&) {
    const Node& node = manifest.nodes.at(id);
    std::lock_guard lock(mutex);
    size_t index = ++started_count;
    emit("Q034", Level::Info,
         node_line(
             index, total,
             "SKIP relation " + node.schema + "." + (node.alias.empty() ? node.name : node.alias),
             "SKIP"),
         run.use_color, kYellow, "SKIP", {{"unique_id", id}, {"node_status", "skipped"}});
    NodeResult result;
    result.unique_id = id;
    result.status = NodeStatus::Skipped;
    result.thread_id = thread_name();
    result.relation_name = node.relation_name;
    results.push_back(std::move(result));
  };
  callbacks.fail_fast_triggered = [&](const std::string&) {
    for (auto& connection : connections) connection->cancel();
  };

  // Seeds depend on nothing, so the plan has no edges; larger files start first.
  std::map<std::string, std::vector<std::string>> parents;
  std::map<std::string, int> priority;
  Plan plan(seeds, parents, priority);
  SchedulerOptions scheduler_options;
  scheduler_options.threads = threads;
  scheduler_options.fail_fast = run.fail_fast;
  scheduler_options.cancel = run.cancel;
  std::atomic<bool> finished{false};
  std::atomic<bool> cancelled{false};
  std::thread watcher([&] {
    while (!finished.load() && run.cancel) {
      if (run.cancel->load()) {
        cancelled = true;
        emit("Q033", Level::Info, "Cancelling: stopping the statements that are running", false);
        for (auto& connection : connections) connection->cancel();
        return;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
  });
  try {
    run_plan(plan, callbacks, scheduler_options);
  } catch (...) {
    finished = true;
    watcher.join();
    throw;
  }
  finished = true;
  watcher.join();

  RunSummary summary;
  summary.cancelled = cancelled.load();
  summary.results = std::move(results);
  summary.elapsed_seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - run_start).count();
  for (const NodeResult& result : summary.results) {
    if (result.status == NodeStatus::Success) ++summary.passed;
    if (result.status == NodeStatus::Error) ++summary.errored;
    if (result.status == NodeStatus::Skipped) ++summary.skipped;
  }
  double elapsed = summary.elapsed_seconds;
  int hours = static_cast<int>(elapsed / 3600);
  int minutes = static_cast<int>((elapsed - hours * 3600) / 60);
  double seconds = elapsed - hours * 3600 - minutes * 60;
  emit("Q026", Level::Info, "", false);
  emit("E040", Level::Info,
       "Finished running " + std::to_string(total) + (total == 1 ? " seed" : " seeds") + " in " +
           std::to_string(hours) + " hours " + std::to_string(minutes) + " minutes and " +
           seconds_text(seconds) + " seconds (" + seconds_text(elapsed) + "s).",
       false);
  emit("Q026", Level::Info, "", false);
  if (summary.errored == 0) {
    emit("Z030", Level::Info, "Completed successfully", run.use_color, kGreen);
  } else {
    emit("Z030", Level::Info,
         "Completed with " + std::to_string(summary.errored) +
             (summary.errored == 1 ? " error" : " errors") +
             ", 0 partial successes, and 0 warnings:",
         run.use_color, kRed);
    for (const auto& [id, lines] : failures) {
      emit("Q026", Level::Info, "", false);
      for (const std::string& line : lines) emit("Z029", Level::Error, line, false);
    }
  }
  if (summary.cancelled) {
    emit("Q026", Level::Info, "", false);
    emit("Z031", Level::Info, "Exited because of keyboard interrupt", run.use_color, kRed);
  }
  emit("Q026", Level::Info, "", false);
  emit("Z023", Level::Info,
       "Done. PASS=" + std::to_string(summary.passed) + " WARN=0 ERROR=" +
           std::to_string(summary.errored) + " SKIP=" + std::to_string(summary.skipped) +
           " TOTAL=" + std::to_string(summary.results.size()),
       false);
  return summary;
}

}  // namespace kiln
