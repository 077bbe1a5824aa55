#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "common/data.h"
#include "manifest/node.h"

namespace kiln {

// One test entry of a property file, with where it applies.
struct TestEntry {
  Data definition;  // as written: "unique" or {name: {args}}
  std::optional<std::string> column_name;
  bool quote_column = false;  // `quote: true` on the column: the test gets the quoted name
  std::vector<std::string> column_tags;
};

// What a property file says about a model, seed, snapshot, analysis or macro (a "patch").
struct NodePatch {
  std::string yaml_key;  // "models", "seeds", "snapshots", "analyses", "macros"
  std::string name;
  std::string file;  // relative path of the property file
  std::string package_name;
  SourceLocation location;
  std::string description;
  Data config = Data::map();  // config: plus top-level meta/tags/docs/access/group
  std::vector<ColumnDef> columns;
  std::vector<TestEntry> tests;
  Data constraints = Data::list();
  Data versions;  // the `versions:` list, as written
  std::optional<std::string> latest_version;
  Data raw = Data::map();  // the whole entry
};

struct SourceTablePatch {
  std::string source_name;
  std::string table_name;
  std::string file;
  std::string package_name;
  SourceLocation location;
  Data source = Data::map();  // the source entry, without its tables
  Data table = Data::map();   // the table entry
  std::vector<ColumnDef> columns;
  std::vector<TestEntry> tests;
};

// Everything property files of one package say, in file order.
struct PropertyFiles {
  std::vector<NodePatch> node_patches;
  std::vector<SourceTablePatch> source_tables;
  std::vector<PropertyResource> resources;  // exposures, metrics, groups, semantic models, ...
  std::vector<Data> unit_tests;             // each with "__file__" and "__package__" set
  std::vector<Data> snapshot_definitions;   // YAML snapshots (with a `relation:`)
};

// Reads one property file into `out`. `notice` receives warnings such as unknown keys.
void read_property_file(const Data& document, const std::string& file,
                        const std::string& package_name, PropertyFiles& out,
                        const std::function<void(const std::string&)>& notice);

}  // namespace kiln
