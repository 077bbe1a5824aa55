// Crash safety: `kiln run` is killed with SIGKILL before each statement of a table rebuild and of
// an incremental merge (KILN_FAULT_KILL_AT, see connection_session.cc). Afterwards the previous
// relation is intact and queryable, and the next run succeeds. Ctrl-C cancels and rolls back.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <cstdlib>
#include <fstream>

#include "adapters/adapter.h"
#include "project/profile.h"
#include "support/temp_dir.h"

namespace kiln {
namespace {

using kiln::testing::TempDir;

struct Outcome {
  bool killed = false;
  int exit_code = 0;
};

Outcome run_kiln(const TempDir& dir, long kill_at) {
  std::string command = "cd '" + dir.path().string() + "' && ";
  if (kill_at > 0) command += "KILN_FAULT_KILL_AT=" + std::to_string(kill_at) + " ";
  command += std::string(KILN_EXECUTABLE) + " run --threads 1 --quiet > /dev/null 2>&1";
  // The shell reports a child killed by signal 9 as exit status 128 + 9.
  int status = std::system(command.c_str());
  int code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return {code == 137, code};
}

// The rows of `sql`, "a,b|c,d", read in a fresh process-local connection.
std::string rows(const TempDir& dir, const std::string& sql) {
  Target target;
  target.name = "dev";
  target.type = "duckdb";
  target.fields = Data::map({{"type", Data::string("duckdb")},
                             {"path", Data::string((dir.path() / "dev.duckdb").string())}});
  auto adapter = make_adapter(target);
  auto connection = adapter->open_connection();
  QueryResult result = connection->query(sql);
  std::string out;
  for (const auto& row : result.table.rows) {
    if (!out.empty()) out += '|';
    for (size_t i = 0; i < row.size(); ++i) out += (i ? "," : "") + cell_text(row[i]);
  }
  return out;
}

void write_project(const TempDir& dir) {
  dir.write("dbt_project.yml", "name: crash\nversion: '1'\nconfig-version: 2\nprofile: crash\n");
  dir.write("profiles.yml",
            "crash:\n  target: dev\n  outputs:\n    dev:\n      type: duckdb\n      path: "
            "dev.duckdb\n");
}

// Kills the second run at statement 1, 2, ... until a run gets through; checks each time that
// the relation holds the old or (when the kill came after commit) the new rows, and that a
// normal run then completes.
void kill_at_every_statement(const std::string& first_model, const std::string& second_model,
                             const std::string& query, const std::string& old_rows,
                             const std::string& new_rows) {
  bool completed = false;
  int kills = 0;
  for (long kill_at = 1; kill_at <= 20 && !completed; ++kill_at) {
    SCOPED_TRACE("killed before statement " + std::to_string(kill_at));
    TempDir dir;
    write_project(dir);
    dir.write("models/m.sql", first_model);
    ASSERT_EQ(run_kiln(dir, 0).exit_code, 0);
    dir.write("models/m.sql", second_model);
    Outcome outcome = run_kiln(dir, kill_at);
    completed = !outcome.killed;
    kills += outcome.killed ? 1 : 0;
    if (completed) {
      ASSERT_EQ(outcome.exit_code, 0);
    }
    std::string after_kill = rows(dir, query);
    EXPECT_TRUE(after_kill == old_rows || (!outcome.killed && after_kill == new_rows))
        << after_kill;
    EXPECT_EQ(rows(dir,
                   "select count(*) from information_schema.tables where table_name like "
                   "'m\\_\\_%' escape '\\'"),
              "0");
    ASSERT_EQ(run_kiln(dir, 0).exit_code, 0);
    EXPECT_EQ(rows(dir, query), new_rows);
  }
  EXPECT_TRUE(completed) << "the run never got past its statements";
  // begin, create, ..., commit: every build has at least these three steps to be killed at.
  EXPECT_GE(kills, 3);
}

TEST(KillTest, TableRebuildKilledAtEachStepKeepsThePreviousTable) {
  kill_at_every_statement("{{ config(materialized='table') }} select 1 as v",
                          "{{ config(materialized='table') }} select 2 as v",
                          "select v from main.m", "1", "2");
}

TEST(KillTest, IncrementalMergeKilledAtEachStepKeepsThePreviousRows) {
  const char* model =
      "{{ config(materialized='incremental', incremental_strategy='merge', unique_key='id') }}\n"
      "select 1 as id, '{{ 'new' if is_incremental() else 'old' }}' as v\n"
      "{% if is_incremental() %}union all select 2, 'new'{% endif %}";
  // The second run merges (id 1 updated, id 2 inserted); a rerun after it merges the same rows.
  kill_at_every_statement(model, model, "select id, v from main.m order by id", "1,old",
                          "1,new|2,new");
}

TEST(KillTest, CtrlCCancelsTheRunningStatementRollsBackAndExits130) {
  TempDir dir;
  write_project(dir);
  dir.write("models/slow.sql", "{{ config(materialized='table') }} select 1 as v");
  dir.write("models/after_slow.sql", "select * from {{ ref('slow') }}");
  ASSERT_EQ(run_kiln(dir, 0).exit_code, 0);
  // Counting 10^11 rows takes DuckDB far longer than the test waits.
  dir.write("models/slow.sql",
            "{{ config(materialized='table') }} select count(*) as v from range(100000000000)");
  // Ctrl-C goes as soon as the slow model has started (polling its START line), whether or not
  // its statement is already running: kiln must stop it either way.
  std::string command =
      "cd '" + dir.path().string() + "' && (" + KILN_EXECUTABLE +
      " run > out.txt 2>&1 & pid=$!; "
      "for i in $(seq 600); do grep -q 'START sql table model main.slow' out.txt && break; "
      "sleep 0.05; done; kill -INT $pid; wait $pid; echo $? > code.txt)";
  ASSERT_EQ(std::system(command.c_str()), 0);
  std::ifstream code_file(dir.path() / "code.txt");
  int code = 0;
  code_file >> code;
  std::ifstream out_file(dir.path() / "out.txt");
  std::string output((std::istreambuf_iterator<char>(out_file)), std::istreambuf_iterator<char>());
  EXPECT_EQ(code, 130) << output;
  EXPECT_NE(output.find("Exited because of keyboard interrupt"), std::string::npos) << output;
  EXPECT_NE(output.find("SKIP relation main.after_slow"), std::string::npos) << output;
  EXPECT_NE(output.find("Done. PASS=0 WARN=0 ERROR=1 SKIP=1 TOTAL=2"), std::string::npos) << output;
  EXPECT_EQ(rows(dir, "select v from main.slow"), "1");
  EXPECT_TRUE(std::filesystem::exists(dir.path() / "target" / "run_results.json"));
}

}  // namespace
}  // namespace kiln
