#pragma once

#include <string>

#include "cli/invocation.h"
#include "cli/selection.h"

namespace kiln {

struct ShowFlags {
  std::string inline_sql;       // --inline: SQL to preview instead of selected nodes
  int limit = 5;                // --limit: rows to show; negative for all
  std::string output = "text";  // --output: text (a table) or json
};

// `kiln show`: compiles the selected nodes (or --inline SQL), runs each query limited to
// `limit` rows on the target and prints the rows: "Previewing node 'x':" and a table, or one
// JSON object per node with --output json. A seed's preview is its table.
int run_show(Invocation& invocation, const SelectionFlags& flags, const ShowFlags& show);

// `kiln run-operation MACRO --args '{...}'`: calls the macro (MACRO or PACKAGE.MACRO) with the
// arguments as keywords in execution mode, commits what it left open, and writes
// run_results.json with one result. Exit 1 when the macro failed.
int run_operation(Invocation& invocation, const std::string& macro_name,
                  const std::string& args_text);

// `kiln source freshness`: checks the selected sources' freshness rules (runner/freshness.h)
// and writes target/sources.json (or `output_path`). Exit 1 when a source is stale past
// error_after or could not be measured.
int run_source_freshness(Invocation& invocation, const SelectionFlags& flags,
                         const std::string& output_path);

}  // namespace kiln
