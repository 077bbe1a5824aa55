#include "manifest/manifest_json.h"

#include <condition_variable>
#include <deque>
#include <fstream>
#include <functional>
#include <future>
#include <iterator>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <set>
#include <thread>

#include "common/error.h"
#include "common/json_writer.h"
#include "common/parallel.h"

namespace kiln {
namespace {

using Json = nlohmann::ordered_json;

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
  for (auto it = json.begin(); it != json.end(); ++it)
    entries.emplace_back(it.key(), from_json(it.value()));
  return Data::map(std::move(entries));
}

void write_checksum(JsonWriter& w, const std::string& value) {
  // Seeds over 1 MiB are identified by path ("path:<file>"), as dbt does.
  w.begin_object();
  if (value.starts_with("path:")) {
    w.field("name", "path").field("checksum", value.substr(5));
  } else if (value.empty()) {
    w.field("name", "none").field("checksum", "");
  } else {
    w.field("name", "sha256").field("checksum", value);
  }
  w.end_object();
}

void write_columns(JsonWriter& w, const std::vector<ColumnDef>& defs) {
  w.begin_object();
  for (const ColumnDef& column : defs) {
    w.key(column.name).begin_object();
    w.field("name", column.name)
        .field("description", column.description)
        .field("meta", column.meta);
    w.nullable_field("data_type", column.data_type).field("constraints", column.constraints);
    w.key("quote");
    if (column.quote) {
      w.value(*column.quote);
    } else {
      w.null();
    }
    w.strings_field("tags", column.tags);
    w.key("config")
        .begin_object()
        .field("meta", column.meta)
        .strings_field("tags", column.tags)
        .end_object();
    w.end_object();
  }
  w.end_object();
}

void write_refs(JsonWriter& w, const std::vector<RefCall>& calls) {
  w.begin_array();
  for (const RefCall& ref : calls) {
    w.begin_object().field("name", ref.name).nullable_field("package", ref.package);
    w.nullable_field("version", ref.version.value_or("")).end_object();
  }
  w.end_array();
}

void write_sources(JsonWriter& w, const std::vector<SourceCall>& calls) {
  w.begin_array();
  for (const SourceCall& call : calls)
    w.begin_array().value(call.source_name).value(call.table_name).end_array();
  w.end_array();
}

void write_docs(JsonWriter& w, const Data& docs) {
  const Data* show = docs.find("show");
  const Data* color = docs.find("node_color");
  w.begin_object().field("show", show && show->is_bool() ? show->as_bool() : true);
  w.nullable_field("node_color", color && color->is_string() ? color->as_string() : "")
      .end_object();
}

void write_contract(JsonWriter& w, const Data& contract) {
  const Data* enforced = contract.find("enforced");
  const Data* alias = contract.find("alias_types");
  const Data* sum = contract.find("checksum");
  w.begin_object().field("enforced", enforced && enforced->is_bool() && enforced->as_bool());
  w.field("alias_types", !(alias && alias->is_bool()) || alias->as_bool());
  w.nullable_field("checksum", sum && sum->is_string() ? sum->as_string() : "").end_object();
}

void write_node(JsonWriter& w, const Node& node, const Manifest::Compiled* compiled = nullptr) {
  w.begin_object();
  w.nullable_field("database", node.database).field("schema", node.schema).field("name", node.name);
  w.field("resource_type", resource_type_name(node.resource_type));
  w.field("package_name", node.package_name).field("path", node.path);
  w.field("original_file_path", node.original_file_path).field("unique_id", node.unique_id);
  w.strings_field("fqn", node.fqn).field("alias", node.alias);
  w.key("checksum");
  write_checksum(w, node.checksum);
  w.field("config", node.config).strings_field("tags", node.tags);
  w.field("description", node.description);
  w.key("columns");
  write_columns(w, node.columns);
  w.field("meta", node.meta).nullable_field("group", node.group);
  w.key("docs");
  write_docs(w, node.docs);
  w.nullable_field("patch_path", node.patch_path).null_field("build_path");
  w.field("unrendered_config", node.unrendered_config).field("created_at", node.created_at);
  w.field("config_call_dict", node.config_call_dict);
  w.key("unrendered_config_call_dict").begin_object().end_object();
  w.nullable_field("relation_name", node.relation_name).field("raw_code", node.raw_code);
  w.key("doc_blocks").begin_array().end_array();
  if (node.resource_type == ResourceType::Seed) {
    w.null_field("root_path");
    w.key("depends_on").begin_object().strings_field("macros", node.depends_on_macros).end_object();
    w.null_field("defer_relation");
    w.end_object();
    return;
  }
  w.field("language", node.language);
  w.key("refs");
  write_refs(w, node.refs);
  w.key("sources");
  write_sources(w, node.sources);
  w.key("metrics").begin_array().end_array();
  w.key("functions").begin_array().end_array();
  w.key("depends_on").begin_object().strings_field("macros", node.depends_on_macros);
  w.strings_field("nodes", node.depends_on_nodes).end_object();
  if (compiled) {
    w.field("compiled_path", compiled->path).field("compiled", true);
    w.field("compiled_code", compiled->code).field("extra_ctes_injected", true);
    w.key("extra_ctes").begin_array().end_array();
  } else {
    w.null_field("compiled_path");
  }
  w.key("contract");
  write_contract(w, node.contract);
  if (node.resource_type == ResourceType::Model) {
    w.field("access", node.access).field("constraints", node.constraints);
    w.nullable_field("version", node.version.value_or(""));
    w.nullable_field("latest_version", node.latest_version.value_or(""));
    w.null_field("deprecation_date").null_field("defer_relation");
    w.key("primary_key").begin_array().end_array();
    w.null_field("time_spine");
  }
  if (node.resource_type == ResourceType::Snapshot) w.null_field("defer_relation");
  if (node.test_metadata) {
    w.nullable_field("column_name", node.column_name)
        .nullable_field("file_key_name", node.file_key_name);
    w.nullable_field("attached_node", node.attached_node);
    w.key("test_metadata").begin_object().field("name", node.test_metadata->name);
    w.field("kwargs", node.test_metadata->kwargs);
    w.nullable_field("namespace", node.test_metadata->namespace_).end_object();
  }
  w.end_object();
}

void write_fixture(JsonWriter& w, const Data& entry, bool with_input) {
  w.begin_object();
  if (with_input) w.field("input", entry.find("input") ? entry.find("input")->scalar_text() : "");
  const Data* rows = entry.find("rows");
  const Data* format = entry.find("format");
  const Data* file = entry.find("fixture");
  w.key("rows");
  if (rows) {
    w.value(*rows);
  } else {
    w.null();
  }
  w.field("format", format && format->is_string() ? format->as_string() : "dict");
  w.nullable_field("fixture", file && file->is_string() ? file->as_string() : "").end_object();
}

void write_unit_test(JsonWriter& w, const Node& node) {
  w.begin_object();
  w.field("model", node.refs.empty() ? "" : node.refs.front().name);
  w.key("given").begin_array();
  if (const Data* given = node.unit_test.find("given"); given && given->is_list()) {
    for (const Data& entry : given->as_list()) write_fixture(w, entry, true);
  }
  w.end_array();
  w.key("expect");
  const Data* expect = node.unit_test.find("expect");
  write_fixture(w, expect && expect->is_map() ? *expect : Data::map(), false);
  w.field("name", node.name)
      .field("resource_type", "unit_test")
      .field("package_name", node.package_name);
  w.field("path", node.path).field("original_file_path", node.original_file_path);
  w.field("unique_id", node.unique_id)
      .strings_field("fqn", node.fqn)
      .field("description", node.description);
  w.key("overrides");
  if (const Data* overrides = node.unit_test.find("overrides"); overrides && overrides->is_map()) {
    w.begin_object();
    for (const char* key : {"macros", "vars", "env_vars"}) {
      if (const Data* value = overrides->find(key); value && value->is_map()) w.field(key, *value);
    }
    w.end_object();
  } else {
    w.null();
  }
  w.key("depends_on").begin_object().key("macros").begin_array().end_array();
  w.strings_field("nodes", node.depends_on_nodes).end_object();
  w.key("config").begin_object().strings_field("tags", node.tags).field("meta", node.meta);
  w.field("enabled", true).end_object();
  w.null_field("schema")
      .field("created_at", node.created_at)
      .null_field("versions")
      .null_field("version");
  w.end_object();
}

void write_source(JsonWriter& w, const SourceDefinition& source) {
  w.begin_object();
  w.nullable_field("database", source.database)
      .field("schema", source.schema)
      .field("name", source.name);
  w.field("resource_type", "source")
      .field("package_name", source.package_name)
      .field("path", source.path);
  w.field("original_file_path", source.original_file_path).field("unique_id", source.unique_id);
  w.strings_field("fqn", source.fqn).field("source_name", source.source_name);
  w.field("source_description", source.source_description).field("loader", source.loader);
  w.field("identifier", source.identifier);
  w.key("quoting").begin_object();
  for (const char* key : {"database", "schema", "identifier", "column"}) {
    const Data* value = source.quoting.find(key);
    w.key(key);
    if (value && value->is_bool()) {
      w.value(value->as_bool());
    } else {
      w.null();
    }
  }
  w.end_object();
  w.nullable_field("loaded_at_field", source.loaded_at_field);
  w.nullable_field("loaded_at_query", source.loaded_at_query);
  w.key("freshness");
  if (source.freshness.is_map()) {
    w.begin_object();
    for (const char* key : {"warn_after", "error_after"}) {
      const Data* value = source.freshness.find(key);
      w.key(key);
      if (value && value->is_map()) {
        w.value(*value);
      } else {
        w.begin_object().null_field("count").null_field("period").end_object();
      }
    }
    const Data* filter = source.freshness.find("filter");
    w.nullable_field("filter", filter && filter->is_string() ? filter->as_string() : "");
    w.end_object();
  } else {
    w.null();
  }
  w.null_field("external").field("description", source.description);
  w.key("columns");
  write_columns(w, source.columns);
  w.field("meta", source.meta)
      .field("source_meta", source.source_meta)
      .strings_field("tags", source.tags);
  w.field("config", source.config).null_field("patch_path");
  w.field("unrendered_config", source.unrendered_config)
      .nullable_field("relation_name", source.relation_name);
  w.field("created_at", source.created_at)
      .null_field("unrendered_database")
      .null_field("unrendered_schema");
  w.key("doc_blocks").begin_array().end_array();
  w.end_object();
}

void write_macro(JsonWriter& w, const Macro& macro) {
  w.begin_object();
  w.field("name", macro.name)
      .field("resource_type", "macro")
      .field("package_name", macro.package_name);
  w.field("path", macro.path).field("original_file_path", macro.original_file_path);
  w.field("unique_id", macro.unique_id).field("macro_sql", macro.macro_sql);
  w.key("depends_on").begin_object().strings_field("macros", macro.depends_on_macros).end_object();
  w.field("description", macro.description).field("meta", macro.meta);
  w.key("docs");
  write_docs(w, macro.docs);
  w.nullable_field("patch_path", macro.patch_path);
  w.key("arguments").begin_array();
  for (const MacroArgument& argument : macro.arguments) {
    w.begin_object().field("name", argument.name).nullable_field("type", argument.type);
    w.field("description", argument.description).end_object();
  }
  w.end_array();
  w.field("created_at", macro.created_at).null_field("supported_languages");
  w.end_object();
}

// Exposures, metrics, semantic models, saved queries and groups: the ids and dependencies kiln
// computed, plus the keys the user wrote that the schema knows for that type.
void write_property_resource(JsonWriter& w, const PropertyResource& resource) {
  static const std::map<ResourceType, std::vector<const char*>> kWritten = {
      {ResourceType::Exposure, {"type", "owner", "description", "label", "maturity", "url"}},
      {ResourceType::Group, {"owner", "description"}},
      {ResourceType::Metric,
       {"description", "label", "type", "type_params", "filter", "time_granularity"}},
      {ResourceType::SemanticModel,
       {"description", "label", "defaults", "entities", "measures", "dimensions",
        "primary_entity"}},
      {ResourceType::SavedQuery, {"query_params", "exports", "description", "label"}},
  };
  w.begin_object();
  w.field("name", resource.name).field("resource_type", resource_type_name(resource.resource_type));
  w.field("package_name", resource.package_name).field("path", resource.path);
  w.field("original_file_path", resource.original_file_path).field("unique_id", resource.unique_id);
  for (const char* key : kWritten.at(resource.resource_type)) {
    if (const Data* value = resource.properties.find(key)) w.field(key, *value);
  }
  w.field("config", resource.config);
  if (resource.resource_type != ResourceType::Group) {
    w.strings_field("fqn", resource.fqn);
    w.key("unrendered_config").begin_object().end_object();
    w.key("depends_on").begin_object().key("macros").begin_array().end_array();
    w.strings_field("nodes", resource.depends_on_nodes).end_object();
    w.key("refs");
    write_refs(w, resource.refs);
    w.field("created_at", resource.created_at);
    if (resource.resource_type == ResourceType::Exposure ||
        resource.resource_type == ResourceType::Metric) {
      w.field("meta", resource.meta).strings_field("tags", resource.tags);
      w.key("sources");
      write_sources(w, resource.sources);
      w.key("metrics").begin_array().end_array();
    }
    if (resource.resource_type == ResourceType::SemanticModel) {
      const Data* model = resource.properties.find("model");
      w.field("model", model ? model->scalar_text() : "").null_field("node_relation");
    }
  }
  w.end_object();
}

using EdgeMap = std::map<std::string, std::set<std::string>>;

void add_edges(EdgeMap& parents, EdgeMap& children, const std::string& id,
               const std::vector<std::string>& depends) {
  parents[id];
  children[id];
  for (const std::string& parent : depends) {
    parents[id].insert(parent);
    children[parent].insert(id);
  }
}

struct EdgeMaps {
  EdgeMap parents, children;
};

// dbt's parent_map and child_map: every node, source, exposure, metric, semantic model, saved
// query and unit test, with what it depends on and what depends on it.
EdgeMaps edge_maps(const Manifest& manifest) {
  EdgeMaps maps;
  for (const auto& [id, node] : manifest.nodes)
    add_edges(maps.parents, maps.children, id, node.depends_on_nodes);
  for (const auto& [id, source] : manifest.sources) add_edges(maps.parents, maps.children, id, {});
  for (const auto* map : {&manifest.exposures, &manifest.metrics, &manifest.semantic_models,
                          &manifest.saved_queries}) {
    for (const auto& [id, resource] : *map)
      add_edges(maps.parents, maps.children, id, resource.depends_on_nodes);
  }
  for (const auto& [id, node] : manifest.unit_tests)
    add_edges(maps.parents, maps.children, id, node.depends_on_nodes);
  return maps;
}

void write_edge_map(JsonWriter& w, const EdgeMap& map) {
  w.begin_object();
  for (const auto& [key, values] : map) {
    w.key(key).begin_array();
    for (const std::string& value : values) w.value(value);
    w.end_array();
  }
  w.end_object();
}

}  // namespace

namespace {

// Writes the manifest through `sink` in pieces of about a megabyte, so a 60 MB manifest never
// sits in memory whole.
void write_manifest_json(const Manifest& manifest, const std::function<void(std::string&)>& sink) {
  std::string out;
  out.reserve(2 << 20);
  JsonWriter w(out);
  auto maybe_flush = [&] {
    if (out.size() >= (1 << 20)) sink(out);
  };
  const ManifestMetadata& meta = manifest.metadata;
  w.begin_object();
  w.key("metadata").begin_object();
  w.field("dbt_schema_version", meta.dbt_schema_version).field("dbt_version", meta.dbt_version);
  w.field("generated_at", meta.generated_at).nullable_field("invocation_id", meta.invocation_id);
  w.nullable_field("invocation_started_at", meta.generated_at).field("env", meta.env);
  w.field("project_name", meta.project_name)
      .field("project_id", meta.project_id)
      .null_field("user_id");
  w.field("send_anonymous_usage_stats", false).field("adapter_type", meta.adapter_type);
  w.key("quoting").begin_object().field("database", true).field("schema", true);
  w.field("identifier", true).null_field("column").end_object();
  w.nullable_field("run_started_at", meta.generated_at);
  w.end_object();

  // The edge maps come last in the file but need only the manifest: they are built meanwhile.
  std::future<EdgeMaps> edges = std::async(std::launch::async, edge_maps, std::cref(manifest));
  w.key("nodes").begin_object();
  // Serializing nodes is most of the work on big projects: windows of nodes are written to
  // separate strings on all cores, the next window while this thread appends the last one.
  std::vector<const std::pair<const std::string, Node>*> nodes;
  nodes.reserve(manifest.nodes.size());
  for (const auto& entry : manifest.nodes) nodes.push_back(&entry);
  constexpr size_t kWindow = 1024;
  auto serialize = [&](std::vector<std::string>& into, size_t start) {
    size_t count = std::min(kWindow, nodes.size() - start);
    into.resize(count);
    parallel_for(count, [&](size_t i) {
      into[i].clear();
      into[i].reserve(8192);
      JsonWriter node_writer(into[i]);
      const auto& [id, node] = *nodes[start + i];
      auto compiled = manifest.compiled.find(id);
      write_node(node_writer, node,
                 compiled == manifest.compiled.end() ? nullptr : &compiled->second);
    });
  };
  std::vector<std::string> current, next;
  if (!nodes.empty()) serialize(current, 0);
  for (size_t start = 0; start < nodes.size(); start += kWindow) {
    std::future<void> ahead;
    if (start + kWindow < nodes.size())
      ahead = std::async(std::launch::async, serialize, std::ref(next), start + kWindow);
    for (size_t i = 0; i < current.size(); ++i) {
      w.key(nodes[start + i]->first).raw_value(current[i]);
      maybe_flush();
    }
    if (ahead.valid()) ahead.get();
    std::swap(current, next);
  }
  w.end_object();
  w.key("sources").begin_object();
  for (const auto& [id, source] : manifest.sources) {
    w.key(id);
    write_source(w, source);
  }
  w.end_object();
  w.key("macros").begin_object();
  for (const auto& [id, macro] : manifest.macros) {
    w.key(id);
    write_macro(w, macro);
  }
  w.end_object();
  w.key("docs").begin_object();
  for (const auto& [id, doc] : manifest.docs) {
    w.key(id).begin_object().field("name", doc.name).field("resource_type", "doc");
    w.field("package_name", doc.package_name).field("path", doc.path);
    w.field("original_file_path", doc.original_file_path).field("unique_id", doc.unique_id);
    w.field("block_contents", doc.block_contents).end_object();
  }
  w.end_object();
  auto resources = [&](const char* key, const std::map<std::string, PropertyResource>& map) {
    w.key(key).begin_object();
    for (const auto& [id, resource] : map) {
      w.key(id);
      write_property_resource(w, resource);
    }
    w.end_object();
  };
  resources("exposures", manifest.exposures);
  resources("metrics", manifest.metrics);
  resources("groups", manifest.groups);
  w.field("selectors", manifest.selectors);
  w.key("disabled").begin_object();
  for (const auto& [id, nodes_of_id] : manifest.disabled) {
    w.key(id).begin_array();
    for (const Node& node : nodes_of_id) write_node(w, node);
    w.end_array();
  }
  w.end_object();
  resources("semantic_models", manifest.semantic_models);
  resources("saved_queries", manifest.saved_queries);
  w.key("unit_tests").begin_object();
  for (const auto& [id, node] : manifest.unit_tests) {
    w.key(id);
    write_unit_test(w, node);
  }
  w.end_object();
  EdgeMaps maps = edges.get();
  w.key("parent_map");
  write_edge_map(w, maps.parents);
  w.key("child_map");
  write_edge_map(w, maps.children);
  EdgeMap groups;
  for (const auto& [id, node] : manifest.nodes) {
    if (!node.group.empty()) groups[node.group].insert(id);
  }
  w.key("group_map");
  write_edge_map(w, groups);
  w.key("functions").begin_object().end_object();
  w.end_object();
  sink(out);
}

}  // namespace

std::string resource_to_json(const Manifest& manifest, const std::string& unique_id) {
  std::string out;
  JsonWriter w(out);
  if (auto it = manifest.nodes.find(unique_id); it != manifest.nodes.end()) {
    write_node(w, it->second);
  } else if (auto source = manifest.sources.find(unique_id); source != manifest.sources.end()) {
    write_source(w, source->second);
  } else if (auto unit = manifest.unit_tests.find(unique_id); unit != manifest.unit_tests.end()) {
    write_unit_test(w, unit->second);
  } else {
    for (const auto* group : {&manifest.exposures, &manifest.metrics, &manifest.semantic_models,
                              &manifest.saved_queries, &manifest.groups}) {
      if (auto found = group->find(unique_id); found != group->end()) {
        write_property_resource(w, found->second);
        break;
      }
    }
  }
  return out;
}

std::string manifest_to_json(const Manifest& manifest) {
  std::string all;
  write_manifest_json(manifest, [&](std::string& piece) {
    all += piece;
    piece.clear();
  });
  return all;
}

namespace {

// Writes the pieces handed to it on a thread of its own, so the kernel's copying of a 60 MB
// manifest into the page cache overlaps with serializing the rest of it.
class BackgroundWriter {
 public:
  explicit BackgroundWriter(std::ofstream& out) : out_(out), thread_([this] { drain(); }) {}
  ~BackgroundWriter() { finish(); }
  BackgroundWriter(const BackgroundWriter&) = delete;
  BackgroundWriter& operator=(const BackgroundWriter&) = delete;

  // Takes `piece`'s text, leaving it empty (with the memory of a written piece, so the buffer
  // is not grown from nothing again); waits while a few pieces are still unwritten, so memory
  // stays bounded when the disk is slower than the serializer.
  void write(std::string& piece) {
    std::unique_lock lock(mutex_);
    room_.wait(lock, [&] { return queue_.size() < kMaxQueued; });
    queue_.push_back(std::move(piece));
    piece.clear();
    if (!written_.empty()) {
      piece = std::move(written_.back());
      written_.pop_back();
    }
    ready_.notify_one();
  }

  void finish() {
    {
      std::lock_guard lock(mutex_);
      if (done_) return;
      done_ = true;
      ready_.notify_one();
    }
    thread_.join();
  }

 private:
  static constexpr size_t kMaxQueued = 8;

  void drain() {
    for (;;) {
      std::string piece;
      {
        std::unique_lock lock(mutex_);
        ready_.wait(lock, [&] { return done_ || !queue_.empty(); });
        if (queue_.empty()) return;
        piece = std::move(queue_.front());
        queue_.pop_front();
        room_.notify_one();
      }
      out_.write(piece.data(), static_cast<std::streamsize>(piece.size()));
      piece.clear();
      std::lock_guard lock(mutex_);
      written_.push_back(std::move(piece));
    }
  }

  std::ofstream& out_;
  std::mutex mutex_;
  std::condition_variable ready_, room_;
  std::deque<std::string> queue_;
  std::vector<std::string> written_;  // emptied buffers, handed back to write()
  bool done_ = false;
  std::thread thread_;  // last: it starts once everything it uses exists
};

}  // namespace

void write_manifest(const Manifest& manifest, const std::filesystem::path& path) {
  std::error_code ec;
  std::filesystem::create_directories(path.parent_path(), ec);
  std::filesystem::path temporary = path;
  temporary += ".tmp";
  {
    std::ofstream out(temporary, std::ios::binary | std::ios::trunc);
    {
      BackgroundWriter writer(out);
      write_manifest_json(manifest, [&](std::string& piece) { writer.write(piece); });
    }
    out.flush();
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
  node.resource_type =
      parse_resource_type(text_of(json, "resource_type")).value_or(ResourceType::Model);
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
  if (json.contains("unrendered_config"))
    node.unrendered_config = from_json(json["unrendered_config"]);
  node.tags = strings_of(json, "tags");
  if (json.contains("meta")) node.meta = from_json(json["meta"]);
  node.description = text_of(json, "description");
  if (auto columns = json.find("columns"); columns != json.end() && columns->is_object()) {
    for (auto it = columns->begin(); it != columns->end(); ++it) {
      ColumnDef column;
      column.name = text_of(it.value(), "name");
      column.description = text_of(it.value(), "description");
      column.data_type = text_of(it.value(), "data_type");
      if (it.value().contains("constraints"))
        column.constraints = from_json(it.value()["constraints"]);
      if (it.value().contains("meta")) column.meta = from_json(it.value()["meta"]);
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
  if (json.contains("constraints")) node.constraints = from_json(json["constraints"]);
  if (json.contains("docs")) node.docs = from_json(json["docs"]);
  if (auto latest = json.find("latest_version"); latest != json.end() && !latest->is_null()) {
    node.latest_version = latest->is_string() ? latest->get<std::string>() : latest->dump();
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
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  return parse_manifest_json(text, path.string());
}

Manifest parse_manifest_json(std::string_view text, const std::string& display_name) {
  Json json = Json::parse(text, nullptr, false);
  if (json.is_discarded() || !json.is_object() || !json.contains("nodes")) {
    throw KilnError(ErrorKind::Project, display_name + " is not a manifest.json", {display_name},
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
      source.loaded_at_query = text_of(s, "loaded_at_query");
      source.loader = text_of(s, "loader");
      source.source_description = text_of(s, "source_description");
      if (s.contains("freshness")) source.freshness = from_json(s["freshness"]);
      if (s.contains("quoting")) source.quoting = from_json(s["quoting"]);
      if (s.contains("config")) source.config = from_json(s["config"]);
      if (s.contains("unrendered_config"))
        source.unrendered_config = from_json(s["unrendered_config"]);
      if (s.contains("meta")) source.meta = from_json(s["meta"]);
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
      if (auto depends = it.value().find("depends_on");
          depends != it.value().end() && depends->is_object()) {
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
