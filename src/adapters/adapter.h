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
};

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
