#include "parser/project_parser.h"

#include <algorithm>
#include <chrono>
#include <ctime>
#include <map>
#include <mutex>
#include <set>
#include <unordered_map>

#include "common/events.h"
#include "common/hashing.h"
#include "common/parallel.h"
#include "common/strings.h"
#include "parser/block_extractor.h"
#include "parser/config_merge.h"
#include "parser/doc_references.h"
#include "parser/generic_test.h"
#include "parser/properties.h"
#include "parser/static_extractor.h"
#include "project/files.h"
#include "project/yaml_reader.h"

namespace kiln {
namespace {

// The package kiln's built-in macros belong to, as dbt's global project does.
constexpr std::string_view kBuiltinPackageName = "dbt";

// dbt checksums seeds above 1 MiB by path, not contents, so large seeds do not slow parsing.
constexpr size_t kMaximumSeedSizeForChecksum = 1024 * 1024;

double unix_now() {
  return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
}

std::string stem_of(const std::string& path) {
  std::string file = std::filesystem::path(path).filename().string();
  size_t dot = file.rfind('.');
  return dot == std::string::npos ? file : file.substr(0, dot);
}

// "models/staging/stg.sql" with resource path "models" -> "staging/stg.sql".
std::string path_within(const std::string& relative, const std::vector<std::string>& roots) {
  for (const std::string& root : roots) {
    std::string prefix = std::filesystem::path(root).lexically_normal().generic_string();
    if (!prefix.empty() && prefix.back() != '/') prefix += '/';
    if (relative.starts_with(prefix)) return relative.substr(prefix.size());
  }
  return relative;
}

// The folders of a path, without the file: "a/b/c.sql" -> ["a", "b"].
std::vector<std::string> folders_of(const std::string& path) {
  std::vector<std::string> parts = split(path, '/');
  parts.pop_back();
  return parts;
}

Data list_of_strings(const std::vector<std::string>& items) {
  Data::List list;
  for (const std::string& item : items) list.push_back(Data::string(item));
  return Data::list(std::move(list));
}

std::vector<std::string> strings_of(const Data& value) {
  std::vector<std::string> out;
  if (value.is_string()) out.push_back(value.as_string());
  if (value.is_list()) {
    for (const Data& item : value.as_list()) {
      if (item.is_string()) out.push_back(item.as_string());
    }
  }
  return out;
}

Data build_default_config(ResourceType type) {
  Data config = Data::map({
      {"enabled", Data::boolean(true)},
      {"alias", Data::null()},
      {"schema", Data::null()},
      {"database", Data::null()},
      {"tags", Data::list()},
      {"meta", Data::map()},
      {"group", Data::null()},
  });
  switch (type) {
    case ResourceType::Test:
      config.set("materialized", Data::string("test"));
      config.set("schema", Data::string("dbt_test__audit"));
      config.set("severity", Data::string("ERROR"));
      config.set("store_failures", Data::null());
      config.set("store_failures_as", Data::null());
      config.set("where", Data::null());
      config.set("limit", Data::null());
      config.set("fail_calc", Data::string("count(*)"));
      config.set("warn_if", Data::string("!= 0"));
      config.set("error_if", Data::string("!= 0"));
      return config;
    case ResourceType::Seed:
      config.set("materialized", Data::string("seed"));
      config.set("delimiter", Data::string(","));
      config.set("quote_columns", Data::null());
      break;
    case ResourceType::Snapshot:
      config.set("materialized", Data::string("snapshot"));
      config.set("strategy", Data::null());
      config.set("unique_key", Data::null());
      config.set("target_schema", Data::null());
      config.set("target_database", Data::null());
      config.set("updated_at", Data::null());
      config.set("check_cols", Data::null());
      break;
    default:
      config.set("materialized", Data::string("view"));
      config.set("incremental_strategy", Data::null());
      config.set("unique_key", Data::null());
      config.set("on_schema_change", Data::string("ignore"));
      config.set("on_configuration_change", Data::string("apply"));
      config.set("full_refresh", Data::null());
      config.set("contract", Data::map({{"enforced", Data::boolean(false)},
                                        {"alias_types", Data::boolean(true)}}));
      config.set("access", Data::string("protected"));
  }
  config.set("persist_docs", Data::map());
  config.set("quoting", Data::map());
  config.set("column_types", Data::map());
  config.set("post-hook", Data::list());
  config.set("pre-hook", Data::list());
  config.set("docs", Data::map({{"show", Data::boolean(true)}, {"node_color", Data::null()}}));
  config.set("grants", Data::map());
  config.set("packages", Data::list());
  return config;
}

// Every node starts from its type's defaults; building them once and copying keeps parsing a big
// project from re-growing the same map for each node.
const Data& default_config(ResourceType type) {
  static const std::map<ResourceType, Data> defaults = [] {
    std::map<ResourceType, Data> built;
    for (ResourceType each :
         {ResourceType::Model, ResourceType::Test, ResourceType::Seed, ResourceType::Snapshot,
          ResourceType::Analysis, ResourceType::UnitTest, ResourceType::Source}) {
      built.emplace(each, build_default_config(each));
    }
    return built;
  }();
  auto it = defaults.find(type);
  return it != defaults.end() ? it->second : defaults.at(ResourceType::Model);
}

// Which dbt_project.yml tree configures a resource type.
const char* tree_key(ResourceType type) {
  switch (type) {
    case ResourceType::Seed:
      return "seeds";
    case ResourceType::Snapshot:
      return "snapshots";
    case ResourceType::Test:
      return "data_tests";
    case ResourceType::Analysis:
      return "analyses";
    case ResourceType::UnitTest:
      return "unit_tests";
    case ResourceType::Source:
      return "sources";
    default:
      return "models";
  }
}

struct PackageContext {
  const Project* project = nullptr;
  bool is_root = false;
  PropertyFiles properties;
  ProjectFiles files;
};

class ProjectParser {
 public:
  ProjectParser(const Project& root, const std::vector<Project>& packages,
                const ParseTarget& target, const ParseOptions& options)
      : root_(root), target_(target), options_(options) {
    packages_.push_back({&root, true, {}, {}});
    for (const Project& package : packages) packages_.push_back({&package, false, {}, {}});
  }

  Manifest parse(ParseStats* stats) {
    manifest_.metadata.generated_at = options_.generated_at.empty()
                                          ? iso8601_utc(std::chrono::system_clock::now())
                                          : options_.generated_at;
    manifest_.metadata.invocation_id = options_.invocation_id;
    manifest_.metadata.project_name = root_.name;
    manifest_.metadata.project_id = md5_hex(root_.name);
    manifest_.metadata.adapter_type = target_.adapter_type;
    manifest_.metadata.dbt_version = "1.9.0";
    created_at_ = unix_now();

    auto start = std::chrono::steady_clock::now();
    auto phase = [&](const char* name) {
      auto now = std::chrono::steady_clock::now();
      stats_.phase_ms.emplace_back(name,
                                   std::chrono::duration<double, std::milli>(now - start).count());
      start = now;
    };
    // Every package's macros first: rendering any node may call a macro of any package.
    for (const auto& [path, text] : options_.builtin_macros) {
      add_macros_from(std::string(kBuiltinPackageName), std::string(path), text);
    }
    for (const ParseOptions::BuiltinPackage& package : options_.builtin_packages) {
      for (const auto& [path, text] : package.files) {
        add_macros_from(package.name, std::string(path), text);
      }
    }
    for (PackageContext& package : packages_) read_package_macros(package);
    for (PackageContext& package : packages_) read_package_files(package);
    phase("read files");
    for (PackageContext& package : packages_) apply_properties(package);
    phase("apply properties");
    resolve_node_configs();
    phase("resolve configs");
    for (PackageContext& package : packages_) add_generic_tests(package);
    for (PackageContext& package : packages_) add_unit_tests(package);
    phase("generic tests");
    move_disabled_nodes();
    resolve_dependencies();
    phase("resolve dependencies");
    // doc() in descriptions, once the docs blocks of every package are known (as dbt does).
    resolve_doc_references(manifest_);
    if (stats) *stats = stats_;
    return std::move(manifest_);
  }

 private:
  // ---- Files -------------------------------------------------------------------------------

  // What reading one file produced, computed in parallel before nodes are built in file order.
  struct FileContents {
    std::string text;
    std::string checksum;
    StaticExtraction extraction;
  };

  // What one property file declares, read in parallel, then appended in file order.
  struct PropertyContents {
    PropertyFiles properties;
    std::vector<std::string> warnings;  // emitted in file order, whichever thread read it
  };

  void read_package_macros(PackageContext& package) {
    const Project& project = *package.project;
    package.files = discover_files(project);
    for (const ProjectFile& file : package.files.macros) read_macro_file(project, file);
    for (const ProjectFile& file : package.files.tests) {
      if (path_within(file.relative_path, project.test_paths).starts_with("generic/")) {
        read_macro_file(project, file);
      }
    }
  }

  void read_package_files(PackageContext& package) {
    const Project& project = *package.project;
    const ProjectFiles& files = package.files;

    // Reading, hashing, static extraction and YAML parsing are independent per file: spread them
    // over the cores, and so is reading property files into patches. Building nodes stays
    // sequential and in file order, so ids, warnings and the manifest come out the same on every
    // run.
    std::vector<const ProjectFile*> sql_files;
    for (const auto* group : {&files.models, &files.tests, &files.analyses}) {
      for (const ProjectFile& file : *group) sql_files.push_back(&file);
    }
    std::vector<FileContents> sql_contents(sql_files.size());
    std::vector<PropertyContents> property_contents(files.properties.size());
    size_t total = sql_files.size() + files.properties.size();
    // Property files first: they take longest, and starting them early balances the threads.
    parallel_for(total, [&](size_t i) {
      if (i < files.properties.size()) {
        const ProjectFile& file = files.properties[i];
        PropertyContents& contents = property_contents[i];
        read_property_file(
            read_yaml_file(file.absolute_path, file.relative_path), file.relative_path,
            project.name, contents.properties,
            [&](const std::string& warning) { contents.warnings.push_back(warning); });
      } else {
        const ProjectFile& file = *sql_files[i - files.properties.size()];
        FileContents& contents = sql_contents[i - files.properties.size()];
        contents.text = read_text_file(file.absolute_path, file.relative_path);
        contents.checksum = sha256_hex(contents.text);
        if (!file.relative_path.ends_with(".py"))
          contents.extraction = extract_static(contents.text);
      }
    });
    std::map<const ProjectFile*, FileContents*> contents_of;
    for (size_t i = 0; i < sql_files.size(); ++i) contents_of[sql_files[i]] = &sql_contents[i];

    for (const ProjectFile& file : files.docs) read_docs_file(project, file);
    for (const ProjectFile& file : files.models) {
      add_sql_node(package, ResourceType::Model, file, project.model_paths, *contents_of[&file]);
    }
    for (const ProjectFile& file : files.seeds) add_seed(package, file);
    for (const ProjectFile& file : files.snapshots) read_snapshot_file(package, file);
    for (const ProjectFile& file : files.tests) {
      std::string within = path_within(file.relative_path, project.test_paths);
      if (!within.starts_with("generic/")) {
        add_sql_node(package, ResourceType::Test, file, project.test_paths, *contents_of[&file]);
      }
    }
    for (const ProjectFile& file : files.analyses) {
      add_sql_node(package, ResourceType::Analysis, file, project.analysis_paths,
                   *contents_of[&file]);
    }
    for (PropertyContents& contents : property_contents) {
      if (options_.notice) {
        for (const std::string& warning : contents.warnings) options_.notice(warning);
      }
      append_properties(package.properties, std::move(contents.properties));
    }
    for (const Data& definition : package.properties.snapshot_definitions)
      add_yaml_snapshot(package, definition);
  }

  static void append_properties(PropertyFiles& to, PropertyFiles&& from) {
    auto append = [](auto& target, auto& source) {
      target.insert(target.end(), std::make_move_iterator(source.begin()),
                    std::make_move_iterator(source.end()));
    };
    append(to.node_patches, from.node_patches);
    append(to.source_tables, from.source_tables);
    append(to.resources, from.resources);
    append(to.unit_tests, from.unit_tests);
    append(to.snapshot_definitions, from.snapshot_definitions);
  }

  // dbt 1.9's snapshots defined in YAML: `relation: ref('x')` (or source(...)) is what they
  // select from; config, description and columns come as the entry's patch.
  void add_yaml_snapshot(PackageContext& package, const Data& definition) {
    const Project& project = *package.project;
    const Data* name = definition.find("name");
    const Data* relation = definition.find("relation");
    std::string file = definition.find("__file__")->as_string();
    if (!name || !name->is_string() || name->as_string().empty()) {
      throw KilnError(ErrorKind::Project, "a snapshot in " + file + " has no name", {file},
                      "give each entry under snapshots: a `name:`");
    }
    std::string relation_text = relation ? std::string(trim(relation->scalar_text())) : "";
    if (!relation_text.starts_with("ref(") && !relation_text.starts_with("source(")) {
      throw KilnError(ErrorKind::Project,
                      "snapshot '" + name->as_string() + "' in " + file +
                          ": relation must be ref('...') or source('...', '...'), not '" +
                          relation_text + "'",
                      {file}, "e.g. relation: source('shop', 'orders')");
    }
    ProjectFile yaml_file;
    yaml_file.relative_path = file;
    std::vector<std::string> roots = project.snapshot_paths;
    roots.insert(roots.end(), project.model_paths.begin(), project.model_paths.end());
    Node node = base_node(ResourceType::Snapshot, project, yaml_file, roots, name->as_string());
    node.raw_code = "select * from {{ " + relation_text + " }}";
    node.checksum = sha256_hex(node.raw_code);
    capture_calls(node);
    add_node(std::move(node));
  }

  void read_macro_file(const Project& project, const ProjectFile& file) {
    std::string text = read_text_file(file.absolute_path, file.relative_path);
    for (TopLevelBlock& block : extract_blocks(text, file.relative_path, {"docs"})) {
      add_doc(project, file, block);
    }
    add_macros_from(project.name, file.relative_path, text);
  }

  void add_macros_from(const std::string& package, const std::string& path, std::string_view text) {
    for (TopLevelBlock& block : extract_blocks(text, path, {"macro", "test", "materialization"})) {
      Macro macro;
      macro.name = block.name;
      if (block.type == "test") macro.name = "test_" + block.name;
      if (block.type == "materialization") macro.name = materialization_macro_name(block);
      macro.package_name = package;
      macro.path = path;
      macro.original_file_path = path;
      macro.macro_sql = block.full_text;
      macro.line = block.line;
      macro.unique_id = "macro." + package + "." + macro.name;
      macro.created_at = created_at_;
      if (manifest_.macros.count(macro.unique_id)) {
        const Macro& other = manifest_.macros.at(macro.unique_id);
        throw KilnError(ErrorKind::Project,
                        "two macros are named '" + macro.name + "' in package '" + package +
                            "': " + other.original_file_path + " and " + path,
                        {path, block.line, block.column}, "rename or remove one of them");
      }
      manifest_.macros.emplace(macro.unique_id, std::move(macro));
    }
  }

  // `{% materialization incremental, adapter='duckdb' %}` defines
  // materialization_incremental_duckdb; without an adapter it is the `default` one.
  static std::string materialization_macro_name(const TopLevelBlock& block) {
    std::string adapter = "default";
    size_t key = block.arguments.find("adapter");
    if (key != std::string::npos) {
      size_t quote = block.arguments.find_first_of("'\"", key);
      if (quote != std::string::npos) {
        size_t end = block.arguments.find(block.arguments[quote], quote + 1);
        if (end != std::string::npos) adapter = block.arguments.substr(quote + 1, end - quote - 1);
      }
    }
    return "materialization_" + block.name + "_" + adapter;
  }

  void read_docs_file(const Project& project, const ProjectFile& file) {
    std::string text = read_text_file(file.absolute_path, file.relative_path);
    for (TopLevelBlock& block : extract_blocks(text, file.relative_path, {"docs"})) {
      add_doc(project, file, block);
    }
  }

  void add_doc(const Project& project, const ProjectFile& file, const TopLevelBlock& block) {
    Documentation doc;
    doc.name = block.name;
    doc.package_name = project.name;
    doc.path = path_within(file.relative_path,
                           project.docs_paths.empty() ? project.model_paths : project.docs_paths);
    doc.original_file_path = file.relative_path;
    doc.block_contents = std::string(trim(block.contents));
    doc.unique_id = "doc." + project.name + "." + block.name;
    manifest_.docs[doc.unique_id] = std::move(doc);
  }

  Node base_node(ResourceType type, const Project& project, const ProjectFile& file,
                 const std::vector<std::string>& roots, const std::string& name) {
    Node node;
    node.resource_type = type;
    node.name = name;
    node.package_name = project.name;
    node.path = path_within(file.relative_path, roots);
    node.original_file_path = file.relative_path;
    node.fqn.push_back(project.name);
    if (type == ResourceType::Analysis) node.fqn.push_back("analysis");
    for (const std::string& folder : folders_of(node.path)) node.fqn.push_back(folder);
    node.fqn.push_back(name);
    node.unique_id = std::string(resource_type_name(type)) + "." + project.name + "." + name;
    node.created_at = created_at_;
    return node;
  }

  void add_sql_node(PackageContext& package, ResourceType type, const ProjectFile& file,
                    const std::vector<std::string>& roots, FileContents& contents) {
    const Project& project = *package.project;
    Node node = base_node(type, project, file, roots, stem_of(file.relative_path));
    node.raw_code = std::move(contents.text);
    node.checksum = std::move(contents.checksum);
    if (file.relative_path.ends_with(".py")) node.language = "python";
    capture_calls(node, &contents.extraction);
    add_node(std::move(node));
  }

  void add_seed(PackageContext& package, const ProjectFile& file) {
    const Project& project = *package.project;
    Node node = base_node(ResourceType::Seed, project, file, project.seed_paths,
                          stem_of(file.relative_path));
    std::error_code ec;
    auto size = std::filesystem::file_size(file.absolute_path, ec);
    if (!ec && size > kMaximumSeedSizeForChecksum) {
      node.checksum = "path:" + file.relative_path;
    } else {
      node.checksum = sha256_hex(read_text_file(file.absolute_path, file.relative_path));
    }
    add_node(std::move(node));
  }

  void read_snapshot_file(PackageContext& package, const ProjectFile& file) {
    const Project& project = *package.project;
    std::string text = read_text_file(file.absolute_path, file.relative_path);
    for (TopLevelBlock& block : extract_blocks(text, file.relative_path, {"snapshot"})) {
      Node node =
          base_node(ResourceType::Snapshot, project, file, project.snapshot_paths, block.name);
      // A snapshot's fqn keeps its file name: [package, folders..., file, snapshot].
      node.fqn.insert(node.fqn.end() - 1, stem_of(file.relative_path));
      node.raw_code = block.contents;
      node.checksum = sha256_hex(text);
      capture_calls(node);
      add_node(std::move(node));
    }
  }

  // Records the ref/source/config calls of a node's SQL: statically when the file allows,
  // else through the template engine.
  void capture_calls(Node& node, StaticExtraction* precomputed = nullptr) {
    if (node.language == "python") {
      ++stats_.static_files;
      return;
    }
    StaticExtraction extraction =
        precomputed ? std::move(*precomputed) : extract_static(node.raw_code);
    if (extraction.is_static && !options_.always_render) {
      ++stats_.static_files;
      node.refs = std::move(extraction.refs);
      node.sources = std::move(extraction.sources);
      node.config_call_dict = std::move(extraction.config);
      return;
    }
    if (!options_.render_node) {
      throw KilnError(
          ErrorKind::Template,
          "this file uses Jinja beyond literal ref(), source() and config() calls, "
          "which needs the template engine, and this build of kiln has none wired in yet",
          {node.original_file_path}, "keep the file to literal ref/source/config calls for now");
    }
    ++stats_.rendered_files;
    RenderedCalls calls = options_.render_node(node, manifest_.macros);
    node.refs = std::move(calls.refs);
    node.sources = std::move(calls.sources);
    node.config_call_dict = std::move(calls.config);
    node.depends_on_macros = std::move(calls.macros);
  }

  void add_node(Node node) {
    std::string id = node.unique_id;
    auto [existing, inserted] = manifest_.nodes.try_emplace(std::move(id), std::move(node));
    if (!inserted) {
      throw KilnError(ErrorKind::Project,
                      "two " + std::string(resource_type_name(node.resource_type)) +
                          "s are named '" + node.name + "' in package '" + node.package_name +
                          "': " + existing->second.original_file_path + " and " +
                          node.original_file_path,
                      {node.original_file_path},
                      "node names must be unique within a package; rename one of the files");
    }
  }

  // ---- Properties --------------------------------------------------------------------------

  void apply_properties(PackageContext& package) {
    for (NodePatch& patch : package.properties.node_patches) {
      if (patch.yaml_key == "macros") {
        apply_macro_patch(patch);
        continue;
      }
      if (!patch.versions.is_null()) {
        apply_versions(patch);
        continue;
      }
      Node* node = find_patch_target(patch);
      if (!node) {
        if (options_.notice) {
          options_.notice(patch.location.to_string() + ": " + patch.yaml_key + " '" + patch.name +
                          "' in " + patch.file + " does not match any file; it is ignored");
        }
        continue;
      }
      apply_patch(*node, patch);
    }
    for (PropertyResource& resource : package.properties.resources) add_property_resource(resource);
    for (SourceTablePatch& table : package.properties.source_tables) add_source(table);
  }

  ResourceType type_of_yaml_key(const std::string& key) {
    if (key == "seeds") return ResourceType::Seed;
    if (key == "snapshots") return ResourceType::Snapshot;
    if (key == "analyses") return ResourceType::Analysis;
    return ResourceType::Model;
  }

  Node* find_patch_target(const NodePatch& patch) {
    ResourceType type = type_of_yaml_key(patch.yaml_key);
    std::string id =
        std::string(resource_type_name(type)) + "." + patch.package_name + "." + patch.name;
    auto it = manifest_.nodes.find(id);
    return it == manifest_.nodes.end() ? nullptr : &it->second;
  }

  void apply_patch(Node& node, const NodePatch& patch) {
    if (!node.patch_path.empty()) {
      throw KilnError(ErrorKind::Project,
                      std::string(resource_type_name(node.resource_type)) + " '" + node.name +
                          "' is described twice: in " +
                          node.patch_path.substr(node.patch_path.find("://") + 3) + " and " +
                          patch.file,
                      patch.location, "keep one description of each node");
    }
    node.patch_path = patch.package_name + "://" + patch.file;
    node.description = patch.description;
    node.columns = patch.columns;
    node.constraints = patch.constraints;
    add_foreign_key_parents(node);
    patch_configs_[node.unique_id] = patch.config;
    patch_tests_[node.unique_id] = &patch;
  }

  // A foreign key constraint's `to: ref('x')` / `source('s', 't')` is a parent, as in dbt: the
  // referenced table must exist before this one is built.
  static void add_foreign_key_parents(Node& node) {
    auto add = [&](const Data& constraints) {
      if (!constraints.is_list()) return;
      for (const Data& constraint : constraints.as_list()) {
        const Data* to = constraint.is_map() ? constraint.find("to") : nullptr;
        if (!to || !to->is_string()) continue;
        // The static extractor reads the call as it reads one in a model's SQL.
        StaticExtraction call = extract_static("{{ " + to->as_string() + " }}");
        for (const RefCall& ref : call.refs) {
          if (std::find(node.refs.begin(), node.refs.end(), ref) == node.refs.end())
            node.refs.push_back(ref);
        }
        for (const SourceCall& source : call.sources) {
          if (std::find(node.sources.begin(), node.sources.end(), source) == node.sources.end())
            node.sources.push_back(source);
        }
      }
    };
    add(node.constraints);
    for (const ColumnDef& column : node.columns) add(column.constraints);
  }

  void apply_versions(const NodePatch& patch) {
    std::string latest = patch.latest_version.value_or("");
    std::vector<std::string> versions;
    for (const Data& entry : patch.versions.as_list()) {
      const Data* v = entry.find("v");
      if (!v)
        throw KilnError(ErrorKind::Project, "each entry of 'versions' needs a 'v'",
                        entry.location());
      versions.push_back(v->scalar_text());
    }
    if (latest.empty() && !versions.empty()) {
      // dbt's latest version is the greatest one.
      latest =
          *std::max_element(versions.begin(), versions.end(), [](const auto& a, const auto& b) {
            char* end_a = nullptr;
            char* end_b = nullptr;
            double x = std::strtod(a.c_str(), &end_a);
            double y = std::strtod(b.c_str(), &end_b);
            return (*end_a || *end_b) ? a < b : x < y;
          });
    }
    size_t index = 0;
    for (const Data& entry : patch.versions.as_list()) {
      const std::string& version = versions[index++];
      std::string file_stem = patch.name + "_v" + version;
      if (const Data* defined_in = entry.find("defined_in");
          defined_in && defined_in->is_string()) {
        file_stem = defined_in->as_string();
      }
      std::string old_id = "model." + patch.package_name + "." + file_stem;
      auto it = manifest_.nodes.find(old_id);
      if (it == manifest_.nodes.end() && version == latest) {
        it = manifest_.nodes.find("model." + patch.package_name + "." + patch.name);
      }
      if (it == manifest_.nodes.end()) {
        throw KilnError(ErrorKind::Project,
                        "version " + version + " of model '" + patch.name + "' has no file '" +
                            file_stem + ".sql'",
                        entry.location(), "create the file, or name it with `defined_in:`");
      }
      Node node = std::move(it->second);
      manifest_.nodes.erase(it);
      node.name = patch.name;
      node.version = version;
      node.latest_version = latest;
      node.unique_id = "model." + patch.package_name + "." + patch.name + ".v" + version;
      node.fqn.back() = patch.name;
      node.fqn.push_back("v" + version);
      NodePatch versioned = patch;
      versioned.versions = Data();
      // Per-version keys override the model's: config, columns (with include/exclude), tests.
      if (const Data* config = entry.find("config"); config && config->is_map()) {
        merge_config(versioned.config, *config);
      }
      if (const Data* description = entry.find("description");
          description && description->is_string()) {
        versioned.description = description->as_string();
      }
      Node& stored = manifest_.nodes.emplace(node.unique_id, std::move(node)).first->second;
      apply_patch(stored, versioned);
      versioned_patches_.push_back(std::make_unique<NodePatch>(versioned));
      patch_tests_[stored.unique_id] = versioned_patches_.back().get();
    }
  }

  void apply_macro_patch(const NodePatch& patch) {
    auto it = manifest_.macros.find("macro." + patch.package_name + "." + patch.name);
    if (it == manifest_.macros.end()) {
      if (options_.notice) {
        options_.notice(patch.location.to_string() + ": macro '" + patch.name +
                        "' is described but not defined; the description is ignored");
      }
      return;
    }
    Macro& macro = it->second;
    macro.description = patch.description;
    macro.patch_path = patch.package_name + "://" + patch.file;
    if (const Data* meta = patch.config.find("meta"); meta && meta->is_map()) macro.meta = *meta;
    if (const Data* docs = patch.config.find("docs"); docs && docs->is_map()) macro.docs = *docs;
    if (const Data* arguments = patch.raw.find("arguments"); arguments && arguments->is_list()) {
      for (const Data& argument : arguments->as_list()) {
        MacroArgument parsed;
        if (const Data* name = argument.find("name")) parsed.name = name->scalar_text();
        if (const Data* type = argument.find("type")) parsed.type = type->scalar_text();
        if (const Data* description = argument.find("description")) {
          parsed.description = description->scalar_text();
        }
        macro.arguments.push_back(std::move(parsed));
      }
    }
  }

  void add_property_resource(PropertyResource resource) {
    std::string type = std::string(resource_type_name(resource.resource_type));
    resource.unique_id = type + "." + resource.package_name + "." + resource.name;
    resource.fqn = {resource.package_name};
    std::string within =
        path_within(resource.original_file_path, project_of(resource.package_name).model_paths);
    for (const std::string& folder : folders_of(within)) resource.fqn.push_back(folder);
    resource.fqn.push_back(resource.name);
    resource.created_at = created_at_;
    // Exposures list `depends_on: [ref('x'), source('a', 'b')]`; semantic models name `model:`.
    auto collect = [&](const Data& value) {
      if (!value.is_string()) return;
      StaticExtraction calls = extract_static("{{ " + value.as_string() + " }}");
      if (!calls.is_static) {
        throw KilnError(
            ErrorKind::Project, "'" + value.as_string() + "' is not a ref() or source() call",
            value.location(), "write ref('model_name') or source('source_name', 'table_name')");
      }
      for (RefCall& ref : calls.refs) resource.refs.push_back(ref);
      for (SourceCall& source : calls.sources) resource.sources.push_back(source);
    };
    if (const Data* depends = resource.properties.find("depends_on");
        depends && depends->is_list()) {
      for (const Data& item : depends->as_list()) collect(item);
    }
    if (const Data* model = resource.properties.find("model")) collect(*model);
    std::map<std::string, PropertyResource>* target = nullptr;
    switch (resource.resource_type) {
      case ResourceType::Exposure:
        target = &manifest_.exposures;
        break;
      case ResourceType::Metric:
        target = &manifest_.metrics;
        break;
      case ResourceType::SemanticModel:
        target = &manifest_.semantic_models;
        break;
      case ResourceType::SavedQuery:
        target = &manifest_.saved_queries;
        break;
      default:
        target = &manifest_.groups;
        break;
    }
    if (!target->emplace(resource.unique_id, resource).second) {
      throw KilnError(ErrorKind::Project,
                      "two " + type + "s are named '" + resource.name + "' in package '" +
                          resource.package_name + "'",
                      {resource.original_file_path}, "rename one of them");
    }
  }

  void add_source(const SourceTablePatch& patch) {
    const Project& project = project_of(patch.package_name);
    SourceDefinition source;
    source.source_name = patch.source_name;
    source.name = patch.table_name;
    source.package_name = patch.package_name;
    source.unique_id =
        "source." + patch.package_name + "." + patch.source_name + "." + patch.table_name;
    source.path = patch.file;
    source.original_file_path = patch.file;
    source.fqn = {patch.package_name};
    for (const std::string& folder : folders_of(path_within(patch.file, project.model_paths))) {
      source.fqn.push_back(folder);
    }
    source.fqn.push_back(patch.source_name);
    source.fqn.push_back(patch.table_name);
    auto text = [](const Data& map, const char* key) -> std::string {
      const Data* value = map.find(key);
      return value && !value->is_null() ? value->scalar_text() : "";
    };
    source.identifier = text(patch.table, "identifier");
    if (source.identifier.empty()) source.identifier = patch.table_name;
    source.description = text(patch.table, "description");
    source.source_description = text(patch.source, "description");
    source.loader = text(patch.source, "loader");
    source.columns = patch.columns;
    source.created_at = created_at_;

    // Config: dbt_project.yml `sources:` tree, then the source's, then the table's config.
    Data config = Data::map(
        {{"enabled", Data::boolean(true)}, {"tags", Data::list()}, {"meta", Data::map()}});
    merge_config(config, project_config_for(project.config_trees.find("sources")
                                                ? *project.config_trees.find("sources")
                                                : Data::map(),
                                            source.fqn));
    if (&project != &root_ && root_.config_trees.find("sources")) {
      merge_config(config, project_config_for(*root_.config_trees.find("sources"), source.fqn));
    }
    for (const Data* level : {&patch.source, &patch.table}) {
      if (const Data* c = level->find("config"); c && c->is_map()) merge_config(config, *c);
    }
    source.config = config;

    // Settings inherit from the source to its tables; the table's own value wins.
    auto inherited = [&](const char* key) -> const Data* {
      if (const Data* value = patch.table.find(key); value && !value->is_null()) return value;
      if (const Data* value = patch.table.find("config"); value && value->find(key))
        return value->find(key);
      if (const Data* value = patch.source.find(key); value && !value->is_null()) return value;
      if (const Data* value = patch.source.find("config"); value && value->find(key))
        return value->find(key);
      return nullptr;
    };
    std::string database = text(patch.source, "database");
    source.database = database.empty() ? target_.database : database;
    std::string schema = text(patch.source, "schema");
    source.schema = schema.empty() ? patch.source_name : schema;
    if (const Data* field = inherited("loaded_at_field"))
      source.loaded_at_field = field->scalar_text();
    if (const Data* query = inherited("loaded_at_query"))
      source.loaded_at_query = query->scalar_text();
    // `freshness: null` on a table turns off the freshness it would inherit from its source.
    if (const Data* own = patch.table.find("freshness")) {
      source.freshness = *own;
    } else if (const Data* freshness = inherited("freshness")) {
      source.freshness = *freshness;
    }
    if (const Data* quoting = patch.source.find("quoting"); quoting && quoting->is_map()) {
      source.quoting = *quoting;
    }
    if (const Data* meta = patch.source.find("meta"); meta && meta->is_map())
      source.source_meta = *meta;
    Data meta = source.source_meta;
    if (const Data* own = patch.table.find("meta"); own && own->is_map()) {
      for (const auto& [k, v] : own->as_map()) meta.set(k, v);
    }
    if (const Data* own = config.find("meta"); own && own->is_map()) {
      for (const auto& [k, v] : own->as_map()) meta.set(k, v);
    }
    source.meta = meta;
    std::vector<std::string> tags;
    for (const Data* level : {&patch.source, &patch.table}) {
      if (const Data* t = level->find("tags")) {
        for (const std::string& tag : strings_of(*t)) {
          if (std::find(tags.begin(), tags.end(), tag) == tags.end()) tags.push_back(tag);
        }
      }
    }
    for (const std::string& tag : strings_of(*config.find("tags"))) {
      if (std::find(tags.begin(), tags.end(), tag) == tags.end()) tags.push_back(tag);
    }
    source.tags = tags;
    source.relation_name = render_relation(source.database, source.schema, source.identifier);
    if (manifest_.sources.count(source.unique_id)) {
      throw KilnError(ErrorKind::Project,
                      "source table '" + patch.source_name + "." + patch.table_name +
                          "' is defined twice in package '" + patch.package_name + "'",
                      patch.location, "define each source table once");
    }
    manifest_.sources.emplace(source.unique_id, std::move(source));
  }

  // ---- Config and names --------------------------------------------------------------------

  const Project& project_of(const std::string& package_name) const {
    for (const PackageContext& package : packages_) {
      if (package.project->name == package_name) return *package.project;
    }
    return root_;
  }

  Data resolve_config(const Node& node) {
    Data config = default_config(node.resource_type);
    const Project& own = project_of(node.package_name);
    const char* key = tree_key(node.resource_type);
    if (const Data* tree = own.config_trees.find(key))
      merge_config(config, project_config_for(*tree, node.fqn));
    if (&own != &root_) {
      if (const Data* tree = root_.config_trees.find(key)) {
        merge_config(config, project_config_for(*tree, node.fqn));
      }
    }
    if (auto it = patch_configs_.find(node.unique_id); it != patch_configs_.end()) {
      merge_config(config, it->second);
    }
    merge_config(config, node.config_call_dict);
    if (const Data* severity = config.find("severity"); severity && severity->is_string()) {
      config.set("severity", Data::string(to_upper(severity->as_string())));
    }
    return config;
  }

  static std::string to_upper(std::string text) {
    for (char& c : text) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    return text;
  }

  std::string render_relation(const std::string& database, const std::string& schema,
                              const std::string& identifier) const {
    std::string out;
    for (const std::string* part : {&database, &schema, &identifier}) {
      if (part->empty()) continue;
      if (!out.empty()) out += '.';
      out += target_.quote(*part);
    }
    return out;
  }

  static std::string config_text(const Data& config, const char* key) {
    const Data* value = config.find(key);
    return value && !value->is_null() ? value->scalar_text() : "";
  }

  // dbt's default generate_schema_name / generate_alias_name / generate_database_name.
  void finish_node(Node& node) {
    node.config = normalize_hooks(resolve_config(node));
    node.unrendered_config = node.config_call_dict;
    node.tags = strings_of(*node.config.find("tags"));
    if (const Data* meta = node.config.find("meta"); meta && meta->is_map()) node.meta = *meta;
    if (const Data* docs = node.config.find("docs"); docs && docs->is_map()) node.docs = *docs;
    if (const Data* contract = node.config.find("contract"); contract && contract->is_map()) {
      node.contract = *contract;
      const Data* enforced = contract->find("enforced");
      const Data* materialized = node.config.find("materialized");
      if (enforced && enforced->is_bool() && enforced->as_bool() && materialized &&
          materialized->is_string() && materialized->as_string() == "ephemeral") {
        // As dbt: an ephemeral model builds no relation whose columns a contract could check.
        throw KilnError(ErrorKind::Project,
                        "model " + node.name + " is ephemeral and has an enforced contract",
                        {node.original_file_path},
                        "contracts need a relation to check: make it a view or table, or set "
                        "contract: {enforced: false}");
      }
    }
    if (const Data* access = node.config.find("access"); access && access->is_string()) {
      node.access = access->as_string();
    }
    if (const Data* group = node.config.find("group"); group && group->is_string()) {
      node.group = group->as_string();
    }
    std::string custom_schema = config_text(node.config, "schema");
    std::string custom_database = config_text(node.config, "database");
    std::string custom_alias = config_text(node.config, "alias");
    if (node.resource_type == ResourceType::Snapshot &&
        !config_text(node.config, "target_schema").empty()) {
      // Legacy snapshots name their schema outright, without generate_schema_name.
      node.schema = config_text(node.config, "target_schema");
    } else if (const Macro* macro = naming_override("generate_schema_name")) {
      node.schema = generate_name(*macro, custom_schema, node);
    } else {
      node.schema = custom_schema.empty() ? target_.schema
                                          : target_.schema + "_" + std::string(trim(custom_schema));
    }
    std::string target_database = config_text(node.config, "target_database");
    if (!target_database.empty() && node.resource_type == ResourceType::Snapshot) {
      node.database = target_database;
    } else if (const Macro* macro = naming_override("generate_database_name")) {
      node.database = generate_name(*macro, custom_database, node);
    } else {
      node.database = !custom_database.empty() ? custom_database : target_.database;
    }
    if (const Macro* macro = naming_override("generate_alias_name")) {
      node.alias = generate_name(*macro, custom_alias, node);
    } else if (!custom_alias.empty()) {
      node.alias = custom_alias;
    } else {
      node.alias = node.version ? node.name + "_v" + *node.version : node.name;
    }
    std::string materialized = config_text(node.config, "materialized");
    bool has_relation = node.resource_type == ResourceType::Model ||
                        node.resource_type == ResourceType::Seed ||
                        node.resource_type == ResourceType::Snapshot;
    if (has_relation && materialized != "ephemeral") {
      node.relation_name = render_relation(node.database, node.schema, node.alias);
    }
  }

  // Nodes resolve independently, so they do it on all cores, unless a project naming macro has
  // to run: the template engine serves one thread at a time.
  void resolve_node_configs() {
    std::vector<Node*> nodes;
    nodes.reserve(manifest_.nodes.size());
    for (auto& [id, node] : manifest_.nodes) nodes.push_back(&node);
    bool needs_templates = naming_override("generate_schema_name") ||
                           naming_override("generate_alias_name") ||
                           naming_override("generate_database_name");
    parallel_for(
        nodes.size(), [&](size_t i) { finish_node(*nodes[i]); }, needs_templates ? 1 : 0);
  }

  // A naming macro the root project defines replaces dbt's default; dbt looks only in the root
  // project for these.
  const Macro* naming_override(const std::string& name) const {
    auto it = manifest_.macros.find("macro." + root_.name + "." + name);
    return it == manifest_.macros.end() ? nullptr : &it->second;
  }

  std::string generate_name(const Macro& macro, const std::string& custom, const Node& node) {
    if (!options_.generate_name) {
      throw KilnError(ErrorKind::Template,
                      "the project overrides " + macro.name +
                          ", which needs the template engine to run, and this build of kiln has "
                          "none wired in yet",
                      {macro.original_file_path},
                      "remove the override to use dbt's default naming");
    }
    return std::string(trim(options_.generate_name(macro, custom, node, manifest_.macros)));
  }

  // ---- Generic tests -----------------------------------------------------------------------

  // One generic test to build: a `data_tests:` entry and what it tests.
  struct PendingTest {
    const TestEntry* entry;
    TestTarget target;
    const std::string* file;
    std::string file_key_name;
    std::string attached_node;
  };

  void add_generic_tests(PackageContext& package) {
    const Project& project = *package.project;
    std::vector<PendingTest> pending;
    for (auto& [unique_id, patch] : patch_tests_) {
      if (patch->package_name != project.name) continue;
      const Node& target_node = manifest_.nodes.at(unique_id);
      TestTarget target;
      target.kind = target_node.resource_type == ResourceType::Seed ? TestTarget::Kind::Seed
                    : target_node.resource_type == ResourceType::Snapshot
                        ? TestTarget::Kind::Snapshot
                        : TestTarget::Kind::Model;
      target.name = target_node.name;
      target.version = target_node.version;
      for (const TestEntry& entry : patch->tests) {
        pending.push_back(
            {&entry, target, &patch->file, patch->yaml_key + "." + patch->name, unique_id});
      }
    }
    for (const SourceTablePatch& table : package.properties.source_tables) {
      TestTarget target;
      target.kind = TestTarget::Kind::Source;
      target.name = table.table_name;
      target.source_name = table.source_name;
      std::string source_id =
          "source." + table.package_name + "." + table.source_name + "." + table.table_name;
      for (const TestEntry& entry : table.tests) {
        pending.push_back({&entry, target, &table.file, "sources." + table.source_name, source_id});
      }
    }
    // Tests are most of a big project's nodes, and building one (naming, hashing, resolving its
    // config) reads only what parsing has settled by now: they are built on all cores, then
    // added in order, so ids and errors come out as from one thread. The template engine is not
    // shared between threads: renders of Jinja in test arguments take turns, and a project
    // that overrides a generate_*_name macro builds its tests on one thread.
    bool naming_overridden = naming_override("generate_schema_name") ||
                             naming_override("generate_alias_name") ||
                             naming_override("generate_database_name");
    std::mutex render_turn;
    ValueRenderer render = [&](std::string_view text, const SourceLocation& where) {
      std::lock_guard lock(render_turn);
      return options_.render_value(text, where);
    };
    std::vector<Node> built(pending.size());
    parallel_for(
        pending.size(), [&](size_t i) { built[i] = build_test_node(pending[i], project, render); },
        naming_overridden ? 1 : 0);
    for (size_t i = 0; i < pending.size(); ++i) add_test_node(std::move(built[i]), pending[i]);
  }

  Node build_test_node(const PendingTest& pending, const Project& project,
                       const ValueRenderer& render) {
    const TestEntry& entry = *pending.entry;
    const std::string& file = *pending.file;
    std::optional<std::string> column = entry.column_name;
    if (column && entry.quote_column) column = target_.quote(*column);
    GenericTest test = build_generic_test(entry.definition, pending.target, column, render);
    Node node;
    node.resource_type = ResourceType::Test;
    node.name = test.full_name;
    node.package_name = project.name;
    node.path = test.short_name + ".sql";
    node.original_file_path = file;
    node.fqn = {project.name};
    for (const std::string& folder : folders_of(path_within(file, project.model_paths))) {
      node.fqn.push_back(folder);
    }
    node.fqn.push_back(test.full_name);
    node.unique_id = "test." + project.name + "." + test.full_name + "." + test.hash;
    node.raw_code = test.raw_code;
    node.refs = test.refs;
    node.sources = test.sources;
    node.column_name = column.value_or("");
    node.attached_node = pending.attached_node;
    node.file_key_name = pending.file_key_name;
    node.test_metadata = TestMetadata{test.test_name, test.namespace_, test.kwargs};
    node.created_at = created_at_;
    node.config_call_dict = test.config;
    // The macro that defines the test: the namespace's, else the first of the test's own
    // package, the root project and kiln's built-ins that has it (dbt's search order).
    std::string macro_package = test.namespace_;
    if (macro_package.empty()) {
      macro_package = "dbt";
      for (const std::string& package : {project.name, root_.name}) {
        if (manifest_.macros.count("macro." + package + ".test_" + test.test_name)) {
          macro_package = package;
          break;
        }
      }
    }
    node.depends_on_macros = {"macro." + macro_package + ".test_" + test.test_name,
                              "macro.dbt.get_where_subquery"};
    finish_node(node);
    // A test's tags: its column's tags and its own, sorted, as dbt sorts them.
    std::set<std::string> tags(entry.column_tags.begin(), entry.column_tags.end());
    for (const std::string& tag : node.tags) tags.insert(tag);
    node.tags.assign(tags.begin(), tags.end());
    node.config.set("tags", list_of_strings(node.tags));
    return node;
  }

  void add_test_node(Node node, const PendingTest& pending) {
    if (manifest_.nodes.count(node.unique_id)) {
      throw KilnError(ErrorKind::Project,
                      "two tests in " + *pending.file + " would both be named '" + node.name + "'",
                      pending.entry->definition.location(),
                      "give one of them a distinct `name:`, or remove the duplicate");
    }
    manifest_.nodes.emplace(node.unique_id, std::move(node));
  }

  void add_unit_tests(PackageContext& package) {
    for (const Data& definition : package.properties.unit_tests) {
      const Data* name = definition.find("name");
      const Data* model = definition.find("model");
      if (!name || !name->is_string() || !model || !model->is_string()) {
        throw KilnError(ErrorKind::Project, "a unit test needs a 'name' and a 'model'",
                        definition.location(),
                        "see dbt's unit test format: name, model, given, expect");
      }
      Node node;
      node.resource_type = ResourceType::UnitTest;
      node.name = name->as_string();
      node.package_name = package.project->name;
      std::string file = definition.find("__file__")->as_string();
      node.path = file;
      node.original_file_path = file;
      node.unique_id =
          "unit_test." + node.package_name + "." + model->as_string() + "." + node.name;
      node.fqn = {node.package_name};
      for (const std::string& folder :
           folders_of(path_within(file, package.project->model_paths))) {
        node.fqn.push_back(folder);
      }
      node.fqn.push_back(model->as_string());
      node.fqn.push_back(node.name);
      node.refs.push_back({"", model->as_string(), std::nullopt});
      Data stored = Data::map();
      for (const auto& [key, value] : definition.as_map()) {
        if (!key.starts_with("__")) stored.set(key, value);
      }
      node.unit_test = stored;
      node.description = config_text(stored, "description");
      node.config = Data::map(
          {{"enabled", Data::boolean(true)}, {"tags", Data::list()}, {"meta", Data::map()}});
      if (const Data* config = stored.find("config"); config && config->is_map()) {
        merge_config(node.config, *config);
      }
      node.tags = strings_of(*node.config.find("tags"));
      node.created_at = created_at_;
      if (!manifest_.unit_tests.emplace(node.unique_id, node).second) {
        throw KilnError(
            ErrorKind::Project,
            "two unit tests of model '" + model->as_string() + "' are named '" + node.name + "'",
            definition.location(), "rename one of them");
      }
    }
  }

  // ---- Enabled, dependencies ---------------------------------------------------------------

  void move_disabled_nodes() {
    std::set<std::string> disabled;
    for (auto& [id, node] : manifest_.nodes) {
      const Data* enabled = node.config.find("enabled");
      if (enabled && enabled->is_bool() && !enabled->as_bool()) disabled.insert(id);
    }
    // Tests of a disabled node go with it: there is nothing left for them to test.
    for (auto& [id, node] : manifest_.nodes) {
      if (node.resource_type == ResourceType::Test && disabled.count(node.attached_node)) {
        disabled.insert(id);
      }
    }
    for (auto it = manifest_.sources.begin(); it != manifest_.sources.end();) {
      const Data* enabled = it->second.config.find("enabled");
      if (enabled && enabled->is_bool() && !enabled->as_bool()) {
        disabled_sources_.insert(it->first);
        for (auto& [id, node] : manifest_.nodes) {
          if (node.attached_node == it->first) disabled.insert(id);
        }
        it = manifest_.sources.erase(it);
      } else {
        ++it;
      }
    }
    for (const std::string& id : disabled) {
      auto it = manifest_.nodes.find(id);
      manifest_.disabled[id].push_back(std::move(it->second));
      manifest_.nodes.erase(it);
    }
  }

  std::string resolve_ref(const RefCall& ref, const std::string& from_package,
                          const std::string& from_id, const std::string& from_file) {
    auto refable = [](ResourceType type) {
      return type == ResourceType::Model || type == ResourceType::Seed ||
             type == ResourceType::Snapshot;
    };
    auto matches = [&](const Node& node, const std::string& package) {
      if (!refable(node.resource_type) || node.name != ref.name || node.package_name != package) {
        return false;
      }
      if (ref.version) return node.version == ref.version;
      return !node.version || node.version == node.latest_version;
    };
    std::vector<std::string> packages;
    if (!ref.package.empty()) {
      packages.push_back(ref.package);
    } else {
      packages.push_back(from_package);
      packages.push_back(root_.name);
      for (const PackageContext& package : packages_) packages.push_back(package.project->name);
    }
    if (auto candidates = refable_by_name_.find(ref.name); candidates != refable_by_name_.end()) {
      for (const std::string& package : packages) {
        for (const Node* node : candidates->second) {
          if (matches(*node, package)) return node->unique_id;
        }
      }
    }
    std::string described =
        ref.package.empty() ? "'" + ref.name + "'" : "'" + ref.package + "." + ref.name + "'";
    if (ref.version) described += " (version " + *ref.version + ")";
    for (const auto& [id, nodes] : manifest_.disabled) {
      for (const Node& node : nodes) {
        if (refable(node.resource_type) && node.name == ref.name) {
          throw KilnError(ErrorKind::Project,
                          from_id + " (" + from_file + ") depends on a node named " + described +
                              " which is disabled",
                          {from_file}, "enable " + node.unique_id + ", or remove the ref");
        }
      }
    }
    std::vector<std::string> names;
    for (const auto& [id, node] : manifest_.nodes) {
      if (refable(node.resource_type)) names.push_back(node.name);
    }
    std::string close = closest_match(ref.name, names);
    throw KilnError(ErrorKind::Project,
                    from_id + " (" + from_file + ") depends on a node named " + described +
                        " which was not found",
                    {from_file},
                    close.empty()
                        ? "check the name in ref(); models, seeds and snapshots can be refed"
                        : "did you mean '" + close + "'?");
  }

  std::string resolve_source(const SourceCall& call, const std::string& from_id,
                             const std::string& from_file) {
    auto found = sources_by_name_.find(call.source_name + "." + call.table_name);
    if (found != sources_by_name_.end()) return found->second;
    std::vector<std::string> known;
    for (const auto& [name, id] : sources_by_name_) known.push_back(name);
    for (const std::string& id : disabled_sources_) {
      if (id.ends_with("." + call.source_name + "." + call.table_name)) {
        throw KilnError(ErrorKind::Project,
                        from_id + " (" + from_file + ") depends on source '" + call.source_name +
                            "." + call.table_name + "' which is disabled",
                        {from_file}, "enable the source, or remove the source() call");
      }
    }
    std::string close = closest_match(call.source_name + "." + call.table_name, known);
    throw KilnError(ErrorKind::Project,
                    from_id + " (" + from_file + ") depends on a source named '" +
                        call.source_name + "." + call.table_name + "' which was not found",
                    {from_file},
                    close.empty() ? "declare it under `sources:` in a property file"
                                  : "did you mean '" + close + "'?");
  }

  template <typename Resource>
  void resolve_calls(Resource& resource, const std::string& package, const std::string& file) {
    std::vector<std::string> depends;
    auto add = [&](const std::string& id) {
      if (std::find(depends.begin(), depends.end(), id) == depends.end()) depends.push_back(id);
    };
    for (const RefCall& ref : resource.refs)
      add(resolve_ref(ref, package, resource.unique_id, file));
    for (const SourceCall& source : resource.sources) {
      add(resolve_source(source, resource.unique_id, file));
    }
    resource.depends_on_nodes = std::move(depends);
  }

  void resolve_dependencies() {
    // Indexes by name: resolving refs by scanning every node would be quadratic in project size.
    for (const auto& [id, node] : manifest_.nodes) {
      if (node.resource_type == ResourceType::Model || node.resource_type == ResourceType::Seed ||
          node.resource_type == ResourceType::Snapshot) {
        refable_by_name_[node.name].push_back(&node);
      }
    }
    for (const auto& [id, source] : manifest_.sources) {
      sources_by_name_.emplace(source.source_name + "." + source.name, id);
    }
    for (auto& [id, node] : manifest_.nodes)
      resolve_calls(node, node.package_name, node.original_file_path);
    for (auto& [id, node] : manifest_.unit_tests)
      resolve_calls(node, node.package_name, node.original_file_path);
    for (auto* group : {&manifest_.exposures, &manifest_.metrics, &manifest_.semantic_models,
                        &manifest_.saved_queries}) {
      for (auto& [id, resource] : *group) {
        resolve_calls(resource, resource.package_name, resource.original_file_path);
      }
    }
  }

  const Project& root_;
  std::vector<PackageContext> packages_;
  ParseTarget target_;
  const ParseOptions& options_;
  Manifest manifest_;
  ParseStats stats_;
  double created_at_ = 0;
  std::map<std::string, Data> patch_configs_;
  std::map<std::string, const NodePatch*> patch_tests_;
  std::vector<std::unique_ptr<NodePatch>> versioned_patches_;
  std::set<std::string> disabled_sources_;
  std::unordered_map<std::string, std::vector<const Node*>> refable_by_name_;
  std::unordered_map<std::string, std::string> sources_by_name_;
};

}  // namespace

Manifest parse_project(const Project& root, const std::vector<Project>& packages,
                       const ParseTarget& target, const ParseOptions& options, ParseStats* stats) {
  ProjectParser parser(root, packages, target, options);
  return parser.parse(stats);
}

std::vector<Project> load_installed_packages(const Project& root,
                                             const ProjectLoadOptions& options) {
  std::vector<Project> packages;
  std::filesystem::path dir = root.root_dir / root.packages_install_path;
  std::error_code ec;
  if (!std::filesystem::is_directory(dir, ec)) return packages;
  std::vector<std::filesystem::path> folders;
  for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
    if (entry.is_directory() && std::filesystem::exists(entry.path() / "dbt_project.yml")) {
      folders.push_back(entry.path());
    }
  }
  std::sort(folders.begin(), folders.end());
  for (const auto& folder : folders) {
    try {
      packages.push_back(load_project(folder, options));
    } catch (KilnError& e) {
      std::string package_dir = root.packages_install_path + "/" + folder.filename().string();
      throw KilnError(e.kind(), "in package " + package_dir + ": " + e.message(), e.location(),
                      e.hint());
    }
  }
  return packages;
}

}  // namespace kiln
