#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace kiln {

// Names of the environment variables templates read (env_var()) during this process, so a parse
// can be reused only while they keep their values. Thread-safe.
void note_env_read(std::string_view name);
std::vector<std::string> env_reads();  // sorted, without repeats

}  // namespace kiln
