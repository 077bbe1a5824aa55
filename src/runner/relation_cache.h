#pragma once

#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "common/query_result.h"

namespace kiln {

// What the warehouse holds, as far as this run knows: each schema is listed the first time a
// template asks about it and then kept current by the DDL kiln itself runs (creates, renames,
// drops), so building a model costs no extra introspection round trips. Names match ignoring
// case, as DuckDB's identifiers do. Thread-safe: all workers share one cache.
class RelationCache {
 public:
  // Lists one schema; called at most once per schema unless the schema is forgotten.
  using Lister = std::function<std::vector<RelationRef>(const std::string& database,
                                                        const std::string& schema)>;

  std::optional<RelationRef> find(const std::string& database, const std::string& schema,
                                  const std::string& identifier, const Lister& list);
  void add(const RelationRef& relation);
  void drop(const RelationRef& relation);
  void rename(const RelationRef& from, const RelationRef& to);
  // After a failed build whose transaction was rolled back, what the cache recorded for the
  // schema may be wrong; it is listed again when next asked.
  void forget_schema(const std::string& database, const std::string& schema);

  size_t listings() const { return listings_; }

 private:
  using SchemaKey = std::pair<std::string, std::string>;  // lowered database, schema
  struct Schema {
    bool listed = false;
    std::map<std::string, RelationRef> relations;  // lowered identifier -> relation
  };
  static SchemaKey key_of(const std::string& database, const std::string& schema);

  std::mutex mutex_;
  std::map<SchemaKey, Schema> schemas_;
  size_t listings_ = 0;
};

}  // namespace kiln
