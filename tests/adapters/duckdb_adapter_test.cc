#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "adapters/adapter.h"
#include "project/profile.h"
#include "support/temp_dir.h"

namespace kiln {
namespace {

using kiln::testing::TempDir;

Target duckdb_target(Data::Map extra = {}) {
  Target target;
  target.name = "dev";
  target.type = "duckdb";
  Data fields = Data::map({{"type", Data::string("duckdb")}});
  for (auto& [key, value] : extra) fields.set(key, value);
  target.fields = fields;
  return target;
}

TEST(DuckDbAdapterTest, DefaultsToInMemoryMainSchema) {
  auto adapter = make_adapter(duckdb_target());
  EXPECT_EQ(adapter->type(), "duckdb");
  EXPECT_EQ(adapter->default_schema(), "main");
  EXPECT_EQ(adapter->default_database(), "memory");
  EXPECT_EQ(adapter->version(), "v1.4.4");
}

TEST(DuckDbAdapterTest, QueryReturnsTypedCells) {
  auto adapter = make_adapter(duckdb_target());
  auto connection = adapter->open_connection();
  QueryResult result = connection->query(
      "select 42 as i, 2.5::double as d, 'x''y' as s, true as b, null::integer as n, "
      "12.345::decimal(10,3) as dec, date '2024-02-29' as dt, 9223372036854775807 as big");
  ASSERT_EQ(result.table.rows.size(), 1u);
  const auto& row = result.table.rows[0];
  EXPECT_EQ(std::get<int64_t>(row[0]), 42);
  EXPECT_DOUBLE_EQ(std::get<double>(row[1]), 2.5);
  EXPECT_EQ(std::get<std::string>(row[2]), "x'y");
  EXPECT_EQ(std::get<bool>(row[3]), true);
  EXPECT_TRUE(std::holds_alternative<std::monostate>(row[4]));
  EXPECT_EQ(std::get<std::string>(row[5]), "12.345");
  EXPECT_EQ(std::get<std::string>(row[6]), "2024-02-29");
  EXPECT_EQ(std::get<int64_t>(row[7]), 9223372036854775807LL);
  EXPECT_EQ(result.table.columns[5].type, "DECIMAL(10,3)");
  EXPECT_EQ(result.table.columns[2].name, "s");
  EXPECT_EQ(result.table.column_index("dt"), 6u);
  EXPECT_EQ(result.response.code, "SELECT");
}

TEST(DuckDbAdapterTest, ExecuteReportsRowsAffected) {
  auto adapter = make_adapter(duckdb_target());
  auto connection = adapter->open_connection();
  connection->execute("create table t (id integer)");
  AdapterResponse insert = connection->execute("insert into t select * from range(5)");
  EXPECT_EQ(insert.code, "INSERT");
  EXPECT_EQ(insert.rows_affected, 5);
  AdapterResponse update = connection->execute("update t set id = id + 1 where id < 2");
  EXPECT_EQ(update.rows_affected, 2);
}

TEST(DuckDbAdapterTest, ErrorsBecomeDatabaseErrors) {
  auto adapter = make_adapter(duckdb_target());
  auto connection = adapter->open_connection();
  try {
    connection->query("select * from missing_table");
    FAIL();
  } catch (const KilnError& e) {
    EXPECT_EQ(e.kind(), ErrorKind::Database);
    EXPECT_NE(e.message().find("missing_table"), std::string::npos);
  }
}

TEST(DuckDbAdapterTest, RollbackLeavesTablesAsTheyWere) {
  auto adapter = make_adapter(duckdb_target());
  auto connection = adapter->open_connection();
  connection->execute("create table kept (id integer)");
  connection->execute("insert into kept values (1)");
  connection->begin();
  connection->execute("drop table kept");
  connection->execute("create table kept (other varchar)");
  connection->rollback();
  QueryResult result = connection->query("select id from kept");
  ASSERT_EQ(result.table.rows.size(), 1u);
  EXPECT_EQ(std::get<int64_t>(result.table.rows[0][0]), 1);
}

TEST(DuckDbAdapterTest, IntrospectionListsSchemasRelationsColumns) {
  auto adapter = make_adapter(duckdb_target());
  auto connection = adapter->open_connection();
  connection->execute("create schema analytics");
  connection->execute("create table analytics.orders (id integer, amount decimal(10,2))");
  connection->execute("create view analytics.big_orders as select * from analytics.orders");
  std::string db = adapter->default_database();
  auto schemas = connection->list_schemas(db);
  EXPECT_NE(std::find(schemas.begin(), schemas.end(), "analytics"), schemas.end());
  auto relations = connection->list_relations(db, "analytics");
  ASSERT_EQ(relations.size(), 2u);
  EXPECT_EQ(relations[0].identifier, "big_orders");
  EXPECT_EQ(relations[0].type, RelationType::View);
  EXPECT_EQ(relations[1].identifier, "orders");
  EXPECT_EQ(relations[1].type, RelationType::Table);
  auto columns = connection->get_columns({db, "analytics", "orders", RelationType::Table});
  ASSERT_EQ(columns.size(), 2u);
  EXPECT_EQ(columns[0].name, "id");
  EXPECT_EQ(columns[0].data_type, "INTEGER");
  EXPECT_EQ(columns[1].data_type, "DECIMAL(10,2)");
}

TEST(DuckDbAdapterTest, ConnectionsShareOneDatabase) {
  auto adapter = make_adapter(duckdb_target());
  auto first = adapter->open_connection();
  auto second = adapter->open_connection();
  first->execute("create table shared_t as select 7 as v");
  QueryResult result = second->query("select v from shared_t");
  EXPECT_EQ(std::get<int64_t>(result.table.rows[0][0]), 7);
}

TEST(DuckDbAdapterTest, QuotingAndRelationRendering) {
  auto adapter = make_adapter(duckdb_target());
  EXPECT_EQ(adapter->quote("my \"odd\" name"), "\"my \"\"odd\"\" name\"");
  EXPECT_EQ(adapter->render_relation({"", "main", "orders", RelationType::Table}),
            "\"main\".\"orders\"");
  EXPECT_EQ(adapter->type_name(GenericType::String), "VARCHAR");
  auto connection = adapter->open_connection();
  connection->execute("create table " + adapter->quote("Order Lines") + " as select 1 as x");
  EXPECT_EQ(connection->query("select x from \"Order Lines\"").table.rows.size(), 1u);
}

TEST(DuckDbAdapterTest, CancelStopsARunningStatement) {
  auto adapter = make_adapter(duckdb_target());
  auto connection = adapter->open_connection();
  std::atomic<bool> finished{false};
  std::string error;
  std::thread worker([&] {
    try {
      connection->query("select count(*) from range(10000000000) a, range(1000) b");
    } catch (const KilnError& e) {
      error = e.message();
    }
    finished = true;
  });
  // Interrupting before the statement starts is a no-op, so keep asking until it ends.
  while (!finished) {
    connection->cancel();
    std::this_thread::yield();
  }
  worker.join();
  EXPECT_NE(error.find("cancelled"), std::string::npos) << error;
}

TEST(DuckDbAdapterTest, FileDatabaseSettingsAndAttach) {
  TempDir dir;
  std::string other = (dir.path() / "other.duckdb").string();
  {
    auto setup = make_adapter(duckdb_target({{"path", Data::string(other)}}));
    setup->open_connection()->execute("create table lookup as select 1 as id");
  }
  std::string main_path = (dir.path() / "warehouse.duckdb").string();
  Data attach = Data::list({Data::map({{"path", Data::string(other)},
                                       {"alias", Data::string("ref_db")},
                                       {"read_only", Data::boolean(true)}})});
  auto adapter =
      make_adapter(duckdb_target({{"path", Data::string(main_path)},
                                  {"schema", Data::string("analytics")},
                                  {"settings", Data::map({{"threads", Data::integer(1)}})},
                                  {"extensions", Data::list({Data::string("json")})},
                                  {"attach", attach}}));
  EXPECT_EQ(adapter->default_database(), "warehouse");
  EXPECT_EQ(adapter->default_schema(), "analytics");
  auto connection = adapter->open_connection();
  EXPECT_EQ(cell_text(connection->query("select current_database()").table.rows[0][0]),
            "warehouse");
  EXPECT_EQ(cell_text(connection->query("select current_setting('threads')").table.rows[0][0]),
            "1");
  EXPECT_EQ(cell_text(connection->query("select id from ref_db.lookup").table.rows[0][0]), "1");
  EXPECT_THROW(connection->execute("insert into ref_db.lookup values (2)"), KilnError);
  EXPECT_EQ(
      cell_text(connection->query("select json_extract('{\"a\": 5}', '$.a')").table.rows[0][0]),
      "5");
}

TEST(DuckDbAdapterTest, UnknownSettingNamesTheSetting) {
  Target target = duckdb_target({{"settings", Data::map({{"no_such_option", Data::string("1")}})}});
  auto adapter = make_adapter(target);
  try {
    adapter->open_connection();
    FAIL();
  } catch (const KilnError& e) {
    EXPECT_EQ(e.kind(), ErrorKind::Profile);
    EXPECT_NE(e.message().find("no_such_option"), std::string::npos);
  }
}

TEST(DuckDbAdapterTest, UnreachablePathIsAConnectionError) {
  auto adapter =
      make_adapter(duckdb_target({{"path", Data::string("/nonexistent-dir/sub/db.duckdb")}}));
  try {
    adapter->open_connection();
    FAIL();
  } catch (const KilnError& e) {
    EXPECT_EQ(e.kind(), ErrorKind::Connection);
    EXPECT_NE(e.message().find("could not open DuckDB database"), std::string::npos);
    EXPECT_FALSE(e.hint().empty());
  }
  // The failure is remembered, not retried into a crash.
  EXPECT_THROW(adapter->open_connection(), KilnError);
}

TEST(DuckDbAdapterTest, MissingExtensionIsExplainedWithoutDownloading) {
  auto adapter =
      make_adapter(duckdb_target({{"extensions", Data::list({Data::string("spatial")})}}));
  try {
    adapter->open_connection();
    FAIL();
  } catch (const KilnError& e) {
    EXPECT_NE(e.message().find("extension 'spatial' could not be loaded"), std::string::npos);
    EXPECT_NE(e.hint().find("does not download"), std::string::npos);
  }
}

TEST(AdapterFactoryTest, UnknownTypeListsSupported) {
  Target target = duckdb_target();
  target.type = "snowflake";
  try {
    make_adapter(target);
    FAIL();
  } catch (const KilnError& e) {
    EXPECT_EQ(e.message(), "unknown adapter type 'snowflake' in target 'dev'");
    EXPECT_NE(e.hint().find("duckdb"), std::string::npos);
  }
}

}  // namespace
}  // namespace kiln
