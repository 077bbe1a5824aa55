#pragma once

// Internal to kiln_graph: the `method:value` half of node selection. Each method is a plain
// function from (call, context) to the unique ids it matches, registered in one table, in the
// spirit of dbt's selector_methods.py.

#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "graph/selector.h"

namespace kiln::selection {

// One vertex of the graph, whichever manifest collection it lives in.
struct NodeView {
  const std::string* unique_id = nullptr;
  ResourceType type = ResourceType::Model;
  const Node* node = nullptr;  // models, seeds, snapshots, tests, analyses, unit tests
  const SourceDefinition* source = nullptr;
  const PropertyResource* resource = nullptr;  // exposures, metrics, semantic models, ...

  const std::string& name() const;
  const std::string& package_name() const;
  const std::string& original_file_path() const;
  const std::vector<std::string>& fqn() const;
  const std::vector<std::string>& tags() const;
  const Data& config() const;
  bool enabled() const;
};

// Finds `unique_id` in any collection of `manifest`; an empty view (no pointers) if absent.
NodeView find_in_manifest(const Manifest& manifest, const std::string& unique_id);

class MethodContext {
 public:
  explicit MethodContext(const SelectionContext& context);

  const SelectionContext& context;
  const std::vector<NodeView>& views() const { return views_; }
  const NodeView* find(const std::string& unique_id) const;

  // Macros whose macro_sql differs from, or is missing in, the --state manifest; computed once.
  const std::set<std::string>& modified_macros();

 private:
  std::vector<NodeView> views_;
  std::map<std::string, size_t> index_;
  std::optional<std::set<std::string>> modified_macros_;
};

// `config.meta.owner:alice` -> method "config", arguments {"meta", "owner"}, value "alice".
struct MethodCall {
  std::string raw;  // the selector as written, for messages
  std::string method;
  std::vector<std::string> arguments;
  std::string value;
};

using MethodFn = std::set<std::string> (*)(const MethodCall&, MethodContext&);

// Every method but `selector`, which the evaluator resolves itself.
const std::map<std::string, MethodFn>& method_table();

// Shell-style wildcards as Python's fnmatch on POSIX: `*` also matches `/` and `.`, no escapes.
bool glob_match(std::string_view pattern, std::string_view text);
bool has_wildcard(std::string_view text);

// Implemented in state_methods.cc.
std::set<std::string> select_state(const MethodCall& call, MethodContext& context);
std::set<std::string> select_result(const MethodCall& call, MethodContext& context);
std::set<std::string> select_source_status(const MethodCall& call, MethodContext& context);

}  // namespace kiln::selection
