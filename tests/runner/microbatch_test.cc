#include "runner/microbatch.h"

#include <gtest/gtest.h>

#include "runner/freshness.h"

namespace kiln {
namespace {

UtcTime at(const char* text) {
  auto time = parse_utc_time(text);
  EXPECT_TRUE(time) << text;
  return time.value_or(UtcTime{});
}

TEST(Microbatch, ParsesDatesTimesAndOffsetsAsUtc) {
  EXPECT_EQ(sql_time_text(at("2024-10-01")), "2024-10-01 00:00:00");
  EXPECT_EQ(sql_time_text(at("2024-10-01 05:06")), "2024-10-01 05:06:00");
  EXPECT_EQ(sql_time_text(at("2024-10-01T05:06:07Z")), "2024-10-01 05:06:07");
  EXPECT_EQ(sql_time_text(at("2024-10-01 05:06:07.123456+00")), "2024-10-01 05:06:07");
  EXPECT_EQ(sql_time_text(at("2024-10-01 01:00:00+02:00")), "2024-09-30 23:00:00");
  EXPECT_FALSE(parse_utc_time("2024-13-01"));
  EXPECT_FALSE(parse_utc_time("2024-02-30"));
  EXPECT_FALSE(parse_utc_time("yesterday"));
  EXPECT_FALSE(parse_utc_time("2024-10-01 25:00"));
}

TEST(Microbatch, BatchStartsAndStepsFollowTheCalendar) {
  UtcTime time = at("2024-03-31 17:45:12");
  EXPECT_EQ(sql_time_text(batch_start(time, BatchSize::Hour)), "2024-03-31 17:00:00");
  EXPECT_EQ(sql_time_text(batch_start(time, BatchSize::Day)), "2024-03-31 00:00:00");
  EXPECT_EQ(sql_time_text(batch_start(time, BatchSize::Month)), "2024-03-01 00:00:00");
  EXPECT_EQ(sql_time_text(batch_start(time, BatchSize::Year)), "2024-01-01 00:00:00");
  EXPECT_EQ(sql_time_text(add_batches(at("2024-01-01"), BatchSize::Month, 1)),
            "2024-02-01 00:00:00");
  EXPECT_EQ(sql_time_text(add_batches(at("2024-03-01"), BatchSize::Month, -1)),
            "2024-02-01 00:00:00");
  EXPECT_EQ(sql_time_text(add_batches(at("2024-02-29"), BatchSize::Year, 1)),
            "2025-02-28 00:00:00");
  EXPECT_EQ(batch_id(at("2024-10-01 05:00"), BatchSize::Hour), "2024100105");
  EXPECT_EQ(batch_id(at("2024-10-01"), BatchSize::Day), "20241001");
  EXPECT_EQ(batch_id(at("2024-10-01"), BatchSize::Month), "202410");
  EXPECT_EQ(iso_time_text(at("2024-10-01")), "2024-10-01T00:00:00+00:00");
}

TEST(Microbatch, BatchesCoverTheWindowFromTheStartOfTheFirstBatch) {
  auto batches = batches_between(at("2024-10-01 12:00"), at("2024-10-03 00:00:01"), BatchSize::Day);
  ASSERT_EQ(batches.size(), 3u);
  EXPECT_EQ(sql_time_text(batches[0].start), "2024-10-01 00:00:00");
  EXPECT_EQ(sql_time_text(batches[2].end), "2024-10-04 00:00:00");
  EXPECT_TRUE(batches_between(at("2024-10-02"), at("2024-10-01"), BatchSize::Day).empty());
  EXPECT_EQ(batches_between(at("2024-01-15"), at("2024-04-01"), BatchSize::Month).size(), 3u);
}

TEST(Freshness, ErrorAfterWinsOverWarnAfterAndPeriodsScale) {
  Data freshness = Data::map(
      {{"warn_after", Data::map({{"count", Data::integer(1)}, {"period", Data::string("hour")}})},
       {"error_after", Data::map({{"count", Data::integer(2)}, {"period", Data::string("day")}})}});
  EXPECT_EQ(freshness_status(freshness, 3599), FreshnessStatus::Pass);
  EXPECT_EQ(freshness_status(freshness, 3601), FreshnessStatus::Warn);
  EXPECT_EQ(freshness_status(freshness, 2 * 86400 + 1), FreshnessStatus::Error);
  EXPECT_EQ(freshness_limit_seconds(
                Data::map({{"count", Data::integer(5)}, {"period", Data::string("minute")}})),
            300);
  // An incomplete rule is ignored, as dbt ignores it.
  EXPECT_FALSE(freshness_limit_seconds(Data::map({{"count", Data::integer(5)}})));
  EXPECT_EQ(
      freshness_status(Data::map({{"warn_after", Data::map({{"count", Data::integer(1)}})}}), 1e9),
      FreshnessStatus::Pass);
}

}  // namespace
}  // namespace kiln
