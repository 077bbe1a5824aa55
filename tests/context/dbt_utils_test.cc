// kiln's dbt_utils-compatible package, as a project that lists dbt_utils without installing it
// sees it: generic tests declared in YAML as `dbt_utils.<name>` are compiled and run on DuckDB
// against small tables with passing and failing rows, and the SQL macros are rendered and run.
#include <gtest/gtest.h>

#include "adapters/adapter.h"
#include "context/dbt_context.h"
#include "macros/builtin_macros.h"
#include "project/profile.h"
#include "support/temp_dir.h"

namespace kiln {
namespace {

constexpr const char* kSchema = R"(version: 2
models:
  - name: orders
    data_tests:
      - dbt_utils.expression_is_true: {name: expression_fails, expression: "amount > 0"}
      - dbt_utils.expression_is_true:
          name: expression_where_passes
          expression: "amount > 0"
          config: {where: "id <> 3"}
      - dbt_utils.unique_combination_of_columns:
          name: combination_passes
          combination_of_columns: [customer_id, status]
      - dbt_utils.unique_combination_of_columns:
          name: combination_fails
          combination_of_columns: [customer_id]
          quote_columns: true
      - dbt_utils.equal_rowcount: {name: rowcount_fails, compare_model: ref('customers')}
      - dbt_utils.equal_rowcount: {name: rowcount_passes, compare_model: ref('orders_copy')}
      - dbt_utils.equal_rowcount:
          name: rowcount_by_group_fails
          compare_model: ref('orders_copy')
          group_by_columns: [status]
      - dbt_utils.fewer_rows_than: {name: fewer_fails, compare_model: ref('customers')}
    columns:
      - name: amount
        data_tests:
          - dbt_utils.expression_is_true: {name: column_expression_passes, expression: ">= -1"}
          - dbt_utils.accepted_range: {name: range_min_fails, min_value: 0}
          - dbt_utils.accepted_range: {name: range_passes, min_value: -1, max_value: 15}
          - dbt_utils.accepted_range:
              name: range_exclusive_fails
              min_value: -1
              max_value: 15
              inclusive: false
      - name: customer_id
        data_tests:
          - dbt_utils.not_null_proportion: {name: proportion_fails, at_least: 0.9}
          - dbt_utils.not_null_proportion: {name: proportion_passes, at_least: 0.5}
          - dbt_utils.not_null_proportion: {name: proportion_at_most_fails, at_least: 0, at_most: 0.5}
          - dbt_utils.not_constant: {name: not_constant_passes}
          - dbt_utils.relationships_where:
              name: relationships_passes
              to: ref('customers')
              field: id
          - dbt_utils.relationships_where:
              name: relationships_gold_fails
              to: ref('customers')
              field: id
              to_condition: "tier = 'gold'"
          - dbt_utils.relationships_where:
              name: relationships_from_condition_passes
              to: ref('customers')
              field: id
              from_condition: "customer_id <> 20"
              to_condition: "tier = 'gold'"
          - dbt_utils.cardinality_equality:
              name: cardinality_fails
              to: ref('customers')
              field: id
      - name: constant
        data_tests:
          - dbt_utils.not_constant: {name: not_constant_fails}
          - dbt_utils.not_constant:
              name: not_constant_by_group_fails
              group_by_columns: [customer_id]
      - name: empty
        data_tests:
          - dbt_utils.at_least_one: {name: at_least_one_fails}
      - name: note
        data_tests:
          - dbt_utils.at_least_one: {name: at_least_one_passes}
          - dbt_utils.not_empty_string: {name: empty_string_fails}
          - dbt_utils.not_empty_string: {name: empty_string_untrimmed_fails, trim_whitespace: false}
      - name: seq
        data_tests:
          - dbt_utils.sequential_values: {name: sequential_fails}
      - name: id
        data_tests:
          - dbt_utils.sequential_values: {name: sequential_passes}
      - name: status
        data_tests:
          - dbt_utils.not_accepted_values: {name: not_accepted_fails, values: [returned, lost]}
          - dbt_utils.not_accepted_values: {name: not_accepted_passes, values: [cancelled]}
  - name: customers
    data_tests:
      - dbt_utils.fewer_rows_than: {name: fewer_passes, compare_model: ref('orders')}
    columns:
      - name: id
        data_tests:
          - dbt_utils.cardinality_equality:
              name: cardinality_passes
              to: ref('customers')
              field: id
  - name: events
    data_tests:
      - dbt_utils.recency: {name: recency_passes, field: recent_at, datepart: day, interval: 1}
      - dbt_utils.recency:
          name: recency_date_passes
          field: recent_at
          datepart: day
          interval: 1
          ignore_time_component: true
      - dbt_utils.recency: {name: recency_fails, field: old_at, datepart: day, interval: 1}
    columns:
      - name: day
        data_tests:
          - dbt_utils.sequential_values: {name: sequential_days_passes, datepart: day}
  - name: ranges
    data_tests:
      - dbt_utils.mutually_exclusive_ranges:
          name: ranges_allowed
          lower_bound_column: lo
          upper_bound_column: hi
          partition_by: k
      - dbt_utils.mutually_exclusive_ranges:
          name: ranges_not_allowed
          lower_bound_column: lo
          upper_bound_column: hi
          partition_by: k
          gaps: not_allowed
      - dbt_utils.mutually_exclusive_ranges:
          name: ranges_required
          lower_bound_column: lo
          upper_bound_column: hi
          partition_by: k
          gaps: required
      - dbt_utils.mutually_exclusive_ranges:
          name: ranges_unpartitioned
          lower_bound_column: lo
          upper_bound_column: hi
)";

// The models' tables, created directly where ref() points.
constexpr const char* kTables[] = {
    "create table orders as select * from (values "
    "(1, 10, 5.0, 'placed', 'a', 1, 1, null::varchar), "
    "(2, 10, 15.0, 'shipped', '', 2, 1, null), "
    "(3, 20, -1.0, 'placed', '  ', 3, 1, null), "
    "(4, null, 7.0, 'returned', null, 5, 1, null)) "
    "t(id, customer_id, amount, status, note, seq, constant, empty)",
    "create table orders_copy as select * from orders where id <> 4 "
    "union all select 5, 30, 1.0, 'placed', 'b', 6, 1, null",
    "create table customers as select * from (values (10, 'gold'), (20, 'silver'), (30, 'gold')) "
    "t(id, tier)",
    "create table events as select current_timestamp::timestamp as recent_at, "
    "timestamp '2020-01-01 10:00:00' as old_at, date '2024-01-01' + i::int as day "
    "from range(3) r(i)",
    "create table ranges as select * from (values ('a', 0, 5), ('a', 5, 10), ('a', 12, 15), "
    "('b', 0, 5), ('b', 4, 8)) t(k, lo, hi)",
    "create table sizes as select * from (values ('S', 1), ('M', 2), ('S', 3), ('x y', 4)) "
    "t(size, n)",
    "create table versions as select * from (values (1, 'old', 1), (1, 'new', 2), (2, 'only', 1)) "
    "t(id, v, ts)",
};

class DbtUtilsPackage : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_.write("dbt_project.yml", "name: shop\nprofile: p\n");
    for (const char* model : {"orders", "orders_copy", "customers", "events", "ranges"}) {
      dir_.write(std::string("models/") + model + ".sql", "select 1 as id");
    }
    dir_.write("models/schema.yml", kSchema);
    // Introspective macros render at parse time, when `execute` is false, without a warehouse.
    dir_.write("models/introspective.sql",
               "{% set statuses = dbt_utils.get_column_values(ref('orders'), 'status') %}\n"
               "select {{ dbt_utils.star(ref('orders'), except=['note']) }}\n"
               "from {{ ref('orders') }}\n"
               "{{ dbt_utils.union_relations([ref('orders'), ref('orders_copy')]) }}\n"
               "{{ dbt_utils.unpivot(ref('orders'), exclude=['id']) }}\n");
    project_ = std::make_unique<Project>(load_project(dir_.path(), {}));
    Target target;
    target.type = "duckdb";
    target.fields = Data::map({{"type", Data::string("duckdb")}});
    adapter_ = make_adapter(target);
    connection_ = adapter_->open_connection();
    for (const char* sql : kTables) connection_->query(sql);
    ContextTarget context_target;
    context_target.type = "duckdb";
    context_target.database = adapter_->default_database();
    context_target.schema = "main";
    Adapter* adapter = adapter_.get();
    context_target.quote = [adapter](std::string_view id) { return adapter->quote(id); };
    context_ =
        std::make_unique<DbtContext>(*project_, packages_, context_target, cli_vars_, "inv-1");
    ParseOptions options;
    options.builtin_macros = builtin_macro_files();
    options.builtin_packages.push_back({"dbt_utils", *builtin_package_files("dbt_utils")});
    options.render_node = context_->node_renderer();
    ParseTarget parse_target;
    parse_target.database = context_target.database;
    parse_target.schema = "main";
    manifest_ = parse_project(*project_, packages_, parse_target, options);
  }

  const Node& test_node(const std::string& name) {
    for (const auto& [id, node] : manifest_.nodes) {
      if (node.resource_type == ResourceType::Test && node.name == name) return node;
    }
    ADD_FAILURE() << "no test named " << name;
    static Node none;
    return none;
  }

  // Compiles the named test and returns how many rows (failures) it selects.
  size_t failures(const std::string& name) {
    const Node& node = test_node(name);
    try {
      std::string sql = context_->compile(node, manifest_);
      return connection_->query(sql).table.rows.size();
    } catch (const std::exception& e) {
      ADD_FAILURE() << name << ": " << e.what();
      return 999;
    }
  }

  // Renders `jinja` as an inline node and runs it.
  ResultTable run(const std::string& jinja) {
    Node node;
    node.resource_type = ResourceType::SqlOperation;
    node.name = "inline";
    node.package_name = "shop";
    node.unique_id = "sql_operation.shop.inline";
    node.original_file_path = "inline";
    node.raw_code = jinja;
    node.config = Data::map({{"materialized", Data::string("view")}});
    last_sql_ = context_->compile(node, manifest_);
    return connection_->query(last_sql_).table;
  }

  std::string evaluate(const std::string& expression) {
    ResultTable table = run("select " + expression + " as value");
    EXPECT_EQ(table.rows.size(), 1u) << last_sql_;
    return table.rows.empty() ? "<no rows>" : cell_text(table.rows[0][0]);
  }

  testing::TempDir dir_;
  Data cli_vars_ = Data::map();
  std::unique_ptr<Project> project_;
  std::vector<Project> packages_;
  std::unique_ptr<Adapter> adapter_;
  std::unique_ptr<Connection> connection_;
  std::unique_ptr<DbtContext> context_;
  Manifest manifest_;
  std::string last_sql_;
};

TEST_F(DbtUtilsPackage, NamespacedTestsResolveToTheBuiltInMacros) {
  const Node& node = test_node("expression_fails");
  ASSERT_TRUE(node.test_metadata);
  EXPECT_EQ(node.test_metadata->namespace_, "dbt_utils");
  EXPECT_EQ(node.depends_on_macros.front(), "macro.dbt_utils.test_expression_is_true");
  EXPECT_TRUE(manifest_.macros.count("macro.dbt_utils.test_expression_is_true"));
  EXPECT_TRUE(manifest_.macros.count("macro.dbt_utils.generate_surrogate_key"));
  EXPECT_EQ(manifest_.macros.at("macro.dbt_utils.star").package_name, "dbt_utils");
}

TEST_F(DbtUtilsPackage, GenericTestsSelectTheFailingRows) {
  std::vector<std::pair<std::string, size_t>> expected = {
      {"expression_fails", 1},
      {"expression_where_passes", 0},
      {"column_expression_passes", 0},
      {"combination_passes", 0},
      {"combination_fails", 1},
      {"range_min_fails", 1},
      {"range_passes", 0},
      {"range_exclusive_fails", 2},
      {"proportion_fails", 1},
      {"proportion_passes", 0},
      {"proportion_at_most_fails", 1},
      {"recency_passes", 0},
      {"recency_date_passes", 0},
      {"recency_fails", 1},
      {"at_least_one_passes", 0},
      {"at_least_one_fails", 1},
      {"not_constant_passes", 0},
      {"not_constant_fails", 1},
      {"not_constant_by_group_fails", 3},
      {"empty_string_fails", 2},
      {"empty_string_untrimmed_fails", 1},
      {"relationships_passes", 0},
      {"relationships_gold_fails", 1},
      {"relationships_from_condition_passes", 0},
      {"rowcount_fails", 1},
      {"rowcount_passes", 0},
      {"rowcount_by_group_fails", 2},  // placed 2 against 3, returned 1 against 0
      {"fewer_fails", 1},
      {"fewer_passes", 0},
      {"sequential_fails", 1},
      {"sequential_passes", 0},
      {"sequential_days_passes", 0},
      // ranges a: [0,5) [5,10) [12,15); b: [0,5) [4,8) overlap.
      {"ranges_allowed", 1},
      {"ranges_not_allowed", 2},
      {"ranges_required", 2},
      {"ranges_unpartitioned", 3},
      {"not_accepted_fails", 1},
      {"not_accepted_passes", 0},
      {"cardinality_fails", 4},
      {"cardinality_passes", 0},
  };
  for (const auto& [name, count] : expected) {
    size_t found = failures(name);
    EXPECT_EQ(found, count) << name;
    if (found != count && found != 999) {
      ADD_FAILURE() << context_->compile(test_node(name), manifest_);
    }
  }
}

TEST_F(DbtUtilsPackage, GenerateSurrogateKey) {
  EXPECT_EQ(evaluate("{{ dbt_utils.generate_surrogate_key([\"'a'\", \"'b'\"]) }} = md5('a-b')"),
            "true");
  EXPECT_EQ(evaluate("{{ dbt_utils.generate_surrogate_key([\"'a'\", 'null']) }} = "
                     "md5('a-_dbt_utils_surrogate_key_null_')"),
            "true");
  // A null is not the empty string, and its position matters.
  EXPECT_EQ(evaluate("{{ dbt_utils.generate_surrogate_key([\"'a'\", 'null']) }} <> "
                     "{{ dbt_utils.generate_surrogate_key([\"'a'\", \"''\"]) }}"),
            "true");
  EXPECT_EQ(evaluate("{{ dbt_utils.generate_surrogate_key(['null', \"'a'\"]) }} <> "
                     "{{ dbt_utils.generate_surrogate_key([\"'a'\", 'null']) }}"),
            "true");
  EXPECT_EQ(evaluate("{{ dbt_utils.generate_surrogate_key(['1']) }}"),
            "c4ca4238a0b923820dcc509a6f75849b");
  ResultTable keys =
      run("select {{ dbt_utils.generate_surrogate_key(['id', 'v']) }} as k "
          "from versions");
  EXPECT_EQ(keys.rows.size(), 3u) << last_sql_;
}

TEST_F(DbtUtilsPackage, SurrogateKeyNullsAsEmptyStringsWithTheVar) {
  cli_vars_ = Data::map({{"surrogate_key_treat_nulls_as_empty_strings", Data::boolean(true)}});
  SetUp();
  EXPECT_EQ(evaluate("{{ dbt_utils.generate_surrogate_key([\"'a'\", 'null']) }} = md5('a-')"),
            "true");
}

TEST_F(DbtUtilsPackage, SafeDivide) {
  EXPECT_EQ(evaluate("{{ dbt_utils.safe_divide('10', '4') }}"), "2.5");
  EXPECT_EQ(evaluate("{{ dbt_utils.safe_divide('10', '0') }} is null"), "true");
  EXPECT_EQ(evaluate("{{ dbt_utils.safe_divide('1', '2 - 2') }} is null"), "true");
}

TEST_F(DbtUtilsPackage, DateSpine) {
  ResultTable days =
      run("select count(*), cast(min(date_day) as date), cast(max(date_day) as date) from ("
          "{{ dbt_utils.date_spine('day', \"cast('2024-02-27' as date)\", \"cast('2024-03-03' as "
          "date)\") }}) spine");
  ASSERT_EQ(days.rows.size(), 1u) << last_sql_;
  EXPECT_EQ(cell_text(days.rows[0][0]), "5");  // the end date is left out
  EXPECT_EQ(cell_text(days.rows[0][1]), "2024-02-27");
  EXPECT_EQ(cell_text(days.rows[0][2]), "2024-03-02");
  ResultTable months =
      run("select count(*), cast(max(date_month) as date) from ("
          "{{ dbt_utils.date_spine('month', \"date '2024-01-01'\", \"date '2024-04-01'\") }}) s");
  EXPECT_EQ(cell_text(months.rows[0][0]), "3") << last_sql_;
  EXPECT_EQ(cell_text(months.rows[0][1]), "2024-03-01");
  EXPECT_EQ(evaluate("(select count(*) from ({{ dbt_utils.date_spine('day', \"date "
                     "'2024-01-01'\", \"date '2024-01-01'\") }}) s)"),
            "0");
  // The portable number generator (used on MySQL and unknown adapters) runs on DuckDB too.
  EXPECT_EQ(evaluate("(select concat(count(*), '/', min(n), '/', max(n)) from ("
                     "{{ dbt_utils.default__spine_numbers(1234) }}) s)"),
            "1234/0/1233");
}

TEST_F(DbtUtilsPackage, PivotWithExplicitValues) {
  ResultTable table = run("select {{ dbt_utils.pivot('size', ['S', 'M', 'L']) }} from sizes");
  ASSERT_EQ(table.rows.size(), 1u) << last_sql_;
  ASSERT_EQ(table.columns.size(), 3u);
  EXPECT_EQ(table.columns[0].name, "S");
  EXPECT_EQ(table.columns[2].name, "L");
  EXPECT_EQ(cell_text(table.rows[0][0]), "2");
  EXPECT_EQ(cell_text(table.rows[0][1]), "1");
  EXPECT_EQ(cell_text(table.rows[0][2]), "0");
  table =
      run("select {{ dbt_utils.pivot('size', ['S', 'x y'], agg='max', then_value='n', "
          "else_value='null', prefix='max-', quote_identifiers=False) }} from sizes");
  ASSERT_EQ(table.columns.size(), 2u) << last_sql_;
  EXPECT_EQ(table.columns[0].name, "max_s");
  EXPECT_EQ(table.columns[1].name, "max_x_y");
  EXPECT_EQ(cell_text(table.rows[0][0]), "3");
  EXPECT_EQ(cell_text(table.rows[0][1]), "4");
}

TEST_F(DbtUtilsPackage, DeduplicateKeepsTheFirstRowPerPartition) {
  for (const char* macro : {"deduplicate", "default__deduplicate"}) {
    ResultTable table = run(std::string("select id, v from ({{ dbt_utils.") + macro +
                            "('versions', 'id', 'ts desc') }}) d order by id");
    ASSERT_EQ(table.rows.size(), 2u) << last_sql_;
    EXPECT_EQ(cell_text(table.rows[0][1]), "new") << macro;
    EXPECT_EQ(cell_text(table.rows[1][1]), "only") << macro;
  }
}

TEST_F(DbtUtilsPackage, IntrospectiveMacrosParseWithPlaceholders) {
  const Node* model = nullptr;
  for (const auto& [id, node] : manifest_.nodes) {
    if (node.name == "introspective") model = &node;
  }
  ASSERT_NE(model, nullptr);
  auto uses = [&](const std::string& id) {
    return std::find(model->depends_on_macros.begin(), model->depends_on_macros.end(), id) !=
           model->depends_on_macros.end();
  };
  EXPECT_TRUE(uses("macro.dbt_utils.star"));
  EXPECT_TRUE(uses("macro.dbt_utils.get_column_values"));
  EXPECT_TRUE(uses("macro.dbt_utils.union_relations"));
  EXPECT_TRUE(uses("macro.dbt_utils.unpivot"));
}

TEST_F(DbtUtilsPackage, UnionRelationsAndStarWithoutColumnInformation) {
  // Until kiln reads columns from the warehouse, get_columns_in_relation answers with no
  // columns: the macros still produce valid SQL of that shape.
  EXPECT_EQ(evaluate("{{ dbt_utils.get_filtered_columns_in_relation(ref('orders')) | length }}"),
            "0");
  ResultTable table =
      run("select _dbt_source_relation, count(*) as n from ("
          "{{ dbt_utils.union_relations([ref('orders'), ref('customers')]) }}) u group by 1 order "
          "by 1");
  ASSERT_EQ(table.rows.size(), 2u) << last_sql_;
  EXPECT_EQ(cell_text(table.rows[0][1]), "3");
  EXPECT_EQ(cell_text(table.rows[1][1]), "4");
  EXPECT_NE(last_sql_.find("\"orders\""), std::string::npos);
  Node node;
  node.resource_type = ResourceType::SqlOperation;
  node.name = "inline";
  node.package_name = "shop";
  node.unique_id = "sql_operation.shop.inline";
  node.original_file_path = "inline";
  node.raw_code = "{{ dbt_utils.union_relations([ref('orders')], include=['a'], exclude=['b']) }}";
  EXPECT_THROW(context_->compile(node, manifest_), KilnError);
}

// Columns as the warehouse would describe them, given through dbt_utils' one seam for reading
// columns (relation_columns, dispatched, so the root project's duckdb__ version wins).
constexpr const char* kFakeColumns = R"(
{% macro duckdb__relation_columns(relation) %}
  {%- set tables = {
      'orders': [['id', 'integer'], ['customer_id', 'integer'], ['amount', 'decimal(4,1)'],
                 ['status', 'varchar'], ['note', 'varchar']],
      'customers': [['id', 'integer'], ['tier', 'varchar']]} -%}
  {%- set columns = [] -%}
  {%- for pair in tables[relation.identifier] -%}
    {%- do columns.append({'name': pair[0], 'column': pair[0], 'data_type': pair[1]}) -%}
  {%- endfor -%}
  {{ return(columns) }}
{% endmacro %}
)";

TEST_F(DbtUtilsPackage, StarListsTheColumnsLeftAfterExcept) {
  dir_.write("macros/fake_columns.sql", kFakeColumns);
  SetUp();
  ResultTable table =
      run("select {{ dbt_utils.star(ref('orders'), except=['NOTE', 'status']) }} from "
          "{{ ref('orders') }} order by id");
  ASSERT_EQ(table.columns.size(), 3u) << last_sql_;
  EXPECT_EQ(table.columns[0].name, "id");
  EXPECT_EQ(table.columns[2].name, "amount");
  EXPECT_NE(last_sql_.find("\"customer_id\""), std::string::npos) << last_sql_;
  table =
      run("select {{ dbt_utils.star(ref('customers'), relation_alias='c', prefix='c_', "
          "suffix='_x', quote_identifiers=False) }} from {{ ref('customers') }} c");
  ASSERT_EQ(table.columns.size(), 2u) << last_sql_;
  EXPECT_EQ(table.columns[1].name, "c_tier_x");
  EXPECT_NE(last_sql_.find("c.tier as c_tier_x"), std::string::npos) << last_sql_;
  EXPECT_EQ(evaluate("'{{ dbt_utils.get_filtered_columns_in_relation(ref('customers'), "
                     "except=['ID']) | join(',') }}'"),
            "tier");
}

TEST_F(DbtUtilsPackage, UnionRelationsOverTheUnionOfColumns) {
  dir_.write("macros/fake_columns.sql", kFakeColumns);
  SetUp();
  ResultTable table =
      run("select * from ({{ dbt_utils.union_relations([ref('orders'), ref('customers')], "
          "column_override={'ID': 'varchar'}) }}) u order by _dbt_source_relation, id");
  ASSERT_EQ(table.rows.size(), 7u) << last_sql_;
  std::vector<std::string> names;
  for (const ResultColumn& column : table.columns) names.push_back(column.name);
  EXPECT_EQ(names, (std::vector<std::string>{"_dbt_source_relation", "id", "customer_id", "amount",
                                             "status", "note", "tier"}));
  EXPECT_EQ(table.columns[1].type, "VARCHAR");  // overridden
  // Customers come first (sorted by relation name): no amount, a tier.
  EXPECT_EQ(cell_text(table.rows[0][0]), "\"memory\".\"main\".\"customers\"");
  EXPECT_EQ(cell_text(table.rows[0][3]), "");
  EXPECT_EQ(cell_text(table.rows[0][6]), "gold");
  EXPECT_EQ(cell_text(table.rows[6][3]), "7.0");

  table =
      run("select * from ({{ dbt_utils.union_relations([ref('orders'), ref('customers')], "
          "include=['id', 'tier'], source_column_name=none, where='id < 20') }}) u order by id");
  ASSERT_EQ(table.columns.size(), 2u) << last_sql_;
  EXPECT_EQ(table.rows.size(), 5u) << last_sql_;  // four orders, customer 10
  table =
      run("select * from ({{ dbt_utils.union_relations([ref('orders'), ref('customers')], "
          "exclude=['note', 'status', 'amount', 'customer_id']) }}) u");
  EXPECT_EQ(table.columns.size(), 3u) << last_sql_;
}

TEST_F(DbtUtilsPackage, UnpivotTurnsColumnsIntoRows) {
  dir_.write("macros/fake_columns.sql", kFakeColumns);
  SetUp();
  ResultTable table =
      run("select * from ({{ dbt_utils.unpivot(ref('customers'), exclude=['id'], "
          "field_name='attribute', value_name='content') }}) u order by id");
  ASSERT_EQ(table.rows.size(), 3u) << last_sql_;
  ASSERT_EQ(table.columns.size(), 3u);
  EXPECT_EQ(table.columns[1].name, "attribute");
  EXPECT_EQ(cell_text(table.rows[0][1]), "tier");
  EXPECT_EQ(cell_text(table.rows[0][2]), "gold");
  table =
      run("select * from ({{ dbt_utils.unpivot(ref('orders'), exclude=['id'], "
          "remove=['note', 'status']) }}) u");
  EXPECT_EQ(table.rows.size(), 8u) << last_sql_;  // customer_id and amount of four orders
}

}  // namespace
}  // namespace kiln
