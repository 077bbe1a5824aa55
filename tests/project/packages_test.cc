// Which listed packages kiln's built-in copies stand in for, and when an installed copy wins.
#include "project/packages.h"

#include <gtest/gtest.h>

#include "support/temp_dir.h"

namespace kiln {
namespace {

using kiln::testing::TempDir;

PackageSpec spec(PackageSpec::Kind kind, std::string source) {
  PackageSpec result;
  result.kind = kind;
  result.source = std::move(source);
  return result;
}

TEST(PackagesTest, BuiltinSubstituteKnowsDbtUtilsByHubNameOrGitUrl) {
  using Kind = PackageSpec::Kind;
  EXPECT_EQ(builtin_substitute(spec(Kind::Hub, "dbt-labs/dbt_utils")), "dbt_utils");
  EXPECT_EQ(builtin_substitute(spec(Kind::Git, "https://github.com/dbt-labs/dbt-utils.git")),
            "dbt_utils");
  EXPECT_EQ(builtin_substitute(spec(Kind::Git, "git@github.com:dbt-labs/dbt-utils.git")),
            "dbt_utils");
  EXPECT_EQ(builtin_substitute(spec(Kind::Hub, "fishtown-analytics/dbt_utils")), "dbt_utils");
  EXPECT_EQ(builtin_substitute(spec(Kind::Hub, "calogica/dbt_expectations")), "");
  EXPECT_EQ(builtin_substitute(spec(Kind::Hub, "someone/dbt_utils")), "");
  EXPECT_EQ(builtin_substitute(spec(Kind::Local, "../dbt-utils")), "");
}

TEST(PackagesTest, MissingDbtUtilsIsSubstitutedUnlessInstalled) {
  TempDir dir;
  dir.write("dbt_project.yml", "name: shop\nprofile: p\n");
  dir.write("packages.yml",
            "packages:\n  - package: dbt-labs/dbt_utils\n    version: 1.3.0\n"
            "  - git: https://github.com/dbt-labs/dbt-utils.git\n    revision: 1.3.0\n");
  Project project = load_project(dir.path(), {});
  EXPECT_EQ(check_packages_installed(project),
            (std::vector<std::string>{"dbt_utils", "dbt_utils"}));
  dir.write("dbt_packages/dbt_utils/dbt_project.yml", "name: dbt_utils\n");
  EXPECT_TRUE(check_packages_installed(project).empty());
}

TEST(PackagesTest, OtherMissingPackagesAreStillErrors) {
  TempDir dir;
  dir.write("dbt_project.yml", "name: shop\nprofile: p\n");
  dir.write("packages.yml", "packages:\n  - package: calogica/dbt_expectations\n");
  Project project = load_project(dir.path(), {});
  EXPECT_THROW(check_packages_installed(project), KilnError);
}

}  // namespace
}  // namespace kiln
