#include "parser/properties.h"

#include <algorithm>
#include <set>

#include "common/strings.h"

namespace kiln {
namespace {

using Notice = std::function<void(const std::string&)>;

// The keys dbt documents for each kind of property entry. Anything else is ignored with a
// warning (dbt's behaviour), so a typo such as `descrption:` does not pass silently.
const std::vector<std::string> kModelKeys = {
    "name", "description", "columns", "config", "constraints", "data_tests", "tests", "docs",
    "meta", "tags", "access", "group", "latest_version", "versions", "deprecation_date",
    "time_spine",
    // The semantic layer's newer spec writes these on the model entry.
    "semantic_model", "metrics", "agg_time_dimension", "derived_semantics"};
const std::vector<std::string> kSeedKeys = {"name",       "description", "columns", "config",
                                            "data_tests", "tests",       "docs",    "meta",
                                            "tags",       "group"};
const std::vector<std::string> kSnapshotKeys = {"name",       "description", "columns", "config",
                                                "data_tests", "tests",       "docs",    "meta",
                                                "tags",       "group",       "relation"};
const std::vector<std::string> kAnalysisKeys = {"name", "description", "columns", "config",
                                                "docs", "meta",        "tags",    "group"};
const std::vector<std::string> kMacroKeys = {"name", "description", "arguments",
                                             "docs", "meta",        "config"};
const std::vector<std::string> kMacroArgumentKeys = {"name", "type", "description"};
const std::vector<std::string> kColumnKeys = {
    "name",  "description", "data_type",   "meta",      "tags",
    "quote", "constraints", "data_tests",  "tests",     "config",
    "docs",  "granularity", "policy_tags", "dimension", "entity"};
const std::vector<std::string> kSourceKeys = {
    "name", "description", "database", "schema",  "loader",    "loaded_at_field", "loaded_at_query",
    "meta", "tags",        "config",   "quoting", "freshness", "overrides",       "tables"};
const std::vector<std::string> kSourceTableKeys = {
    "name",     "description", "identifier", "loaded_at_field", "loaded_at_query",
    "meta",     "tags",        "config",     "quoting",         "freshness",
    "external", "columns",     "data_tests", "tests",           "docs"};
const std::vector<std::string> kExposureKeys = {"name",       "type",   "owner",   "description",
                                                "label",      "meta",   "tags",    "url",
                                                "depends_on", "config", "maturity"};
const std::vector<std::string> kGroupKeys = {"name", "owner", "description", "config", "meta"};

const std::vector<std::string>& known_keys_of(const std::string& yaml_key) {
  if (yaml_key == "seeds") return kSeedKeys;
  if (yaml_key == "snapshots") return kSnapshotKeys;
  if (yaml_key == "analyses") return kAnalysisKeys;
  if (yaml_key == "macros") return kMacroKeys;
  return kModelKeys;
}

// "models" -> "model", for messages.
std::string singular(const std::string& yaml_key) {
  if (yaml_key == "analyses") return "analysis";
  return yaml_key.ends_with('s') ? yaml_key.substr(0, yaml_key.size() - 1) : yaml_key;
}

// Warns about each key of `entry` that is not in `known`, naming the closest known key.
// `what` says whose entry it is: "model 'orders'", "column 'id' of model 'orders'".
void warn_unknown_keys(const Data& entry, const std::vector<std::string>& known,
                       const std::string& what, const Notice& notice) {
  if (!notice || !entry.is_map()) return;
  for (const auto& [key, value] : entry.as_map()) {
    if (std::find(known.begin(), known.end(), key) != known.end()) continue;
    std::string message =
        value.location().to_string() + ": unknown key '" + key + "' in " + what + " is ignored";
    if (std::string close = closest_match(key, known); !close.empty()) {
      message += "; did you mean '" + close + "'?";
    }
    notice(message);
  }
}

[[noreturn]] void fail(const Data& at, std::string message, std::string hint = {}) {
  throw KilnError(ErrorKind::Project, std::move(message), at.location(), std::move(hint));
}

std::string string_field(const Data& entry, const char* key) {
  const Data* value = entry.find(key);
  if (!value || value->is_null()) return {};
  if (value->is_string() || value->is_number() || value->is_bool()) return value->scalar_text();
  fail(*value,
       "'" + std::string(key) + "' must be a string, found " + std::string(value->kind_name()));
}

std::vector<std::string> string_list(const Data& value, const char* what) {
  std::vector<std::string> out;
  if (value.is_null()) return out;
  if (value.is_string()) return {value.as_string()};
  if (!value.is_list()) fail(value, std::string(what) + " must be a list of strings");
  for (const Data& item : value.as_list()) {
    if (!item.is_string()) fail(item, std::string(what) + " must be a list of strings");
    out.push_back(item.as_string());
  }
  return out;
}

const Data::List& list_field(const Data& entry, const char* key) {
  static const Data::List kEmpty;
  const Data* value = entry.find(key);
  if (!value || value->is_null()) return kEmpty;
  if (!value->is_list()) {
    fail(*value,
         "'" + std::string(key) + "' must be a list, found " + std::string(value->kind_name()),
         std::string("write each entry on its own line starting with '- '"));
  }
  return value->as_list();
}

// Tests come under `data_tests:` (dbt 1.8+) or the older `tests:`; both are read.
std::vector<TestEntry> read_tests(const Data& entry, const std::optional<std::string>& column,
                                  bool quote, const std::vector<std::string>& column_tags) {
  if (entry.find("data_tests") && entry.find("tests")) {
    fail(*entry.find("tests"), "both 'data_tests' and 'tests' are given",
         "move everything under 'data_tests'");
  }
  std::vector<TestEntry> tests;
  for (const char* key : {"data_tests", "tests"}) {
    for (const Data& definition : list_field(entry, key)) {
      tests.push_back({definition, column, quote, column_tags});
    }
  }
  return tests;
}

std::vector<ColumnDef> read_columns(const Data& entry, std::vector<TestEntry>& tests,
                                    const std::string& owner, const Notice& notice) {
  std::vector<ColumnDef> columns;
  std::set<std::string> seen;
  for (const Data& column : list_field(entry, "columns")) {
    if (!column.is_map()) fail(column, "each column must be a mapping with a 'name'");
    ColumnDef def;
    def.name = string_field(column, "name");
    if (def.name.empty()) fail(column, "a column has no 'name'");
    if (!seen.insert(def.name).second) {
      fail(column, "column '" + def.name + "' is listed twice", "keep one entry per column");
    }
    warn_unknown_keys(column, kColumnKeys, "column '" + def.name + "' of " + owner, notice);
    def.description = string_field(column, "description");
    def.data_type = string_field(column, "data_type");
    if (const Data* meta = column.find("meta"); meta && meta->is_map()) def.meta = *meta;
    if (const Data* constraints = column.find("constraints");
        constraints && constraints->is_list()) {
      def.constraints = *constraints;
    }
    if (const Data* tags = column.find("tags")) def.tags = string_list(*tags, "'tags'");
    if (const Data* quote = column.find("quote"); quote && quote->is_bool())
      def.quote = quote->as_bool();
    if (const Data* config = column.find("config"); config && config->is_map()) {
      def.config = *config;
      if (const Data* meta = config->find("meta"); meta && meta->is_map()) {
        for (const auto& [k, v] : meta->as_map()) def.meta.set(k, v);
      }
      if (const Data* tags = config->find("tags")) {
        for (const std::string& tag : string_list(*tags, "'tags'")) def.tags.push_back(tag);
      }
    }
    for (TestEntry& test : read_tests(column, def.name, def.quote.value_or(false), def.tags)) {
      tests.push_back(std::move(test));
    }
    columns.push_back(std::move(def));
  }
  return columns;
}

// Top-level keys of a node entry that are really config, as dbt treats them.
Data node_config(const Data& entry) {
  Data config = Data::map();
  for (const char* key : {"meta", "tags", "docs", "access", "group"}) {
    if (const Data* value = entry.find(key); value && !value->is_null()) config.set(key, *value);
  }
  if (const Data* explicit_config = entry.find("config")) {
    if (!explicit_config->is_map() && !explicit_config->is_null()) {
      fail(*explicit_config,
           "'config' must be a mapping, found " + std::string(explicit_config->kind_name()));
    }
    if (explicit_config->is_map()) {
      for (const auto& [key, value] : explicit_config->as_map()) config.set(key, value);
    }
  }
  return config;
}

void read_node_patches(const Data& list, const std::string& key, const std::string& file,
                       const std::string& package, PropertyFiles& out, const Notice& notice) {
  for (const Data& entry : list.as_list()) {
    if (!entry.is_map())
      fail(entry, "each entry under '" + key + "' must be a mapping with a 'name'");
    NodePatch patch;
    patch.yaml_key = key;
    patch.name = string_field(entry, "name");
    if (patch.name.empty()) fail(entry, "an entry under '" + key + "' has no 'name'");
    patch.file = file;
    patch.package_name = package;
    patch.location = entry.location();
    patch.description = string_field(entry, "description");
    patch.config = node_config(entry);
    patch.raw = entry;
    std::string described = singular(key) + " '" + patch.name + "'";
    warn_unknown_keys(entry, known_keys_of(key), described, notice);
    if (key == "macros") {
      if (const Data* arguments = entry.find("arguments"); arguments && arguments->is_list()) {
        for (const Data& argument : arguments->as_list()) {
          warn_unknown_keys(argument, kMacroArgumentKeys, "an argument of " + described, notice);
        }
      }
    } else {
      patch.columns = read_columns(entry, patch.tests, described, notice);
      for (TestEntry& test : read_tests(entry, std::nullopt, false, {})) {
        patch.tests.push_back(std::move(test));
      }
    }
    if (const Data* constraints = entry.find("constraints");
        constraints && constraints->is_list()) {
      patch.constraints = *constraints;
    }
    if (const Data* versions = entry.find("versions"); versions && !versions->is_null()) {
      if (!versions->is_list()) fail(*versions, "'versions' must be a list of {v: ...} entries");
      patch.versions = *versions;
    }
    if (const Data* latest = entry.find("latest_version"); latest && !latest->is_null()) {
      patch.latest_version = latest->scalar_text();
    }
    out.node_patches.push_back(std::move(patch));
  }
}

void read_sources(const Data& list, const std::string& file, const std::string& package,
                  PropertyFiles& out, const Notice& notice) {
  for (const Data& source : list.as_list()) {
    if (!source.is_map()) fail(source, "each source must be a mapping with a 'name'");
    std::string source_name = string_field(source, "name");
    if (source_name.empty()) fail(source, "a source has no 'name'");
    warn_unknown_keys(source, kSourceKeys, "source '" + source_name + "'", notice);
    Data source_without_tables = Data::map({}, source.location());
    for (const auto& [k, v] : source.as_map()) {
      if (k != "tables") source_without_tables.set(k, v);
    }
    for (const Data& table : list_field(source, "tables")) {
      if (!table.is_map())
        fail(table, "each table of source '" + source_name + "' must be a mapping");
      SourceTablePatch patch;
      patch.source_name = source_name;
      patch.table_name = string_field(table, "name");
      if (patch.table_name.empty())
        fail(table, "a table of source '" + source_name + "' has no 'name'");
      patch.file = file;
      patch.package_name = package;
      patch.location = table.location();
      patch.source = source_without_tables;
      patch.table = table;
      std::string described = "table '" + patch.table_name + "' of source '" + source_name + "'";
      warn_unknown_keys(table, kSourceTableKeys, described, notice);
      patch.columns = read_columns(table, patch.tests, described, notice);
      for (TestEntry& test : read_tests(table, std::nullopt, false, {})) {
        patch.tests.push_back(std::move(test));
      }
      out.source_tables.push_back(std::move(patch));
    }
  }
}

void read_resources(const Data& list, ResourceType type, const std::string& file,
                    const std::string& package, PropertyFiles& out, const Notice& notice) {
  for (const Data& entry : list.as_list()) {
    if (!entry.is_map()) fail(entry, "each entry must be a mapping with a 'name'");
    PropertyResource resource;
    resource.resource_type = type;
    resource.name = string_field(entry, "name");
    if (resource.name.empty()) fail(entry, "an entry has no 'name'");
    // Metrics, semantic models and saved queries have large specs of their own; kiln carries
    // them without checking their keys.
    std::string described = std::string(resource_type_name(type)) + " '" + resource.name + "'";
    if (type == ResourceType::Exposure) warn_unknown_keys(entry, kExposureKeys, described, notice);
    if (type == ResourceType::Group) warn_unknown_keys(entry, kGroupKeys, described, notice);
    resource.package_name = package;
    resource.original_file_path = file;
    resource.path = file;
    resource.properties = entry;
    if (const Data* meta = entry.find("meta"); meta && meta->is_map()) resource.meta = *meta;
    if (const Data* tags = entry.find("tags")) resource.tags = string_list(*tags, "'tags'");
    if (const Data* config = entry.find("config"); config && config->is_map()) {
      resource.config = *config;
    }
    out.resources.push_back(std::move(resource));
  }
}

}  // namespace

void read_property_file(const Data& document, const std::string& file,
                        const std::string& package_name, PropertyFiles& out,
                        const std::function<void(const std::string&)>& notice) {
  if (document.is_null()) return;  // an empty file, or only comments
  if (!document.is_map()) {
    fail(document, "a property file must be a mapping (version: 2, models: ..., sources: ...)");
  }
  if (const Data* version = document.find("version")) {
    if (!version->is_int() || version->as_int() != 2) {
      fail(*version,
           "the property file's version must be 2, found " +
               (version->is_string() ? "'" + version->as_string() + "'" : version->scalar_text()),
           "write `version: 2`, or leave the line out");
    }
  }
  for (const auto& [key, value] : document.as_map()) {
    if (key == "version") continue;
    if (value.is_null()) continue;
    if (!value.is_list()) {
      fail(value, "'" + key + "' must be a list, found " + std::string(value.kind_name()),
           "write each entry on its own line starting with '- '");
    }
    if (key == "models" || key == "seeds" || key == "snapshots" || key == "analyses" ||
        key == "macros") {
      if (key == "snapshots") {
        // dbt 1.9 defines snapshots in YAML with a `relation:`; other entries patch SQL snapshots.
        Data patches = Data::list();
        for (const Data& entry : value.as_list()) {
          if (entry.is_map() && entry.find("relation")) {
            warn_unknown_keys(entry, kSnapshotKeys,
                              "snapshot '" + string_field(entry, "name") + "'", notice);
            Data definition = entry;
            definition.set("__file__", Data::string(file));
            definition.set("__package__", Data::string(package_name));
            out.snapshot_definitions.push_back(std::move(definition));
          }
          // A YAML snapshot's description, columns and config patch the node made from it.
          patches.as_list().push_back(entry);
        }
        read_node_patches(patches, key, file, package_name, out, notice);
      } else {
        read_node_patches(value, key, file, package_name, out, notice);
      }
    } else if (key == "sources") {
      read_sources(value, file, package_name, out, notice);
    } else if (key == "exposures") {
      read_resources(value, ResourceType::Exposure, file, package_name, out, notice);
    } else if (key == "metrics") {
      read_resources(value, ResourceType::Metric, file, package_name, out, notice);
    } else if (key == "semantic_models") {
      read_resources(value, ResourceType::SemanticModel, file, package_name, out, notice);
    } else if (key == "saved_queries") {
      read_resources(value, ResourceType::SavedQuery, file, package_name, out, notice);
    } else if (key == "groups") {
      read_resources(value, ResourceType::Group, file, package_name, out, notice);
    } else if (key == "unit_tests") {
      for (const Data& entry : value.as_list()) {
        Data test = entry;
        if (!test.is_map()) fail(entry, "each unit test must be a mapping with a 'name'");
        test.set("__file__", Data::string(file));
        test.set("__package__", Data::string(package_name));
        out.unit_tests.push_back(std::move(test));
      }
    } else if (notice) {
      notice(value.location().to_string() + ": unknown key '" + key +
             "' in a property file is ignored");
    }
  }
}

}  // namespace kiln
