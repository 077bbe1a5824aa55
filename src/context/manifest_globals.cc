#include "context/manifest_globals.h"

#include <array>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "context/values.h"
#include "jinja/error.h"
#include "parser/doc_references.h"

namespace kiln {

using jinja::CallArgs;
using jinja::Runtime;
using jinja::Value;

namespace {

Value string_list(const std::vector<std::string>& items) {
  std::vector<Value> values;
  values.reserve(items.size());
  for (const std::string& item : items) values.emplace_back(item);
  return Value::list(std::move(values));
}

Value optional_string(const std::optional<std::string>& text) {
  return text ? Value(*text) : Value::none();
}

Value text_or_none(const std::string& text) {
  return text.empty() ? Value::none() : Value(text);
}

Value columns_value(const std::vector<ColumnDef>& columns) {
  Value dict = Value::dict();
  for (const ColumnDef& column : columns) {
    dict.set(column.name, Value::dict()
                              .set("name", Value(column.name))
                              .set("description", Value(column.description))
                              .set("meta", to_jinja(column.meta))
                              .set("data_type", text_or_none(column.data_type))
                              .set("constraints", to_jinja(column.constraints))
                              .set("quote", column.quote ? Value(*column.quote) : Value::none())
                              .set("tags", string_list(column.tags))
                              .set("config", to_jinja(column.config)));
  }
  return dict;
}

Value refs_value(const std::vector<RefCall>& refs) {
  std::vector<Value> out;
  for (const RefCall& ref : refs) {
    out.push_back(Value::dict()
                      .set("name", Value(ref.name))
                      .set("package", text_or_none(ref.package))
                      .set("version", optional_string(ref.version)));
  }
  return Value::list(std::move(out));
}

Value sources_value(const std::vector<SourceCall>& sources) {
  std::vector<Value> out;
  for (const SourceCall& source : sources) {
    out.push_back(Value::list({Value(source.source_name), Value(source.table_name)}));
  }
  return Value::list(std::move(out));
}

Value depends_on(const std::vector<std::string>& macros, const std::vector<std::string>& nodes) {
  return Value::dict().set("macros", string_list(macros)).set("nodes", string_list(nodes));
}

Value node_value(const Node& node) {
  Value dict = Value::dict();
  dict.set("unique_id", Value(node.unique_id))
      .set("name", Value(node.name))
      .set("resource_type", Value(std::string(resource_type_name(node.resource_type))))
      .set("package_name", Value(node.package_name))
      .set("path", Value(node.path))
      .set("original_file_path", Value(node.original_file_path))
      .set("patch_path", text_or_none(node.patch_path))
      .set("fqn", string_list(node.fqn))
      .set("database", text_or_none(node.database))
      .set("schema", Value(node.schema))
      .set("alias", Value(node.alias))
      .set("identifier", Value(node.alias.empty() ? node.name : node.alias))
      .set("relation_name", text_or_none(node.relation_name))
      .set("config", to_jinja(node.config))
      .set("unrendered_config", to_jinja(node.unrendered_config))
      .set("tags", string_list(node.tags))
      .set("meta", to_jinja(node.meta))
      .set("description", Value(node.description))
      .set("columns", columns_value(node.columns))
      .set("docs", to_jinja(node.docs))
      .set("language", Value(node.language))
      .set("raw_code", Value(node.raw_code))
      .set("raw_sql", Value(node.raw_code))
      .set("checksum", Value::dict()
                           .set("name", Value(std::string("sha256")))
                           .set("checksum", Value(node.checksum)))
      .set("refs", refs_value(node.refs))
      .set("sources", sources_value(node.sources))
      .set("metrics", Value::list())
      .set("depends_on", depends_on(node.depends_on_macros, node.depends_on_nodes))
      .set("access", Value(node.access))
      .set("group", text_or_none(node.group))
      .set("version", optional_string(node.version))
      .set("latest_version", optional_string(node.latest_version))
      .set("contract", to_jinja(node.contract))
      .set("constraints", to_jinja(node.constraints))
      .set("created_at", Value(node.created_at));
  if (node.resource_type == ResourceType::Test) {
    dict.set("column_name", text_or_none(node.column_name))
        .set("attached_node", text_or_none(node.attached_node))
        .set("file_key_name", text_or_none(node.file_key_name));
    if (node.test_metadata) {
      dict.set("test_metadata", Value::dict()
                                    .set("name", Value(node.test_metadata->name))
                                    .set("namespace", text_or_none(node.test_metadata->namespace_))
                                    .set("kwargs", to_jinja(node.test_metadata->kwargs)));
    }
  }
  return dict;
}

Value source_value(const SourceDefinition& source) {
  return Value::dict()
      .set("unique_id", Value(source.unique_id))
      .set("name", Value(source.name))
      .set("source_name", Value(source.source_name))
      .set("resource_type", Value(std::string("source")))
      .set("package_name", Value(source.package_name))
      .set("path", Value(source.path))
      .set("original_file_path", Value(source.original_file_path))
      .set("fqn", string_list(source.fqn))
      .set("database", text_or_none(source.database))
      .set("schema", Value(source.schema))
      .set("identifier", Value(source.identifier))
      .set("relation_name", text_or_none(source.relation_name))
      .set("loader", Value(source.loader))
      .set("description", Value(source.description))
      .set("source_description", Value(source.source_description))
      .set("loaded_at_field", text_or_none(source.loaded_at_field))
      .set("freshness", to_jinja(source.freshness))
      .set("quoting", to_jinja(source.quoting))
      .set("columns", columns_value(source.columns))
      .set("meta", to_jinja(source.meta))
      .set("source_meta", to_jinja(source.source_meta))
      .set("tags", string_list(source.tags))
      .set("config", to_jinja(source.config))
      .set("unrendered_config", to_jinja(source.unrendered_config))
      .set("created_at", Value(source.created_at));
}

Value macro_value(const Macro& macro) {
  std::vector<Value> arguments;
  for (const MacroArgument& argument : macro.arguments) {
    arguments.push_back(Value::dict()
                            .set("name", Value(argument.name))
                            .set("type", text_or_none(argument.type))
                            .set("description", Value(argument.description)));
  }
  return Value::dict()
      .set("unique_id", Value(macro.unique_id))
      .set("name", Value(macro.name))
      .set("resource_type", Value(std::string("macro")))
      .set("package_name", Value(macro.package_name))
      .set("path", Value(macro.path))
      .set("original_file_path", Value(macro.original_file_path))
      .set("macro_sql", Value(macro.macro_sql))
      .set("depends_on", Value::dict().set("macros", string_list(macro.depends_on_macros)))
      .set("description", Value(macro.description))
      .set("meta", to_jinja(macro.meta))
      .set("docs", to_jinja(macro.docs))
      .set("arguments", Value::list(std::move(arguments)))
      .set("patch_path", text_or_none(macro.patch_path))
      .set("created_at", Value(macro.created_at));
}

// Exposures, groups, metrics, ...: every key the property file wrote, then kiln's fields.
Value resource_value(const PropertyResource& resource) {
  Value dict = to_jinja(resource.properties);
  dict.set("unique_id", Value(resource.unique_id))
      .set("name", Value(resource.name))
      .set("resource_type", Value(std::string(resource_type_name(resource.resource_type))))
      .set("package_name", Value(resource.package_name))
      .set("path", Value(resource.path))
      .set("original_file_path", Value(resource.original_file_path))
      .set("fqn", string_list(resource.fqn))
      .set("refs", refs_value(resource.refs))
      .set("sources", sources_value(resource.sources))
      .set("depends_on", depends_on({}, resource.depends_on_nodes))
      .set("tags", string_list(resource.tags))
      .set("meta", to_jinja(resource.meta))
      .set("config", to_jinja(resource.config))
      .set("created_at", Value(resource.created_at));
  return dict;
}

template <typename Map, typename Convert>
Value section(const Map& items, Convert convert) {
  Value dict = Value::dict();
  for (const auto& [id, item] : items) dict.set(id, convert(item));
  return dict;
}

constexpr std::array<std::string_view, 8> kSections = {
    "nodes",  "sources", "exposures",       "metrics",
    "groups", "macros",  "semantic_models", "saved_queries"};

class GraphObject final : public jinja::HostObject {
 public:
  explicit GraphObject(RenderScopeSource scope) : scope_(std::move(scope)) {}

  std::string_view type_name() const override { return "dict"; }
  bool is_mapping() const override { return true; }
  std::optional<int64_t> length() const override { return static_cast<int64_t>(kSections.size()); }
  std::optional<bool> contains(const Value& key) const override {
    return key.is_string() && index_of(key.as_string()).has_value();
  }
  std::optional<std::vector<Value>> iterate(Runtime&) override {
    std::vector<Value> keys;
    for (std::string_view name : kSections) keys.emplace_back(name);
    return keys;
  }
  std::optional<Value> get_attr(std::string_view name, Runtime&) override {
    std::optional<size_t> index = index_of(name);
    if (!index) return std::nullopt;
    return section_value(*index);
  }
  std::optional<Value> get_item(const Value& key, Runtime& rt) override {
    if (!key.is_string()) return std::nullopt;
    return get_attr(key.as_string(), rt);
  }
  std::optional<Value> call_method(std::string_view method, CallArgs& args, Runtime& rt) override {
    if (method == "get") {
      if (auto found = get_item(args.get(0, "key"), rt)) return found;
      return args.get(1, "default", Value::none());
    }
    if (method == "keys") return Value::list(*iterate(rt));
    if (method == "values" || method == "items") {
      std::vector<Value> out;
      for (size_t i = 0; i < kSections.size(); ++i) {
        Value value = section_value(i);
        out.push_back(method == "values" ? value : Value::tuple({Value(kSections[i]), value}));
      }
      return Value::list(std::move(out));
    }
    return std::nullopt;
  }
  std::string str() const override { return "{'nodes': {...}, 'sources': {...}, ...}"; }

 private:
  static std::optional<size_t> index_of(std::string_view name) {
    for (size_t i = 0; i < kSections.size(); ++i) {
      if (kSections[i] == name) return i;
    }
    return std::nullopt;
  }

  Value section_value(size_t index) {
    RenderScope scope = scope_();
    if (!scope.manifest || scope.parse_mode) return Value::dict();
    // A new manifest (or one that grew) starts a new cache.
    std::pair<const Manifest*, size_t> key{scope.manifest, scope.manifest->nodes.size()};
    if (key != cached_for_) {
      cached_for_ = key;
      for (auto& cached : cache_) cached.reset();
    }
    std::optional<Value>& cached = cache_[index];
    if (!cached) cached = build(*scope.manifest, kSections[index]);
    return *cached;
  }

  static Value build(const Manifest& manifest, std::string_view name) {
    if (name == "nodes") return section(manifest.nodes, node_value);
    if (name == "sources") return section(manifest.sources, source_value);
    if (name == "macros") return section(manifest.macros, macro_value);
    if (name == "exposures") return section(manifest.exposures, resource_value);
    if (name == "metrics") return section(manifest.metrics, resource_value);
    if (name == "groups") return section(manifest.groups, resource_value);
    if (name == "semantic_models") return section(manifest.semantic_models, resource_value);
    return section(manifest.saved_queries, resource_value);
  }

  RenderScopeSource scope_;
  std::pair<const Manifest*, size_t> cached_for_{nullptr, 0};
  std::array<std::optional<Value>, kSections.size()> cache_;
};

}  // namespace

Value make_graph_value(RenderScopeSource scope) {
  return Value::host(std::make_shared<GraphObject>(std::move(scope)));
}

jinja::NativeFunction make_doc_function(RenderScopeSource scope) {
  return [scope = std::move(scope)](CallArgs& args, Runtime&) -> Value {
    std::vector<std::string> names;
    for (const Value& argument : args.positional) {
      if (!argument.is_string()) {
        jinja::throw_error(jinja::ErrorKind::kType,
                           "doc() arguments must be strings, got " + argument.repr());
      }
      names.push_back(argument.as_string());
    }
    if (names.empty() || names.size() > 2) {
      jinja::throw_error(jinja::ErrorKind::kType,
                         "doc() takes a doc name, or a package and a doc name");
    }
    RenderScope current = scope();
    if (!current.manifest || current.parse_mode) return Value(std::string());
    std::string package = names.size() == 2 ? names[0] : "";
    const std::string& name = names.back();
    const Documentation* doc =
        find_doc(*current.manifest, package, name, current.node ? current.node->package_name : "");
    if (!doc) {
      jinja::throw_error(jinja::ErrorKind::kValue,
                         "doc('" + (package.empty() ? name : package + "', '" + name) +
                             "') names no docs block; " +
                             unknown_doc_hint(*current.manifest, name));
    }
    return Value(doc->block_contents);
  };
}

}  // namespace kiln
