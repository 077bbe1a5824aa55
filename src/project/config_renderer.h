#pragma once

#include <functional>
#include <string>
#include <string_view>

#include "common/data.h"

namespace kiln {

// dbt reads dbt_project.yml and profiles.yml as YAML, then renders each string value that holds
// Jinja (`{{ env_var('DBT_USER') }}`, `{{ var('x') }}`) before using it. The loaders take that
// rendering step as a function so they need not depend on the template engine.
// The function gets the template text and where it stands, and returns the rendered text.
using ValueRenderer =
    std::function<std::string(std::string_view text, const SourceLocation& where)>;

// The renderer used while kiln has no template engine wired in: plain values pass, and a templated
// one is refused with a clear error instead of being used as if it were literal text.
ValueRenderer renderer_without_template_engine();

// Which parts of a tree to leave unrendered: dbt renders hooks at run time, not at load time.
using KeyFilter = std::function<bool(const std::vector<std::string>& key_path)>;

// Renders every string in `tree` that contains Jinja, except under paths `skip` accepts. Rendered
// values are read back as Python literals where they look like one ("5432" becomes an integer,
// "True" a boolean), as dbt's native rendering does.
Data render_tree(const Data& tree, const ValueRenderer& render, const KeyFilter& skip = {});

// ast.literal_eval-like reading of rendered text: ints, floats, True/False/None; else the text.
Data native_value(const std::string& text, const SourceLocation& where);

}  // namespace kiln
