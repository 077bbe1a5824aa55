#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/data.h"
#include "common/query_result.h"

namespace kiln {

struct Target;

// A column of a bulk load. `type` is the kind of the text values appended; with `cast_from_text`
// (a `column_types` override) the table's column has some other SQL type and the warehouse
// casts the text into it.
struct LoadColumn {
  std::string name;
  GenericType type = GenericType::String;
  bool cast_from_text = false;
};

// Receives rows for one table, fast: the DuckDB adapter appends through DuckDB's appender,
// others batch multi-row INSERTs. Values arrive as text already checked against the column's
// type (seeds infer types from every value), NULLs flagged apart. Appended rows belong to the
// connection's open transaction, if any. Destroying an appender without finish() discards what
// it has buffered.
class RowAppender {
 public:
  virtual ~RowAppender() = default;
  // One field per column; `is_null[i]` marks NULLs (their text is ignored).
  virtual void append(const std::vector<std::string_view>& fields,
                      const std::vector<bool>& is_null) = 0;
  // Writes what is buffered; returns the rows appended in all.
  virtual int64_t finish() = 0;
};

// One session with the warehouse. A connection is used by one thread at a time; cancel() may be
// called from any thread to stop the statement running on it.
class Connection {
 public:
  virtual ~Connection() = default;

  virtual AdapterResponse execute(std::string_view sql) = 0;
  virtual QueryResult query(std::string_view sql) = 0;
  virtual void begin() = 0;
  virtual void commit() = 0;
  virtual void rollback() = 0;
  virtual void cancel() = 0;

  virtual std::vector<std::string> list_schemas(std::string_view database) = 0;
  virtual std::vector<RelationRef> list_relations(std::string_view database,
                                                  std::string_view schema) = 0;
  virtual std::vector<ColumnInfo> get_columns(const RelationRef& relation) = 0;

  // Bulk load into an existing table whose columns are `columns`, in order; `rendered` is the
  // relation as SQL names it. The default sends multi-row INSERT statements (literals in
  // standard SQL); adapters override it with their native bulk path.
  virtual std::unique_ptr<RowAppender> open_appender(const RelationRef& relation,
                                                     const std::string& rendered,
                                                     const std::vector<LoadColumn>& columns);
};

// The generic bulk load: `insert into <rendered> values (...), (...)` with `batch_rows` rows per
// statement, run on `connection`. Numbers and booleans go as literals, everything else as quoted
// strings that the warehouse casts to the column's type.
std::unique_ptr<RowAppender> make_insert_appender(Connection& connection, std::string rendered,
                                                  std::vector<LoadColumn> columns,
                                                  size_t batch_rows = 1000);

// A warehouse: how to connect, quote and spell types. One Adapter per process and target;
// connections are opened per worker thread.
class Adapter {
 public:
  virtual ~Adapter() = default;

  virtual std::string type() const = 0;
  // The database name relations default to (dbt's target.database).
  virtual std::string default_database() const = 0;
  virtual std::string default_schema() const = 0;
  virtual std::unique_ptr<Connection> open_connection() = 0;

  virtual std::string quote(std::string_view identifier) const = 0;
  virtual std::string type_name(GenericType type) const = 0;
  // "database.schema.identifier" with each part quoted, leaving out empty parts.
  std::string render_relation(const RelationRef& relation) const;
  // A human description of the connection target for `kiln debug` (never contains secrets).
  virtual std::vector<std::pair<std::string, std::string>> describe() const = 0;
  virtual std::string version() const = 0;
};

// Builds the adapter a target names. Throws KilnError(Profile) for an unknown type or a bad
// field, naming profiles.yml's line.
std::unique_ptr<Adapter> make_adapter(const Target& target);
std::vector<std::string> supported_adapter_types();

}  // namespace kiln
