#include "parser/project_parser.h"

#include <gtest/gtest.h>

#include "support/temp_dir.h"

namespace kiln {
namespace {

using kiln::testing::TempDir;

ParseTarget duckdb_target() {
  ParseTarget target;
  target.database = "warehouse";
  target.schema = "analytics";
  return target;
}

Manifest parse_dir(const std::filesystem::path& dir, ParseOptions options = {}) {
  Project project = load_project(dir, {});
  std::vector<Project> packages = load_installed_packages(project, {});
  return parse_project(project, packages, duckdb_target(), options);
}

class ParseShopTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    manifest_ = new Manifest(parse_dir(std::filesystem::path(KILN_FIXTURES_DIR) / "parse_shop"));
  }
  static void TearDownTestSuite() { delete manifest_; }
  const Node& node(const std::string& id) {
    auto it = manifest_->nodes.find(id);
    EXPECT_NE(it, manifest_->nodes.end()) << id;
    return it->second;
  }
  static Manifest* manifest_;
};
Manifest* ParseShopTest::manifest_ = nullptr;

TEST_F(ParseShopTest, ModelsGetNamesPathsAndFqn) {
  const Node& stg = node("model.parse_shop.stg_orders");
  EXPECT_EQ(stg.path, "staging/stg_orders.sql");
  EXPECT_EQ(stg.original_file_path, "models/staging/stg_orders.sql");
  EXPECT_EQ(stg.fqn, (std::vector<std::string>{"parse_shop", "staging", "stg_orders"}));
  EXPECT_EQ(stg.checksum.size(), 64u);
  EXPECT_EQ(stg.patch_path, "parse_shop://models/schema.yml");
}

TEST_F(ParseShopTest, ConfigPrecedenceFileOverPropertiesOverProject) {
  const Node& stg = node("model.parse_shop.stg_orders");
  EXPECT_EQ(stg.config.find("materialized")->as_string(), "incremental");  // config() call
  EXPECT_EQ(stg.config.find("unique_key")->as_string(), "order_id");
  EXPECT_EQ(stg.tags, (std::vector<std::string>{"shop", "staging", "hourly"}));
  EXPECT_EQ(stg.meta.find("owner")->as_string(), "data-team");  // properties config
  EXPECT_EQ(node("model.parse_shop.stg_customers").config.find("materialized")->as_string(),
            "view");
  EXPECT_EQ(node("model.parse_shop.customers").config.find("materialized")->as_string(), "table");
}

TEST_F(ParseShopTest, RelationNamesFollowDbtDefaults) {
  const Node& customers = node("model.parse_shop.customers");
  EXPECT_EQ(customers.schema, "analytics_marts");
  EXPECT_EQ(customers.relation_name, "\"warehouse\".\"analytics_marts\".\"customers\"");
  const Node& facts = node("model.parse_shop.order_facts");
  EXPECT_EQ(facts.schema, "analytics_finance");
  EXPECT_EQ(facts.alias, "fct_orders");
  const Node& calendar = node("model.shop_utils.utils_calendar");
  EXPECT_EQ(calendar.config.find("materialized")->as_string(), "ephemeral");
  EXPECT_EQ(calendar.schema, "analytics_utils");  // root project's config for the package
  EXPECT_TRUE(calendar.relation_name.empty());
}

TEST_F(ParseShopTest, DependenciesResolveRefsSourcesAndVersions) {
  EXPECT_EQ(node("model.parse_shop.stg_orders").depends_on_nodes,
            std::vector<std::string>{"source.parse_shop.shop_db.orders"});
  EXPECT_EQ(node("model.parse_shop.order_facts").depends_on_nodes,
            (std::vector<std::string>{"model.parse_shop.dim_orders.v2",
                                      "model.parse_shop.stg_payments"}));
  const Node& v1 = node("model.parse_shop.dim_orders.v1");
  EXPECT_EQ(v1.version, "1");
  EXPECT_EQ(v1.latest_version, "1");
  EXPECT_EQ(v1.alias, "dim_orders_v1");
  EXPECT_EQ(node("model.parse_shop.dim_orders.v2").fqn,
            (std::vector<std::string>{"parse_shop", "marts", "dim_orders", "v2"}));
}

TEST_F(ParseShopTest, GenericTestsAreExpandedWithDbtIds) {
  const Node& test = node("test.parse_shop.unique_stg_customers_customer_id.c7614daada");
  EXPECT_EQ(test.path, "unique_stg_customers_customer_id.sql");
  EXPECT_EQ(test.original_file_path, "models/schema.yml");
  EXPECT_EQ(test.attached_node, "model.parse_shop.stg_customers");
  EXPECT_EQ(test.column_name, "customer_id");
  EXPECT_EQ(test.file_key_name, "models.stg_customers");
  EXPECT_EQ(test.schema, "analytics_dbt_test__audit");
  EXPECT_EQ(test.config.find("severity")->as_string(), "WARN");  // project data_tests config
  const Node& email = node("test.parse_shop.not_null_stg_customers_email.d7cf761533");
  EXPECT_EQ(email.config.find("severity")->as_string(), "ERROR");  // the test's own config wins
  EXPECT_EQ(email.config.find("where")->as_string(), "email is not null");
  EXPECT_EQ(email.tags, std::vector<std::string>{"pii"});
  const Node& relationship = node(
      "test.parse_shop.relationships_stg_orders_customer_id__customer_id__ref_stg_customers_."
      "430bf21500");
  EXPECT_EQ(relationship.alias, "relationships_stg_orders_96411fe0c89b49c3f4da955dfd358ba0");
  EXPECT_EQ(
      relationship.depends_on_nodes,
      (std::vector<std::string>{"model.parse_shop.stg_orders", "model.parse_shop.stg_customers"}));
  EXPECT_EQ(node("test.parse_shop.source_unique_shop_db_orders_id.96f2411b93").depends_on_nodes,
            std::vector<std::string>{"source.parse_shop.shop_db.orders"});
  EXPECT_TRUE(manifest_->nodes.count("test.parse_shop.customer_id_in_known_range.986884117b"));
}

TEST_F(ParseShopTest, SingularTestsSeedsSnapshotsAnalyses) {
  const Node& singular = node("test.parse_shop.assert_positive_payments");
  EXPECT_EQ(singular.depends_on_nodes, std::vector<std::string>{"model.parse_shop.stg_payments"});
  EXPECT_FALSE(singular.test_metadata.has_value());
  const Node& seed = node("seed.parse_shop.raw_payments");
  EXPECT_EQ(seed.description, "Payments as exported.");
  EXPECT_EQ(seed.config.find("column_types")->find("amount_cents")->as_string(), "bigint");
  const Node& snapshot = node("snapshot.parse_shop.orders_snapshot");
  EXPECT_EQ(snapshot.schema, "history");
  EXPECT_EQ(snapshot.fqn,
            (std::vector<std::string>{"parse_shop", "orders_history", "orders_snapshot"}));
  EXPECT_EQ(snapshot.config.find("strategy")->as_string(), "timestamp");
  EXPECT_EQ(node("analysis.parse_shop.revenue_by_day").fqn,
            (std::vector<std::string>{"parse_shop", "analysis", "revenue_by_day"}));
}

TEST_F(ParseShopTest, DisabledSourcesMacrosDocsExposures) {
  EXPECT_TRUE(manifest_->disabled.count("model.parse_shop.legacy_orders"));
  EXPECT_FALSE(manifest_->nodes.count("model.parse_shop.legacy_orders"));
  const SourceDefinition& orders = manifest_->sources.at("source.parse_shop.shop_db.orders");
  EXPECT_EQ(orders.identifier, "orders_raw");
  EXPECT_EQ(orders.schema, "raw");
  EXPECT_EQ(orders.loaded_at_field, "_loaded_at");
  EXPECT_EQ(orders.relation_name, "\"warehouse\".\"raw\".\"orders_raw\"");
  EXPECT_TRUE(orders.freshness.is_map());
  EXPECT_TRUE(manifest_->sources.at("source.parse_shop.shop_db.customers").freshness.is_null());
  const Macro& macro = manifest_->macros.at("macro.parse_shop.cents_to_dollars");
  EXPECT_EQ(macro.description, "Converts cents to dollars.");
  ASSERT_EQ(macro.arguments.size(), 1u);
  EXPECT_TRUE(manifest_->macros.count("macro.parse_shop.test_is_even"));
  EXPECT_TRUE(manifest_->macros.count("macro.shop_utils.test_expression_is_true"));
  EXPECT_EQ(manifest_->docs.at("doc.parse_shop.order_status").block_contents,
            "One of placed, shipped, completed, returned.");
  EXPECT_EQ(manifest_->exposures.at("exposure.parse_shop.weekly_revenue").depends_on_nodes,
            (std::vector<std::string>{"model.parse_shop.order_facts",
                                      "source.parse_shop.shop_db.orders"}));
}

// ---- Negative cases ------------------------------------------------------------------------

KilnError parse_error(const std::map<std::string, std::string>& files) {
  TempDir dir;
  dir.write("dbt_project.yml", "name: p\nprofile: p\n");
  for (const auto& [name, text] : files) dir.write(name, text);
  try {
    parse_dir(dir.path());
  } catch (const KilnError& e) {
    return e;
  }
  ADD_FAILURE() << "expected an error";
  return KilnError(ErrorKind::Internal, "none");
}

TEST(ProjectParserErrorsTest, MissingRefSuggestsClosestName) {
  KilnError e = parse_error({{"models/orders.sql", "select 1"},
                             {"models/report.sql", "select * from {{ ref('ordres') }}"}});
  EXPECT_EQ(
      e.message(),
      "model.p.report (models/report.sql) depends on a node named 'ordres' which was not found");
  EXPECT_EQ(e.hint(), "did you mean 'orders'?");
  EXPECT_EQ(e.location().file, "models/report.sql");
}

TEST(ProjectParserErrorsTest, MissingSourceAndDisabledRef) {
  KilnError source = parse_error({{"models/a.sql", "select * from {{ source('raw', 'x') }}"}});
  EXPECT_NE(source.message().find("depends on a source named 'raw.x' which was not found"),
            std::string::npos);
  KilnError disabled = parse_error({{"models/a.sql", "{{ config(enabled=false) }} select 1"},
                                    {"models/b.sql", "select * from {{ ref('a') }}"}});
  EXPECT_NE(disabled.message().find("which is disabled"), std::string::npos);
}

TEST(ProjectParserErrorsTest, DuplicateNamesAcrossFolders) {
  KilnError e =
      parse_error({{"models/a/orders.sql", "select 1"}, {"models/b/orders.sql", "select 2"}});
  EXPECT_EQ(
      e.message(),
      "two models are named 'orders' in package 'p': models/a/orders.sql and models/b/orders.sql");
}

TEST(ProjectParserErrorsTest, MalformedPropertyFilesNameTheLine) {
  KilnError version = parse_error({{"models/s.yml", "version: 3\nmodels: []\n"}});
  EXPECT_EQ(version.message(), "the property file's version must be 2, found 3");
  EXPECT_EQ(version.location().to_string(), "models/s.yml:1:10");
  KilnError not_list = parse_error({{"models/s.yml", "version: 2\nmodels:\n  name: x\n"}});
  EXPECT_EQ(not_list.message(), "'models' must be a list, found a mapping");
  KilnError bad_test = parse_error({{"models/a.sql", "select 1 as id"},
                                    {"models/s.yml",
                                     "models:\n  - name: a\n    columns:\n      - name: id\n       "
                                     " data_tests:\n          - unique: [x]\n"}});
  EXPECT_EQ(bad_test.message(), "the arguments of test 'unique' must be a mapping, found a list");
  EXPECT_EQ(bad_test.location().line, 6);
}

TEST(ProjectParserErrorsTest, DynamicFilesAndNamingOverridesNeedTheEngine) {
  KilnError dynamic = parse_error({{"models/a.sql", "{% set x = 1 %}select {{ x }}"}});
  EXPECT_EQ(dynamic.kind(), ErrorKind::Template);
  EXPECT_EQ(dynamic.location().file, "models/a.sql");
  KilnError naming =
      parse_error({{"models/a.sql", "select 1"},
                   {"macros/n.sql", "{% macro generate_schema_name(c, n) %}x{% endmacro %}"}});
  EXPECT_NE(naming.message().find("overrides generate_schema_name"), std::string::npos);
}

TEST(ProjectParserTest, RendererHookReceivesDynamicFiles) {
  TempDir dir;
  dir.write("dbt_project.yml", "name: p\n");
  dir.write("models/base.sql", "select 1");
  dir.write("models/dyn.sql",
            "{% for i in range(2) %}select {{ i }}{% endfor %} {{ ref('base') }}");
  ParseOptions options;
  std::vector<std::string> rendered;
  options.render_node = [&](const Node& node, const std::map<std::string, Macro>&) {
    rendered.push_back(node.unique_id);
    RenderedCalls calls;
    calls.refs.push_back({"", "base", std::nullopt});
    calls.config.set("materialized", Data::string("table"));
    return calls;
  };
  ParseStats stats;
  Project project = load_project(dir.path(), {});
  Manifest manifest = parse_project(project, {}, duckdb_target(), options, &stats);
  EXPECT_EQ(rendered, std::vector<std::string>{"model.p.dyn"});
  EXPECT_EQ(stats.static_files, 1u);
  EXPECT_EQ(stats.rendered_files, 1u);
  EXPECT_EQ(manifest.nodes.at("model.p.dyn").config.find("materialized")->as_string(), "table");
  EXPECT_EQ(manifest.nodes.at("model.p.dyn").depends_on_nodes,
            std::vector<std::string>{"model.p.base"});
}

}  // namespace
}  // namespace kiln
