#include "seeds/csv_reader.h"

#include <gtest/gtest.h>

#include "common/error.h"
#include "seeds/seed_file.h"

namespace kiln {
namespace {

std::vector<std::vector<std::string>> read_all(std::string_view text, char delimiter = ',') {
  CsvReader reader(text, "seeds/t.csv", delimiter);
  std::vector<std::vector<std::string>> records;
  std::vector<std::string_view> fields;
  while (reader.next_record(fields)) records.emplace_back(fields.begin(), fields.end());
  return records;
}

using Records = std::vector<std::vector<std::string>>;

TEST(CsvReader, PlainFieldsAndLineEnds) {
  EXPECT_EQ(read_all("a,b\n1,2\r\n3,4\r5,6"),
            (Records{{"a", "b"}, {"1", "2"}, {"3", "4"}, {"5", "6"}}));
}

TEST(CsvReader, QuotedFieldsWithDelimitersQuotesAndNewlines) {
  EXPECT_EQ(read_all("name,note\n\"Smith, J\",\"said \"\"hi\"\"\nthen left\"\nx,\"\"\n"),
            (Records{{"name", "note"}, {"Smith, J", "said \"hi\"\nthen left"}, {"x", ""}}));
}

TEST(CsvReader, ViewsStayValidAcrossQuotedFieldsOfOneRecord) {
  auto records =
      read_all("\"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\",\"bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb\"\n");
  ASSERT_EQ(records.size(), 1u);
  EXPECT_EQ(records[0][0], std::string(31, 'a'));
  EXPECT_EQ(records[0][1], std::string(31, 'b'));
}

TEST(CsvReader, ByteOrderMarkAndBlankLinesAreSkipped) {
  EXPECT_EQ(read_all("\xEF\xBB\xBFid\n\n1\n\n"), (Records{{"id"}, {"1"}}));
}

TEST(CsvReader, OtherDelimiter) {
  EXPECT_EQ(read_all("a|b\n1,5|2\n", '|'), (Records{{"a", "b"}, {"1,5", "2"}}));
}

TEST(CsvReader, EmptyTrailingFieldIsKept) {
  EXPECT_EQ(read_all("a,b\n1,\n"), (Records{{"a", "b"}, {"1", ""}}));
}

TEST(CsvReader, UnclosedQuoteNamesTheRowAndLine) {
  try {
    read_all("id,name\n1,ok\n2,\"never closed\n3,x\n");
    FAIL() << "expected an error";
  } catch (const KilnError& error) {
    EXPECT_EQ(error.message(), "seeds/t.csv: row 3 has a quoted field that is never closed");
    EXPECT_EQ(error.location().line, 3);
  }
}

TEST(SeedFile, TooManyFieldsNamesTheRow) {
  try {
    read_seed_schema("id,name\n1,a\n2,b,extra\n", "seeds/people.csv", {});
    FAIL() << "expected an error";
  } catch (const KilnError& error) {
    EXPECT_EQ(error.message(),
              "seeds/people.csv: row 3 has 3 fields, but the header names 2 columns");
    EXPECT_EQ(error.location().line, 3);
  }
}

TEST(SeedFile, HeaderProblemsAreErrors) {
  EXPECT_THROW(read_seed_schema("", "s.csv", {}), KilnError);
  EXPECT_THROW(read_seed_schema("id,,name\n", "s.csv", {}), KilnError);
  try {
    read_seed_schema("id,id\n1,2\n", "s.csv", {});
    FAIL() << "expected an error";
  } catch (const KilnError& error) {
    EXPECT_EQ(error.message(), "s.csv: row 1 (the header) names column 'id' twice");
  }
}

TEST(SeedFile, SchemaInfersTypesAndHonoursColumnTypes) {
  SeedReadOptions options;
  options.column_types["zip"] = "varchar(5)";
  SeedSchema schema = read_seed_schema(
      "id,price,day,at,flag,zip,name,empty\n"
      "1,1.5,2024-01-31,2024-01-31 10:00:00,true,01234,ann,\n"
      "2,2,2024-2-29,2024-02-29T10:00:00Z,False,99999,,null\n",
      "s.csv", options);
  ASSERT_EQ(schema.columns.size(), 8u);
  EXPECT_EQ(schema.rows, 2u);
  EXPECT_EQ(schema.columns[0].type, SeedType::Integer);
  EXPECT_EQ(schema.columns[1].type, SeedType::Number);
  EXPECT_EQ(schema.columns[2].type, SeedType::Date);
  EXPECT_EQ(schema.columns[3].type, SeedType::Timestamp);
  EXPECT_EQ(schema.columns[4].type, SeedType::Boolean);
  EXPECT_EQ(schema.columns[5].sql_type, "varchar(5)");
  EXPECT_EQ(schema.columns[6].type, SeedType::Text);
  EXPECT_EQ(schema.columns[7].type, SeedType::Integer);  // only nulls, as agate decides
}

TEST(SeedFile, RowsArePaddedAndNullsMarked) {
  std::vector<std::vector<std::string>> rows;
  std::vector<std::vector<bool>> nulls;
  for_each_seed_row(
      "a,b,c\n1,,NULL\n2\n", "s.csv", {}, 3,
      [&](const std::vector<std::string_view>& fields, const std::vector<bool>& is_null) {
        rows.emplace_back(fields.begin(), fields.end());
        nulls.push_back(is_null);
      });
  EXPECT_EQ(rows, (Records{{"1", "", "NULL"}, {"2", "", ""}}));
  EXPECT_EQ(nulls, (std::vector<std::vector<bool>>{{false, true, true}, {false, true, true}}));
}

}  // namespace
}  // namespace kiln
