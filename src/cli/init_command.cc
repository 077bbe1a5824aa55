#include <algorithm>
#include <cctype>
#include <fstream>

#include "cli/commands.h"

namespace kiln {
namespace {

void write_file(const std::filesystem::path& path, const std::string& text) {
  std::filesystem::create_directories(path.parent_path());
  std::ofstream out(path, std::ios::binary);
  out << text;
  if (!out) throw KilnError(ErrorKind::Io, "cannot write " + path.string());
}

std::string project_file(const std::string& name) {
  return "name: '" + name +
         "'\n"
         "version: '1.0.0'\n"
         "config-version: 2\n"
         "\n"
         "# The profile in profiles.yml that says where to build.\n"
         "profile: '" +
         name +
         "'\n"
         "\n"
         "model-paths: [\"models\"]\n"
         "analysis-paths: [\"analyses\"]\n"
         "test-paths: [\"tests\"]\n"
         "seed-paths: [\"seeds\"]\n"
         "macro-paths: [\"macros\"]\n"
         "snapshot-paths: [\"snapshots\"]\n"
         "\n"
         "clean-targets:\n"
         "  - \"target\"\n"
         "  - \"dbt_packages\"\n"
         "\n"
         "models:\n"
         "  " +
         name +
         ":\n"
         "    staging:\n"
         "      +materialized: view\n"
         "    marts:\n"
         "      +materialized: table\n";
}

std::string profile_file(const std::string& name) {
  return name +
         ":\n"
         "  target: dev\n"
         "  outputs:\n"
         "    dev:\n"
         "      type: duckdb\n"
         "      path: " +
         name +
         ".duckdb\n"
         "      schema: main\n"
         "      threads: 4\n";
}

}  // namespace

int run_init(Invocation& invocation, const std::string& project_name, bool skip_profile_setup) {
  bool valid =
      !project_name.empty() && !std::isdigit(static_cast<unsigned char>(project_name[0])) &&
      std::all_of(project_name.begin(), project_name.end(),
                  [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; });
  if (!valid) {
    throw KilnError(ErrorKind::Usage, "'" + project_name + "' is not a valid project name", {},
                    "use letters, digits and underscores, not starting with a digit");
  }
  std::filesystem::path root = std::filesystem::current_path() / project_name;
  if (std::filesystem::exists(root)) {
    throw KilnError(ErrorKind::Usage,
                    "a file or directory named '" + project_name + "' already exists", {},
                    "choose another name or remove it first");
  }
  write_file(root / "dbt_project.yml", project_file(project_name));
  write_file(
      root / "models/staging/stg_events.sql",
      "-- A staging model: rename and cast the raw columns once, here.\n"
      "select\n"
      "    id as event_id,\n"
      "    cast(happened_at as timestamp) as happened_at,\n"
      "    lower(kind) as event_kind\n"
      "from (values (1, '2024-01-01 10:00:00', 'Signup'), (2, '2024-01-02 11:30:00', 'Order'))\n"
      "    as raw_events(id, happened_at, kind)\n");
  write_file(root / "models/marts/events_per_day.sql",
             "select\n"
             "    cast(happened_at as date) as event_date,\n"
             "    count(*) as event_count\n"
             "from {{ ref('stg_events') }}\n"
             "group by 1\n");
  write_file(root / "models/schema.yml",
             "version: 2\n"
             "\n"
             "models:\n"
             "  - name: stg_events\n"
             "    description: One row per raw event.\n"
             "    columns:\n"
             "      - name: event_id\n"
             "        data_tests: [unique, not_null]\n"
             "  - name: events_per_day\n"
             "    description: Events counted per calendar day.\n");
  for (const char* dir : {"analyses", "tests", "seeds", "macros", "snapshots"}) {
    write_file(root / dir / ".gitkeep", "");
  }
  write_file(root / ".gitignore", "target/\ndbt_packages/\nlogs/\n*.duckdb\n*.duckdb.wal\n");
  say("Z030", "Created project '" + project_name + "' in " + root.string());

  if (!skip_profile_setup) {
    std::filesystem::path profiles_dir = invocation.profiles_dir_flag().value_or(root);
    std::filesystem::path profiles = profiles_dir / "profiles.yml";
    if (std::filesystem::exists(profiles)) {
      say("Z031", profiles.string() + " already exists; add a '" + project_name +
                      "' profile to it (see kiln's README for the DuckDB fields)");
    } else {
      write_file(profiles, profile_file(project_name));
      say("Z032", "Wrote a DuckDB profile '" + project_name + "' to " + profiles.string());
    }
  }
  say("Z033", "Next: cd " + project_name + " && kiln debug");
  return kExitSuccess;
}

}  // namespace kiln
