// state: selection against an earlier manifest (--state), built by editing copies of the shop.

#include <gtest/gtest.h>

#include "common/error.h"
#include "graph/aliases.h"
#include "graph/selector.h"
#include "graph/shop_fixture.h"

namespace kiln {
namespace {

using testing::ids;
using testing::names;
using testing::yaml;

class StateTest : public ::testing::Test {
 protected:
  // Selects `select` in `now_` compared with `before_`.
  std::string state(const std::string& select, std::vector<ResourceType> types = {},
                    const std::string& indirect = "eager") {
    Dag dag = Dag::build(now_);
    SelectionSpec spec;
    spec.select = {select};
    spec.resource_types = std::move(types);
    spec.indirect_selection = indirect;
    SelectionContext context(now_, dag);
    context.state_manifest = &before_;
    return names(select_nodes(spec, context));
  }

  Node& node(const std::string& alias) {
    std::string id = *ids(alias).begin();
    auto it = now_.nodes.find(id);
    return it != now_.nodes.end() ? it->second : now_.unit_tests.at(id);
  }

  Manifest before_ = testing::shop_manifest();
  Manifest now_ = testing::shop_manifest();
};

const std::vector<ResourceType> kModels = {ResourceType::Model};

TEST_F(StateTest, NothingChanged) {
  EXPECT_EQ(state("state:modified"), "");
  EXPECT_EQ(state("state:new"), "");
  for (const char* aspect :
       {"body", "configs", "relation", "persisted_descriptions", "macros", "contract"}) {
    EXPECT_EQ(state(std::string("state:modified.") + aspect), "") << aspect;
  }
  EXPECT_EQ(state("state:old", kModels), names(ids("STG_O STG_C STG_P ORD CUS DIM1 DIM2 DIM3")));
  EXPECT_EQ(state("state:unmodified", kModels), state("state:old", kModels));
}

TEST_F(StateTest, BodyChangeAndItsDescendants) {
  node("STG_O").raw_code = "select 2";
  node("STG_O").checksum = "sha-new";
  EXPECT_EQ(state("state:modified"), names(ids("STG_O T1 T2")));
  EXPECT_EQ(state("state:modified", kModels), names(ids("STG_O")));
  EXPECT_EQ(state("state:modified.body", kModels), names(ids("STG_O")));
  EXPECT_EQ(state("state:modified.configs"), "");
  EXPECT_EQ(state("state:modified.relation"), "");
  EXPECT_EQ(state("state:modified+", kModels), names(ids("STG_O ORD CUS DIM1 DIM2 DIM3")));
  EXPECT_EQ(state("state:modified+"), names(ids("STG_O ORD CUS DIM1 DIM2 DIM3 ANA EXP SM MET SQ "
                                                "T1 T2 T3 T4 T5 T8 UT")));
  EXPECT_EQ(state("state:modified+1", kModels), names(ids("STG_O ORD")));
  EXPECT_EQ(state("+state:modified", kModels), names(ids("STG_O")));
  EXPECT_EQ(state("state:unmodified", kModels), names(ids("STG_C STG_P ORD CUS DIM1 DIM2 DIM3")));
  EXPECT_EQ(state("state:modified", {}, "cautious"), names(ids("STG_O T1")));
}

TEST_F(StateTest, BodyComparesRawCodeWhenThereIsNoChecksum) {
  node("T3").raw_code = "{{ test_unique(**_dbt_generic_test_kwargs) }} -- edited";
  EXPECT_EQ(state("state:modified.body"), names(ids("T3")));
}

TEST_F(StateTest, SeedChecksum) {
  node("SEED").checksum = "sha-other";
  EXPECT_EQ(state("state:modified.body"), names(ids("SEED")));
  EXPECT_EQ(state("state:modified+", kModels), names(ids("CUS DIM1 DIM2 DIM3")));
}

TEST_F(StateTest, ConfigChange) {
  node("ORD").unrendered_config.set("materialized", Data::string("incremental"));
  node("ORD").config.set("materialized", Data::string("incremental"));
  EXPECT_EQ(state("state:modified.configs", kModels), names(ids("ORD")));
  EXPECT_EQ(state("state:modified", kModels), names(ids("ORD")));
  EXPECT_EQ(state("state:modified.body"), "");
  EXPECT_EQ(state("state:modified.relation"), "");
  EXPECT_EQ(state("state:modified.configs+", kModels), names(ids("ORD CUS DIM1 DIM2 DIM3")));
}

TEST_F(StateTest, ConfigKeyOrderIsNotAChange) {
  Node& stg = node("STG_C");
  stg.unrendered_config = yaml("{tags: [staging], meta: {owner: alice}, materialized: view}");
  EXPECT_EQ(state("state:modified"), "");
}

TEST_F(StateTest, OnlyTheUnrenderedConfigCounts) {
  // A different target renders different values; dbt compares what the user wrote.
  node("ORD").config.set("materialized", Data::string("view"));
  node("ORD").schema = "dbt_someone_else";
  node("ORD").database = "dev";
  EXPECT_EQ(state("state:modified"), "");
}

TEST_F(StateTest, RelationChangeIsNotAConfigChange) {
  node("CUS").unrendered_config.set("alias", Data::string("all_customers"));
  node("ORD").unrendered_config.set("schema", Data::string("finance"));
  EXPECT_EQ(state("state:modified.relation", kModels), names(ids("ORD CUS")));
  EXPECT_EQ(state("state:modified.configs"), "");
  EXPECT_EQ(state("state:modified", kModels), names(ids("ORD CUS")));
}

TEST_F(StateTest, RenderedConfigIsComparedWhenNoUnrenderedConfigWasRecorded) {
  for (Manifest* manifest : {&before_, &now_}) {
    for (auto& [id, node] : manifest->nodes) node.unrendered_config = Data::map();
  }
  node("STG_P").config.set("database", Data::string("payments"));
  node("DIM1").config.set("full_refresh", Data::boolean(true));
  EXPECT_EQ(state("state:modified.relation", kModels), names(ids("STG_P")));
  EXPECT_EQ(state("state:modified.configs", kModels), names(ids("DIM1")));
}

TEST_F(StateTest, UpstreamMacroChangeThroughMacroDependencies) {
  // stg_orders calls cents_to_dollars, which calls round_money.
  now_.macros.at("macro.shop.round_money").macro_sql = "{% macro round_money() %}2{% endmacro %}";
  EXPECT_EQ(state("state:modified.macros", kModels), names(ids("STG_O")));
  EXPECT_EQ(state("state:modified", kModels), names(ids("STG_O")));
  EXPECT_EQ(state("state:modified.body"), "");
  EXPECT_EQ(state("state:modified+", kModels), names(ids("STG_O ORD CUS DIM1 DIM2 DIM3")));
}

TEST_F(StateTest, GenericTestMacroChange) {
  now_.macros.at("macro.dbt.test_not_null").macro_sql = "changed";
  EXPECT_EQ(state("state:modified.macros"), names(ids("T1 T7")));
  EXPECT_EQ(state("state:modified,resource_type:test"), names(ids("T1 T7")));
}

TEST_F(StateTest, RemovedMacroCountsAsChanged) {
  now_.macros.erase("macro.shop.round_money");
  EXPECT_EQ(state("state:modified.macros"), names(ids("STG_O T1 T2")));
}

TEST_F(StateTest, NewNodesAreNewAndModified) {
  Node fresh = node("DIM1");
  fresh.unique_id = "model.shop.fresh";
  fresh.name = "fresh";
  fresh.fqn = {"shop", "fresh"};
  fresh.version.reset();
  fresh.latest_version.reset();
  now_.nodes.emplace(fresh.unique_id, fresh);
  std::string id = "model.shop.fresh";
  EXPECT_EQ(state("state:new"), id);
  EXPECT_EQ(state("state:modified"), id);
  EXPECT_EQ(state("state:modified.body"), id);
  EXPECT_EQ(state("state:modified.configs"), id);
  EXPECT_EQ(state("state:modified.macros"), "");
  EXPECT_EQ(state("state:old,fresh"), "");
  EXPECT_EQ(state("state:unmodified,fresh"), "");
}

TEST_F(StateTest, PersistedDescriptionsOnlyWhenPersistDocsIsOn) {
  // orders persists relation and column docs; customers does not persist docs.
  node("ORD").columns[0].description = "The order's key";
  node("CUS").description = "Every customer";
  EXPECT_EQ(state("state:modified.persisted_descriptions", kModels), names(ids("ORD")));
  EXPECT_EQ(state("state:modified", kModels), names(ids("ORD")));
}

TEST_F(StateTest, RelationDescriptionWithPersistDocs) {
  node("ORD").description = "All orders, one row each";
  EXPECT_EQ(state("state:modified.persisted_descriptions", kModels), names(ids("ORD")));
}

TEST_F(StateTest, ContractChanges) {
  node("ORD").contract = yaml("{enforced: true, alias_types: true, checksum: c-orders-2}");
  EXPECT_EQ(state("state:modified.contract", kModels), names(ids("ORD")));
  EXPECT_EQ(state("state:modified", kModels), names(ids("ORD")));
}

TEST_F(StateTest, ContractColumnsWithoutChecksum) {
  for (Manifest* manifest : {&before_, &now_}) {
    manifest->nodes.at("model.shop.orders").contract = yaml("{enforced: true}");
  }
  node("CUS").columns.push_back(ColumnDef{});  // no contract on customers: not a contract change
  node("ORD").columns[1].data_type = "bigint";
  EXPECT_EQ(state("state:modified.contract", kModels), names(ids("ORD")));
}

TEST_F(StateTest, EnforcingAContractIsAContractChange) {
  node("CUS").contract = yaml("{enforced: true}");
  EXPECT_EQ(state("state:modified.contract", kModels), names(ids("CUS")));
}

TEST_F(StateTest, MovedNodeChangesItsFqn) {
  node("STG_C").fqn = {"shop", "base", "stg_customers"};
  EXPECT_EQ(state("state:modified", kModels), names(ids("STG_C")));
  EXPECT_EQ(state("state:modified.body"), "");
}

TEST_F(StateTest, SourceChanges) {
  now_.sources.at("source.shop.raw.orders").schema = "raw_v2";
  now_.sources.at("source.shop.raw.customers").freshness =
      yaml("{warn_after: {count: 1, period: day}}");
  EXPECT_EQ(state("state:modified.relation"), names(ids("SRC_O T7")));
  EXPECT_EQ(state("state:modified,resource_type:source"), names(ids("SRC_O SRC_C T7")));
  EXPECT_EQ(state("state:modified+", kModels), names(ids("STG_O STG_C ORD CUS DIM1 DIM2 DIM3")));
}

TEST_F(StateTest, PropertyResourceChanges) {
  now_.exposures.at("exposure.shop.weekly_dashboard")
      .properties.set("url", Data::string("https://bi"));
  now_.metrics.at("metric.shop.total_revenue").config.set("enabled", Data::boolean(true));
  EXPECT_EQ(state("state:modified"), names(ids("EXP MET")));
  EXPECT_EQ(state("state:modified.configs"), names(ids("MET")));
}

TEST_F(StateTest, UnitTestDefinitionChange) {
  node("UT").unit_test = yaml("{model: orders, given: [], expect: {rows: [{id: 1}]}}");
  EXPECT_EQ(state("state:modified"), names(ids("UT")));
}

TEST_F(StateTest, StateInAYamlSelector) {
  node("STG_C").checksum = "sha-edited";
  Dag dag = Dag::build(now_);
  SelectionContext context(now_, dag);
  context.state_manifest = &before_;
  context.selectors = yaml(
      "{selectors: [{name: changed, definition: {method: state, value: modified, children: true, "
      "children_depth: 1}}]}");
  SelectionSpec spec;
  spec.selector_name = "changed";
  spec.resource_types = kModels;
  EXPECT_EQ(names(select_nodes(spec, context)), names(ids("STG_C CUS")));
  // A YAML selector needs --state like the command line does.
  context.state_manifest = nullptr;
  EXPECT_THROW(select_nodes(spec, context), KilnError);
}

TEST_F(StateTest, InvalidStateValue) {
  try {
    state("state:modifed");
    FAIL();
  } catch (const KilnError& error) {
    EXPECT_EQ(error.kind(), ErrorKind::Usage);
    EXPECT_EQ(error.hint(), "did you mean 'state:modified'?");
  }
}

}  // namespace
}  // namespace kiln
