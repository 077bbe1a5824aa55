#include "parser/generic_test.h"

#include <algorithm>
#include <array>
#include <cctype>

#include "common/hashing.h"
#include "common/python_repr.h"
#include "common/strings.h"
#include "parser/static_extractor.h"

namespace kiln {
namespace {

// Keys that, written among a test's arguments, are config rather than arguments.
constexpr std::array<const char*, 14> kConfigArguments = {
    "severity",  "tags",           "enabled",           "where", "limit",    "warn_if", "error_if",
    "fail_calc", "store_failures", "store_failures_as", "meta",  "database", "schema",  "alias"};

[[noreturn]] void fail(const Data& at, std::string message, std::string hint = {}) {
  throw KilnError(ErrorKind::Project, std::move(message), at.location(), std::move(hint));
}

bool is_identifier(std::string_view text) {
  if (text.empty() || std::isdigit(static_cast<unsigned char>(text[0]))) return false;
  return std::all_of(text.begin(), text.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_';
  });
}

std::string clean_argument(const std::string& text) {
  // Every run of characters other than [0-9a-zA-Z_] becomes one underscore.
  std::string out;
  bool in_run = false;
  for (char c : text) {
    if (std::isalnum(static_cast<unsigned char>(c)) || c == '_') {
      out += c;
      in_run = false;
    } else if (!in_run) {
      out += '_';
      in_run = true;
    }
  }
  return out;
}

// Python's sorted() over the keys: by code point, which for UTF-8 is byte order.
std::vector<const std::pair<std::string, Data>*> sorted_entries(const Data& map) {
  std::vector<const std::pair<std::string, Data>*> entries;
  for (const auto& entry : map.as_map()) entries.push_back(&entry);
  std::sort(entries.begin(), entries.end(),
            [](const auto* a, const auto* b) { return a->first < b->first; });
  return entries;
}

// dbt builds the hash input from the metadata with dict keys sorted and every scalar turned into
// its str(), then takes repr() of that.
std::string hashable_repr(const Data& value) {
  if (value.is_map()) {
    std::string out = "{";
    bool first = true;
    for (const auto* entry : sorted_entries(value)) {
      if (!first) out += ", ";
      first = false;
      out += python_repr(entry->first) + ": " + hashable_repr(entry->second);
    }
    return out + "}";
  }
  if (value.is_list()) {
    std::string out = "[";
    bool first = true;
    for (const Data& item : value.as_list()) {
      if (!first) out += ", ";
      first = false;
      out += hashable_repr(item);
    }
    return out + "]";
  }
  return python_repr(python_str(value));
}

// Strings that look like `ref(...)`/`source(...)` are rendered as expressions when the test
// runs; at parse time their dependencies are read statically.
void collect_dependencies(const Data& value, GenericTest& test) {
  if (value.is_string()) {
    std::string_view text = trim(value.as_string());
    if (!(text.starts_with("ref(") || text.starts_with("source(")) || !text.ends_with(")")) return;
    StaticExtraction extraction = extract_static("{{ " + std::string(text) + " }}");
    if (!extraction.is_static) return;
    for (auto& ref : extraction.refs) test.refs.push_back(ref);
    for (auto& source : extraction.sources) test.sources.push_back(source);
  } else if (value.is_list()) {
    for (const Data& item : value.as_list()) collect_dependencies(item, test);
  } else if (value.is_map()) {
    for (const auto& [key, item] : value.as_map()) collect_dependencies(item, test);
  }
}

// dbt writes string config values into the test's raw code as "..." with inner quotes escaped.
std::string double_quoted_config_string(const std::string& text) {
  std::string out = "\"";
  for (char c : text) {
    if (c == '"') out += '\\';
    out += c;
  }
  return out + "\"";
}

Data render_config_values(const Data& config, const ValueRenderer& render) {
  return render_tree(config, render);
}

}  // namespace

std::string GenericTest::macro_name() const {
  return namespace_.empty() ? "test_" + test_name : namespace_ + ".test_" + test_name;
}

std::pair<std::string, std::string> synthesize_test_names(const std::string& test_type,
                                                          const std::string& target_name,
                                                          const Data& kwargs) {
  std::vector<std::string> flat;
  for (const auto* entry : sorted_entries(kwargs)) {
    if (entry->first == "model") continue;
    const Data& value = entry->second;
    if (value.is_map()) {
      for (const auto& [key, part] : value.as_map()) flat.push_back(python_str(part));
    } else if (value.is_list()) {
      for (const Data& part : value.as_list()) flat.push_back(python_str(part));
    } else {
      flat.push_back(python_str(value));
    }
  }
  std::vector<std::string> cleaned;
  for (const std::string& part : flat) cleaned.push_back(clean_argument(part));
  std::string identifier = test_type + "_" + target_name;
  std::string full = identifier + "_" + join(cleaned, "__");
  if (full.size() >= 64) return {identifier.substr(0, 30) + "_" + md5_hex(full), full};
  return {full, full};
}

std::string test_unique_id_hash(const std::string& name, const std::string& namespace_,
                                const std::string& test_name, const Data& kwargs) {
  Data metadata =
      Data::map({{"namespace", namespace_.empty() ? Data::null() : Data::string(namespace_)},
                 {"name", Data::string(test_name)},
                 {"kwargs", kwargs}});
  std::string digest = md5_hex(name + hashable_repr(metadata));
  return digest.substr(digest.size() - 10);
}

GenericTest build_generic_test(const Data& definition, const TestTarget& target,
                               const std::optional<std::string>& column_name,
                               const ValueRenderer& render) {
  // Normalise to (test name, argument mapping).
  std::string full_test_name;
  Data args = Data::map();
  if (definition.is_string()) {
    full_test_name = definition.as_string();
  } else if (definition.is_map()) {
    if (const Data* named = definition.find("test_name")) {
      if (!named->is_string()) fail(*named, "'test_name' must be a string");
      full_test_name = named->as_string();
      for (const auto& [key, value] : definition.as_map()) {
        if (key != "test_name") args.set(key, value);
      }
    } else {
      if (definition.as_map().size() != 1) {
        fail(definition,
             "a test entry must have exactly one key, the test's name, found " +
                 std::to_string(definition.as_map().size()),
             "indent the test's arguments under its name, e.g. `- accepted_values: {values: [a, "
             "b]}`");
      }
      const auto& [name, value] = definition.as_map().front();
      full_test_name = name;
      if (value.is_map()) {
        args = value;
      } else if (!value.is_null()) {
        fail(value, "the arguments of test '" + name + "' must be a mapping, found " +
                        std::string(value.kind_name()));
      }
    }
  } else {
    fail(definition, "a test entry must be a test name or a mapping, found " +
                         std::string(definition.kind_name()));
  }
  if (column_name) args.set("column_name", Data::string(*column_name));
  if (args.find("model")) {
    fail(*args.find("model"), "a test's arguments cannot include 'model'",
         "kiln passes the tested model itself");
  }

  GenericTest test;
  size_t dot = full_test_name.find('.');
  test.test_name = dot == std::string::npos ? full_test_name : full_test_name.substr(dot + 1);
  test.namespace_ = dot == std::string::npos ? "" : full_test_name.substr(0, dot);
  if (!is_identifier(test.test_name) ||
      (dot != std::string::npos && !is_identifier(test.namespace_))) {
    fail(definition, "'" + full_test_name + "' is not a valid test name",
         "use a macro name such as not_null or dbt_utils.expression_is_true");
  }

  std::string model_text;
  switch (target.kind) {
    case TestTarget::Kind::Source:
      model_text = "source('" + target.source_name + "', '" + target.name + "')";
      test.sources.push_back({target.source_name, target.name});
      break;
    default:
      model_text = target.version ? "ref('" + target.name + "', version='" + *target.version + "')"
                                  : "ref('" + target.name + "')";
      test.refs.push_back({"", target.name, target.version});
  }
  args.set("model", Data::string("{{ get_where_subquery(" + model_text + ") }}"));

  // Config keys written among the arguments, then the `config:` mapping.
  Data config = Data::map();
  const Data* nested = args.find("config");
  if (nested && !nested->is_null() && !nested->is_map()) {
    fail(*nested, "a test's 'config' must be a mapping, found " + std::string(nested->kind_name()));
  }
  // dbt takes the known config keys first, in its own order, from the arguments or else from
  // `config:`, then whatever else `config:` holds.
  auto is_config_key = [](const std::string& key) {
    return std::find_if(kConfigArguments.begin(), kConfigArguments.end(),
                        [&](const char* k) { return key == k; }) != kConfigArguments.end();
  };
  for (const char* key : kConfigArguments) {
    const Data* value = args.find(key);
    if (value && nested && nested->find(key)) {
      fail(*value,
           "test config '" + std::string(key) + "' is given both as an argument and under 'config'",
           "keep only the one under 'config'");
    }
    if (!value && nested && nested->is_map()) value = nested->find(key);
    if (value && !value->is_null()) config.set(key, *value);
  }
  if (nested && nested->is_map()) {
    for (const auto& [key, value] : nested->as_map()) {
      if (!is_config_key(key) && !value.is_null()) config.set(key, value);
    }
  }
  Data remaining = Data::map();
  for (const auto& [key, value] : args.as_map()) {
    if (!is_config_key(key) && key != "config") remaining.set(key, value);
  }
  test.config = render_config_values(config, render);

  std::string custom_name;
  if (const Data* name = remaining.find("name")) {
    if (!name->is_string()) fail(*name, "a test's 'name' must be a string");
    custom_name = name->as_string();
    Data without_name = Data::map();
    for (const auto& [key, value] : remaining.as_map()) {
      if (key != "name") without_name.set(key, value);
    }
    remaining = std::move(without_name);
  }
  test.kwargs = remaining;

  if (!custom_name.empty()) {
    test.full_name = test.short_name = custom_name;
  } else {
    std::string type =
        target.kind == TestTarget::Kind::Source ? "source_" + test.test_name : test.test_name;
    if (!test.namespace_.empty()) type = test.namespace_ + "_" + type;
    std::string target_name = target.name;
    if (target.kind == TestTarget::Kind::Source) {
      target_name = target.source_name + "_" + target.name;
    } else if (target.version) {
      target_name += "_v" + *target.version;
    }
    std::tie(test.short_name, test.full_name) =
        synthesize_test_names(type, target_name, test.kwargs);
    if (test.short_name != test.full_name && !test.config.find("alias")) {
      test.config.set("alias", Data::string(test.short_name));
    }
  }
  test.hash = test_unique_id_hash(test.full_name, test.namespace_, test.test_name, test.kwargs);
  test.raw_code = "{{ " + test.macro_name() + "(**_dbt_generic_test_kwargs) }}";
  if (!test.config.as_map().empty()) {
    std::vector<std::string> settings;
    for (const auto& [key, value] : test.config.as_map()) {
      std::string text =
          value.is_string() ? double_quoted_config_string(value.as_string()) : python_str(value);
      settings.push_back(key + "=" + text);
    }
    test.raw_code += "{{ config(" + join(settings, ",") + ") }}";
  }
  for (const auto& [key, value] : test.kwargs.as_map()) {
    if (key != "model" && key != "column_name") collect_dependencies(value, test);
  }
  return test;
}

}  // namespace kiln
