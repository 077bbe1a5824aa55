#pragma once

#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "adapters/adapter.h"
#include "cli/commands.h"
#include "cli/invocation.h"
#include "context/dbt_context.h"
#include "graph/dag.h"
#include "graph/selector.h"
#include "manifest/manifest.h"

namespace kiln {

// The node-selection flags of ls, compile, run, build and test.
struct SelectionFlags {
  std::vector<std::string> select;
  std::vector<std::string> exclude;
  std::string selector;
  std::string indirect_selection = "eager";
  std::vector<std::string> resource_types;  // --resource-type; empty: the command's default
  std::string state;                        // --state DIR
};

// A parsed project with its graph, ready to select from.
struct ParsedProject {
  Manifest manifest;
  Dag dag;
  ParseSession session;
  std::filesystem::path root_dir;    // the root project's folder
  std::filesystem::path target_dir;  // where this invocation's artifacts go
  // Package name -> its <test-path>/fixtures folders, where unit tests find fixture files.
  std::map<std::string, std::vector<std::filesystem::path>> fixture_dirs;
};

// Parses the project, checks the graph for cycles, and reads selectors.yml into the manifest.
ParsedProject parse_and_check(Invocation& invocation);

// The unique ids the flags select, among `default_types` unless --resource-type says otherwise.
std::set<std::string> select_from(const ParsedProject& project, const SelectionFlags& flags,
                                  const std::vector<ResourceType>& default_types);

}  // namespace kiln
