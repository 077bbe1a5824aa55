#include "project/yaml_reader.h"

#include <yaml-cpp/yaml.h>

#include <cerrno>
#include <cmath>
#include <cstring>
#include <fstream>
#include <limits>
#include <sstream>

#include "common/strings.h"

namespace kiln {
namespace {

SourceLocation location_of(const YAML::Mark& mark, const std::string& file_name) {
  if (mark.is_null()) return {file_name, 0, 0};
  return {file_name, mark.line + 1, mark.column + 1};
}

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

Data convert(const YAML::Node& node, const std::string& file_name, int depth);

void merge_into(Data& target, const Data& source) {
  if (!source.is_map()) return;
  for (const auto& [key, value] : source.as_map()) {
    if (!target.find(key)) target.set(key, value);
  }
}

Data convert_map(const YAML::Node& node, const std::string& file_name, int depth) {
  Data result = Data::map({}, location_of(node.Mark(), file_name));
  Data merged_defaults = Data::map();
  for (const auto& entry : node) {
    const YAML::Node& key_node = entry.first;
    if (!key_node.IsScalar()) {
      throw KilnError(ErrorKind::Yaml, "a mapping key must be a plain value, not a list or mapping",
                      location_of(key_node.Mark(), file_name));
    }
    const std::string& key = key_node.Scalar();
    if (key == "<<" && key_node.Tag() == "?") {
      Data source = convert(entry.second, file_name, depth + 1);
      if (source.is_list()) {
        for (const Data& item : source.as_list()) merge_into(merged_defaults, item);
      } else {
        merge_into(merged_defaults, source);
      }
      continue;
    }
    Data value = convert(entry.second, file_name, depth + 1);
    // An empty value (`name:`) has no position of its own; point at its key instead.
    if (entry.second.IsNull() || entry.second.Mark().is_null()) {
      value.set_location(location_of(key_node.Mark(), file_name));
    }
    result.set(key, std::move(value));
  }
  merge_into(result, merged_defaults);
  return result;
}

Data convert(const YAML::Node& node, const std::string& file_name, int depth) {
  if (depth > 200) {
    throw KilnError(ErrorKind::Yaml, "YAML nesting is deeper than 200 levels",
                    location_of(node.Mark(), file_name));
  }
  SourceLocation location = location_of(node.Mark(), file_name);
  switch (node.Type()) {
    case YAML::NodeType::Undefined:
    case YAML::NodeType::Null:
      return Data::null(std::move(location));
    case YAML::NodeType::Scalar:
      // yaml-cpp tags plain scalars "?" and quoted or block scalars "!": only plain ones get
      // implicit types.
      if (node.Tag() == "?") return resolve_plain_scalar(node.Scalar(), std::move(location));
      if (node.Tag() == "!" || node.Tag().empty() || node.Tag() == "tag:yaml.org,2002:str" ||
          node.Tag() == "!!str") {
        return Data::string(node.Scalar(), std::move(location));
      }
      return resolve_plain_scalar(node.Scalar(), std::move(location));
    case YAML::NodeType::Sequence: {
      Data::List items;
      items.reserve(node.size());
      for (const auto& item : node) items.push_back(convert(item, file_name, depth + 1));
      return Data::list(std::move(items), std::move(location));
    }
    case YAML::NodeType::Map:
      return convert_map(node, file_name, depth);
  }
  return Data::null(std::move(location));
}

std::string describe_yaml_problem(const std::string& message) {
  // yaml-cpp's messages are terse ("end of map not found"); say what usually causes them.
  if (message.find("end of map not found") != std::string::npos ||
      message.find("end of sequence not found") != std::string::npos) {
    return "check the indentation and that every '[' or '{' is closed";
  }
  if (message.find("illegal map value") != std::string::npos) {
    return "a value containing ': ' must be quoted, and nested keys must be indented under their "
           "parent";
  }
  if (message.find("unknown escape") != std::string::npos) {
    return "inside double quotes a backslash starts an escape; use single quotes for literal "
           "backslashes";
  }
  return "check the indentation, quoting and that tabs are not used for indentation";
}

}  // namespace

Data parse_yaml(std::string_view text, const std::string& file_name) {
  std::string source(text);
  // PyYAML accepts a UTF-8 byte order mark; yaml-cpp would take it as content.
  if (source.starts_with("\xEF\xBB\xBF")) source.erase(0, 3);
  try {
    YAML::Node root = YAML::Load(source);
    return convert(root, file_name, 0);
  } catch (const YAML::Exception& e) {
    KilnError error(ErrorKind::Yaml, "invalid YAML: " + e.msg, location_of(e.mark, file_name),
                    describe_yaml_problem(e.msg));
    error.with_source(source);
    throw error;
  }
}

std::string read_text_file(const std::filesystem::path& path, const std::string& display_name) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    throw KilnError(ErrorKind::Io, "cannot read " + display_name + ": " + std::strerror(errno),
                    {display_name});
  }
  std::ostringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

Data read_yaml_file(const std::filesystem::path& path, const std::string& display_name) {
  return parse_yaml(read_text_file(path, display_name), display_name);
}

}  // namespace kiln
