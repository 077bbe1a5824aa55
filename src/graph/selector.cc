#include "graph/selector.h"

#include <algorithm>
#include <cctype>

#include <nlohmann/json.hpp>

#include "common/error.h"
#include "common/strings.h"
#include "graph/selector_methods.h"

namespace kiln {
namespace {

using selection::MethodCall;
using selection::MethodContext;
using selection::NodeView;

const std::vector<std::string> kIndirectModes = {"eager", "cautious", "buildable", "empty"};

// One `@2+method.arg:value+3` term.
struct Criterion {
  MethodCall call;
  bool parents = false;
  bool children = false;
  bool childrens_parents = false;
  std::optional<int> parents_depth;
  std::optional<int> children_depth;
  std::string indirect_selection;  // empty: the mode of the enclosing selection
};

struct Expr {
  enum class Kind { All, Criterion, Union, Intersection, Difference };
  Kind kind = Kind::All;
  Criterion criterion;
  std::vector<Expr> parts;  // Difference: {include, exclude}
};

// Tests picked for a selection: `direct` are in it; `indirect` join at the end only when the
// cautious/buildable rule holds against the final selection.
struct Selected {
  std::set<std::string> direct;
  // Held back by a cautious or buildable criterion, with that mode: whether they join is
  // decided against the final selection, so that `a b` with cautious keeps a test of a and b.
  std::map<std::string, std::string> indirect;
};

KilnError usage(std::string message, std::string hint = {}) {
  return KilnError(ErrorKind::Usage, std::move(message), SourceLocation{}, std::move(hint));
}

KilnError project_error(std::string message, const Data& at) {
  return KilnError(ErrorKind::Project, std::move(message), at.location());
}

bool all_digits(std::string_view text) {
  return std::all_of(text.begin(), text.end(),
                     [](char c) { return std::isdigit(static_cast<unsigned char>(c)) != 0; });
}

bool is_method_name(std::string_view text) {
  return !text.empty() && std::all_of(text.begin(), text.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '.';
  });
}

std::optional<int> parse_depth(std::string_view digits, std::string_view raw) {
  if (digits.empty()) return std::nullopt;
  if (digits.size() > 9) {
    throw usage("Invalid selector \"" + std::string(raw) + "\": depth too large");
  }
  return std::stoi(std::string(digits));
}

void check_indirect_mode(const std::string& mode) {
  if (std::find(kIndirectModes.begin(), kIndirectModes.end(), mode) != kIndirectModes.end()) {
    return;
  }
  std::string guess = closest_match(mode, kIndirectModes);
  throw usage("Invalid indirect selection mode '" + mode + "'",
              guess.empty() ? "expected one of: eager, cautious, buildable, empty"
                            : "did you mean '" + guess + "'?");
}

std::string default_method(const std::string& value) {
  if (value.find('/') != std::string::npos || value.find('\\') != std::string::npos) return "path";
  std::string lowered = to_lower(value);
  for (std::string_view extension : {".sql", ".py", ".csv"}) {
    if (lowered.size() > extension.size() &&
        lowered.compare(lowered.size() - extension.size(), extension.size(), extension) == 0) {
      return "file";
    }
  }
  return "fqn";
}

// Splits "config.meta.owner" into the method and its arguments and checks the method exists.
void resolve_method(MethodCall& call, std::string method_text) {
  std::vector<std::string> parts = split(method_text, '.');
  call.method = parts[0];
  call.arguments.assign(parts.begin() + 1, parts.end());
  const auto& names = selector_method_names();
  if (std::find(names.begin(), names.end(), call.method) == names.end()) {
    std::string guess = closest_match(call.method, names);
    throw usage(
        "'" + call.method + "' is not a valid method name",
        guess.empty() ? "valid methods: " + join(names, ", ") : "did you mean '" + guess + "'?");
  }
  for (const std::string& argument : call.arguments) {
    if (argument.empty()) {
      throw usage("Invalid selector \"" + call.raw + "\": empty method argument");
    }
  }
  if (!call.arguments.empty() && call.method != "config") {
    throw usage("Invalid selector \"" + call.raw + "\": the " + call.method +
                " method takes no arguments after a dot");
  }
}

Criterion parse_criterion(const std::string& raw, const std::string& indirect) {
  Criterion criterion;
  criterion.call.raw = raw;
  criterion.indirect_selection = indirect;
  std::string_view rest = raw;
  if (!rest.empty() && rest.front() == '@') {
    criterion.childrens_parents = true;
    rest.remove_prefix(1);
  }
  if (size_t plus = rest.find('+');
      plus != std::string_view::npos && all_digits(rest.substr(0, plus))) {
    criterion.parents = true;
    criterion.parents_depth = parse_depth(rest.substr(0, plus), raw);
    rest.remove_prefix(plus + 1);
  }
  if (size_t plus = rest.rfind('+');
      plus != std::string_view::npos && all_digits(rest.substr(plus + 1))) {
    criterion.children = true;
    criterion.children_depth = parse_depth(rest.substr(plus + 1), raw);
    rest = rest.substr(0, plus);
  }
  if (criterion.childrens_parents && criterion.parents) {
    throw usage("Invalid selector \"" + raw +
                "\": the \"@\" and \"+\" prefixes cannot be combined");
  }
  std::string method_text;
  if (size_t colon = rest.find(':');
      colon != std::string_view::npos && is_method_name(rest.substr(0, colon))) {
    method_text = std::string(rest.substr(0, colon));
    rest.remove_prefix(colon + 1);
  }
  std::string value(rest);
  if (value.empty()) {
    throw usage("Invalid selector \"" + raw + "\": no value to select",
                "write method:value, like tag:nightly, or a node name");
  }
  if (value.find('+') != std::string::npos || value.find('@') != std::string::npos) {
    throw usage("Invalid selector \"" + raw +
                "\": graph operators go only at the start (@, +, n+) or end (+, +n)");
  }
  if (method_text.empty()) method_text = default_method(value);
  criterion.call.value = value;
  resolve_method(criterion.call, method_text);
  return criterion;
}

Expr make(Expr::Kind kind, std::vector<Expr> parts) {
  Expr expr;
  expr.kind = kind;
  expr.parts = std::move(parts);
  return expr;
}

// One --select value (or CLI-style YAML string): spaces separate a union, commas an
// intersection.
Expr parse_cli(const std::string& text, const std::string& indirect) {
  std::vector<Expr> unions;
  std::string token;
  auto flush = [&] {
    if (token.empty()) return;
    std::vector<Expr> intersection;
    for (const std::string& part : split(token, ',')) {
      if (part.empty()) throw usage("Invalid selector \"" + token + "\": empty term around ','");
      Expr leaf;
      leaf.kind = Expr::Kind::Criterion;
      leaf.criterion = parse_criterion(part, indirect);
      intersection.push_back(std::move(leaf));
    }
    unions.push_back(intersection.size() == 1
                         ? std::move(intersection[0])
                         : make(Expr::Kind::Intersection, std::move(intersection)));
    token.clear();
  };
  for (char c : text) {
    if (std::isspace(static_cast<unsigned char>(c))) {
      flush();
    } else {
      token += c;
    }
  }
  flush();
  return unions.size() == 1 ? std::move(unions[0]) : make(Expr::Kind::Union, std::move(unions));
}

Expr parse_cli_values(const std::vector<std::string>& values, const std::string& indirect) {
  std::vector<Expr> parts;
  for (const std::string& value : values) {
    Expr expr = parse_cli(value, indirect);
    if (expr.kind == Expr::Kind::Union && expr.parts.empty()) continue;
    parts.push_back(std::move(expr));
  }
  return parts.size() == 1 ? std::move(parts[0]) : make(Expr::Kind::Union, std::move(parts));
}

bool is_empty_union(const Expr& expr) {
  return expr.kind == Expr::Kind::Union && expr.parts.empty();
}

// --- selectors.yml --------------------------------------------------------------------------

struct YamlSelector {
  std::string name;
  std::string description;
  bool is_default = false;
  const Data* definition = nullptr;
  const Data* entry = nullptr;
};

std::string scalar(const Data& value, const std::string& what) {
  if (value.is_string() || value.is_number() || value.is_bool()) return value.scalar_text();
  throw project_error(what + " must be a string, not " + std::string(value.kind_name()), value);
}

std::vector<YamlSelector> read_selectors(const Data& selectors) {
  std::vector<YamlSelector> out;
  if (selectors.is_null()) return out;
  const Data* list = nullptr;
  if (selectors.is_list()) {
    list = &selectors;
  } else if (selectors.is_map()) {
    const Data* inner = selectors.find("selectors");
    if (inner && (inner->is_list() || inner->is_null())) {
      list = inner;
    } else if (inner) {
      throw project_error("`selectors` in selectors.yml must be a list", *inner);
    }
  } else {
    throw project_error("selectors.yml must hold a `selectors:` list", selectors);
  }
  std::vector<const Data*> entries;
  if (list) {
    if (list->is_list()) {
      for (const Data& entry : list->as_list()) entries.push_back(&entry);
    }
  } else {
    // manifest.json's form: {name: {name, definition, default, description}}.
    for (const auto& [name, entry] : selectors.as_map()) entries.push_back(&entry);
  }
  for (const Data* entry : entries) {
    if (!entry->is_map()) {
      throw project_error("each selector must be a mapping with a name and a definition", *entry);
    }
    YamlSelector selector;
    selector.entry = entry;
    const Data* name = entry->find("name");
    if (!name) throw project_error("a selector is missing its `name`", *entry);
    selector.name = scalar(*name, "a selector's name");
    selector.definition = entry->find("definition");
    if (!selector.definition) {
      throw project_error("selector '" + selector.name + "' is missing its `definition`", *entry);
    }
    if (const Data* description = entry->find("description");
        description && !description->is_null()) {
      selector.description = scalar(*description, "a selector's description");
    }
    if (const Data* is_default = entry->find("default"); is_default && !is_default->is_null()) {
      if (!is_default->is_bool()) {
        throw project_error("`default` of selector '" + selector.name + "' must be true or false",
                            *is_default);
      }
      selector.is_default = is_default->as_bool();
    }
    for (const auto& [key, value] : entry->as_map()) {
      if (key != "name" && key != "definition" && key != "description" && key != "default") {
        throw project_error("unexpected key '" + key + "' in selector '" + selector.name + "'",
                            value);
      }
    }
    for (const YamlSelector& other : out) {
      if (other.name == selector.name) {
        throw project_error("Found duplicate selector name '" + selector.name + "'", *entry);
      }
    }
    out.push_back(std::move(selector));
  }
  return out;
}

std::vector<std::string> selector_names(const std::vector<YamlSelector>& selectors) {
  std::vector<std::string> names;
  for (const YamlSelector& selector : selectors) names.push_back(selector.name);
  return names;
}

const YamlSelector& find_selector(const std::vector<YamlSelector>& selectors,
                                  const std::string& name) {
  for (const YamlSelector& selector : selectors) {
    if (selector.name == name) return selector;
  }
  std::vector<std::string> names = selector_names(selectors);
  std::string guess = closest_match(name, names);
  throw usage(
      "Could not find selector named " + name + ", expected one of [" + join(names, ", ") + "]",
      guess.empty() ? std::string{} : "did you mean '" + guess + "'?");
}

bool yaml_flag(const Data& value, const std::string& key) {
  if (value.is_bool()) return value.as_bool();
  throw project_error("`" + key + "` in a selector definition must be true or false", value);
}

std::optional<int> yaml_depth(const Data& value, const std::string& key) {
  if (value.is_null()) return std::nullopt;
  if (value.is_int() && value.as_int() >= 0) return static_cast<int>(value.as_int());
  throw project_error("`" + key + "` in a selector definition must be a whole number", value);
}

class DefinitionParser {
 public:
  explicit DefinitionParser(std::string default_indirect)
      : default_indirect_(std::move(default_indirect)) {}

  Expr parse(const Data& definition) {
    if (definition.is_string()) {
      return with_location(definition,
                           [&] { return parse_cli(definition.as_string(), default_indirect_); });
    }
    if (definition.is_list()) return parse_set(Expr::Kind::Union, definition);
    if (!definition.is_map() || definition.as_map().empty()) {
      throw project_error("a selector definition must be a string or a mapping, not " +
                              std::string(definition.kind_name()),
                          definition);
    }
    if (const Data* items = definition.find("union")) {
      only_key(definition, "union");
      return parse_set(Expr::Kind::Union, *items);
    }
    if (const Data* items = definition.find("intersection")) {
      only_key(definition, "intersection");
      return parse_set(Expr::Kind::Intersection, *items);
    }
    if (definition.find("method")) return parse_full(definition);
    if (definition.as_map().size() == 1) {
      const auto& [method, value] = definition.as_map().front();
      if (method == "exclude") {
        throw project_error(
            "`exclude` is only allowed in a full method definition or as an "
            "item of a union or intersection",
            value);
      }
      // Key-value form: `tag: nightly`.
      Expr leaf;
      leaf.kind = Expr::Kind::Criterion;
      leaf.criterion.indirect_selection = default_indirect_;
      leaf.criterion.call.value = scalar(value, "the value of `" + method + "`");
      leaf.criterion.call.raw = method + ":" + leaf.criterion.call.value;
      with_location(definition, [&] {
        resolve_method(leaf.criterion.call, method);
        return 0;
      });
      return leaf;
    }
    throw project_error(
        "a selector definition needs `method` and `value`, `union`, "
        "`intersection`, or a single `method: value` pair",
        definition);
  }

 private:
  template <typename F>
  static auto with_location(const Data& at, F&& body) -> decltype(body()) {
    try {
      return body();
    } catch (KilnError& error) {
      if (error.location().known() || !at.location().known()) throw;
      throw KilnError(error.kind() == ErrorKind::Usage ? ErrorKind::Project : error.kind(),
                      error.message(), at.location(), error.hint());
    }
  }

  static void only_key(const Data& definition, const std::string& key) {
    for (const auto& [other, value] : definition.as_map()) {
      if (other != key) {
        throw project_error("unexpected key '" + other + "' next to `" + key + "`", value);
      }
    }
  }

  Expr parse_set(Expr::Kind kind, const Data& items) {
    if (!items.is_list()) {
      throw project_error("`union` and `intersection` take a list of definitions", items);
    }
    std::vector<Expr> includes;
    const Data* exclude = nullptr;
    for (const Data& item : items.as_list()) {
      if (item.is_map() && item.as_map().size() == 1 && item.as_map().front().first == "exclude") {
        if (exclude) {
          throw project_error(
              "You cannot provide multiple exclude arguments to the same selector set operator",
              item);
        }
        exclude = &item.as_map().front().second;
        continue;
      }
      includes.push_back(parse(item));
    }
    Expr combined = make(kind, std::move(includes));
    if (!exclude) return combined;
    return make(Expr::Kind::Difference, {std::move(combined), parse_exclude(*exclude)});
  }

  Expr parse_exclude(const Data& exclude) {
    if (!exclude.is_list()) return parse(exclude);
    return parse_set(Expr::Kind::Union, exclude);
  }

  Expr parse_full(const Data& definition) {
    Expr leaf;
    leaf.kind = Expr::Kind::Criterion;
    Criterion& criterion = leaf.criterion;
    criterion.indirect_selection = default_indirect_;
    std::string method = scalar(*definition.find("method"), "`method`");
    const Data* value = definition.find("value");
    if (!value) {
      throw project_error("a selector definition with `method` needs a `value`", definition);
    }
    criterion.call.value = scalar(*value, "`value`");
    criterion.call.raw = method + ":" + criterion.call.value;
    const Data* exclude = nullptr;
    for (const auto& [key, item] : definition.as_map()) {
      if (key == "method" || key == "value") continue;
      if (key == "parents") {
        criterion.parents = yaml_flag(item, key);
      } else if (key == "children") {
        criterion.children = yaml_flag(item, key);
      } else if (key == "childrens_parents") {
        criterion.childrens_parents = yaml_flag(item, key);
      } else if (key == "parents_depth") {
        criterion.parents_depth = yaml_depth(item, key);
      } else if (key == "children_depth") {
        criterion.children_depth = yaml_depth(item, key);
      } else if (key == "indirect_selection") {
        criterion.indirect_selection = scalar(item, "`indirect_selection`");
        with_location(item, [&] {
          check_indirect_mode(criterion.indirect_selection);
          return 0;
        });
      } else if (key == "exclude") {
        exclude = &item;
      } else {
        throw project_error("unexpected key '" + key + "' in a selector definition", item);
      }
    }
    if (criterion.childrens_parents && criterion.parents) {
      throw project_error("`childrens_parents` and `parents` cannot both be true", definition);
    }
    with_location(definition, [&] {
      resolve_method(criterion.call, method);
      return 0;
    });
    if (!exclude) return leaf;
    return make(Expr::Kind::Difference, {std::move(leaf), parse_exclude(*exclude)});
  }

  std::string default_indirect_;
};

// --- evaluation -----------------------------------------------------------------------------

class Evaluator {
 public:
  Evaluator(const SelectionContext& context, std::string default_indirect)
      : context_(context), methods_(context), default_indirect_(std::move(default_indirect)) {
    selectors_ = read_selectors(context.selectors);
  }

  // A named YAML selector, complete with its indirectly selected tests.
  std::set<std::string> evaluate_selector(const std::string& name) {
    if (std::find(selector_stack_.begin(), selector_stack_.end(), name) != selector_stack_.end()) {
      std::vector<std::string> loop = selector_stack_;
      loop.push_back(name);
      throw KilnError(ErrorKind::Project,
                      "Selector '" + loop.front() + "' refers to itself: " + join(loop, " -> "));
    }
    const YamlSelector& selector = find_selector(selectors_, name);
    Expr expr = DefinitionParser(default_indirect_).parse(*selector.definition);
    selector_stack_.push_back(name);
    std::set<std::string> out = incorporate(evaluate(expr));
    selector_stack_.pop_back();
    return out;
  }

  Selected evaluate(const Expr& expr) {
    switch (expr.kind) {
      case Expr::Kind::All: {
        Selected all;
        all.direct.insert(context_.dag.nodes().begin(), context_.dag.nodes().end());
        return all;
      }
      case Expr::Kind::Criterion:
        return evaluate_criterion(expr.criterion);
      case Expr::Kind::Union: {
        Selected out;
        for (const Expr& part : expr.parts) {
          Selected selected = evaluate(part);
          out.direct.merge(selected.direct);
          for (auto& [id, mode] : selected.indirect) {
            // buildable admits more than cautious; when both held a test back, it wins.
            auto [it, inserted] = out.indirect.emplace(id, mode);
            if (!inserted && mode == "buildable") it->second = mode;
          }
        }
        return out;
      }
      case Expr::Kind::Intersection: {
        Selected out;
        bool first = true;
        for (const Expr& part : expr.parts) {
          Selected selected = evaluate(part);
          if (first) {
            out = std::move(selected);
            first = false;
            continue;
          }
          out.direct = intersect(out.direct, selected.direct);
          std::erase_if(out.indirect,
                        [&](const auto& entry) { return !selected.indirect.count(entry.first); });
        }
        return out;
      }
      case Expr::Kind::Difference: {
        Selected include = evaluate(expr.parts.at(0));
        Selected exclude = evaluate(expr.parts.at(1));
        for (const std::string& id : exclude.direct) include.direct.erase(id);
        for (const auto& [id, mode] : exclude.indirect) include.indirect.erase(id);
        return include;
      }
    }
    return {};
  }

  // Adds the tests held back for cautious/buildable whose parents the final selection covers.
  std::set<std::string> incorporate(Selected selected) {
    std::set<std::string> out = std::move(selected.direct);
    std::optional<std::set<std::string>> buildable_cover;
    std::vector<std::string> add;
    for (const auto& [id, mode] : selected.indirect) {
      if (out.count(id)) continue;
      const std::set<std::string>* covered = &out;
      if (mode == "buildable") {
        // Parents upstream of the selection get built first, so they count as covered.
        if (!buildable_cover) {
          buildable_cover = context_.dag.ancestors(out);
          buildable_cover->insert(out.begin(), out.end());
        }
        covered = &*buildable_cover;
      }
      const auto& parents = context_.dag.parents(id);
      if (std::all_of(parents.begin(), parents.end(),
                      [&](const std::string& parent) { return covered->count(parent) > 0; })) {
        add.push_back(id);
      }
    }
    out.insert(add.begin(), add.end());
    return out;
  }

  MethodContext& methods() { return methods_; }

 private:
  static std::set<std::string> intersect(const std::set<std::string>& a,
                                         const std::set<std::string>& b) {
    std::set<std::string> out;
    std::set_intersection(a.begin(), a.end(), b.begin(), b.end(), std::inserter(out, out.end()));
    return out;
  }

  std::set<std::string> match(const MethodCall& call) {
    if (call.method == "selector") return evaluate_selector(call.value);
    const auto& table = selection::method_table();
    auto it = table.find(call.method);
    if (it == table.end()) throw usage("'" + call.method + "' is not a valid method name");
    return it->second(call, methods_);
  }

  Selected evaluate_criterion(const Criterion& criterion) {
    std::set<std::string> matched = match(criterion.call);
    std::set<std::string> collected = matched;
    const Dag& dag = context_.dag;
    if (criterion.childrens_parents) {
      std::set<std::string> down = dag.descendants(matched);
      down.insert(matched.begin(), matched.end());
      collected.merge(dag.ancestors(down));
      collected.merge(down);
    } else {
      if (criterion.parents) collected.merge(dag.ancestors(matched, criterion.parents_depth));
      if (criterion.children) collected.merge(dag.descendants(matched, criterion.children_depth));
    }
    return expand_tests(std::move(collected), criterion.indirect_selection.empty()
                                                  ? default_indirect_
                                                  : criterion.indirect_selection);
  }

  // Tests and unit tests whose parents were selected come along (dbt's indirect selection).
  Selected expand_tests(std::set<std::string> selected, const std::string& mode) {
    Selected out;
    if (mode == "empty") {
      out.direct = std::move(selected);
      return out;
    }
    const Dag& dag = context_.dag;
    for (const std::string& id : selected) {
      for (const std::string& child : dag.children(id)) {
        if (selected.count(child)) continue;
        auto type = dag.resource_type(child);
        if (type != ResourceType::Test && type != ResourceType::UnitTest) continue;
        const auto& parents = dag.parents(child);
        bool all_selected = std::all_of(parents.begin(), parents.end(), [&](const std::string& p) {
          return selected.count(p) > 0;
        });
        if (mode == "eager" || all_selected) {
          out.direct.insert(child);
        } else {
          out.indirect.emplace(child, mode);
        }
      }
    }
    out.direct.merge(selected);
    return out;
  }

  const SelectionContext& context_;
  MethodContext methods_;
  std::string default_indirect_;
  std::vector<YamlSelector> selectors_;
  std::vector<std::string> selector_stack_;
};

}  // namespace

const std::vector<std::string>& selector_method_names() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> out;
    for (const auto& [name, fn] : selection::method_table()) out.push_back(name);
    out.push_back("selector");
    std::sort(out.begin(), out.end());
    return out;
  }();
  return names;
}

std::optional<std::string> default_selector_name(const Data& selectors) {
  std::vector<std::string> defaults;
  for (const YamlSelector& selector : read_selectors(selectors)) {
    if (selector.is_default) defaults.push_back(selector.name);
  }
  if (defaults.size() > 1) {
    throw KilnError(ErrorKind::Project,
                    "Found multiple selectors with `default: true`: " + join(defaults, ", "));
  }
  if (defaults.empty()) return std::nullopt;
  return defaults.front();
}

void validate_selectors(const Data& selectors) {
  std::vector<YamlSelector> all = read_selectors(selectors);
  default_selector_name(selectors);
  // Parsing checks keys and methods; references are resolved here so that a typo or a loop
  // shows up before anyone runs the selector.
  std::map<std::string, std::vector<std::string>> references;
  std::function<void(const std::string&, const Expr&)> collect = [&](const std::string& owner,
                                                                     const Expr& expr) {
    if (expr.kind == Expr::Kind::Criterion && expr.criterion.call.method == "selector") {
      find_selector(all, expr.criterion.call.value);
      references[owner].push_back(expr.criterion.call.value);
    }
    for (const Expr& part : expr.parts) collect(owner, part);
  };
  for (const YamlSelector& selector : all) {
    collect(selector.name, DefinitionParser("eager").parse(*selector.definition));
  }
  std::vector<std::string> path;
  std::set<std::string> done;
  std::function<void(const std::string&)> visit = [&](const std::string& name) {
    if (done.count(name)) return;
    if (std::find(path.begin(), path.end(), name) != path.end()) {
      std::vector<std::string> loop(std::find(path.begin(), path.end(), name), path.end());
      loop.push_back(name);
      throw KilnError(ErrorKind::Project,
                      "Selector '" + name + "' refers to itself: " + join(loop, " -> "));
    }
    path.push_back(name);
    for (const std::string& next : references[name]) visit(next);
    path.pop_back();
    done.insert(name);
  };
  for (const YamlSelector& selector : all) visit(selector.name);
}

std::set<std::string> select_nodes(const SelectionSpec& spec, const SelectionContext& context) {
  check_indirect_mode(spec.indirect_selection);
  Evaluator evaluator(context, spec.indirect_selection);
  std::string selector_name = spec.selector_name;
  if (selector_name.empty() && spec.select.empty() && spec.exclude.empty()) {
    selector_name = default_selector_name(context.selectors).value_or("");
  }
  std::set<std::string> selected;
  if (!selector_name.empty()) {
    selected = evaluator.evaluate_selector(selector_name);
  } else {
    Expr include = parse_cli_values(spec.select, spec.indirect_selection);
    if (is_empty_union(include)) include = Expr{};  // no --select: everything
    Expr exclude = parse_cli_values(spec.exclude, spec.indirect_selection);
    Expr expr = is_empty_union(exclude)
                    ? std::move(include)
                    : make(Expr::Kind::Difference, {std::move(include), std::move(exclude)});
    selected = evaluator.incorporate(evaluator.evaluate(expr));
  }

  std::set<std::string> out;
  for (const std::string& id : selected) {
    const NodeView* view = evaluator.methods().find(id);
    if (!view || !view->enabled()) continue;
    if (!spec.resource_types.empty() &&
        std::find(spec.resource_types.begin(), spec.resource_types.end(), view->type) ==
            spec.resource_types.end()) {
      continue;
    }
    out.insert(id);
  }
  return out;
}

namespace {

// The `results` list of a run_results.json or sources.json.
nlohmann::json results_of(std::string_view text, const std::string& display_name) {
  nlohmann::json json = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (json.is_discarded() || !json.is_object()) {
    throw KilnError(ErrorKind::Io, display_name + " is not valid JSON");
  }
  auto results = json.find("results");
  if (results == json.end() || !results->is_array()) {
    throw KilnError(ErrorKind::Io, display_name + " has no `results` list");
  }
  return std::move(*results);
}

}  // namespace

SourceFreshnessResults SourceFreshnessResults::parse_json(std::string_view text,
                                                          const std::string& display_name) {
  SourceFreshnessResults out;
  for (const nlohmann::json& result : results_of(text, display_name)) {
    if (!result.is_object()) continue;
    auto id = result.find("unique_id");
    if (id == result.end() || !id->is_string()) continue;
    auto loaded = result.find("max_loaded_at");
    if (loaded != result.end() && loaded->is_string()) {
      out.max_loaded_at_by_id[id->get<std::string>()] = loaded->get<std::string>();
    } else {
      out.errored.insert(id->get<std::string>());
    }
  }
  return out;
}

PreviousResults PreviousResults::parse_json(std::string_view text,
                                            const std::string& display_name) {
  PreviousResults out;
  for (const nlohmann::json& result : results_of(text, display_name)) {
    if (!result.is_object()) continue;
    auto id = result.find("unique_id");
    auto status = result.find("status");
    if (id == result.end() || !id->is_string() || status == result.end() || !status->is_string()) {
      continue;
    }
    out.status_by_id[id->get<std::string>()] = status->get<std::string>();
  }
  return out;
}

}  // namespace kiln
