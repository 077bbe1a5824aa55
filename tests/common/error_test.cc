#include "common/error.h"

#include <gtest/gtest.h>

namespace kiln {
namespace {

TEST(KilnErrorTest, RendersLocationExcerptCaretAndHint) {
  KilnError error(ErrorKind::Project, "'name' must be a string", {"dbt_project.yml", 2, 7},
                  "write name: my_project");
  error.with_source("version: 1\nname: [a, b]\nprofile: x\n");
  EXPECT_EQ(error.render(),
            "dbt_project.yml:2:7: 'name' must be a string\n"
            "    2 | name: [a, b]\n"
            "      |       ^\n"
            "  hint: write name: my_project");
}

TEST(KilnErrorTest, WithoutLocationOnlyMessageAndHint) {
  KilnError error(ErrorKind::Usage, "bad flag", {}, "try --help");
  EXPECT_EQ(error.render(), "bad flag\n  hint: try --help");
}

TEST(KilnErrorTest, FileWithoutLineHasNoExcerpt) {
  KilnError error(ErrorKind::Profile, "profile missing", {"profiles.yml"});
  error.with_source("a: 1\n");
  EXPECT_EQ(error.render(), "profiles.yml: profile missing");
}

TEST(KilnErrorTest, CaretKeepsTabsAligned) {
  KilnError error(ErrorKind::Yaml, "oops", {"f.yml", 1, 3});
  error.with_source("\tx: y");
  EXPECT_EQ(error.render(), "f.yml:1:3: oops\n    1 | \tx: y\n      | \t ^");
}

TEST(LineOfTest, FindsLinesAndStripsCarriageReturn) {
  EXPECT_EQ(line_of("a\r\nb\nc", 1), "a");
  EXPECT_EQ(line_of("a\r\nb\nc", 3), "c");
  EXPECT_EQ(line_of("a\nb", 4), "");
  EXPECT_EQ(line_of("a", 0), "");
}

}  // namespace
}  // namespace kiln
