#pragma once

#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/data.h"
#include "common/query_result.h"

namespace kiln {

// The warehouse as a template running in execution mode (`kiln run`) sees it: statements,
// introspection through a relation cache, and the DDL that keeps the cache current. The context
// library defines it and the runner implements it on an adapter connection, so templates never
// depend on a particular warehouse. One session serves one worker thread at a time.
class WarehouseSession {
 public:
  virtual ~WarehouseSession() = default;

  virtual std::string adapter_type() const = 0;
  virtual std::string quote(std::string_view identifier) const = 0;
  virtual std::string type_name(GenericType type) const = 0;

  // Runs one statement; the table is filled only when `fetch` is set. Opens a transaction first
  // when `auto_begin` is set and none is open, as dbt's statement blocks do.
  virtual QueryResult execute(std::string_view sql, bool fetch, bool auto_begin) = 0;
  virtual void begin() = 0;
  virtual void commit() = 0;  // no-op when no transaction is open
  virtual void rollback() = 0;
  virtual bool in_transaction() const = 0;

  // From the relation cache: each schema is listed once per run. Matching ignores case.
  virtual std::optional<RelationRef> get_relation(const std::string& database,
                                                  const std::string& schema,
                                                  const std::string& identifier) = 0;
  // Asks the warehouse, bypassing the cache.
  virtual std::vector<RelationRef> list_relations(const std::string& database,
                                                  const std::string& schema) = 0;
  virtual std::vector<ColumnInfo> get_columns(const RelationRef& relation) = 0;

  // DDL that also updates the cache.
  virtual void create_schema(const std::string& database, const std::string& schema) = 0;
  virtual void drop_relation(const RelationRef& relation) = 0;
  virtual void rename_relation(const RelationRef& from, const RelationRef& to) = 0;
  virtual void truncate_relation(const RelationRef& relation) = 0;
  // Tells the cache about a relation a statement created (dbt's adapter.cache_added).
  virtual void cache_added(const RelationRef& relation) = 0;
};

// How `kiln run` was asked to build, as templates see it through flags and should_full_refresh().
struct ExecutionOptions {
  bool full_refresh = false;
  bool store_failures = false;  // kiln test --store-failures: flags.STORE_FAILURES
  std::string which = "run";    // flags.WHICH: "run", "test", ...
  bool empty = false;           // --empty: ref() and source() render as zero-row selects
  // One batch of a microbatch model: ref() and source() of parents that configure event_time
  // read only rows in [start, end); templates see it as model.batch. Times are UTC text,
  // "2024-10-01 00:00:00".
  struct Batch {
    std::string id;  // "20241001"
    std::string event_time_start, event_time_end;
  };
  std::optional<Batch> batch;
  // A unit test: the model's inputs are fixtures. "ref:<unique id>", "source:<source>.<table>" and
  // "this" map to the CTE that replaces them; vars and is_incremental() can be overridden.
  struct UnitTestInputs {
    std::map<std::string, std::string> ctes;
    Data vars = Data::map();
    Data env_vars = Data::map();
    Data macros = Data::map();  // macro name -> the value a call returns instead
    std::optional<bool> is_incremental;
  };
  std::optional<UnitTestInputs> unit_test;
};

// What running a node's materialization did.
struct ExecutionOutcome {
  std::vector<RelationRef> relations;  // what the materialization returned as {'relations': [...]}
  std::optional<AdapterResponse> main_response;  // of the statement named 'main'
  std::optional<ResultTable> main_table;         // its rows, when it fetched them (a test's counts)
  std::string compiled_code;
  // When compiling ended and the materialization started, for run_results.json's timing.
  std::chrono::system_clock::time_point compiled_at;
  // A microbatch model's batches, in order: window (ISO 8601, UTC), and the error of a failed one.
  struct BatchOutcome {
    std::string start, end;
    bool succeeded = false;
    std::string error;
  };
  std::vector<BatchOutcome> batches;
  // A unit test's verdict: whether actual rows equal the expected ones, and if not, how.
  struct UnitTestVerdict {
    bool passed = false;
    int64_t differing_rows = 0;
    std::string diff;
  };
  std::optional<UnitTestVerdict> unit_test;
};

}  // namespace kiln
