#pragma once

#include <functional>

#include "jinja/value.h"
#include "manifest/manifest.h"

namespace kiln {

// What the render in progress is about, as globals that read the manifest need it.
struct RenderScope {
  const Manifest* manifest = nullptr;  // null while parsing
  const Node* node = nullptr;
  bool parse_mode = true;
};
using RenderScopeSource = std::function<RenderScope()>;

// dbt's `graph`: nodes, sources, exposures, macros, groups, metrics, semantic_models and
// saved_queries, each a dict keyed by unique id whose values carry the resource's manifest fields
// (name, resource_type, package_name, config, tags, depends_on, fqn, columns, raw_code, ...).
// At parse time every section is empty, as dbt's is. At compile time a section is built from the
// manifest the first time a template reads it and kept while the manifest stays the same, so
// renders that never touch `graph` cost nothing.
jinja::Value make_graph_value(RenderScopeSource scope);

// doc('name') / doc('package', 'name') in SQL: the docs block's contents at compile time (an
// unknown doc is an error with the closest name as a hint), empty text at parse time.
jinja::NativeFunction make_doc_function(RenderScopeSource scope);

}  // namespace kiln
