#include "parser/block_extractor.h"

#include <gtest/gtest.h>

namespace kiln {
namespace {

const std::vector<std::string> kTypes = {"macro", "test", "materialization", "snapshot", "docs"};

TEST(BlockExtractorTest, FindsTopLevelBlocksWithNamesAndArguments) {
  std::string text =
      "-- header\n"
      "{% macro cents(col, scale=2) -%}\n  {{ col }} / 100\n{%- endmacro %}\n"
      "{# {% macro commented() %}{% endmacro %} #}\n"
      "{% test is_even(model, column_name) %}select 1{% endtest %}\n"
      "{% materialization table, adapter='duckdb' %}{{ return({'relations': []}) }}{% "
      "endmaterialization %}\n";
  auto blocks = extract_blocks(text, "macros/m.sql", kTypes);
  ASSERT_EQ(blocks.size(), 3u);
  EXPECT_EQ(blocks[0].type, "macro");
  EXPECT_EQ(blocks[0].name, "cents");
  EXPECT_EQ(blocks[0].arguments, "(col, scale=2)");
  EXPECT_EQ(blocks[0].line, 2);
  EXPECT_EQ(blocks[0].full_text,
            "{% macro cents(col, scale=2) -%}\n  {{ col }} / 100\n{%- endmacro %}");
  EXPECT_EQ(blocks[0].contents, "\n  {{ col }} / 100\n");
  EXPECT_EQ(blocks[1].name, "is_even");
  EXPECT_EQ(blocks[2].type, "materialization");
  EXPECT_EQ(blocks[2].arguments, ", adapter='duckdb'");
}

TEST(BlockExtractorTest, RawBlocksAndQuotedPercentBracesAreNotTags) {
  std::string text = "{% macro m() %}{% raw %}{% endmacro %}{% endraw %}select '%}' {% endmacro %}";
  auto blocks = extract_blocks(text, "m.sql", kTypes);
  ASSERT_EQ(blocks.size(), 1u);
  EXPECT_EQ(blocks[0].contents, "{% raw %}{% endmacro %}{% endraw %}select '%}' ");
}

TEST(BlockExtractorTest, UnclosedBlockNamesLineAndColumn) {
  try {
    extract_blocks("\n\n  {% macro broken() %}\nselect 1\n", "macros/b.sql", kTypes);
    FAIL();
  } catch (const KilnError& e) {
    EXPECT_EQ(e.message(), "{% macro %} block is never closed");
    EXPECT_EQ(e.location().to_string(), "macros/b.sql:3:3");
    EXPECT_EQ(e.hint(), "add {% endmacro %} after its body");
  }
}

TEST(BlockExtractorTest, StrayEndTagAndUnclosedTag) {
  EXPECT_THROW(extract_blocks("select 1 {% endmacro %}", "x.sql", kTypes), KilnError);
  try {
    extract_blocks("{% macro m() %}\n{% if x }\n{% endmacro %}", "x.sql", kTypes);
    FAIL();
  } catch (const KilnError& e) {
    // The unterminated `{% if x }` swallows the rest: reported where the block opened.
    EXPECT_EQ(e.location().line, 1);
  }
}

TEST(BlockExtractorTest, SnapshotAndDocsBlocks) {
  auto blocks = extract_blocks(
      "{% snapshot orders_snapshot %}\nselect 1\n{% endsnapshot %}\n{% docs status %}Text{% "
      "enddocs %}",
      "s.sql", kTypes);
  ASSERT_EQ(blocks.size(), 2u);
  EXPECT_EQ(blocks[0].name, "orders_snapshot");
  EXPECT_EQ(blocks[1].type, "docs");
  EXPECT_EQ(blocks[1].contents, "Text");
}

}  // namespace
}  // namespace kiln
