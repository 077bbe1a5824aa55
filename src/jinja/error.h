// Errors raised while lexing, parsing or rendering a template.
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>

#include "jinja/value.h"

namespace kiln::jinja {

// Mirrors the Python exception a Jinja2 render would raise.
enum class ErrorKind : uint8_t {
  kSyntax,        // TemplateSyntaxError
  kUndefined,     // UndefinedError
  kType,          // TypeError
  kValue,         // ValueError
  kZeroDivision,  // ZeroDivisionError
  kKey,           // KeyError
  kIndex,         // IndexError
  kAttribute,     // AttributeError
  kOverflow,      // OverflowError
  kTemplateNotFound,
  kRuntime,         // TemplateRuntimeError / budget and recursion limits
  kAssertion,       // TemplateAssertionError (unknown filter/test)
  kFilterArgument,  // FilterArgumentError
  kHost,            // exception thrown by a host (native) function
};

// Python class name of the kind ("TemplateSyntaxError", "UndefinedError", ...).
std::string_view error_kind_name(ErrorKind kind);

class Error : public std::runtime_error {
 public:
  Error(ErrorKind kind, std::string message);

  ErrorKind kind() const { return kind_; }
  // The bare message, without location or excerpt.
  const std::string& message() const { return message_; }
  bool has_location() const { return line_ != 0; }
  const std::string& template_name() const { return template_name_; }
  uint32_t line() const { return line_; }
  uint32_t column() const { return column_; }

  // Attaches "name:line:col: message" plus an excerpt of the offending line with a caret.
  void set_location(std::string_view template_name, std::string_view source, uint32_t line,
                    uint32_t column);

  const char* what() const noexcept override { return formatted_.c_str(); }

 private:
  ErrorKind kind_;
  std::string message_;
  std::string template_name_;
  uint32_t line_ = 0;
  uint32_t column_ = 0;
  std::string formatted_;
};

// Thrown by dbt's `return(x)` global; caught by the enclosing macro call, whose result becomes x.
struct MacroReturn {
  Value value;
};

// A native function implementing dbt's `return`: register it with
// env.set_global("return", make_return_function()).
Value make_return_function();

[[noreturn]] void throw_error(ErrorKind kind, std::string message);

}  // namespace kiln::jinja
