#pragma once

#include <stdexcept>
#include <string>
#include <string_view>

namespace kiln {

// A position in a user's file. line and column are 1-based; 0 means "not known".
struct SourceLocation {
  std::string file;
  int line = 0;
  int column = 0;

  bool known() const { return !file.empty(); }
  std::string to_string() const;  // "file:line:col", dropping the parts that are unknown
};

// What kind of mistake a user error is; the CLI maps kinds to exit codes and the first word of
// the message.
enum class ErrorKind {
  Usage,       // bad command-line flags
  Project,     // dbt_project.yml content
  Profile,     // profiles.yml content or lookup
  Yaml,        // a file that is not valid YAML
  Template,    // Jinja
  Connection,  // could not reach the warehouse
  Database,    // the warehouse rejected a statement
  Io,          // a file could not be read or written
  Internal,    // a kiln bug: an invariant did not hold
};

std::string_view error_kind_name(ErrorKind kind);

// A user-facing error: one message, where it happened, and what to do about it. Thrown across
// layers and rendered once by the CLI; never shown as a stack dump.
class KilnError : public std::runtime_error {
 public:
  KilnError(ErrorKind kind, std::string message, SourceLocation location = {},
            std::string hint = {});

  ErrorKind kind() const { return kind_; }
  const std::string& message() const { return message_; }
  const SourceLocation& location() const { return location_; }
  const std::string& hint() const { return hint_; }
  // The offending source line, shown under the message with a caret at the column.
  const std::string& excerpt() const { return excerpt_; }

  KilnError& with_hint(std::string hint);
  // Takes the line `location().line` of `source_text` as the excerpt.
  KilnError& with_source(std::string_view source_text);

  // "file:3:7: message\n    3 | line\n      |       ^\n  hint: ..." (no trailing newline).
  std::string render() const;

 private:
  ErrorKind kind_;
  std::string message_;
  SourceLocation location_;
  std::string hint_;
  std::string excerpt_;
};

// Returns line `line` (1-based) of `text` without its newline, or "" if there is no such line.
std::string_view line_of(std::string_view text, int line);

}  // namespace kiln
