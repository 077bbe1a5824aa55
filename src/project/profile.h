#pragma once

#include <filesystem>
#include <optional>
#include <string>

#include "common/data.h"
#include "project/config_renderer.h"

namespace kiln {

// One output of a profile: where and how to connect. Adapter-specific fields stay in `fields`,
// validated by the adapter that reads them.
struct Target {
  std::string profile_name;
  std::string name;
  std::string type;
  int threads = 1;
  Data fields = Data::map();  // the whole output mapping, rendered
  SourceLocation location;
};

struct ProfileRequest {
  std::optional<std::filesystem::path> profiles_dir;  // --profiles-dir
  std::string profile_name;                           // --profile, else the project's `profile:`
  std::string target_name;                            // --target, else the profile's `target:`
  std::filesystem::path project_dir;
  ValueRenderer render = renderer_without_template_engine();
};

// Where profiles.yml is looked for, in order: --profiles-dir, $DBT_PROFILES_DIR (or
// $KILN_PROFILES_DIR), the project directory, the working directory, ~/.dbt. Returns the first
// directory holding a profiles.yml, or nullopt with `searched` filled for the error message.
std::optional<std::filesystem::path> find_profiles_dir(const ProfileRequest& request,
                                                       std::vector<std::string>* searched);

// Loads the profile and picks the target. Registers every secret-looking value (passwords,
// tokens) so it is masked in all output. Throws KilnError(Profile/Yaml/Io).
Target load_target(const ProfileRequest& request);

}  // namespace kiln
