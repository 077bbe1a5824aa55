#include "project/files.h"

#include <algorithm>
#include <map>
#include <set>

#include "project/ignore_rules.h"

namespace kiln {
namespace {

// Every regular file under one resource folder, as walked once: resource types that share a
// folder (models' SQL, YAML and Markdown) pick their extensions from the same walk.
struct WalkedFile {
  std::string relative;  // to the project root, '/'-separated
  std::filesystem::path absolute;
  std::string extension;
};

const std::vector<WalkedFile>& walk(const Project& project, const IgnoreRules& ignore,
                                    const std::string& root,
                                    std::map<std::string, std::vector<WalkedFile>>& walked) {
  auto [entry, inserted] = walked.try_emplace(root);
  std::vector<WalkedFile>& files = entry->second;
  if (!inserted) return files;
  std::filesystem::path dir = project.root_dir / root;
  std::error_code ec;
  if (!std::filesystem::is_directory(dir, ec)) return files;
  auto options = std::filesystem::directory_options::follow_directory_symlink |
                 std::filesystem::directory_options::skip_permission_denied;
  for (auto it = std::filesystem::recursive_directory_iterator(dir, options, ec);
       !ec && it != std::filesystem::recursive_directory_iterator(); it.increment(ec)) {
    if (it->is_directory(ec)) {
      if (!ignore.empty() &&
          ignore.prunes_directory(
              it->path().lexically_relative(project.root_dir).generic_string())) {
        it.disable_recursion_pending();
      }
      continue;
    }
    if (!it->is_regular_file(ec)) continue;
    std::string relative = it->path().lexically_relative(project.root_dir).generic_string();
    if (ignore.ignores_file(relative)) continue;
    files.push_back({std::move(relative), it->path(), it->path().extension().string()});
  }
  return files;
}

void collect_files(const Project& project, const IgnoreRules& ignore,
                   const std::vector<std::string>& roots, const std::set<std::string>& extensions,
                   std::map<std::string, std::vector<WalkedFile>>& walked,
                   std::vector<ProjectFile>& out) {
  std::set<std::string> seen;
  for (const ProjectFile& file : out) seen.insert(file.relative_path);
  for (const std::string& root : roots) {
    for (const WalkedFile& file : walk(project, ignore, root, walked)) {
      if (!extensions.count(file.extension)) continue;
      if (!seen.insert(file.relative).second) continue;
      out.push_back({file.relative, file.absolute});
    }
  }
  std::sort(out.begin(), out.end(), [](const ProjectFile& a, const ProjectFile& b) {
    return a.relative_path < b.relative_path;
  });
}

}  // namespace

ProjectFiles discover_files(const Project& project) {
  ProjectFiles files;
  // `.dbtignore` at the project's root hides files from every resource path.
  IgnoreRules ignore = IgnoreRules::load(project.root_dir);
  std::map<std::string, std::vector<WalkedFile>> walked;
  auto collect = [&](const Project& project, const std::vector<std::string>& roots,
                     const std::set<std::string>& extensions, std::vector<ProjectFile>& out) {
    collect_files(project, ignore, roots, extensions, walked, out);
  };
  collect(project, project.model_paths, {".sql", ".py"}, files.models);
  collect(project, project.seed_paths, {".csv"}, files.seeds);
  collect(project, project.snapshot_paths, {".sql"}, files.snapshots);
  collect(project, project.test_paths, {".sql"}, files.tests);
  collect(project, project.macro_paths, {".sql"}, files.macros);
  collect(project, project.analysis_paths, {".sql"}, files.analyses);
  for (const auto* paths : {&project.model_paths, &project.seed_paths, &project.snapshot_paths,
                            &project.test_paths, &project.macro_paths, &project.analysis_paths}) {
    collect(project, *paths, {".yml", ".yaml"}, files.properties);
  }
  if (!project.docs_paths.empty()) {
    collect(project, project.docs_paths, {".md"}, files.docs);
  } else {
    for (const auto* paths : {&project.model_paths, &project.seed_paths, &project.snapshot_paths,
                              &project.test_paths, &project.macro_paths, &project.analysis_paths}) {
      collect(project, *paths, {".md"}, files.docs);
    }
  }
  return files;
}

}  // namespace kiln
