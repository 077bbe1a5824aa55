#include "runner/snapshot_task.h"

#include "common/strings.h"
#include "runner/node_lines.h"

namespace kiln {

bool SnapshotTask::runs(const Node& node) const {
  return node.resource_type == ResourceType::Snapshot;
}

std::string SnapshotTask::relation(const Node& node) const {
  return relation_label(node, default_database_);
}

std::string SnapshotTask::start_text(const Node& node) const {
  return "START snapshot " + relation(node);
}

std::string SnapshotTask::skip_text(const Node& node) const {
  return "SKIP relation " + relation(node);
}

void SnapshotTask::finish(const Node&, const ExecutionOutcome& outcome, NodeResult& result) const {
  result.status = NodeStatus::Success;
  result.adapter_response = outcome.main_response.value_or(AdapterResponse{"OK", "", -1});
  result.message = result.adapter_response->message;
}

ResultLine SnapshotTask::result_line(const Node& node, const NodeResult& result) const {
  if (result.status == NodeStatus::Success) {
    std::string word = result.message.empty() ? "OK" : result.message;
    return {"OK snapshotted " + relation(node), word, kGreen, Level::Info};
  }
  return {"ERROR snapshotting " + relation(node), "ERROR", kRed, Level::Error};
}

const NodeTask* BuildTask::task_of(const Node& node) const {
  for (const auto& task : tasks_) {
    if (task->runs(node)) return task.get();
  }
  return nullptr;
}

}  // namespace kiln
