#pragma once

#include <string>
#include <vector>

#include "cli/invocation.h"

namespace kiln {

inline constexpr const char* kKilnVersion = "0.1.0";

int run_debug(Invocation& invocation, bool connection_only);
int run_init(Invocation& invocation, const std::string& project_name, bool skip_profile_setup);
int run_clean(Invocation& invocation);
int run_deps(Invocation& invocation);
int run_parse(Invocation& invocation);

struct Manifest;
struct SelectionFlags;
int run_ls(Invocation& invocation, const SelectionFlags& flags, const std::string& output,
           const std::vector<std::string>& output_keys);
int run_compile(Invocation& invocation, const SelectionFlags& flags, const std::string& inline_sql);
// Loads the project, its packages and target, and parses everything into a manifest.
Manifest parse_manifest(Invocation& invocation);

}  // namespace kiln
