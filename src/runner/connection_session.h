#pragma once

#include "adapters/adapter.h"
#include "context/warehouse_session.h"
#include "runner/relation_cache.h"

namespace kiln {

// The warehouse session a worker thread's templates use: statements on its own connection,
// relation lookups through the run's shared cache, and DDL spelled from the adapter's quoting.
// Tracks the open transaction so a failed build can be rolled back.
class ConnectionSession : public WarehouseSession {
 public:
  ConnectionSession(const Adapter& adapter, Connection& connection, RelationCache& cache)
      : adapter_(adapter), connection_(connection), cache_(cache) {}

  std::string adapter_type() const override { return adapter_.type(); }
  std::string quote(std::string_view identifier) const override {
    return adapter_.quote(identifier);
  }
  std::string type_name(GenericType type) const override { return adapter_.type_name(type); }

  QueryResult execute(std::string_view sql, bool fetch, bool auto_begin) override;
  void begin() override;
  void commit() override;
  void rollback() override;
  bool in_transaction() const override { return in_transaction_; }

  std::optional<RelationRef> get_relation(const std::string& database, const std::string& schema,
                                          const std::string& identifier) override;
  std::vector<RelationRef> list_relations(const std::string& database,
                                          const std::string& schema) override;
  std::vector<ColumnInfo> get_columns(const RelationRef& relation) override;

  void create_schema(const std::string& database, const std::string& schema) override;
  void drop_relation(const RelationRef& relation) override;
  void rename_relation(const RelationRef& from, const RelationRef& to) override;
  void truncate_relation(const RelationRef& relation) override;
  void cache_added(const RelationRef& relation) override { cache_.add(relation); }
  // After a rollback: what the cache believes about the schema may no longer hold.
  void forget_schema(const std::string& database, const std::string& schema) {
    cache_.forget_schema(database, schema);
  }

  // Adds a comment line to the statements target/run/ shows, e.g. where a bulk load went.
  void note(std::string comment) { statements_.push_back("-- " + std::move(comment)); }
  // Statements this session ran since the last call (DDL of adapter methods included).
  std::vector<std::string> take_statements();
  // The warehouse's message for the last statement that failed, "" when none did: a database
  // error surfaces through the template engine, and the runner reports it as dbt does.
  const std::string& last_database_error() const { return last_database_error_; }

 private:
  void run_ddl(const std::string& sql);
  // "table" or "view" for DDL; a relation of unknown type is looked up first.
  std::string kind_of(const RelationRef& relation);

  const Adapter& adapter_;
  Connection& connection_;
  RelationCache& cache_;
  bool in_transaction_ = false;
  std::vector<std::string> statements_;
  std::string last_database_error_;
};

}  // namespace kiln
