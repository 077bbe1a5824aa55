#pragma once

#include <map>
#include <optional>
#include <set>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "manifest/manifest.h"

namespace kiln {

// The dependency graph of a parsed project, as dbt's linker builds it: one vertex per node, unit
// test, source, exposure, metric, semantic model and saved query; an edge parent -> child for
// every id in a child's `depends_on_nodes`. Ids that name nothing in the graph (a disabled
// model, say) get no edge but still show in parent_map, as in manifest.json.
//
// The Dag copies what it needs and keeps no pointer into the Manifest.
class Dag {
 public:
  // Throws KilnError(Project) "Found a cycle: a --> b --> a" when the graph is not acyclic,
  // because nothing downstream (selection, scheduling) means anything on a cyclic graph.
  static Dag build(const Manifest& manifest);
  // Same, without the cycle check; find_cycle() tells whether there is one.
  static Dag build_unchecked(const Manifest& manifest);

  bool contains(const std::string& unique_id) const { return index_.count(unique_id) > 0; }
  // Every vertex, sorted by unique id.
  const std::vector<std::string>& nodes() const { return ids_; }
  size_t size() const { return ids_.size(); }
  std::optional<ResourceType> resource_type(const std::string& unique_id) const;

  // Direct neighbours inside the graph, sorted. Unknown ids have none.
  const std::vector<std::string>& parents(const std::string& unique_id) const;
  const std::vector<std::string>& children(const std::string& unique_id) const;

  // manifest.json's `parent_map` / `child_map`: every vertex is a key, values sorted.
  // parent_map lists depends_on_nodes as declared, child_map only vertices of the graph.
  std::map<std::string, std::vector<std::string>> parent_map() const;
  std::map<std::string, std::vector<std::string>> child_map() const;

  // Nodes with a path to / from any of `from`, up to `max_depth` edges away (nullopt: no limit).
  // The starting nodes are only included when another starting node reaches them.
  std::set<std::string> ancestors(const std::set<std::string>& from,
                                  std::optional<int> max_depth = std::nullopt) const;
  std::set<std::string> descendants(const std::set<std::string>& from,
                                    std::optional<int> max_depth = std::nullopt) const;
  std::set<std::string> ancestors(const std::string& unique_id,
                                  std::optional<int> max_depth = std::nullopt) const {
    return ancestors(std::set<std::string>{unique_id}, max_depth);
  }
  std::set<std::string> descendants(const std::string& unique_id,
                                    std::optional<int> max_depth = std::nullopt) const {
    return descendants(std::set<std::string>{unique_id}, max_depth);
  }

  // Parents before children; among nodes that are ready at the same time, by unique id, so the
  // order is the same on every run. Throws like build() when the graph has a cycle.
  std::vector<std::string> topological_order() const;
  // The same order restricted to `subset` (ids outside the graph are dropped).
  std::vector<std::string> topological_order(const std::set<std::string>& subset) const;

  // For each node of `selected`, the selected nodes it waits for once the others are dropped:
  // its nearest selected ancestors, looking through unselected nodes (dbt's subset graph), so
  // `a -> b -> c` run as `a c` still orders c after a. Values sorted.
  std::map<std::string, std::vector<std::string>> subgraph_parents(
      const std::set<std::string>& selected) const;

  // The extra edges `dbt build` orders by, test -> node: a data test on a parent of a model,
  // seed or snapshot runs before it (and a failure skips it) when every node the test depends on
  // is upstream of it. Selection never follows these edges. Sorted.
  std::vector<std::pair<std::string, std::string>> test_edges() const;

  // Number of nodes on the longest path that starts at `unique_id` and follows children,
  // counting the node itself: 1 for a node without children, 0 for an unknown id. The scheduler
  // starts the longest chains first.
  int critical_path(const std::string& unique_id) const;

  // The first cycle found, as a path a, b, ..., a along parent -> child edges, starting at the
  // smallest unique id on it; nullopt when the graph is acyclic.
  std::optional<std::vector<std::string>> find_cycle() const;

 private:
  void compute_order();
  std::optional<int> index_of(const std::string& unique_id) const;

  std::vector<std::string> ids_;
  std::unordered_map<std::string, int> index_;
  std::vector<ResourceType> types_;
  std::vector<std::vector<int>> parent_edges_;
  std::vector<std::vector<int>> child_edges_;
  std::vector<std::vector<std::string>> parent_ids_;
  std::vector<std::vector<std::string>> child_ids_;
  std::vector<std::vector<std::string>> declared_parents_;
  std::vector<int> order_;  // topological order; shorter than ids_ when there is a cycle
  std::vector<int> critical_path_;
};

}  // namespace kiln
