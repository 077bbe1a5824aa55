#include "runner/relation_cache.h"

#include <gtest/gtest.h>

namespace kiln {
namespace {

struct CountingLister {
  int calls = 0;
  std::vector<RelationRef> relations;
  RelationCache::Lister lister() {
    return [this](const std::string& database, const std::string& schema) {
      ++calls;
      std::vector<RelationRef> in_schema;
      for (const RelationRef& relation : relations) {
        if (relation.database == database && relation.schema == schema)
          in_schema.push_back(relation);
      }
      return in_schema;
    };
  }
};

TEST(RelationCacheTest, ListsEachSchemaOnceAndMatchesIgnoringCase) {
  RelationCache cache;
  CountingLister list;
  list.relations = {{"dev", "main", "Orders", RelationType::Table}};
  auto found = cache.find("dev", "main", "orders", list.lister());
  ASSERT_TRUE(found);
  EXPECT_EQ(found->identifier, "Orders");
  EXPECT_EQ(found->type, RelationType::Table);
  EXPECT_FALSE(cache.find("DEV", "MAIN", "customers", list.lister()));
  EXPECT_EQ(list.calls, 1);
  EXPECT_FALSE(cache.find("dev", "staging", "orders", list.lister()));
  EXPECT_EQ(list.calls, 2);
  EXPECT_EQ(cache.listings(), 2u);
}

TEST(RelationCacheTest, OwnDdlKeepsTheCacheCurrentWithoutListingAgain) {
  RelationCache cache;
  CountingLister list;
  list.relations = {{"dev", "main", "old", RelationType::View}};
  ASSERT_TRUE(cache.find("dev", "main", "old", list.lister()));
  cache.add({"dev", "main", "fresh__kiln_tmp", RelationType::Table});
  cache.rename({"dev", "main", "fresh__kiln_tmp", RelationType::Unknown},
               {"dev", "main", "fresh", RelationType::Unknown});
  cache.drop({"dev", "main", "old", RelationType::View});
  auto fresh = cache.find("dev", "main", "fresh", list.lister());
  ASSERT_TRUE(fresh);
  EXPECT_EQ(fresh->type, RelationType::Table);  // kept from the relation renamed
  EXPECT_FALSE(cache.find("dev", "main", "fresh__kiln_tmp", list.lister()));
  EXPECT_FALSE(cache.find("dev", "main", "old", list.lister()));
  EXPECT_EQ(list.calls, 1);
}

TEST(RelationCacheTest, AForgottenSchemaIsListedAgain) {
  RelationCache cache;
  CountingLister list;
  cache.find("dev", "main", "x", list.lister());
  cache.forget_schema("dev", "main");
  list.relations = {{"dev", "main", "x", RelationType::Table}};
  EXPECT_TRUE(cache.find("dev", "main", "x", list.lister()));
  EXPECT_EQ(list.calls, 2);
}

}  // namespace
}  // namespace kiln
