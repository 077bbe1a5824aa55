#include "common/strings.h"

#include <gtest/gtest.h>

namespace kiln {
namespace {

TEST(StringsTest, TrimSplitJoin) {
  EXPECT_EQ(trim("  a b \n"), "a b");
  EXPECT_EQ(split("a,,b", ','), (std::vector<std::string>{"a", "", "b"}));
  EXPECT_EQ(join({"x", "y"}, ", "), "x, y");
}

TEST(StringsTest, ContainsJinja) {
  EXPECT_TRUE(contains_jinja("{{ env_var('X') }}"));
  EXPECT_TRUE(contains_jinja("{% if x %}"));
  EXPECT_FALSE(contains_jinja("plain { text }"));
}

TEST(StringsTest, ClosestMatchSuggestsTyposOnly) {
  std::vector<std::string> names = {"dev", "prod", "staging"};
  EXPECT_EQ(closest_match("prdo", names), "prod");
  EXPECT_EQ(closest_match("stagign", names), "staging");
  EXPECT_EQ(closest_match("warehouse", names), "");
  EXPECT_EQ(edit_distance("kitten", "sitting"), 3u);
}

}  // namespace
}  // namespace kiln
