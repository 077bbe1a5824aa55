#pragma once

#include <string>
#include <string_view>

#include "common/data.h"

namespace kiln {

// Python's repr() of a str: single quotes unless the text has a single quote and no double
// quote; backslash escapes for \\, \n, \r, \t and other control characters. dbt hashes reprs
// (generic test ids), so this must match CPython byte for byte.
std::string python_repr(std::string_view text);

// Python's repr() of the value a Data tree would be in Python (dict, list, str, int, float,
// True/False/None).
std::string python_repr(const Data& value);

// Python's repr() of a float: shortest round-trip digits, "1.0", "1e+16", "nan", "inf".
std::string python_float_repr(double value);

// Python's str(): strings as-is, everything else as repr.
std::string python_str(const Data& value);

}  // namespace kiln
