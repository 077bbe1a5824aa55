#include "runner/seed_task.h"

#include <fstream>

#include "common/events.h"
#include "common/strings.h"
#include "runner/connection_session.h"
#include "runner/node_lines.h"
#include "seeds/seed_file.h"

namespace kiln {
namespace {

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

class SeedBuilder {
 public:
  SeedBuilder(const Node& node, NodeWork& work, const std::filesystem::path& package_root)
      : node_(node),
        manifest_(work.manifest),
        context_(work.context),
        session_(work.session),
        connection_(work.connection),
        adapter_(work.adapter),
        execution_(work.options),
        package_root_(package_root) {}

  int64_t build() {
    std::filesystem::path path = package_root_ / node_.original_file_path;
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
    int64_t rows = appender->finish();
    appender.reset();
    session_.note(std::to_string(rows) + " rows of " + node_.original_file_path + " appended to " +
                  rendered_temporary);

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
    return rows;
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
  const ExecutionOptions& execution_;
  const std::filesystem::path& package_root_;
};

}  // namespace

SeedTask::SeedTask(std::string default_database,
                   std::map<std::string, std::filesystem::path> package_roots)
    : default_database_(std::move(default_database)), package_roots_(std::move(package_roots)) {}

bool SeedTask::runs(const Node& node) const {
  return node.resource_type == ResourceType::Seed;
}

std::string SeedTask::describe(const Node& node) const {
  return "seed file " + relation_label(node, default_database_);
}

std::string SeedTask::start_text(const Node& node) const {
  return "START " + describe(node);
}

std::string SeedTask::skip_text(const Node& node) const {
  return "SKIP relation " + relation_label(node);
}

void SeedTask::execute(const Node& node, NodeWork& work, ExecutionOutcome& outcome) const {
  auto root = package_roots_.find(node.package_name);
  if (root == package_roots_.end()) {
    throw KilnError(ErrorKind::Internal, "no folder known for package " + node.package_name);
  }
  outcome.compiled_at = std::chrono::system_clock::now();
  int64_t rows = SeedBuilder(node, work, root->second).build();
  outcome.main_response = AdapterResponse{"INSERT " + std::to_string(rows), "INSERT", rows};
}

void SeedTask::finish(const Node&, const ExecutionOutcome& outcome, NodeResult& result) const {
  result.status = NodeStatus::Success;
  result.adapter_response = outcome.main_response;
  result.message = outcome.main_response ? outcome.main_response->message : "INSERT";
}

ResultLine SeedTask::result_line(const Node& node, const NodeResult& result) const {
  if (result.status == NodeStatus::Success)
    return {"OK loaded " + describe(node), result.message, kGreen, Level::Info};
  return {"ERROR loading " + describe(node), "ERROR", kRed, Level::Error};
}

}  // namespace kiln
