#include "runner/connection_session.h"

#include <gtest/gtest.h>

#include "project/profile.h"

namespace kiln {
namespace {

std::unique_ptr<Adapter> memory_duckdb() {
  Target target;
  target.name = "dev";
  target.type = "duckdb";
  target.fields = Data::map({{"type", Data::string("duckdb")}});
  return make_adapter(target);
}

TEST(ConnectionSessionTest, DdlUpdatesTheCacheAndIsRecorded) {
  auto adapter = memory_duckdb();
  auto connection = adapter->open_connection();
  RelationCache cache;
  ConnectionSession session(*adapter, *connection, cache);
  session.execute("create table main.t__kiln_tmp as select 1 as id", false, true);
  EXPECT_TRUE(session.in_transaction());
  // Listed inside the transaction, so the new table is seen.
  auto tmp = session.get_relation("memory", "main", "t__kiln_tmp");
  ASSERT_TRUE(tmp);
  session.rename_relation(*tmp, {"memory", "main", "t", RelationType::Unknown});
  session.commit();
  EXPECT_FALSE(session.in_transaction());
  auto renamed = session.get_relation("memory", "main", "t");
  ASSERT_TRUE(renamed);
  EXPECT_EQ(renamed->type, RelationType::Table);
  EXPECT_EQ(cache.listings(), 1u);
  EXPECT_EQ(connection->query("select id from main.t").table.rows.size(), 1u);
  session.drop_relation(*renamed);
  EXPECT_FALSE(session.get_relation("memory", "main", "t"));
  std::vector<std::string> statements = session.take_statements();
  ASSERT_EQ(statements.size(), 3u);
  EXPECT_EQ(statements[1], "alter table \"memory\".\"main\".\"t__kiln_tmp\" rename to \"t\"");
  EXPECT_EQ(statements[2], "drop table if exists \"memory\".\"main\".\"t\"");
}

TEST(ConnectionSessionTest, RollbackUndoesTheTransactionAndRemembersTheDatabaseError) {
  auto adapter = memory_duckdb();
  auto connection = adapter->open_connection();
  RelationCache cache;
  ConnectionSession session(*adapter, *connection, cache);
  session.execute("create table main.kept as select 1 as id", false, false);
  session.execute("drop table main.kept", false, true);
  EXPECT_THROW(session.execute("select * from nowhere", false, true), KilnError);
  EXPECT_NE(session.last_database_error().find("nowhere"), std::string::npos);
  session.rollback();
  EXPECT_EQ(connection->query("select * from main.kept").table.rows.size(), 1u);
}

}  // namespace
}  // namespace kiln
