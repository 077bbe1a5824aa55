#include "cli/commands.h"
#include "project/files.h"
#include "project/yaml_reader.h"

namespace kiln {

// Loads the project and reads every file its resource paths hold, checking that each property
// file is valid YAML. Building the manifest from them is the parser's job (issue #4); until it
// lands, `parse` reports what it found and stops there, without writing target/manifest.json.
int run_parse(Invocation& invocation) {
  const Project& project = invocation.load_project();
  invocation.start_file_logging();
  invocation.cli_vars();
  ProjectFiles files = discover_files(project);
  for (const ProjectFile& file : files.properties) {
    parse_yaml(read_text_file(file.absolute_path, file.relative_path), file.relative_path);
  }
  auto count = [](size_t n, const char* what) { return std::to_string(n) + " " + what; };
  say("Z050", "Found " + count(files.models.size(), "model files") + ", " +
                  count(files.seeds.size(), "seed files") + ", " +
                  count(files.snapshots.size(), "snapshot files") + ", " +
                  count(files.tests.size(), "test files") + ", " +
                  count(files.macros.size(), "macro files") + ", " +
                  count(files.analyses.size(), "analysis files") + ", " +
                  count(files.properties.size(), "property files"));
  say("Z051", "Project '" + project.name + "' read; every property file is valid YAML.");
  return kExitSuccess;
}

}  // namespace kiln
