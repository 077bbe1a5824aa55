#include "graph/dag.h"

#include <algorithm>
#include <deque>
#include <functional>
#include <queue>

#include "common/error.h"
#include "common/strings.h"

namespace kiln {
namespace {

const std::vector<std::string> kNoIds;

struct Vertex {
  std::string id;
  ResourceType type;
  const std::vector<std::string>* depends_on;
};

std::vector<std::string> sorted_unique(std::vector<std::string> ids) {
  std::sort(ids.begin(), ids.end());
  ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
  return ids;
}

}  // namespace

Dag Dag::build(const Manifest& manifest) {
  Dag dag = build_unchecked(manifest);
  if (auto cycle = dag.find_cycle()) {
    throw KilnError(ErrorKind::Project, "Found a cycle: " + join(*cycle, " --> "));
  }
  return dag;
}

Dag Dag::build_unchecked(const Manifest& manifest) {
  std::vector<Vertex> vertices;
  for (const auto& [id, node] : manifest.nodes) {
    vertices.push_back({id, node.resource_type, &node.depends_on_nodes});
  }
  for (const auto& [id, node] : manifest.unit_tests) {
    vertices.push_back({id, ResourceType::UnitTest, &node.depends_on_nodes});
  }
  static const std::vector<std::string> kNone;
  for (const auto& [id, source] : manifest.sources) {
    vertices.push_back({id, ResourceType::Source, &kNone});
  }
  for (const auto* resources : {&manifest.exposures, &manifest.metrics, &manifest.semantic_models,
                                &manifest.saved_queries}) {
    for (const auto& [id, resource] : *resources) {
      vertices.push_back({id, resource.resource_type, &resource.depends_on_nodes});
    }
  }
  std::sort(vertices.begin(), vertices.end(),
            [](const Vertex& a, const Vertex& b) { return a.id < b.id; });

  Dag dag;
  size_t n = vertices.size();
  dag.ids_.reserve(n);
  dag.types_.reserve(n);
  for (const Vertex& v : vertices) {
    // The same id in two collections would be a parser bug; the first one wins.
    if (dag.index_.count(v.id)) continue;
    dag.index_.emplace(v.id, static_cast<int>(dag.ids_.size()));
    dag.ids_.push_back(v.id);
    dag.types_.push_back(v.type);
  }
  n = dag.ids_.size();
  dag.parent_edges_.assign(n, {});
  dag.child_edges_.assign(n, {});
  dag.parent_ids_.assign(n, {});
  dag.child_ids_.assign(n, {});
  dag.declared_parents_.assign(n, {});
  for (const Vertex& v : vertices) {
    int child = dag.index_.at(v.id);
    if (!dag.declared_parents_[child].empty()) continue;
    dag.declared_parents_[child] = sorted_unique(*v.depends_on);
    for (const std::string& parent_id : dag.declared_parents_[child]) {
      auto it = dag.index_.find(parent_id);
      if (it == dag.index_.end()) continue;
      dag.parent_edges_[child].push_back(it->second);
      dag.child_edges_[it->second].push_back(child);
    }
  }
  // Ids are sorted, so sorting indices sorts by id.
  for (size_t i = 0; i < n; ++i) {
    std::sort(dag.parent_edges_[i].begin(), dag.parent_edges_[i].end());
    std::sort(dag.child_edges_[i].begin(), dag.child_edges_[i].end());
    for (int p : dag.parent_edges_[i]) dag.parent_ids_[i].push_back(dag.ids_[p]);
    for (int c : dag.child_edges_[i]) dag.child_ids_[i].push_back(dag.ids_[c]);
  }
  dag.compute_order();
  return dag;
}

void Dag::compute_order() {
  size_t n = ids_.size();
  std::vector<size_t> pending(n);
  std::priority_queue<int, std::vector<int>, std::greater<int>> ready;
  for (size_t i = 0; i < n; ++i) {
    pending[i] = parent_edges_[i].size();
    if (pending[i] == 0) ready.push(static_cast<int>(i));
  }
  order_.clear();
  while (!ready.empty()) {
    int next = ready.top();
    ready.pop();
    order_.push_back(next);
    for (int child : child_edges_[next]) {
      if (--pending[child] == 0) ready.push(child);
    }
  }
  critical_path_.assign(n, 0);
  for (auto it = order_.rbegin(); it != order_.rend(); ++it) {
    int longest = 0;
    for (int child : child_edges_[*it]) longest = std::max(longest, critical_path_[child]);
    critical_path_[*it] = longest + 1;
  }
}

std::optional<int> Dag::index_of(const std::string& unique_id) const {
  auto it = index_.find(unique_id);
  if (it == index_.end()) return std::nullopt;
  return it->second;
}

std::optional<ResourceType> Dag::resource_type(const std::string& unique_id) const {
  auto i = index_of(unique_id);
  if (!i) return std::nullopt;
  return types_[*i];
}

const std::vector<std::string>& Dag::parents(const std::string& unique_id) const {
  auto i = index_of(unique_id);
  return i ? parent_ids_[*i] : kNoIds;
}

const std::vector<std::string>& Dag::children(const std::string& unique_id) const {
  auto i = index_of(unique_id);
  return i ? child_ids_[*i] : kNoIds;
}

std::map<std::string, std::vector<std::string>> Dag::parent_map() const {
  std::map<std::string, std::vector<std::string>> out;
  for (size_t i = 0; i < ids_.size(); ++i) out.emplace(ids_[i], declared_parents_[i]);
  return out;
}

std::map<std::string, std::vector<std::string>> Dag::child_map() const {
  std::map<std::string, std::vector<std::string>> out;
  for (size_t i = 0; i < ids_.size(); ++i) out.emplace(ids_[i], child_ids_[i]);
  return out;
}

namespace {

// Breadth-first, so a node reached by a short and a long path counts at the short distance.
std::set<std::string> walk(const std::vector<std::string>& ids,
                           const std::unordered_map<std::string, int>& index,
                           const std::vector<std::vector<int>>& edges,
                           const std::set<std::string>& from, std::optional<int> max_depth) {
  std::vector<int> depth(ids.size(), -1);
  std::deque<int> queue;
  for (const std::string& id : from) {
    auto it = index.find(id);
    if (it == index.end()) continue;
    depth[it->second] = 0;
    queue.push_back(it->second);
  }
  std::vector<bool> reached(ids.size(), false);
  while (!queue.empty()) {
    int current = queue.front();
    queue.pop_front();
    if (max_depth && depth[current] >= *max_depth) continue;
    for (int next : edges[current]) {
      reached[next] = true;
      if (depth[next] != -1) continue;
      depth[next] = depth[current] + 1;
      queue.push_back(next);
    }
  }
  std::set<std::string> out;
  for (size_t i = 0; i < ids.size(); ++i) {
    if (reached[i]) out.insert(ids[i]);
  }
  return out;
}

}  // namespace

std::set<std::string> Dag::ancestors(const std::set<std::string>& from,
                                     std::optional<int> max_depth) const {
  return walk(ids_, index_, parent_edges_, from, max_depth);
}

std::set<std::string> Dag::descendants(const std::set<std::string>& from,
                                       std::optional<int> max_depth) const {
  return walk(ids_, index_, child_edges_, from, max_depth);
}

std::vector<std::string> Dag::topological_order() const {
  if (order_.size() != ids_.size()) {
    auto cycle = find_cycle();
    throw KilnError(ErrorKind::Project, "Found a cycle: " + join(cycle.value_or(kNoIds), " --> "));
  }
  std::vector<std::string> out;
  out.reserve(order_.size());
  for (int i : order_) out.push_back(ids_[i]);
  return out;
}

std::vector<std::string> Dag::topological_order(const std::set<std::string>& subset) const {
  std::vector<std::string> out;
  for (const std::string& id : topological_order()) {
    if (subset.count(id)) out.push_back(id);
  }
  return out;
}

std::map<std::string, std::vector<std::string>> Dag::subgraph_parents(
    const std::set<std::string>& selected) const {
  std::vector<bool> chosen(ids_.size(), false);
  for (const std::string& id : selected) {
    if (auto i = index_of(id)) chosen[*i] = true;
  }
  // The nearest chosen ancestors of each unchosen node, filled on first use: long unselected
  // chains are walked once, not once per selected descendant.
  std::vector<std::optional<std::set<int>>> through(ids_.size());
  std::function<const std::set<int>&(int)> frontier = [&](int node) -> const std::set<int>& {
    if (!through[node]) {
      std::set<int> found;
      for (int parent : parent_edges_[node]) {
        if (chosen[parent]) {
          found.insert(parent);
        } else {
          const std::set<int>& further = frontier(parent);
          found.insert(further.begin(), further.end());
        }
      }
      through[node] = std::move(found);
    }
    return *through[node];
  };
  std::map<std::string, std::vector<std::string>> out;
  for (const std::string& id : selected) {
    auto i = index_of(id);
    if (!i) continue;
    std::set<int> parents;
    for (int parent : parent_edges_[*i]) {
      if (chosen[parent]) {
        parents.insert(parent);
      } else {
        const std::set<int>& further = frontier(parent);
        parents.insert(further.begin(), further.end());
      }
    }
    std::vector<std::string>& names = out[id];
    for (int parent : parents) names.push_back(ids_[parent]);
  }
  return out;
}

std::vector<std::pair<std::string, std::string>> Dag::test_edges() const {
  auto is_buildable = [&](int i) {
    ResourceType type = types_[i];
    return type == ResourceType::Model || type == ResourceType::Seed ||
           type == ResourceType::Snapshot;
  };
  std::vector<std::pair<std::string, std::string>> out;
  for (size_t node = 0; node < ids_.size(); ++node) {
    if (!is_buildable(static_cast<int>(node))) continue;
    std::optional<std::set<std::string>> upstream;
    std::set<int> tests;
    for (int parent : parent_edges_[node]) {
      for (int child : child_edges_[parent]) {
        if (types_[child] == ResourceType::Test) tests.insert(child);
      }
    }
    for (int test : tests) {
      bool covered = true;
      for (int needed : parent_edges_[test]) {
        if (std::binary_search(parent_edges_[node].begin(), parent_edges_[node].end(), needed)) {
          continue;
        }
        // Only tests with several parents get here, so the ancestor walk stays rare.
        if (!upstream) upstream = ancestors(ids_[node]);
        if (!upstream->count(ids_[needed])) {
          covered = false;
          break;
        }
      }
      if (covered) out.emplace_back(ids_[test], ids_[node]);
    }
  }
  std::sort(out.begin(), out.end());
  return out;
}

int Dag::critical_path(const std::string& unique_id) const {
  auto i = index_of(unique_id);
  return i ? critical_path_[*i] : 0;
}

std::optional<std::vector<std::string>> Dag::find_cycle() const {
  if (order_.size() == ids_.size()) return std::nullopt;
  std::vector<bool> done(ids_.size(), false);
  for (int i : order_) done[i] = true;
  // Every vertex Kahn's algorithm could not order keeps at least one unordered parent, so
  // walking up unordered parents from any of them must come back to a vertex already seen.
  int start = 0;
  while (done[start]) ++start;
  std::vector<int> path;
  std::vector<int> position(ids_.size(), -1);
  int current = start;
  while (position[current] == -1) {
    position[current] = static_cast<int>(path.size());
    path.push_back(current);
    for (int parent : parent_edges_[current]) {
      if (!done[parent]) {
        current = parent;
        break;
      }
    }
  }
  // path[position[current]..] walks child -> parent; the cycle reads parent -> child.
  std::vector<int> cycle(path.begin() + position[current], path.end());
  std::reverse(cycle.begin(), cycle.end());
  std::rotate(cycle.begin(), std::min_element(cycle.begin(), cycle.end()), cycle.end());
  std::vector<std::string> out;
  for (int i : cycle) out.push_back(ids_[i]);
  out.push_back(ids_[cycle.front()]);
  return out;
}

}  // namespace kiln
