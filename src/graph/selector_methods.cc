#include "graph/selector_methods.h"

#include <fnmatch.h>

#include <algorithm>

#include "common/error.h"
#include "common/strings.h"

namespace kiln::selection {
namespace {

const std::string kEmpty;
const std::vector<std::string> kNoStrings;
const Data kEmptyMap = Data::map();

std::string last_segment(const std::string& path) {
  size_t slash = path.find_last_of('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

KilnError usage(std::string message) {
  return KilnError(ErrorKind::Usage, std::move(message));
}

// --- fqn ------------------------------------------------------------------------------------

std::vector<std::string> flatten(const std::vector<std::string>& fqn, size_t from) {
  std::vector<std::string> flat;
  for (size_t i = from; i < fqn.size(); ++i) {
    // Dots in a model name ("orders.v2" style) separate namespaces too.
    for (std::string& part : split(fqn[i], '.')) flat.push_back(std::move(part));
  }
  return flat;
}

bool fqn_tail_matches(const std::vector<std::string>& fqn, size_t from, const std::string& selector,
                      bool versioned) {
  if (fqn.size() <= from) return false;
  if (versioned && fqn.size() - from >= 2) {
    // A versioned model's fqn ends in its version ("dim_customers", "v2"): the bare name picks
    // every version, "dim_customers.v2" or "dim_customers_v2" one of them.
    const std::string& name = fqn[fqn.size() - 2];
    if (glob_match(selector, name)) return true;
    std::vector<std::string> parts = split(selector, '.');
    if (parts.size() >= 2) {
      std::string joined = parts[parts.size() - 2] + "_" + parts.back();
      if (joined == name + "_" + fqn.back()) return true;
    }
    if (selector == name + "_" + fqn.back()) return true;
  } else if (glob_match(selector, fqn.back())) {
    return true;
  }
  std::vector<std::string> flat = flatten(fqn, from);
  std::vector<std::string> parts = split(selector, '.');
  if (parts.size() > flat.size()) return false;
  // A prefix of the fqn selects everything under it: "shop.staging" is a folder.
  bool prefix = true;
  for (size_t i = 0; i < parts.size(); ++i) {
    if (!glob_match(parts[i], flat[i])) {
      prefix = false;
      break;
    }
  }
  if (prefix) return true;
  return has_wildcard(selector) && glob_match(selector, join(flat, "."));
}

std::set<std::string> select_fqn(const MethodCall& call, MethodContext& context) {
  std::set<std::string> out;
  for (const NodeView& view : context.views()) {
    // dbt leaves sources out of fqn matching: they have `source:`.
    if (view.source) continue;
    bool versioned = view.node && view.node->version.has_value();
    const auto& fqn = view.fqn();
    // Both "shop.staging.orders" and "staging.orders" name the same node.
    if (fqn_tail_matches(fqn, 0, call.value, versioned) ||
        fqn_tail_matches(fqn, 1, call.value, versioned)) {
      out.insert(*view.unique_id);
    }
  }
  return out;
}

// --- simple attribute methods ---------------------------------------------------------------

std::set<std::string> select_tag(const MethodCall& call, MethodContext& context) {
  std::set<std::string> out;
  for (const NodeView& view : context.views()) {
    for (const std::string& tag : view.tags()) {
      if (glob_match(call.value, tag)) {
        out.insert(*view.unique_id);
        break;
      }
    }
  }
  return out;
}

std::string normalize_path(std::string path) {
  while (path.rfind("./", 0) == 0) path.erase(0, 2);
  while (path.size() > 1 && path.back() == '/') path.pop_back();
  return path;
}

std::set<std::string> select_path(const MethodCall& call, MethodContext& context) {
  std::string selector = normalize_path(call.value);
  std::set<std::string> out;
  for (const NodeView& view : context.views()) {
    // The property file that describes a node selects it too ("shop://models/schema.yml").
    if (view.node && !view.node->patch_path.empty()) {
      const std::string& patch = view.node->patch_path;
      size_t scheme = patch.find("://");
      if (glob_match(
              selector,
              normalize_path(scheme == std::string::npos ? patch : patch.substr(scheme + 3)))) {
        out.insert(*view.unique_id);
        continue;
      }
    }
    // The file itself or any folder holding it may match.
    std::string path = normalize_path(view.original_file_path());
    while (!path.empty()) {
      if (glob_match(selector, path)) {
        out.insert(*view.unique_id);
        break;
      }
      size_t slash = path.find_last_of('/');
      if (slash == std::string::npos) break;
      path.resize(slash);
    }
  }
  return out;
}

std::set<std::string> select_file(const MethodCall& call, MethodContext& context) {
  std::set<std::string> out;
  for (const NodeView& view : context.views()) {
    std::string file = last_segment(view.original_file_path());
    if (file.empty()) continue;
    size_t dot = file.find_last_of('.');
    std::string stem = dot == std::string::npos || dot == 0 ? file : file.substr(0, dot);
    if (glob_match(call.value, file) || glob_match(call.value, stem)) out.insert(*view.unique_id);
  }
  return out;
}

std::set<std::string> select_package(const MethodCall& call, MethodContext& context) {
  std::string package = call.value;
  // `package:this` is the project being run, whatever it is called.
  if (package == "this") {
    const std::string& root = context.context.project_name.empty()
                                  ? context.context.manifest.metadata.project_name
                                  : context.context.project_name;
    if (!root.empty()) package = root;
  }
  std::set<std::string> out;
  for (const NodeView& view : context.views()) {
    if (glob_match(package, view.package_name())) out.insert(*view.unique_id);
  }
  return out;
}

std::set<std::string> select_source(const MethodCall& call, MethodContext& context) {
  std::vector<std::string> parts = split(call.value, '.');
  std::string package = "*", source = "*", table = "*";
  if (parts.size() == 1) {
    source = parts[0];
  } else if (parts.size() == 2) {
    source = parts[0];
    table = parts[1];
  } else if (parts.size() == 3) {
    package = parts[0];
    source = parts[1];
    table = parts[2];
  } else {
    throw usage("Invalid source selector value '" + call.value +
                "'. Sources must be of the form `${source_name}`, "
                "`${source_name}.${target_name}`, or "
                "`${package_name}.${source_name}.${target_name}`");
  }
  std::set<std::string> out;
  for (const NodeView& view : context.views()) {
    if (!view.source) continue;
    if (glob_match(package, view.source->package_name) &&
        glob_match(source, view.source->source_name) && glob_match(table, view.source->name)) {
      out.insert(*view.unique_id);
    }
  }
  return out;
}

std::vector<std::string> resource_type_names() {
  std::vector<std::string> names;
  for (ResourceType type :
       {ResourceType::Model, ResourceType::Seed, ResourceType::Snapshot, ResourceType::Test,
        ResourceType::UnitTest, ResourceType::Analysis, ResourceType::Operation,
        ResourceType::SqlOperation, ResourceType::Source, ResourceType::Exposure,
        ResourceType::Metric, ResourceType::SemanticModel, ResourceType::SavedQuery}) {
    names.emplace_back(resource_type_name(type));
  }
  return names;
}

std::set<std::string> select_resource_type(const MethodCall& call, MethodContext& context) {
  auto type = parse_resource_type(call.value);
  if (!type) {
    KilnError error = usage("Invalid resource_type selector '" + call.value + "'");
    std::string guess = closest_match(call.value, resource_type_names());
    error.with_hint(guess.empty() ? "expected one of: " + join(resource_type_names(), ", ")
                                  : "did you mean '" + guess + "'?");
    throw error;
  }
  std::set<std::string> out;
  for (const NodeView& view : context.views()) {
    if (view.type == *type) out.insert(*view.unique_id);
  }
  return out;
}

// dbt compares config values with the selector as text, except that "true"/"false" (any case)
// also match booleans; numbers never match.
bool config_value_matches(const Data& value, const std::string& selector) {
  std::string lowered = to_lower(selector);
  auto scalar_matches = [&](const Data& item) {
    if (item.is_string()) return item.as_string() == selector;
    if (item.is_bool()) return item.as_bool() ? lowered == "true" : lowered == "false";
    return false;
  };
  if (value.is_list()) {
    return std::any_of(value.as_list().begin(), value.as_list().end(), scalar_matches);
  }
  return scalar_matches(value);
}

std::set<std::string> select_config(const MethodCall& call, MethodContext& context) {
  if (call.arguments.empty()) {
    throw usage("Invalid selector '" + call.raw +
                "': the config method needs a key, as in config.materialized:table");
  }
  std::set<std::string> out;
  for (const NodeView& view : context.views()) {
    const Data* value = &view.config();
    for (const std::string& key : call.arguments) {
      value = value->find(key);
      if (!value) break;
    }
    // Tags and meta live on the node as well as in its config; hand-built nodes may have only
    // the former.
    Data fallback;
    if (!value && view.node && call.arguments.size() == 1 && call.arguments[0] == "tags") {
      Data::List tags;
      for (const std::string& tag : view.tags()) tags.push_back(Data::string(tag));
      fallback = Data::list(std::move(tags));
      value = &fallback;
    } else if (!value && view.node && call.arguments[0] == "meta") {
      value = &view.node->meta;
      for (size_t i = 1; value && i < call.arguments.size(); ++i) {
        value = value->find(call.arguments[i]);
      }
    }
    if (value && config_value_matches(*value, call.value)) out.insert(*view.unique_id);
  }
  return out;
}

std::set<std::string> select_test_type(const MethodCall& call, MethodContext& context) {
  const std::string& kind = call.value;
  // "schema" is what dbt called generic tests before 1.0.
  bool generic = kind == "generic" || kind == "schema";
  bool singular = kind == "singular";
  bool data = kind == "data";
  bool unit = kind == "unit";
  if (!generic && !singular && !data && !unit) {
    throw usage("Invalid test type selector '" + kind + "'")
        .with_hint("expected one of: generic, singular, data, unit");
  }
  std::set<std::string> out;
  for (const NodeView& view : context.views()) {
    if (view.type == ResourceType::UnitTest) {
      if (unit) out.insert(*view.unique_id);
      continue;
    }
    if (view.type != ResourceType::Test || !view.node) continue;
    bool is_generic = view.node->test_metadata.has_value();
    if (data || (generic && is_generic) || (singular && !is_generic)) {
      out.insert(*view.unique_id);
    }
  }
  return out;
}

std::set<std::string> select_test_name(const MethodCall& call, MethodContext& context) {
  std::set<std::string> out;
  for (const NodeView& view : context.views()) {
    if (view.type != ResourceType::Test || !view.node || !view.node->test_metadata) continue;
    const TestMetadata& meta = *view.node->test_metadata;
    if (glob_match(call.value, meta.name) ||
        (!meta.namespace_.empty() && glob_match(call.value, meta.namespace_ + "." + meta.name))) {
      out.insert(*view.unique_id);
    }
  }
  return out;
}

// exposure:, metric:, semantic_model:, saved_query: take `name` or `package.name`.
std::set<std::string> select_named(const MethodCall& call, MethodContext& context,
                                   ResourceType type) {
  std::vector<std::string> parts = split(call.value, '.');
  std::string package = "*", name;
  if (parts.size() == 1) {
    name = parts[0];
  } else if (parts.size() == 2) {
    package = parts[0];
    name = parts[1];
  } else {
    throw usage("Invalid " + call.method + " selector value '" + call.value +
                "'; expected `name` or `package.name`");
  }
  std::set<std::string> out;
  for (const NodeView& view : context.views()) {
    if (view.type != type) continue;
    if (glob_match(package, view.package_name()) && glob_match(name, view.name())) {
      out.insert(*view.unique_id);
    }
  }
  return out;
}

std::set<std::string> select_exposure(const MethodCall& call, MethodContext& context) {
  return select_named(call, context, ResourceType::Exposure);
}
std::set<std::string> select_metric(const MethodCall& call, MethodContext& context) {
  return select_named(call, context, ResourceType::Metric);
}
std::set<std::string> select_semantic_model(const MethodCall& call, MethodContext& context) {
  return select_named(call, context, ResourceType::SemanticModel);
}
std::set<std::string> select_saved_query(const MethodCall& call, MethodContext& context) {
  return select_named(call, context, ResourceType::SavedQuery);
}

std::string tested_model_name(const Node& unit_test, const MethodContext& context) {
  if (const Data* model = unit_test.unit_test.find("model"); model && model->is_string()) {
    return model->as_string();
  }
  for (const std::string& parent : unit_test.depends_on_nodes) {
    if (const NodeView* view = context.find(parent); view && view->type == ResourceType::Model) {
      return view->name();
    }
  }
  return {};
}

// `name`, `package.name`, `model.name` or `package.model.name`.
std::set<std::string> select_unit_test(const MethodCall& call, MethodContext& context) {
  std::vector<std::string> parts = split(call.value, '.');
  if (parts.empty() || parts.size() > 3) {
    throw usage("Invalid unit_test selector value '" + call.value +
                "'; expected `name`, `package.name`, `model.name` or `package.model.name`");
  }
  std::set<std::string> out;
  for (const NodeView& view : context.views()) {
    if (view.type != ResourceType::UnitTest || !view.node) continue;
    const std::string& name = view.name();
    const std::string& package = view.package_name();
    bool match = false;
    if (parts.size() == 1) {
      match = glob_match(parts[0], name);
    } else if (parts.size() == 2) {
      match = glob_match(parts[1], name) &&
              (glob_match(parts[0], package) ||
               glob_match(parts[0], tested_model_name(*view.node, context)));
    } else {
      match = glob_match(parts[0], package) &&
              glob_match(parts[1], tested_model_name(*view.node, context)) &&
              glob_match(parts[2], name);
    }
    if (match) out.insert(*view.unique_id);
  }
  return out;
}

std::set<std::string> select_group(const MethodCall& call, MethodContext& context) {
  std::set<std::string> out;
  for (const NodeView& view : context.views()) {
    std::string group;
    if (view.node) group = view.node->group;
    if (group.empty()) {
      if (const Data* g = view.config().find("group"); g && g->is_string()) group = g->as_string();
    }
    if (!group.empty() && glob_match(call.value, group)) out.insert(*view.unique_id);
  }
  return out;
}

std::set<std::string> select_access(const MethodCall& call, MethodContext& context) {
  std::set<std::string> out;
  for (const NodeView& view : context.views()) {
    if (view.type == ResourceType::Model && view.node && view.node->access == call.value) {
      out.insert(*view.unique_id);
    }
  }
  return out;
}

// Versions compare as numbers when both are numbers ("2" < "10"), otherwise as text, as dbt's
// UnparsedVersion does.
int compare_versions(const std::string& a, const std::string& b) {
  char* end_a = nullptr;
  char* end_b = nullptr;
  double x = std::strtod(a.c_str(), &end_a);
  double y = std::strtod(b.c_str(), &end_b);
  if (!a.empty() && !b.empty() && *end_a == '\0' && *end_b == '\0') {
    return x < y ? -1 : (x > y ? 1 : 0);
  }
  return a < b ? -1 : (a > b ? 1 : 0);
}

std::set<std::string> select_version(const MethodCall& call, MethodContext& context) {
  const std::string& kind = call.value;
  if (kind != "latest" && kind != "prerelease" && kind != "old" && kind != "none") {
    throw usage("Invalid version type selector '" + kind + "'")
        .with_hint("expected one of: latest, prerelease, old, none");
  }
  std::set<std::string> out;
  for (const NodeView& view : context.views()) {
    if (view.type != ResourceType::Model || !view.node) continue;
    const Node& node = *view.node;
    bool match = false;
    if (kind == "none") {
      match = !node.version.has_value();
    } else if (node.version && node.latest_version) {
      int order = compare_versions(*node.version, *node.latest_version);
      match = (kind == "latest" && order == 0) || (kind == "prerelease" && order > 0) ||
              (kind == "old" && order < 0);
    }
    if (match) out.insert(*view.unique_id);
  }
  return out;
}

}  // namespace

bool glob_match(std::string_view pattern, std::string_view text) {
  if (!has_wildcard(pattern)) return pattern == text;
  std::string p(pattern), t(text);
  return ::fnmatch(p.c_str(), t.c_str(), FNM_NOESCAPE) == 0;
}

bool has_wildcard(std::string_view text) {
  return text.find_first_of("*?[") != std::string_view::npos;
}

const std::map<std::string, MethodFn>& method_table() {
  static const std::map<std::string, MethodFn> table = {
      {"access", select_access},
      {"config", select_config},
      {"exposure", select_exposure},
      {"file", select_file},
      {"fqn", select_fqn},
      {"group", select_group},
      {"metric", select_metric},
      {"package", select_package},
      {"path", select_path},
      {"resource_type", select_resource_type},
      {"result", select_result},
      {"saved_query", select_saved_query},
      {"semantic_model", select_semantic_model},
      {"source", select_source},
      {"source_status", select_source_status},
      {"state", select_state},
      {"tag", select_tag},
      {"test_name", select_test_name},
      {"test_type", select_test_type},
      {"unit_test", select_unit_test},
      {"version", select_version},
  };
  return table;
}

// --- NodeView / MethodContext ---------------------------------------------------------------

const std::string& NodeView::name() const {
  if (node) return node->name;
  if (source) return source->name;
  if (resource) return resource->name;
  return kEmpty;
}

const std::string& NodeView::package_name() const {
  if (node) return node->package_name;
  if (source) return source->package_name;
  if (resource) return resource->package_name;
  return kEmpty;
}

const std::string& NodeView::original_file_path() const {
  if (node) return node->original_file_path;
  if (source) return source->original_file_path;
  if (resource) return resource->original_file_path;
  return kEmpty;
}

const std::vector<std::string>& NodeView::fqn() const {
  if (node) return node->fqn;
  if (source) return source->fqn;
  if (resource) return resource->fqn;
  return kNoStrings;
}

const std::vector<std::string>& NodeView::tags() const {
  if (node) return node->tags;
  if (source) return source->tags;
  if (resource) return resource->tags;
  return kNoStrings;
}

const Data& NodeView::config() const {
  if (node) return node->config;
  if (source) return source->config;
  if (resource) return resource->config;
  return kEmptyMap;
}

bool NodeView::enabled() const {
  const Data* enabled = config().find("enabled");
  return !(enabled && enabled->is_bool() && !enabled->as_bool());
}

NodeView find_in_manifest(const Manifest& manifest, const std::string& unique_id) {
  NodeView view;
  if (auto it = manifest.nodes.find(unique_id); it != manifest.nodes.end()) {
    view = {&it->first, it->second.resource_type, &it->second, nullptr, nullptr};
  } else if (auto it = manifest.unit_tests.find(unique_id); it != manifest.unit_tests.end()) {
    view = {&it->first, ResourceType::UnitTest, &it->second, nullptr, nullptr};
  } else if (auto it = manifest.sources.find(unique_id); it != manifest.sources.end()) {
    view = {&it->first, ResourceType::Source, nullptr, &it->second, nullptr};
  } else {
    for (const auto* resources : {&manifest.exposures, &manifest.metrics, &manifest.semantic_models,
                                  &manifest.saved_queries}) {
      if (auto it = resources->find(unique_id); it != resources->end()) {
        view = {&it->first, it->second.resource_type, nullptr, nullptr, &it->second};
        break;
      }
    }
  }
  return view;
}

MethodContext::MethodContext(const SelectionContext& context) : context(context) {
  for (const std::string& id : context.dag.nodes()) {
    NodeView view = find_in_manifest(context.manifest, id);
    if (!view.unique_id) continue;  // the Dag was built from another manifest
    index_.emplace(id, views_.size());
    views_.push_back(view);
  }
}

const NodeView* MethodContext::find(const std::string& unique_id) const {
  auto it = index_.find(unique_id);
  return it == index_.end() ? nullptr : &views_[it->second];
}

}  // namespace kiln::selection
