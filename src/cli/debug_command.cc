#include <sys/utsname.h>

#include "adapters/adapter.h"
#include "cli/commands.h"

namespace kiln {
namespace {

// One line of the report: "  dbt_project.yml file [OK found and valid]".
class CheckReport {
 public:
  explicit CheckReport(bool color) : color_(color) {}

  void ok(const std::string& what, const std::string& detail) {
    say("Z020", "  " + what + " [OK " + detail + "]",
        "  " + what + " [" + colorize("OK " + detail, kGreen, color_) + "]");
  }

  void error(const std::string& what, const std::string& detail, const KilnError& cause) {
    say("Z021", "  " + what + " [ERROR " + detail + "]",
        "  " + what + " [" + colorize("ERROR " + detail, kRed, color_) + "]");
    failures_.push_back(cause.render());
  }

  int finish() {
    say("Z022", "");
    if (failures_.empty()) {
      say("Z023", "All checks passed!", colorize("All checks passed!", kGreen, color_));
      return kExitSuccess;
    }
    std::string count = std::to_string(failures_.size());
    events().error("Z024", count + (failures_.size() == 1 ? " check failed:" : " checks failed:"));
    for (const std::string& failure : failures_) events().error("Z025", failure + "\n");
    return kExitFailure;
  }

 private:
  bool color_;
  std::vector<std::string> failures_;
};

std::string os_info() {
  utsname name{};
  if (uname(&name) != 0) return "unknown";
  return std::string(name.sysname) + " " + name.release + " " + name.machine;
}

}  // namespace

int run_debug(Invocation& invocation, bool connection_only) {
  say("Z010", std::string("Running with kiln=") + kKilnVersion);
  if (!connection_only) {
    say("Z011", std::string("kiln version: ") + kKilnVersion);
    say("Z012", "os info: " + os_info());
  }
  CheckReport report(invocation.use_color());

  std::optional<std::filesystem::path> profiles_dir;
  {
    ProfileRequest probe;
    probe.profiles_dir = invocation.profiles_dir_flag();
    probe.project_dir = invocation.project_dir();
    profiles_dir = find_profiles_dir(probe, nullptr);
  }
  if (!connection_only) {
    if (profiles_dir) {
      say("Z013", "Using profiles dir at " + profiles_dir->string());
      say("Z014", "Using profiles.yml file at " + (*profiles_dir / "profiles.yml").string());
    }
    say("Z015",
        "Using dbt_project.yml file at " + (invocation.project_dir() / "dbt_project.yml").string());
  }

  bool project_ok = false;
  if (!connection_only) say("Z016", "Configuration:");
  try {
    invocation.load_project();
    invocation.start_file_logging();
    project_ok = true;
    if (!connection_only) report.ok("dbt_project.yml file", "found and valid");
  } catch (const KilnError& e) {
    if (!connection_only || !invocation.flags().profile.empty()) {
      report.error("dbt_project.yml file", "not found or invalid", e);
    }
  }

  std::optional<Target> target;
  try {
    if (project_ok || !invocation.flags().profile.empty()) {
      target = invocation.load_target();
      if (!connection_only) report.ok("profiles.yml file", "found and valid");
    }
  } catch (const KilnError& e) {
    report.error("profiles.yml file", "not found or invalid", e);
  }

  std::unique_ptr<Adapter> adapter;
  if (target) {
    try {
      adapter = make_adapter(*target);
      if (!connection_only) {
        say("Z017", "adapter type: " + adapter->type());
        say("Z018", "adapter version: " + adapter->version());
      }
    } catch (const KilnError& e) {
      report.error("profiles.yml adapter", "invalid", e);
    }
  }

  if (adapter) {
    say("Z019", "Connection:");
    for (const auto& [key, value] : adapter->describe()) say("Z019", "  " + key + ": " + value);
    try {
      auto connection = adapter->open_connection();
      QueryResult result = connection->query("select 1 as ok");
      if (result.table.rows.size() != 1 || cell_text(result.table.rows[0][0]) != "1") {
        throw KilnError(ErrorKind::Connection, "`select 1` did not return 1");
      }
      report.ok("Connection test", "connection ok");
    } catch (const KilnError& e) {
      report.error("Connection test", "connection failed", e);
    }
  }
  return report.finish();
}

}  // namespace kiln
