#pragma once

#include <filesystem>
#include <memory>
#include <optional>
#include <string>

#include "common/data.h"
#include "common/events.h"
#include "project/profile.h"
#include "project/project.h"

namespace kiln {

// Flags every command accepts, as typed by the user (before defaults and environment).
struct GlobalFlags {
  std::string project_dir;
  std::string profiles_dir;
  std::string profile;
  std::string target;
  std::string vars;
  int threads = 0;  // 0: the profile's threads
  std::string log_level = "info";
  std::string log_format = "text";
  std::string log_path;
  std::string target_path;
  bool no_color = false;
  bool quiet = false;
  std::string command_line;  // as typed, for the log (secrets masked on the way out)
};

// Exit codes, as dbt's: 0 success, 1 a node/test/check failed, 2 usage or unexpected error.
enum ExitCode { kExitSuccess = 0, kExitFailure = 1, kExitError = 2 };

// What a command runs with once flags, environment and files are resolved. Loading steps are
// separate so `kiln debug` can report each one as OK or ERROR instead of stopping at the first.
class Invocation {
 public:
  explicit Invocation(GlobalFlags flags);

  const GlobalFlags& flags() const { return flags_; }
  // --project-dir, else $DBT_PROJECT_DIR / $KILN_PROJECT_DIR, else the working directory.
  std::filesystem::path project_dir() const;
  std::optional<std::filesystem::path> profiles_dir_flag() const;
  bool use_color() const { return use_color_; }

  // Console (text or JSON) sinks, from --log-level/--log-format/--quiet/--no-color.
  void start_console_logging();
  // logs/kiln.log under the log path (flag, env, project's log-path), once the project is known.
  void start_file_logging();

  const Project& load_project();
  Target load_target();
  const Data& cli_vars();

  std::filesystem::path target_dir() const;  // absolute
  // A fresh UUID per run, as dbt's invocation_id.
  const std::string& invocation_id() const { return invocation_id_; }
  std::filesystem::path log_dir() const;  // absolute

 private:
  GlobalFlags flags_;
  bool use_color_ = false;
  std::optional<Project> project_;
  std::optional<Data> cli_vars_;
  bool file_logging_ = false;
  std::string invocation_id_;
};

// Emits an info event with plain text and, on a TTY, the coloured variant.
void say(const std::string& code, const std::string& text, const std::string& colored = {});

}  // namespace kiln
