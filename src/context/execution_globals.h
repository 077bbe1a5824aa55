#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "context/relation.h"
#include "context/warehouse_session.h"
#include "jinja/environment.h"
#include "manifest/node.h"

namespace kiln {

// Execution mode of the dbt context (`kiln run`): what a node's materialization needs beyond
// compile mode. Internal to src/context; DbtContext::render_for_execution is the entry point.

// The node being built on this thread, and where its statements go.
struct ExecutionFrame {
  const Node* node = nullptr;
  WarehouseSession* session = nullptr;
  const ExecutionOptions* options = nullptr;
  RelationRef this_relation;
  std::string materialized;
  ExecutionOutcome* outcome = nullptr;
  jinja::Value results = jinja::Value::dict();    // statement name -> load_result() value
  jinja::Value variables = jinja::Value::dict();  // run hooks: `schemas`, `results`, ...
};

// The frame of the node being built on this thread; nullptr outside execution mode.
const ExecutionFrame* current_execution_frame();

// Makes `frame` the current one on this thread while it lives.
class ScopedExecution {
 public:
  explicit ScopedExecution(ExecutionFrame* frame);
  ~ScopedExecution();
  ScopedExecution(const ScopedExecution&) = delete;
  ScopedExecution& operator=(const ScopedExecution&) = delete;

 private:
  ExecutionFrame* previous_;
};

// Registers statement, load_result, store_result, run_query, is_incremental,
// should_full_refresh, render, api and the warehouse methods of `adapter` (wrapping the adapter
// object already registered, which keeps dispatch and quoting). Outside execution mode they
// answer as at parse and compile time: is_incremental() is false, statements run nothing.
// `note_macro_call` hears which of dbt's macros kiln answers natively were called
// ("macro.dbt.is_incremental"), so parse time records them in depends_on.macros as dbt does.
void register_execution_globals(jinja::Environment& env, RelationObject::Quote quote,
                                std::function<void(const std::string&)> note_macro_call = {});

// sql, compiled_code, pre_hooks and post_hooks while a node is built; nullopt otherwise.
std::optional<jinja::Value> resolve_execution_name(std::string_view name);

// Sets flags.FULL_REFRESH and flags.WHICH for the run.
void apply_execution_flags(jinja::Environment& env, const ExecutionOptions& options);

// The relations of a materialization's `{{ return({'relations': [...]}) }}`. Throws KilnError
// naming `materialization` when the value has another shape.
std::vector<RelationRef> returned_relations(const jinja::Value& result,
                                            const std::string& materialization);

// A relation object's database, schema, identifier and type; nullopt for anything else.
std::optional<RelationRef> relation_ref_of(const jinja::Value& value);

}  // namespace kiln
