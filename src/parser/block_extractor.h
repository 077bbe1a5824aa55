#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "common/error.h"

namespace kiln {

// A top-level `{% macro %}`, `{% test %}`, `{% materialization %}`, `{% snapshot %}` or
// `{% docs %}` block of a file. dbt finds these without rendering the file; so do we, which lets
// macros be indexed before the template engine runs anything.
struct TopLevelBlock {
  std::string type;       // "macro", "test", "materialization", "snapshot", "docs"
  std::string name;       // the block's name: macro name, snapshot name, docs name
  std::string arguments;  // text after the name in the opening tag: "(model, column_name)"
  std::string full_text;  // from the opening `{%` to the end of the closing tag
  std::string contents;   // between the opening and the closing tag
  int line = 0;           // of the opening tag, 1-based
  int column = 0;
};

// Finds every top-level block of the given types in `text`. Text outside blocks is ignored, as
// dbt ignores it in macro files. Throws KilnError(Template) naming `file_name`, line and column
// for a block that is never closed or a closing tag without an opening one.
std::vector<TopLevelBlock> extract_blocks(std::string_view text, const std::string& file_name,
                                          const std::vector<std::string>& types);

}  // namespace kiln
