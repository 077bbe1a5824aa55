#include "runner/connection_session.h"

#include <atomic>
#include <csignal>
#include <cstdlib>

#include "common/error.h"

namespace kiln {
namespace {

// The crash-safety tests set KILN_FAULT_KILL_AT=N to kill the process with SIGKILL right before
// the Nth statement of the run (begin and commit included), as `kill -9` or a power cut would.
void fault_point() {
  static const long kill_at = [] {
    const char* value = std::getenv("KILN_FAULT_KILL_AT");
    return value ? std::atol(value) : 0L;
  }();
  if (kill_at <= 0) return;
  static std::atomic<long> statements{0};
  if (++statements == kill_at) std::raise(SIGKILL);
}

}  // namespace

QueryResult ConnectionSession::execute(std::string_view sql, bool fetch, bool auto_begin) {
  if (auto_begin && !in_transaction_) begin();
  fault_point();
  statements_.emplace_back(sql);
  try {
    if (fetch) return connection_.query(sql);
    QueryResult result;
    result.response = connection_.execute(sql);
    return result;
  } catch (const KilnError& error) {
    last_database_error_ = error.message();
    throw;
  }
}

void ConnectionSession::begin() {
  if (in_transaction_) return;
  fault_point();
  connection_.begin();
  in_transaction_ = true;
}

void ConnectionSession::commit() {
  if (!in_transaction_) return;
  in_transaction_ = false;
  fault_point();
  connection_.commit();
}

void ConnectionSession::rollback() {
  if (!in_transaction_) return;
  in_transaction_ = false;
  connection_.rollback();
}

std::optional<RelationRef> ConnectionSession::get_relation(const std::string& database,
                                                           const std::string& schema,
                                                           const std::string& identifier) {
  std::string db = database.empty() ? adapter_.default_database() : database;
  std::string sc = schema.empty() ? adapter_.default_schema() : schema;
  return cache_.find(db, sc, identifier, [this](const std::string& d, const std::string& s) {
    return connection_.list_relations(d, s);
  });
}

std::vector<RelationRef> ConnectionSession::list_relations(const std::string& database,
                                                           const std::string& schema) {
  return connection_.list_relations(database.empty() ? adapter_.default_database() : database,
                                    schema);
}

std::vector<ColumnInfo> ConnectionSession::get_columns(const RelationRef& relation) {
  return connection_.get_columns(relation);
}

void ConnectionSession::run_ddl(const std::string& sql) {
  execute(sql, false, false);
}

std::string ConnectionSession::kind_of(const RelationRef& relation) {
  RelationType type = relation.type;
  if (type == RelationType::Unknown) {
    if (auto found = get_relation(relation.database, relation.schema, relation.identifier))
      type = found->type;
  }
  return type == RelationType::View ? "view" : "table";
}

void ConnectionSession::create_schema(const std::string& database, const std::string& schema) {
  RelationRef relation{database, schema, "", RelationType::Unknown};
  run_ddl("create schema if not exists " + adapter_.render_relation(relation));
}

void ConnectionSession::drop_relation(const RelationRef& relation) {
  run_ddl("drop " + kind_of(relation) + " if exists " + adapter_.render_relation(relation));
  cache_.drop(relation);
}

void ConnectionSession::rename_relation(const RelationRef& from, const RelationRef& to) {
  if (to.database != from.database || to.schema != from.schema) {
    throw KilnError(ErrorKind::Database, "cannot rename " + adapter_.render_relation(from) +
                                             " to " + adapter_.render_relation(to) +
                                             ": a rename stays in its schema");
  }
  RelationRef renamed = to;
  std::string kind = kind_of(from);
  if (renamed.type == RelationType::Unknown)
    renamed.type = kind == "view" ? RelationType::View : RelationType::Table;
  run_ddl("alter " + kind + " " + adapter_.render_relation(from) + " rename to " +
          adapter_.quote(to.identifier));
  cache_.rename(from, renamed);
}

void ConnectionSession::truncate_relation(const RelationRef& relation) {
  run_ddl("truncate table " + adapter_.render_relation(relation));
}

std::vector<std::string> ConnectionSession::take_statements() {
  std::vector<std::string> taken;
  taken.swap(statements_);
  return taken;
}

}  // namespace kiln
