#include "project/yaml_reader.h"

#include <gtest/gtest.h>

#include <cmath>

#include "common/error.h"
#include "support/temp_dir.h"

namespace kiln {
namespace {

Data parse(const std::string& text) {
  return parse_yaml(text, "t.yml");
}

TEST(ReadTextFileTest, ReadsEmptySmallAndLargeFilesWhole) {
  testing::TempDir dir;
  EXPECT_EQ(read_text_file(dir.write("empty.sql", ""), "empty.sql"), "");
  EXPECT_EQ(read_text_file(dir.write("a.sql", "select 1\r\n"), "a.sql"), "select 1\r\n");
  std::string big(100000, 'x');
  big += "\nend";
  EXPECT_EQ(read_text_file(dir.write("big.sql", big), "big.sql"), big);
}

TEST(ReadTextFileTest, AFolderOrAMissingFileIsAnIoErrorNamingIt) {
  testing::TempDir dir;
  std::filesystem::create_directories(dir.path() / "models" / "folder.sql");
  for (const char* name : {"models/folder.sql", "models/missing.sql"}) {
    try {
      read_text_file(dir.path() / name, name);
      FAIL() << name;
    } catch (const KilnError& error) {
      EXPECT_EQ(error.kind(), ErrorKind::Io);
      EXPECT_NE(error.message().find(name), std::string::npos) << error.message();
    }
  }
}

TEST(YamlReaderTest, PlainScalarsFollowYaml11LikePyYaml) {
  Data d = parse(
      "a: yes\nb: Off\nc: true\nd: 12\ne: 0x1F\nf: 010\ng: 1.5\nh: 1e3\ni: ~\nj: null\n"
      "k: .inf\nl: 1_000\nm: -3\nn: 2024-01-01\no: '12'\np: \"yes\"\nq: .5\nr: 6.02e+23\n");
  EXPECT_TRUE(d.find("a")->as_bool());
  EXPECT_FALSE(d.find("b")->as_bool());
  EXPECT_TRUE(d.find("c")->as_bool());
  EXPECT_EQ(d.find("d")->as_int(), 12);
  EXPECT_EQ(d.find("e")->as_int(), 31);
  EXPECT_EQ(d.find("f")->as_int(), 8);
  EXPECT_DOUBLE_EQ(d.find("g")->as_float(), 1.5);
  // PyYAML needs a dot for a float: 1e3 is a string.
  EXPECT_TRUE(d.find("h")->is_string());
  EXPECT_TRUE(d.find("i")->is_null());
  EXPECT_TRUE(d.find("j")->is_null());
  EXPECT_TRUE(std::isinf(d.find("k")->as_float()));
  EXPECT_EQ(d.find("l")->as_int(), 1000);
  EXPECT_EQ(d.find("m")->as_int(), -3);
  EXPECT_EQ(d.find("n")->as_string(), "2024-01-01");
  EXPECT_EQ(d.find("o")->as_string(), "12");
  EXPECT_EQ(d.find("p")->as_string(), "yes");
  EXPECT_DOUBLE_EQ(d.find("q")->as_float(), 0.5);
  EXPECT_DOUBLE_EQ(d.find("r")->as_float(), 6.02e23);
}

TEST(YamlReaderTest, NodesKnowTheirPosition) {
  Data d = parse("name: shop\nmodels:\n  shop:\n    +materialized: view\n");
  EXPECT_EQ(d.find("name")->location().line, 1);
  EXPECT_EQ(d.find("name")->location().column, 7);
  const Data* materialized = d.find("models")->find("shop")->find("+materialized");
  ASSERT_NE(materialized, nullptr);
  EXPECT_EQ(materialized->location().to_string(), "t.yml:4:20");
}

TEST(YamlReaderTest, EmptyValuePointsAtItsKey) {
  Data d = parse("a: 1\nname:\n");
  EXPECT_TRUE(d.find("name")->is_null());
  EXPECT_EQ(d.find("name")->location().line, 2);
}

TEST(YamlReaderTest, MergeKeysApplyWithoutOverriding) {
  Data d = parse("base: &b {x: 1, y: 2}\nchild:\n  <<: *b\n  y: 3\n");
  const Data* child = d.find("child");
  EXPECT_EQ(child->find("x")->as_int(), 1);
  EXPECT_EQ(child->find("y")->as_int(), 3);
  EXPECT_EQ(child->find("<<"), nullptr);
}

TEST(YamlReaderTest, SyntaxErrorNamesLineColumnAndShowsExcerpt) {
  try {
    parse("models:\n  - name: a\n  bad: [1, 2\n");
    FAIL() << "expected an error";
  } catch (const KilnError& e) {
    EXPECT_EQ(e.kind(), ErrorKind::Yaml);
    EXPECT_EQ(e.location().file, "t.yml");
    EXPECT_GT(e.location().line, 0);
    EXPECT_NE(e.render().find("invalid YAML"), std::string::npos);
    EXPECT_NE(e.render().find("hint:"), std::string::npos);
  }
}

TEST(YamlReaderTest, TabIndentationIsAnErrorWithPosition) {
  try {
    parse("a:\n\tb: 1\n");
    FAIL() << "expected an error";
  } catch (const KilnError& e) {
    EXPECT_EQ(e.location().line, 2);
  }
}

TEST(YamlReaderTest, ByteOrderMarkIsIgnoredAndEmptyIsNull) {
  EXPECT_EQ(parse("\xEF\xBB\xBFname: x\n").find("name")->as_string(), "x");
  EXPECT_TRUE(parse("").is_null());
  EXPECT_TRUE(parse("# only a comment\n").is_null());
}

TEST(YamlReaderTest, DeepNestingIsRefused) {
  std::string text;
  for (int i = 0; i < 300; ++i) text += "[";
  for (int i = 0; i < 300; ++i) text += "]";
  EXPECT_THROW(parse(text), KilnError);
}

TEST(YamlReaderTest, MissingFileIsAnIoError) {
  try {
    read_yaml_file("/nonexistent/dir/x.yml", "x.yml");
    FAIL();
  } catch (const KilnError& e) {
    EXPECT_EQ(e.kind(), ErrorKind::Io);
    EXPECT_NE(e.message().find("cannot read x.yml"), std::string::npos);
  }
}

}  // namespace
}  // namespace kiln
