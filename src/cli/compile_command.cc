#include "adapters/adapter.h"
#include "cli/commands.h"
#include "cli/selection.h"
#include "common/file_output.h"
#include "context/dbt_context.h"
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
  size_t compiled = 0;
  std::string last_sql;
  std::string last_name;
  for (const std::string& id : project.dag.topological_order(selected)) {
    auto it = project.manifest.nodes.find(id);
    if (it == project.manifest.nodes.end()) continue;  // sources, unit tests, exposures
    const Node& node = it->second;
    std::string sql = context.compile(node, project.manifest);
    write_file_if_changed(node_output_path(target_dir, "compiled", node), sql);
    last_sql = sql;
    last_name = node.name;
    ++compiled;
  }
  if (compiled == 1) {
    print_output("Compiled node '" + last_name + "' is:");
    print_output(last_sql);
  }
  say("Z082", "Compiled " + std::to_string(compiled) + (compiled == 1 ? " node" : " nodes") +
                  " into " +
                  (target_dir / "compiled").lexically_relative(invocation.project_dir()).string());
  return kExitSuccess;
}

}  // namespace kiln
