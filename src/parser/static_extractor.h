#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "common/data.h"
#include "manifest/node.h"

namespace kiln {

// The fast path of parsing: most model files use Jinja only for `{{ ref(...) }}`,
// `{{ source(...) }}` and `{{ config(...) }}` with literal arguments. Such files need no template
// engine to know their dependencies and config, so they are read by this scanner and never
// rendered at parse time. Anything else (a `{% %}` tag, a variable, a filter, a macro call) makes
// the file "dynamic", and it goes through full parse-time rendering instead.
struct StaticSegment {
  enum class Kind { Text, Ref, Source, Config };
  Kind kind = Kind::Text;
  std::string text;  // for Text
  size_t index = 0;  // into refs or sources
};

struct StaticExtraction {
  bool is_static = false;
  std::vector<RefCall> refs;
  std::vector<SourceCall> sources;
  Data config = Data::map();  // merged keyword arguments of every config() call
  std::vector<StaticSegment> segments;
};

StaticExtraction extract_static(std::string_view text);

// Reads a Python/Jinja literal ('text', "text", 12, 1.5, True, none, [..], {..}, (..)) from the
// start of `text`, advancing `pos`. Returns false when the text is not a literal.
bool parse_literal(std::string_view text, size_t& pos, Data& out);

}  // namespace kiln
