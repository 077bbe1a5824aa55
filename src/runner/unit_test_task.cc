#include "runner/unit_test_task.h"

#include <algorithm>
#include <fstream>

#include "common/strings.h"
#include "parser/static_extractor.h"
#include "seeds/csv_reader.h"

namespace kiln {
namespace {

// A table of fixture or expected values: column names and rows of SQL literals ("null" for
// NULL), or a query that gives them (format: sql).
struct Fixture {
  std::vector<std::string> columns;
  std::vector<std::vector<std::string>> literals;
  std::string sql;
};

std::string quote_text(std::string_view text) {
  std::string out = "'";
  for (char c : text) {
    out += c;
    if (c == '\'') out += '\'';
  }
  return out + "'";
}

std::string literal_of(const Data& value) {
  if (value.is_null()) return "null";
  if (value.is_bool()) return value.as_bool() ? "true" : "false";
  if (value.is_int() || value.is_float()) return value.scalar_text();
  return quote_text(value.scalar_text());
}

class UnitTestRun {
 public:
  UnitTestRun(const Node& test, NodeWork& work,
              const std::map<std::string, std::vector<std::filesystem::path>>& fixture_dirs)
      : test_(test), work_(work), fixture_dirs_(fixture_dirs), spec_(test.unit_test) {}

  void run(ExecutionOutcome& outcome) {
    const Node& model = tested_model();
    ExecutionOptions options = work_.options;
    ExecutionOptions::UnitTestInputs inputs;
    std::vector<std::pair<std::string, std::string>> ctes;
    if (const Data* given = spec_.find("given"); given && given->is_list()) {
      size_t index = 0;
      for (const Data& input : given->as_list()) {
        auto [key, relation] = input_target(input, model);
        std::string cte = "__dbt__cte__unit_input_" + std::to_string(index++);
        inputs.ctes[key] = cte;
        ctes.emplace_back(cte, fixture_sql(read_fixture(input, "given"), relation));
      }
    }
    if (const Data* overrides = spec_.find("overrides"); overrides && overrides->is_map()) {
      if (const Data* vars = overrides->find("vars"); vars && vars->is_map()) inputs.vars = *vars;
      if (const Data* env = overrides->find("env_vars"); env && env->is_map())
        inputs.env_vars = *env;
      if (const Data* macros = overrides->find("macros"); macros && macros->is_map()) {
        for (const auto& [name, value] : macros->as_map()) {
          if (name == "is_incremental") {
            inputs.is_incremental =
                value.is_bool() ? value.as_bool() : to_lower(value.scalar_text()) == "true";
          } else {
            inputs.macros.set(name, value);
          }
        }
      }
    }
    options.unit_test = std::move(inputs);
    std::string model_sql =
        work_.context.compile_for_execution(model, work_.manifest, work_.session, options);
    std::string actual_sql = inject_fixture_ctes(model_sql, ctes);
    outcome.compiled_at = std::chrono::system_clock::now();

    const Data* expect = spec_.find("expect");
    if (!expect || !expect->is_map()) fail("has no `expect:` rows");
    Fixture expected = read_fixture(*expect, "expect");
    if (!expected.sql.empty()) {
      // The columns of an expected query are whatever it selects.
      expected.columns.clear();
      for (const ResultColumn& column :
           work_.session
               .execute("select * from (\n" + expected.sql + "\n) as e limit 0", true, false)
               .table.columns)
        expected.columns.push_back(column.name);
    }
    std::vector<std::string> selected;
    for (const std::string& column : expected.columns)
      selected.push_back(work_.session.quote(column));
    std::string actual_query = "select " + join(selected, ", ") + " from (\n" + actual_sql +
                               "\n) as kiln_unit_test_actual";
    outcome.compiled_code = actual_query;
    ResultTable actual = work_.session.execute(actual_query, true, false).table;

    std::string expected_query;
    if (!expected.sql.empty()) {
      expected_query = "select " + join(selected, ", ") + " from (\n" + expected.sql +
                       "\n) as kiln_unit_test_expected";
    } else {
      std::vector<ColumnInfo> types;
      for (const ResultColumn& column : actual.columns) types.push_back({column.name, column.type});
      expected_query = fixture_sql(expected, types);
    }
    ResultTable wanted = work_.session.execute(expected_query, true, false).table;
    outcome.unit_test = compare(expected.columns, actual, wanted);
  }

 private:
  [[noreturn]] void fail(const std::string& message, const std::string& hint = {}) const {
    throw KilnError(ErrorKind::Project, "unit test " + test_.name + " " + message,
                    {test_.original_file_path}, hint);
  }

  const Node& tested_model() const {
    const Data* model = spec_.find("model");
    std::string name = model ? model->scalar_text() : "";
    const Node* found = nullptr;
    for (const auto& [id, node] : work_.manifest.nodes) {
      if (node.resource_type != ResourceType::Model || node.name != name) continue;
      if (!found || node.package_name == test_.package_name) found = &node;
    }
    if (!found) fail("tests model '" + name + "', which does not exist");
    return *found;
  }

  // The context key a `given` input replaces, and its relation's columns (for the fixture's
  // types; empty for format: sql, which needs none).
  std::pair<std::string, std::vector<ColumnInfo>> input_target(const Data& input,
                                                               const Node& model) {
    const Data* text = input.find("input");
    std::string call = text ? std::string(trim(text->scalar_text())) : "";
    bool typed = format_of(input) != "sql";
    if (call == "this") {
      RelationRef self{model.database, model.schema, model.alias.empty() ? model.name : model.alias,
                       RelationType::Unknown};
      // Before the model's first build there is no table to take types from: the fixture's
      // values keep their literal types then, so a first `kiln build` can run the test.
      bool built =
          work_.session.get_relation(self.database, self.schema, self.identifier).has_value();
      return {"this", typed && built ? columns_of(self, call) : std::vector<ColumnInfo>{}};
    }
    // The static extractor reads the call as it reads one in a model's SQL.
    StaticExtraction parsed = extract_static("{{ " + call + " }}");
    if (parsed.refs.size() == 1 && parsed.sources.empty()) {
      const Node* node = ref_input_node(parsed.refs.front(), model);
      if (!node) fail("gives input " + call + ", which names no model, seed or snapshot");
      RelationRef relation{node->database, node->schema,
                           node->alias.empty() ? node->name : node->alias, RelationType::Unknown};
      return {"ref:" + node->unique_id,
              typed ? columns_of(relation, call) : std::vector<ColumnInfo>{}};
    }
    if (parsed.sources.size() == 1 && parsed.refs.empty()) {
      const SourceCall& wanted = parsed.sources.front();
      for (const auto& [id, source] : work_.manifest.sources) {
        if (source.source_name != wanted.source_name || source.name != wanted.table_name) continue;
        RelationRef relation{source.database, source.schema, source.identifier,
                             RelationType::Unknown};
        return {"source:" + source.source_name + "." + source.name,
                typed ? columns_of(relation, call) : std::vector<ColumnInfo>{}};
      }
      fail("gives input " + call + ", which is not a declared source");
    }
    fail("has a given input '" + call + "'",
         "write input: ref('model'), source('src', 'table') or this");
  }

  // The node a `ref(...)` input stands for: as the model's own ref resolves it, so a versioned
  // input (`ref('dim', v=1)`) replaces that version only, and an unpinned one the latest.
  const Node* ref_input_node(const RefCall& ref, const Node& model) const {
    auto matches = [&](const Node& node) {
      bool refable = node.resource_type == ResourceType::Model ||
                     node.resource_type == ResourceType::Seed ||
                     node.resource_type == ResourceType::Snapshot;
      if (!refable || node.name != ref.name) return false;
      if (!ref.package.empty() && node.package_name != ref.package) return false;
      if (ref.version) return node.version == ref.version;
      return !node.version || node.version == node.latest_version;
    };
    for (const std::string& id : model.depends_on_nodes) {
      auto it = work_.manifest.nodes.find(id);
      if (it != work_.manifest.nodes.end() && matches(it->second)) return &it->second;
    }
    for (const auto& [id, node] : work_.manifest.nodes) {
      if (matches(node)) return &node;
    }
    return nullptr;
  }

  std::vector<ColumnInfo> columns_of(const RelationRef& relation, const std::string& call) {
    if (!work_.session.get_relation(relation.database, relation.schema, relation.identifier)) {
      fail("needs the columns of " + call + ", whose relation " + relation.schema + "." +
               relation.identifier + " does not exist yet",
           "build it first: kiln build runs unit tests after their inputs, or kiln run --select "
           "+" +
               std::string(test_.unit_test.find("model")
                               ? test_.unit_test.find("model")->scalar_text()
                               : "") +
               " --empty builds them without data");
    }
    return work_.session.get_columns(relation);
  }

  static std::string format_of(const Data& spec) {
    const Data* format = spec.find("format");
    return format ? to_lower(format->scalar_text()) : "dict";
  }

  Fixture read_fixture(const Data& spec, const std::string& what) const {
    Fixture fixture;
    std::string format = format_of(spec);
    const Data* rows = spec.find("rows");
    if (format == "sql") {
      if (!rows) fail(what + " with format sql needs `rows:` holding a query");
      fixture.sql = rows->scalar_text();
      return fixture;
    }
    if (format == "csv") {
      std::string text;
      if (const Data* file = spec.find("fixture"); file && !rows) {
        text = read_fixture_file(file->scalar_text());
      } else if (rows) {
        text = rows->scalar_text();
      }
      CsvReader reader(text, test_.original_file_path);
      std::vector<std::string_view> fields;
      if (!reader.next_record(fields)) return fixture;
      for (std::string_view field : fields) fixture.columns.emplace_back(trim(field));
      while (reader.next_record(fields)) {
        std::vector<std::string> literals;
        for (size_t i = 0; i < fixture.columns.size(); ++i) {
          std::string_view value = i < fields.size() ? fields[i] : std::string_view();
          literals.push_back(value.empty() ? "null" : quote_text(value));
        }
        fixture.literals.push_back(std::move(literals));
      }
      return fixture;
    }
    if (format != "dict") fail("has format '" + format + "'", "formats are dict, csv and sql");
    if (!rows || rows->is_null()) return fixture;
    if (!rows->is_list()) fail(what + " rows must be a list of mappings");
    for (const Data& row : rows->as_list()) {
      if (!row.is_map()) fail(what + " rows must be a list of mappings");
      for (const auto& [column, value] : row.as_map()) {
        if (std::find(fixture.columns.begin(), fixture.columns.end(), column) ==
            fixture.columns.end())
          fixture.columns.push_back(column);
      }
    }
    for (const Data& row : rows->as_list()) {
      std::vector<std::string> literals;
      for (const std::string& column : fixture.columns) {
        const Data* value = row.find(column);
        literals.push_back(value ? literal_of(*value) : "null");
      }
      fixture.literals.push_back(std::move(literals));
    }
    return fixture;
  }

  std::string read_fixture_file(const std::string& name) const {
    auto dirs = fixture_dirs_.find(test_.package_name);
    if (dirs != fixture_dirs_.end()) {
      for (const std::filesystem::path& dir : dirs->second) {
        for (const std::string& file : {name + ".csv", name}) {
          std::ifstream in(dir / file, std::ios::binary);
          if (in) return std::string(std::istreambuf_iterator<char>(in), {});
        }
      }
    }
    fail("uses fixture '" + name + "', which is not a file under the fixtures folder",
         "put it at tests/fixtures/" + name + ".csv");
  }

  // Rows as a query: each value cast to its column's type where the type is known, every column
  // of `types` present (NULL where the fixture leaves it out), as dbt builds fixture inputs.
  std::string fixture_sql(const Fixture& fixture, const std::vector<ColumnInfo>& types) const {
    if (!fixture.sql.empty()) return fixture.sql;
    std::vector<std::pair<std::string, std::string>> columns;  // name, type ("" unknown)
    if (types.empty()) {
      for (const std::string& column : fixture.columns) columns.push_back({column, ""});
    } else {
      for (const ColumnInfo& column : types) columns.push_back({column.name, column.data_type});
      for (const std::string& column : fixture.columns) {
        bool known = std::any_of(types.begin(), types.end(), [&](const ColumnInfo& info) {
          return to_lower(info.name) == to_lower(column);
        });
        if (!known) fail("gives column '" + column + "', which its input does not have");
      }
    }
    auto select_row = [&](const std::vector<std::string>* literals) {
      std::vector<std::string> items;
      for (const auto& [name, type] : columns) {
        std::string value = "null";
        if (literals) {
          for (size_t i = 0; i < fixture.columns.size(); ++i) {
            if (to_lower(fixture.columns[i]) == to_lower(name)) value = (*literals)[i];
          }
        }
        items.push_back((type.empty() ? value : "cast(" + value + " as " + type + ")") + " as " +
                        work_.session.quote(name));
      }
      return "select " + join(items, ", ");
    };
    if (fixture.literals.empty()) return select_row(nullptr) + " where false";
    std::vector<std::string> rows;
    for (const auto& literals : fixture.literals) rows.push_back(select_row(&literals));
    return join(rows, "\nunion all\n");
  }

  static std::string inject_fixture_ctes(
      const std::string& sql, const std::vector<std::pair<std::string, std::string>>& ctes) {
    if (ctes.empty()) return sql;
    std::string definitions;
    for (const auto& [name, body] : ctes) {
      if (!definitions.empty()) definitions += ",\n";
      definitions += name + " as (\n" + body + "\n)";
    }
    // The model's own query becomes a subquery, so its WITH (if any) stays its own.
    return "with " + definitions + "\nselect * from (\n" + sql + "\n) as kiln_unit_test_model";
  }

  static ExecutionOutcome::UnitTestVerdict compare(const std::vector<std::string>& columns,
                                                   const ResultTable& actual,
                                                   const ResultTable& expected) {
    auto rows_of = [](const ResultTable& table) {
      std::vector<std::vector<std::string>> rows;
      for (const auto& row : table.rows) {
        std::vector<std::string> cells;
        for (const Cell& cell : row)
          cells.push_back(std::holds_alternative<std::monostate>(cell) ? "NULL" : cell_text(cell));
        rows.push_back(std::move(cells));
      }
      std::sort(rows.begin(), rows.end());
      return rows;
    };
    std::vector<std::vector<std::string>> got = rows_of(actual), want = rows_of(expected);
    ExecutionOutcome::UnitTestVerdict verdict;
    verdict.passed = got == want;
    if (verdict.passed) return verdict;
    // A multiset diff: rows only expected (-), only produced (+), and in both.
    std::vector<std::vector<std::string>> table;
    size_t i = 0, j = 0;
    while (i < want.size() || j < got.size()) {
      std::vector<std::string> line;
      if (j >= got.size() || (i < want.size() && want[i] < got[j])) {
        line.push_back("-");
        line.insert(line.end(), want[i].begin(), want[i].end());
        ++i;
        ++verdict.differing_rows;
      } else if (i >= want.size() || got[j] < want[i]) {
        line.push_back("+");
        line.insert(line.end(), got[j].begin(), got[j].end());
        ++j;
        ++verdict.differing_rows;
      } else {
        line.push_back("");
        line.insert(line.end(), got[j].begin(), got[j].end());
        ++i;
        ++j;
      }
      table.push_back(std::move(line));
    }
    std::vector<std::string> header = {"@@"};
    header.insert(header.end(), columns.begin(), columns.end());
    verdict.diff = "actual differs from expected (- expected only, + actual only):\n\n" +
                   text_table(header, table);
    return verdict;
  }

  const Node& test_;
  NodeWork& work_;
  const std::map<std::string, std::vector<std::filesystem::path>>& fixture_dirs_;
  const Data& spec_;
};

std::string label_of(const Node& node) {
  const Data* model = node.unit_test.find("model");
  return (model ? model->scalar_text() : std::string("?")) + "::" + node.name;
}

}  // namespace

bool UnitTestTask::runs(const Node& node) const {
  return node.resource_type == ResourceType::UnitTest;
}

std::string UnitTestTask::start_text(const Node& node) const {
  return "START unit_test " + label_of(node);
}

std::string UnitTestTask::skip_text(const Node& node) const {
  return "SKIP unit_test " + label_of(node);
}

void UnitTestTask::execute(const Node& node, NodeWork& work, ExecutionOutcome& outcome) const {
  UnitTestRun(node, work, fixture_dirs_).run(outcome);
}

void UnitTestTask::finish(const Node&, const ExecutionOutcome& outcome, NodeResult& result) const {
  bool passed = outcome.unit_test && outcome.unit_test->passed;
  result.status = passed ? NodeStatus::Pass : NodeStatus::Fail;
  result.failures = outcome.unit_test ? outcome.unit_test->differing_rows : 0;
  result.message = passed ? "" : outcome.unit_test ? outcome.unit_test->diff : "no verdict";
}

ResultLine UnitTestTask::result_line(const Node& node, const NodeResult& result) const {
  switch (result.status) {
    case NodeStatus::Pass:
      return {"PASS " + label_of(node), "PASS", kGreen, Level::Info};
    case NodeStatus::Fail:
      return {"FAIL " + std::to_string(result.failures.value_or(0)) + " " + label_of(node), "FAIL",
              kRed, Level::Error};
    default:
      return {"ERROR " + label_of(node), "ERROR", kRed, Level::Error};
  }
}

std::vector<std::string> UnitTestTask::summary_lines(const Node& node, const NodeResult& result,
                                                     const std::string& code_path) const {
  if (result.status != NodeStatus::Fail) return {};
  std::vector<std::string> lines = {"Failure in unit_test " + label_of(node) + " (" +
                                    node.original_file_path + ")"};
  for (const std::string& line : split(result.message, '\n')) lines.push_back("  " + line);
  lines.push_back("");
  lines.push_back("  compiled code at " + code_path);
  return lines;
}

}  // namespace kiln
