#include "project/project.h"

#include <gtest/gtest.h>

#include "support/temp_dir.h"

namespace kiln {
namespace {

using kiln::testing::TempDir;

Project load(const TempDir& dir, ProjectLoadOptions options = {}) {
  return load_project(dir.path(), options);
}

KilnError load_error(const std::string& text) {
  TempDir dir;
  dir.write("dbt_project.yml", text);
  try {
    load(dir);
  } catch (const KilnError& e) {
    return e;
  }
  ADD_FAILURE() << "expected an error for:\n" << text;
  return KilnError(ErrorKind::Internal, "none");
}

TEST(ProjectTest, LoadsSettingsAndDefaults) {
  TempDir dir;
  dir.write("dbt_project.yml",
            "name: shop\nversion: 1.0\nconfig-version: 2\nprofile: shop_profile\n"
            "model-paths: [transform]\nseed-paths: data\ntarget-path: out\n"
            "vars:\n  start: '2024-01-01'\n"
            "on-run-start: \"create schema if not exists {{ target.schema }}\"\n"
            "models:\n  shop:\n    +materialized: table\n    staging:\n      +pre-hook: \"select "
            "{{ this }}\"\n"
            "tests:\n  +severity: warn\n");
  Project p = load(dir);
  EXPECT_EQ(p.name, "shop");
  EXPECT_EQ(p.version, "1.0");
  EXPECT_EQ(p.profile_name, "shop_profile");
  EXPECT_EQ(p.model_paths, std::vector<std::string>{"transform"});
  EXPECT_EQ(p.seed_paths, std::vector<std::string>{"data"});
  EXPECT_EQ(p.snapshot_paths, std::vector<std::string>{"snapshots"});
  EXPECT_EQ(p.target_path, "out");
  EXPECT_EQ(p.clean_targets, std::vector<std::string>{"out"});
  EXPECT_EQ(p.log_path, "logs");
  EXPECT_EQ(p.vars.find("start")->as_string(), "2024-01-01");
  // Hooks are not rendered at load time, so templated hooks load without the engine.
  ASSERT_EQ(p.on_run_start.size(), 1u);
  EXPECT_EQ(p.on_run_start[0], "create schema if not exists {{ target.schema }}");
  EXPECT_EQ(p.config_trees.find("models")->find("shop")->find("+materialized")->as_string(),
            "table");
  // `tests:` feeds the data_tests tree.
  EXPECT_EQ(p.config_trees.find("data_tests")->find("+severity")->as_string(), "warn");
  EXPECT_EQ(p.root_dir, std::filesystem::absolute(dir.path()).lexically_normal());
}

TEST(ProjectTest, MissingFileSaysWhereItLookedAndHowToFix) {
  TempDir dir;
  try {
    load(dir);
    FAIL();
  } catch (const KilnError& e) {
    EXPECT_NE(e.message().find("no dbt_project.yml found in " + dir.path().string()),
              std::string::npos);
    EXPECT_NE(e.hint().find("--project-dir"), std::string::npos);
  }
}

TEST(ProjectTest, MissingNameIsAnError) {
  KilnError e = load_error("version: 1\nprofile: x\n");
  EXPECT_EQ(e.message(), "missing required field 'name'");
  EXPECT_EQ(e.location().file, "dbt_project.yml");
}

TEST(ProjectTest, InvalidNameNamesTheLine) {
  KilnError e = load_error("version: 1\nname: my-shop\n");
  EXPECT_EQ(e.message(), "project name 'my-shop' is not a valid identifier");
  EXPECT_EQ(e.location().line, 2);
  EXPECT_EQ(e.location().column, 7);
  EXPECT_EQ(e.excerpt(), "name: my-shop");
}

TEST(ProjectTest, WrongTypeSaysExpectedAndFound) {
  KilnError e = load_error("name: shop\nmodel-paths: {a: b}\n");
  EXPECT_EQ(e.message(), "'model-paths' must be a list of strings, found a mapping");
  EXPECT_EQ(e.location().line, 2);
  KilnError item = load_error("name: shop\nmodel-paths: [models, 3]\n");
  EXPECT_EQ(item.message(),
            "'model-paths' must be a list of strings; this item, found an integer (3)");
}

TEST(ProjectTest, OldConfigVersionIsRefused) {
  KilnError e = load_error("name: shop\nconfig-version: 1\n");
  EXPECT_EQ(e.message(), "config-version 1 is not supported");
}

TEST(ProjectTest, NotAMappingIsRefused) {
  KilnError e = load_error("- name: shop\n");
  EXPECT_EQ(e.message(), "dbt_project.yml must be a mapping of settings, found a list");
  KilnError empty = load_error("");
  EXPECT_EQ(empty.message(), "dbt_project.yml must be a mapping of settings, found an empty file");
}

TEST(ProjectTest, TemplatedValueNeedsTheEngineUntilOneIsGiven) {
  KilnError e = load_error("name: shop\nprofile: \"{{ env_var('PROFILE') }}\"\n");
  EXPECT_EQ(e.kind(), ErrorKind::Template);
  EXPECT_NE(e.message().find("needs the template engine"), std::string::npos);
  EXPECT_EQ(e.location().line, 2);

  TempDir dir;
  dir.write("dbt_project.yml", "name: shop\nprofile: \"{{ env_var('PROFILE') }}\"\n");
  ProjectLoadOptions options;
  options.render = [](std::string_view, const SourceLocation&) { return std::string("rendered"); };
  EXPECT_EQ(load(dir, options).profile_name, "rendered");
}

TEST(ProjectTest, UnknownKeysAndRequireDbtVersionAreNoticedNotFatal) {
  TempDir dir;
  dir.write("dbt_project.yml", "name: shop\nrequire-dbt-version: '>=1.5.0'\nmodles: {}\n");
  std::vector<std::string> notices;
  ProjectLoadOptions options;
  options.notice = [&](const std::string& text) { notices.push_back(text); };
  load(dir, options);
  ASSERT_EQ(notices.size(), 2u);
  EXPECT_NE(notices[0].find("require-dbt-version is accepted and ignored"), std::string::npos);
  EXPECT_EQ(notices[1], "dbt_project.yml:3:9: unknown key 'modles' in dbt_project.yml is ignored");
}

}  // namespace
}  // namespace kiln
