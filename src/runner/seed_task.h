#pragma once

#include <filesystem>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "adapters/adapter.h"
#include "context/dbt_context.h"
#include "manifest/manifest.h"
#include "runner/run_task.h"

namespace kiln {

struct SeedOptions {
  RunOptions run;  // threads, fail-fast, full refresh, colour, folders, Ctrl-C (hooks unused)
  // Package name -> its root folder: a seed's CSV is original_file_path under it.
  std::map<std::string, std::filesystem::path> package_roots;
};

// `kiln seed`: loads each selected seed's CSV into a table named after it, on
// `options.run.threads` workers. Per seed, in C++ rather than a Jinja materialization (the rows
// go through Connection::open_appender, which templates cannot reach): read the file and infer
// the columns (src/seeds), drop leftovers, run transaction-less pre-hooks, then in one
// transaction create `<name>__kiln_tmp`, bulk-load it, run pre-hooks, swap it in as tables are
// swapped (old -> `__kiln_backup`, tmp -> name, backup dropped), run post-hooks and commit.
// Every load is a full replacement, so changed columns need no --full-refresh; a bad CSV or a
// failed load leaves the previous table as it was. Prints dbt's seed lines and summary.
RunSummary seed_nodes(const Manifest& manifest, const std::set<std::string>& selected,
                      const std::vector<DbtContext*>& contexts, Adapter& adapter,
                      const SeedOptions& options);

}  // namespace kiln
