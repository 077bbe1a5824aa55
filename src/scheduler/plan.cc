#include "scheduler/plan.h"

#include <algorithm>

namespace kiln {

bool Plan::ReadyOrder::operator()(const std::string& a, const std::string& b) const {
  const Entry& x = entries->at(a);
  const Entry& y = entries->at(b);
  if (x.priority != y.priority) return x.priority > y.priority;
  return x.order < y.order;
}

Plan::Plan(const std::vector<std::string>& nodes,
           const std::map<std::string, std::vector<std::string>>& parents,
           const std::map<std::string, int>& priority)
    : ready_(ReadyOrder{&entries_}) {
  size_t order = 0;
  for (const std::string& id : nodes) {
    Entry& entry = entries_[id];
    entry.order = order++;
    if (auto it = priority.find(id); it != priority.end()) entry.priority = it->second;
  }
  for (const std::string& id : nodes) {
    auto it = parents.find(id);
    if (it == parents.end()) continue;
    std::set<std::string> unique(it->second.begin(), it->second.end());
    for (const std::string& parent : unique) {
      auto parent_entry = entries_.find(parent);
      if (parent_entry == entries_.end() || parent == id) continue;
      parent_entry->second.children.push_back(id);
      ++entries_[id].waiting_on;
    }
  }
  total_ = entries_.size();
  for (const std::string& id : nodes) {
    if (entries_[id].waiting_on == 0) make_ready(id);
  }
}

void Plan::make_ready(const std::string& id) {
  entries_[id].state = Entry::State::Ready;
  ready_.insert(id);
}

std::optional<std::string> Plan::find_work() {
  if (ready_.empty()) return std::nullopt;
  std::string id = *ready_.begin();
  ready_.erase(ready_.begin());
  entries_[id].state = Entry::State::Running;
  running_.insert(id);
  return id;
}

std::vector<std::pair<std::string, std::string>> Plan::node_finished(const std::string& id,
                                                                     bool succeeded) {
  std::vector<std::pair<std::string, std::string>> skipped;
  Entry& entry = entries_.at(id);
  running_.erase(id);
  if (entry.state != Entry::State::Done) {
    entry.state = Entry::State::Done;
    ++finished_;
  }
  if (succeeded) {
    for (const std::string& child : entry.children) {
      Entry& child_entry = entries_.at(child);
      if (child_entry.state == Entry::State::Waiting && --child_entry.waiting_on == 0) {
        make_ready(child);
      }
    }
    return skipped;
  }
  // Skip every descendant still waiting, breadth first.
  std::vector<std::string> pending = entry.children;
  while (!pending.empty()) {
    std::string child = pending.back();
    pending.pop_back();
    Entry& child_entry = entries_.at(child);
    if (child_entry.state == Entry::State::Done || child_entry.state == Entry::State::Running)
      continue;
    if (child_entry.state == Entry::State::Ready) ready_.erase(child);
    child_entry.state = Entry::State::Done;
    ++finished_;
    skipped.emplace_back(child, id);
    pending.insert(pending.end(), child_entry.children.begin(), child_entry.children.end());
  }
  std::sort(skipped.begin(), skipped.end(), [&](const auto& a, const auto& b) {
    return entries_.at(a.first).order < entries_.at(b.first).order;
  });
  return skipped;
}

std::vector<std::string> Plan::skip_remaining() {
  std::vector<std::string> skipped;
  for (auto& [id, entry] : entries_) {
    if (entry.state == Entry::State::Waiting || entry.state == Entry::State::Ready) {
      entry.state = Entry::State::Done;
      ++finished_;
      skipped.push_back(id);
    }
  }
  ready_.clear();
  std::sort(skipped.begin(), skipped.end(), [&](const std::string& a, const std::string& b) {
    return entries_.at(a).order < entries_.at(b).order;
  });
  return skipped;
}

}  // namespace kiln
