#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace kiln {

// Time windows of microbatch incremental models (dbt 1.9's `incremental_strategy='microbatch'`).
// All times are UTC, as dbt assumes for event_time, begin and --event-time-start/end.

enum class BatchSize { Hour, Day, Month, Year };

// "hour", "day", "month", "year" (any case); nullopt for anything else.
std::optional<BatchSize> parse_batch_size(std::string_view text);

using UtcTime = std::chrono::sys_seconds;

// "2024-10-01", "2024-10-01 05:00", "2024-10-01T05:00:00", "2024-10-01 05:00:00+00:00" or
// "...Z"; an offset other than zero is converted to UTC. nullopt when the text is none of these.
std::optional<UtcTime> parse_utc_time(std::string_view text);

// The start of the batch that holds `time`: 2024-10-01 05:12 by day -> 2024-10-01 00:00.
UtcTime batch_start(UtcTime time, BatchSize size);
// `time` moved by `count` batches (negative: earlier); months and years by calendar.
UtcTime add_batches(UtcTime time, BatchSize size, int count);

// "2024-10-01 00:00:00": how windows appear in SQL filters.
std::string sql_time_text(UtcTime time);
// "2024-10-01T00:00:00+00:00": how run_results.json records batches.
std::string iso_time_text(UtcTime time);
// dbt's batch id: "20241001" for a day, "2024100105" for an hour, "202410" for a month.
std::string batch_id(UtcTime start, BatchSize size);

struct BatchWindow {
  UtcTime start;
  UtcTime end;  // exclusive
};

// The batches that cover [from, to): from batch_start(from) until a batch reaches `to`, in order.
// Empty when `to` is not after `from`.
std::vector<BatchWindow> batches_between(UtcTime from, UtcTime to, BatchSize size);

}  // namespace kiln
