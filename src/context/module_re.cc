// `modules.re`: Python's re module on std::regex (ECMAScript grammar), with Python's pattern
// syntax translated where the two differ: named groups `(?P<name>...)` and `(?P=name)`, global
// inline flags `(?imsx)` at the start, `\A` and `\Z`, `(?#comments)`, re.DOTALL, re.VERBOSE,
// a literal `{` or `}` that is not a repetition, `]` first in a class, and `[` inside a class.
//
// Not supported (an error names the construct): lookbehind `(?<=...)` / `(?<!...)`, atomic groups
// and possessive repetition (std::regex rejects `a++`), conditional groups `(?(1)...)`, scoped
// flags `(?i:...)`, and
// `\A` / `\Z` together with re.MULTILINE. Also different from Python: `$` does not match before a
// final newline; `\d`, `\w`, `\s` and re.IGNORECASE are ASCII-only; `.` and classes see bytes, not
// code points (positions returned by start/end/span are converted to code points).
// GCC 12 reports false -Wmaybe-uninitialized positives inside libstdc++'s <regex> when it
// inlines the regex compiler (GCC bug 105562); the pragma must precede every include to cover
// the header lines the warnings point at.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif

#include <algorithm>
#include <memory>
#include <optional>
#include <regex>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "context/modules.h"
#include "jinja/environment.h"
#include "jinja/error.h"

namespace kiln {

using jinja::CallArgs;
using jinja::ErrorKind;
using jinja::HostObject;
using jinja::Runtime;
using jinja::throw_error;
using jinja::Value;

namespace {

// Python's flag values, so `re.I + re.M` means what it means there.
constexpr int64_t kIgnoreCase = 2;
constexpr int64_t kLocale = 4;
constexpr int64_t kMultiline = 8;
constexpr int64_t kDotAll = 16;
constexpr int64_t kUnicode = 32;
constexpr int64_t kVerbose = 64;
constexpr int64_t kAscii = 256;

struct CompiledRegex {
  std::string pattern;
  int64_t flags = 0;
  std::regex regex;
  size_t groups = 0;
  std::vector<std::pair<std::string, size_t>> names;  // (?P<name>) -> group number

  std::optional<size_t> group_of(const std::string& name) const {
    for (const auto& [group_name, index] : names) {
      if (group_name == name) return index;
    }
    return std::nullopt;
  }
};

using RegexPtr = std::shared_ptr<const CompiledRegex>;

[[noreturn]] void unsupported(std::string_view construct, std::string_view pattern) {
  throw_error(ErrorKind::kValue, "kiln's re does not support " + std::string(construct) +
                                     " (in pattern '" + std::string(pattern) + "')");
}

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

// `{m}`, `{m,}`, `{m,n}` or `{,n}` at pattern[i]; returns its length, 0 when it is not one.
size_t repetition_length(std::string_view pattern, size_t i) {
  size_t j = i + 1;
  size_t digits_before = 0, digits_after = 0;
  while (j < pattern.size() && is_digit(pattern[j])) ++j, ++digits_before;
  bool comma = j < pattern.size() && pattern[j] == ',';
  if (comma) {
    ++j;
    while (j < pattern.size() && is_digit(pattern[j])) ++j, ++digits_after;
  }
  if (j >= pattern.size() || pattern[j] != '}') return 0;
  if (digits_before == 0 && (!comma || digits_after == 0)) return 0;
  return j - i + 1;
}

RegexPtr compile_regex(const std::string& pattern, int64_t flags) {
  auto compiled = std::make_shared<CompiledRegex>();
  compiled->pattern = pattern;
  std::string_view p = pattern;
  size_t i = 0;
  // Global inline flags, which Python only accepts at the start.
  while (p.substr(i).starts_with("(?")) {
    size_t j = i + 2;
    int64_t inline_flags = 0;
    while (j < p.size() && std::string_view("aiLmsux").find(p[j]) != std::string_view::npos) {
      switch (p[j]) {
        case 'i':
          inline_flags |= kIgnoreCase;
          break;
        case 'm':
          inline_flags |= kMultiline;
          break;
        case 's':
          inline_flags |= kDotAll;
          break;
        case 'x':
          inline_flags |= kVerbose;
          break;
        case 'a':
          inline_flags |= kAscii;
          break;
        case 'u':
          inline_flags |= kUnicode;
          break;
        case 'L':
          inline_flags |= kLocale;
          break;
      }
      ++j;
    }
    if (j == i + 2 || j >= p.size() || p[j] != ')') break;
    flags |= inline_flags;
    i = j + 1;
  }
  compiled->flags = flags;
  bool verbose = flags & kVerbose;
  std::string out;
  bool in_class = false;
  for (; i < p.size(); ++i) {
    char c = p[i];
    if (c == '\\') {
      if (i + 1 >= p.size()) throw_error(ErrorKind::kValue, "bad escape (end of pattern)");
      char next = p[++i];
      if (!in_class && (next == 'A' || next == 'Z')) {
        if (flags & kMultiline) unsupported("\\A or \\Z with re.MULTILINE", pattern);
        out += next == 'A' ? '^' : '$';
      } else {
        out += '\\';
        out += next;
      }
      continue;
    }
    if (in_class) {
      if (c == ']') in_class = false;
      out += c == '[' ? "\\[" : std::string(1, c);
      continue;
    }
    if (verbose && (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v')) {
      continue;
    }
    if (verbose && c == '#') {
      while (i + 1 < p.size() && p[i + 1] != '\n') ++i;
      continue;
    }
    switch (c) {
      case '[':
        in_class = true;
        out += '[';
        if (i + 1 < p.size() && p[i + 1] == '^') out += p[++i];
        // Python reads a `]` right after the opening bracket as a literal.
        if (i + 1 < p.size() && p[i + 1] == ']') {
          out += "\\]";
          ++i;
        }
        break;
      case '.':
        out += (flags & kDotAll) ? "[\\s\\S]" : ".";
        break;
      case '{': {
        size_t length = repetition_length(p, i);
        if (length == 0) {
          out += "\\{";
        } else {
          std::string_view repetition = p.substr(i, length);
          out += repetition.starts_with("{,") ? "{0" + std::string(repetition.substr(1))
                                              : std::string(repetition);
          i += length - 1;
        }
        break;
      }
      case '}':
        out += "\\}";
        break;
      case '(': {
        std::string_view rest = p.substr(i);
        if (rest.starts_with("(?P<")) {
          size_t end = p.find('>', i);
          if (end == std::string_view::npos)
            throw_error(ErrorKind::kValue, "missing >, unterminated name");
          compiled->names.emplace_back(std::string(p.substr(i + 4, end - i - 4)),
                                       ++compiled->groups);
          out += '(';
          i = end;
        } else if (rest.starts_with("(?P=")) {
          size_t end = p.find(')', i);
          if (end == std::string_view::npos)
            throw_error(ErrorKind::kValue, "missing ), unterminated name");
          std::string name(p.substr(i + 4, end - i - 4));
          std::optional<size_t> group = compiled->group_of(name);
          if (!group) throw_error(ErrorKind::kValue, "unknown group name '" + name + "'");
          out += "(?:\\" + std::to_string(*group) + ")";
          i = end;
        } else if (rest.starts_with("(?#")) {
          size_t end = p.find(')', i);
          if (end == std::string_view::npos)
            throw_error(ErrorKind::kValue, "missing ), unterminated comment");
          i = end;
        } else if (rest.starts_with("(?<=") || rest.starts_with("(?<!")) {
          unsupported("lookbehind", pattern);
        } else if (rest.starts_with("(?>")) {
          unsupported("atomic groups", pattern);
        } else if (rest.starts_with("(?(")) {
          unsupported("conditional groups", pattern);
        } else if (rest.starts_with("(?:") || rest.starts_with("(?=") || rest.starts_with("(?!")) {
          out += rest.substr(0, 3);
          i += 2;
        } else if (rest.starts_with("(?")) {
          unsupported("flags inside the pattern other than at its start", pattern);
        } else {
          ++compiled->groups;
          out += '(';
        }
        break;
      }
      default:
        out += c;
    }
  }
  auto syntax = std::regex::ECMAScript;
  if (flags & kIgnoreCase) syntax |= std::regex::icase;
  if (flags & kMultiline) syntax |= std::regex::multiline;
  try {
    compiled->regex = std::regex(out, syntax);
  } catch (const std::regex_error& error) {
    throw_error(ErrorKind::kValue, "invalid regular expression '" + pattern + "': " + error.what());
  }
  return compiled;
}

// Templates rendered in a loop compile the same patterns over and over; keep the recent ones.
RegexPtr cached_regex(const std::string& pattern, int64_t flags) {
  thread_local std::unordered_map<std::string, RegexPtr> cache;
  std::string key = std::to_string(flags) + '\n' + pattern;
  if (auto it = cache.find(key); it != cache.end()) return it->second;
  if (cache.size() >= 256) cache.clear();
  RegexPtr compiled = compile_regex(pattern, flags);
  cache.emplace(std::move(key), compiled);
  return compiled;
}

// Code points in the first `bytes` bytes of UTF-8 `text`: Python counts positions in characters.
int64_t code_points(const std::string& text, size_t bytes) {
  int64_t count = 0;
  for (size_t i = 0; i < bytes && i < text.size(); ++i) {
    if ((static_cast<unsigned char>(text[i]) & 0xC0) != 0x80) ++count;
  }
  return count;
}

class PatternObject;

// A successful match: the subject and the byte span of each group (nullopt when it took no part).
class MatchObject final : public HostObject {
 public:
  MatchObject(std::shared_ptr<const std::string> subject, RegexPtr regex, const std::smatch& match)
      : subject_(std::move(subject)), regex_(std::move(regex)) {
    for (size_t g = 0; g < match.size(); ++g) {
      if (match[g].matched) {
        spans_.emplace_back(
            std::make_pair(static_cast<size_t>(match[g].first - subject_->begin()),
                           static_cast<size_t>(match[g].second - subject_->begin())));
      } else {
        spans_.emplace_back(std::nullopt);
      }
    }
  }

  std::string_view type_name() const override { return "re.Match"; }
  size_t group_count() const { return spans_.size() - 1; }
  size_t begin() const { return spans_[0]->first; }
  size_t end() const { return spans_[0]->second; }

  // The group's text, or None when it did not take part.
  Value group(size_t index) const {
    if (!spans_[index]) return Value::none();
    return Value(
        subject_->substr(spans_[index]->first, spans_[index]->second - spans_[index]->first));
  }
  std::string group_text(size_t index) const {
    if (!spans_[index]) return {};
    return subject_->substr(spans_[index]->first, spans_[index]->second - spans_[index]->first);
  }

  size_t index_of(const Value& key) const {
    if (key.is_int() && key.as_int() >= 0 && static_cast<size_t>(key.as_int()) < spans_.size()) {
      return static_cast<size_t>(key.as_int());
    }
    if (key.is_string()) {
      if (auto group = regex_->group_of(key.as_string())) return *group;
    }
    throw_error(ErrorKind::kIndex, "no such group");
  }

  std::optional<Value> get_attr(std::string_view attr, Runtime&) override {
    if (attr == "string") return Value(*subject_);
    if (attr == "pos") return Value(int64_t{0});
    if (attr == "endpos") return Value(code_points(*subject_, subject_->size()));
    if (attr == "lastindex") {
      std::optional<size_t> last;
      for (size_t g = 1; g < spans_.size(); ++g) {
        if (spans_[g]) last = g;
      }
      return last ? Value(static_cast<int64_t>(*last)) : Value::none();
    }
    return std::nullopt;
  }
  std::optional<Value> get_item(const Value& key, Runtime&) override {
    return group(index_of(key));
  }
  std::optional<Value> call_method(std::string_view method, CallArgs& args, Runtime&) override {
    if (method == "group") {
      if (args.positional.size() <= 1) return group(index_of(args.get(0, "group", Value(0))));
      std::vector<Value> groups;
      for (const Value& key : args.positional) groups.push_back(group(index_of(key)));
      return Value::tuple(std::move(groups));
    }
    if (method == "groups" || method == "groupdict") {
      Value fallback = args.get(0, "default", Value::none());
      auto value_of = [&](size_t g) { return spans_[g] ? group(g) : fallback; };
      if (method == "groups") {
        std::vector<Value> groups;
        for (size_t g = 1; g < spans_.size(); ++g) groups.push_back(value_of(g));
        return Value::tuple(std::move(groups));
      }
      Value dict = Value::dict();
      for (const auto& [name, g] : regex_->names) dict.set(name, value_of(g));
      return dict;
    }
    if (method == "start" || method == "end" || method == "span") {
      size_t g = index_of(args.get(0, "group", Value(0)));
      int64_t start = spans_[g] ? code_points(*subject_, spans_[g]->first) : -1;
      int64_t stop = spans_[g] ? code_points(*subject_, spans_[g]->second) : -1;
      if (method == "start") return Value(start);
      if (method == "end") return Value(stop);
      return Value::tuple({Value(start), Value(stop)});
    }
    return std::nullopt;
  }
  std::string str() const override {
    return "<re.Match object; span=(" + std::to_string(code_points(*subject_, begin())) + ", " +
           std::to_string(code_points(*subject_, end())) +
           "), match=" + jinja::py_repr_string(group_text(0)) + ">";
  }

 private:
  std::shared_ptr<const std::string> subject_;
  RegexPtr regex_;
  std::vector<std::optional<std::pair<size_t, size_t>>> spans_;
};

enum class Anchor { kSearch, kMatch, kFullMatch };

Value find_one(const RegexPtr& regex, const std::string& text, Anchor anchor) {
  auto subject = std::make_shared<const std::string>(text);
  std::smatch match;
  bool found = false;
  switch (anchor) {
    case Anchor::kSearch:
      found = std::regex_search(subject->begin(), subject->end(), match, regex->regex);
      break;
    case Anchor::kMatch:
      found = std::regex_search(subject->begin(), subject->end(), match, regex->regex,
                                std::regex_constants::match_continuous);
      break;
    case Anchor::kFullMatch:
      found = std::regex_match(subject->begin(), subject->end(), match, regex->regex);
      break;
  }
  if (!found) return Value::none();
  return Value::host(std::make_shared<MatchObject>(subject, regex, match));
}

// Every non-overlapping match, left to right, with Python 3.7's rules for empty matches.
std::vector<std::shared_ptr<MatchObject>> find_all(const RegexPtr& regex,
                                                   std::shared_ptr<const std::string> subject,
                                                   size_t limit = 0) {
  std::vector<std::shared_ptr<MatchObject>> matches;
  for (auto it = std::sregex_iterator(subject->begin(), subject->end(), regex->regex);
       it != std::sregex_iterator(); ++it) {
    if (limit && matches.size() == limit) break;
    matches.push_back(std::make_shared<MatchObject>(subject, regex, *it));
  }
  return matches;
}

Value findall(const RegexPtr& regex, const std::string& text) {
  std::vector<Value> out;
  for (const auto& match : find_all(regex, std::make_shared<const std::string>(text))) {
    size_t groups = match->group_count();
    if (groups == 0) {
      out.emplace_back(match->group_text(0));
    } else if (groups == 1) {
      out.emplace_back(match->group_text(1));
    } else {
      std::vector<Value> row;
      for (size_t g = 1; g <= groups; ++g) row.emplace_back(match->group_text(g));
      out.push_back(Value::tuple(std::move(row)));
    }
  }
  return Value::list(std::move(out));
}

Value finditer(const RegexPtr& regex, const std::string& text) {
  std::vector<Value> out;
  for (auto& match : find_all(regex, std::make_shared<const std::string>(text))) {
    out.push_back(Value::host(std::move(match)));
  }
  return Value::list(std::move(out));
}

// Python's replacement template: \1, \g<1>, \g<name>, \n and friends.
std::string expand_template(const std::string& replacement, const MatchObject& match,
                            const CompiledRegex& regex) {
  std::string out;
  for (size_t i = 0; i < replacement.size(); ++i) {
    char c = replacement[i];
    if (c != '\\' || i + 1 == replacement.size()) {
      out += c;
      continue;
    }
    char next = replacement[++i];
    if (is_digit(next) && next != '0') {
      size_t group = static_cast<size_t>(next - '0');
      if (i + 1 < replacement.size() && is_digit(replacement[i + 1]) &&
          group * 10 + static_cast<size_t>(replacement[i + 1] - '0') <= match.group_count()) {
        group = group * 10 + static_cast<size_t>(replacement[++i] - '0');
      }
      if (group > match.group_count()) {
        throw_error(ErrorKind::kValue, "invalid group reference " + std::to_string(group));
      }
      out += match.group_text(group);
      continue;
    }
    if (next == 'g') {
      size_t close = replacement.find('>', i);
      if (i + 1 >= replacement.size() || replacement[i + 1] != '<' || close == std::string::npos) {
        throw_error(ErrorKind::kValue, "missing group name in replacement");
      }
      std::string name = replacement.substr(i + 2, close - i - 2);
      size_t group = 0;
      if (!name.empty() && std::all_of(name.begin(), name.end(), is_digit)) {
        group = std::stoul(name);
        if (group > match.group_count())
          throw_error(ErrorKind::kValue, "invalid group reference " + name);
      } else if (auto named = regex.group_of(name)) {
        group = *named;
      } else {
        throw_error(ErrorKind::kIndex, "unknown group name '" + name + "'");
      }
      out += match.group_text(group);
      i = close;
      continue;
    }
    switch (next) {
      case 'n':
        out += '\n';
        break;
      case 't':
        out += '\t';
        break;
      case 'r':
        out += '\r';
        break;
      case 'f':
        out += '\f';
        break;
      case 'v':
        out += '\v';
        break;
      case 'a':
        out += '\a';
        break;
      case '0':
        out += '\0';
        break;
      case '\\':
        out += '\\';
        break;
      default:
        if ((next >= 'a' && next <= 'z') || (next >= 'A' && next <= 'Z')) {
          throw_error(ErrorKind::kValue, std::string("bad escape \\") + next);
        }
        out += '\\';
        out += next;
    }
  }
  return out;
}

std::pair<std::string, int64_t> substitute(const RegexPtr& regex, const Value& replacement,
                                           const std::string& text, int64_t count, Runtime& rt) {
  auto subject = std::make_shared<const std::string>(text);
  std::string out;
  size_t last = 0;
  int64_t replaced = 0;
  for (const auto& match : find_all(regex, subject, count > 0 ? static_cast<size_t>(count) : 0)) {
    out.append(*subject, last, match->begin() - last);
    if (replacement.is_string()) {
      out += expand_template(replacement.as_string(), *match, *regex);
    } else {
      CallArgs args;
      args.positional.push_back(Value::host(match));
      out += rt.call(replacement, args).str();
    }
    last = match->end();
    ++replaced;
  }
  out.append(*subject, last, std::string::npos);
  return {out, replaced};
}

Value split(const RegexPtr& regex, const std::string& text, int64_t max_split) {
  auto subject = std::make_shared<const std::string>(text);
  std::vector<Value> out;
  size_t last = 0;
  for (const auto& match :
       find_all(regex, subject, max_split > 0 ? static_cast<size_t>(max_split) : 0)) {
    out.emplace_back(subject->substr(last, match->begin() - last));
    for (size_t g = 1; g <= match->group_count(); ++g) out.push_back(match->group(g));
    last = match->end();
  }
  out.emplace_back(subject->substr(last));
  return Value::list(std::move(out));
}

std::string escape(const std::string& text) {
  static constexpr std::string_view kSpecial = "()[]{}?*+-|^$\\.&~# \t\n\r\v\f";
  std::string out;
  for (char c : text) {
    if (kSpecial.find(c) != std::string_view::npos) out += '\\';
    out += c;
  }
  return out;
}

// ---- the methods shared by the module and compiled patterns ---------------------------------

std::string text_argument(const CallArgs& args, size_t index, std::string_view name) {
  const Value* value = args.find(index, name);
  if (!value || !value->is_string()) {
    throw_error(ErrorKind::kType, "expected string for '" + std::string(name) + "', got '" +
                                      std::string(value ? value->type_name() : "nothing") + "'");
  }
  return value->as_string();
}

int64_t int_argument(const CallArgs& args, size_t index, std::string_view name) {
  const Value* value = args.find(index, name);
  if (!value || value->is_none()) return 0;
  if (!value->is_int() && !value->is_bool()) {
    throw_error(ErrorKind::kType, "'" + std::string(name) + "' must be an integer");
  }
  return value->as_int();
}

// Runs re.<method> with `regex` given; `shift` is where the arguments after the pattern begin
// (1 for module functions, 0 for methods of a compiled pattern).
std::optional<Value> run_method(std::string_view method, const RegexPtr& regex, CallArgs& args,
                                size_t shift, Runtime& rt);

class PatternObject final : public HostObject {
 public:
  explicit PatternObject(RegexPtr regex) : regex_(std::move(regex)) {}
  const RegexPtr& regex() const { return regex_; }
  std::string_view type_name() const override { return "re.Pattern"; }
  std::optional<Value> get_attr(std::string_view attr, Runtime&) override {
    if (attr == "pattern") return Value(regex_->pattern);
    if (attr == "flags") return Value(regex_->flags);
    if (attr == "groups") return Value(static_cast<int64_t>(regex_->groups));
    if (attr == "groupindex") {
      Value dict = Value::dict();
      for (const auto& [name, g] : regex_->names) dict.set(name, Value(static_cast<int64_t>(g)));
      return dict;
    }
    return std::nullopt;
  }
  std::optional<Value> call_method(std::string_view method, CallArgs& args, Runtime& rt) override {
    return run_method(method, regex_, args, 0, rt);
  }
  std::string str() const override {
    return "re.compile(" + jinja::py_repr_string(regex_->pattern) + ")";
  }
  bool equals(const HostObject& other) const override {
    auto* pattern = dynamic_cast<const PatternObject*>(&other);
    return pattern && pattern->regex_->pattern == regex_->pattern &&
           pattern->regex_->flags == regex_->flags;
  }

 private:
  RegexPtr regex_;
};

std::optional<Value> run_method(std::string_view method, const RegexPtr& regex, CallArgs& args,
                                size_t shift, Runtime& rt) {
  if (method == "match" || method == "search" || method == "fullmatch") {
    Anchor anchor = method == "match"    ? Anchor::kMatch
                    : method == "search" ? Anchor::kSearch
                                         : Anchor::kFullMatch;
    return find_one(regex, text_argument(args, shift, "string"), anchor);
  }
  if (method == "findall") return findall(regex, text_argument(args, shift, "string"));
  if (method == "finditer") return finditer(regex, text_argument(args, shift, "string"));
  if (method == "sub" || method == "subn") {
    const Value* replacement = args.find(shift, "repl");
    if (!replacement || (!replacement->is_string() && !replacement->is_callable())) {
      throw_error(ErrorKind::kType, "the replacement must be a string or a function");
    }
    auto [text, count] = substitute(regex, *replacement, text_argument(args, shift + 1, "string"),
                                    int_argument(args, shift + 2, "count"), rt);
    if (method == "sub") return Value(text);
    return Value::tuple({Value(text), Value(count)});
  }
  if (method == "split") {
    return split(regex, text_argument(args, shift, "string"),
                 int_argument(args, shift + 1, "maxsplit"));
  }
  return std::nullopt;
}

// The module-level functions: their pattern is a string (with flags) or a compiled pattern.
class ReModule final : public HostObject {
 public:
  std::string_view type_name() const override { return "module"; }
  std::optional<Value> get_attr(std::string_view attr, Runtime&) override {
    static const std::pair<const char*, int64_t> kFlags[] = {
        {"I", kIgnoreCase}, {"IGNORECASE", kIgnoreCase},
        {"M", kMultiline},  {"MULTILINE", kMultiline},
        {"S", kDotAll},     {"DOTALL", kDotAll},
        {"X", kVerbose},    {"VERBOSE", kVerbose},
        {"A", kAscii},      {"ASCII", kAscii},
        {"U", kUnicode},    {"UNICODE", kUnicode},
        {"L", kLocale},     {"LOCALE", kLocale},
        {"NOFLAG", 0}};
    for (const auto& [name, value] : kFlags) {
      if (attr == name) return Value(value);
    }
    return std::nullopt;
  }
  std::optional<Value> call_method(std::string_view method, CallArgs& args, Runtime& rt) override {
    if (method == "escape") return Value(escape(text_argument(args, 0, "pattern")));
    if (method == "purge") return Value::none();
    // Where the flags argument sits after the pattern, by function.
    size_t flags_index = method == "sub" || method == "subn" ? 4
                         : method == "split"                 ? 3
                         : method == "compile"               ? 1
                                                             : 2;
    RegexPtr regex = pattern_argument(args, int_argument(args, flags_index, "flags"));
    if (method == "compile") return Value::host(std::make_shared<PatternObject>(regex));
    return run_method(method, regex, args, 1, rt);
  }
  std::string str() const override { return "<module 're'>"; }

 private:
  static RegexPtr pattern_argument(const CallArgs& args, int64_t flags) {
    const Value* pattern = args.find(0, "pattern");
    if (pattern && pattern->is_host()) {
      if (auto* compiled = dynamic_cast<PatternObject*>(&pattern->as_host())) {
        if (flags) {
          throw_error(ErrorKind::kValue, "cannot process flags argument with a compiled pattern");
        }
        return compiled->regex();
      }
    }
    return cached_regex(text_argument(args, 0, "pattern"), flags);
  }
};

}  // namespace

Value make_re_module() {
  return Value::host(std::make_shared<ReModule>());
}

}  // namespace kiln
