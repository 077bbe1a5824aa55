#include "graph/dag.h"

#include <gtest/gtest.h>

#include <algorithm>

#include "common/error.h"
#include "graph/selector.h"
#include "graph/shop_fixture.h"

namespace kiln {
namespace {

using Ids = std::vector<std::string>;

Node model(const std::string& name, Ids depends_on = {}) {
  Node node;
  node.resource_type = ResourceType::Model;
  node.name = name;
  node.package_name = "shop";
  node.unique_id = "model.shop." + name;
  node.fqn = {"shop", name};
  for (std::string& id : depends_on) id = "model.shop." + id;
  node.depends_on_nodes = std::move(depends_on);
  return node;
}

Manifest manifest_of(const std::vector<Node>& nodes) {
  Manifest manifest;
  for (const Node& node : nodes) manifest.nodes.emplace(node.unique_id, node);
  return manifest;
}

std::set<std::string> ids(std::initializer_list<const char*> names) {
  std::set<std::string> out;
  for (const char* name : names) out.insert(std::string("model.shop.") + name);
  return out;
}

TEST(DagTest, HoldsEveryResourceKindButMacrosDocsAndGroups) {
  Manifest manifest = testing::shop_manifest();
  Dag dag = Dag::build(manifest);
  size_t expected = manifest.nodes.size() + manifest.unit_tests.size() + manifest.sources.size() +
                    manifest.exposures.size() + manifest.metrics.size() +
                    manifest.semantic_models.size() + manifest.saved_queries.size();
  EXPECT_EQ(dag.size(), expected);
  EXPECT_TRUE(std::is_sorted(dag.nodes().begin(), dag.nodes().end()));
  EXPECT_TRUE(dag.contains("source.shop.raw.orders"));
  EXPECT_TRUE(dag.contains("unit_test.shop.orders.test_orders_total"));
  EXPECT_TRUE(dag.contains("saved_query.shop.revenue_query"));
  EXPECT_FALSE(dag.contains("group.shop.finance"));
  EXPECT_FALSE(dag.contains("macro.shop.round_money"));
  EXPECT_EQ(dag.resource_type("metric.shop.total_revenue"), ResourceType::Metric);
  EXPECT_EQ(dag.resource_type("nope"), std::nullopt);
}

TEST(DagTest, ParentAndChildMapsAreSortedLikeManifestJson) {
  Manifest manifest = testing::shop_manifest();
  Dag dag = Dag::build(manifest);
  auto parents = dag.parent_map();
  auto children = dag.child_map();
  EXPECT_EQ(parents.size(), dag.size());
  EXPECT_EQ(children.size(), dag.size());
  EXPECT_EQ(parents.at("model.shop.customers"),
            (Ids{"model.shop.orders", "model.shop.stg_customers", "seed.shop.country_codes"}));
  EXPECT_EQ(parents.at("source.shop.raw.orders"), Ids{});
  EXPECT_EQ(children.at("source.shop.raw.orders"),
            (Ids{"model.shop.stg_orders", "snapshot.shop.orders_snapshot",
                 "test.shop.not_null_raw_orders_id.a1b2c3"}));
  EXPECT_EQ(children.at("metric.shop.total_revenue"), Ids{"saved_query.shop.revenue_query"});
  EXPECT_EQ(dag.parents("model.shop.orders"),
            (Ids{"model.shop.stg_orders", "model.stripe.stg_payments"}));
  EXPECT_EQ(dag.children("unknown"), Ids{});
}

TEST(DagTest, DanglingDependenciesStayInParentMapButMakeNoEdge) {
  Manifest manifest = manifest_of({model("a", {"ghost"}), model("b", {"a"})});
  Dag dag = Dag::build(manifest);
  EXPECT_EQ(dag.parent_map().at("model.shop.a"), Ids{"model.shop.ghost"});
  EXPECT_EQ(dag.parents("model.shop.a"), Ids{});
  EXPECT_EQ(dag.topological_order(), (Ids{"model.shop.a", "model.shop.b"}));
}

TEST(DagTest, AncestorsAndDescendantsHonourDepth) {
  // a -> b -> c -> d, and a -> d directly
  Manifest manifest =
      manifest_of({model("a"), model("b", {"a"}), model("c", {"b"}), model("d", {"c", "a"})});
  Dag dag = Dag::build(manifest);
  EXPECT_EQ(dag.ancestors("model.shop.d"), ids({"a", "b", "c"}));
  EXPECT_EQ(dag.ancestors("model.shop.d", 1), ids({"a", "c"}));
  EXPECT_EQ(dag.ancestors("model.shop.d", 2), ids({"a", "b", "c"}));
  EXPECT_EQ(dag.ancestors("model.shop.d", 0), ids({}));
  EXPECT_EQ(dag.descendants("model.shop.a"), ids({"b", "c", "d"}));
  EXPECT_EQ(dag.descendants("model.shop.a", 1), ids({"b", "d"}));
  EXPECT_EQ(dag.descendants("model.shop.b", 1), ids({"c"}));
  EXPECT_EQ(dag.descendants("model.shop.d"), ids({}));
  // A start node reached from another start node is part of the answer.
  EXPECT_EQ(dag.descendants(ids({"a", "c"})), ids({"b", "c", "d"}));
  EXPECT_EQ(dag.ancestors("model.shop.unknown"), ids({}));
}

TEST(DagTest, TopologicalOrderIsDeterministic) {
  Manifest manifest = manifest_of(
      {model("z"), model("m", {"z"}), model("a"), model("b", {"a"}), model("c", {"b", "m"})});
  Dag dag = Dag::build(manifest);
  EXPECT_EQ(dag.topological_order(),
            (Ids{"model.shop.a", "model.shop.b", "model.shop.z", "model.shop.m", "model.shop.c"}));
  EXPECT_EQ(dag.topological_order(ids({"c", "z", "a"})),
            (Ids{"model.shop.a", "model.shop.z", "model.shop.c"}));
}

TEST(DagTest, ShopTopologicalOrderPutsParentsFirst) {
  Manifest manifest = testing::shop_manifest();
  Dag dag = Dag::build(manifest);
  Ids order = dag.topological_order();
  ASSERT_EQ(order.size(), dag.size());
  auto position = [&](const std::string& id) {
    return std::find(order.begin(), order.end(), id) - order.begin();
  };
  for (const auto& [child, parents] : dag.parent_map()) {
    for (const std::string& parent : parents) {
      if (dag.contains(parent)) {
        EXPECT_LT(position(parent), position(child)) << child;
      }
    }
  }
}

TEST(DagTest, CriticalPathCountsTheLongestChainOfDescendants) {
  Manifest manifest = manifest_of({model("a"), model("b", {"a"}), model("c", {"b"}),
                                   model("d", {"c", "a"}), model("e", {"a"})});
  Dag dag = Dag::build(manifest);
  EXPECT_EQ(dag.critical_path("model.shop.a"), 4);
  EXPECT_EQ(dag.critical_path("model.shop.b"), 3);
  EXPECT_EQ(dag.critical_path("model.shop.d"), 1);
  EXPECT_EQ(dag.critical_path("model.shop.e"), 1);
  EXPECT_EQ(dag.critical_path("model.shop.none"), 0);

  Manifest shop = testing::shop_manifest();
  Dag shop_dag = Dag::build(shop);
  // raw.orders -> stg_orders -> orders -> orders_sm -> total_revenue -> revenue_query
  EXPECT_EQ(shop_dag.critical_path("source.shop.raw.orders"), 6);
  EXPECT_EQ(shop_dag.critical_path("saved_query.shop.revenue_query"), 1);
}

TEST(DagTest, SubgraphParentsLookThroughUnselectedNodes) {
  Manifest manifest = testing::shop_manifest();
  Dag dag = Dag::build(manifest);
  auto parents =
      dag.subgraph_parents({"source.shop.raw.orders", "model.shop.orders", "model.shop.customers",
                            "model.shop.dim_customers.v1", "not.in.the.graph"});
  EXPECT_EQ(parents.size(), 4u);
  EXPECT_EQ(parents.at("source.shop.raw.orders"), Ids{});
  EXPECT_EQ(parents.at("model.shop.orders"), Ids{"source.shop.raw.orders"});
  EXPECT_EQ(parents.at("model.shop.customers"), Ids{"model.shop.orders"});
  EXPECT_EQ(parents.at("model.shop.dim_customers.v1"), Ids{"model.shop.customers"});

  // a -> b -> c -> d with b and c dropped: d still waits for a.
  Manifest chain = manifest_of({model("a"), model("b", {"a"}), model("c", {"b"}),
                                model("d", {"c", "a"}), model("e", {"c"})});
  Dag chain_dag = Dag::build(chain);
  auto subset = chain_dag.subgraph_parents(ids({"a", "d", "e"}));
  EXPECT_EQ(subset.at("model.shop.d"), Ids{"model.shop.a"});
  EXPECT_EQ(subset.at("model.shop.e"), Ids{"model.shop.a"});
}

TEST(DagTest, TestEdgesFollowDbtBuildBlockingRules) {
  Manifest manifest = testing::shop_manifest();
  Dag dag = Dag::build(manifest);
  const std::string t = "test.shop.", s = ".a1b2c3";
  std::vector<std::pair<std::string, std::string>> expected = {
      {t + "assert_positive_totals", "model.shop.customers"},
      {t + "assert_positive_totals", "model.shop.legacy_orders"},
      {t + "dbt_utils_expression_is_true_orders" + s, "model.shop.customers"},
      {t + "dbt_utils_expression_is_true_orders" + s, "model.shop.legacy_orders"},
      {t + "not_null_raw_orders_id" + s, "model.shop.stg_orders"},
      {t + "not_null_raw_orders_id" + s, "snapshot.shop.orders_snapshot"},
      {t + "not_null_stg_orders_order_id" + s, "model.shop.orders"},
      // relationships(customers, orders) blocks only what is below both: customers' children
      {t + "relationships_orders_customer_id" + s, "model.shop.dim_customers.v1"},
      {t + "relationships_orders_customer_id" + s, "model.shop.dim_customers.v2"},
      {t + "relationships_orders_customer_id" + s, "model.shop.dim_customers.v3"},
      // relationships(stg_customers, stg_orders): customers is below both, orders is not
      {t + "relationships_stg_orders_customer_id" + s, "model.shop.customers"},
      {t + "unique_orders_order_id" + s, "model.shop.customers"},
      {t + "unique_orders_order_id" + s, "model.shop.legacy_orders"},
      {"test.stripe.accepted_values_stg_payments_method" + s, "model.shop.orders"},
  };
  EXPECT_EQ(dag.test_edges(), expected);
}

TEST(DagTest, TwoNodeCycleIsAProjectErrorNamingTheCycle) {
  Manifest manifest = manifest_of({model("a", {"b"}), model("b", {"a"})});
  try {
    Dag::build(manifest);
    FAIL() << "expected a cycle error";
  } catch (const KilnError& error) {
    EXPECT_EQ(error.kind(), ErrorKind::Project);
    EXPECT_EQ(error.message(), "Found a cycle: model.shop.a --> model.shop.b --> model.shop.a");
  }
}

TEST(DagTest, CyclePrintsEdgesParentToChildFromTheSmallestId) {
  // c depends on b, b on a... and a on c: edges a -> b -> c -> a. x hangs below the cycle.
  Manifest manifest = manifest_of(
      {model("c", {"b"}), model("b", {"a"}), model("a", {"c"}), model("x", {"c"}), model("ok")});
  Dag dag = Dag::build_unchecked(manifest);
  auto cycle = dag.find_cycle();
  ASSERT_TRUE(cycle.has_value());
  EXPECT_EQ(*cycle, (Ids{"model.shop.a", "model.shop.b", "model.shop.c", "model.shop.a"}));
  EXPECT_THROW(dag.topological_order(), KilnError);
  EXPECT_THROW(Dag::build(manifest), KilnError);
}

TEST(DagTest, SelfReferenceIsACycle) {
  Manifest manifest = manifest_of({model("a", {"a"})});
  try {
    Dag::build(manifest);
    FAIL();
  } catch (const KilnError& error) {
    EXPECT_EQ(error.message(), "Found a cycle: model.shop.a --> model.shop.a");
  }
}

TEST(DagTest, AcyclicGraphHasNoCycle) {
  Manifest manifest = testing::shop_manifest();
  EXPECT_EQ(Dag::build_unchecked(manifest).find_cycle(), std::nullopt);
}

}  // namespace
}  // namespace kiln

namespace kiln {
namespace {

// 5,000 models in 50 layers, each reading two models of the layer above and carrying a test:
// selection must stay well clear of quadratic behaviour.
TEST(DagScaleTest, LargeProjectSelectsQuickly) {
  Manifest manifest;
  const int layers = 50, width = 100;
  auto id = [](int layer, int i) {
    return "model.big.m_" + std::to_string(layer) + "_" + std::to_string(i);
  };
  for (int layer = 0; layer < layers; ++layer) {
    for (int i = 0; i < width; ++i) {
      Node node;
      node.unique_id = id(layer, i);
      node.name = "m_" + std::to_string(layer) + "_" + std::to_string(i);
      node.package_name = "big";
      node.fqn = {"big", "layer" + std::to_string(layer), node.name};
      node.original_file_path = "models/layer" + std::to_string(layer) + "/" + node.name + ".sql";
      node.tags = {i % 2 ? "odd" : "even"};
      if (layer > 0) node.depends_on_nodes = {id(layer - 1, i), id(layer - 1, (i + 1) % width)};
      Node test;
      test.resource_type = ResourceType::Test;
      test.unique_id = "test.big.not_null_" + node.name;
      test.name = "not_null_" + node.name;
      test.package_name = "big";
      test.fqn = {"big", test.name};
      test.depends_on_nodes = {node.unique_id};
      manifest.nodes.emplace(test.unique_id, test);
      manifest.nodes.emplace(node.unique_id, std::move(node));
    }
  }
  Manifest before = manifest;
  manifest.nodes.at(id(10, 5)).raw_code = "changed";
  Dag dag = Dag::build(manifest);
  EXPECT_EQ(dag.size(), 10000u);
  EXPECT_EQ(dag.critical_path(id(0, 0)), layers + 1);  // ... down to the last layer's test
  SelectionContext context(manifest, dag);
  context.state_manifest = &before;
  auto count = [&](std::vector<std::string> select, std::string mode = "eager") {
    SelectionSpec spec;
    spec.select = std::move(select);
    spec.indirect_selection = std::move(mode);
    return select_nodes(spec, context).size();
  };
  EXPECT_EQ(count({}), 10000u);
  // Layer 49 - k holds k + 1 ancestors of m_49_0 (1,275 models), each with its test.
  EXPECT_EQ(count({"+m_49_0"}), 2550u);
  EXPECT_EQ(count({"state:modified+"}, "buildable"), count({"m_10_5+"}));
  EXPECT_EQ(count({"tag:odd,big.layer3"}), 100u);
  EXPECT_EQ(count({"@m_25_50"}, "cautious"), count({"@m_25_50"}, "buildable"));
  EXPECT_EQ(dag.topological_order().size(), 10000u);
}

}  // namespace
}  // namespace kiln
