#include "parser/static_extractor.h"

#include <cctype>
#include <cstdlib>

namespace kiln {
namespace {

void skip_space(std::string_view text, size_t& pos) {
  while (pos < text.size() && std::isspace(static_cast<unsigned char>(text[pos]))) ++pos;
}

bool consume(std::string_view text, size_t& pos, char c) {
  skip_space(text, pos);
  if (pos < text.size() && text[pos] == c) {
    ++pos;
    return true;
  }
  return false;
}

bool read_identifier(std::string_view text, size_t& pos, std::string& out) {
  skip_space(text, pos);
  size_t start = pos;
  if (pos >= text.size() ||
      !(std::isalpha(static_cast<unsigned char>(text[pos])) || text[pos] == '_')) {
    return false;
  }
  while (pos < text.size() &&
         (std::isalnum(static_cast<unsigned char>(text[pos])) || text[pos] == '_')) {
    ++pos;
  }
  out = std::string(text.substr(start, pos - start));
  return true;
}

bool parse_string(std::string_view text, size_t& pos, std::string& out) {
  char quote = text[pos];
  ++pos;
  out.clear();
  while (pos < text.size()) {
    char c = text[pos++];
    if (c == quote) return true;
    if (c != '\\') {
      out += c;
      continue;
    }
    if (pos >= text.size()) return false;
    char e = text[pos++];
    switch (e) {
      case 'n':
        out += '\n';
        break;
      case 't':
        out += '\t';
        break;
      case 'r':
        out += '\r';
        break;
      case '\\':
        out += '\\';
        break;
      case '\'':
        out += '\'';
        break;
      case '"':
        out += '"';
        break;
      default:
        // Python keeps unknown escapes as written.
        out += '\\';
        out += e;
    }
  }
  return false;
}

bool parse_sequence(std::string_view text, size_t& pos, char close, Data::List& items) {
  while (true) {
    skip_space(text, pos);
    if (pos < text.size() && text[pos] == close) {
      ++pos;
      return true;
    }
    Data item;
    if (!parse_literal(text, pos, item)) return false;
    items.push_back(std::move(item));
    skip_space(text, pos);
    if (consume(text, pos, ',')) continue;
    return consume(text, pos, close);
  }
}

}  // namespace

bool parse_literal(std::string_view text, size_t& pos, Data& out) {
  skip_space(text, pos);
  if (pos >= text.size()) return false;
  char c = text[pos];
  if (c == '\'' || c == '"') {
    std::string value;
    if (!parse_string(text, pos, value)) return false;
    // Adjacent literals concatenate, as in Python.
    size_t after = pos;
    skip_space(text, after);
    while (after < text.size() && (text[after] == '\'' || text[after] == '"')) {
      std::string more;
      if (!parse_string(text, after, more)) return false;
      value += more;
      pos = after;
      skip_space(text, after);
    }
    out = Data::string(std::move(value));
    return true;
  }
  if (c == '[' || c == '(') {
    ++pos;
    Data::List items;
    if (!parse_sequence(text, pos, c == '[' ? ']' : ')', items)) return false;
    out = Data::list(std::move(items));
    return true;
  }
  if (c == '{') {
    ++pos;
    Data::Map entries;
    while (true) {
      skip_space(text, pos);
      if (pos < text.size() && text[pos] == '}') {
        ++pos;
        break;
      }
      Data key;
      if (!parse_literal(text, pos, key) || !key.is_string()) return false;
      if (!consume(text, pos, ':')) return false;
      Data value;
      if (!parse_literal(text, pos, value)) return false;
      entries.emplace_back(key.as_string(), std::move(value));
      if (consume(text, pos, ',')) continue;
      if (!consume(text, pos, '}')) return false;
      break;
    }
    out = Data::map(std::move(entries));
    return true;
  }
  if (c == '-' || c == '+' || std::isdigit(static_cast<unsigned char>(c))) {
    size_t start = pos;
    if (c == '-' || c == '+') ++pos;
    bool is_float = false;
    while (pos < text.size() &&
           (std::isdigit(static_cast<unsigned char>(text[pos])) || text[pos] == '.' ||
            text[pos] == '_' || text[pos] == 'e' || text[pos] == 'E')) {
      if (text[pos] == '.' || text[pos] == 'e' || text[pos] == 'E') is_float = true;
      ++pos;
    }
    std::string number;
    for (char d : text.substr(start, pos - start)) {
      if (d != '_') number += d;
    }
    char* end = nullptr;
    if (is_float) {
      double value = std::strtod(number.c_str(), &end);
      if (*end) return false;
      out = Data::floating(value);
    } else {
      long long value = std::strtoll(number.c_str(), &end, 10);
      if (*end || number == "-" || number == "+") return false;
      out = Data::integer(value);
    }
    return true;
  }
  std::string word;
  size_t word_pos = pos;
  if (!read_identifier(text, word_pos, word)) return false;
  if (word == "True" || word == "true") {
    out = Data::boolean(true);
  } else if (word == "False" || word == "false") {
    out = Data::boolean(false);
  } else if (word == "None" || word == "none") {
    out = Data::null();
  } else {
    return false;
  }
  pos = word_pos;
  return true;
}

namespace {

struct CallArguments {
  Data::List positional;
  Data::Map keyword;
};

bool parse_call_arguments(std::string_view text, size_t& pos, CallArguments& args) {
  if (!consume(text, pos, '(')) return false;
  while (true) {
    skip_space(text, pos);
    if (pos < text.size() && text[pos] == ')') {
      ++pos;
      return true;
    }
    size_t probe = pos;
    std::string name;
    if (read_identifier(text, probe, name) && consume(text, probe, '=') &&
        (probe >= text.size() || text[probe] != '=')) {
      pos = probe;
      Data value;
      if (!parse_literal(text, pos, value)) return false;
      args.keyword.emplace_back(name, std::move(value));
    } else {
      if (!args.keyword.empty()) return false;  // positional after keyword
      Data value;
      if (!parse_literal(text, pos, value)) return false;
      args.positional.push_back(std::move(value));
    }
    if (consume(text, pos, ',')) continue;
    return consume(text, pos, ')');
  }
}

bool all_strings(const Data::List& items) {
  for (const Data& item : items) {
    if (!item.is_string()) return false;
  }
  return true;
}

// Reads one `{{ call(...) }}` expression. Returns false for anything that is not exactly one
// ref/source/config call with literal arguments.
bool read_expression(std::string_view expression, StaticExtraction& out) {
  size_t pos = 0;
  std::string function;
  if (!read_identifier(expression, pos, function)) return false;
  CallArguments args;
  if (!parse_call_arguments(expression, pos, args)) return false;
  skip_space(expression, pos);
  if (pos != expression.size()) return false;

  if (function == "ref") {
    if (args.positional.empty() || args.positional.size() > 2 || !all_strings(args.positional)) {
      return false;
    }
    RefCall ref;
    if (args.positional.size() == 2) {
      ref.package = args.positional[0].as_string();
      ref.name = args.positional[1].as_string();
    } else {
      ref.name = args.positional[0].as_string();
    }
    for (const auto& [key, value] : args.keyword) {
      if ((key != "v" && key != "version") || !(value.is_string() || value.is_number())) {
        return false;
      }
      ref.version = value.scalar_text();
    }
    out.refs.push_back(std::move(ref));
    out.segments.push_back({StaticSegment::Kind::Ref, {}, out.refs.size() - 1});
    return true;
  }
  if (function == "source") {
    if (args.positional.size() != 2 || !args.keyword.empty() || !all_strings(args.positional)) {
      return false;
    }
    out.sources.push_back({args.positional[0].as_string(), args.positional[1].as_string()});
    out.segments.push_back({StaticSegment::Kind::Source, {}, out.sources.size() - 1});
    return true;
  }
  if (function == "config") {
    if (!args.positional.empty()) return false;
    for (auto& [key, value] : args.keyword) out.config.set(key, std::move(value));
    out.segments.push_back({StaticSegment::Kind::Config, {}, 0});
    return true;
  }
  return false;
}

void append_text(StaticExtraction& out, std::string_view text) {
  if (text.empty()) return;
  if (!out.segments.empty() && out.segments.back().kind == StaticSegment::Kind::Text) {
    out.segments.back().text += text;
  } else {
    out.segments.push_back({StaticSegment::Kind::Text, std::string(text), 0});
  }
}

}  // namespace

StaticExtraction extract_static(std::string_view text) {
  StaticExtraction out;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t open = text.find('{', pos);
    if (open == std::string_view::npos || open + 1 >= text.size()) {
      append_text(out, text.substr(pos));
      break;
    }
    char kind = text[open + 1];
    if (kind == '%') return {};  // any statement tag needs the engine
    if (kind == '#') {
      size_t close = text.find("#}", open + 2);
      if (close == std::string_view::npos) return {};
      append_text(out, text.substr(pos, open - pos));
      pos = close + 2;
      continue;
    }
    if (kind != '{') {
      append_text(out, text.substr(pos, open + 1 - pos));
      pos = open + 1;
      continue;
    }
    size_t close = text.find("}}", open + 2);
    if (close == std::string_view::npos) return {};
    std::string_view inner = text.substr(open + 2, close - open - 2);
    // Whitespace control changes the surrounding text; leave those files to the engine.
    if (!inner.empty() && (inner.front() == '-' || inner.back() == '-')) return {};
    append_text(out, text.substr(pos, open - pos));
    if (!read_expression(inner, out)) return {};
    pos = close + 2;
  }
  out.is_static = true;
  return out;
}

}  // namespace kiln
