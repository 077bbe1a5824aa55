#include "project/profile.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include "common/secrets.h"
#include "support/temp_dir.h"

namespace kiln {
namespace {

using kiln::testing::TempDir;

const char* kProfiles =
    "config:\n  send_anonymous_usage_stats: false\n"
    "shop:\n"
    "  target: dev\n"
    "  outputs:\n"
    "    dev:\n"
    "      type: duckdb\n"
    "      path: dev.duckdb\n"
    "      threads: 4\n"
    "    prod:\n"
    "      type: postgres\n"
    "      host: db.internal\n"
    "      password: Sup3r-Secret\n";

ProfileRequest request_for(const TempDir& dir, std::string profile, std::string target = {}) {
  ProfileRequest request;
  request.profiles_dir = dir.path();
  request.project_dir = dir.path();
  request.profile_name = std::move(profile);
  request.target_name = std::move(target);
  return request;
}

KilnError target_error(const ProfileRequest& request) {
  try {
    load_target(request);
  } catch (const KilnError& e) {
    return e;
  }
  ADD_FAILURE() << "expected an error";
  return KilnError(ErrorKind::Internal, "none");
}

TEST(ProfileTest, DefaultTargetAndFields) {
  TempDir dir;
  dir.write("profiles.yml", kProfiles);
  Target t = load_target(request_for(dir, "shop"));
  EXPECT_EQ(t.name, "dev");
  EXPECT_EQ(t.type, "duckdb");
  EXPECT_EQ(t.threads, 4);
  EXPECT_EQ(t.fields.find("path")->as_string(), "dev.duckdb");
}

TEST(ProfileTest, TargetOverrideAndSecretsAreMasked) {
  clear_secrets();
  TempDir dir;
  dir.write("profiles.yml", kProfiles);
  Target t = load_target(request_for(dir, "shop", "prod"));
  EXPECT_EQ(t.type, "postgres");
  EXPECT_EQ(t.threads, 1);
  EXPECT_EQ(scrub_secrets("password is Sup3r-Secret"), "password is *****");
  clear_secrets();
}

TEST(ProfileTest, UnknownProfileSuggestsClosest) {
  TempDir dir;
  dir.write("profiles.yml", kProfiles);
  KilnError e = target_error(request_for(dir, "shp"));
  EXPECT_NE(e.message().find("profile 'shp' not found in"), std::string::npos);
  EXPECT_EQ(e.hint(), "did you mean 'shop'? defined: shop");
}

TEST(ProfileTest, UnknownTargetListsTargets) {
  TempDir dir;
  dir.write("profiles.yml", kProfiles);
  KilnError e = target_error(request_for(dir, "shop", "staging"));
  EXPECT_EQ(e.message(), "target 'staging' not found in profile 'shop'");
  EXPECT_EQ(e.hint(), "defined: dev, prod");
}

TEST(ProfileTest, MissingTypeAndBadThreads) {
  TempDir dir;
  dir.write("profiles.yml", "p:\n  outputs:\n    default:\n      path: x\n");
  KilnError e = target_error(request_for(dir, "p"));
  EXPECT_EQ(e.message(), "missing required field 'type'");

  dir.write("profiles.yml",
            "p:\n  outputs:\n    default:\n      type: duckdb\n      threads: many\n");
  KilnError threads = target_error(request_for(dir, "p"));
  EXPECT_EQ(threads.message(), "'threads' must be an integer, found a string (many)");
  EXPECT_EQ(threads.location().line, 5);
  EXPECT_EQ(threads.location().column, 16);
}

TEST(ProfileTest, NoOutputs) {
  TempDir dir;
  dir.write("profiles.yml", "p:\n  target: dev\n");
  EXPECT_EQ(target_error(request_for(dir, "p")).message(), "profile 'p' has no outputs");
}

TEST(ProfileTest, LookupOrderFlagThenEnvThenProject) {
  TempDir flag_dir, env_dir, project_dir;
  flag_dir.write("profiles.yml", "a: 1\n");
  env_dir.write("profiles.yml", "a: 1\n");
  project_dir.write("profiles.yml", "a: 1\n");
  ProfileRequest request;
  request.project_dir = project_dir.path();
  setenv("DBT_PROFILES_DIR", env_dir.path().c_str(), 1);
  EXPECT_EQ(find_profiles_dir(request, nullptr), env_dir.path());
  request.profiles_dir = flag_dir.path();
  EXPECT_EQ(find_profiles_dir(request, nullptr), flag_dir.path());
  unsetenv("DBT_PROFILES_DIR");
  request.profiles_dir.reset();
  EXPECT_EQ(find_profiles_dir(request, nullptr), project_dir.path());
}

TEST(ProfileTest, NoProfilesFileListsSearchedPlaces) {
  TempDir dir;
  ProfileRequest request = request_for(dir, "shop");
  KilnError e = target_error(request);
  EXPECT_NE(e.message().find("no profiles.yml found (looked in " + dir.path().string()),
            std::string::npos);
  EXPECT_NE(e.hint().find("--profiles-dir"), std::string::npos);
}

TEST(ProfileTest, TemplatedPasswordNeedsEngineOrIsRenderedNatively) {
  TempDir dir;
  dir.write("profiles.yml",
            "p:\n  outputs:\n    default:\n      type: duckdb\n"
            "      threads: \"{{ env_var('THREADS') }}\"\n");
  KilnError e = target_error(request_for(dir, "p"));
  EXPECT_EQ(e.kind(), ErrorKind::Template);
  EXPECT_EQ(e.location().line, 5);

  ProfileRequest request = request_for(dir, "p");
  request.render = [](std::string_view, const SourceLocation&) { return std::string("8"); };
  EXPECT_EQ(load_target(request).threads, 8);
}

}  // namespace
}  // namespace kiln
