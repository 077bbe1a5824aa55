#pragma once

#include <optional>
#include <string>

#include "common/data.h"
#include "manifest/node.h"
#include "project/config_renderer.h"

namespace kiln {

// What a generic test is attached to in a property file.
struct TestTarget {
  enum class Kind { Model, Seed, Snapshot, Source };
  Kind kind = Kind::Model;
  std::string name;                    // model/seed/snapshot name, or the source table's name
  std::string source_name;             // for sources
  std::optional<std::string> version;  // for versioned models
};

// One `data_tests:` entry, expanded the way dbt expands it: its macro name and namespace, its
// keyword arguments (with `column_name` and `model`), the config keys pulled out of them, and
// the names dbt derives — the full name for the unique id and fqn, and the short name (hashed
// when 64 characters or more) for the compiled file and alias.
struct GenericTest {
  std::string test_name;   // "accepted_values"
  std::string namespace_;  // "dbt_utils" for dbt_utils.expression_is_true, else ""
  Data kwargs = Data::map();
  Data config = Data::map();
  std::string full_name;      // "accepted_values_orders_status__placed__shipped"
  std::string short_name;     // == full_name unless too long
  std::string hash;           // the 10-character suffix of the unique id
  std::string raw_code;       // "{{ test_accepted_values(**_dbt_generic_test_kwargs) }}"
  std::vector<RefCall> refs;  // the target, and refs in arguments (relationships' `to`)
  std::vector<SourceCall> sources;
  std::string macro_name() const;  // "test_accepted_values", "dbt_utils.test_..."
};

// `definition` is the YAML entry: "unique", {not_null: {config: ...}}, {accepted_values:
// {values: [...]}}, or {test_name: ..., name: ..., ...}. `column_name` is already quoted when the
// column asks for quoting. Throws KilnError(Project) pointing at the entry when it is malformed.
GenericTest build_generic_test(const Data& definition, const TestTarget& target,
                               const std::optional<std::string>& column_name,
                               const ValueRenderer& render);

// dbt's synthesized names: full "<type>_<target>_<args>", and the short form
// "<first 30 chars of type_target>_<md5 of full>" when the full one has 64 characters or more.
std::pair<std::string, std::string> synthesize_test_names(const std::string& test_type,
                                                          const std::string& target_name,
                                                          const Data& kwargs);

// The 10 hex digits dbt appends to a generic test's unique id.
std::string test_unique_id_hash(const std::string& name, const std::string& namespace_,
                                const std::string& test_name, const Data& kwargs);

}  // namespace kiln
