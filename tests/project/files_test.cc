#include "project/files.h"

#include <gtest/gtest.h>

#include "support/temp_dir.h"

namespace kiln {
namespace {

using kiln::testing::TempDir;

std::vector<std::string> paths(const std::vector<ProjectFile>& files) {
  std::vector<std::string> out;
  for (const auto& f : files) out.push_back(f.relative_path);
  return out;
}

TEST(FilesTest, FindsEachResourceKindSorted) {
  TempDir dir;
  dir.write("dbt_project.yml", "name: shop\nmodel-paths: [models, more]\n");
  dir.write("models/b.sql", "select 1");
  dir.write("models/sub/a.sql", "select 1");
  dir.write("models/schema.yml", "version: 2");
  dir.write("models/notes.txt", "ignored");
  dir.write("more/c.py", "def model(dbt, session): pass");
  dir.write("seeds/raw.csv", "id\n1\n");
  dir.write("macros/m.sql", "{% macro m() %}{% endmacro %}");
  dir.write("macros/docs.md", "{% docs d %}x{% enddocs %}");
  Project project = load_project(dir.path(), {});
  ProjectFiles files = discover_files(project);
  EXPECT_EQ(paths(files.models),
            (std::vector<std::string>{"models/b.sql", "models/sub/a.sql", "more/c.py"}));
  EXPECT_EQ(paths(files.seeds), std::vector<std::string>{"seeds/raw.csv"});
  EXPECT_EQ(paths(files.macros), std::vector<std::string>{"macros/m.sql"});
  EXPECT_EQ(paths(files.properties), std::vector<std::string>{"models/schema.yml"});
  EXPECT_EQ(paths(files.docs), std::vector<std::string>{"macros/docs.md"});
  EXPECT_TRUE(files.snapshots.empty());
}

TEST(FilesTest, DbtignoreHidesFilesOfEveryKind) {
  TempDir dir;
  dir.write("dbt_project.yml", "name: shop\n");
  dir.write(".dbtignore",
            "# drafts never ship\n"
            "models/drafts/\n"
            "*_scratch.sql\n"
            "!keep_scratch.sql\n"
            "seeds/big/**\n"
            "/macros/old.sql\n"
            "notes.md\n");
  dir.write("models/a.sql", "select 1");
  dir.write("models/drafts/b.sql", "select 1");
  dir.write("models/drafts/schema.yml", "version: 2");
  dir.write("models/x_scratch.sql", "select 1");
  dir.write("models/keep_scratch.sql", "select 1");
  dir.write("models/notes.md", "{% docs n %}{% enddocs %}");
  dir.write("seeds/small.csv", "id\n1\n");
  dir.write("seeds/big/huge.csv", "id\n1\n");
  dir.write("macros/old.sql", "{% macro m() %}{% endmacro %}");
  dir.write("macros/sub/macros/old.sql", "{% macro n() %}{% endmacro %}");
  Project project = load_project(dir.path(), {});
  ProjectFiles files = discover_files(project);
  EXPECT_EQ(paths(files.models),
            (std::vector<std::string>{"models/a.sql", "models/keep_scratch.sql"}));
  EXPECT_TRUE(files.properties.empty());
  EXPECT_TRUE(files.docs.empty());
  EXPECT_EQ(paths(files.seeds), std::vector<std::string>{"seeds/small.csv"});
  EXPECT_EQ(paths(files.macros), std::vector<std::string>{"macros/sub/macros/old.sql"});
}

TEST(FilesTest, DbtignoreAppliesToItsOwnProjectOnly) {
  TempDir dir;
  dir.write("dbt_project.yml", "name: shop\n");
  dir.write(".dbtignore", "models/b.sql\n");
  dir.write("models/a.sql", "select 1");
  dir.write("models/b.sql", "select 1");
  dir.write("dbt_packages/util/dbt_project.yml", "name: util\n");
  dir.write("dbt_packages/util/.dbtignore", "a.sql\n");
  dir.write("dbt_packages/util/models/a.sql", "select 1");
  dir.write("dbt_packages/util/models/b.sql", "select 1");
  EXPECT_EQ(paths(discover_files(load_project(dir.path(), {})).models),
            std::vector<std::string>{"models/a.sql"});
  EXPECT_EQ(paths(discover_files(load_project(dir.path() / "dbt_packages/util", {})).models),
            std::vector<std::string>{"models/b.sql"});
}

}  // namespace
}  // namespace kiln
