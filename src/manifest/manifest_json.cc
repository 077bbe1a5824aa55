#include "manifest/manifest_json.h"

#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "common/error.h"

namespace kiln {
namespace {

using Json = nlohmann::ordered_json;

Json to_json(const Data& data) {
  switch (data.kind()) {
    case Data::Kind::Null: return nullptr;
    case Data::Kind::Bool: return data.as_bool();
    case Data::Kind::Int: return data.as_int();
    case Data::Kind::Float: return data.as_float();
    case Data::Kind::String: return data.as_string();
    case Data::Kind::List: {
      Json array = Json::array();
      for (const Data& item : data.as_list()) array.push_back(to_json(item));
      return array;
    }
    case Data::Kind::Map: {
      Json object = Json::object();
      for (const auto& [key, value] : data.as_map()) object[key] = to_json(value);
      return object;
    }
  }
  return nullptr;
}

Data from_json(const Json& json) {
  if (json.is_null()) return Data::null();
  if (json.is_boolean()) return Data::boolean(json.get<bool>());
  if (json.is_number_integer()) return Data::integer(json.get<int64_t>());
  if (json.is_number()) return Data::floating(json.get<double>());
  if (json.is_string()) return Data::string(json.get<std::string>());
  if (json.is_array()) {
    Data::List items;
    for (const Json& item : json) items.push_back(from_json(item));
    return Data::list(std::move(items));
  }
  Data::Map entries;
  for (auto it = json.begin(); it != json.end(); ++it) entries.emplace_back(it.key(), from_json(it.value()));
  return Data::map(std::move(entries));
}

Json nullable(const std::string& text) { return text.empty() ? Json(nullptr) : Json(text); }
Json nullable(const std::optional<std::string>& text) { return text ? Json(*text) : Json(nullptr); }

Json strings(const std::vector<std::string>& items) {
  Json array = Json::array();
  for (const std::string& item : items) array.push_back(item);
  return array;
}

Json checksum(const std::string& value) {
  // Seeds over 1 MiB are identified by path ("path:<file>"), as dbt does.
  if (value.starts_with("path:")) return Json{{"name", "path"}, {"checksum", value.substr(5)}};
  if (value.empty()) return Json{{"name", "none"}, {"checksum", ""}};
  return Json{{"name", "sha256"}, {"checksum", value}};
}

Json columns(const std::vector<ColumnDef>& defs) {
  Json object = Json::object();
  for (const ColumnDef& column : defs) {
    object[column.name] = Json{
        {"name", column.name},
        {"description", column.description},
        {"meta", to_json(column.meta)},
        {"data_type", nullable(column.data_type)},
        {"constraints", to_json(column.constraints)},
        {"quote", column.quote ? Json(*column.quote) : Json(nullptr)},
        {"tags", strings(column.tags)},
        {"config", Json{{"meta", to_json(column.meta)}, {"tags", strings(column.tags)}}},
    };
  }
  return object;
}

Json refs(const std::vector<RefCall>& calls) {
  Json array = Json::array();
  for (const RefCall& ref : calls) {
    array.push_back(Json{{"name", ref.name}, {"package", nullable(ref.package)}, {"version", nullable(ref.version)}});
  }
  return array;
}

Json sources(const std::vector<SourceCall>& calls) {
  Json array = Json::array();
  for (const SourceCall& call : calls) array.push_back(Json::array({call.source_name, call.table_name}));
  return array;
}

Json docs_of(const Data& docs) {
  Json out{{"show", true}, {"node_color", nullptr}};
  if (const Data* show = docs.find("show"); show && show->is_bool()) out["show"] = show->as_bool();
  if (const Data* color = docs.find("node_color"); color && color->is_string()) {
    out["node_color"] = color->as_string();
  }
  return out;
}

Json contract_of(const Data& contract) {
  Json out{{"enforced", false}, {"alias_types", true}, {"checksum", nullptr}};
  if (const Data* enforced = contract.find("enforced"); enforced && enforced->is_bool()) {
    out["enforced"] = enforced->as_bool();
  }
  if (const Data* alias = contract.find("alias_types"); alias && alias->is_bool()) {
    out["alias_types"] = alias->as_bool();
  }
  if (const Data* sum = contract.find("checksum"); sum && sum->is_string()) out["checksum"] = sum->as_string();
  return out;
}

Json node_json(const Node& node) {
  std::string type(resource_type_name(node.resource_type));
  Json json{
      {"database", nullable(node.database)},
      {"schema", node.schema},
      {"name", node.name},
      {"resource_type", type},
      {"package_name", node.package_name},
      {"path", node.path},
      {"original_file_path", node.original_file_path},
      {"unique_id", node.unique_id},
      {"fqn", strings(node.fqn)},
      {"alias", node.alias},
      {"checksum", checksum(node.checksum)},
      {"config", to_json(normalize_hooks(node.config))},
      {"tags", strings(node.tags)},
      {"description", node.description},
      {"columns", columns(node.columns)},
      {"meta", to_json(node.meta)},
      {"group", nullable(node.group)},
      {"docs", docs_of(node.docs)},
      {"patch_path", nullable(node.patch_path)},
      {"build_path", nullptr},
      {"unrendered_config", to_json(node.unrendered_config)},
      {"created_at", node.created_at},
      {"config_call_dict", to_json(node.config_call_dict)},
      {"unrendered_config_call_dict", Json::object()},
      {"relation_name", nullable(node.relation_name)},
      {"raw_code", node.raw_code},
      {"doc_blocks", Json::array()},
  };
  if (node.resource_type == ResourceType::Seed) {
    json["root_path"] = nullptr;
    json["depends_on"] = Json{{"macros", strings(node.depends_on_macros)}};
    json["defer_relation"] = nullptr;
    return json;
  }
  json["language"] = node.language;
  json["refs"] = refs(node.refs);
  json["sources"] = sources(node.sources);
  json["metrics"] = Json::array();
  json["functions"] = Json::array();
  json["depends_on"] = Json{{"macros", strings(node.depends_on_macros)}, {"nodes", strings(node.depends_on_nodes)}};
  json["compiled_path"] = nullptr;
  json["contract"] = contract_of(node.contract);
  if (node.resource_type == ResourceType::Model) {
    json["access"] = node.access;
    json["constraints"] = to_json(node.constraints);
    json["version"] = nullable(node.version);
    json["latest_version"] = nullable(node.latest_version);
    json["deprecation_date"] = nullptr;
    json["defer_relation"] = nullptr;
    json["primary_key"] = Json::array();
    json["time_spine"] = nullptr;
  }
  if (node.resource_type == ResourceType::Snapshot) json["defer_relation"] = nullptr;
  if (node.test_metadata) {
    json["column_name"] = nullable(node.column_name);
    json["file_key_name"] = nullable(node.file_key_name);
    json["attached_node"] = nullable(node.attached_node);
    json["test_metadata"] = Json{{"name", node.test_metadata->name},
                                 {"kwargs", to_json(node.test_metadata->kwargs)},
                                 {"namespace", nullable(node.test_metadata->namespace_)}};
  }
  return json;
}

Json unit_test_json(const Node& node) {
  Json json{
      {"model", node.refs.empty() ? "" : node.refs.front().name},
      {"given", Json::array()},
      {"expect", Json{{"rows", nullptr}, {"format", "dict"}, {"fixture", nullptr}}},
      {"name", node.name},
      {"resource_type", "unit_test"},
      {"package_name", node.package_name},
      {"path", node.path},
      {"original_file_path", node.original_file_path},
      {"unique_id", node.unique_id},
      {"fqn", strings(node.fqn)},
      {"description", node.description},
      {"overrides", nullptr},
      {"depends_on", Json{{"macros", Json::array()}, {"nodes", strings(node.depends_on_nodes)}}},
      {"config", Json{{"tags", strings(node.tags)}, {"meta", to_json(node.meta)}, {"enabled", true}}},
      {"schema", nullptr},
      {"created_at", node.created_at},
      {"versions", nullptr},
      {"version", nullptr},
  };
  auto fixture = [](const Data& entry) {
    Json out{{"rows", nullptr}, {"format", "dict"}, {"fixture", nullptr}};
    if (const Data* rows = entry.find("rows")) out["rows"] = to_json(*rows);
    if (const Data* format = entry.find("format"); format && format->is_string()) out["format"] = format->as_string();
    if (const Data* file = entry.find("fixture"); file && file->is_string()) out["fixture"] = file->as_string();
    return out;
  };
  if (const Data* given = node.unit_test.find("given"); given && given->is_list()) {
    for (const Data& entry : given->as_list()) {
      Json input = fixture(entry);
      Json ordered{{"input", entry.find("input") ? entry.find("input")->scalar_text() : ""}};
      for (auto it = input.begin(); it != input.end(); ++it) ordered[it.key()] = it.value();
      json["given"].push_back(ordered);
    }
  }
  if (const Data* expect = node.unit_test.find("expect"); expect && expect->is_map()) json["expect"] = fixture(*expect);
  if (const Data* overrides = node.unit_test.find("overrides"); overrides && overrides->is_map()) {
    Json out = Json::object();
    for (const char* key : {"macros", "vars", "env_vars"}) {
      if (const Data* value = overrides->find(key); value && value->is_map()) out[key] = to_json(*value);
    }
    json["overrides"] = out;
  }
  return json;
}

Json source_json(const SourceDefinition& source) {
  Json quoting{{"database", nullptr}, {"schema", nullptr}, {"identifier", nullptr}, {"column", nullptr}};
  for (const char* key : {"database", "schema", "identifier", "column"}) {
    if (const Data* value = source.quoting.find(key); value && value->is_bool()) quoting[key] = value->as_bool();
  }
  Json freshness = source.freshness.is_map() ? to_json(source.freshness) : Json(nullptr);
  if (freshness.is_object()) {
    for (const char* key : {"warn_after", "error_after"}) {
      if (!freshness.contains(key) || freshness[key].is_null()) {
        freshness[key] = Json{{"count", nullptr}, {"period", nullptr}};
      }
    }
    if (!freshness.contains("filter")) freshness["filter"] = nullptr;
  }
  return Json{
      {"database", nullable(source.database)},
      {"schema", source.schema},
      {"name", source.name},
      {"resource_type", "source"},
      {"package_name", source.package_name},
      {"path", source.path},
      {"original_file_path", source.original_file_path},
      {"unique_id", source.unique_id},
      {"fqn", strings(source.fqn)},
      {"source_name", source.source_name},
      {"source_description", source.source_description},
      {"loader", source.loader},
      {"identifier", source.identifier},
      {"quoting", quoting},
      {"loaded_at_field", nullable(source.loaded_at_field)},
      {"loaded_at_query", nullable(source.loaded_at_query)},
      {"freshness", freshness},
      {"external", nullptr},
      {"description", source.description},
      {"columns", columns(source.columns)},
      {"meta", to_json(source.meta)},
      {"source_meta", to_json(source.source_meta)},
      {"tags", strings(source.tags)},
      {"config", to_json(source.config)},
      {"patch_path", nullptr},
      {"unrendered_config", to_json(source.unrendered_config)},
      {"relation_name", nullable(source.relation_name)},
      {"created_at", source.created_at},
      {"unrendered_database", nullptr},
      {"unrendered_schema", nullptr},
      {"doc_blocks", Json::array()},
  };
}

Json macro_json(const Macro& macro) {
  Json arguments = Json::array();
  for (const MacroArgument& argument : macro.arguments) {
    arguments.push_back(Json{{"name", argument.name},
                             {"type", nullable(argument.type)},
                             {"description", argument.description}});
  }
  return Json{
      {"name", macro.name},
      {"resource_type", "macro"},
      {"package_name", macro.package_name},
      {"path", macro.path},
      {"original_file_path", macro.original_file_path},
      {"unique_id", macro.unique_id},
      {"macro_sql", macro.macro_sql},
      {"depends_on", Json{{"macros", strings(macro.depends_on_macros)}}},
      {"description", macro.description},
      {"meta", to_json(macro.meta)},
      {"docs", docs_of(macro.docs)},
      {"patch_path", nullable(macro.patch_path)},
      {"arguments", arguments},
      {"created_at", macro.created_at},
      {"supported_languages", nullptr},
  };
}

// Exposures, metrics, semantic models, saved queries and groups: the ids and dependencies kiln
// computed, plus the keys the user wrote that the schema knows for that type.
Json property_resource_json(const PropertyResource& resource) {
  std::string type(resource_type_name(resource.resource_type));
  Json json{
      {"name", resource.name},
      {"resource_type", type},
      {"package_name", resource.package_name},
      {"path", resource.path},
      {"original_file_path", resource.original_file_path},
      {"unique_id", resource.unique_id},
  };
  static const std::map<ResourceType, std::vector<const char*>> kWritten = {
      {ResourceType::Exposure, {"type", "owner", "description", "label", "maturity", "url"}},
      {ResourceType::Group, {"owner", "description"}},
      {ResourceType::Metric,
       {"description", "label", "type", "type_params", "filter", "time_granularity"}},
      {ResourceType::SemanticModel,
       {"description", "label", "defaults", "entities", "measures", "dimensions", "primary_entity"}},
      {ResourceType::SavedQuery, {"query_params", "exports", "description", "label"}},
  };
  for (const char* key : kWritten.at(resource.resource_type)) {
    if (const Data* value = resource.properties.find(key)) json[key] = to_json(*value);
  }
  if (resource.resource_type == ResourceType::Group) {
    json["config"] = to_json(resource.config);
    return json;
  }
  json["fqn"] = strings(resource.fqn);
  json["config"] = to_json(resource.config);
  json["unrendered_config"] = Json::object();
  json["depends_on"] = Json{{"macros", Json::array()}, {"nodes", strings(resource.depends_on_nodes)}};
  json["refs"] = refs(resource.refs);
  json["created_at"] = resource.created_at;
  if (resource.resource_type == ResourceType::Exposure || resource.resource_type == ResourceType::Metric) {
    json["meta"] = to_json(resource.meta);
    json["tags"] = strings(resource.tags);
    json["sources"] = sources(resource.sources);
    json["metrics"] = Json::array();
  }
  if (resource.resource_type == ResourceType::SemanticModel) {
    json["model"] = resource.properties.find("model") ? resource.properties.find("model")->scalar_text() : "";
    json["node_relation"] = nullptr;
  }
  return json;
}

void add_edges(std::map<std::string, std::set<std::string>>& parents,
               std::map<std::string, std::set<std::string>>& children, const std::string& id,
               const std::vector<std::string>& depends) {
  parents[id];
  children[id];
  for (const std::string& parent : depends) {
    parents[id].insert(parent);
    children[parent].insert(id);
  }
}

Json sorted_map(const std::map<std::string, std::set<std::string>>& map) {
  Json object = Json::object();
  for (const auto& [key, values] : map) object[key] = strings({values.begin(), values.end()});
  return object;
}

}  // namespace

Data normalize_hooks(const Data& config) {
  Data out = config;
  for (const char* key : {"pre-hook", "post-hook"}) {
    const Data* hooks = config.find(key);
    if (!hooks) continue;
    Data::List normalized;
    Data::List items = hooks->is_list() ? hooks->as_list() : Data::List{*hooks};
    for (const Data& hook : items) {
      if (hook.is_null()) continue;
      if (hook.is_map()) {
        Data entry = Data::map({{"sql", hook.find("sql") ? *hook.find("sql") : Data::string("")},
                                {"transaction", hook.find("transaction") ? *hook.find("transaction") : Data::boolean(true)},
                                {"index", Data::null()}});
        normalized.push_back(std::move(entry));
      } else {
        normalized.push_back(Data::map({{"sql", Data::string(hook.scalar_text())},
                                        {"transaction", Data::boolean(true)},
                                        {"index", Data::null()}}));
      }
    }
    out.set(key, Data::list(std::move(normalized)));
  }
  return out;
}

std::string manifest_to_json(const Manifest& manifest) {
  const ManifestMetadata& meta = manifest.metadata;
  Json json;
  json["metadata"] = Json{
      {"dbt_schema_version", meta.dbt_schema_version},
      {"dbt_version", meta.dbt_version},
      {"generated_at", meta.generated_at},
      {"invocation_id", nullable(meta.invocation_id)},
      {"invocation_started_at", nullable(meta.generated_at)},
      {"env", to_json(meta.env)},
      {"project_name", meta.project_name},
      {"project_id", meta.project_id},
      {"user_id", nullptr},
      {"send_anonymous_usage_stats", false},
      {"adapter_type", meta.adapter_type},
      {"quoting", Json{{"database", true}, {"schema", true}, {"identifier", true}, {"column", nullptr}}},
      {"run_started_at", nullable(meta.generated_at)},
  };
  std::map<std::string, std::set<std::string>> parents, children;
  Json nodes = Json::object();
  for (const auto& [id, node] : manifest.nodes) {
    nodes[id] = node_json(node);
    add_edges(parents, children, id, node.depends_on_nodes);
  }
  json["nodes"] = nodes;
  Json sources_json = Json::object();
  for (const auto& [id, source] : manifest.sources) {
    sources_json[id] = source_json(source);
    add_edges(parents, children, id, {});
  }
  json["sources"] = sources_json;
  Json macros = Json::object();
  for (const auto& [id, macro] : manifest.macros) macros[id] = macro_json(macro);
  json["macros"] = macros;
  Json docs = Json::object();
  for (const auto& [id, doc] : manifest.docs) {
    docs[id] = Json{{"name", doc.name},
                    {"resource_type", "doc"},
                    {"package_name", doc.package_name},
                    {"path", doc.path},
                    {"original_file_path", doc.original_file_path},
                    {"unique_id", doc.unique_id},
                    {"block_contents", doc.block_contents}};
  }
  json["docs"] = docs;
  auto resources = [&](const std::map<std::string, PropertyResource>& map, bool in_graph) {
    Json object = Json::object();
    for (const auto& [id, resource] : map) {
      object[id] = property_resource_json(resource);
      if (in_graph) add_edges(parents, children, id, resource.depends_on_nodes);
    }
    return object;
  };
  json["exposures"] = resources(manifest.exposures, true);
  json["metrics"] = resources(manifest.metrics, true);
  json["groups"] = resources(manifest.groups, false);
  json["selectors"] = to_json(manifest.selectors);
  Json disabled = Json::object();
  for (const auto& [id, nodes_of_id] : manifest.disabled) {
    Json list = Json::array();
    for (const Node& node : nodes_of_id) list.push_back(node_json(node));
    disabled[id] = list;
  }
  json["disabled"] = disabled;
  json["semantic_models"] = resources(manifest.semantic_models, true);
  json["saved_queries"] = resources(manifest.saved_queries, true);
  Json unit_tests = Json::object();
  for (const auto& [id, node] : manifest.unit_tests) {
    unit_tests[id] = unit_test_json(node);
    add_edges(parents, children, id, node.depends_on_nodes);
  }
  json["unit_tests"] = unit_tests;
  json["parent_map"] = sorted_map(parents);
  json["child_map"] = sorted_map(children);
  std::map<std::string, std::set<std::string>> groups;
  for (const auto& [id, node] : manifest.nodes) {
    if (!node.group.empty()) groups[node.group].insert(id);
  }
  json["group_map"] = sorted_map(groups);
  json["functions"] = Json::object();
  return json.dump();
}

void write_manifest(const Manifest& manifest, const std::filesystem::path& path) {
  std::error_code ec;
  std::filesystem::create_directories(path.parent_path(), ec);
  std::filesystem::path temporary = path;
  temporary += ".tmp";
  {
    std::ofstream out(temporary, std::ios::binary | std::ios::trunc);
    out << manifest_to_json(manifest);
    if (!out) throw KilnError(ErrorKind::Io, "cannot write " + temporary.string());
  }
  std::filesystem::rename(temporary, path, ec);
  if (ec) throw KilnError(ErrorKind::Io, "cannot write " + path.string() + ": " + ec.message());
}

namespace {

std::string text_of(const Json& json, const char* key) {
  auto it = json.find(key);
  return it != json.end() && it->is_string() ? it->get<std::string>() : "";
}

std::vector<std::string> strings_of(const Json& json, const char* key) {
  std::vector<std::string> out;
  auto it = json.find(key);
  if (it == json.end() || !it->is_array()) return out;
  for (const Json& item : *it) {
    if (item.is_string()) out.push_back(item.get<std::string>());
  }
  return out;
}

Node node_from_json(const Json& json) {
  Node node;
  node.resource_type = parse_resource_type(text_of(json, "resource_type")).value_or(ResourceType::Model);
  node.unique_id = text_of(json, "unique_id");
  node.name = text_of(json, "name");
  node.package_name = text_of(json, "package_name");
  node.path = text_of(json, "path");
  node.original_file_path = text_of(json, "original_file_path");
  node.patch_path = text_of(json, "patch_path");
  node.fqn = strings_of(json, "fqn");
  node.database = text_of(json, "database");
  node.schema = text_of(json, "schema");
  node.alias = text_of(json, "alias");
  node.relation_name = text_of(json, "relation_name");
  if (json.contains("config")) node.config = from_json(json["config"]);
  if (json.contains("unrendered_config")) node.unrendered_config = from_json(json["unrendered_config"]);
  node.tags = strings_of(json, "tags");
  if (json.contains("meta")) node.meta = from_json(json["meta"]);
  node.description = text_of(json, "description");
  if (auto columns = json.find("columns"); columns != json.end() && columns->is_object()) {
    for (auto it = columns->begin(); it != columns->end(); ++it) {
      ColumnDef column;
      column.name = text_of(it.value(), "name");
      column.description = text_of(it.value(), "description");
      column.data_type = text_of(it.value(), "data_type");
      node.columns.push_back(std::move(column));
    }
  }
  node.language = text_of(json, "language");
  node.raw_code = text_of(json, "raw_code");
  if (auto sum = json.find("checksum"); sum != json.end() && sum->is_object()) {
    std::string name = text_of(*sum, "name");
    std::string value = text_of(*sum, "checksum");
    node.checksum = name == "path" ? "path:" + value : value;
  }
  if (auto depends = json.find("depends_on"); depends != json.end() && depends->is_object()) {
    node.depends_on_nodes = strings_of(*depends, "nodes");
    node.depends_on_macros = strings_of(*depends, "macros");
  }
  if (json.contains("contract")) node.contract = from_json(json["contract"]);
  node.access = text_of(json, "access");
  node.group = text_of(json, "group");
  if (auto version = json.find("version"); version != json.end() && !version->is_null()) {
    node.version = version->is_string() ? version->get<std::string>() : version->dump();
  }
  if (auto metadata = json.find("test_metadata"); metadata != json.end() && metadata->is_object()) {
    TestMetadata test;
    test.name = text_of(*metadata, "name");
    test.namespace_ = text_of(*metadata, "namespace");
    if (metadata->contains("kwargs")) test.kwargs = from_json((*metadata)["kwargs"]);
    node.test_metadata = std::move(test);
  }
  node.column_name = text_of(json, "column_name");
  node.attached_node = text_of(json, "attached_node");
  return node;
}

}  // namespace

Manifest read_manifest(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    throw KilnError(ErrorKind::Io, "cannot read " + path.string(), {path.string()},
                    "point --state at the target folder of an earlier run");
  }
  Json json = Json::parse(in, nullptr, false);
  if (json.is_discarded() || !json.is_object() || !json.contains("nodes")) {
    throw KilnError(ErrorKind::Project, path.string() + " is not a manifest.json", {path.string()},
                    "point --state at the target folder of an earlier run");
  }
  Manifest manifest;
  if (auto meta = json.find("metadata"); meta != json.end() && meta->is_object()) {
    manifest.metadata.project_name = text_of(*meta, "project_name");
    manifest.metadata.invocation_id = text_of(*meta, "invocation_id");
    manifest.metadata.generated_at = text_of(*meta, "generated_at");
    manifest.metadata.adapter_type = text_of(*meta, "adapter_type");
    manifest.metadata.dbt_version = text_of(*meta, "dbt_version");
  }
  for (auto it = json["nodes"].begin(); it != json["nodes"].end(); ++it) {
    manifest.nodes.emplace(it.key(), node_from_json(it.value()));
  }
  if (auto sources = json.find("sources"); sources != json.end() && sources->is_object()) {
    for (auto it = sources->begin(); it != sources->end(); ++it) {
      const Json& s = it.value();
      SourceDefinition source;
      source.unique_id = it.key();
      source.source_name = text_of(s, "source_name");
      source.name = text_of(s, "name");
      source.identifier = text_of(s, "identifier");
      source.package_name = text_of(s, "package_name");
      source.path = text_of(s, "path");
      source.original_file_path = text_of(s, "original_file_path");
      source.fqn = strings_of(s, "fqn");
      source.database = text_of(s, "database");
      source.schema = text_of(s, "schema");
      source.relation_name = text_of(s, "relation_name");
      source.description = text_of(s, "description");
      source.loaded_at_field = text_of(s, "loaded_at_field");
      if (s.contains("freshness")) source.freshness = from_json(s["freshness"]);
      if (s.contains("config")) source.config = from_json(s["config"]);
      source.tags = strings_of(s, "tags");
      manifest.sources.emplace(it.key(), std::move(source));
    }
  }
  if (auto macros = json.find("macros"); macros != json.end() && macros->is_object()) {
    for (auto it = macros->begin(); it != macros->end(); ++it) {
      Macro macro;
      macro.unique_id = it.key();
      macro.name = text_of(it.value(), "name");
      macro.package_name = text_of(it.value(), "package_name");
      macro.path = text_of(it.value(), "path");
      macro.original_file_path = text_of(it.value(), "original_file_path");
      macro.macro_sql = text_of(it.value(), "macro_sql");
      if (auto depends = it.value().find("depends_on"); depends != it.value().end() && depends->is_object()) {
        macro.depends_on_macros = strings_of(*depends, "macros");
      }
      manifest.macros.emplace(it.key(), std::move(macro));
    }
  }
  if (auto units = json.find("unit_tests"); units != json.end() && units->is_object()) {
    for (auto it = units->begin(); it != units->end(); ++it) {
      manifest.unit_tests.emplace(it.key(), node_from_json(it.value()));
    }
  }
  return manifest;
}

}  // namespace kiln
