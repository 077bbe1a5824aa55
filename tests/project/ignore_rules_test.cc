#include "project/ignore_rules.h"

#include <gtest/gtest.h>

namespace kiln {
namespace {

TEST(IgnoreRulesTest, NoRulesIgnoreNothing) {
  IgnoreRules rules("# only a comment\n\n   \n");
  EXPECT_TRUE(rules.empty());
  EXPECT_FALSE(rules.ignores_file("models/a.sql"));
}

TEST(IgnoreRulesTest, UnanchoredNameMatchesAtAnyDepth) {
  IgnoreRules rules("scratch.sql\n*.tmp.sql\n");
  EXPECT_TRUE(rules.ignores_file("scratch.sql"));
  EXPECT_TRUE(rules.ignores_file("models/scratch.sql"));
  EXPECT_TRUE(rules.ignores_file("models/deep/er/scratch.sql"));
  EXPECT_TRUE(rules.ignores_file("models/a.tmp.sql"));
  EXPECT_FALSE(rules.ignores_file("models/scratch.sql.bak"));
  EXPECT_FALSE(rules.ignores_file("models/a.sql"));
}

TEST(IgnoreRulesTest, SlashAnchorsToTheRoot) {
  IgnoreRules rules("/models/legacy.sql\nmodels/old/\n");
  EXPECT_TRUE(rules.ignores_file("models/legacy.sql"));
  EXPECT_FALSE(rules.ignores_file("other/models/legacy.sql"));
  EXPECT_TRUE(rules.ignores_file("models/old/a.sql"));
  EXPECT_TRUE(rules.ignores_file("models/old/sub/b.sql"));
  EXPECT_FALSE(rules.ignores_file("pkg/models/old/a.sql"));
}

TEST(IgnoreRulesTest, TrailingSlashMatchesFoldersOnly) {
  IgnoreRules rules("drafts/\n");
  EXPECT_TRUE(rules.ignores_file("models/drafts/a.sql"));
  EXPECT_TRUE(rules.ignores_file("drafts/a.sql"));
  // A file named like the folder is not a folder.
  EXPECT_FALSE(rules.ignores_file("models/drafts"));
  EXPECT_TRUE(rules.prunes_directory("models/drafts"));
}

TEST(IgnoreRulesTest, FolderWithoutSlashCoversItsContents) {
  IgnoreRules rules("models/archive\n");
  EXPECT_TRUE(rules.ignores_file("models/archive/a.sql"));
  EXPECT_FALSE(rules.ignores_file("models/archive_v2/a.sql"));
}

TEST(IgnoreRulesTest, DoubleStar) {
  IgnoreRules leading("**/tmp/*.sql\n");
  EXPECT_TRUE(leading.ignores_file("tmp/a.sql"));
  EXPECT_TRUE(leading.ignores_file("models/x/tmp/a.sql"));
  EXPECT_FALSE(leading.ignores_file("models/x/tmp/sub/a.sql"));

  IgnoreRules middle("models/**/test_*.sql\n");
  EXPECT_TRUE(middle.ignores_file("models/test_a.sql"));
  EXPECT_TRUE(middle.ignores_file("models/a/b/test_a.sql"));
  EXPECT_FALSE(middle.ignores_file("macros/test_a.sql"));

  IgnoreRules trailing("models/wip/**\n");
  EXPECT_TRUE(trailing.ignores_file("models/wip/a.sql"));
  EXPECT_TRUE(trailing.ignores_file("models/wip/x/y.sql"));
  EXPECT_FALSE(trailing.ignores_file("models/wip"));
}

TEST(IgnoreRulesTest, NegationReincludesAndLastMatchWins) {
  IgnoreRules rules("models/staging/\n!models/staging/keep.sql\n*.bak.sql\n");
  EXPECT_TRUE(rules.ignores_file("models/staging/a.sql"));
  // As in dbt (pathspec), unlike git: a file inside an ignored folder can be brought back.
  EXPECT_FALSE(rules.ignores_file("models/staging/keep.sql"));
  EXPECT_TRUE(rules.ignores_file("models/staging/keep.bak.sql"));
  // With a negation around, a folder is never skipped wholesale.
  EXPECT_FALSE(rules.prunes_directory("models/staging"));
}

TEST(IgnoreRulesTest, WildcardsClassesAndEscapes) {
  IgnoreRules rules("model_?.sql\nv[0-9].sql\nx[!a-c].sql\n\\#hash.sql\n\\!bang.sql\nsp\\ \n");
  EXPECT_TRUE(rules.ignores_file("models/model_a.sql"));
  EXPECT_FALSE(rules.ignores_file("models/model_ab.sql"));
  EXPECT_TRUE(rules.ignores_file("v7.sql"));
  EXPECT_FALSE(rules.ignores_file("vx.sql"));
  EXPECT_TRUE(rules.ignores_file("xd.sql"));
  EXPECT_FALSE(rules.ignores_file("xb.sql"));
  EXPECT_TRUE(rules.ignores_file("#hash.sql"));
  EXPECT_TRUE(rules.ignores_file("!bang.sql"));
  EXPECT_TRUE(rules.ignores_file("sp "));
  // `*` never crosses a folder boundary.
  IgnoreRules star("models/*.sql\n");
  EXPECT_TRUE(star.ignores_file("models/a.sql"));
  EXPECT_FALSE(star.ignores_file("models/sub/a.sql"));
}

TEST(IgnoreRulesTest, UnclosedBracketIsLiteral) {
  IgnoreRules rules("a[b.sql\n");
  EXPECT_TRUE(rules.ignores_file("a[b.sql"));
  EXPECT_FALSE(rules.ignores_file("ab.sql"));
}

}  // namespace
}  // namespace kiln
