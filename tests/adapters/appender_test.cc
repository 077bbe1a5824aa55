// Bulk loads through Connection::open_appender: DuckDB's native appender and the generic
// multi-row INSERT fallback must load the same values.
#include <gtest/gtest.h>

#include "adapters/adapter.h"
#include "project/profile.h"

namespace kiln {
namespace {

std::unique_ptr<Adapter> memory_adapter() {
  Target target;
  target.name = "dev";
  target.type = "duckdb";
  target.fields = Data::map({{"type", Data::string("duckdb")}});
  return make_adapter(target);
}

const std::vector<LoadColumn> kColumns = {
    {"i", GenericType::Integer, false}, {"b", GenericType::BigInt, false},
    {"d", GenericType::Float, false},   {"flag", GenericType::Boolean, false},
    {"day", GenericType::Date, false},  {"ts", GenericType::Timestamp, false},
    {"s", GenericType::String, false},  {"price", GenericType::String, true}};

const char* kCreate =
    "create table t (i integer, b bigint, d double, flag boolean, day date, ts timestamp, "
    "s varchar, price decimal(10,2))";

void append_sample(RowAppender& appender) {
  appender.append({" 1", "+9000000000", "1.5e1", "TRUE", "2024-2-9", "2024-02-09T10:11:12Z",
                   " it's, \"x\" ", " 3.14 "},
                  {false, false, false, false, false, false, false, false});
  appender.append({"", "null", "", "", "", "", "", ""},
                  {true, true, true, true, true, true, true, true});
  appender.append({"-7", "-1", ".5", "false", "2000-12-31", "2000-12-31 23:59:59", "", "0"},
                  {false, false, false, false, false, false, false, false});
}

std::string dump(Connection& connection) {
  QueryResult result = connection.query(
      "select i, b, d, flag, day::varchar, ts::varchar, s, price::varchar from t order by "
      "rowid");
  std::string out;
  for (const auto& row : result.table.rows) {
    for (const Cell& cell : row) out += cell_text(cell) + "|";
    out += "\n";
  }
  return out;
}

const char* kExpected =
    "1|9000000000|15|true|2024-02-09|2024-02-09 10:11:12| it's, \"x\" |3.14|\n"
    "||||||||\n"
    "-7|-1|0.5|false|2000-12-31|2000-12-31 23:59:59||0.00|\n";

TEST(AppenderTest, DuckDbAppenderConvertsEveryType) {
  auto adapter = memory_adapter();
  auto connection = adapter->open_connection();
  connection->execute(kCreate);
  auto appender = connection->open_appender({"memory", "main", "t", RelationType::Table},
                                            "\"memory\".\"main\".\"t\"", kColumns);
  append_sample(*appender);
  EXPECT_EQ(appender->finish(), 3);
  EXPECT_EQ(dump(*connection), kExpected);
}

TEST(AppenderTest, InsertFallbackLoadsTheSameValues) {
  auto adapter = memory_adapter();
  auto connection = adapter->open_connection();
  connection->execute(kCreate);
  auto appender = make_insert_appender(*connection, "\"memory\".\"main\".\"t\"", kColumns, 2);
  append_sample(*appender);
  EXPECT_EQ(appender->finish(), 3);
  EXPECT_EQ(dump(*connection), kExpected);
}

TEST(AppenderTest, ManyChunksAndRollback) {
  auto adapter = memory_adapter();
  auto connection = adapter->open_connection();
  connection->execute("create table n (v integer, s varchar)");
  connection->begin();
  {
    auto appender = connection->open_appender(
        {"memory", "main", "n", RelationType::Table}, "n",
        {{"v", GenericType::Integer, false}, {"s", GenericType::String, false}});
    std::string text;
    for (int i = 0; i < 5000; ++i) {
      text = std::to_string(i);
      appender->append({text, text}, {false, i % 3 == 0});
    }
    EXPECT_EQ(appender->finish(), 5000);
  }
  QueryResult inside = connection->query("select count(*), count(s), sum(v) from n");
  EXPECT_EQ(cell_text(inside.table.rows[0][0]), "5000");
  EXPECT_EQ(cell_text(inside.table.rows[0][1]), "3333");
  EXPECT_EQ(cell_text(inside.table.rows[0][2]), "12497500");
  connection->rollback();
  QueryResult after = connection->query("select count(*) from n");
  EXPECT_EQ(cell_text(after.table.rows[0][0]), "0");
}

TEST(AppenderTest, BadCastNamesTheTable) {
  auto adapter = memory_adapter();
  auto connection = adapter->open_connection();
  connection->execute("create table c (price decimal(10,2))");
  auto appender = connection->open_appender({"memory", "main", "c", RelationType::Table}, "c",
                                            {{"price", GenericType::String, true}});
  appender->append({"abc"}, {false});
  try {
    appender->finish();
    FAIL() << "expected an error";
  } catch (const KilnError& error) {
    EXPECT_NE(error.message().find("main.c"), std::string::npos) << error.message();
  }
}

}  // namespace
}  // namespace kiln
