// Splits template source into tokens with Jinja2's default delimiters and whitespace rules.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace kiln::jinja {

enum class Tok : uint8_t {
  kData,        // literal template text (value holds the processed text)
  kVarBegin,    // {{
  kVarEnd,      // }}
  kBlockBegin,  // {%
  kBlockEnd,    // %}
  kName,
  kString,  // value holds the decoded string
  kInt,
  kFloat,
  kOp,  // text holds the operator
  kEof,
};

struct Token {
  Tok type = Tok::kEof;
  uint32_t line = 1;
  uint32_t col = 1;
  std::string_view text;  // slice of the source
  std::string value;      // decoded string literal / data text
  int64_t int_value = 0;
  double float_value = 0;

  bool is_op(std::string_view op) const { return type == Tok::kOp && text == op; }
  bool is_name(std::string_view n) const { return type == Tok::kName && text == n; }
};

// Throws Error(kSyntax) with the template name and position on malformed input.
std::vector<Token> tokenize(std::string_view source, std::string_view template_name);

}  // namespace kiln::jinja
