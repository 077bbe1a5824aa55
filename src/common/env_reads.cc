#include "common/env_reads.h"

#include <mutex>
#include <set>

namespace kiln {
namespace {

std::mutex& reads_mutex() {
  static std::mutex mutex;
  return mutex;
}

std::set<std::string, std::less<>>& reads() {
  static std::set<std::string, std::less<>> names;
  return names;
}

}  // namespace

void note_env_read(std::string_view name) {
  std::lock_guard<std::mutex> lock(reads_mutex());
  if (reads().find(name) == reads().end()) reads().emplace(name);
}

std::vector<std::string> env_reads() {
  std::lock_guard<std::mutex> lock(reads_mutex());
  return {reads().begin(), reads().end()};
}

}  // namespace kiln
