// Recursive-descent parser: tokens -> statement tree, following Jinja2's grammar and precedence.
#pragma once

#include <string_view>

#include "jinja/ast.h"

namespace kiln::jinja {

struct ParseOptions {
  // Nesting depth (expressions and blocks) after which parsing fails instead of recursing.
  int max_depth = 200;
  // dbt's custom tags: {% test %}, {% materialization %}, {% docs %} define macros.
  bool dbt_tags = false;
};

// Parses `source` into `arena`; throws Error(kSyntax) located in `template_name`.
Body parse_template(std::string_view source, std::string_view template_name, Arena& arena,
                    const ParseOptions& options = {});

}  // namespace kiln::jinja
