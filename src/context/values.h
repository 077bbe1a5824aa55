#pragma once

#include "common/data.h"
#include "jinja/value.h"

namespace kiln {

// Data (YAML/JSON-shaped settings) as a Jinja value, and back. Maps become dicts in order;
// a Jinja value that has no Data form (a macro, a host object) becomes its string.
jinja::Value to_jinja(const Data& data);
Data from_jinja(const jinja::Value& value);

}  // namespace kiln
