#pragma once

#include <string>

#include "manifest/manifest.h"

namespace kiln {

// The docs block `doc('name')` or `doc('package', 'name')` names, found as dbt finds it: in the
// given package only; without one, in the root project, then in the package of the node that
// asks, then in any package. nullptr when there is none.
const Documentation* find_doc(const Manifest& manifest, const std::string& package,
                              const std::string& name, const std::string& node_package);

// "did you mean 'orders_status'?" for a doc name that does not exist, or a general hint.
std::string unknown_doc_hint(const Manifest& manifest, const std::string& name);

// Replaces every `{{ doc('name') }}` / `{{ doc('package', 'name') }}` in the descriptions of
// nodes, columns, sources, macros (and their arguments), exposures and the other property
// resources by the docs block's contents, as dbt does once parsing is done. Other Jinja in a
// description is left as written.
//
// Throws KilnError naming the property file and the doc, with the closest existing name as the
// hint, when a description asks for a doc that does not exist.
void resolve_doc_references(Manifest& manifest);

}  // namespace kiln
