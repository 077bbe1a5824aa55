#include <algorithm>
#include <atomic>
#include <chrono>
#include <csignal>

#include <nlohmann/json.hpp>

#include "adapters/adapter.h"
#include "cli/commands.h"
#include "cli/run_command.h"
#include "cli/selection.h"
#include "common/strings.h"
#include "context/dbt_context.h"
#include "manifest/manifest_json.h"
#include "project/yaml_reader.h"
#include "runner/microbatch.h"
#include "runner/run_task.h"
#include "runner/seed_task.h"
#include "runner/snapshot_task.h"
#include "runner/test_task.h"
#include "runner/unit_test_task.h"

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
       {"store_failures", Data::boolean(run_flags.store_failures)},
       {"empty", Data::boolean(run_flags.empty)},
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

// --defer: the relations of the --state manifest's models, seeds and snapshots, for refs to
// nodes this invocation does not build.
void set_up_deferral(const SelectionFlags& flags, const RunFlags& run_flags, ParsedProject& project,
                     const std::set<std::string>& selected) {
  if (flags.state.empty()) {
    throw KilnError(ErrorKind::Usage,
                    "--defer needs --state DIR, the folder of the manifest.json "
                    "to defer to (e.g. the production run's target/)");
  }
  std::filesystem::path dir = flags.state;
  if (dir.is_relative()) dir = std::filesystem::current_path() / dir;
  Manifest state = read_manifest(dir / "manifest.json");
  auto deferral = std::make_shared<DbtContext::Deferral>();
  deferral->running = selected;
  deferral->favor_state = run_flags.favor_state;
  for (const auto& [id, node] : state.nodes) {
    if (node.resource_type != ResourceType::Model && node.resource_type != ResourceType::Seed &&
        node.resource_type != ResourceType::Snapshot)
      continue;
    const Data* materialized = node.config.find("materialized");
    bool view = materialized && materialized->is_string() && materialized->as_string() == "view";
    deferral->state_relations[id] = {node.database, node.schema,
                                     node.alias.empty() ? node.name : node.alias,
                                     view ? RelationType::View : RelationType::Table};
  }
  project.session.context->set_deferral(std::move(deferral));
}

}  // namespace

std::unique_ptr<NodeTask> make_model_task(const ParsedProject& project, const RunFlags& run_flags,
                                          const RunOptions& options) {
  MicrobatchOptions microbatch;
  microbatch.now = std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
  microbatch.use_color = options.use_color;
  microbatch.retry_batches = run_flags.retry_batches;
  if (run_flags.event_time_start.empty() != run_flags.event_time_end.empty()) {
    throw KilnError(ErrorKind::Usage,
                    "--event-time-start and --event-time-end go together; one is missing", {},
                    "e.g. --event-time-start 2024-09-01 --event-time-end 2024-09-04");
  }
  for (const auto& [flag, text, field] :
       {std::tuple{"--event-time-start", &run_flags.event_time_start, &microbatch.event_time_start},
        std::tuple{"--event-time-end", &run_flags.event_time_end, &microbatch.event_time_end}}) {
    if (text->empty()) continue;
    *field = parse_utc_time(*text);
    if (!*field) {
      throw KilnError(ErrorKind::Usage, std::string(flag) + " '" + *text + "' is not a time", {},
                      "write a UTC date or time, e.g. 2024-09-01 or 2024-09-01 06:00:00");
    }
  }
  if (microbatch.event_time_start && !(*microbatch.event_time_start < *microbatch.event_time_end)) {
    throw KilnError(ErrorKind::Usage, "--event-time-start must be before --event-time-end");
  }
  return std::make_unique<ModelTask>(project.session.adapter->default_database(),
                                     std::move(microbatch));
}

std::unique_ptr<NodeTask> make_seed_task(const ParsedProject& project, const RunFlags&,
                                         const RunOptions&) {
  std::map<std::string, std::filesystem::path> roots;
  roots[project.manifest.metadata.project_name] = project.root_dir;
  for (const Project& package : project.session.packages)
    roots.emplace(package.name, package.root_dir);
  return std::make_unique<SeedTask>(project.session.adapter->default_database(), std::move(roots));
}

std::unique_ptr<NodeTask> make_snapshot_task(const ParsedProject& project, const RunFlags&,
                                             const RunOptions&) {
  return std::make_unique<SnapshotTask>(project.session.adapter->default_database());
}

std::unique_ptr<NodeTask> make_test_task(const ParsedProject& project, const RunFlags& run_flags,
                                         const RunOptions& options) {
  std::shared_ptr<TestFusion> fusion;
  if (run_flags.fuse_tests) {
    TestFusion::Options fusion_options;
    fusion_options.store_failures = run_flags.store_failures;
    fusion_options.adapter_type = project.session.adapter->type();
    fusion_options.fuse_tables = fusion_options.adapter_type != "duckdb";
    fusion_options.builtin_dbt_utils =
        std::none_of(project.session.packages.begin(), project.session.packages.end(),
                     [](const Project& package) { return package.name == "dbt_utils"; });
    fusion = std::make_shared<TestFusion>(project.manifest, options.selected, fusion_options);
  }
  std::vector<std::unique_ptr<NodeTask>> tasks;
  tasks.push_back(std::make_unique<TestTask>(std::move(fusion)));
  tasks.push_back(std::make_unique<UnitTestTask>(project.fixture_dirs));
  return std::make_unique<BuildTask>(std::move(tasks), false);
}

int run_run(Invocation& invocation, const SelectionFlags& flags, const RunFlags& run_flags) {
  return run_task_command(invocation, flags, run_flags, {"run", {ResourceType::Model}, nullptr},
                          make_model_task);
}

int run_snapshot(Invocation& invocation, const SelectionFlags& flags, const RunFlags& run_flags) {
  return run_task_command(invocation, flags, run_flags,
                          {"snapshot", {ResourceType::Snapshot}, nullptr}, make_snapshot_task);
}

int run_seed(Invocation& invocation, const SelectionFlags& flags, const RunFlags& run_flags) {
  return run_task_command(invocation, flags, run_flags, {"seed", {ResourceType::Seed}, nullptr},
                          make_seed_task);
}

int run_test(Invocation& invocation, const SelectionFlags& flags, const RunFlags& run_flags) {
  TaskCommand command;
  command.which = "test";
  command.types = {ResourceType::Test, ResourceType::UnitTest};
  return run_task_command(invocation, flags, run_flags, command, make_test_task);
}

int run_retry(Invocation& invocation) {
  std::filesystem::path results_path = invocation.target_dir() / "run_results.json";
  std::error_code ec;
  if (!std::filesystem::exists(results_path, ec)) {
    throw KilnError(ErrorKind::Usage,
                    "kiln retry needs the run_results.json of an earlier command, and " +
                        results_path.lexically_relative(invocation.project_dir()).string() +
                        " does not exist",
                    {}, "run kiln build, run, test, seed or snapshot first");
  }
  nlohmann::json previous;
  try {
    previous = nlohmann::json::parse(read_text_file(results_path, "run_results.json"));
  } catch (const nlohmann::json::exception& error) {
    throw KilnError(ErrorKind::Io, "cannot read " + results_path.string() + ": " + error.what());
  }
  const nlohmann::json& args = previous.value("args", nlohmann::json::object());
  std::string which = args.value("which", "");
  auto flag = [&](const char* key) {
    return args.contains(key) && args[key].is_boolean() && args[key].get<bool>();
  };
  RunFlags run_flags;
  run_flags.full_refresh = flag("full_refresh");
  run_flags.fail_fast = flag("fail_fast");
  run_flags.store_failures = flag("store_failures");
  run_flags.empty = flag("empty");

  // What did not succeed last time, as dbt retries it: errors, failed tests and skipped nodes.
  std::set<std::string> retried;
  for (const nlohmann::json& result : previous.value("results", nlohmann::json::array())) {
    std::string status = result.value("status", "");
    std::string id = result.value("unique_id", "");
    if (status == "error" || status == "fail" || status == "skipped" || status == "runtime error")
      retried.insert(id);
    // A microbatch model that partly succeeded runs its failed batches only.
    if (status == "partial success" && result.contains("batch_results") &&
        result["batch_results"].is_object()) {
      retried.insert(id);
      for (const nlohmann::json& window :
           result["batch_results"].value("failed", nlohmann::json::array())) {
        if (window.is_array() && window.size() == 2 && window[0].is_string() &&
            window[1].is_string())
          run_flags.retry_batches[id].push_back(
              {window[0].get<std::string>(), window[1].get<std::string>()});
      }
    }
  }

  TaskCommand command;
  command.which = which;
  if (args.contains("threads") && args["threads"].is_number_integer())
    command.threads = args["threads"].get<int>();
  command.types = {ResourceType::Model, ResourceType::Seed, ResourceType::Snapshot,
                   ResourceType::Test, ResourceType::UnitTest};
  command.filter = [&](const Manifest& manifest, std::set<std::string>& selected) {
    selected.clear();
    for (const std::string& id : retried) {
      if (manifest.find_node(id)) selected.insert(id);
    }
  };
  SelectionFlags everything;
  TaskFactory make_task;
  if (which == "run") {
    make_task = make_model_task;
  } else if (which == "seed") {
    make_task = make_seed_task;
  } else if (which == "snapshot") {
    make_task = make_snapshot_task;
  } else if (which == "test") {
    make_task = make_test_task;
  } else if (which == "build") {
    make_task = make_build_task;
  } else {
    throw KilnError(
        ErrorKind::Usage,
        "kiln retry re-runs build, run, test, seed or snapshot; the last command was '" + which +
            "'");
  }
  return run_task_command(invocation, everything, run_flags, command, make_task);
}

std::unique_ptr<NodeTask> make_build_task(const ParsedProject& project, const RunFlags& run_flags,
                                          const RunOptions& options) {
  std::vector<std::unique_ptr<NodeTask>> tasks;
  tasks.push_back(make_model_task(project, run_flags, options));
  tasks.push_back(make_seed_task(project, run_flags, options));
  tasks.push_back(make_snapshot_task(project, run_flags, options));
  tasks.push_back(make_test_task(project, run_flags, options));
  return std::make_unique<BuildTask>(std::move(tasks), true);
}

int run_build(Invocation& invocation, const SelectionFlags& flags, const RunFlags& run_flags) {
  TaskCommand command;
  command.which = "build";
  command.types = {ResourceType::Model, ResourceType::Seed, ResourceType::Snapshot,
                   ResourceType::Test, ResourceType::UnitTest};
  return run_task_command(invocation, flags, run_flags, command, make_build_task);
}

int run_task_command(Invocation& invocation, const SelectionFlags& flags, const RunFlags& run_flags,
                     const TaskCommand& command, const TaskFactory& make_task) {
  auto invocation_started = std::chrono::system_clock::now();
  ParsedProject project = parse_and_check(invocation);
  std::filesystem::path target_dir = invocation.target_dir();
  write_manifest(project.manifest, target_dir / "manifest.json");
  Target target = invocation.load_target();
  int threads = invocation.flags().threads > 0 ? invocation.flags().threads
                : command.threads > 0          ? command.threads
                                               : target.threads;
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

  if (run_flags.defer) set_up_deferral(flags, run_flags, project, selected);
  WorkerContexts workers(*project.session.context, threads);
  RunOptions options;
  options.which = command.which;
  options.threads = threads;
  options.fail_fast = run_flags.fail_fast;
  options.full_refresh = run_flags.full_refresh;
  options.store_failures = run_flags.store_failures;
  options.empty = run_flags.empty;
  options.selected = selected;
  options.use_color = invocation.use_color();
  options.target_name = target.name;
  options.target_dir = target_dir;
  options.project_dir = invocation.project_dir();
  options.cancel = &interrupted;
  collect_hooks(invocation.load_project(), project.session.packages, options);
  InterruptScope interrupt_scope;
  std::unique_ptr<NodeTask> task = make_task(project, run_flags, options);
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
