#pragma once

#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace kiln {

// What is left to run and what may run next, in the spirit of ninja's Plan: a set of wanted
// nodes, a ready queue ordered by priority (longest remaining chain first, so the critical path
// starts early), and bookkeeping as nodes finish. A failed node's descendants in the plan are
// skipped; other branches go on. Not thread-safe: the scheduler holds a lock around it.
class Plan {
 public:
  // `parents` gives, for each node, the nodes of the plan that must finish first (ids outside the
  // plan are ignored). `priority`: larger runs first among ready nodes; ties go by id.
  Plan(const std::vector<std::string>& nodes,
       const std::map<std::string, std::vector<std::string>>& parents,
       const std::map<std::string, int>& priority);

  size_t total() const { return total_; }
  size_t finished() const { return finished_; }
  size_t running() const { return running_.size(); }
  bool done() const { return finished_ == total_; }
  bool has_ready_work() const { return !ready_.empty(); }

  // The next node to start, or nullopt when none is ready now.
  std::optional<std::string> find_work();

  // Records that `id` finished. When it failed, every node that depends on it, directly or not,
  // is skipped; those are returned, in plan order, each with the failed ancestor that caused it.
  std::vector<std::pair<std::string, std::string>> node_finished(const std::string& id,
                                                                 bool succeeded);

  // Skips everything not yet started (fail-fast, Ctrl-C); returns those ids in plan order.
  std::vector<std::string> skip_remaining();

 private:
  struct Entry {
    std::vector<std::string> children;
    size_t waiting_on = 0;  // unfinished parents
    int priority = 0;
    size_t order = 0;  // position in the plan, for deterministic ordering
    enum class State { Waiting, Ready, Running, Done } state = State::Waiting;
  };
  struct ReadyOrder {
    const std::map<std::string, Entry>* entries;
    bool operator()(const std::string& a, const std::string& b) const;
  };

  void make_ready(const std::string& id);

  std::map<std::string, Entry> entries_;
  std::set<std::string, ReadyOrder> ready_;
  std::set<std::string> running_;
  size_t total_ = 0;
  size_t finished_ = 0;
};

}  // namespace kiln
