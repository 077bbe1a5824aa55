#include "context/dbt_context.h"

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <set>
#include <unordered_map>

#include "common/env_reads.h"
#include "common/events.h"
#include "common/hashing.h"
#include "common/json_writer.h"
#include "common/secrets.h"
#include "common/strings.h"
#include "context/execution_globals.h"
#include "context/manifest_globals.h"
#include "context/modules.h"
#include "context/relation.h"
#include "context/values.h"
#include "jinja/environment.h"
#include "jinja/error.h"
#include "project/yaml_reader.h"

namespace kiln {

using jinja::CallArgs;
using jinja::Runtime;
using jinja::Value;

namespace {

// The package kiln's built-in macros answer to, as dbt's own global project does.
constexpr const char* kInternalPackage = "dbt";
// How errors name the files of kiln's own macros, which are not on disk: "kiln:dbt/macros/x.sql".
constexpr std::string_view kKilnTemplatePrefix = "kiln:";

bool is_secret_field(const std::string& key) {
  std::string lowered = to_lower(key);
  for (const char* marker : {"pass", "token", "secret", "private_key", "api_key"}) {
    if (lowered.find(marker) != std::string::npos) return true;
  }
  return false;
}

// The hint of the last user error a native function raised on this thread. The template engine
// turns host exceptions into its own error, located at the call; the hint is carried across here.
thread_local std::string pending_hint;
// Whether that error was raised on purpose by a template (exceptions.raise_compiler_error): its
// message is the author's, meant for the user as it stands.
thread_local bool pending_raised_on_purpose = false;

[[noreturn]] void user_error(std::string message, std::string hint, bool on_purpose = false) {
  pending_hint = hint;
  pending_raised_on_purpose = on_purpose;
  throw KilnError(ErrorKind::Template, std::move(message), {}, std::move(hint));
}

[[noreturn]] void compiler_error(std::string message) {
  user_error(std::move(message), {});
}

std::string string_arg(CallArgs& args, size_t index, std::string_view name,
                       std::string_view function) {
  const Value* value = args.find(index, name);
  if (!value || !value->is_string()) {
    compiler_error(std::string(function) + "() expects a string for '" + std::string(name) + "'");
  }
  return value->as_string();
}

// env_var('NAME', default): the environment's value; DBT_ENV_SECRET_* values are registered so
// they are masked wherever they are printed.
Value env_var_value(CallArgs& args) {
  std::string name = string_arg(args, 0, "var", "env_var");
  // A unit test's `overrides: env_vars:` come first.
  if (const ExecutionFrame* frame = current_execution_frame();
      frame && frame->options && frame->options->unit_test) {
    if (const Data* value = frame->options->unit_test->env_vars.find(name))
      return Value(value->scalar_text());
  }
  note_env_read(name);
  if (const char* value = std::getenv(name.c_str())) {
    if (name.starts_with("DBT_ENV_SECRET_")) register_secret(value);
    return Value(std::string(value));
  }
  if (const Value* fallback = args.find(1, "default")) return *fallback;
  user_error("environment variable '" + name + "' is not set",
             "export it, or give env_var() a default: env_var('" + name + "', 'value')");
}

}  // namespace

// What the render in progress on this thread is about.
struct RenderState {
  const Node* node = nullptr;
  bool parse_mode = true;
  RenderedCalls* calls = nullptr;      // parse mode: where calls are recorded
  const Manifest* manifest = nullptr;  // compile mode
  const std::map<std::string, Macro>* macros = nullptr;
};

thread_local RenderState* current_state = nullptr;

class ScopedState {
 public:
  explicit ScopedState(RenderState* state) : previous_(current_state) { current_state = state; }
  ~ScopedState() { current_state = previous_; }

 private:
  RenderState* previous_;
};

struct DbtContext::Impl {
  const Project& root;
  std::vector<const Project*> projects;  // root first, then packages
  ContextTarget target;
  Data cli_vars;
  std::string invocation_id;
  std::string run_started_at;
  jinja::Environment env;
  // macro unique id -> compiled macro value
  std::unordered_map<std::string, Value> compiled_macros;
  // template name -> source, for error excerpts
  std::unordered_map<std::string, std::string> sources;
  const std::map<std::string, Macro>* indexed_macros = nullptr;
  size_t indexed_size = 0;
  // package -> macro name -> macro
  std::map<std::string, std::map<std::string, const Macro*>> macros_by_package;
  // compile mode: refable node name -> nodes
  const Manifest* indexed_manifest = nullptr;
  std::unordered_map<std::string, std::vector<const Node*>> nodes_by_name;
  std::shared_ptr<const DbtContext::Deferral> deferral;

  Impl(const Project& root_project, const std::vector<const Project*>& packages, ContextTarget t,
       Data vars, std::string id)
      : root(root_project),
        target(std::move(t)),
        cli_vars(std::move(vars)),
        invocation_id(std::move(id)) {
    projects.push_back(&root);
    projects.insert(projects.end(), packages.begin(), packages.end());
    run_started_at = current_timestamp();
    env.set_dbt_tags(true);
    register_globals();
    register_execution_globals(env, target.quote, note_macro_id);
    env.set_unknown_name_resolver([this](std::string_view name) { return resolve_name(name); });
  }

  static std::string current_timestamp() {
    std::time_t now = std::time(nullptr);
    std::tm parts{};
    gmtime_r(&now, &parts);
    char buffer[40];
    std::strftime(buffer, sizeof buffer, "%Y-%m-%d %H:%M:%S+00:00", &parts);
    return buffer;
  }

  RenderState& state() {
    if (!current_state) compiler_error("this function is only available while rendering a node");
    return *current_state;
  }

  std::string current_package() {
    return current_state && current_state->node ? current_state->node->package_name : root.name;
  }

  // ---- macros --------------------------------------------------------------------------------

  void index_macros(const std::map<std::string, Macro>* macros) {
    if (!macros || (macros == indexed_macros && macros->size() == indexed_size)) return;
    indexed_macros = macros;
    indexed_size = macros->size();
    macros_by_package.clear();
    for (const auto& [id, macro] : *macros)
      macros_by_package[macro.package_name][macro.name] = &macro;
  }

  const Macro* find_macro(const std::string& package, const std::string& name) {
    auto it = macros_by_package.find(package);
    if (it == macros_by_package.end()) return nullptr;
    auto found = it->second.find(name);
    return found == it->second.end() ? nullptr : found->second;
  }

  Value macro_value(const Macro& macro) {
    if (auto it = compiled_macros.find(macro.unique_id); it != compiled_macros.end())
      return it->second;
    // Padding keeps template line numbers equal to the file's.
    std::string source = std::string(std::max(0, macro.line - 1), '\n') + macro.macro_sql;
    std::string name = template_name_of(macro);
    sources[name] = source;
    jinja::TemplatePtr tmpl = env.from_string(source, name);
    Value module = env.module(tmpl);
    Value callable = env.getattr(module, macro.name);
    if (callable.is_undefined()) {
      compiler_error("macro '" + macro.name + "' in " + macro.original_file_path +
                     " could not be loaded");
    }
    compiled_macros.emplace(macro.unique_id, callable);
    return callable;
  }

  // What errors call a macro's file: its path from the project folder, so the user can open it
  // (dbt_packages/<package>/... for an installed package); kiln's own macros, which have no file
  // there, are named "kiln:<package>/<path>".
  std::string template_name_of(const Macro& macro) const {
    if (macro.package_name == root.name) return macro.original_file_path;
    for (const Project* project : projects) {
      if (project->name == macro.package_name)
        return root.packages_install_path + "/" + project->name + "/" + macro.original_file_path;
    }
    return std::string(kKilnTemplatePrefix) + macro.package_name + "/" + macro.original_file_path;
  }

  // dbt's lookup of an unqualified macro name: the root project, then the calling node's
  // package, then the built-in macros.
  const Macro* lookup_macro(const std::string& name) {
    for (const std::string& package :
         {root.name, current_package(), std::string(kInternalPackage)}) {
      if (const Macro* macro = find_macro(package, name)) return macro;
    }
    return nullptr;
  }

  // Parse mode records the macros a node calls (manifest `depends_on.macros`).
  void note_macro(const Macro& macro) { note_macro_id(macro.unique_id); }

  static void note_macro_id(const std::string& macro_id) {
    if (!current_state || !current_state->calls) return;
    std::vector<std::string>& macros = current_state->calls->macros;
    if (std::find(macros.begin(), macros.end(), macro_id) == macros.end())
      macros.push_back(macro_id);
  }

  // The root project, an installed package, or a package whose macros kiln ships (dbt, and
  // dbt_utils when it stands in for an uninstalled copy).
  bool is_package(std::string_view name) const {
    if (name == kInternalPackage) return true;
    for (const Project* project : projects) {
      if (project->name == name) return true;
    }
    return macros_by_package.count(std::string(name)) > 0;
  }

  // `dbt_utils.star(...)`: a package name evaluates to its macros.
  class PackageNamespace : public jinja::HostObject {
   public:
    PackageNamespace(Impl& impl, std::string package) : impl_(impl), package_(std::move(package)) {}
    std::string_view type_name() const override { return "Namespace"; }
    std::optional<Value> get_attr(std::string_view name, Runtime&) override {
      if (auto overridden = impl_.unit_test_macro_override(package_ + "." + std::string(name)))
        return overridden;
      if (const Macro* macro = impl_.find_macro(package_, std::string(name))) {
        impl_.note_macro(*macro);
        return impl_.macro_value(*macro);
      }
      return std::nullopt;
    }
    std::string str() const override { return "<namespace " + package_ + ">"; }

   private:
    Impl& impl_;
    std::string package_;
  };

  // A unit test's `overrides: macros:` replace a macro, named bare (`my_macro`) or with its
  // package (`dbt_utils.current_timestamp`), by a function returning the given value.
  std::optional<Value> unit_test_macro_override(const std::string& name) {
    const ExecutionFrame* frame = current_execution_frame();
    if (!frame || !frame->options || !frame->options->unit_test) return std::nullopt;
    const Data* value = frame->options->unit_test->macros.find(name);
    if (!value) return std::nullopt;
    Value result = to_jinja(*value);
    return Value::function([result](CallArgs&, Runtime&) { return result; }, name);
  }

  // Names that depend on the node being rendered, looked up when used.
  std::optional<Value> resolve_name(std::string_view name) {
    std::string key(name);
    if (current_state) {
      RenderState& s = *current_state;
      if (key == "this" && s.node) {
        if (auto fixture = unit_test_input("this", current_execution_frame())) return *fixture;
        return node_relation(*s.node);
      }
      if (key == "model" && s.node) {
        Value dict = node_dict(*s.node);
        const ExecutionFrame* frame = current_execution_frame();
        dict.set("batch", Value::none());  // outside a microbatch, as dbt's models have it
        if (frame && frame->node == s.node && frame->options && frame->options->batch) {
          const ExecutionOptions::Batch& batch = *frame->options->batch;
          dict.set("batch", Value::dict()
                                .set("id", Value(batch.id))
                                .set("event_time_start", Value(batch.event_time_start))
                                .set("event_time_end", Value(batch.event_time_end)));
        }
        return dict;
      }
      if (key == "execute") return Value(!s.parse_mode);
      if (auto value = resolve_execution_name(key)) return value;
    }
    if (auto overridden = unit_test_macro_override(key)) return overridden;
    if (const Macro* macro = lookup_macro(key)) {
      note_macro(*macro);
      return macro_value(*macro);
    }
    if (is_package(name)) return Value::host(std::make_shared<PackageNamespace>(*this, key));
    return std::nullopt;
  }

  // ---- values of the context ----------------------------------------------------------------

  Value relation(const std::string& database, const std::string& schema,
                 const std::string& identifier, const std::string& type = "") {
    return make_relation(database, schema, identifier, type, target.quote);
  }

  Value node_relation(const Node& node) {
    std::string type = config_string(node, "materialized");
    if (type == "ephemeral") return relation("", "", "__dbt__cte__" + node.name, "cte");
    return relation(node.database.empty() ? target.database : node.database,
                    node.schema.empty() ? target.schema : node.schema,
                    node.alias.empty() ? node.name : node.alias,
                    type == "incremental" || type == "seed" || type == "snapshot" ? "table" : type);
  }

  static std::string config_string(const Node& node, const char* key) {
    const Data* value = node.config.find(key);
    return value && value->is_string() ? value->as_string() : "";
  }

  Value node_dict(const Node& node) {
    Value dict = Value::dict();
    dict.set("name", Value(node.name));
    dict.set("unique_id", Value(node.unique_id));
    dict.set("resource_type", Value(std::string(resource_type_name(node.resource_type))));
    dict.set("package_name", Value(node.package_name));
    dict.set("path", Value(node.path));
    dict.set("original_file_path", Value(node.original_file_path));
    std::vector<Value> fqn;
    for (const std::string& part : node.fqn) fqn.emplace_back(part);
    dict.set("fqn", Value::list(std::move(fqn)));
    dict.set("alias", Value(node.alias));
    dict.set("schema", Value(node.schema));
    dict.set("database", Value(node.database));
    dict.set("config", to_jinja(node.config));
    std::vector<Value> tags;
    for (const std::string& tag : node.tags) tags.emplace_back(tag);
    dict.set("tags", Value::list(std::move(tags)));
    dict.set("description", Value(node.description));
    dict.set("raw_code", Value(node.raw_code));
    dict.set("raw_sql", Value(node.raw_code));
    dict.set("language", Value(node.language));
    dict.set("meta", to_jinja(node.meta));
    if (node.version) dict.set("version", Value(*node.version));
    Value columns = Value::dict();
    for (const ColumnDef& column : node.columns) {
      columns.set(
          column.name,
          Value::dict()
              .set("name", Value(column.name))
              .set("description", Value(column.description))
              .set("data_type", column.data_type.empty() ? Value::none() : Value(column.data_type))
              .set("constraints", to_jinja(column.constraints))
              .set("meta", to_jinja(column.meta))
              .set("quote", column.quote ? Value(*column.quote) : Value::none()));
    }
    dict.set("columns", columns);
    // Contracts and constraints, for the materializations that enforce them.
    dict.set("contract", to_jinja(node.contract.is_map() ? node.contract : Data::map()));
    dict.set("constraints", to_jinja(node.constraints));
    return dict;
  }

  Value target_dict() {
    Value dict = Value::dict();
    for (const auto& [key, value] : target.fields.as_map()) {
      if (!is_secret_field(key)) dict.set(key, to_jinja(value));
    }
    dict.set("name", Value(target.name));
    dict.set("target_name", Value(target.name));
    dict.set("profile_name", Value(target.profile_name));
    dict.set("type", Value(target.type));
    dict.set("schema", Value(target.schema));
    dict.set("database", Value(target.database));
    dict.set("threads", Value(static_cast<int64_t>(target.threads)));
    return dict;
  }

  // var(): CLI vars, then the root project's vars for the node's package, its global vars, then
  // the node's own package's vars, then the default.
  std::optional<Data> lookup_var(const std::string& name, const std::string& package) {
    if (const Data* value = cli_vars.find(name)) return *value;
    auto scoped = [&](const Project& project) -> std::optional<Data> {
      if (const Data* package_vars = project.vars.find(package);
          package_vars && package_vars->is_map()) {
        if (const Data* value = package_vars->find(name)) return *value;
      }
      if (const Data* value = project.vars.find(name)) {
        bool is_package_scope = value->is_map() && is_package(name);
        if (!is_package_scope) return *value;
      }
      return std::nullopt;
    };
    if (auto value = scoped(root)) return value;
    for (const Project* project : projects) {
      if (project->name == package && project != &root) {
        if (auto value = scoped(*project)) return value;
      }
    }
    return std::nullopt;
  }

  Value render_var(const Data& value) {
    // Vars may themselves be templates ("{{ env_var('X') }}"), rendered when used.
    if (value.is_string() && contains_jinja(value.as_string())) {
      return env.render_value(env.from_string(value.as_string(), "<var>"), {});
    }
    return to_jinja(value);
  }

  // ---- ref and source -----------------------------------------------------------------------

  RefCall parse_ref_args(CallArgs& args) {
    RefCall ref;
    std::vector<std::string> strings;
    for (const Value& value : args.positional) {
      if (!value.is_string())
        compiler_error("ref() arguments must be strings, got " + value.repr());
      strings.push_back(value.as_string());
    }
    if (strings.empty() || strings.size() > 2) {
      compiler_error("ref() takes a model name, or a package and a model name; got " +
                     std::to_string(strings.size()) + " arguments");
    }
    ref.name = strings.back();
    if (strings.size() == 2) ref.package = strings.front();
    for (const auto& [key, value] : args.keyword) {
      if (key == "v" || key == "version") {
        ref.version = value.is_string() ? value.as_string() : value.str();
      } else {
        compiler_error("ref() got an unexpected keyword argument '" + key + "'");
      }
    }
    return ref;
  }

  void index_nodes(const Manifest& manifest) {
    if (indexed_manifest == &manifest) return;
    indexed_manifest = &manifest;
    nodes_by_name.clear();
    for (const auto& [id, node] : manifest.nodes) {
      if (node.resource_type == ResourceType::Model || node.resource_type == ResourceType::Seed ||
          node.resource_type == ResourceType::Snapshot) {
        nodes_by_name[node.name].push_back(&node);
      }
    }
  }

  Value ref(CallArgs& args) {
    RenderState& s = state();
    RefCall call = parse_ref_args(args);
    if (s.parse_mode) {
      s.calls->refs.push_back(call);
      return relation(target.database, target.schema, call.name);
    }
    index_nodes(*s.manifest);
    auto candidates = nodes_by_name.find(call.name);
    if (candidates != nodes_by_name.end()) {
      for (const std::string& package :
           {call.package.empty() ? current_package() : call.package, root.name}) {
        for (const Node* node : candidates->second) {
          if (node->package_name != package && !(call.package.empty() && package == root.name))
            continue;
          bool version_ok = call.version
                                ? node->version == call.version
                                : (!node->version || node->version == node->latest_version);
          if (version_ok) return resolved_ref(*node);
        }
      }
      for (const Node* node : candidates->second) {
        if (call.package.empty() && (!node->version || node->version == node->latest_version)) {
          return resolved_ref(*node);
        }
      }
    }
    compiler_error("ref('" + call.name + "') does not name a model, seed or snapshot");
  }

  // What ref() gives for `node` at compile and execution time: its relation, or with --defer the
  // state's relation; read through a subquery under --empty and in a microbatch.
  Value resolved_ref(const Node& node) {
    const ExecutionFrame* frame = current_execution_frame();
    if (auto fixture = unit_test_input("ref:" + node.unique_id, frame)) return *fixture;
    Value relation = deferred_relation(node, frame).value_or(node_relation(node));
    return filtered_input(relation, node.config, frame);
  }

  static const ExecutionFrame* frame_now() { return current_execution_frame(); }

  // A unit test's fixture CTE standing in for `key`, when the running unit test gives one.
  std::optional<Value> unit_test_input(const std::string& key, const ExecutionFrame* frame) {
    if (!frame || !frame->options || !frame->options->unit_test) return std::nullopt;
    const auto& ctes = frame->options->unit_test->ctes;
    auto it = ctes.find(key);
    if (it == ctes.end()) return std::nullopt;
    return relation("", "", it->second, "cte");
  }

  // --empty reads no rows; a microbatch reads its window of a parent that sets event_time.
  Value filtered_input(const Value& relation, const Data& config,
                       const ExecutionFrame* frame) const {
    const ExecutionOptions* options = frame ? frame->options : nullptr;
    auto* object =
        relation.is_host() ? dynamic_cast<RelationObject*>(&relation.as_host()) : nullptr;
    if (!options || !object) return relation;
    // DuckDB names derived tables itself; PostgreSQL (before 16) and MySQL require a name.
    bool needs_alias = target.type != "duckdb";
    Value result = relation;
    const Data* event_time = config.find("event_time");
    if (options->batch && event_time && event_time->is_string() &&
        !event_time->as_string().empty()) {
      const std::string& column = event_time->as_string();
      result = object->filtered(column + " >= '" + options->batch->event_time_start + "' and " +
                                    column + " < '" + options->batch->event_time_end + "'",
                                needs_alias ? "_dbt_et_filter_subq_" + object->identifier() : "");
      object = dynamic_cast<RelationObject*>(&result.as_host());
    }
    if (options->empty) {
      result = object->filtered("false",
                                needs_alias ? "_dbt_limit_subq_" + object->identifier() : "", true);
    }
    return result;
  }

  std::optional<Value> deferred_relation(const Node& node, const ExecutionFrame* frame) {
    if (!deferral || deferral->running.count(node.unique_id) ||
        config_string(node, "materialized") == "ephemeral")
      return std::nullopt;
    auto state = deferral->state_relations.find(node.unique_id);
    if (state == deferral->state_relations.end()) return std::nullopt;
    if (!deferral->favor_state) {
      // Without favor_state the target's own relation wins when it exists; at compile time,
      // without a warehouse to ask, it is assumed to exist.
      if (!frame || !frame->session) return std::nullopt;
      std::optional<RelationRef> own = relation_ref_of(node_relation(node));
      if (own && frame->session->get_relation(own->database, own->schema, own->identifier))
        return std::nullopt;
    }
    const RelationRef& relation = state->second;
    return make_relation(relation.database, relation.schema, relation.identifier,
                         relation.type == RelationType::Unknown
                             ? std::string()
                             : std::string(relation_type_name(relation.type)),
                         target.quote);
  }

  Value source(CallArgs& args) {
    RenderState& s = state();
    std::string source_name = string_arg(args, 0, "source_name", "source");
    std::string table_name = string_arg(args, 1, "table_name", "source");
    if (s.parse_mode) {
      s.calls->sources.push_back({source_name, table_name});
      return relation(target.database, source_name, table_name);
    }
    for (const auto& [id, definition] : s.manifest->sources) {
      if (definition.source_name == source_name && definition.name == table_name) {
        if (auto fixture = unit_test_input(
                "source:" + definition.source_name + "." + definition.name, frame_now()))
          return *fixture;
        Value found =
            relation(definition.database, definition.schema, definition.identifier, "table");
        return filtered_input(found, definition.config, current_execution_frame());
      }
    }
    compiler_error("source('" + source_name + "', '" + table_name + "') is not declared");
  }

  // ---- config -------------------------------------------------------------------------------

  // `config(...)` records settings at parse time; `config.get`/`config.require` read them.
  class ConfigObject : public jinja::HostObject {
   public:
    explicit ConfigObject(Impl& impl) : impl_(impl) {}
    std::string_view type_name() const override { return "Config"; }
    bool is_callable() const override { return true; }
    Value call(CallArgs& args, Runtime&) override {
      RenderState& s = impl_.state();
      if (!s.parse_mode || !s.calls) return Value(std::string());
      for (const Value& positional : args.positional) {
        if (!positional.is_dict()) compiler_error("config() takes keyword arguments or one dict");
        Data map = from_jinja(positional);
        for (const auto& [key, value] : map.as_map()) s.calls->config.set(key, value);
      }
      for (const auto& [key, value] : args.keyword) s.calls->config.set(key, from_jinja(value));
      return Value(std::string());
    }
    std::optional<Value> call_method(std::string_view name, CallArgs& args, Runtime&) override {
      if (name != "get" && name != "require") return std::nullopt;
      RenderState& s = impl_.state();
      std::string key = string_arg(args, 0, "name", "config." + std::string(name));
      const Data* found = nullptr;
      if (s.calls) found = s.calls->config.find(key);
      if (!found && s.node) found = s.node->config.find(key);
      if (found && !found->is_null()) return to_jinja(*found);
      if (name == "require" && !s.parse_mode) {
        compiler_error("the config '" + key + "' is required by " +
                       (s.node ? s.node->unique_id : std::string("this node")) +
                       " but was not set");
      }
      const Value* fallback = args.find(1, "default");
      return fallback ? *fallback : Value::none();
    }

   private:
    Impl& impl_;
  };

  // ---- adapter ------------------------------------------------------------------------------

  class AdapterObject : public jinja::HostObject {
   public:
    explicit AdapterObject(Impl& impl) : impl_(impl) {}
    std::string_view type_name() const override { return "Adapter"; }
    std::optional<Value> call_method(std::string_view name, CallArgs& args, Runtime&) override {
      if (name == "dispatch") return impl_.dispatch(args);
      if (name == "quote")
        return Value(impl_.target.quote(string_arg(args, 0, "identifier", "adapter.quote")));
      if (name == "type") return Value(impl_.target.type);
      // Warehouse methods need a connection; at parse time (and until kiln runs models) they
      // answer as dbt's do when `execute` is false.
      if (name == "get_relation" || name == "load_relation") return Value::none();
      if (name == "get_columns_in_relation" || name == "list_relations_without_caching") {
        return Value::list();
      }
      return std::nullopt;
    }
    std::string str() const override { return "<Adapter " + impl_.target.type + ">"; }

   private:
    Impl& impl_;
  };

  // adapter.dispatch('name', 'namespace'): the first of `<adapter>__name`, `default__name` found
  // in the packages the project's `dispatch:` config lists for the namespace, else the root
  // project then the namespace package, then the built-in macros.
  Value dispatch(CallArgs& args) {
    std::string macro_name = string_arg(args, 0, "macro_name", "adapter.dispatch");
    std::string macro_namespace;
    if (const Value* ns = args.find(1, "macro_namespace"); ns && ns->is_string()) {
      macro_namespace = ns->as_string();
    }
    std::vector<std::string> search;
    for (const Data& entry : root.dispatch.is_list() ? root.dispatch.as_list() : Data::List{}) {
      const Data* ns = entry.find("macro_namespace");
      const Data* order = entry.find("search_order");
      if (ns && ns->is_string() && ns->as_string() == macro_namespace && order &&
          order->is_list()) {
        for (const Data& package : order->as_list()) search.push_back(package.scalar_text());
      }
    }
    if (search.empty()) {
      search.push_back(root.name);
      if (!macro_namespace.empty())
        search.push_back(macro_namespace);
      else
        search.push_back(current_package());
    }
    search.push_back(kInternalPackage);
    std::vector<std::string> tried;
    for (const std::string& package : search) {
      for (const std::string& prefix : {target.type, std::string("default")}) {
        std::string candidate = prefix + "__" + macro_name;
        tried.push_back(package + "." + candidate);
        if (const Macro* macro = find_macro(package, candidate)) {
          note_macro(*macro);
          return macro_value(*macro);
        }
      }
    }
    compiler_error("adapter.dispatch found no implementation of '" + macro_name + "'; tried " +
                   join(tried, ", "));
  }

  // ---- registration -------------------------------------------------------------------------

  void register_globals() {
    env.set_global("return", jinja::make_return_function());
    env.set_function("ref", [this](CallArgs& args, Runtime&) { return ref(args); });
    env.set_function("source", [this](CallArgs& args, Runtime&) { return source(args); });
    env.set_global("config", Value::host(std::make_shared<ConfigObject>(*this)));
    env.set_global("adapter", Value::host(std::make_shared<AdapterObject>(*this)));
    env.set_function("var", [this](CallArgs& args, Runtime&) {
      std::string name = string_arg(args, 0, "name", "var");
      // A unit test's `overrides: vars:` come first.
      if (const ExecutionFrame* frame = current_execution_frame();
          frame && frame->options && frame->options->unit_test) {
        if (const Data* value = frame->options->unit_test->vars.find(name)) {
          return to_jinja(*value);
        }
      }
      if (auto value = lookup_var(name, current_package())) return render_var(*value);
      if (const Value* fallback = args.find(1, "default")) return *fallback;
      std::string where = current_state && current_state->node
                              ? current_state->node->unique_id + " (" +
                                    current_state->node->original_file_path + ")"
                              : "this file";
      user_error(
          "required var '" + name + "' is not set; " + where + " uses it",
          "pass it with --vars '{" + name + ": ...}' or set it under `vars:` in dbt_project.yml");
    });
    env.set_function("env_var", [](CallArgs& args, Runtime&) { return env_var_value(args); });
    env.set_function("log", [](CallArgs& args, Runtime&) {
      std::string message = args.get(0, "msg").str();
      bool info = args.get(1, "info", Value(false)).truthy();
      if (info) {
        events().info("Z070", message);
      } else {
        events().debug("Z070", message);
      }
      return Value(std::string());
    });
    env.set_function("print", [](CallArgs& args, Runtime&) {
      Event event;
      event.code = "Z071";
      event.message = args.get(0, "msg").str();
      event.is_output = true;
      events().emit(std::move(event));
      return Value(std::string());
    });
    Value exceptions = Value::dict();
    exceptions.set("raise_compiler_error", Value::function(
                                               [](CallArgs& args, Runtime&) -> Value {
                                                 user_error(args.get(0, "msg").str(), {}, true);
                                               },
                                               "raise_compiler_error"));
    exceptions.set("raise_not_implemented",
                   Value::function(
                       [](CallArgs& args, Runtime&) -> Value {
                         compiler_error("raise_not_implemented: " + args.get(0, "msg").str());
                       },
                       "raise_not_implemented"));
    exceptions.set("warn", Value::function(
                               [](CallArgs& args, Runtime&) {
                                 events().warn("Z072", args.get(0, "msg").str());
                                 return Value(std::string());
                               },
                               "warn"));
    env.set_global("exceptions", exceptions);
    env.set_function("tojson", [](CallArgs& args, Runtime&) {
      std::string out;
      JsonWriter writer(out);
      writer.value(from_jinja(args.get(0, "value")));
      return Value(out);
    });
    env.set_function("fromjson", [](CallArgs& args, Runtime&) {
      // JSON is YAML; the YAML reader gives the same values for any JSON document.
      try {
        return to_jinja(parse_yaml(args.get(0, "string").str(), "fromjson"));
      } catch (const KilnError&) {
        if (const Value* fallback = args.find(1, "default")) return *fallback;
        throw;
      }
    });
    env.set_function("fromyaml", [](CallArgs& args, Runtime&) {
      try {
        return to_jinja(parse_yaml(args.get(0, "value").str(), "fromyaml"));
      } catch (const KilnError&) {
        if (const Value* fallback = args.find(1, "default")) return *fallback;
        throw;
      }
    });
    env.set_function("local_md5", [](CallArgs& args, Runtime&) {
      return Value(md5_hex(args.get(0, "value").str()));
    });
    env.set_function("zip", [](CallArgs& args, Runtime&) {
      std::vector<Value> rows;
      size_t shortest = SIZE_MAX;
      for (const Value& sequence : args.positional) {
        if (!sequence.is_sequence()) return Value::none();
        shortest = std::min(shortest, sequence.as_list().items.size());
      }
      if (args.positional.empty()) shortest = 0;
      for (size_t i = 0; i < shortest; ++i) {
        std::vector<Value> row;
        for (const Value& sequence : args.positional) row.push_back(sequence.as_list().items[i]);
        rows.push_back(Value::tuple(std::move(row)));
      }
      return Value::list(std::move(rows));
    });
    env.set_function("set", [](CallArgs& args, Runtime&) {
      std::vector<Value> unique;
      Value input = args.get(0, "value");
      if (!input.is_sequence()) return Value::none();
      for (const Value& item : input.as_list().items) {
        bool seen = false;
        for (const Value& existing : unique) seen = seen || existing.equals(item);
        if (!seen) unique.push_back(item);
      }
      return Value::list(std::move(unique));
    });
    env.set_function("doc", make_doc_function(render_scope));
    env.set_global("modules", make_modules());
    env.set_global("invocation_id", Value(invocation_id));
    env.set_global("run_started_at", Value(run_started_at));
    env.set_global("project_name", Value(root.name));
    env.set_global("target", target_dict());
    env.set_global("flags", Value::dict()
                                .set("FULL_REFRESH", Value(false))
                                .set("STORE_FAILURES", Value(false))
                                .set("WHICH", Value(std::string("parse"))));
    env.set_global("graph", make_graph_value(render_scope));
  }

  // What `graph` and doc() read: the manifest and node of the render in progress.
  static RenderScope render_scope() {
    if (!current_state) return {};
    return {current_state->manifest, current_state->node, current_state->parse_mode};
  }

  // ---- errors -------------------------------------------------------------------------------

  // A template error as kiln reports it. Its location is where the error arose, with an excerpt,
  // when the user can open that file; an error inside kiln's own macros is located at the node,
  // with the macro's position as a trailer. A message raised on purpose
  // (exceptions.raise_compiler_error) is the author's: no generic hint is added to it.
  KilnError to_kiln_error(const jinja::Error& error, const Node* node) {
    std::string hint = pending_hint;
    bool on_purpose = std::exchange(pending_raised_on_purpose, false);
    pending_hint.clear();
    const std::string& file = error.template_name();
    bool in_node = node && file == node->original_file_path;
    bool in_kiln = file.starts_with(kKilnTemplatePrefix);
    std::string message = error.message();
    SourceLocation location;
    if (error.has_location() && !in_kiln) {
      location = {file, static_cast<int>(error.line()), static_cast<int>(error.column())};
    } else if (node) {
      location = {node->original_file_path};
    }
    std::string trailer;
    if (in_kiln && error.has_location())
      trailer += "\n> in macro " + file + ":" + std::to_string(error.line());
    if (node && !in_node) {
      if (on_purpose || in_kiln) {
        trailer += "\n> called by " + std::string(resource_type_name(node->resource_type)) + " " +
                   node->name + " (" + node->original_file_path + ")";
      } else {
        message += " (in " + std::string(resource_type_name(node->resource_type)) + " " +
                   node->unique_id + ")";
      }
    }
    if (!trailer.empty()) message += "\n" + trailer;
    if (hint.empty() && !on_purpose && !in_kiln) hint = "check the Jinja at this position";
    KilnError kiln_error(ErrorKind::Template, message, location, hint);
    if (in_node) {
      kiln_error.with_source(node->raw_code);
    } else if (auto it = sources.find(file); it != sources.end() && !in_kiln) {
      kiln_error.with_source(it->second);
    }
    return kiln_error;
  }

  template <typename Body>
  auto guarded(const Node* node, Body body) {
    try {
      return body();
    } catch (const jinja::Error& error) {
      throw to_kiln_error(error, node);
    } catch (KilnError& error) {
      if (!error.location().known() && node) {
        throw KilnError(error.kind(), error.message(), {node->original_file_path}, error.hint());
      }
      throw;
    }
  }
};

ValueRenderer make_config_renderer(Data cli_vars) {
  auto env = std::make_shared<jinja::Environment>();
  env->set_function("env_var", [](CallArgs& args, Runtime&) { return env_var_value(args); });
  env->set_function("var", [cli_vars](CallArgs& args, Runtime&) {
    std::string name = string_arg(args, 0, "name", "var");
    if (const Data* value = cli_vars.find(name)) return to_jinja(*value);
    if (const Value* fallback = args.find(1, "default")) return *fallback;
    user_error("required var '" + name + "' is not set",
               "pass it with --vars '{" + name + ": ...}'");
  });
  return [env](std::string_view text, const SourceLocation& where) -> std::string {
    try {
      return env->render(env->from_string(text, where.file), {});
    } catch (const jinja::Error& error) {
      std::string hint = pending_hint.empty() ? "check the Jinja in this value" : pending_hint;
      pending_hint.clear();
      pending_raised_on_purpose = false;
      throw KilnError(ErrorKind::Template, error.message(), where, hint);
    } catch (const KilnError& error) {
      throw KilnError(error.kind(), error.message(), where, error.hint());
    }
  };
}

namespace {

std::vector<const Project*> project_pointers(const std::vector<Project>& projects) {
  std::vector<const Project*> pointers;
  for (const Project& project : projects) pointers.push_back(&project);
  return pointers;
}

}  // namespace

DbtContext::DbtContext(const Project& root, const std::vector<Project>& packages,
                       ContextTarget target, Data cli_vars, std::string invocation_id)
    : impl_(std::make_unique<Impl>(root, project_pointers(packages), std::move(target),
                                   std::move(cli_vars), std::move(invocation_id))) {}

DbtContext::~DbtContext() = default;

ValueRenderer DbtContext::config_renderer() {
  return [this](std::string_view text, const SourceLocation& where) -> std::string {
    try {
      return impl_->env.render(impl_->env.from_string(text, where.file), {});
    } catch (const jinja::Error& error) {
      KilnError kiln_error(ErrorKind::Template, error.message(), where,
                           "check the Jinja in this value");
      throw kiln_error;
    }
  };
}

RenderedCalls DbtContext::render_for_parse(const Node& node,
                                           const std::map<std::string, Macro>& macros) {
  impl_->index_macros(&macros);
  RenderedCalls calls;
  RenderState state{&node, true, &calls, nullptr, &macros};
  ScopedState scope(&state);
  impl_->guarded(&node, [&] {
    impl_->env.render(impl_->env.from_string(node.raw_code, node.original_file_path), {});
    return 0;
  });
  return calls;
}

std::string DbtContext::generate_name(const Macro& macro, const std::string& custom_value,
                                      const Node& node,
                                      const std::map<std::string, Macro>& macros) {
  impl_->index_macros(&macros);
  RenderState state{&node, true, nullptr, nullptr, &macros};
  ScopedState scope(&state);
  return impl_->guarded(&node, [&] {
    Value callable = impl_->macro_value(macro);
    Value custom = custom_value.empty() ? Value::none() : Value(custom_value);
    return impl_->env.call(callable, {custom, impl_->node_dict(node)}).str();
  });
}

namespace {

// dbt renders a generic test's arguments before passing them: strings that look like a call
// (`ref('customers')`) are evaluated as expressions, other templated strings are rendered, and
// column_name stays text.
bool looks_like_call(std::string_view text) {
  text = trim(text);
  for (const char* name : {"env_var(", "ref(", "var(", "source(", "doc("}) {
    if (text.starts_with(name) && text.ends_with(")")) return true;
  }
  return false;
}

// Skips whitespace and SQL comments at the start of `sql`; returns where the first token begins.
size_t first_token(std::string_view sql) {
  size_t i = 0;
  while (i < sql.size()) {
    if (std::isspace(static_cast<unsigned char>(sql[i]))) {
      ++i;
    } else if (sql.substr(i, 2) == "--") {
      size_t end = sql.find('\n', i);
      i = end == std::string_view::npos ? sql.size() : end + 1;
    } else if (sql.substr(i, 2) == "/*") {
      size_t end = sql.find("*/", i + 2);
      i = end == std::string_view::npos ? sql.size() : end + 2;
    } else {
      break;
    }
  }
  return i;
}

}  // namespace

std::string inject_ctes(const std::string& sql,
                        const std::vector<std::pair<std::string, std::string>>& ctes) {
  if (ctes.empty()) return sql;
  // dbt's layout, byte for byte: "with __dbt__cte__a as (\n<sql>\n), __dbt__cte__b as (...)"
  // right before the model's own CTEs ("..., totals as (") or its query (")select ...").
  std::string definitions;
  for (const auto& [name, body] : ctes) {
    if (!definitions.empty()) definitions += ", ";
    definitions += " " + name + " as (\n" + body + "\n)";
  }
  // Unlike dbt (sqlparse), a leading comment does not hide the model's own WITH.
  size_t start = first_token(sql);
  std::string head = to_lower(sql.substr(start, 5));
  bool has_with = head.starts_with("with") &&
                  (head.size() == 4 || std::isspace(static_cast<unsigned char>(head[4])));
  if (has_with) return sql.substr(0, start) + "with" + definitions + "," + sql.substr(start + 4);
  return sql.substr(0, start) + "with" + definitions + sql.substr(start);
}

std::string DbtContext::compile(const Node& node, const Manifest& manifest) {
  impl_->index_macros(&manifest.macros);
  RenderState state{&node, false, nullptr, &manifest, &manifest.macros};
  ScopedState scope(&state);
  std::string sql = impl_->guarded(&node, [&] {
    jinja::Context context;
    if (node.test_metadata) {
      Value kwargs = Value::dict();
      for (const auto& [key, value] : node.test_metadata->kwargs.as_map()) {
        if (value.is_string() && key != "column_name") {
          std::string text = value.as_string();
          if (looks_like_call(text)) text = "{{ " + text + " }}";
          if (contains_jinja(text)) {
            kwargs.set(key, impl_->env.render_value(
                                impl_->env.from_string(text, node.original_file_path), {}));
            continue;
          }
        }
        kwargs.set(key, to_jinja(value));
      }
      context.emplace("_dbt_generic_test_kwargs", kwargs);
    }
    return impl_->env.render(impl_->env.from_string(node.raw_code, node.original_file_path),
                             context);
  });
  // Ephemeral models the node selects from become CTEs in front of its SQL, deepest first.
  std::vector<std::pair<std::string, std::string>> ctes;
  std::set<std::string> seen;
  std::function<void(const Node&)> collect = [&](const Node& from) {
    for (const std::string& id : from.depends_on_nodes) {
      auto it = manifest.nodes.find(id);
      if (it == manifest.nodes.end() || !seen.insert(id).second) continue;
      const Node& parent = it->second;
      const Data* materialized = parent.config.find("materialized");
      if (!materialized || !materialized->is_string() || materialized->as_string() != "ephemeral")
        continue;
      collect(parent);
      RenderState parent_state{&parent, false, nullptr, &manifest, &manifest.macros};
      ScopedState parent_scope(&parent_state);
      std::string body = impl_->guarded(&parent, [&] {
        return impl_->env.render(impl_->env.from_string(parent.raw_code, parent.original_file_path),
                                 {});
      });
      ctes.emplace_back("__dbt__cte__" + parent.name, body);
    }
  };
  collect(node);
  return inject_ctes(sql, ctes);
}

NodeRenderer DbtContext::node_renderer() {
  return [this](const Node& node, const std::map<std::string, Macro>& macros) {
    return render_for_parse(node, macros);
  };
}

NameGenerator DbtContext::name_generator() {
  return [this](const Macro& macro, const std::string& custom, const Node& node,
                const std::map<std::string, Macro>& macros) {
    return generate_name(macro, custom, node, macros);
  };
}

// ---- execution mode -----------------------------------------------------------------------------

void DbtContext::set_deferral(std::shared_ptr<const Deferral> deferral) {
  impl_->deferral = std::move(deferral);
}

std::unique_ptr<DbtContext> DbtContext::clone() const {
  std::vector<const Project*> packages(impl_->projects.begin() + 1, impl_->projects.end());
  std::unique_ptr<DbtContext> copy(new DbtContext());
  copy->impl_ = std::make_unique<Impl>(impl_->root, packages, impl_->target, impl_->cli_vars,
                                       impl_->invocation_id);
  // One invocation, one start time, whichever thread renders.
  copy->impl_->run_started_at = impl_->run_started_at;
  copy->impl_->deferral = impl_->deferral;
  copy->impl_->env.set_global("run_started_at", Value(impl_->run_started_at));
  return copy;
}

std::string DbtContext::compile_for_execution(const Node& node, const Manifest& manifest,
                                              WarehouseSession& session,
                                              const ExecutionOptions& options) {
  ExecutionOutcome outcome;
  ExecutionFrame frame;
  frame.node = &node;
  frame.session = &session;
  frame.options = &options;
  frame.materialized = Impl::config_string(node, "materialized");
  frame.outcome = &outcome;
  if (auto self = relation_ref_of(impl_->node_relation(node))) frame.this_relation = *self;
  ScopedExecution execution(&frame);
  apply_execution_flags(impl_->env, options);
  return compile(node, manifest);
}

void DbtContext::render_for_execution(const Node& node, const Manifest& manifest,
                                      WarehouseSession& session, const ExecutionOptions& options,
                                      ExecutionOutcome& outcome) {
  std::string materialized = Impl::config_string(node, "materialized");
  // The frame is in place before compiling: is_incremental() and run_query() in the model's own
  // SQL see the warehouse, as in dbt.
  ExecutionFrame frame;
  frame.node = &node;
  frame.session = &session;
  frame.options = &options;
  frame.materialized = materialized;
  frame.outcome = &outcome;
  if (auto self = relation_ref_of(impl_->node_relation(node))) frame.this_relation = *self;
  ScopedExecution execution(&frame);
  apply_execution_flags(impl_->env, options);
  outcome.compiled_code = compile(node, manifest);
  outcome.compiled_at = std::chrono::system_clock::now();
  // dbt's choice: an adapter-specific materialization beats a default one wherever it is
  // defined; among equals the root project wins over packages, and packages over kiln's own.
  std::vector<std::string> packages;
  for (const Project* project : impl_->projects) packages.push_back(project->name);
  packages.push_back(kInternalPackage);
  const Macro* materialization = nullptr;
  for (const std::string& adapter : {session.adapter_type(), std::string("default")}) {
    for (const std::string& package : packages) {
      materialization =
          impl_->find_macro(package, "materialization_" + materialized + "_" + adapter);
      if (materialization) break;
    }
    if (materialization) break;
  }
  if (!materialization) {
    std::set<std::string> known = {"ephemeral"};  // handled by the runner, without a macro
    for (const auto& [package, macros] : impl_->macros_by_package) {
      for (const auto& [name, macro] : macros) {
        if (!name.starts_with("materialization_")) continue;
        std::string rest = name.substr(std::string_view("materialization_").size());
        for (const std::string& suffix : {"_" + session.adapter_type(), std::string("_default")}) {
          if (rest.ends_with(suffix)) known.insert(rest.substr(0, rest.size() - suffix.size()));
        }
      }
    }
    throw KilnError(ErrorKind::Template,
                    std::string(resource_type_name(node.resource_type)) + " " + node.unique_id +
                        " is materialized as '" + materialized +
                        "', which no materialization for " + session.adapter_type() + " defines",
                    {node.original_file_path},
                    "the materializations that exist are " +
                        join(std::vector<std::string>(known.begin(), known.end()), ", ") +
                        "; define another with {% materialization " + materialized +
                        ", default %} in a macros/ file");
  }
  RenderState state{&node, false, nullptr, &manifest, &manifest.macros};
  ScopedState scope(&state);
  Value result =
      impl_->guarded(&node, [&] { return impl_->env.call(impl_->macro_value(*materialization)); });
  outcome.relations = returned_relations(result, materialization->name);
}

std::string DbtContext::render_for_operation(const Node& operation, const Manifest& manifest,
                                             WarehouseSession& session,
                                             const ExecutionOptions& options,
                                             const Data& variables) {
  impl_->index_macros(&manifest.macros);
  ExecutionOutcome outcome;
  ExecutionFrame frame;
  frame.node = &operation;
  frame.session = &session;
  frame.options = &options;
  frame.materialized = "operation";
  frame.outcome = &outcome;
  frame.variables = to_jinja(variables);
  ScopedExecution execution(&frame);
  apply_execution_flags(impl_->env, options);
  RenderState state{&operation, false, nullptr, &manifest, &manifest.macros};
  ScopedState scope(&state);
  return impl_->guarded(&operation, [&] {
    return impl_->env.render(
        impl_->env.from_string(operation.raw_code, operation.original_file_path), {});
  });
}

}  // namespace kiln
