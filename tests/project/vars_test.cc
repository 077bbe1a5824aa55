#include "project/vars.h"

#include <gtest/gtest.h>

namespace kiln {
namespace {

TEST(VarsTest, YamlAndJsonMappings) {
  EXPECT_EQ(parse_cli_vars("{start: 2024-01-01, full: true}").to_json(),
            R"({"start":"2024-01-01","full":true})");
  EXPECT_EQ(parse_cli_vars(R"({"n": 3, "l": [1, "a"]})").to_json(), R"({"n":3,"l":[1,"a"]})");
  EXPECT_EQ(parse_cli_vars("key: value").to_json(), R"({"key":"value"})");
  EXPECT_EQ(parse_cli_vars("  ").to_json(), "{}");
}

TEST(VarsTest, NonMappingAndBadYamlAreUsageErrors) {
  try {
    parse_cli_vars("[1, 2]");
    FAIL();
  } catch (const KilnError& e) {
    EXPECT_EQ(e.kind(), ErrorKind::Usage);
    EXPECT_EQ(e.message(), "--vars must be a mapping of names to values, found a list");
  }
  try {
    parse_cli_vars("{a: [1, 2}");
    FAIL();
  } catch (const KilnError& e) {
    EXPECT_EQ(e.kind(), ErrorKind::Usage);
    EXPECT_NE(e.message().find("--vars is not valid YAML"), std::string::npos);
  }
}

}  // namespace
}  // namespace kiln
