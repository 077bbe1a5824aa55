#include "parser/block_extractor.h"

#include <algorithm>
#include <cctype>

namespace kiln {
namespace {

struct Position {
  int line = 1;
  int column = 1;
};

Position position_at(std::string_view text, size_t offset) {
  Position p;
  for (size_t i = 0; i < offset && i < text.size(); ++i) {
    if (text[i] == '\n') {
      ++p.line;
      p.column = 1;
    } else {
      ++p.column;
    }
  }
  return p;
}

// One `{% ... %}` tag: where it starts and ends, and its words.
struct Tag {
  size_t begin = 0;  // offset of "{%"
  size_t end = 0;    // offset just past "%}"
  std::string keyword;
  std::string rest;  // text after the keyword, trimmed
};

bool is_identifier_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '_';
}

// Finds the end of a tag that starts at `begin` ("{%"), skipping over string literals so that a
// "%}" inside quotes does not end it. Returns npos when the tag never closes.
size_t find_tag_end(std::string_view text, size_t begin) {
  char quote = 0;
  for (size_t i = begin + 2; i + 1 < text.size(); ++i) {
    char c = text[i];
    if (quote) {
      if (c == '\\') {
        ++i;
      } else if (c == quote) {
        quote = 0;
      }
    } else if (c == '\'' || c == '"') {
      quote = c;
    } else if (c == '%' && text[i + 1] == '}') {
      return i + 2;
    }
  }
  return std::string_view::npos;
}

Tag read_tag(std::string_view text, size_t begin, size_t end) {
  Tag tag;
  tag.begin = begin;
  tag.end = end;
  std::string_view inner = text.substr(begin + 2, end - begin - 4);
  if (!inner.empty() && (inner.front() == '-' || inner.front() == '+')) inner.remove_prefix(1);
  if (!inner.empty() && (inner.back() == '-' || inner.back() == '+')) inner.remove_suffix(1);
  size_t i = 0;
  while (i < inner.size() && std::isspace(static_cast<unsigned char>(inner[i]))) ++i;
  size_t start = i;
  while (i < inner.size() && is_identifier_char(inner[i])) ++i;
  tag.keyword = std::string(inner.substr(start, i - start));
  std::string_view rest = inner.substr(i);
  while (!rest.empty() && std::isspace(static_cast<unsigned char>(rest.front())))
    rest.remove_prefix(1);
  while (!rest.empty() && std::isspace(static_cast<unsigned char>(rest.back())))
    rest.remove_suffix(1);
  tag.rest = std::string(rest);
  return tag;
}

[[noreturn]] void fail(std::string_view text, const std::string& file_name, size_t offset,
                       std::string message, std::string hint) {
  Position p = position_at(text, offset);
  KilnError error(ErrorKind::Template, std::move(message), {file_name, p.line, p.column},
                  std::move(hint));
  error.with_source(text);
  throw error;
}

}  // namespace

std::vector<TopLevelBlock> extract_blocks(std::string_view text, const std::string& file_name,
                                          const std::vector<std::string>& types) {
  auto is_wanted = [&](const std::string& keyword) {
    return std::find(types.begin(), types.end(), keyword) != types.end();
  };
  std::vector<TopLevelBlock> blocks;
  size_t i = 0;
  // The block currently open, with how deeply blocks of its type nest inside it.
  const Tag* open = nullptr;
  Tag open_tag;
  int depth = 0;
  while (i < text.size()) {
    size_t next = text.find('{', i);
    if (next == std::string_view::npos || next + 1 >= text.size()) break;
    char kind = text[next + 1];
    if (kind == '#') {
      size_t close = text.find("#}", next + 2);
      if (close == std::string_view::npos) {
        fail(text, file_name, next, "comment is never closed", "end it with #}");
      }
      i = close + 2;
      continue;
    }
    if (kind != '%') {
      i = next + 1;
      continue;
    }
    size_t end = find_tag_end(text, next);
    if (end == std::string_view::npos) {
      fail(text, file_name, next, "tag is never closed", "end it with %}");
    }
    Tag tag = read_tag(text, next, end);
    i = end;
    if (tag.keyword == "raw") {
      // Nothing inside {% raw %} is a tag.
      size_t search = end;
      while (true) {
        size_t candidate = text.find("{%", search);
        if (candidate == std::string_view::npos) {
          fail(text, file_name, next, "{% raw %} block is never closed",
               "end it with {% endraw %}");
        }
        size_t candidate_end = find_tag_end(text, candidate);
        if (candidate_end == std::string_view::npos) {
          fail(text, file_name, candidate, "tag is never closed", "end it with %}");
        }
        if (read_tag(text, candidate, candidate_end).keyword == "endraw") {
          i = candidate_end;
          break;
        }
        search = candidate_end;
      }
      continue;
    }
    if (!open) {
      if (is_wanted(tag.keyword)) {
        open_tag = tag;
        open = &open_tag;
        depth = 1;
      } else if (tag.keyword.starts_with("end") && is_wanted(tag.keyword.substr(3))) {
        fail(text, file_name, next,
             "{% " + tag.keyword + " %} has no opening {% " + tag.keyword.substr(3) + " %}",
             "remove it, or open the block before it");
      }
      continue;
    }
    if (tag.keyword == open->keyword) {
      ++depth;
    } else if (tag.keyword == "end" + open->keyword && --depth == 0) {
      TopLevelBlock block;
      block.type = open->keyword;
      std::string_view rest = open->rest;
      size_t name_end = 0;
      while (name_end < rest.size() && is_identifier_char(rest[name_end])) ++name_end;
      block.name = std::string(rest.substr(0, name_end));
      std::string_view arguments = rest.substr(name_end);
      while (!arguments.empty() && std::isspace(static_cast<unsigned char>(arguments.front()))) {
        arguments.remove_prefix(1);
      }
      block.arguments = std::string(arguments);
      block.full_text = std::string(text.substr(open->begin, tag.end - open->begin));
      block.contents = std::string(text.substr(open->end, tag.begin - open->end));
      Position p = position_at(text, open->begin);
      block.line = p.line;
      block.column = p.column;
      if (block.name.empty()) {
        fail(text, file_name, open->begin, "{% " + block.type + " %} block has no name",
             "write it as {% " + block.type + " my_name %}");
      }
      blocks.push_back(std::move(block));
      open = nullptr;
    }
  }
  if (open) {
    fail(text, file_name, open->begin, "{% " + open->keyword + " %} block is never closed",
         "add {% end" + open->keyword + " %} after its body");
  }
  return blocks;
}

}  // namespace kiln
