#include "project/yaml_reader.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <yaml.h>

#include <cerrno>
#include <cmath>
#include <cstring>
#include <fstream>
#include <limits>
#include <sstream>
#include <unordered_map>

#include "common/strings.h"

namespace kiln {
namespace {

bool is_digits(std::string_view text, std::string_view allowed) {
  if (text.empty()) return false;
  for (char c : text) {
    if (allowed.find(c) == std::string_view::npos) return false;
  }
  return true;
}

std::string without_underscores(std::string_view text) {
  std::string out;
  for (char c : text) {
    if (c != '_') out += c;
  }
  return out;
}

// PyYAML's float pattern: a dot is required, and a leading-dot form takes no sign:
//   [-+]?[0-9][0-9_]*\.[0-9_]*([eE][-+][0-9]+)?   |   \.[0-9_]+([eE][-+][0-9]+)?
bool matches_yaml11_float(std::string_view text) {
  size_t i = 0;
  auto digits = [&](std::string_view allowed) {
    size_t begin = i;
    while (i < text.size() && allowed.find(text[i]) != std::string_view::npos) ++i;
    return i - begin;
  };
  if (i < text.size() && text[i] == '.') {
    ++i;
    if (digits("0123456789_") == 0) return false;
  } else {
    if (i < text.size() && (text[i] == '+' || text[i] == '-')) ++i;
    if (i >= text.size() || text[i] < '0' || text[i] > '9') return false;
    digits("0123456789_");
    if (i >= text.size() || text[i] != '.') return false;
    ++i;
    digits("0123456789_");
  }
  if (i < text.size() && (text[i] == 'e' || text[i] == 'E')) {
    ++i;
    if (i >= text.size() || (text[i] != '+' && text[i] != '-')) return false;
    ++i;
    if (digits("0123456789") == 0) return false;
  }
  return i == text.size();
}

// YAML 1.1 implicit typing of a plain (unquoted) scalar, as PyYAML's resolver does it.
Data resolve_plain_scalar(const std::string& text, SourceLocation location) {
  static const char* kNulls[] = {"", "~", "null", "Null", "NULL"};
  for (const char* n : kNulls) {
    if (text == n) return Data::null(std::move(location));
  }
  static const char* kTrue[] = {"yes", "Yes", "YES", "true", "True", "TRUE", "on", "On", "ON"};
  static const char* kFalse[] = {"no", "No", "NO", "false", "False", "FALSE", "off", "Off", "OFF"};
  for (const char* t : kTrue) {
    if (text == t) return Data::boolean(true, std::move(location));
  }
  for (const char* f : kFalse) {
    if (text == f) return Data::boolean(false, std::move(location));
  }

  std::string_view body = text;
  bool negative = false;
  if (!body.empty() && (body[0] == '-' || body[0] == '+')) {
    negative = body[0] == '-';
    body.remove_prefix(1);
  }
  auto make_int = [&](const std::string& digits, int base) -> Data {
    errno = 0;
    char* end = nullptr;
    unsigned long long magnitude = std::strtoull(digits.c_str(), &end, base);
    if (errno == ERANGE ||
        magnitude > static_cast<unsigned long long>(std::numeric_limits<int64_t>::max())) {
      double value = std::strtod(digits.c_str(), nullptr);
      return Data::floating(negative ? -value : value, location);
    }
    int64_t value = static_cast<int64_t>(magnitude);
    return Data::integer(negative ? -value : value, location);
  };
  if (body.starts_with("0b") && is_digits(body.substr(2), "01_")) {
    return make_int(without_underscores(body.substr(2)), 2);
  }
  if (body.starts_with("0x") && is_digits(body.substr(2), "0123456789abcdefABCDEF_")) {
    return make_int(without_underscores(body.substr(2)), 16);
  }
  if (body == "0") return Data::integer(0, std::move(location));
  if (body.size() > 1 && body[0] == '0' && is_digits(body, "01234567_")) {
    return make_int(without_underscores(body.substr(1)), 8);
  }
  if (!body.empty() && body[0] >= '1' && body[0] <= '9' && is_digits(body, "0123456789_")) {
    return make_int(without_underscores(body), 10);
  }
  if (body == ".inf" || body == ".Inf" || body == ".INF") {
    double inf = std::numeric_limits<double>::infinity();
    return Data::floating(negative ? -inf : inf, std::move(location));
  }
  if (text == ".nan" || text == ".NaN" || text == ".NAN") {
    return Data::floating(std::numeric_limits<double>::quiet_NaN(), std::move(location));
  }
  if (matches_yaml11_float(text)) {
    double value = std::strtod(without_underscores(text).c_str(), nullptr);
    return Data::floating(value, std::move(location));
  }
  return Data::string(text, std::move(location));
}

void merge_into(Data& target, const Data& source) {
  if (!source.is_map()) return;
  for (const auto& [key, value] : source.as_map()) {
    if (!target.find(key)) target.set(key, value);
  }
}

// libyaml's problems are PyYAML's (dbt users have seen them before); add what usually causes them.
std::string describe_yaml_problem(const std::string& problem) {
  if (problem.find("expected ',' or ']'") != std::string::npos ||
      problem.find("expected ',' or '}'") != std::string::npos) {
    return "check that every '[' or '{' is closed";
  }
  if (problem.find("mapping values are not allowed") != std::string::npos) {
    return "a value containing ': ' must be quoted, and nested keys must be indented under their "
           "parent";
  }
  if (problem.find("unknown escape") != std::string::npos) {
    return "inside double quotes a backslash starts an escape; use single quotes for literal "
           "backslashes";
  }
  if (problem.find("cannot start any token") != std::string::npos) {
    return "YAML does not allow tabs for indentation; indent with spaces";
  }
  return "check the indentation, quoting and that tabs are not used for indentation";
}

// Builds Data from libyaml's event stream: the C parser PyYAML's CLoader uses, so syntax errors
// read as dbt users know them, with YAML 1.1 typing of plain scalars done here as PyYAML does.
class EventReader {
 public:
  EventReader(const std::string& source, const std::string& file_name)
      : source_(source), file_name_(file_name) {
    yaml_parser_initialize(&parser_);
    yaml_parser_set_input_string(&parser_, reinterpret_cast<const unsigned char*>(source.data()),
                                 source.size());
  }
  ~EventReader() {
    if (has_event_) yaml_event_delete(&event_);
    yaml_parser_delete(&parser_);
  }
  EventReader(const EventReader&) = delete;
  EventReader& operator=(const EventReader&) = delete;

  Data read_document() {
    next();  // stream start
    next();
    if (event_.type == YAML_STREAM_END_EVENT) return Data::null({file_name_, 1, 1});
    next();  // document start -> root node
    return read_node(0);
  }

 private:
  void next() {
    if (has_event_) yaml_event_delete(&event_);
    has_event_ = false;
    if (!yaml_parser_parse(&parser_, &event_)) fail();
    has_event_ = true;
  }

  [[noreturn]] void fail() {
    std::string problem = parser_.problem ? parser_.problem : "unreadable YAML";
    const yaml_mark_t& mark = parser_.problem ? parser_.problem_mark : parser_.mark;
    std::string message = "invalid YAML: " + problem;
    if (parser_.context) message += " (" + std::string(parser_.context) + ")";
    KilnError error(ErrorKind::Yaml, message, location_of(mark), describe_yaml_problem(problem));
    error.with_source(source_);
    throw error;
  }

  SourceLocation location_of(const yaml_mark_t& mark) const {
    return {file_name_, static_cast<int>(mark.line) + 1, static_cast<int>(mark.column) + 1};
  }

  static std::string text_of(const yaml_char_t* text) {
    return text ? reinterpret_cast<const char*>(text) : "";
  }

  void remember_anchor(const yaml_char_t* anchor, const Data& value) {
    if (anchor) anchors_[text_of(anchor)] = value;
  }

  // The current event is the node's first; on return it is the node's last.
  Data read_node(int depth) {
    if (depth > 200) {
      throw KilnError(ErrorKind::Yaml, "YAML nesting is deeper than 200 levels",
                      location_of(event_.start_mark));
    }
    SourceLocation location = location_of(event_.start_mark);
    switch (event_.type) {
      case YAML_ALIAS_EVENT: {
        auto it = anchors_.find(text_of(event_.data.alias.anchor));
        if (it == anchors_.end()) {
          throw KilnError(
              ErrorKind::Yaml,
              "invalid YAML: found undefined alias '" + text_of(event_.data.alias.anchor) + "'",
              location, "define the anchor (&name) before using it (*name)");
        }
        return it->second;
      }
      case YAML_SCALAR_EVENT: {
        const auto& scalar = event_.data.scalar;
        std::string value(reinterpret_cast<const char*>(scalar.value), scalar.length);
        std::string tag = text_of(scalar.tag);
        Data result = scalar_data(value, tag, scalar.style, std::move(location));
        remember_anchor(scalar.anchor, result);
        return result;
      }
      case YAML_SEQUENCE_START_EVENT: {
        std::string anchor = text_of(event_.data.sequence_start.anchor);
        Data::List items;
        for (next(); event_.type != YAML_SEQUENCE_END_EVENT; next()) {
          items.push_back(read_node(depth + 1));
        }
        Data result = Data::list(std::move(items), std::move(location));
        if (!anchor.empty()) anchors_[anchor] = result;
        return result;
      }
      case YAML_MAPPING_START_EVENT: {
        std::string anchor = text_of(event_.data.mapping_start.anchor);
        Data result = read_mapping(depth, std::move(location));
        if (!anchor.empty()) anchors_[anchor] = result;
        return result;
      }
      default:
        throw KilnError(ErrorKind::Yaml, "invalid YAML: unexpected structure", location,
                        describe_yaml_problem(""));
    }
  }

  Data scalar_data(const std::string& value, const std::string& tag, yaml_scalar_style_t style,
                   SourceLocation location) {
    if (tag.empty()) {
      if (style == YAML_PLAIN_SCALAR_STYLE) return resolve_plain_scalar(value, std::move(location));
      return Data::string(value, std::move(location));
    }
    if (tag == "!" || tag == YAML_STR_TAG) return Data::string(value, std::move(location));
    return resolve_plain_scalar(value, std::move(location));
  }

  Data read_mapping(int depth, SourceLocation location) {
    Data result = Data::map({}, std::move(location));
    Data merged_defaults = Data::map();
    for (next(); event_.type != YAML_MAPPING_END_EVENT; next()) {
      if (event_.type != YAML_SCALAR_EVENT) {
        throw KilnError(ErrorKind::Yaml,
                        "a mapping key must be a plain value, not a list or mapping",
                        location_of(event_.start_mark));
      }
      const auto& scalar = event_.data.scalar;
      std::string key(reinterpret_cast<const char*>(scalar.value), scalar.length);
      bool is_merge = key == "<<" && scalar.style == YAML_PLAIN_SCALAR_STYLE && !scalar.tag;
      SourceLocation key_location = location_of(event_.start_mark);
      next();
      bool empty_value = event_.type == YAML_SCALAR_EVENT && event_.data.scalar.length == 0 &&
                         event_.data.scalar.style == YAML_PLAIN_SCALAR_STYLE;
      Data value = read_node(depth + 1);
      if (is_merge) {
        if (value.is_list()) {
          for (const Data& item : value.as_list()) merge_into(merged_defaults, item);
        } else {
          merge_into(merged_defaults, value);
        }
        continue;
      }
      // An empty value (`name:`) has no position of its own; point at its key instead.
      if (empty_value) value.set_location(key_location);
      result.set(std::move(key), std::move(value));
    }
    merge_into(result, merged_defaults);
    return result;
  }

  const std::string& source_;
  const std::string& file_name_;
  yaml_parser_t parser_;
  yaml_event_t event_;
  bool has_event_ = false;
  std::unordered_map<std::string, Data> anchors_;
};

}  // namespace

Data parse_yaml(std::string_view text, const std::string& file_name) {
  std::string source(text);
  // PyYAML accepts a UTF-8 byte order mark; keep positions counted from the text after it.
  if (source.starts_with("\xEF\xBB\xBF")) source.erase(0, 3);
  EventReader reader(source, file_name);
  return reader.read_document();
}

std::string read_text_file(const std::filesystem::path& path, const std::string& display_name) {
  // Plain system calls: a big project reads tens of thousands of small files, and a stream's
  // buffers and copies cost more than the reads themselves.
  std::string text;
  int error = 0;
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    error = errno;
  } else {
    struct stat info {};
    if (::fstat(fd, &info) == 0 && info.st_size > 0)
      text.reserve(static_cast<size_t>(info.st_size));
    char buffer[65536];
    for (ssize_t got; (got = ::read(fd, buffer, sizeof buffer)) != 0;) {
      if (got > 0) {
        text.append(buffer, static_cast<size_t>(got));
      } else if (errno != EINTR) {
        error = errno;
        break;
      }
    }
    ::close(fd);
  }
  if (error != 0) {
    throw KilnError(ErrorKind::Io, "cannot read " + display_name + ": " + std::strerror(error),
                    {display_name});
  }
  return text;
}

Data read_yaml_file(const std::filesystem::path& path, const std::string& display_name) {
  return parse_yaml(read_text_file(path, display_name), display_name);
}

}  // namespace kiln
