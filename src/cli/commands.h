#pragma once

#include <memory>
#include <string>
#include <vector>

#include "cli/invocation.h"

namespace kiln {

inline constexpr const char* kKilnVersion = "0.1.0";

int run_debug(Invocation& invocation, bool connection_only);
int run_init(Invocation& invocation, const std::string& project_name, bool skip_profile_setup);
int run_clean(Invocation& invocation);
int run_deps(Invocation& invocation);
// `partial_parse`: when nothing changed since the last parse, keep its manifest.json.
int run_parse(Invocation& invocation, bool partial_parse);

struct Manifest;
class Adapter;
class DbtContext;
struct Project;

// What parsing set up and later steps reuse: the installed packages, the adapter, and the Jinja
// context with every template it compiled.
struct ParseSession {
  ParseSession();
  ParseSession(ParseSession&&) noexcept;
  ParseSession& operator=(ParseSession&&) noexcept;
  ~ParseSession();
  std::vector<Project> packages;
  std::unique_ptr<Adapter> adapter;
  std::unique_ptr<DbtContext> context;
};
struct SelectionFlags;
struct Node;

// Command output (compiled SQL, previews): printed as is, without a time, even with --quiet.
void print_output(const std::string& text);
// A node for SQL given with --inline, compiled like a model of the root project.
Node inline_sql_node(const std::string& project_name, const std::string& sql);
int run_ls(Invocation& invocation, const SelectionFlags& flags, const std::string& output,
           const std::vector<std::string>& output_keys);
int run_compile(Invocation& invocation, const SelectionFlags& flags, const std::string& inline_sql);
// Loads the project, its packages and target, and parses everything into a manifest.
// When `session` is given, it receives what parsing set up.
Manifest parse_manifest(Invocation& invocation, ParseSession* session = nullptr);

}  // namespace kiln
