#include "cli/run_command.h"
#include "runner/test_task.h"

namespace kiln {

int run_test(Invocation& invocation, const SelectionFlags& flags, const RunFlags& run_flags) {
  TaskCommand command;
  command.which = "test";
  command.types = {ResourceType::Test, ResourceType::UnitTest};
  command.filter = [](const Manifest& manifest, std::set<std::string>& selected) {
    // Unit tests (test_type:unit) need given inputs and expected rows, which kiln does not run
    // yet: they are left out, and said so.
    size_t unit_tests = 0;
    for (auto it = selected.begin(); it != selected.end();) {
      auto node = manifest.nodes.find(*it);
      bool unit = node == manifest.nodes.end()
                      ? it->starts_with("unit_test.")
                      : node->second.resource_type == ResourceType::UnitTest;
      if (unit) {
        ++unit_tests;
        it = selected.erase(it);
      } else {
        ++it;
      }
    }
    if (unit_tests > 0) {
      events().warn("Z083", "Skipping " + std::to_string(unit_tests) +
                                (unit_tests == 1 ? " unit test" : " unit tests") +
                                ": kiln test does not run unit tests yet (only data tests)");
    }
  };
  return run_task_command(
      invocation, flags, run_flags, command,
      [](Adapter&) -> std::unique_ptr<NodeTask> { return std::make_unique<TestTask>(); });
}

}  // namespace kiln
