#include "scheduler/scheduler.h"

#include <condition_variable>
#include <exception>
#include <mutex>
#include <thread>
#include <vector>

#include "common/events.h"

namespace kiln {

void run_plan(Plan& plan, const SchedulerCallbacks& callbacks, const SchedulerOptions& options) {
  std::mutex mutex;
  std::condition_variable changed;
  bool stopping = false;
  std::exception_ptr crash;

  auto skip_rest = [&](std::unique_lock<std::mutex>&) {
    for (const std::string& id : plan.skip_remaining()) {
      if (callbacks.skipped) callbacks.skipped(id, "");
    }
  };

  auto worker = [&](int number) {
    set_thread_name("Thread-" + std::to_string(number) + " (worker)");
    std::unique_lock lock(mutex);
    while (true) {
      if (!stopping && options.cancel && options.cancel->load()) {
        stopping = true;
        skip_rest(lock);
        changed.notify_all();
      }
      if (plan.done()) {
        changed.notify_all();
        return;
      }
      std::optional<std::string> id = stopping ? std::nullopt : plan.find_work();
      if (!id) {
        if (stopping && plan.running() == 0) {
          changed.notify_all();
          return;
        }
        // Wake up now and then to notice a cancel request even while nothing finishes.
        changed.wait_for(lock, std::chrono::milliseconds(50));
        continue;
      }
      lock.unlock();
      bool succeeded = false;
      try {
        succeeded = callbacks.execute(*id, number);
      } catch (...) {
        lock.lock();
        if (!crash) crash = std::current_exception();
        stopping = true;
        plan.node_finished(*id, false);
        skip_rest(lock);
        changed.notify_all();
        continue;
      }
      lock.lock();
      for (const auto& [skipped, cause] : plan.node_finished(*id, succeeded)) {
        if (callbacks.skipped) callbacks.skipped(skipped, cause);
      }
      if (!succeeded && options.fail_fast && !stopping) {
        stopping = true;
        if (callbacks.fail_fast_triggered) callbacks.fail_fast_triggered(*id);
        skip_rest(lock);
      }
      changed.notify_all();
    }
  };

  int threads = std::max(1, options.threads);
  std::vector<std::thread> pool;
  for (int number = 2; number <= threads; ++number) pool.emplace_back(worker, number);
  worker(1);
  for (std::thread& thread : pool) thread.join();
  set_thread_name("MainThread");
  if (crash) std::rethrow_exception(crash);
}

}  // namespace kiln
