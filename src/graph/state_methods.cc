// `state:` (comparison with the --state manifest) and `result:` (statuses in the earlier
// run_results.json).

#include <algorithm>
#include <cctype>
#include <functional>

#include "common/error.h"
#include "common/strings.h"
#include "graph/selector_methods.h"

namespace kiln::selection {
namespace {

// Maps compare as sets of keys: the order a YAML file wrote them in is not a change.
bool same_data(const Data& a, const Data& b) {
  if (a.is_map() && b.is_map()) {
    if (a.as_map().size() != b.as_map().size()) return false;
    for (const auto& [key, value] : a.as_map()) {
      const Data* other = b.find(key);
      if (!other || !same_data(value, *other)) return false;
    }
    return true;
  }
  if (a.is_list() && b.is_list()) {
    const auto& x = a.as_list();
    const auto& y = b.as_list();
    if (x.size() != y.size()) return false;
    for (size_t i = 0; i < x.size(); ++i) {
      if (!same_data(x[i], y[i])) return false;
    }
    return true;
  }
  return a == b;
}

bool is_empty_map(const Data& data) {
  return data.is_null() || (data.is_map() && data.as_map().empty());
}

// dbt compares what the user configured (unrendered_config), so a new target or env var is not a
// change. Manifests that carry no unrendered config at all fall back to the resolved config.
const Data& configured(const Data& unrendered, const Data& rendered, bool use_unrendered) {
  return use_unrendered ? unrendered : rendered;
}

Data without_keys(const Data& config, std::initializer_list<std::string_view> keys) {
  if (!config.is_map()) return config;
  Data::Map kept;
  for (const auto& [key, value] : config.as_map()) {
    if (std::find(keys.begin(), keys.end(), key) == keys.end()) kept.emplace_back(key, value);
  }
  return Data::map(std::move(kept));
}

const Data* lookup(const Data& data, std::string_view key) {
  return data.is_map() ? data.find(key) : nullptr;
}

bool same_optional(const Data* a, const Data* b) {
  if (!a || a->is_null()) return !b || b->is_null();
  if (!b || b->is_null()) return false;
  return same_data(*a, *b);
}

bool truthy(const Data* value) {
  if (!value) return false;
  if (value->is_bool()) return value->as_bool();
  if (value->is_string()) return !value->as_string().empty();
  if (value->is_number()) return value->as_float() != 0;
  return false;
}

// --- nodes ----------------------------------------------------------------------------------

bool same_body(const Node& now, const Node& before) {
  if (!now.checksum.empty() && !before.checksum.empty()) return now.checksum == before.checksum;
  return now.raw_code == before.raw_code;
}

bool use_unrendered(const Node& now, const Node& before) {
  return !is_empty_map(now.unrendered_config) || !is_empty_map(before.unrendered_config);
}

bool same_config(const Node& now, const Node& before) {
  bool unrendered = use_unrendered(now, before);
  // database/schema/alias belong to modified.relation, not to modified.configs.
  const std::initializer_list<std::string_view> relation_keys = {"database", "schema", "alias"};
  return same_data(
      without_keys(configured(now.unrendered_config, now.config, unrendered), relation_keys),
      without_keys(configured(before.unrendered_config, before.config, unrendered), relation_keys));
}

bool same_relation(const Node& now, const Node& before) {
  bool unrendered = use_unrendered(now, before);
  const Data& a = configured(now.unrendered_config, now.config, unrendered);
  const Data& b = configured(before.unrendered_config, before.config, unrendered);
  for (std::string_view key : {"database", "schema", "alias"}) {
    if (!same_optional(lookup(a, key), lookup(b, key))) return false;
  }
  return true;
}

bool same_persisted_descriptions(const Node& now, const Node& before) {
  const Data* persist = lookup(now.config, "persist_docs");
  if (!persist) return true;
  if (truthy(lookup(*persist, "relation")) && now.description != before.description) {
    return false;
  }
  if (truthy(lookup(*persist, "columns"))) {
    std::map<std::string, std::string> a, b;
    for (const ColumnDef& column : now.columns) a[column.name] = column.description;
    for (const ColumnDef& column : before.columns) b[column.name] = column.description;
    if (a != b) return false;
  }
  return true;
}

bool contract_enforced(const Node& node) {
  return truthy(lookup(node.contract, "enforced"));
}

bool same_contract(const Node& now, const Node& before) {
  if (!contract_enforced(now) && !contract_enforced(before)) return true;
  if (contract_enforced(now) != contract_enforced(before)) return false;
  const Data* a = lookup(now.contract, "checksum");
  const Data* b = lookup(before.contract, "checksum");
  if (a && b && a->is_string() && b->is_string() && !a->as_string().empty() &&
      !b->as_string().empty()) {
    return a->as_string() == b->as_string();
  }
  // Without checksums, the contract is the declared columns and constraints.
  if (now.columns.size() != before.columns.size()) return false;
  for (size_t i = 0; i < now.columns.size(); ++i) {
    const ColumnDef& x = now.columns[i];
    const ColumnDef& y = before.columns[i];
    if (x.name != y.name || x.data_type != y.data_type ||
        !same_data(x.constraints, y.constraints)) {
      return false;
    }
  }
  return same_data(now.constraints, before.constraints);
}

bool same_node_contents(const Node& now, const Node& before) {
  bool same = same_body(now, before) && same_config(now, before) &&
              same_persisted_descriptions(now, before) && now.fqn == before.fqn &&
              same_relation(now, before) && same_contract(now, before);
  if (now.resource_type == ResourceType::UnitTest) {
    same = same && same_data(now.unit_test, before.unit_test);
  }
  return same;
}

// --- sources and property resources ---------------------------------------------------------

bool same_source_config(const SourceDefinition& now, const SourceDefinition& before) {
  bool unrendered = !is_empty_map(now.unrendered_config) || !is_empty_map(before.unrendered_config);
  return same_data(configured(now.unrendered_config, now.config, unrendered),
                   configured(before.unrendered_config, before.config, unrendered));
}

bool same_source_relation(const SourceDefinition& now, const SourceDefinition& before) {
  return now.database == before.database && now.schema == before.schema &&
         now.identifier == before.identifier;
}

bool same_source_contents(const SourceDefinition& now, const SourceDefinition& before) {
  return same_source_relation(now, before) && now.fqn == before.fqn &&
         same_source_config(now, before) && same_data(now.quoting, before.quoting) &&
         same_data(now.freshness, before.freshness) &&
         now.loaded_at_field == before.loaded_at_field &&
         now.loaded_at_query == before.loaded_at_query && now.loader == before.loader;
}

bool same_resource_contents(const PropertyResource& now, const PropertyResource& before) {
  return now.fqn == before.fqn && now.depends_on_nodes == before.depends_on_nodes &&
         same_data(now.config, before.config) && same_data(now.properties, before.properties) &&
         now.tags == before.tags && same_data(now.meta, before.meta);
}

// --- macros ---------------------------------------------------------------------------------

// Whether any macro `node` calls, directly or through other macros, changed.
bool upstream_macro_changed(const NodeView& view, MethodContext& context) {
  if (!view.node) return false;
  const std::set<std::string>& modified = context.modified_macros();
  if (modified.empty()) return false;
  const auto& macros = context.context.manifest.macros;
  std::set<std::string> seen;
  std::vector<std::string> pending(view.node->depends_on_macros.begin(),
                                   view.node->depends_on_macros.end());
  while (!pending.empty()) {
    std::string id = std::move(pending.back());
    pending.pop_back();
    if (!seen.insert(id).second) continue;
    if (modified.count(id)) return true;
    if (auto it = macros.find(id); it != macros.end()) {
      pending.insert(pending.end(), it->second.depends_on_macros.begin(),
                     it->second.depends_on_macros.end());
    }
  }
  return false;
}

enum class Check { Body, Configs, Relation, PersistedDescriptions, Contract };

// modified.<x> for one aspect; new nodes count as modified, as in dbt.
bool modified_aspect(const NodeView& now, const NodeView& before, Check check) {
  if (!before.unique_id) return true;
  if (now.node && before.node) {
    const Node& a = *now.node;
    const Node& b = *before.node;
    switch (check) {
      case Check::Body:
        return !same_body(a, b);
      case Check::Configs:
        return !same_config(a, b);
      case Check::Relation:
        return !same_relation(a, b);
      case Check::PersistedDescriptions:
        return !same_persisted_descriptions(a, b);
      case Check::Contract:
        return !same_contract(a, b);
    }
  }
  if (now.source && before.source) {
    if (check == Check::Configs) return !same_source_config(*now.source, *before.source);
    if (check == Check::Relation) return !same_source_relation(*now.source, *before.source);
    return false;
  }
  if (now.resource && before.resource && check == Check::Configs) {
    return !same_data(now.resource->config, before.resource->config);
  }
  // A vertex that changed collection (a seed that became a model) has changed its body.
  return now.type != before.type && check == Check::Body;
}

bool modified_contents(const NodeView& now, const NodeView& before, MethodContext& context) {
  if (!before.unique_id) return true;
  bool same = now.type == before.type;
  if (same && now.node && before.node) same = same_node_contents(*now.node, *before.node);
  if (same && now.source && before.source) same = same_source_contents(*now.source, *before.source);
  if (same && now.resource && before.resource) {
    same = same_resource_contents(*now.resource, *before.resource);
  }
  return !same || upstream_macro_changed(now, context);
}

const std::vector<std::string>& state_values() {
  static const std::vector<std::string> values = {
      "new",
      "old",
      "modified",
      "modified.body",
      "modified.configs",
      "modified.relation",
      "modified.persisted_descriptions",
      "modified.macros",
      "modified.contract",
      "unmodified",
  };
  return values;
}

}  // namespace

const std::set<std::string>& MethodContext::modified_macros() {
  if (modified_macros_) return *modified_macros_;
  modified_macros_.emplace();
  if (!context.state_manifest) return *modified_macros_;
  const auto& now = context.manifest.macros;
  const auto& before = context.state_manifest->macros;
  for (const auto& [id, macro] : now) {
    auto it = before.find(id);
    if (it == before.end() || it->second.macro_sql != macro.macro_sql) modified_macros_->insert(id);
  }
  for (const auto& [id, macro] : before) {
    if (!now.count(id)) modified_macros_->insert(id);
  }
  return *modified_macros_;
}

std::set<std::string> select_state(const MethodCall& call, MethodContext& context) {
  const std::vector<std::string>& values = state_values();
  if (std::find(values.begin(), values.end(), call.value) == values.end()) {
    KilnError error(ErrorKind::Usage, "Got an invalid selector '" + call.raw +
                                          "': state: takes one of " + join(values, ", "));
    std::string guess = closest_match(call.value, values);
    if (!guess.empty()) error.with_hint("did you mean 'state:" + guess + "'?");
    throw error;
  }
  if (!context.context.state_manifest) {
    throw KilnError(ErrorKind::Usage, "--state is required for state: selection", SourceLocation{},
                    "pass --state <dir> pointing at the artifacts of an earlier invocation");
  }
  const Manifest& previous = *context.context.state_manifest;
  const std::string& value = call.value;
  std::set<std::string> out;
  for (const NodeView& now : context.views()) {
    NodeView before = find_in_manifest(previous, *now.unique_id);
    bool match = false;
    if (value == "new") {
      match = !before.unique_id;
    } else if (value == "old") {
      match = before.unique_id != nullptr;
    } else if (value == "modified") {
      match = modified_contents(now, before, context);
    } else if (value == "unmodified") {
      match = before.unique_id && !modified_contents(now, before, context);
    } else if (value == "modified.body") {
      match = modified_aspect(now, before, Check::Body);
    } else if (value == "modified.configs") {
      match = modified_aspect(now, before, Check::Configs);
    } else if (value == "modified.relation") {
      match = modified_aspect(now, before, Check::Relation);
    } else if (value == "modified.persisted_descriptions") {
      match = modified_aspect(now, before, Check::PersistedDescriptions);
    } else if (value == "modified.contract") {
      match = modified_aspect(now, before, Check::Contract);
    } else if (value == "modified.macros") {
      match = upstream_macro_changed(now, context);
    }
    if (match) out.insert(*now.unique_id);
  }
  return out;
}

std::set<std::string> select_result(const MethodCall& call, MethodContext& context) {
  if (!context.context.previous_results) {
    throw KilnError(ErrorKind::Usage, "--state is required for result: selection", SourceLocation{},
                    "pass --state <dir> holding the run_results.json of an earlier invocation");
  }
  std::set<std::string> out;
  for (const auto& [id, status] : context.context.previous_results->status_by_id) {
    if (status == call.value && context.find(id)) out.insert(id);
  }
  return out;
}

namespace {

// ISO 8601 timestamps as sortable text: digits of the date and time, then the fraction padded,
// so "2024-05-01 12:00:00+00:00" and "2024-05-01T12:00:00.5Z" compare by time. Timezones are
// taken as UTC, which is what dbt writes.
std::string timestamp_key(const std::string& text) {
  std::string digits, fraction;
  bool in_fraction = false;
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '+' || c == 'Z' || (c == '-' && digits.size() >= 8)) break;
    if (c == '.' && digits.size() >= 14) {
      in_fraction = true;
    } else if (std::isdigit(static_cast<unsigned char>(c))) {
      (in_fraction ? fraction : digits) += c;
    }
  }
  fraction.resize(9, '0');
  return digits + fraction;
}

}  // namespace

std::set<std::string> select_source_status(const MethodCall& call, MethodContext& context) {
  if (call.value != "fresher") {
    throw KilnError(ErrorKind::Usage,
                    "Got an invalid selector '" + call.raw + "': source_status: takes fresher");
  }
  const SourceFreshnessResults* now = context.context.current_sources;
  const SourceFreshnessResults* before = context.context.previous_sources;
  if (!before) {
    throw KilnError(ErrorKind::Usage, "--state is required for source_status: selection",
                    SourceLocation{},
                    "pass --state <dir> holding the sources.json of an earlier `source freshness`");
  }
  if (!now) {
    throw KilnError(ErrorKind::Usage,
                    "source_status: selection needs the current sources.json: run `source "
                    "freshness` first");
  }
  std::set<std::string> out;
  for (const auto& [id, loaded] : now->max_loaded_at_by_id) {
    const NodeView* view = context.find(id);
    if (!view || view->type != ResourceType::Source) continue;
    auto previous = before->max_loaded_at_by_id.find(id);
    // A source without an earlier result, or whose earlier check failed, counts as fresher.
    if (previous == before->max_loaded_at_by_id.end() ||
        timestamp_key(loaded) > timestamp_key(previous->second)) {
      out.insert(id);
    }
  }
  return out;
}

}  // namespace kiln::selection
