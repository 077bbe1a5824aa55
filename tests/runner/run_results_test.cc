#include "runner/run_results.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace kiln {
namespace {

TEST(RunResultsTest, WritesDbtV6Shape) {
  auto now = std::chrono::system_clock::now();
  NodeResult success;
  success.unique_id = "model.shop.orders";
  success.status = NodeStatus::Success;
  success.message = "OK";
  success.thread_id = "Thread-1 (worker)";
  success.execution_time = 0.25;
  success.timing = {{"compile", now, now}, {"execute", now, now}};
  success.adapter_response = AdapterResponse{"OK", "CREATE", 3};
  success.compiled_code = "select 1";
  success.relation_name = "\"dev\".\"main\".\"orders\"";
  NodeResult skipped;
  skipped.unique_id = "model.shop.after";
  skipped.status = NodeStatus::Skipped;
  RunResultsMetadata metadata;
  metadata.dbt_version = "1.9.0";
  metadata.invocation_id = "abc";
  metadata.invocation_started_at = now;
  metadata.args = Data::map({{"which", Data::string("run")}});

  auto json = nlohmann::json::parse(run_results_json({success, skipped}, 1.5, metadata));
  EXPECT_EQ(json["metadata"]["dbt_schema_version"],
            "https://schemas.getdbt.com/dbt/run-results/v6.json");
  EXPECT_EQ(json["metadata"]["invocation_id"], "abc");
  EXPECT_EQ(json["elapsed_time"], 1.5);
  EXPECT_EQ(json["args"]["which"], "run");
  const auto& first = json["results"][0];
  EXPECT_EQ(first["status"], "success");
  EXPECT_EQ(first["timing"].size(), 2u);
  EXPECT_EQ(first["timing"][1]["name"], "execute");
  EXPECT_EQ(first["adapter_response"]["rows_affected"], 3);
  EXPECT_EQ(first["adapter_response"]["_message"], "OK");
  EXPECT_EQ(first["compiled"], true);
  EXPECT_EQ(first["compiled_code"], "select 1");
  EXPECT_TRUE(first["failures"].is_null());
  const auto& second = json["results"][1];
  EXPECT_EQ(second["status"], "skipped");
  EXPECT_TRUE(second["message"].is_null());
  EXPECT_TRUE(second["compiled_code"].is_null());
  EXPECT_TRUE(second["relation_name"].is_null());
  EXPECT_TRUE(second["adapter_response"].empty());
}

TEST(RunResultsTest, TestsRecordTheirStatusAndFailures) {
  NodeResult failed;
  failed.unique_id = "test.shop.unique_orders_order_id.1a2b3c";
  failed.status = NodeStatus::Fail;
  failed.failures = 3;
  failed.message = "Got 3 results, configured to fail if != 0";
  NodeResult warned;
  warned.status = NodeStatus::Warn;
  warned.failures = 1;
  NodeResult passed;
  passed.status = NodeStatus::Pass;
  passed.failures = 0;
  auto json = nlohmann::json::parse(run_results_json({failed, warned, passed}, 0.1, {}));
  EXPECT_EQ(json["results"][0]["status"], "fail");
  EXPECT_EQ(json["results"][0]["failures"], 3);
  EXPECT_EQ(json["results"][0]["message"], "Got 3 results, configured to fail if != 0");
  EXPECT_EQ(json["results"][1]["status"], "warn");
  EXPECT_EQ(json["results"][1]["failures"], 1);
  EXPECT_EQ(json["results"][2]["status"], "pass");
  EXPECT_EQ(json["results"][2]["failures"], 0);
}

}  // namespace
}  // namespace kiln
