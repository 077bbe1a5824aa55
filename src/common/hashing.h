#pragma once

#include <string>
#include <string_view>

namespace kiln {

// Hex digests, as dbt computes them: md5 for test ids and project ids, sha256 for file checksums.
std::string md5_hex(std::string_view data);
std::string sha256_hex(std::string_view data);

}  // namespace kiln
