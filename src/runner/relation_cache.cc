#include "runner/relation_cache.h"

#include "common/strings.h"

namespace kiln {

RelationCache::SchemaKey RelationCache::key_of(const std::string& database,
                                               const std::string& schema) {
  return {to_lower(database), to_lower(schema)};
}

std::optional<RelationRef> RelationCache::find(const std::string& database,
                                               const std::string& schema,
                                               const std::string& identifier, const Lister& list) {
  std::lock_guard lock(mutex_);
  Schema& entry = schemas_[key_of(database, schema)];
  if (!entry.listed) {
    // Listed under the lock: two workers asking about the same new schema list it once.
    for (const RelationRef& relation : list(database, schema)) {
      entry.relations.emplace(to_lower(relation.identifier), relation);
    }
    entry.listed = true;
    ++listings_;
  }
  auto found = entry.relations.find(to_lower(identifier));
  if (found == entry.relations.end()) return std::nullopt;
  return found->second;
}

void RelationCache::add(const RelationRef& relation) {
  std::lock_guard lock(mutex_);
  schemas_[key_of(relation.database, relation.schema)].relations[to_lower(relation.identifier)] =
      relation;
}

void RelationCache::drop(const RelationRef& relation) {
  std::lock_guard lock(mutex_);
  auto schema = schemas_.find(key_of(relation.database, relation.schema));
  if (schema != schemas_.end()) schema->second.relations.erase(to_lower(relation.identifier));
}

void RelationCache::rename(const RelationRef& from, const RelationRef& to) {
  RelationRef renamed = to;
  {
    std::lock_guard lock(mutex_);
    auto schema = schemas_.find(key_of(from.database, from.schema));
    if (schema != schemas_.end()) {
      auto found = schema->second.relations.find(to_lower(from.identifier));
      if (found != schema->second.relations.end()) {
        if (renamed.type == RelationType::Unknown) renamed.type = found->second.type;
        schema->second.relations.erase(found);
      }
    }
  }
  if (renamed.type == RelationType::Unknown) renamed.type = from.type;
  add(renamed);
}

void RelationCache::forget_schema(const std::string& database, const std::string& schema) {
  std::lock_guard lock(mutex_);
  schemas_.erase(key_of(database, schema));
}

}  // namespace kiln
