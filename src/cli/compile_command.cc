#include <algorithm>
#include <atomic>
#include <exception>
#include <thread>

#include "adapters/adapter.h"
#include "cli/commands.h"
#include "cli/run_command.h"
#include "cli/selection.h"
#include "common/file_output.h"
#include "common/parallel.h"
#include "context/dbt_context.h"
#include "manifest/manifest_json.h"
#include "runner/run_task.h"

namespace kiln {

void print_output(const std::string& text) {
  Event event;
  event.code = "Z081";
  event.message = text;
  event.is_output = true;
  events().emit(std::move(event));
}

Node inline_sql_node(const std::string& project_name, const std::string& sql) {
  Node node;
  node.resource_type = ResourceType::SqlOperation;
  node.name = "inline_query";
  node.package_name = project_name;
  node.unique_id = "sql_operation." + project_name + ".inline_query";
  node.original_file_path = "inline";
  node.path = "inline_query.sql";
  node.raw_code = sql;
  node.config = Data::map({{"materialized", Data::string("view")}});
  return node;
}

int run_compile(Invocation& invocation, const SelectionFlags& flags,
                const std::string& inline_sql) {
  ParsedProject project = parse_and_check(invocation);
  const Project& root = invocation.load_project();
  DbtContext& context = *project.session.context;

  if (!inline_sql.empty()) {
    Node node = inline_sql_node(root.name, inline_sql);
    print_output("Compiled inline node is:");
    print_output(context.compile(node, project.manifest));
    return kExitSuccess;
  }

  std::vector<ResourceType> types;
  for (const char* type : {"model", "snapshot", "test", "analysis"})
    types.push_back(*parse_resource_type(type));
  std::set<std::string> selected = select_from(project, flags, types);
  if (selected.empty()) {
    events().warn("Z080",
                  "Nothing to do. Try checking your model configs and model specification args");
    return kExitSuccess;
  }
  std::filesystem::path target_dir = invocation.target_dir();
  std::vector<const Node*> nodes;
  for (const std::string& id : project.dag.topological_order(selected)) {
    auto it = project.manifest.nodes.find(id);
    if (it != project.manifest.nodes.end()) nodes.push_back(&it->second);  // not sources, ...
  }
  // Nodes compile independently: each thread renders with its own template context (the
  // engine is not thread-safe), taking nodes in DAG order. After an error no node is started,
  // and the first error in that order is the one reported, as on one thread.
  unsigned threads = std::max(1u, std::min(std::thread::hardware_concurrency(), 8u));
  WorkerContexts workers(context, static_cast<int>(threads));
  std::vector<std::string> compiled_sql(nodes.size());
  std::vector<std::exception_ptr> errors(nodes.size());
  std::atomic<size_t> next{0};
  std::atomic<bool> failed{false};
  parallel_for(workers.contexts().size(), [&](size_t worker) {
    DbtContext& worker_context = *workers.contexts()[worker];
    for (size_t i = next++; i < nodes.size() && !failed; i = next++) {
      try {
        compiled_sql[i] = worker_context.compile(*nodes[i], project.manifest);
        write_file_if_changed(node_output_path(target_dir, "compiled", *nodes[i]), compiled_sql[i]);
      } catch (...) {
        errors[i] = std::current_exception();
        failed = true;
      }
    }
  });
  for (const std::exception_ptr& error : errors) {
    if (error) std::rethrow_exception(error);
  }
  if (nodes.size() == 1) {
    print_output("Compiled node '" + nodes.front()->name + "' is:");
    print_output(compiled_sql.front());
  }
  // As dbt compile: the manifest again, its compiled nodes carrying their SQL and its path.
  std::filesystem::path project_dir = invocation.project_dir();
  for (size_t i = 0; i < nodes.size(); ++i) {
    project.manifest.compiled[nodes[i]->unique_id] = {
        std::move(compiled_sql[i]), node_output_path(target_dir, "compiled", *nodes[i])
                                        .lexically_relative(project_dir)
                                        .string()};
  }
  write_manifest(project.manifest, target_dir / "manifest.json");
  size_t compiled = nodes.size();
  say("Z082", "Compiled " + std::to_string(compiled) + (compiled == 1 ? " node" : " nodes") +
                  " into " +
                  (target_dir / "compiled").lexically_relative(invocation.project_dir()).string());
  return kExitSuccess;
}

}  // namespace kiln
