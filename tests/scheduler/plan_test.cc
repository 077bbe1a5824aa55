#include "scheduler/plan.h"

#include <gtest/gtest.h>

namespace kiln {
namespace {

// a -> b -> d, a -> c -> d, e alone; priorities favour the long chain.
Plan diamond() {
  return Plan({"a", "b", "c", "d", "e"}, {{"b", {"a"}}, {"c", {"a"}}, {"d", {"b", "c"}}},
              {{"a", 3}, {"b", 2}, {"c", 2}, {"d", 1}, {"e", 1}});
}

TEST(PlanTest, ReadyNodesComeOutByPriorityThenOrder) {
  Plan plan = diamond();
  EXPECT_EQ(plan.find_work(), "a");
  EXPECT_EQ(plan.find_work(), "e");
  EXPECT_EQ(plan.find_work(), std::nullopt);
  plan.node_finished("a", true);
  EXPECT_EQ(plan.find_work(), "b");
  EXPECT_EQ(plan.find_work(), "c");
  plan.node_finished("b", true);
  EXPECT_EQ(plan.find_work(), std::nullopt);  // d still waits on c
  plan.node_finished("c", true);
  EXPECT_EQ(plan.find_work(), "d");
  plan.node_finished("d", true);
  plan.node_finished("e", true);
  EXPECT_TRUE(plan.done());
  EXPECT_EQ(plan.finished(), 5u);
}

TEST(PlanTest, FailureSkipsDescendantsOnly) {
  Plan plan = diamond();
  plan.find_work();
  plan.find_work();
  plan.node_finished("a", true);
  plan.find_work();  // b
  auto skipped = plan.node_finished("b", false);
  ASSERT_EQ(skipped.size(), 1u);
  EXPECT_EQ(skipped[0], std::make_pair(std::string("d"), std::string("b")));
  EXPECT_EQ(plan.find_work(), "c");
  plan.node_finished("c", true);
  plan.node_finished("e", true);
  EXPECT_TRUE(plan.done());
}

TEST(PlanTest, SkipRemainingLeavesRunningNodes) {
  Plan plan = diamond();
  plan.find_work();  // a runs
  EXPECT_EQ(plan.skip_remaining(), (std::vector<std::string>{"b", "c", "d", "e"}));
  EXPECT_FALSE(plan.done());
  plan.node_finished("a", true);
  EXPECT_TRUE(plan.done());
  EXPECT_EQ(plan.find_work(), std::nullopt);
}

TEST(PlanTest, ParentsOutsideThePlanAreIgnored) {
  Plan plan({"x"}, {{"x", {"not_selected"}}}, {});
  EXPECT_EQ(plan.find_work(), "x");
}

}  // namespace
}  // namespace kiln
