#include "cli/commands.h"

namespace kiln {

int run_clean(Invocation& invocation) {
  const Project& project = invocation.load_project();
  std::filesystem::path root = std::filesystem::weakly_canonical(project.root_dir);
  for (const std::string& entry : project.clean_targets) {
    std::filesystem::path path = std::filesystem::weakly_canonical(root / entry);
    // dbt refuses to delete anything outside the project: a typo must not wipe a home directory.
    auto [root_end, unused] = std::mismatch(root.begin(), root.end(), path.begin(), path.end());
    if (root_end != root.end() || path == root) {
      throw KilnError(ErrorKind::Project,
                      "clean-targets entry '" + entry +
                          "' is outside the project or is the project "
                          "itself; refusing to delete it",
                      {"dbt_project.yml"}, "list folders inside the project, such as target");
    }
    std::error_code ec;
    if (!std::filesystem::exists(path, ec)) {
      say("Z040", "Skipping " + entry + ": it does not exist");
      continue;
    }
    std::filesystem::remove_all(path, ec);
    if (ec) throw KilnError(ErrorKind::Io, "cannot remove " + path.string() + ": " + ec.message());
    say("Z041", "Cleaned " + entry + "/");
  }
  say("Z042", "Finished cleaning all paths.");
  return kExitSuccess;
}

}  // namespace kiln
