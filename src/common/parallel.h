#pragma once

#include <algorithm>
#include <atomic>
#include <cstddef>
#include <exception>
#include <functional>
#include <thread>
#include <vector>

namespace kiln {

// Runs work(i) for every i in [0, count) on up to `threads` threads (0: one per core). Each index
// runs exactly once; an exception thrown for an index is rethrown after all work ends, the one
// with the lowest index first, so errors are reported the same way on every run.
inline void parallel_for(size_t count, const std::function<void(size_t)>& work,
                         unsigned threads = 0) {
  if (threads == 0) threads = std::max(1u, std::thread::hardware_concurrency());
  threads = static_cast<unsigned>(std::min<size_t>(threads, count));
  std::vector<std::exception_ptr> errors(count);
  if (threads <= 1) {
    for (size_t i = 0; i < count; ++i) {
      try {
        work(i);
      } catch (...) {
        errors[i] = std::current_exception();
      }
    }
  } else {
    std::atomic<size_t> next{0};
    auto run = [&] {
      for (size_t i = next++; i < count; i = next++) {
        try {
          work(i);
        } catch (...) {
          errors[i] = std::current_exception();
        }
      }
    };
    std::vector<std::thread> pool;
    for (unsigned t = 1; t < threads; ++t) pool.emplace_back(run);
    run();
    for (std::thread& thread : pool) thread.join();
  }
  for (const std::exception_ptr& error : errors) {
    if (error) std::rethrow_exception(error);
  }
}

}  // namespace kiln
