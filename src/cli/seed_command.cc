#include "cli/seed_command.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <csignal>

#include "adapters/adapter.h"
#include "cli/commands.h"
#include "cli/run_command.h"
#include "context/dbt_context.h"
#include "manifest/manifest_json.h"
#include "runner/seed_task.h"

namespace kiln {
namespace {

std::atomic<bool> seed_interrupted{false};

extern "C" void on_seed_interrupt(int) {
  seed_interrupted.store(true);
}

Data string_list(const std::vector<std::string>& items) {
  Data::List list;
  for (const std::string& item : items) list.push_back(Data::string(item));
  return Data::list(std::move(list));
}

}  // namespace

int run_seed(Invocation& invocation, const SelectionFlags& flags, const RunFlags& run_flags) {
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
  metadata.args = Data::map(
      {{"which", Data::string("seed")},
       {"select", string_list(flags.select)},
       {"exclude", string_list(flags.exclude)},
       {"selector", flags.selector.empty() ? Data::null() : Data::string(flags.selector)},
       {"threads", Data::integer(threads)},
       {"full_refresh", Data::boolean(run_flags.full_refresh)},
       {"fail_fast", Data::boolean(run_flags.fail_fast)},
       {"target",
        invocation.flags().target.empty() ? Data::null() : Data::string(invocation.flags().target)},
       {"invocation_command", Data::string(invocation.flags().command_line)}});

  std::set<std::string> selected = select_from(project, flags, {ResourceType::Seed});
  if (selected.empty()) {
    events().warn("Z080",
                  "Nothing to do. Try checking your model configs and model specification args");
    write_run_results(target_dir / "run_results.json", {}, 0, metadata);
    return kExitSuccess;
  }

  WorkerContexts workers(*project.session.context, threads);
  SeedOptions options;
  options.run.threads = threads;
  options.run.fail_fast = run_flags.fail_fast;
  options.run.full_refresh = run_flags.full_refresh;
  options.run.use_color = invocation.use_color();
  options.run.target_name = target.name;
  options.run.target_dir = target_dir;
  options.run.project_dir = invocation.project_dir();
  options.run.cancel = &seed_interrupted;
  Project root = invocation.load_project();
  options.package_roots[root.name] = root.root_dir;
  for (const Project& package : project.session.packages)
    options.package_roots.emplace(package.name, package.root_dir);

  seed_interrupted = false;
  auto previous = std::signal(SIGINT, on_seed_interrupt);
  RunSummary summary;
  try {
    summary = seed_nodes(project.manifest, selected, workers.contexts(), *project.session.adapter,
                         options);
  } catch (...) {
    std::signal(SIGINT, previous);
    throw;
  }
  std::signal(SIGINT, previous);
  write_run_results(target_dir / "run_results.json", summary.results, summary.elapsed_seconds,
                    metadata);
  if (summary.cancelled) return 130;
  return summary.failed() ? kExitFailure : kExitSuccess;
}

}  // namespace kiln
