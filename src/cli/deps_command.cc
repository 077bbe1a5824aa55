#include "cli/commands.h"
#include "project/packages.h"

namespace kiln {

int run_deps(Invocation& invocation) {
  const Project& project = invocation.load_project();
  invocation.start_file_logging();
  for (const std::string& line : install_packages(project)) say("Z090", line);
  return kExitSuccess;
}

}  // namespace kiln
