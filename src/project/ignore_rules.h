#pragma once

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace kiln {

// The patterns of a `.dbtignore` file, in gitignore syntax: `#` comments, `!` negation, a leading
// or inner `/` anchors a pattern to the project root, a trailing `/` matches directories only,
// `*`, `?`, `[a-z]`, `**` spanning folders, and `\` escapes.
//
// Matching follows dbt, which hands the file to Python's pathspec ("gitwildmatch") and asks about
// each file path: the last matching pattern decides, and a pattern that matches a folder matches
// everything under it. Unlike git, a `!` pattern can therefore re-include a file whose folder an
// earlier pattern excluded.
class IgnoreRules {
 public:
  IgnoreRules() = default;
  explicit IgnoreRules(std::string_view text);

  // Reads `<project_root>/.dbtignore`; no rules when there is no such file.
  static IgnoreRules load(const std::filesystem::path& project_root);

  bool empty() const { return patterns_.empty(); }
  // `relative_path` is '/'-separated and relative to the project root: "models/a/b.sql".
  bool ignores_file(std::string_view relative_path) const;
  // Whether discovery may skip a whole folder: it is ignored and no `!` pattern could bring back
  // anything inside it.
  bool prunes_directory(std::string_view relative_path) const;

 private:
  struct Pattern {
    std::vector<std::string> segments;  // "**" stands for any number of folders
    bool negated = false;
    bool directory_only = false;
  };
  // nullopt-like tri-state: -1 no pattern matched, 0 included, 1 ignored.
  int decide(const std::vector<std::string_view>& segments, bool is_directory) const;

  std::vector<Pattern> patterns_;
  bool has_negation_ = false;
};

}  // namespace kiln
