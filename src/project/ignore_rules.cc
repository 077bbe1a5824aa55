#include "project/ignore_rules.h"

#include <fstream>
#include <sstream>

namespace kiln {
namespace {

std::vector<std::string_view> split_path(std::string_view path) {
  std::vector<std::string_view> segments;
  size_t start = 0;
  while (start <= path.size()) {
    size_t end = path.find('/', start);
    if (end == std::string_view::npos) end = path.size();
    if (end > start) segments.push_back(path.substr(start, end - start));
    start = end + 1;
  }
  return segments;
}

// `[...]` at pattern[i] (just past the '['): matches `c` or not. Returns false in `valid` when
// the bracket is never closed; the '[' is then an ordinary character, as in git.
bool match_class(std::string_view pattern, size_t& i, char c, bool& valid) {
  size_t j = i;
  bool negate = j < pattern.size() && (pattern[j] == '!' || pattern[j] == '^');
  if (negate) ++j;
  bool matched = false;
  bool first = true;
  while (j < pattern.size() && (pattern[j] != ']' || first)) {
    first = false;
    char low = pattern[j];
    if (low == '\\' && j + 1 < pattern.size()) low = pattern[++j];
    char high = low;
    if (j + 2 < pattern.size() && pattern[j + 1] == '-' && pattern[j + 2] != ']') {
      high = pattern[j + 2];
      if (high == '\\' && j + 3 < pattern.size()) {
        high = pattern[j + 3];
        ++j;
      }
      j += 2;
    }
    if (c >= low && c <= high) matched = true;
    ++j;
  }
  if (j >= pattern.size()) {
    valid = false;
    return false;
  }
  valid = true;
  i = j + 1;
  return matched != negate;
}

// One path segment against one pattern segment: `*` (not across '/'), `?`, classes, escapes.
bool match_segment(std::string_view pattern, std::string_view text) {
  size_t p = 0, t = 0;
  size_t star_p = std::string_view::npos, star_t = 0;
  while (t < text.size()) {
    if (p < pattern.size()) {
      char c = pattern[p];
      if (c == '*') {
        while (p < pattern.size() && pattern[p] == '*') ++p;
        star_p = p;
        star_t = t;
        continue;
      }
      if (c == '?') {
        ++p;
        ++t;
        continue;
      }
      if (c == '[') {
        size_t after = p + 1;
        bool valid = true;
        bool matched = match_class(pattern, after, text[t], valid);
        if (valid) {
          if (matched) {
            p = after;
            ++t;
            continue;
          }
        } else if (text[t] == '[') {
          ++p;
          ++t;
          continue;
        }
      } else {
        if (c == '\\' && p + 1 < pattern.size()) c = pattern[p + 1];
        if (c == text[t]) {
          p += pattern[p] == '\\' && p + 1 < pattern.size() ? 2 : 1;
          ++t;
          continue;
        }
      }
    }
    if (star_p == std::string_view::npos) return false;
    p = star_p;
    t = ++star_t;
  }
  while (p < pattern.size() && pattern[p] == '*') ++p;
  return p == pattern.size();
}

}  // namespace

IgnoreRules::IgnoreRules(std::string_view text) {
  std::istringstream lines{std::string(text)};
  std::string line;
  while (std::getline(lines, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    // Trailing spaces do not count unless escaped with a backslash.
    while (!line.empty() && line.back() == ' ' &&
           !(line.size() >= 2 && line[line.size() - 2] == '\\'))
      line.pop_back();
    if (line.empty() || line.front() == '#') continue;
    Pattern pattern;
    std::string_view body = line;
    if (body.front() == '!') {
      pattern.negated = true;
      body.remove_prefix(1);
    } else if (body.starts_with("\\!") || body.starts_with("\\#")) {
      body.remove_prefix(1);
    }
    if (body.ends_with('/')) {
      pattern.directory_only = true;
      while (body.ends_with('/')) body.remove_suffix(1);
    }
    if (body.empty()) continue;
    // A slash anywhere but at the end ties the pattern to the root; otherwise it may match at
    // any depth, as if it started with "**/".
    bool anchored = body.find('/') != std::string_view::npos;
    if (!anchored) pattern.segments.emplace_back("**");
    for (std::string_view segment : split_path(body)) pattern.segments.emplace_back(segment);
    if (pattern.segments.empty()) continue;
    has_negation_ = has_negation_ || pattern.negated;
    patterns_.push_back(std::move(pattern));
  }
}

IgnoreRules IgnoreRules::load(const std::filesystem::path& project_root) {
  std::ifstream in(project_root / ".dbtignore", std::ios::binary);
  if (!in) return {};
  std::ostringstream text;
  text << in.rdbuf();
  return IgnoreRules(text.str());
}

int IgnoreRules::decide(const std::vector<std::string_view>& path, bool is_directory) const {
  int decision = -1;
  for (const Pattern& pattern : patterns_) {
    const auto& segments = pattern.segments;
    // The pattern may match the path itself or any folder above it (which covers the path).
    // A prefix of k segments is a folder when k < path.size().
    auto prefix_allowed = [&](size_t k) {
      return k < path.size() || is_directory || !pattern.directory_only;
    };
    auto match = [&](auto& self, size_t p, size_t s) -> bool {
      if (p == segments.size()) return s > 0 && prefix_allowed(s);
      if (segments[p] == "**") {
        if (p + 1 == segments.size()) {
          // A trailing "**" matches everything inside, but not the folder itself.
          return s < path.size() && (s + 1 < path.size() || prefix_allowed(s + 1));
        }
        for (size_t next = s; next <= path.size(); ++next) {
          if (self(self, p + 1, next)) return true;
        }
        return false;
      }
      return s < path.size() && match_segment(segments[p], path[s]) && self(self, p + 1, s + 1);
    };
    if (match(match, 0, 0)) decision = pattern.negated ? 0 : 1;
  }
  return decision;
}

bool IgnoreRules::ignores_file(std::string_view relative_path) const {
  if (patterns_.empty()) return false;
  return decide(split_path(relative_path), false) == 1;
}

bool IgnoreRules::prunes_directory(std::string_view relative_path) const {
  if (patterns_.empty() || has_negation_) return false;
  return decide(split_path(relative_path), true) == 1;
}

}  // namespace kiln
