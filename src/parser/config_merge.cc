#include "parser/config_merge.h"

#include <algorithm>
#include <iterator>
#include <string_view>

namespace kiln {
namespace {

constexpr std::string_view kUpdateKeys[] = {"meta",         "docs",     "persist_docs", "quoting",
                                            "column_types", "contract", "grants"};

constexpr std::string_view kKnownConfigKeys[] = {"materialized",
                                                 "enabled",
                                                 "tags",
                                                 "meta",
                                                 "schema",
                                                 "database",
                                                 "alias",
                                                 "pre-hook",
                                                 "post-hook",
                                                 "pre_hook",
                                                 "post_hook",
                                                 "persist_docs",
                                                 "quoting",
                                                 "column_types",
                                                 "full_refresh",
                                                 "unique_key",
                                                 "on_schema_change",
                                                 "on_configuration_change",
                                                 "incremental_strategy",
                                                 "incremental_predicates",
                                                 "grants",
                                                 "packages",
                                                 "docs",
                                                 "contract",
                                                 "event_time",
                                                 "batch_size",
                                                 "lookback",
                                                 "begin",
                                                 "concurrent_batches",
                                                 "access",
                                                 "group",
                                                 "sql_header",
                                                 "indexes",
                                                 "severity",
                                                 "warn_if",
                                                 "error_if",
                                                 "where",
                                                 "limit",
                                                 "fail_calc",
                                                 "store_failures",
                                                 "store_failures_as",
                                                 "strategy",
                                                 "target_schema",
                                                 "target_database",
                                                 "updated_at",
                                                 "check_cols",
                                                 "snapshot_meta_column_names",
                                                 "dbt_valid_to_current",
                                                 "hard_deletes",
                                                 "invalidate_hard_deletes",
                                                 "quote_columns",
                                                 "delimiter",
                                                 "loaded_at_field",
                                                 "loaded_at_query",
                                                 "freshness",
                                                 "transient",
                                                 "copy_grants",
                                                 "file_format",
                                                 "location",
                                                 "partition_by",
                                                 "cluster_by",
                                                 "unlogged",
                                                 "sort",
                                                 "dist",
                                                 "predicates",
                                                 "microbatch",
                                                 "static_analysis"};

std::string without_plus(const std::string& key) {
  return !key.empty() && key[0] == '+' ? key.substr(1) : key;
}

// dbt_project.yml accepts `pre_hook` as a spelling of `pre-hook`.
std::string canonical_key(const std::string& key) {
  std::string bare = without_plus(key);
  if (bare == "pre_hook") return "pre-hook";
  if (bare == "post_hook") return "post-hook";
  return bare;
}

Data::List as_list(const Data& value) {
  if (value.is_null()) return {};
  if (value.is_list()) return value.as_list();
  return {value};
}

}  // namespace

bool is_known_config_key(const std::string& key) {
  return std::find(std::begin(kKnownConfigKeys), std::end(kKnownConfigKeys), key) !=
         std::end(kKnownConfigKeys);
}

void merge_config(Data& base, const Data& overlay) {
  if (!overlay.is_map()) return;
  if (!base.is_map()) base = Data::map();
  for (const auto& [raw_key, value] : overlay.as_map()) {
    std::string key = canonical_key(raw_key);
    Data* existing = base.find(key);
    if (key == "tags") {
      Data::List merged = existing ? as_list(*existing) : Data::List{};
      for (const Data& tag : as_list(value)) {
        if (std::find(merged.begin(), merged.end(), tag) == merged.end()) merged.push_back(tag);
      }
      base.set(key, Data::list(std::move(merged), value.location()));
    } else if (key == "pre-hook" || key == "post-hook") {
      Data::List merged = existing ? as_list(*existing) : Data::List{};
      for (const Data& hook : as_list(value)) merged.push_back(hook);
      base.set(key, Data::list(std::move(merged), value.location()));
    } else if (existing && existing->is_map() && value.is_map() &&
               std::find(std::begin(kUpdateKeys), std::end(kUpdateKeys), key) !=
                   std::end(kUpdateKeys)) {
      for (const auto& [inner_key, inner_value] : value.as_map())
        existing->set(inner_key, inner_value);
    } else {
      base.set(key, value);
    }
  }
}

Data project_config_for(const Data& tree, const std::vector<std::string>& fqn) {
  Data config = Data::map();
  const Data* level = &tree;
  auto apply_level = [&](const Data& node) {
    if (!node.is_map()) return;
    Data here = Data::map();
    for (const auto& [key, value] : node.as_map()) {
      // A `+` marks a config; without it, a key is a config only when it is a config's name
      // (anything else names a folder or a node).
      if (key.starts_with("+") || is_known_config_key(key)) here.set(key, value);
    }
    merge_config(config, here);
  };
  apply_level(*level);
  for (const std::string& part : fqn) {
    if (!level->is_map()) break;
    const Data* next = nullptr;
    for (const auto& [key, value] : level->as_map()) {
      if (key == part && !key.starts_with("+") && value.is_map()) next = &value;
    }
    if (!next) break;
    level = next;
    apply_level(*level);
  }
  return config;
}

}  // namespace kiln
