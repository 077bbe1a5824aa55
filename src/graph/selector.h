#pragma once

#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "common/data.h"
#include "graph/dag.h"
#include "manifest/manifest.h"

namespace kiln {

// What the command line asked for: `--select`, `--exclude`, `--selector`,
// `--indirect-selection`, and the resource types the command works on.
struct SelectionSpec {
  // Each value may hold several space-separated selectors (a union); commas intersect.
  std::vector<std::string> select;
  std::vector<std::string> exclude;
  std::string selector_name;                 // --selector; when set, select/exclude are ignored
  std::string indirect_selection = "eager";  // eager | cautious | buildable | empty
  std::vector<ResourceType> resource_types;  // empty: every type
};

// `run_results.json` of an earlier invocation, for `result:<status>`.
struct PreviousResults {
  std::map<std::string, std::string> status_by_id;  // "model.shop.orders" -> "error"

  // Reads `results[].unique_id` / `results[].status`; throws KilnError(Io) naming
  // `display_name` when the text is not a run_results.json.
  static PreviousResults parse_json(std::string_view text,
                                    const std::string& display_name = "run_results.json");
};

// sources.json of `dbt source freshness`, for `source_status:fresher`.
struct SourceFreshnessResults {
  std::map<std::string, std::string> max_loaded_at_by_id;  // ISO 8601, as sources.json has it
  std::set<std::string> errored;  // sources whose freshness query failed (no max_loaded_at)

  // Reads `results[].unique_id` / `results[].max_loaded_at`; throws KilnError(Io) naming
  // `display_name` when the text is not a sources.json.
  static SourceFreshnessResults parse_json(std::string_view text,
                                           const std::string& display_name = "sources.json");
};

// Everything selection reads. References must outlive the call.
struct SelectionContext {
  SelectionContext(const Manifest& manifest, const Dag& dag) : manifest(manifest), dag(dag) {}

  const Manifest& manifest;
  const Dag& dag;
  const Manifest* state_manifest = nullptr;  // --state: the earlier manifest
  const PreviousResults* previous_results = nullptr;
  const SourceFreshnessResults* current_sources = nullptr;   // target/sources.json
  const SourceFreshnessResults* previous_sources = nullptr;  // sources.json under --state
  // selectors.yml as parse_yaml returns it ({selectors: [...]}); manifest.json's name-keyed
  // form and a bare list are read too. Null or empty map: no YAML selectors.
  Data selectors = Data::map();
  std::string project_name;  // `package:this`; empty: manifest.metadata.project_name
};

// The unique ids dbt would select: methods, then graph operators, then set operators, then
// indirect test selection, then only enabled nodes of `spec.resource_types`.
// Without --select, --exclude and --selector, the `default: true` YAML selector if there is
// one, else every node. An empty result is not an error (the caller says "Nothing to do").
// Throws KilnError(Usage) for malformed selectors, unknown methods or selector names, and
// state:/result:/source_status: without the earlier state; KilnError(Project) for an invalid
// selectors.yml.
std::set<std::string> select_nodes(const SelectionSpec& spec, const SelectionContext& context);

// The selector marked `default: true` in `selectors`, if any. Throws KilnError(Project) when
// several are.
std::optional<std::string> default_selector_name(const Data& selectors);

// Checks every YAML selector definition (names, keys, methods, references to missing selectors,
// selectors that refer to themselves) without selecting anything; throws like select_nodes.
void validate_selectors(const Data& selectors);

// The method names `method:value` accepts, for help and "did you mean" hints.
const std::vector<std::string>& selector_method_names();

}  // namespace kiln
