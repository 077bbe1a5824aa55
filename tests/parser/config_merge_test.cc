#include "parser/config_merge.h"

#include <gtest/gtest.h>

#include "project/yaml_reader.h"

namespace kiln {
namespace {

Data yaml(const std::string& text) {
  return parse_yaml(text, "t.yml");
}

TEST(ConfigMergeTest, TagsAndHooksAppendMetaUpdatesOthersReplace) {
  Data base = yaml("{tags: [a], meta: {x: 1, y: 1}, materialized: view, pre-hook: [one]}");
  merge_config(base, yaml("{+tags: [b, a], meta: {y: 2}, +materialized: table, pre_hook: two}"));
  EXPECT_EQ(
      base.to_json(),
      R"({"tags":["a","b"],"meta":{"x":1,"y":2},"materialized":"table","pre-hook":["one","two"]})");
}

TEST(ConfigMergeTest, ProjectTreeAppliesAlongTheFqn) {
  Data tree = yaml(
      "shop:\n"
      "  +materialized: view\n"
      "  tags: [shop]\n"
      "  marts:\n"
      "    +materialized: table\n"
      "    +tags: [marts]\n"
      "    finance:\n"
      "      schema: finance\n"
      "      revenue:\n"
      "        +enabled: false\n"
      "other:\n"
      "  +materialized: ephemeral\n");
  EXPECT_EQ(project_config_for(tree, {"shop", "staging", "stg_orders"}).to_json(),
            R"({"materialized":"view","tags":["shop"]})");
  EXPECT_EQ(
      project_config_for(tree, {"shop", "marts", "finance", "revenue"}).to_json(),
      R"({"materialized":"table","tags":["shop","marts"],"schema":"finance","enabled":false})");
  EXPECT_EQ(project_config_for(tree, {"other", "x"}).to_json(), R"({"materialized":"ephemeral"})");
  EXPECT_EQ(project_config_for(tree, {"unknown", "x"}).to_json(), "{}");
}

}  // namespace
}  // namespace kiln
