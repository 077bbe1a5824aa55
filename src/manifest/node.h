#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/data.h"

namespace kiln {

// dbt's resource types, named as manifest.json names them.
enum class ResourceType {
  Model,
  Seed,
  Snapshot,
  Test,  // data tests, generic and singular
  UnitTest,
  Analysis,
  Operation,  // on-run-start/end hooks
  SqlOperation,
  Source,
  Macro,
  Exposure,
  Metric,
  SemanticModel,
  SavedQuery,
  Group,
  Doc,
};

std::string_view resource_type_name(ResourceType type);
// "model" -> Model, ...; nullopt for anything else.
std::optional<ResourceType> parse_resource_type(std::string_view name);

// `ref('name')`, `ref('package', 'name')`, `ref('name', v=2)`.
struct RefCall {
  std::string package;  // empty: any package, the current one first
  std::string name;
  std::optional<std::string> version;
  bool operator==(const RefCall&) const = default;
};

// `source('source_name', 'table_name')`.
struct SourceCall {
  std::string source_name;
  std::string table_name;
  bool operator==(const SourceCall&) const = default;
};

struct ColumnDef {
  std::string name;
  std::string description;
  std::string data_type;  // empty when not declared
  Data meta = Data::map();
  Data constraints = Data::list();
  std::vector<std::string> tags;
  std::optional<bool> quote;
  Data config = Data::map();
};

// What a generic test was instantiated from (manifest's `test_metadata`).
struct TestMetadata {
  std::string name;           // "not_null", "accepted_values", "expression_is_true"
  std::string namespace_;     // "dbt_utils" for dbt_utils.expression_is_true, else empty
  Data kwargs = Data::map();  // the test's arguments, plus column_name and model
};

// A node of the DAG that kiln can run or test: models, seeds, snapshots, data tests, unit tests,
// analyses, hooks. Field names follow manifest.json.
// A big project's parse holds tens of thousands of these. A manifest entry (a Node, its key and
// the tree's links) is 1,536 bytes, one of mimalloc's size classes; two more strings pushed it
// to the next class and slowed a 10,000-model parse by about 10% (measured), so rarely-set data
// lives beside the nodes (Manifest::compiled) rather than in each.
struct Node {
  ResourceType resource_type = ResourceType::Model;
  std::string unique_id;     // "model.shop.stg_orders", "test.shop.not_null_orders_id.a1b2c3d4e5"
  std::string name;          // "stg_orders"
  std::string package_name;  // "shop"
  std::string path;          // relative to its resource folder: "staging/stg_orders.sql"
  std::string original_file_path;  // relative to the package root: "models/staging/stg_orders.sql"
  std::string patch_path;          // "shop://models/schema.yml" when a property file describes it
  std::vector<std::string> fqn;    // ["shop", "staging", "stg_orders"]

  std::string database;
  std::string schema;
  std::string alias;
  std::string relation_name;  // rendered, quoted relation; empty for ephemeral models and tests

  // The merged, resolved config (materialized, enabled, tags, meta, schema, alias, pre-hook, ...).
  Data config = Data::map();
  Data unrendered_config = Data::map();
  Data config_call_dict = Data::map();  // what `{{ config(...) }}` in the file said
  std::vector<std::string> tags;
  Data meta = Data::map();
  std::string description;
  std::vector<ColumnDef> columns;  // in the order the property file lists them
  Data docs = Data::map();         // {show: true, node_color: null}

  std::string language = "sql";
  std::string raw_code;
  std::string checksum;  // sha256 of the file contents (seeds: of the file too)
  std::vector<RefCall> refs;
  std::vector<SourceCall> sources;
  std::vector<std::vector<std::string>> metrics;
  std::vector<std::string> depends_on_nodes;   // unique ids, resolved from refs and sources
  std::vector<std::string> depends_on_macros;  // macro unique ids

  // Model governance.
  std::string access = "protected";
  std::string group;
  std::optional<std::string> version;
  std::optional<std::string> latest_version;
  Data contract = Data::map();  // {enforced, alias_types, checksum}
  Data constraints = Data::list();

  // Data tests.
  std::optional<TestMetadata> test_metadata;  // generic tests only
  std::string column_name;                    // the tested column, for column-level tests
  std::string attached_node;  // unique id of the model/seed/snapshot a test belongs to
  std::string file_key_name;  // "models.orders", "sources.raw"

  // Unit tests (dbt 1.8 format) keep their whole definition; `model` names the tested model.
  Data unit_test = Data::map();

  double created_at = 0;
};

// A source table (`sources:` in a property file).
struct SourceDefinition {
  std::string unique_id;  // "source.shop.raw.orders"
  std::string source_name;
  std::string name;        // table name
  std::string identifier;  // the table's name in the warehouse (defaults to name)
  std::string package_name;
  std::string path;
  std::string original_file_path;
  std::vector<std::string> fqn;  // ["shop", "raw", "orders"] (with the file's folders)
  std::string database;
  std::string schema;
  std::string relation_name;
  std::string loader;
  std::string description;
  std::string source_description;
  std::string loaded_at_field;
  std::string loaded_at_query;
  Data freshness;  // {warn_after, error_after, filter} or null
  Data quoting = Data::map();
  std::vector<ColumnDef> columns;
  Data meta = Data::map();
  Data source_meta = Data::map();
  std::vector<std::string> tags;
  Data config = Data::map();
  Data unrendered_config = Data::map();
  double created_at = 0;
};

struct MacroArgument {
  std::string name;
  std::string type;
  std::string description;
};

struct Macro {
  std::string unique_id;  // "macro.shop.cents_to_dollars"
  std::string name;
  std::string package_name;
  std::string path;  // "macros/money.sql"
  std::string original_file_path;
  std::string macro_sql;  // the whole {% macro %}...{% endmacro %} block
  std::vector<std::string> depends_on_macros;
  std::string description;
  Data meta = Data::map();
  Data docs = Data::map();
  std::vector<MacroArgument> arguments;
  std::string patch_path;
  double created_at = 0;
  int line = 1;  // where the block starts in its file, so template errors name the right line
};

// `{% docs name %}...{% enddocs %}` blocks.
struct Documentation {
  std::string unique_id;  // "doc.shop.orders_status"
  std::string name;
  std::string package_name;
  std::string path;
  std::string original_file_path;
  std::string block_contents;
};

// Exposures, metrics, semantic models, saved queries and groups are parsed and carried into the
// manifest as the property file wrote them (plus their ids and dependencies); kiln does not run
// them.
struct PropertyResource {
  ResourceType resource_type = ResourceType::Exposure;
  std::string unique_id;  // "exposure.shop.weekly_dashboard"
  std::string name;
  std::string package_name;
  std::string path;
  std::string original_file_path;
  std::vector<std::string> fqn;
  std::vector<RefCall> refs;
  std::vector<SourceCall> sources;
  std::vector<std::string> depends_on_nodes;
  std::vector<std::string> tags;
  Data meta = Data::map();
  Data config = Data::map();
  Data properties = Data::map();  // every other key, as written
  double created_at = 0;
};

// Config values as the manifest stores them: hooks ("pre-hook", "post-hook"), written as strings
// or {sql, transaction} mappings, become {sql, transaction, index} objects.
Data normalize_hooks(const Data& config);

}  // namespace kiln
