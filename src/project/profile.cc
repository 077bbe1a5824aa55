#include "project/profile.h"

#include <algorithm>
#include <cstdlib>

#include "common/secrets.h"
#include "common/strings.h"
#include "project/fields.h"
#include "project/yaml_reader.h"

namespace kiln {
namespace {

bool is_secret_key(std::string_view key) {
  std::string lowered = to_lower(key);
  for (std::string_view marker : {"pass", "token", "secret", "private_key", "api_key"}) {
    if (lowered.find(marker) != std::string::npos) return true;
  }
  return false;
}

void register_secret_values(const Data& node, bool under_secret_key) {
  if (node.is_string() && under_secret_key) {
    register_secret(node.as_string());
  } else if (node.is_map()) {
    for (const auto& [key, value] : node.as_map()) {
      register_secret_values(value, under_secret_key || is_secret_key(key));
    }
  } else if (node.is_list()) {
    for (const Data& item : node.as_list()) register_secret_values(item, under_secret_key);
  }
}

std::vector<std::string> keys_of(const Data& map, std::string_view except = {}) {
  std::vector<std::string> keys;
  if (!map.is_map()) return keys;
  for (const auto& entry : map.as_map()) {
    if (entry.first != except) keys.push_back(entry.first);
  }
  return keys;
}

std::string did_you_mean(const std::string& name, const std::vector<std::string>& options) {
  std::string close = closest_match(name, options);
  std::string text;
  if (!close.empty()) text = "did you mean '" + close + "'? ";
  text += options.empty() ? "none are defined" : "defined: " + join(options, ", ");
  return text;
}

}  // namespace

std::optional<std::filesystem::path> find_profiles_dir(const ProfileRequest& request,
                                                       std::vector<std::string>* searched) {
  std::vector<std::filesystem::path> candidates;
  if (request.profiles_dir) {
    candidates.push_back(*request.profiles_dir);
  } else {
    for (const char* variable : {"DBT_PROFILES_DIR", "KILN_PROFILES_DIR"}) {
      if (const char* value = std::getenv(variable); value && *value) {
        candidates.emplace_back(value);
        break;
      }
    }
    if (candidates.empty()) {
      candidates.push_back(request.project_dir);
      std::error_code ec;
      candidates.push_back(std::filesystem::current_path(ec));
      if (const char* home = std::getenv("HOME"); home && *home) {
        candidates.push_back(std::filesystem::path(home) / ".dbt");
      }
    }
  }
  for (const auto& dir : candidates) {
    if (searched) searched->push_back(dir.string());
    std::error_code ec;
    if (std::filesystem::is_regular_file(dir / "profiles.yml", ec)) return dir;
  }
  return std::nullopt;
}

Target load_target(const ProfileRequest& request) {
  std::vector<std::string> searched;
  std::optional<std::filesystem::path> dir = find_profiles_dir(request, &searched);
  if (!dir) {
    throw KilnError(ErrorKind::Profile,
                    "no profiles.yml found (looked in " + join(searched, ", ") + ")", {},
                    "create one with `kiln init`, or point to its folder with --profiles-dir or "
                    "DBT_PROFILES_DIR");
  }
  std::filesystem::path file = *dir / "profiles.yml";
  std::string display = file.lexically_normal().string();
  std::string text = read_text_file(file, display);
  Data root = parse_yaml(text, display);
  if (!root.is_map()) {
    KilnError error(ErrorKind::Profile, "profiles.yml must be a mapping of profile names",
                    root.location(), "see `kiln init` for an example profile");
    throw error.with_source(text);
  }
  if (request.profile_name.empty()) {
    throw KilnError(ErrorKind::Profile, "no profile named: dbt_project.yml has no 'profile:' key",
                    {"dbt_project.yml"},
                    "add `profile: <name>` to dbt_project.yml or pass --profile");
  }
  FieldReader root_fields(root, ErrorKind::Profile, text);
  const Data* profile = root.find(request.profile_name);
  if (!profile || request.profile_name == "config") {
    throw KilnError(ErrorKind::Profile,
                    "profile '" + request.profile_name + "' not found in " + display, {display},
                    did_you_mean(request.profile_name, keys_of(root, "config")));
  }
  if (!profile->is_map()) root_fields.wrong_type(request.profile_name, *profile, "a mapping");
  FieldReader profile_fields(*profile, ErrorKind::Profile, text);
  const Data* outputs = profile->find("outputs");
  if (!outputs || !outputs->is_map() || outputs->as_map().empty()) {
    profile_fields.fail(
        *profile, "profile '" + request.profile_name + "' has no outputs",
        "add `outputs:` with at least one target, e.g. `dev: {type: duckdb, path: dev.duckdb}`");
  }

  std::string target_name = request.target_name;
  if (target_name.empty()) {
    Data rendered_default = render_tree(
        Data::map({{"target", profile->find("target") ? *profile->find("target") : Data()}}),
        request.render);
    FieldReader default_fields(rendered_default, ErrorKind::Profile, text);
    target_name = default_fields.optional_string("target").value_or("default");
  }
  const Data* output = outputs->find(target_name);
  if (!output) {
    throw KilnError(
        ErrorKind::Profile,
        "target '" + target_name + "' not found in profile '" + request.profile_name + "'",
        outputs->location(), did_you_mean(target_name, keys_of(*outputs)));
  }
  if (!output->is_map()) profile_fields.wrong_type(target_name, *output, "a mapping");

  Data rendered = render_tree(*output, request.render);
  register_secret_values(rendered, false);
  FieldReader fields(rendered, ErrorKind::Profile, text);

  Target target;
  target.profile_name = request.profile_name;
  target.name = target_name;
  target.location = output->location();
  target.type = fields.required_string(
      "type", "set `type:` to the warehouse adapter: duckdb, postgres or mysql");
  if (auto threads = fields.optional_int("threads")) {
    if (*threads < 1 || *threads > 1024) {
      fields.fail(*fields.find("threads"), "'threads' must be between 1 and 1024",
                  "use the number of models kiln may build at once");
    }
    target.threads = static_cast<int>(*threads);
  }
  target.fields = std::move(rendered);
  return target;
}

}  // namespace kiln
