// kiln's cross-database macros (dbt.dateadd, dbt.concat, ...) rendered for DuckDB and run on it:
// the SQL they produce must be valid and compute what dbt documents.
#include <gtest/gtest.h>

#include "adapters/adapter.h"
#include "context/dbt_context.h"
#include "macros/builtin_macros.h"
#include "project/profile.h"
#include "support/temp_dir.h"

namespace kiln {
namespace {

class CrossDatabaseMacros : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_.write("dbt_project.yml", "name: shop\nprofile: p\n");
    project_ = std::make_unique<Project>(load_project(dir_.path(), {}));
    Target target;
    target.type = "duckdb";
    target.fields = Data::map({{"type", Data::string("duckdb")}});
    adapter_ = make_adapter(target);
    connection_ = adapter_->open_connection();
    ContextTarget context_target;
    context_target.type = "duckdb";
    context_target.database = adapter_->default_database();
    context_target.schema = "main";
    Adapter* adapter = adapter_.get();
    context_target.quote = [adapter](std::string_view id) { return adapter->quote(id); };
    context_ =
        std::make_unique<DbtContext>(*project_, packages_, context_target, Data::map(), "inv-1");
    ParseOptions options;
    options.builtin_macros = builtin_macro_files();
    options.render_node = context_->node_renderer();
    ParseTarget parse_target;
    parse_target.database = context_target.database;
    parse_target.schema = "main";
    manifest_ = parse_project(*project_, packages_, parse_target, options);
  }

  // Renders `expression` (Jinja) as a select and returns the single value DuckDB computes.
  std::string evaluate(const std::string& expression) {
    Node node;
    node.resource_type = ResourceType::SqlOperation;
    node.name = "inline";
    node.package_name = "shop";
    node.unique_id = "sql_operation.shop.inline";
    node.original_file_path = "inline";
    node.raw_code = "select " + expression + " as value";
    node.config = Data::map({{"materialized", Data::string("view")}});
    std::string sql = context_->compile(node, manifest_);
    QueryResult result = connection_->query(sql);
    EXPECT_EQ(result.table.rows.size(), 1u) << sql;
    if (result.table.rows.empty()) return "<no rows>";
    return cell_text(result.table.rows[0][0]);
  }

  testing::TempDir dir_;
  std::unique_ptr<Project> project_;
  std::vector<Project> packages_;
  std::unique_ptr<Adapter> adapter_;
  std::unique_ptr<Connection> connection_;
  std::unique_ptr<DbtContext> context_;
  Manifest manifest_;
};

TEST_F(CrossDatabaseMacros, DatesOnDuckDB) {
  EXPECT_EQ(evaluate("cast({{ dbt.dateadd('day', 3, \"date '2024-02-27'\") }} as date)"),
            "2024-03-01");
  EXPECT_EQ(evaluate("cast({{ dbt.dateadd('month', -1, \"date '2024-03-31'\") }} as date)"),
            "2024-02-29");
  EXPECT_EQ(evaluate("{{ dbt.datediff(\"date '2024-01-01'\", \"date '2024-03-01'\", 'day') }}"),
            "60");
  EXPECT_EQ(evaluate("{{ dbt.datediff(\"date '2023-12-31'\", \"date '2024-01-01'\", 'year') }}"),
            "1");
  EXPECT_EQ(evaluate("cast({{ dbt.date_trunc('month', \"date '2024-05-17'\") }} as date)"),
            "2024-05-01");
  EXPECT_EQ(evaluate("{{ dbt.last_day(\"date '2024-02-10'\", 'month') }}"), "2024-02-29");
  EXPECT_EQ(evaluate("{{ dbt.date(2024, 7, 4) }}"), "2024-07-04");
}

TEST_F(CrossDatabaseMacros, StringsOnDuckDB) {
  EXPECT_EQ(evaluate("{{ dbt.concat([\"'a'\", \"'b'\", \"'c'\"]) }}"), "abc");
  EXPECT_EQ(evaluate("{{ dbt.hash(\"'kiln'\") }}"), "9e8287435ae73a052c9459e215e46a28");
  EXPECT_EQ(evaluate("{{ dbt.split_part(\"'a-b-c'\", \"'-'\", 2) }}"), "b");
  EXPECT_EQ(evaluate("{{ dbt.right(\"'kiln'\", 2) }}"), "ln");
  EXPECT_EQ(evaluate("{{ dbt.position(\"'l'\", \"'kiln'\") }}"), "3");
  EXPECT_EQ(evaluate("{{ dbt.length(\"'kiln'\") }}"), "4");
  EXPECT_EQ(evaluate("{{ dbt.replace(\"'kiln'\", \"'k'\", \"'K'\") }}"), "Kiln");
  EXPECT_EQ(evaluate("{{ dbt.string_literal(dbt.escape_single_quotes(\"it's\")) }}"), "it's");
  EXPECT_EQ(evaluate("{{ dbt.safe_cast(\"'x'\", dbt.type_int()) }} is null"), "true");
  EXPECT_EQ(evaluate("{{ dbt.cast_bool_to_text('true') }}"), "true");
}

TEST_F(CrossDatabaseMacros, AggregatesOnDuckDB) {
  EXPECT_EQ(evaluate("(select {{ dbt.listagg('x', \"'|'\", 'order by x desc') }} from "
                     "(values ('a'), ('c'), ('b')) t(x))"),
            "c|b|a");
  EXPECT_EQ(evaluate("(select {{ dbt.listagg('x', \"','\", 'order by x', 2) }} from "
                     "(values ('a'), ('c'), ('b')) t(x))"),
            "a,b");
  EXPECT_EQ(evaluate("(select {{ dbt.bool_or('x') }} from (values (false), (true)) t(x))"), "true");
  EXPECT_EQ(evaluate("(select {{ dbt.any_value('x') }} from (values (7)) t(x))"), "7");
}

TEST_F(CrossDatabaseMacros, ProjectOverridesWinOverKilnsDefaults) {
  // A root-project macro named like the adapter implementation is found first by dispatch.
  dir_.write("macros/override.sql",
             "{% macro duckdb__right(string_text, length_expression) %}'overridden'{% endmacro %}");
  SetUp();
  EXPECT_EQ(evaluate("{{ dbt.right(\"'kiln'\", 2) }}"), "overridden");
}

}  // namespace
}  // namespace kiln
