// Execution mode of the dbt context against a fake warehouse session: which materialization runs,
// when is_incremental() is true, what the built-in materializations send, and the result-table
// and relation objects templates use. The real warehouse is covered by tests/cli/cases/run.txt.
#include <gtest/gtest.h>

#include "context/dbt_context.h"
#include "macros/builtin_macros.h"
#include "support/temp_dir.h"

namespace kiln {
namespace {

using kiln::testing::TempDir;

// Records statements; relations exist when the test says so; every query answers one fixed table.
class FakeSession : public WarehouseSession {
 public:
  std::string adapter_type() const override { return "duckdb"; }
  std::string quote(std::string_view id) const override { return "\"" + std::string(id) + "\""; }
  std::string type_name(GenericType) const override { return "VARCHAR"; }
  QueryResult execute(std::string_view sql, bool fetch, bool auto_begin) override {
    if (auto_begin) open = true;
    statements.emplace_back(sql);
    QueryResult result;
    result.response = {"OK", "SELECT", 2};
    if (fetch) result.table = answer;
    return result;
  }
  void begin() override { open = true; }
  void commit() override {
    if (open) statements.push_back("commit");
    open = false;
  }
  void rollback() override { open = false; }
  bool in_transaction() const override { return open; }
  std::optional<RelationRef> get_relation(const std::string&, const std::string&,
                                          const std::string& identifier) override {
    for (const RelationRef& relation : existing) {
      if (relation.identifier == identifier) return relation;
    }
    return std::nullopt;
  }
  std::vector<RelationRef> list_relations(const std::string&, const std::string&) override {
    return existing;
  }
  std::vector<ColumnInfo> get_columns(const RelationRef& relation) override {
    if (relation.identifier.ends_with("__kiln_tmp")) return {{"id", "INTEGER"}, {"b", "VARCHAR"}};
    return {{"id", "INTEGER"}, {"a", "VARCHAR"}};
  }
  void create_schema(const std::string&, const std::string& schema) override {
    statements.push_back("create schema " + schema);
  }
  void drop_relation(const RelationRef& relation) override {
    statements.push_back("drop " + relation.identifier);
  }
  void rename_relation(const RelationRef& from, const RelationRef& to) override {
    statements.push_back("rename " + from.identifier + " to " + to.identifier);
  }
  void truncate_relation(const RelationRef& relation) override {
    statements.push_back("truncate " + relation.identifier);
  }
  void cache_added(const RelationRef&) override {}

  std::vector<RelationRef> existing;
  std::vector<std::string> statements;
  ResultTable answer;
  bool open = false;
};

ContextTarget duckdb_target() {
  ContextTarget target;
  target.profile_name = "p";
  target.name = "dev";
  target.type = "duckdb";
  target.database = "dev";
  target.schema = "main";
  target.quote = [](std::string_view id) { return "\"" + std::string(id) + "\""; };
  return target;
}

struct Parsed {
  TempDir dir;
  std::unique_ptr<Project> project;
  std::unique_ptr<DbtContext> context;
  Manifest manifest;
};

std::unique_ptr<Parsed> parse(const std::map<std::string, std::string>& files) {
  auto parsed = std::make_unique<Parsed>();
  parsed->dir.write("dbt_project.yml", "name: shop\nprofile: p\n");
  for (const auto& [name, text] : files) parsed->dir.write(name, text);
  parsed->project = std::make_unique<Project>(load_project(parsed->dir.path(), {}));
  std::vector<Project> packages;
  parsed->context =
      std::make_unique<DbtContext>(*parsed->project, packages, duckdb_target(), Data::map(), "i");
  ParseOptions options;
  options.render_node = parsed->context->node_renderer();
  options.generate_name = parsed->context->name_generator();
  options.builtin_macros = builtin_macro_files();
  ParseTarget target;
  target.adapter_type = "duckdb";
  target.database = "dev";
  target.schema = "main";
  parsed->manifest = parse_project(*parsed->project, packages, target, options);
  return parsed;
}

ExecutionOutcome execute(Parsed& p, const std::string& id, FakeSession& session,
                         bool full_refresh = false) {
  ExecutionOptions options;
  options.full_refresh = full_refresh;
  ExecutionOutcome outcome;
  p.context->render_for_execution(p.manifest.nodes.at(id), p.manifest, session, options, outcome);
  return outcome;
}

const char* kIncremental =
    "{{ config(materialized='incremental') }}\n"
    "select 1 as id {% if is_incremental() %}-- incremental{% endif %}";

TEST(ExecutionTest, IsIncrementalOnlyForAnExistingTableWithoutFullRefresh) {
  auto p = parse({{"models/inc.sql", kIncremental}});
  const std::string id = "model.shop.inc";
  FakeSession absent;
  EXPECT_EQ(execute(*p, id, absent).compiled_code.find("-- incremental"), std::string::npos);
  FakeSession as_table;
  as_table.existing = {{"dev", "main", "inc", RelationType::Table}};
  EXPECT_NE(execute(*p, id, as_table).compiled_code.find("-- incremental"), std::string::npos);
  FakeSession as_view;
  as_view.existing = {{"dev", "main", "inc", RelationType::View}};
  EXPECT_EQ(execute(*p, id, as_view).compiled_code.find("-- incremental"), std::string::npos);
  FakeSession refreshed;
  refreshed.existing = as_table.existing;
  EXPECT_EQ(execute(*p, id, refreshed, true).compiled_code.find("-- incremental"),
            std::string::npos);
  // Compile mode (no warehouse): false, as in dbt.
  EXPECT_EQ(p->context->compile(p->manifest.nodes.at(id), p->manifest).find("-- incremental"),
            std::string::npos);
}

TEST(ExecutionTest, TableBuildsUnderATemporaryNameAndSwapsInOneTransaction) {
  auto p = parse({{"models/t.sql", "{{ config(materialized='table') }} select 1 as id"}});
  FakeSession session;
  session.existing = {{"dev", "main", "t", RelationType::Table}};
  ExecutionOutcome outcome = execute(*p, "model.shop.t", session);
  ASSERT_EQ(session.statements.size(), 5u);
  EXPECT_EQ(session.statements[0],
            "create table \"dev\".\"main\".\"t__kiln_tmp\" as (\n"
            " select 1 as id\n  )");
  EXPECT_EQ(session.statements[1], "rename t to t__kiln_backup");
  EXPECT_EQ(session.statements[2], "rename t__kiln_tmp to t");
  EXPECT_EQ(session.statements[3], "drop t__kiln_backup");
  EXPECT_EQ(session.statements[4], "commit");
  ASSERT_EQ(outcome.relations.size(), 1u);
  EXPECT_EQ(outcome.relations[0].identifier, "t");
  EXPECT_EQ(outcome.relations[0].type, RelationType::Table);
  ASSERT_TRUE(outcome.main_response);
  EXPECT_EQ(outcome.main_response->rows_affected, 2);
}

TEST(ExecutionTest, AppendNewColumnsAltersTheTargetBeforeInserting) {
  auto p = parse({{"models/inc.sql",
                   "{{ config(materialized='incremental', on_schema_change='append_new_columns') "
                   "}} select 1 as id, 'x' as b"}});
  FakeSession session;
  session.existing = {{"dev", "main", "inc", RelationType::Table}};
  execute(*p, "model.shop.inc", session);
  std::vector<std::string> expected_starts = {
      "create table \"dev\".\"main\".\"inc__kiln_tmp\"",
      "alter table \"dev\".\"main\".\"inc\" add column \"b\" VARCHAR",
      "insert into \"dev\".\"main\".\"inc\" (\"id\", \"b\")",
      "drop inc__kiln_tmp",
      "commit",
  };
  ASSERT_EQ(session.statements.size(), expected_starts.size());
  for (size_t i = 0; i < expected_starts.size(); ++i) {
    EXPECT_TRUE(std::string(session.statements[i]).starts_with(expected_starts[i]))
        << session.statements[i];
  }
}

TEST(ExecutionTest, TemplatesSeeResultTablesRelationsAndAdapterMethods) {
  auto p = parse({{"macros/m.sql",
                   "{% materialization probe, default %}\n"
                   "{% set r = run_query('select 1') %}\n"
                   "{% set rel = api.Relation.create(database='dev', schema='s', identifier='x', "
                   "type='view') %}\n"
                   "{% set missing = adapter.get_missing_columns(make_temp_relation(this), this) "
                   "%}\n"
                   "{% call statement('main') %}"
                   "{{ r.column_names | join('/') }} {{ r.rows[1]['name'] }} {{ r.rows | length }} "
                   "{% for row in r %}{{ row[0] }}{% endfor %} {{ r.columns[1].values() | list }} "
                   "{{ rel }} {{ rel.is_view }} {{ rel.include(database=false) }} "
                   "{{ missing | map(attribute='name') | list }} {{ adapter.quote('q') }} "
                   "{{ adapter.already_exists('main', 'probe_me') }} {{ should_full_refresh() }}"
                   "{% endcall %}\n"
                   "{{ return({'relations': [this]}) }}\n"
                   "{% endmaterialization %}\n"},
                  {"models/probe_me.sql", "{{ config(materialized='probe') }} select 1"}});
  FakeSession session;
  session.existing = {{"dev", "main", "probe_me", RelationType::Table}};
  session.answer.columns = {{"id", "INTEGER"}, {"name", "VARCHAR"}};
  session.answer.rows = {{int64_t{1}, std::string("a")}, {int64_t{2}, std::string("b")}};
  execute(*p, "model.shop.probe_me", session);
  ASSERT_EQ(session.statements.size(), 2u);
  EXPECT_EQ(session.statements[1],
            "id/name b 2 12 ['a', 'b'] \"dev\".\"s\".\"x\" True \"s\".\"x\" ['b'] \"q\" True "
            "False");
}

TEST(ExecutionTest, UnknownMaterializationNamesTheModelAndTheKnownOnes) {
  auto p = parse({{"models/odd.sql", "{{ config(materialized='odd') }} select 1"}});
  FakeSession session;
  try {
    execute(*p, "model.shop.odd", session);
    FAIL();
  } catch (const KilnError& e) {
    EXPECT_EQ(e.message(),
              "model model.shop.odd is materialized as 'odd', which no materialization for duckdb "
              "defines");
    EXPECT_EQ(e.location().file, "models/odd.sql");
    EXPECT_NE(e.hint().find("ephemeral, incremental, "), std::string::npos);
    EXPECT_NE(e.hint().find("table, test, view"), std::string::npos);
  }
}

TEST(ExecutionTest, ClonesRenderIndependently) {
  auto p = parse({{"models/t.sql", "{{ config(materialized='table') }} select 1 as id"}});
  std::unique_ptr<DbtContext> clone = p->context->clone();
  FakeSession session;
  ExecutionOutcome outcome;
  clone->render_for_execution(p->manifest.nodes.at("model.shop.t"), p->manifest, session, {},
                              outcome);
  EXPECT_EQ(session.statements.size(), 3u);  // create, rename, commit
}

}  // namespace
}  // namespace kiln
