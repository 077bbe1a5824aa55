#pragma once

#include <filesystem>
#include <map>
#include <string>

#include "runner/run_task.h"

namespace kiln {

// `kiln seed`'s task: loads each seed's CSV into a table named after it. In C++ rather than a
// Jinja materialization (the rows go through Connection::open_appender, which templates cannot
// reach): read the file and infer the columns (src/seeds), drop leftovers, run
// transaction-less pre-hooks, then in one transaction create `<name>__kiln_tmp`, bulk-load it,
// run pre-hooks, swap it in as tables are swapped (old -> `__kiln_backup`, tmp -> name, backup
// dropped), run post-hooks and commit. Every load is a full replacement, so changed columns need
// no --full-refresh; a bad CSV or a failed load leaves the previous table as it was.
class SeedTask : public NodeTask {
 public:
  // `package_roots`: package name -> its root folder; a seed's CSV is original_file_path under it.
  SeedTask(std::string default_database,
           std::map<std::string, std::filesystem::path> package_roots);
  bool runs(const Node& node) const override;
  bool builds_relation(const Node&) const override { return true; }
  std::string kind(const Node&) const override { return "seed"; }
  std::string noun(const Node&) const override { return "seed"; }
  std::string other_error(const Node&) const override { return "Runtime Error"; }
  std::string start_text(const Node& node) const override;
  std::string skip_text(const Node& node) const override;
  void execute(const Node& node, NodeWork& work, ExecutionOutcome& outcome) const override;
  void finish(const Node& node, const ExecutionOutcome& outcome, NodeResult& result) const override;
  ResultLine result_line(const Node& node, const NodeResult& result) const override;

 private:
  std::string describe(const Node& node) const;
  std::string default_database_;
  std::map<std::string, std::filesystem::path> package_roots_;
};

}  // namespace kiln
