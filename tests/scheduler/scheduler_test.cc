#include "scheduler/scheduler.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <map>
#include <mutex>
#include <set>
#include <thread>

namespace kiln {
namespace {

// A wide and deep DAG: layer k has 8 nodes, each depending on two nodes of layer k-1.
struct Layers {
  std::vector<std::string> nodes;
  std::map<std::string, std::vector<std::string>> parents;
  std::map<std::string, int> priority;
  Layers(int depth, int width) {
    for (int layer = 0; layer < depth; ++layer) {
      for (int i = 0; i < width; ++i) {
        std::string id = "n" + std::to_string(layer) + "_" + std::to_string(i);
        nodes.push_back(id);
        priority[id] = depth - layer;
        if (layer > 0) {
          parents[id] = {"n" + std::to_string(layer - 1) + "_" + std::to_string(i),
                         "n" + std::to_string(layer - 1) + "_" + std::to_string((i + 1) % width)};
        }
      }
    }
  }
};

TEST(SchedulerTest, ParentsAlwaysFinishBeforeChildrenOnManyThreads) {
  Layers layers(6, 8);
  Plan plan(layers.nodes, layers.parents, layers.priority);
  std::mutex mutex;
  std::set<std::string> finished;
  std::set<int> workers;
  std::atomic<int> concurrent{0}, max_concurrent{0};
  SchedulerCallbacks callbacks;
  callbacks.execute = [&](const std::string& id, int worker) {
    int now = ++concurrent;
    int seen = max_concurrent.load();
    while (now > seen && !max_concurrent.compare_exchange_weak(seen, now)) {
    }
    {
      std::lock_guard lock(mutex);
      workers.insert(worker);
      for (const std::string& parent : layers.parents[id]) {
        EXPECT_TRUE(finished.count(parent)) << id << " ran before " << parent;
      }
    }
    // Busy work so threads overlap without sleeping.
    std::atomic<uint64_t> sum{0};
    for (int i = 0; i < 20000; ++i)
      sum.fetch_add(static_cast<uint64_t>(i), std::memory_order_relaxed);
    {
      std::lock_guard lock(mutex);
      finished.insert(id);
    }
    --concurrent;
    return true;
  };
  run_plan(plan, callbacks, {4, false, nullptr});
  EXPECT_EQ(finished.size(), layers.nodes.size());
  EXPECT_TRUE(plan.done());
  EXPECT_LE(max_concurrent.load(), 4);
  EXPECT_GE(*workers.begin(), 1);
  EXPECT_LE(*workers.rbegin(), 4);
}

TEST(SchedulerTest, FailureSkipsDownstreamAndOtherBranchesContinue) {
  Plan plan({"a", "b", "c", "d"}, {{"b", {"a"}}, {"c", {"b"}}}, {});
  std::vector<std::string> ran;
  std::vector<std::pair<std::string, std::string>> skipped;
  SchedulerCallbacks callbacks;
  callbacks.execute = [&](const std::string& id, int) {
    ran.push_back(id);
    return id != "a";
  };
  callbacks.skipped = [&](const std::string& id, const std::string& cause) {
    skipped.emplace_back(id, cause);
  };
  run_plan(plan, callbacks, {1, false, nullptr});
  EXPECT_EQ(ran, (std::vector<std::string>{"a", "d"}));
  EXPECT_EQ(skipped, (std::vector<std::pair<std::string, std::string>>{{"b", "a"}, {"c", "a"}}));
}

TEST(SchedulerTest, FailFastSkipsEverythingNotStarted) {
  Plan plan({"a", "b", "c", "d"}, {}, {{"a", 4}, {"b", 3}, {"c", 2}, {"d", 1}});
  std::vector<std::string> ran;
  std::vector<std::string> skipped;
  std::string triggered;
  SchedulerCallbacks callbacks;
  callbacks.execute = [&](const std::string& id, int) {
    ran.push_back(id);
    return id != "b";
  };
  callbacks.skipped = [&](const std::string& id, const std::string& cause) {
    EXPECT_EQ(cause, "");
    skipped.push_back(id);
  };
  callbacks.fail_fast_triggered = [&](const std::string& id) { triggered = id; };
  run_plan(plan, callbacks, {1, true, nullptr});
  EXPECT_EQ(ran, (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(skipped, (std::vector<std::string>{"c", "d"}));
  EXPECT_EQ(triggered, "b");
}

TEST(SchedulerTest, CancelStopsDispatching) {
  Plan plan({"a", "b", "c"}, {{"b", {"a"}}, {"c", {"b"}}}, {});
  std::atomic<bool> cancel{false};
  std::vector<std::string> ran, skipped;
  SchedulerCallbacks callbacks;
  callbacks.execute = [&](const std::string& id, int) {
    ran.push_back(id);
    cancel = true;  // Ctrl-C arrives while the first node runs
    return true;
  };
  callbacks.skipped = [&](const std::string& id, const std::string&) { skipped.push_back(id); };
  run_plan(plan, callbacks, {2, false, &cancel});
  EXPECT_EQ(ran, std::vector<std::string>{"a"});
  EXPECT_EQ(skipped, (std::vector<std::string>{"b", "c"}));
}

TEST(SchedulerTest, ExecutorExceptionIsRethrownAfterWorkersStop) {
  Plan plan({"a", "b"}, {}, {});
  SchedulerCallbacks callbacks;
  callbacks.execute = [&](const std::string& id, int) -> bool {
    if (id == "a") throw std::runtime_error("boom");
    return true;
  };
  EXPECT_THROW(run_plan(plan, callbacks, {2, false, nullptr}), std::runtime_error);
}

}  // namespace
}  // namespace kiln
