#pragma once

#include <atomic>
#include <functional>
#include <string>

#include "scheduler/plan.h"

namespace kiln {

// Runs a Plan on worker threads. The executor does the work of one node (compile, run, record
// its result) and says whether it succeeded; the scheduler decides what runs next. With
// fail_fast, the first failure skips everything not yet started. Setting `cancel` (Ctrl-C) does
// the same; nodes already running finish or are cancelled by their executor.
struct SchedulerCallbacks {
  // Runs one node on worker `worker` (1-based, as dbt numbers threads). Returns success.
  std::function<bool(const std::string& id, int worker)> execute;
  // A node that will not run: `cause` is the failed ancestor, or "" after fail-fast/cancel.
  std::function<void(const std::string& id, const std::string& cause)> skipped;
  // The first failure under fail_fast, before remaining nodes are skipped: the caller cancels
  // statements still running.
  std::function<void(const std::string& id)> fail_fast_triggered;
};

struct SchedulerOptions {
  int threads = 1;
  bool fail_fast = false;
  const std::atomic<bool>* cancel = nullptr;
};

void run_plan(Plan& plan, const SchedulerCallbacks& callbacks, const SchedulerOptions& options);

}  // namespace kiln
