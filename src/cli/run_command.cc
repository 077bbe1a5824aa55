#include <algorithm>
#include <atomic>
#include <chrono>
#include <csignal>

#include "adapters/adapter.h"
#include "cli/commands.h"
#include "cli/run_command.h"
#include "cli/selection.h"
#include "context/dbt_context.h"
#include "manifest/manifest_json.h"
#include "runner/run_task.h"

namespace kiln {
namespace {

// Set by SIGINT (Ctrl-C) while models are built; lock-free, so the handler may store to it.
std::atomic<bool> interrupted{false};
static_assert(std::atomic<bool>::is_always_lock_free);

extern "C" void on_interrupt(int) {
  interrupted.store(true);
}

// Installs the Ctrl-C handler for the run and puts the previous one back afterwards.
class InterruptScope {
 public:
  InterruptScope() {
    interrupted = false;
    previous_ = std::signal(SIGINT, on_interrupt);
  }
  ~InterruptScope() { std::signal(SIGINT, previous_); }
  InterruptScope(const InterruptScope&) = delete;
  InterruptScope& operator=(const InterruptScope&) = delete;

 private:
  void (*previous_)(int) = SIG_DFL;
};

Data string_list(const std::vector<std::string>& items) {
  Data::List list;
  for (const std::string& item : items) list.push_back(Data::string(item));
  return Data::list(std::move(list));
}

// run_results.json's `args`, with dbt's key names.
Data run_args(const Invocation& invocation, const SelectionFlags& flags, const RunFlags& run_flags,
              const std::string& which, int threads) {
  return Data::map(
      {{"which", Data::string(which)},
       {"select", string_list(flags.select)},
       {"exclude", string_list(flags.exclude)},
       {"selector", flags.selector.empty() ? Data::null() : Data::string(flags.selector)},
       {"threads", Data::integer(threads)},
       {"full_refresh", Data::boolean(run_flags.full_refresh)},
       {"fail_fast", Data::boolean(run_flags.fail_fast)},
       {"target",
        invocation.flags().target.empty() ? Data::null() : Data::string(invocation.flags().target)},
       {"invocation_command", Data::string(invocation.flags().command_line)}});
}

// dbt's order of on-run-start/on-run-end hooks: packages' first, by package name, then the root
// project's, each list in its written order.
void collect_hooks(const Project& root, const std::vector<Project>& packages, RunOptions& options) {
  std::vector<const Project*> ordered;
  for (const Project& package : packages) ordered.push_back(&package);
  std::sort(ordered.begin(), ordered.end(),
            [](const Project* a, const Project* b) { return a->name < b->name; });
  ordered.push_back(&root);
  for (const Project* project : ordered) {
    for (size_t i = 0; i < project->on_run_start.size(); ++i)
      options.on_run_start.push_back(
          {project->name, static_cast<int>(i), project->on_run_start[i]});
    for (size_t i = 0; i < project->on_run_end.size(); ++i)
      options.on_run_end.push_back({project->name, static_cast<int>(i), project->on_run_end[i]});
  }
}

}  // namespace

int run_run(Invocation& invocation, const SelectionFlags& flags, const RunFlags& run_flags) {
  return run_task_command(invocation, flags, run_flags, {"run", {ResourceType::Model}, nullptr},
                          [](Adapter& adapter) -> std::unique_ptr<NodeTask> {
                            return std::make_unique<ModelTask>(adapter.default_database());
                          });
}

int run_task_command(Invocation& invocation, const SelectionFlags& flags, const RunFlags& run_flags,
                     const TaskCommand& command,
                     const std::function<std::unique_ptr<NodeTask>(Adapter&)>& make_task) {
  auto invocation_started = std::chrono::system_clock::now();
  ParsedProject project = parse_and_check(invocation);
  std::filesystem::path target_dir = invocation.target_dir();
  write_manifest(project.manifest, target_dir / "manifest.json");
  Target target = invocation.load_target();
  int threads = invocation.flags().threads > 0 ? invocation.flags().threads : target.threads;
  threads = std::max(1, threads);

  RunResultsMetadata metadata;
  metadata.dbt_version = project.manifest.metadata.dbt_version;
  metadata.invocation_id = invocation.invocation_id();
  metadata.invocation_started_at = invocation_started;
  metadata.args = run_args(invocation, flags, run_flags, command.which, threads);

  std::set<std::string> selected = select_from(project, flags, command.types);
  if (command.filter) command.filter(project.manifest, selected);
  if (selected.empty()) {
    events().warn("Z080",
                  "Nothing to do. Try checking your model configs and model specification args");
    write_run_results(target_dir / "run_results.json", {}, 0, metadata);
    return kExitSuccess;
  }

  WorkerContexts workers(*project.session.context, threads);
  RunOptions options;
  options.which = command.which;
  options.threads = threads;
  options.fail_fast = run_flags.fail_fast;
  options.full_refresh = run_flags.full_refresh;
  options.store_failures = run_flags.store_failures;
  options.use_color = invocation.use_color();
  options.target_name = target.name;
  options.target_dir = target_dir;
  options.project_dir = invocation.project_dir();
  options.cancel = &interrupted;
  collect_hooks(invocation.load_project(), project.session.packages, options);
  InterruptScope interrupt_scope;
  std::unique_ptr<NodeTask> task = make_task(*project.session.adapter);
  RunSummary summary = run_nodes(project.manifest, project.dag, selected, workers.contexts(),
                                 *project.session.adapter, options, *task);
  write_run_results(target_dir / "run_results.json", summary.results, summary.elapsed_seconds,
                    metadata);
  // 130: a shell's code for a process ended by SIGINT, as dbt exits after Ctrl-C.
  if (summary.cancelled) return 130;
  return summary.failed() ? kExitFailure : kExitSuccess;
}

WorkerContexts::WorkerContexts(DbtContext& parsed, int threads) : contexts_{&parsed} {
  for (int worker = 2; worker <= threads; ++worker) {
    clones_.push_back(parsed.clone());
    contexts_.push_back(clones_.back().get());
  }
}

}  // namespace kiln
