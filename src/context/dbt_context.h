#pragma once

#include <functional>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "common/data.h"
#include "context/warehouse_session.h"
#include "manifest/manifest.h"
#include "parser/project_parser.h"
#include "project/config_renderer.h"
#include "project/project.h"

namespace kiln {

// What templates see as `target`, and how the warehouse quotes identifiers.
struct ContextTarget {
  std::string profile_name;
  std::string name;
  std::string type;
  std::string database;
  std::string schema;
  int threads = 1;
  Data fields = Data::map();  // the profile output; secret fields are left out of `target`
  std::function<std::string(std::string_view)> quote;
};

// Puts `ctes` ((name, sql) pairs) in front of `sql` as a WITH clause, joining an existing one.
std::string inject_ctes(const std::string& sql,
                        const std::vector<std::pair<std::string, std::string>>& ctes);

// The renderer for Jinja in dbt_project.yml and profiles.yml values, before any project is
// loaded: env_var() and var() over the --vars mapping, as dbt allows there.
ValueRenderer make_config_renderer(Data cli_vars);

// dbt's Jinja context on kiln's template engine: ref, source, config, var, env_var, this,
// target, adapter.dispatch, macros of the project and its packages, exceptions, log, and the
// rest. One instance serves a whole invocation; templates and macros are compiled once.
//
// Templates run in two modes, as in dbt: at parse time calls are recorded (ref() notes an edge,
// config() notes settings, `execute` is false), and at compile time they resolve (ref() gives
// the relation of the node it names).
class DbtContext {
 public:
  DbtContext(const Project& root, const std::vector<Project>& packages, ContextTarget target,
             Data cli_vars, std::string invocation_id);
  ~DbtContext();
  DbtContext(const DbtContext&) = delete;
  DbtContext& operator=(const DbtContext&) = delete;

  // Renders Jinja in dbt_project.yml and profiles.yml values: env_var() and var() (CLI vars).
  ValueRenderer config_renderer();

  // Parse mode: renders `node` and returns the ref/source/config calls it made.
  RenderedCalls render_for_parse(const Node& node, const std::map<std::string, Macro>& macros);

  // Calls the project's generate_*_name override for `node` and returns its output.
  std::string generate_name(const Macro& macro, const std::string& custom_value, const Node& node,
                            const std::map<std::string, Macro>& macros);

  // Compile mode: renders `node`'s SQL with refs and sources resolved against `manifest`.
  std::string compile(const Node& node, const Manifest& manifest);

  // Hooks for ParseOptions.
  NodeRenderer node_renderer();
  NameGenerator name_generator();

  // Execution mode (`kiln run`): compiles `node`, then runs its materialization macro
  // (materialization_<name>_<adapter>, else _default) with statements going to `session`.
  // Fills `outcome` as it goes, so after a KilnError (template or statement) the caller still
  // has the compiled code; the caller owns the transaction.
  void render_for_execution(const Node& node, const Manifest& manifest, WarehouseSession& session,
                            const ExecutionOptions& options, ExecutionOutcome& outcome);

  // Compiles `node` in execution mode, without running its materialization: refs see
  // `options` (a unit test's fixtures, --empty) and the warehouse through `session`.
  std::string compile_for_execution(const Node& node, const Manifest& manifest,
                                    WarehouseSession& session, const ExecutionOptions& options);

  // Execution mode for on-run-start/on-run-end hooks: renders the hook `operation` (its
  // raw_code) with `variables` (schemas, results, ...) visible to it and to the macros it calls;
  // statements those macros run go to `session`. Returns the SQL to execute.
  std::string render_for_operation(const Node& operation, const Manifest& manifest,
                                   WarehouseSession& session, const ExecutionOptions& options,
                                   const Data& variables);

  // --defer --state: refs to nodes outside `running` resolve to the relations in `state` (an
  // earlier manifest's nodes) when the target lacks the relation, or always with favor_state.
  struct Deferral {
    std::map<std::string, RelationRef> state_relations;  // unique id -> its relation in state
    std::set<std::string> running;                       // nodes this invocation builds
    bool favor_state = false;
  };
  void set_deferral(std::shared_ptr<const Deferral> deferral);

  // A context for another worker thread: the same project, packages, target and vars with its
  // own template engine, since a jinja::Environment must not be shared between threads.
  std::unique_ptr<DbtContext> clone() const;

 private:
  DbtContext() = default;
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace kiln
