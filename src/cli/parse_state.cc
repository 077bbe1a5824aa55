#include "cli/parse_state.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <set>

#include "common/env_reads.h"
#include "common/file_output.h"
#include "common/hashing.h"
#include "project/profile.h"

namespace kiln {
namespace {

constexpr const char* kStateFile = "partial_parse.json";

int64_t modified_ns(const std::filesystem::directory_entry& entry) {
  std::error_code ec;
  auto time = entry.last_write_time(ec);
  return ec ? 0
            : std::chrono::duration_cast<std::chrono::nanoseconds>(time.time_since_epoch()).count();
}

// File system times are coarse (ext4 ticks every few milliseconds): a file rewritten right after
// being read can keep its size and time. Files this recent are compared by content, as git does
// with "racily clean" entries.
constexpr int64_t kRacyWindowNs = 3'000'000'000;

std::string content_digest(int folder_fd, const char* name) {
  int fd = ::openat(folder_fd, name, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return "unreadable";
  std::string text;
  char buffer[65536];
  for (ssize_t n; (n = ::read(fd, buffer, sizeof buffer)) > 0;) text.append(buffer, n);
  ::close(fd);
  return sha256_hex(text);
}

// Every file under `folder` as "path size mtime" lines. Content is read only for recent files: a
// changed file changes its size or time, and hashing 10,000 files would cost what reparsing them
// does. One fstatat per entry (std::filesystem would stat each file twice).
void list_files(int parent_fd, const std::string& relative, const std::set<std::string>& skipped,
                int64_t racy_after_ns, std::vector<std::string>& lines, int depth) {
  int fd = relative.empty() ? ::dup(parent_fd)
                            : ::openat(parent_fd, relative.substr(relative.rfind('/') + 1).c_str(),
                                       O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0 || depth > 64) {
    if (fd >= 0) ::close(fd);
    return;
  }
  DIR* dir = ::fdopendir(fd);
  if (!dir) {
    ::close(fd);
    return;
  }
  std::vector<std::string> subfolders;
  while (dirent* entry = ::readdir(dir)) {
    std::string name = entry->d_name;
    if (name == "." || name == ".." || name.starts_with(".git")) continue;
    std::string path = relative.empty() ? name : relative + "/" + name;
    struct stat info {};
    if (::fstatat(::dirfd(dir), entry->d_name, &info, 0) != 0) continue;  // follows symlinks
    if (S_ISDIR(info.st_mode)) {
      if (!skipped.count(path)) subfolders.push_back(path);
      continue;
    }
    int64_t modified =
        static_cast<int64_t>(info.st_mtim.tv_sec) * 1'000'000'000 + info.st_mtim.tv_nsec;
    std::string line = path + " " + std::to_string(info.st_size) + " " + std::to_string(modified);
    if (modified >= racy_after_ns) line += " " + content_digest(::dirfd(dir), entry->d_name);
    lines.push_back(std::move(line));
  }
  for (const std::string& folder : subfolders) {
    list_files(::dirfd(dir), folder, skipped, racy_after_ns, lines, depth + 1);
  }
  ::closedir(dir);
}

std::string files_digest(Invocation& invocation, int64_t reference_ns) {
  std::filesystem::path root = invocation.project_dir();
  std::set<std::string> skipped;
  for (const std::filesystem::path& output : {invocation.target_dir(), invocation.log_dir()}) {
    skipped.insert(output.lexically_relative(root).string());
  }
  int root_fd = ::open(root.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (root_fd < 0) return "no project folder";
  std::vector<std::string> lines;
  list_files(root_fd, "", skipped, reference_ns - kRacyWindowNs, lines, 0);
  ::close(root_fd);
  std::sort(lines.begin(), lines.end());
  std::string listing;
  for (const std::string& line : lines) listing += line + "\n";
  return sha256_hex(listing);
}

// Everything but the project's files: the binary, --vars, the target, the environment variables
// the recorded parse read.
std::string settings_digest(Invocation& invocation, const std::vector<std::string>& env_names) {
  std::string inputs = "kiln-parse-state 1\n";
  std::error_code ec;
  std::filesystem::path binary = std::filesystem::read_symlink("/proc/self/exe", ec);
  std::filesystem::directory_entry binary_entry(binary, ec);
  inputs += "binary " + binary.string() + " " + std::to_string(binary_entry.file_size(ec)) + " " +
            std::to_string(modified_ns(binary_entry)) + "\n";
  inputs += "vars " + invocation.cli_vars().to_json() + "\n";
  Target target = invocation.load_target();
  inputs +=
      "target " + target.profile_name + " " + target.name + " " + target.fields.to_json() + "\n";
  for (const std::string& name : env_names) {
    const char* value = std::getenv(name.c_str());
    inputs += "env " + name + (value ? "=" + std::string(value) : " unset") + "\n";
  }
  return sha256_hex(inputs);
}

struct ManifestStamp {
  int64_t size = -1;
  int64_t modified = 0;
};

ManifestStamp stamp_of(const std::filesystem::path& path) {
  std::error_code ec;
  std::filesystem::directory_entry entry(path, ec);
  if (ec || !entry.exists(ec)) return {};
  return {static_cast<int64_t>(entry.file_size(ec)), modified_ns(entry)};
}

}  // namespace

ParseInputs capture_parse_inputs(Invocation& invocation) {
  ParseInputs inputs;
  inputs.reference_ns = std::chrono::duration_cast<std::chrono::nanoseconds>(
                            std::chrono::system_clock::now().time_since_epoch())
                            .count();
  inputs.files_digest = files_digest(invocation, inputs.reference_ns);
  return inputs;
}

std::optional<std::string> reusable_parse(Invocation& invocation) {
  std::ifstream in(invocation.target_dir() / kStateFile);
  if (!in) return std::nullopt;
  nlohmann::json state = nlohmann::json::parse(in, nullptr, false);
  if (state.is_discarded() || !state.is_object()) return std::nullopt;
  try {
    ManifestStamp stamp = stamp_of(invocation.target_dir() / "manifest.json");
    if (stamp.size != state.at("manifest_size").get<int64_t>() ||
        stamp.modified != state.at("manifest_modified_ns").get<int64_t>()) {
      return std::nullopt;
    }
    auto env_names = state.at("env_vars").get<std::vector<std::string>>();
    if (settings_digest(invocation, env_names) != state.at("settings").get<std::string>()) {
      return std::nullopt;
    }
    int64_t reference = state.at("reference_ns").get<int64_t>();
    if (files_digest(invocation, reference) != state.at("files").get<std::string>()) {
      return std::nullopt;
    }
    return state.at("found").get<std::string>();
  } catch (const nlohmann::json::exception&) {
    return std::nullopt;  // a state file from another version: parse in full
  }
}

void record_parse(Invocation& invocation, const ParseInputs& inputs,
                  const std::string& found_summary) {
  std::vector<std::string> env_names = env_reads();
  ManifestStamp stamp = stamp_of(invocation.target_dir() / "manifest.json");
  nlohmann::json state = {{"settings", settings_digest(invocation, env_names)},
                          {"files", inputs.files_digest},
                          {"reference_ns", inputs.reference_ns},
                          {"env_vars", env_names},
                          {"manifest_size", stamp.size},
                          {"manifest_modified_ns", stamp.modified},
                          {"found", found_summary}};
  write_file_if_changed(invocation.target_dir() / kStateFile, state.dump(1) + "\n");
}

}  // namespace kiln
