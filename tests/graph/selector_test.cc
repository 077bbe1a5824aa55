#include "graph/selector.h"

#include <gtest/gtest.h>

#include "common/error.h"
#include "graph/aliases.h"
#include "graph/shop_fixture.h"

namespace kiln {
namespace {

using testing::ids;
using testing::names;

struct Case {
  std::string select;
  std::string expected;  // aliases from aliases.h
};

void PrintTo(const Case& c, std::ostream* out) {
  *out << '"' << c.select << '"';
}

class SelectorTable : public ::testing::TestWithParam<Case> {};

TEST_P(SelectorTable, SelectsExactlyTheExpectedNodes) {
  static const Manifest manifest = testing::shop_manifest();
  const Case& c = GetParam();
  EXPECT_EQ(names(testing::select(manifest, {c.select})), names(ids(c.expected)));
}

// Selection is eager (the default): tests whose parents are selected come along.
const Case kCases[] = {
    // fqn, the default method: name, package-qualified path, folder prefix, wildcards, versions
    {"stg_orders", "STG_O T1 T2"},
    {"fqn:stg_orders", "STG_O T1 T2"},
    {"orders", "ORD T3 T4 T5 T8 UT"},
    {"shop.staging.stg_orders", "STG_O T1 T2"},
    {"staging.stg_orders", "STG_O T1 T2"},
    {"shop.staging", "STG_O STG_C T1 T2 T7"},
    {"staging", "STG_O STG_C T1 T2 T7"},
    {"stripe", "STG_P T6"},
    {"stg_*", "STG_O STG_C STG_P T1 T2 T6"},
    {"stg_?ayments", "STG_P T6"},
    {"stg_[oc]*", "STG_O STG_C T1 T2"},
    {"*.marts.*", "ORD CUS DIM1 DIM2 DIM3 T3 T4 T5 T8 UT"},
    {"shop.marts.*", "ORD CUS DIM1 DIM2 DIM3 T3 T4 T5 T8 UT"},
    {"dim_customers", "DIM1 DIM2 DIM3"},
    {"dim_customers.v2", "DIM2"},
    {"dim_customers_v3", "DIM3"},
    {"shop.marts.dim_customers.v1", "DIM1"},
    {"revenue_analysis", "ANA"},
    {"does_not_exist", ""},
    // tag (with wildcards), on sources and tests too
    {"tag:nightly", "STG_O ORD T1 T2 T3 T4 T5 T8 UT"},
    {"tag:raw", "SRC_O SRC_C T7"},
    {"tag:pii", "SRC_C"},
    {"tag:stag*", "STG_O STG_C T1 T2"},
    {"tag:finance", "T8"},
    {"tag:bi", "EXP"},
    // graph operators
    {"+orders", "SRC_O SRC_P STG_O STG_P ORD T1 T2 T3 T4 T5 T6 T7 T8 UT"},
    {"1+orders", "STG_O STG_P ORD T1 T2 T3 T4 T5 T6 T8 UT"},
    {"orders+", "ORD CUS ANA T3 T4 T5 T8 UT EXP SM MET SQ DIM1 DIM2 DIM3"},
    {"orders+1", "ORD CUS ANA T3 T4 T5 T8 UT EXP SM"},
    {"2+customers+1",
     "STG_O STG_P STG_C SEED SRC_C ORD CUS DIM1 DIM2 DIM3 EXP T1 T2 T3 T4 T5 "
     "T6 T8 UT"},
    {"+stg_customers+", "SRC_C STG_C CUS DIM1 DIM2 DIM3 T2 T4 EXP"},
    {"@stg_customers",
     "SRC_O SRC_C SRC_P SEED STG_O STG_C STG_P ORD CUS DIM1 DIM2 DIM3 EXP T1 "
     "T2 T3 T4 T5 T6 T7 T8 UT"},
    {"metric:total_revenue+", "MET SQ"},
    {"+saved_query:revenue_query",
     "SRC_O SRC_P STG_O STG_P ORD SM MET SQ T1 T2 T3 T4 T5 T6 T7 "
     "T8 UT"},
    // set operators
    {"stg_orders stg_customers", "STG_O STG_C T1 T2"},
    {"tag:nightly,tag:marts", "ORD T3 T4 T5 T8 UT"},
    {"tag:staging,config.meta.owner:alice", "STG_C T2"},
    {"orders,resource_type:model", "ORD T3 T4 T5 T8 UT"},
    {"tag:staging,tag:marts tag:pii", "SRC_C"},
    // path and file, explicit and as the default method
    {"path:models/staging", "SRC_O SRC_C STG_O STG_C T1 T2 T7"},
    {"path:models/staging/", "SRC_O SRC_C STG_O STG_C T1 T2 T7"},
    {"path:./models/staging", "SRC_O SRC_C STG_O STG_C T1 T2 T7"},
    {"models/staging/stg_orders.sql", "STG_O T1 T2"},
    {"path:models/marts/*.sql", "ORD CUS DIM1 DIM2 DIM3 T3 T4 T5 T8 UT"},
    {"path:models/mar*", "ORD CUS DIM1 DIM2 DIM3 T3 T4 T5 T8 UT SM MET SQ"},
    {"path:seeds", "SEED"},
    {"path:models/marts/schema.yml", "ORD T3 T4 T5 T8 UT"},
    {"path:models/staging/sources.yml", "SRC_O SRC_C T7"},
    {"file:orders.sql", "ORD T3 T4 T5 T8 UT"},
    {"orders.sql", "ORD T3 T4 T5 T8 UT"},
    {"file:stg_orders", "STG_O T1 T2"},
    {"country_codes.csv", "SEED"},
    {"file:dim_customers_v*.sql", "DIM1 DIM2 DIM3"},
    // source
    {"source:raw", "SRC_O SRC_C T7"},
    {"source:raw.orders", "SRC_O T7"},
    {"source:raw.cust*", "SRC_C"},
    {"source:stripe", "SRC_P"},
    {"source:stripe.stripe.payments", "SRC_P"},
    {"source:shop.raw.*", "SRC_O SRC_C T7"},
    {"source:*", "SRC_O SRC_C SRC_P T7"},
    {"source:raw.customers+", "SRC_C STG_C CUS DIM1 DIM2 DIM3 T2 T4 EXP"},
    // resource_type
    {"resource_type:seed", "SEED"},
    {"resource_type:snapshot", "SNAP"},
    {"resource_type:analysis", "ANA"},
    {"resource_type:test", "T1 T2 T3 T4 T5 T6 T7 T8"},
    {"resource_type:unit_test", "UT"},
    {"resource_type:source", "SRC_O SRC_C SRC_P T7"},
    {"resource_type:exposure", "EXP"},
    {"resource_type:metric", "MET"},
    {"resource_type:semantic_model", "SM"},
    {"resource_type:saved_query", "SQ"},
    // package
    {"package:stripe", "SRC_P STG_P T6"},
    {"package:str*", "SRC_P STG_P T6"},
    {"package:this,resource_type:source", "SRC_O SRC_C T7"},
    // config, nested and list-valued
    {"config.materialized:view", "STG_O STG_C STG_P T1 T2 T6"},
    {"config.materialized:table,tag:marts", "ORD CUS T3 T4 T5 T8 UT"},
    {"config.meta.owner:alice", "STG_C CUS T2 T4"},
    {"config.tags:nightly", "STG_O ORD T1 T2 T3 T4 T5 T8 UT"},
    {"config.contract.enforced:true", "ORD T3 T4 T5 T8 UT"},
    {"config.contract.enforced:TRUE", "ORD T3 T4 T5 T8 UT"},
    {"config.enabled:true", "SRC_O SRC_C SRC_P T7"},
    {"config.severity:ERROR", "T1 T2 T3 T4 T5 T6 T7"},
    {"config.strategy:timestamp", "SNAP"},
    {"config.materialized:incremental", ""},
    // tests
    {"test_type:generic", "T1 T2 T3 T4 T5 T6 T7"},
    {"test_type:singular", "T8"},
    {"test_type:data", "T1 T2 T3 T4 T5 T6 T7 T8"},
    {"test_type:unit", "UT"},
    {"test_name:not_null", "T1 T7"},
    {"test_name:relationships", "T2 T4"},
    {"test_name:expression_is_true", "T5"},
    {"test_name:dbt_utils.expression_is_true", "T5"},
    {"test_name:accepted_*", "T6"},
    {"unit_test:test_orders_total", "UT"},
    {"unit_test:shop.test_orders_total", "UT"},
    {"unit_test:orders.test_orders_total", "UT"},
    {"unit_test:shop.orders.test_orders_total", "UT"},
    {"unit_test:*", "UT"},
    // property resources
    {"exposure:weekly_dashboard", "EXP"},
    {"exposure:shop.weekly_*", "EXP"},
    {"+exposure:weekly_dashboard",
     "SRC_O SRC_C SRC_P SEED STG_O STG_C STG_P ORD CUS EXP T1 T2 "
     "T3 T4 T5 T6 T7 T8 UT"},
    {"metric:total_revenue", "MET"},
    {"metric:shop.total_revenue", "MET"},
    {"semantic_model:orders_sm", "SM"},
    {"saved_query:revenue_query", "SQ"},
    // governance
    {"group:finance", "ORD CUS T3 T4 T5 T8 UT"},
    {"group:fin*", "ORD CUS T3 T4 T5 T8 UT"},
    {"access:public", "ORD T3 T4 T5 T8 UT"},
    {"access:private", "CUS T4"},
    {"access:protected", "STG_O STG_C STG_P DIM1 DIM2 DIM3 T1 T2 T6"},
    {"version:latest", "DIM2"},
    {"version:old", "DIM1"},
    {"version:prerelease", "DIM3"},
    {"version:none", "STG_O STG_C STG_P ORD CUS T1 T2 T3 T4 T5 T6 T8 UT"},
    // disabled nodes are never selected
    {"legacy_orders", ""},
    {"tag:nightly,resource_type:model", "STG_O ORD T1 T2 T3 T4 T5 T8 UT"},
};

INSTANTIATE_TEST_SUITE_P(Shop, SelectorTable, ::testing::ValuesIn(kCases));

TEST(SelectorTest, SeveralSelectValuesAreAUnion) {
  Manifest manifest = testing::shop_manifest();
  EXPECT_EQ(names(testing::select(manifest, {"stg_orders", "stg_customers"})),
            names(ids("STG_O STG_C T1 T2")));
  EXPECT_EQ(names(testing::select(manifest, {"  stg_orders \t  stg_customers  "})),
            names(ids("STG_O STG_C T1 T2")));
}

TEST(SelectorTest, ExcludeRemovesNodesAndTheirTests) {
  Manifest manifest = testing::shop_manifest();
  EXPECT_EQ(names(testing::select(manifest, {"+orders"}, {"source:*"})),
            names(ids("STG_O STG_P ORD T1 T2 T3 T4 T5 T6 T8 UT")));
  // Excluding a model also excludes the tests that are selected through it.
  EXPECT_EQ(names(testing::select(manifest, {"tag:staging"}, {"stg_customers"})),
            names(ids("STG_O T1")));
  EXPECT_EQ(names(testing::select(manifest, {"orders"}, {"test_type:unit", "tag:finance"})),
            names(ids("ORD T3 T4 T5")));
  EXPECT_EQ(names(testing::select(manifest, {"orders+1"},
                                  {"resource_type:test resource_type:unit_test"})),
            names(ids("ORD CUS ANA EXP SM")));
}

TEST(SelectorTest, DefaultSelectionIsEveryEnabledNodeOfTheCommandsTypes) {
  Manifest manifest = testing::shop_manifest();
  EXPECT_EQ(names(testing::select(manifest, {}, {}, "eager", {ResourceType::Model})),
            names(ids("STG_O STG_C STG_P ORD CUS DIM1 DIM2 DIM3")));
  std::set<std::string> all = testing::select(manifest, {});
  Dag dag = Dag::build(manifest);
  EXPECT_EQ(all.size(), dag.size() - 1);  // all but the disabled model
  EXPECT_FALSE(all.count("model.shop.legacy_orders"));
  EXPECT_EQ(names(testing::select(manifest, {}, {"tag:marts tag:staging"}, "eager",
                                  {ResourceType::Model})),
            names(ids("STG_P DIM1 DIM2 DIM3")));
}

TEST(SelectorTest, ResourceTypesFilterTheFinalSelection) {
  Manifest manifest = testing::shop_manifest();
  EXPECT_EQ(names(testing::select(manifest, {"+orders"}, {}, "eager", {ResourceType::Model})),
            names(ids("STG_O STG_P ORD")));
  // `dbt test --select orders`
  EXPECT_EQ(names(testing::select(manifest, {"orders"}, {}, "eager",
                                  {ResourceType::Test, ResourceType::UnitTest})),
            names(ids("T3 T4 T5 T8 UT")));
  // `dbt build --select +stg_payments`
  EXPECT_EQ(names(testing::select(manifest, {"+stg_payments"}, {}, "eager",
                                  {ResourceType::Model, ResourceType::Seed, ResourceType::Snapshot,
                                   ResourceType::Test, ResourceType::UnitTest})),
            names(ids("STG_P T6")));
}

struct IndirectCase {
  std::string select;
  std::string eager, cautious, buildable, empty;
};

TEST(SelectorTest, IndirectSelectionModes) {
  Manifest manifest = testing::shop_manifest();
  const IndirectCase cases[] = {
      // T2 tests stg_orders against stg_customers, which is not selected and not upstream.
      {"stg_orders", "STG_O T1 T2", "STG_O T1", "STG_O T1", "STG_O"},
      // T4 tests customers against orders, which is upstream of customers: buildable keeps it.
      {"customers", "CUS T4", "CUS", "CUS T4", "CUS"},
      {"orders", "ORD T3 T4 T5 T8 UT", "ORD T3 T5 T8 UT", "ORD T3 T5 T8 UT", "ORD"},
      // Each half holds T2 back; the union has both of its parents, so it joins.
      {"stg_orders stg_customers", "STG_O STG_C T1 T2", "STG_O STG_C T1 T2", "STG_O STG_C T1 T2",
       "STG_O STG_C"},
      {"orders customers", "ORD CUS T3 T4 T5 T8 UT", "ORD CUS T3 T4 T5 T8 UT",
       "ORD CUS T3 T4 T5 T8 UT", "ORD CUS"},
      // Tests selected directly stay selected in every mode.
      {"test_type:singular", "T8", "T8", "T8", "T8"},
      {"tag:nightly,tag:marts", "ORD T3 T4 T5 T8 UT", "ORD T3 T5 T8 UT", "ORD T3 T5 T8 UT", "ORD"},
  };
  for (const IndirectCase& c : cases) {
    SCOPED_TRACE(c.select);
    EXPECT_EQ(names(testing::select(manifest, {c.select}, {}, "eager")), names(ids(c.eager)));
    EXPECT_EQ(names(testing::select(manifest, {c.select}, {}, "cautious")), names(ids(c.cautious)));
    EXPECT_EQ(names(testing::select(manifest, {c.select}, {}, "buildable")),
              names(ids(c.buildable)));
    EXPECT_EQ(names(testing::select(manifest, {c.select}, {}, "empty")), names(ids(c.empty)));
  }
}

TEST(SelectorTest, ResultMethodReadsRunResults) {
  Manifest manifest = testing::shop_manifest();
  Dag dag = Dag::build(manifest);
  PreviousResults results = PreviousResults::parse_json(R"({
    "metadata": {"dbt_schema_version": "https://schemas.getdbt.com/dbt/run-results/v6.json"},
    "results": [
      {"unique_id": "model.shop.orders", "status": "error"},
      {"unique_id": "model.shop.stg_orders", "status": "success"},
      {"unique_id": "seed.shop.country_codes", "status": "success"},
      {"unique_id": "test.shop.unique_orders_order_id.a1b2c3", "status": "fail"},
      {"unique_id": "test.shop.not_null_stg_orders_order_id.a1b2c3", "status": "pass"},
      {"unique_id": "test.shop.dbt_utils_expression_is_true_orders.a1b2c3", "status": "warn"},
      {"unique_id": "model.shop.customers", "status": "skipped"},
      {"unique_id": "model.shop.gone", "status": "error"}
    ]})");
  SelectionContext context(manifest, dag);
  context.previous_results = &results;
  auto run = [&](const std::string& select) {
    SelectionSpec spec;
    spec.select = {select};
    return names(select_nodes(spec, context));
  };
  EXPECT_EQ(run("result:error"), names(ids("ORD T3 T4 T5 T8 UT")));
  EXPECT_EQ(run("result:fail"), names(ids("T3")));
  EXPECT_EQ(run("result:pass"), names(ids("T1")));
  EXPECT_EQ(run("result:warn"), names(ids("T5")));
  EXPECT_EQ(run("result:skipped"), names(ids("CUS T4")));
  EXPECT_EQ(run("result:success"), names(ids("SEED STG_O T1 T2")));
  EXPECT_EQ(run("result:error+,resource_type:model"),
            names(ids("ORD CUS DIM1 DIM2 DIM3 T3 T4 T5 T8 UT")));
  EXPECT_EQ(run("result:runtime"), "");
}

TEST(SelectorTest, SourceStatusFresherComparesMaxLoadedAt) {
  Manifest manifest = testing::shop_manifest();
  Dag dag = Dag::build(manifest);
  SourceFreshnessResults before = SourceFreshnessResults::parse_json(R"({"results": [
    {"unique_id": "source.shop.raw.orders", "max_loaded_at": "2024-05-01T10:00:00Z"},
    {"unique_id": "source.shop.raw.customers", "max_loaded_at": "2024-05-01T10:00:00.5+00:00"},
    {"unique_id": "source.stripe.stripe.payments", "status": "runtime error"}]})");
  SourceFreshnessResults now = SourceFreshnessResults::parse_json(R"({"results": [
    {"unique_id": "source.shop.raw.orders", "max_loaded_at": "2024-05-01 10:00:00"},
    {"unique_id": "source.shop.raw.customers", "max_loaded_at": "2024-05-01T10:00:00.75Z"},
    {"unique_id": "source.stripe.stripe.payments", "max_loaded_at": "2024-04-01T00:00:00Z"}]})");
  EXPECT_EQ(before.errored, std::set<std::string>{"source.stripe.stripe.payments"});
  SelectionContext context(manifest, dag);
  context.current_sources = &now;
  context.previous_sources = &before;
  auto run = [&](const std::string& select) {
    SelectionSpec spec;
    spec.select = {select};
    spec.resource_types = {ResourceType::Source, ResourceType::Model};
    return names(select_nodes(spec, context));
  };
  EXPECT_EQ(run("source_status:fresher"), names(ids("SRC_C SRC_P")));
  EXPECT_EQ(run("source_status:fresher+"), names(ids("SRC_C SRC_P STG_C STG_P ORD CUS DIM1 "
                                                     "DIM2 DIM3")));
  EXPECT_THROW(run("source_status:staler"), KilnError);
  context.current_sources = nullptr;
  EXPECT_THROW(run("source_status:fresher"), KilnError);
}

TEST(SelectorTest, RunResultsThatAreNotJsonAreAnIoError) {
  EXPECT_THROW(PreviousResults::parse_json("{", "state/run_results.json"), KilnError);
  EXPECT_THROW(PreviousResults::parse_json("{}", "state/run_results.json"), KilnError);
  EXPECT_EQ(
      PreviousResults::parse_json(R"({"results": [{"unique_id": 3}, "x"]})").status_by_id.size(),
      0u);
}

// --- errors ---------------------------------------------------------------------------------

KilnError selection_error(const std::vector<std::string>& select,
                          const std::string& indirect = "eager") {
  static const Manifest manifest = testing::shop_manifest();
  try {
    testing::select(manifest, select, {}, indirect);
  } catch (const KilnError& error) {
    return error;
  }
  ADD_FAILURE() << "no error for " << select.front();
  return KilnError(ErrorKind::Internal, "");
}

TEST(SelectorErrorTest, UnknownMethodSuggestsTheClosestOne) {
  KilnError error = selection_error({"tagg:nightly"});
  EXPECT_EQ(error.kind(), ErrorKind::Usage);
  EXPECT_EQ(error.message(), "'tagg' is not a valid method name");
  EXPECT_EQ(error.hint(), "did you mean 'tag'?");
  EXPECT_EQ(selection_error({"resource_typ:model"}).hint(), "did you mean 'resource_type'?");
  EXPECT_NE(selection_error({"zzzzzzzz:model"}).hint().find("valid methods: access"),
            std::string::npos);
}

TEST(SelectorErrorTest, MalformedSelectorsAreUsageErrors) {
  for (const char* bad :
       {"2+3+foo", "@+orders", "@2+orders", "tag:", "+", "orders+x+", "a+b", "tag.x:y",
        "config:view", "config..x:y", "orders,", ",orders", "or@ders"}) {
    SCOPED_TRACE(bad);
    EXPECT_EQ(selection_error({bad}).kind(), ErrorKind::Usage);
  }
  EXPECT_EQ(selection_error({"2+3+foo"}).message(),
            "Invalid selector \"2+3+foo\": graph operators go only at the start (@, +, n+) or end "
            "(+, +n)");
}

TEST(SelectorErrorTest, InvalidMethodValuesAreUsageErrors) {
  EXPECT_EQ(selection_error({"resource_type:modle"}).message(),
            "Invalid resource_type selector 'modle'");
  EXPECT_EQ(selection_error({"resource_type:modle"}).hint(), "did you mean 'model'?");
  EXPECT_EQ(selection_error({"test_type:schemaa"}).message(),
            "Invalid test type selector 'schemaa'");
  EXPECT_EQ(selection_error({"version:newest"}).message(),
            "Invalid version type selector 'newest'");
  EXPECT_EQ(selection_error({"source:a.b.c.d"}).kind(), ErrorKind::Usage);
  EXPECT_EQ(selection_error({"exposure:a.b.c"}).kind(), ErrorKind::Usage);
  EXPECT_EQ(selection_error({"unit_test:a.b.c.d"}).kind(), ErrorKind::Usage);
  EXPECT_EQ(selection_error({"source_status:fresher"}).kind(), ErrorKind::Usage);
  EXPECT_EQ(selection_error({"orders"}, "eagre").hint(), "did you mean 'eager'?");
}

TEST(SelectorErrorTest, StateAndResultNeedTheEarlierState) {
  EXPECT_EQ(selection_error({"state:modified"}).message(),
            "--state is required for state: selection");
  EXPECT_EQ(selection_error({"state:modified"}).kind(), ErrorKind::Usage);
  EXPECT_EQ(selection_error({"result:error"}).message(),
            "--state is required for result: selection");
}

TEST(SelectorErrorTest, ExcludeIsParsedAsStrictlyAsSelect) {
  static const Manifest manifest = testing::shop_manifest();
  EXPECT_THROW(testing::select(manifest, {"orders"}, {"tagg:x"}), KilnError);
}

TEST(SelectorTest, MethodNamesAreListed) {
  const auto& methods = selector_method_names();
  for (const char* method :
       {"fqn",    "tag",       "path",      "file",      "source", "resource_type",  "package",
        "config", "test_type", "test_name", "exposure",  "metric", "semantic_model", "saved_query",
        "group",  "access",    "version",   "unit_test", "state",  "result",         "selector"}) {
    EXPECT_NE(std::find(methods.begin(), methods.end(), method), methods.end()) << method;
  }
}

}  // namespace
}  // namespace kiln
