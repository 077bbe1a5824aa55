#include "cli/parse_state.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <charconv>
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <map>
#include <set>

#include "common/env_reads.h"
#include "common/file_output.h"
#include "common/hashing.h"
#include "common/json_writer.h"
#include "parser/static_extractor.h"
#include "project/profile.h"
#include "project/yaml_reader.h"

namespace kiln {
namespace {

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

std::vector<std::string> file_listing(Invocation& invocation, int64_t reference_ns) {
  std::filesystem::path root = invocation.project_dir();
  std::set<std::string> skipped;
  for (const std::filesystem::path& output : {invocation.target_dir(), invocation.log_dir()}) {
    skipped.insert(output.lexically_relative(root).string());
  }
  std::vector<std::string> lines;
  int root_fd = ::open(root.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (root_fd < 0) return {"no project folder"};
  list_files(root_fd, "", skipped, reference_ns - kRacyWindowNs, lines, 0);
  ::close(root_fd);
  std::sort(lines.begin(), lines.end());
  return lines;
}

std::string joined_lines(const std::vector<std::string>& lines) {
  std::string text;
  for (const std::string& line : lines) text += line + "\n";
  return text;
}

std::string listing_digest(const std::vector<std::string>& lines) {
  return sha256_hex(joined_lines(lines));
}

// What a model's SQL asks of the parse: its ref/source/config calls and the macros it uses.
// Equal signatures mean an edit changed nothing but the SQL around them.
std::string call_signature(const std::vector<RefCall>& refs, const std::vector<SourceCall>& sources,
                           const Data& config, const std::vector<std::string>& macros) {
  std::string text;
  for (const RefCall& ref : refs)
    text += "ref " + ref.package + "|" + ref.name + "|" + ref.version.value_or("-") + "\n";
  for (const SourceCall& source : sources)
    text += "source " + source.source_name + "|" + source.table_name + "\n";
  text += "config " + config.to_json() + "\n";
  for (const std::string& macro : macros) text += "macro " + macro + "\n";
  return sha256_hex(text);
}

// A listing line "path size mtime [digest]" in its fields (paths may hold spaces; the fields
// after them do not, and only a digest is 64 characters long).
struct ListingLine {
  std::string_view path, size, modified, digest;
};

ListingLine split_line(std::string_view line) {
  auto drop_last = [&]() {
    size_t space = line.rfind(' ');
    std::string_view last = space == std::string_view::npos ? line : line.substr(space + 1);
    line = space == std::string_view::npos ? std::string_view() : line.substr(0, space);
    return last;
  };
  ListingLine fields;
  std::string_view last = drop_last();
  if (last.size() == 64) {
    fields.digest = last;
    last = drop_last();
  }
  fields.modified = last;
  fields.size = drop_last();
  fields.path = line;
  return fields;
}

// A file mapped read-only into memory.
class MappedFile {
 public:
  explicit MappedFile(const std::filesystem::path& path) {
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return;
    struct stat info {};
    if (::fstat(fd, &info) == 0 && info.st_size > 0) {
      void* data =
          ::mmap(nullptr, static_cast<size_t>(info.st_size), PROT_READ, MAP_PRIVATE, fd, 0);
      if (data != MAP_FAILED) {
        data_ = static_cast<const char*>(data);
        size_ = static_cast<size_t>(info.st_size);
      }
    }
    ::close(fd);
  }
  ~MappedFile() {
    if (data_) ::munmap(const_cast<char*>(data_), size_);
  }
  MappedFile(const MappedFile&) = delete;
  MappedFile& operator=(const MappedFile&) = delete;
  bool ok() const { return data_ != nullptr; }
  std::string_view text() const { return {data_, size_}; }

 private:
  const char* data_ = nullptr;
  size_t size_ = 0;
};

// The end (exclusive) of the JSON string that starts at `open` (its opening quote).
size_t json_string_end(std::string_view text, size_t open) {
  for (size_t i = open + 1; i < text.size(); ++i) {
    if (text[i] == '\\') {
      ++i;
    } else if (text[i] == '"') {
      return i + 1;
    }
  }
  return std::string::npos;
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

// The state is three files in target/: a small header (partial_parse.json) that decides whether
// anything changed, and the two files only a splice reads, as plain lines: the listing
// (partial_parse.files) and the root project's SQL models (partial_parse.models, "path\tid\t
// calls"). The header holds the digests of both and is written last, so it never vouches for
// files of another parse.
constexpr const char* kHeaderFile = "partial_parse.json";
constexpr const char* kListingFile = "partial_parse.files";
constexpr const char* kModelsFile = "partial_parse.models";

std::optional<std::string> read_state_file(Invocation& invocation, const char* name) {
  std::ifstream in(invocation.target_dir() / name, std::ios::binary);
  if (!in) return std::nullopt;
  return std::string(std::istreambuf_iterator<char>(in), {});
}

std::vector<std::string_view> split_lines(std::string_view text) {
  std::vector<std::string_view> lines;
  for (size_t start = 0; start < text.size();) {
    size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    lines.push_back(text.substr(start, end - start));
    start = end + 1;
  }
  return lines;
}

// A path with a line break cannot be written as a line: such a project is never spliced.
bool listable(const std::vector<std::string>& listing) {
  return std::none_of(listing.begin(), listing.end(),
                      [](const std::string& line) { return line.find('\n') != std::string::npos; });
}

bool has_racy_lines(const std::vector<std::string>& listing) {
  return std::any_of(listing.begin(), listing.end(),
                     [](const std::string& line) { return !split_line(line).digest.empty(); });
}

void write_header(Invocation& invocation, nlohmann::json header,
                  const std::vector<std::string>& listing) {
  write_file_if_changed(invocation.target_dir() / kListingFile,
                        listable(listing) ? joined_lines(listing) : "");
  ManifestStamp stamp = stamp_of(invocation.target_dir() / "manifest.json");
  header["files"] = listing_digest(listing);
  header["racy"] = has_racy_lines(listing);
  header["manifest_size"] = stamp.size;
  header["manifest_modified_ns"] = stamp.modified;
  write_file_if_changed(invocation.target_dir() / kHeaderFile, header.dump() + "\n");
}

}  // namespace

ParseInputs capture_parse_inputs(Invocation& invocation) {
  ParseInputs inputs;
  inputs.reference_ns = std::chrono::duration_cast<std::chrono::nanoseconds>(
                            std::chrono::system_clock::now().time_since_epoch())
                            .count();
  inputs.listing = file_listing(invocation, inputs.reference_ns);
  return inputs;
}

void record_parse(Invocation& invocation, const ParseInputs& inputs,
                  const std::string& found_summary, const Manifest& manifest) {
  std::vector<std::string> env_names = env_reads();
  std::string models;
  for (const auto& [id, node] : manifest.nodes) {
    if (node.resource_type != ResourceType::Model || node.language != "sql" ||
        node.package_name != manifest.metadata.project_name ||
        node.original_file_path.find_first_of("\t\n") != std::string::npos)
      continue;
    models +=
        node.original_file_path + "\t" + id + "\t" +
        call_signature(node.refs, node.sources, node.config_call_dict, node.depends_on_macros) +
        "\n";
  }
  write_file_if_changed(invocation.target_dir() / kModelsFile, models);
  nlohmann::json header = {{"version", 2},
                           {"settings", settings_digest(invocation, env_names)},
                           {"models", sha256_hex(models)},
                           {"reference_ns", inputs.reference_ns},
                           {"env_vars", env_names},
                           {"found", found_summary}};
  write_header(invocation, std::move(header), inputs.listing);
}

namespace {

// What partial_parse.models says of one model file.
struct RecordedModel {
  std::string id, calls;
};

std::optional<std::map<std::string, RecordedModel, std::less<>>> recorded_models(
    Invocation& invocation, const nlohmann::json& header, const std::vector<std::string>& paths) {
  std::optional<std::string> text = read_state_file(invocation, kModelsFile);
  if (!text || sha256_hex(*text) != header.at("models").get<std::string>()) return std::nullopt;
  std::map<std::string, RecordedModel, std::less<>> found;
  for (std::string_view line : split_lines(*text)) {
    size_t tab = line.find('\t');
    size_t second = line.find('\t', tab + 1);
    if (tab == std::string_view::npos || second == std::string_view::npos) return std::nullopt;
    std::string_view path = line.substr(0, tab);
    if (std::find(paths.begin(), paths.end(), path) == paths.end()) continue;
    found[std::string(path)] = {std::string(line.substr(tab + 1, second - tab - 1)),
                                std::string(line.substr(second + 1))};
  }
  return found;
}

// The splice itself: `listing` is the project's files now, listed with the recorded racy window.
std::optional<std::string> splice(Invocation& invocation, nlohmann::json& header,
                                  const std::vector<std::string>& listing) {
  std::optional<std::string> recorded = read_state_file(invocation, kListingFile);
  if (!recorded || sha256_hex(*recorded) != header.at("files").get<std::string>())
    return std::nullopt;  // (the listing's digest is its text's)
  std::vector<std::string_view> old_listing = split_lines(*recorded);
  if (listing.size() != old_listing.size()) return std::nullopt;  // added or removed files
  std::vector<std::string> changed;
  for (size_t i = 0; i < listing.size(); ++i) {
    if (listing[i] == old_listing[i]) continue;
    std::string_view path = split_line(listing[i]).path;
    if (path != split_line(old_listing[i]).path) return std::nullopt;
    changed.emplace_back(path);
  }
  if (changed.empty() || changed.size() > 16) return std::nullopt;

  auto models = recorded_models(invocation, header, changed);
  if (!models) return std::nullopt;
  struct Edit {
    std::string id, text;
  };
  std::vector<Edit> edits;
  for (const std::string& path : changed) {
    auto model = models->find(path);
    if (model == models->end()) return std::nullopt;
    std::string text = read_text_file(invocation.project_dir() / path, path);
    StaticExtraction extraction = extract_static(text);
    if (!extraction.is_static) return std::nullopt;
    if (call_signature(extraction.refs, extraction.sources, extraction.config, {}) !=
        model->second.calls)
      return std::nullopt;
    edits.push_back({model->second.id, std::move(text)});
  }

  std::filesystem::path manifest_path = invocation.target_dir() / "manifest.json";
  std::vector<FilePatch> patches;
  {
    // Mapped, not read: the search touches only the pages before the edited nodes.
    MappedFile mapped(manifest_path);
    if (!mapped.ok()) return std::nullopt;
    std::string_view manifest = mapped.text();
    for (const Edit& edit : edits) {
      size_t node = manifest.find("\"" + edit.id + "\":{");
      if (node == std::string::npos) return std::nullopt;
      size_t raw = manifest.find("\"raw_code\":", node);
      size_t checksum = manifest.find("\"checksum\":{\"name\":\"sha256\",\"checksum\":", node);
      if (raw == std::string::npos || checksum == std::string::npos) return std::nullopt;
      size_t raw_open = raw + std::string_view("\"raw_code\":").size();
      size_t raw_end = json_string_end(manifest, raw_open);
      size_t sum_open =
          checksum + std::string_view("\"checksum\":{\"name\":\"sha256\",\"checksum\":").size();
      size_t sum_end = json_string_end(manifest, sum_open);
      if (raw_end == std::string::npos || sum_end == std::string::npos) return std::nullopt;
      std::string raw_json, sum_json;
      append_json_string(raw_json, edit.text);
      append_json_string(sum_json, sha256_hex(edit.text));
      patches.push_back({raw_open, raw_end, std::move(raw_json)});
      patches.push_back({sum_open, sum_end, std::move(sum_json)});
    }
    // This parse's time and invocation, in the metadata at the top.
    std::string now = iso8601_utc(std::chrono::system_clock::now());
    auto stamp_field = [&](const std::string& key, const std::string& value) {
      size_t at = manifest.find("\"" + key + "\":", 0);
      if (at == std::string::npos || at > 4096) return;
      size_t open = at + key.size() + 3;
      size_t end = json_string_end(manifest, open);
      if (end == std::string::npos) return;
      std::string json;
      append_json_string(json, value);
      patches.push_back({open, end, std::move(json)});
    };
    for (const char* key : {"generated_at", "invocation_started_at", "run_started_at"})
      stamp_field(key, now);
    stamp_field("invocation_id", invocation.invocation_id());
  }
  std::sort(patches.begin(), patches.end(),
            [](const FilePatch& a, const FilePatch& b) { return a.begin < b.begin; });
  for (size_t i = 1; i < patches.size(); ++i) {
    if (patches[i].begin < patches[i - 1].end) return std::nullopt;  // overlapping: give up
  }
  patch_file(manifest_path, patches);
  std::string found = header.at("found").get<std::string>();
  write_header(invocation, std::move(header), listing);
  return found;
}

// A file digested because it was recent when the last parse listed it is settled once it is
// older than the racy window: from then on its size and time alone reveal a change, so later runs
// stop reading it. Its content was just compared with the recorded one, so nothing is missed.
void settle_racy_lines(Invocation& invocation, nlohmann::json header,
                       const std::vector<std::string>& listing) {
  int64_t now = std::chrono::duration_cast<std::chrono::nanoseconds>(
                    std::chrono::system_clock::now().time_since_epoch())
                    .count();
  std::vector<std::string> settled;
  for (const std::string& line : listing) {
    ListingLine fields = split_line(line);
    if (fields.digest.empty()) {
      settled.push_back(line);
      continue;
    }
    int64_t modified = 0;
    std::from_chars(fields.modified.data(), fields.modified.data() + fields.modified.size(),
                    modified);
    if (modified >= now - kRacyWindowNs) return;  // still recent
    settled.push_back(line.substr(0, line.size() - fields.digest.size() - 1));
  }
  header["reference_ns"] = now;
  write_header(invocation, std::move(header), settled);
}

}  // namespace

std::optional<ReusedParse> reuse_last_parse(Invocation& invocation) {
  std::optional<std::string> text = read_state_file(invocation, kHeaderFile);
  if (!text) return std::nullopt;
  nlohmann::json header = nlohmann::json::parse(*text, nullptr, false);
  if (header.is_discarded() || !header.is_object() || header.value("version", 0) != 2)
    return std::nullopt;
  try {
    ManifestStamp stamp = stamp_of(invocation.target_dir() / "manifest.json");
    if (stamp.size != header.at("manifest_size").get<int64_t>() ||
        stamp.modified != header.at("manifest_modified_ns").get<int64_t>())
      return std::nullopt;
    auto env_names = header.at("env_vars").get<std::vector<std::string>>();
    if (settings_digest(invocation, env_names) != header.at("settings").get<std::string>())
      return std::nullopt;
    // The same racy window as the recorded listing, so unchanged files list the same; one walk
    // serves both the check and the splice.
    int64_t reference_ns = header.at("reference_ns").get<int64_t>();
    std::vector<std::string> listing = file_listing(invocation, reference_ns);
    if (listing_digest(listing) == header.at("files").get<std::string>()) {
      if (header.at("racy").get<bool>()) settle_racy_lines(invocation, header, listing);
      return ReusedParse{header.at("found").get<std::string>(), false};
    }
    if (auto found = splice(invocation, header, listing)) return ReusedParse{*found, true};
    return std::nullopt;
  } catch (const nlohmann::json::exception&) {
    return std::nullopt;  // a state file from another version: parse in full
  } catch (const KilnError&) {
    return std::nullopt;
  }
}

}  // namespace kiln
