#include "cli/operation_commands.h"

#include <chrono>
#include <cstdlib>

#include "adapters/adapter.h"
#include "cli/commands.h"
#include "common/file_output.h"
#include "common/json_writer.h"
#include "common/python_repr.h"
#include "common/strings.h"
#include "context/dbt_context.h"
#include "manifest/manifest_json.h"
#include "project/yaml_reader.h"
#include "runner/connection_session.h"
#include "runner/freshness.h"
#include "runner/microbatch.h"
#include "runner/run_results.h"
#include "runner/run_task.h"

namespace kiln {
namespace {

std::string without_trailing_semicolons(std::string_view sql) {
  std::string_view text = trim(sql);
  while (!text.empty() && text.back() == ';') text = trim(text.substr(0, text.size() - 1));
  return std::string(text);
}

std::string show_cell_text(const Cell& cell) {
  if (const auto* number = std::get_if<double>(&cell)) return python_float_repr(*number);
  if (const auto* flag = std::get_if<bool>(&cell)) return *flag ? "True" : "False";
  return cell_text(cell);
}

bool is_exact_number_type(const std::string& type) {
  std::string lower = to_lower(type);
  return lower.starts_with("decimal") || lower.starts_with("numeric") || lower == "hugeint" ||
         lower == "ubigint" || lower == "uhugeint";
}

void write_json_cell(JsonWriter& json, const Cell& cell, const ResultColumn& column) {
  if (std::holds_alternative<std::monostate>(cell)) {
    json.null();
  } else if (const auto* flag = std::get_if<bool>(&cell)) {
    json.value(*flag);
  } else if (const auto* integer = std::get_if<int64_t>(&cell)) {
    json.value(*integer);
  } else if (const auto* number = std::get_if<double>(&cell)) {
    json.value(*number);
  } else if (is_exact_number_type(column.type)) {
    json.raw_value(std::get<std::string>(cell));  // exact numbers arrive as their text
  } else {
    json.value(std::get<std::string>(cell));
  }
}

// One preview: "Previewing node 'x':" and a table, or {"node": "x", "show": [{...}, ...]}.
void print_preview(const std::string& name, bool is_inline, const ResultTable& table,
                   const std::string& output) {
  if (output == "json") {
    std::string text;
    JsonWriter json(text);
    json.begin_object().key("node").value(name).key("show").begin_array();
    for (const auto& row : table.rows) {
      json.begin_object();
      for (size_t c = 0; c < table.columns.size(); ++c) {
        json.key(table.columns[c].name);
        write_json_cell(json, row[c], table.columns[c]);
      }
      json.end_object();
    }
    json.end_array().end_object();
    print_output(text);
    return;
  }
  std::vector<std::string> header;
  for (const ResultColumn& column : table.columns) header.push_back(column.name);
  std::vector<std::vector<std::string>> rows;
  for (const auto& row : table.rows) {
    std::vector<std::string> cells;
    for (const Cell& cell : row) cells.push_back(show_cell_text(cell));
    rows.push_back(std::move(cells));
  }
  print_output(is_inline ? "Previewing inline node:" : "Previewing node '" + name + "':");
  print_output(text_table(header, rows));
}

}  // namespace

int run_show(Invocation& invocation, const SelectionFlags& flags, const ShowFlags& show) {
  if (show.output != "text" && show.output != "json") {
    throw KilnError(ErrorKind::Usage, "--output must be text or json, not '" + show.output + "'");
  }
  if (show.inline_sql.empty() && flags.select.empty() && flags.selector.empty()) {
    throw KilnError(ErrorKind::Usage, "kiln show needs --select or --inline", {},
                    "e.g. kiln show --select stg_orders, or kiln show --inline \"select 1\"");
  }
  ParsedProject project = parse_and_check(invocation);
  DbtContext& context = *project.session.context;
  Adapter& adapter = *project.session.adapter;

  std::vector<std::pair<const Node*, std::string>> previews;  // node and its compiled SQL
  Node inline_query;
  if (!show.inline_sql.empty()) {
    inline_query = inline_sql_node(project.manifest.metadata.project_name, show.inline_sql);
    previews.push_back({&inline_query, context.compile(inline_query, project.manifest)});
  } else {
    std::set<std::string> selected = select_from(
        project, flags,
        {ResourceType::Model, ResourceType::Seed, ResourceType::Snapshot, ResourceType::Analysis});
    for (const std::string& id : project.dag.topological_order(selected)) {
      auto it = project.manifest.nodes.find(id);
      // Tests come along by indirect selection; a preview is of what the nodes hold.
      if (it == project.manifest.nodes.end() || it->second.resource_type == ResourceType::Test)
        continue;
      const Node& node = it->second;
      // A seed has no query of its own: its preview is its table.
      std::string sql = node.resource_type == ResourceType::Seed
                            ? "select * from " + node.relation_name
                            : context.compile(node, project.manifest);
      previews.push_back({&node, std::move(sql)});
    }
    if (previews.empty()) {
      events().warn("Z080",
                    "Nothing to do. Try checking your model configs and model specification args");
      return kExitSuccess;
    }
  }

  std::unique_ptr<Connection> connection = adapter.open_connection();
  for (const auto& [node, sql] : previews) {
    std::string query = without_trailing_semicolons(sql);
    // As dbt does, the node's own query is previewed (not the relation it built), limited.
    if (show.limit >= 0) {
      query = "select * from (\n" + query + "\n) as kiln_show_limit_subquery limit " +
              std::to_string(show.limit);
    }
    QueryResult result;
    try {
      result = connection->query(query);
    } catch (const KilnError& error) {
      bool is_inline = node == &inline_query;
      Event event;
      event.level = Level::Error;
      event.code = "Z046";
      event.message = "Database Error in " + std::string(resource_type_name(node->resource_type)) +
                      " " + node->name + " (" + node->original_file_path + ")\n  " +
                      join(split(error.message(), '\n'), "\n  ") + "\n  hint: " +
                      (is_inline ? "check the SQL given to --inline"
                                 : "kiln compile --select " + node->name + " shows its SQL");
      events().emit(std::move(event));
      return kExitFailure;
    }
    print_preview(node->name, node == &inline_query, result.table, show.output);
  }
  return kExitSuccess;
}

int run_operation(Invocation& invocation, const std::string& macro_name,
                  const std::string& args_text) {
  auto invocation_started = std::chrono::system_clock::now();
  ParsedProject project = parse_and_check(invocation);
  const Manifest& manifest = project.manifest;
  const std::string& root = manifest.metadata.project_name;

  // "package.macro" names one package; a bare name is looked up in the root project first, then
  // in the packages, then among kiln's built-ins (package dbt), as dbt does.
  const Macro* macro = nullptr;
  if (size_t dot = macro_name.find('.'); dot != std::string::npos) {
    auto it = manifest.macros.find("macro." + macro_name);
    if (it != manifest.macros.end()) macro = &it->second;
  } else {
    auto it = manifest.macros.find("macro." + root + "." + macro_name);
    if (it != manifest.macros.end()) macro = &it->second;
    for (const auto& [id, candidate] : manifest.macros) {
      if (macro) break;
      if (candidate.name == macro_name && candidate.package_name != "dbt") macro = &candidate;
    }
    if (!macro) {
      if (auto builtin = manifest.macros.find("macro.dbt." + macro_name);
          builtin != manifest.macros.end())
        macro = &builtin->second;
    }
  }
  if (!macro) {
    std::vector<std::string> names;
    for (const auto& [id, candidate] : manifest.macros) names.push_back(candidate.name);
    std::string hint = "check the macro's name; run-operation takes MACRO or PACKAGE.MACRO";
    if (std::string close = closest_match(macro_name, names); !close.empty())
      hint = "did you mean '" + close + "'?";
    throw KilnError(ErrorKind::Project,
                    "no macro named '" + macro_name + "' in the project or its packages", {}, hint);
  }

  Data args = args_text.empty() ? Data::map() : parse_yaml(args_text, "--args");
  if (!args.is_map()) {
    throw KilnError(ErrorKind::Usage, "--args must be a YAML or JSON mapping, e.g. '{days: 7}'");
  }

  Node operation;
  operation.resource_type = ResourceType::Operation;
  operation.package_name = root;
  operation.name = macro->name;
  operation.unique_id = macro->unique_id;
  operation.original_file_path = macro->original_file_path;
  operation.path = macro->path;
  std::string callee =
      macro->package_name == root ? macro->name : macro->package_name + "." + macro->name;
  operation.raw_code = "{{ " + callee + "(**__kiln_operation_args) }}";

  std::unique_ptr<Connection> connection = project.session.adapter->open_connection();
  RelationCache cache;
  ConnectionSession session(*project.session.adapter, *connection, cache);
  ExecutionOptions options;
  options.which = "run-operation";
  NodeResult result;
  result.unique_id = macro->unique_id;
  result.thread_id = "main";
  auto started = std::chrono::steady_clock::now();
  auto started_wall = std::chrono::system_clock::now();
  int code = kExitSuccess;
  try {
    project.session.context->render_for_operation(operation, manifest, session, options,
                                                  Data::map({{"__kiln_operation_args", args}}));
    // dbt commits what the macro left open: run-operation exists to change the warehouse.
    session.commit();
    result.status = NodeStatus::Success;
    result.message = "OK";
  } catch (const KilnError& error) {
    try {
      session.rollback();
    } catch (const KilnError&) {
    }
    result.status = NodeStatus::Error;
    std::string details =
        session.last_database_error().empty() ? error.render() : session.last_database_error();
    result.message = "Encountered an error while running operation " + macro->name + "\n  " +
                     join(split(details, '\n'), "\n  ");
    Event event;
    event.level = Level::Error;
    event.code = "Z046";
    event.message = result.message;
    events().emit(std::move(event));
    code = kExitFailure;
  }
  result.execution_time =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  result.timing.push_back({"execute", started_wall, std::chrono::system_clock::now()});

  RunResultsMetadata metadata;
  metadata.dbt_version = manifest.metadata.dbt_version;
  metadata.invocation_id = invocation.invocation_id();
  metadata.invocation_started_at = invocation_started;
  metadata.args =
      Data::map({{"which", Data::string("run-operation")},
                 {"macro", Data::string(macro_name)},
                 {"args", args},
                 {"invocation_command", Data::string(invocation.flags().command_line)}});
  std::vector<NodeResult> results;
  results.push_back(std::move(result));
  write_run_results(invocation.target_dir() / "run_results.json", results,
                    results.front().execution_time, metadata);
  return code;
}

int run_source_freshness(Invocation& invocation, const SelectionFlags& flags,
                         const std::string& output_path) {
  ParsedProject project = parse_and_check(invocation);
  std::set<std::string> selected = select_from(project, flags, {ResourceType::Source});
  std::vector<const SourceDefinition*> sources = sources_with_freshness(project.manifest, selected);
  std::filesystem::path output = output_path.empty() ? invocation.target_dir() / "sources.json"
                                                     : std::filesystem::path(output_path);
  if (output.is_relative()) output = std::filesystem::current_path() / output;
  if (sources.empty()) {
    events().warn("Z080",
                  "Nothing to do: no selected source has a freshness rule (warn_after or "
                  "error_after) and a loaded_at_field");
  }
  Target target = invocation.load_target();
  FreshnessOptions options;
  options.threads = invocation.flags().threads > 0 ? invocation.flags().threads : target.threads;
  options.use_color = invocation.use_color();
  if (const char* pinned = std::getenv("KILN_FRESHNESS_NOW")) {
    // Tests pin "now" so ages, and with them statuses, do not depend on the clock.
    if (auto now = parse_utc_time(pinned))
      options.now = std::chrono::system_clock::time_point(*now);
  }
  FreshnessSummary summary = sources.empty()
                                 ? FreshnessSummary{}
                                 : check_freshness(sources, *project.session.adapter, options);
  write_file_if_changed(output, sources_json(summary, project.manifest.metadata.dbt_version,
                                             invocation.invocation_id()));
  return summary.errored > 0 ? kExitFailure : kExitSuccess;
}

}  // namespace kiln
