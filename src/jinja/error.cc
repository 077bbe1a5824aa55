#include "jinja/error.h"

#include <cstdio>

namespace kiln::jinja {

std::string_view error_kind_name(ErrorKind kind) {
  switch (kind) {
    case ErrorKind::kSyntax:
      return "TemplateSyntaxError";
    case ErrorKind::kUndefined:
      return "UndefinedError";
    case ErrorKind::kType:
      return "TypeError";
    case ErrorKind::kValue:
      return "ValueError";
    case ErrorKind::kZeroDivision:
      return "ZeroDivisionError";
    case ErrorKind::kKey:
      return "KeyError";
    case ErrorKind::kIndex:
      return "IndexError";
    case ErrorKind::kAttribute:
      return "AttributeError";
    case ErrorKind::kOverflow:
      return "OverflowError";
    case ErrorKind::kTemplateNotFound:
      return "TemplateNotFound";
    case ErrorKind::kRuntime:
      return "TemplateRuntimeError";
    case ErrorKind::kAssertion:
      return "TemplateAssertionError";
    case ErrorKind::kFilterArgument:
      return "FilterArgumentError";
    case ErrorKind::kHost:
      return "HostError";
  }
  return "Error";
}

Error::Error(ErrorKind kind, std::string message)
    : std::runtime_error(message), kind_(kind), message_(std::move(message)) {
  formatted_ = message_;
}

void Error::set_location(std::string_view template_name, std::string_view source, uint32_t line,
                         uint32_t column) {
  template_name_ = std::string(template_name);
  line_ = line == 0 ? 1 : line;
  column_ = column == 0 ? 1 : column;
  formatted_ = template_name_ + ":" + std::to_string(line_) + ":" + std::to_string(column_) + ": " +
               message_;
  // Find the offending line for the excerpt.
  size_t start = 0;
  for (uint32_t l = 1; l < line_ && start <= source.size(); ++l) {
    size_t nl = source.find('\n', start);
    if (nl == std::string_view::npos) {
      start = source.size() + 1;
      break;
    }
    start = nl + 1;
  }
  if (start > source.size()) return;
  size_t end = source.find('\n', start);
  if (end == std::string_view::npos) end = source.size();
  std::string_view text = source.substr(start, end - start);
  if (!text.empty() && text.back() == '\r') text.remove_suffix(1);
  if (text.size() > 400) text = text.substr(0, 400);
  char num[32];
  std::snprintf(num, sizeof num, "%5u", line_);
  formatted_ += "\n";
  formatted_ += num;
  formatted_ += " | ";
  formatted_ += text;
  formatted_ += "\n      | ";
  // Keep tabs so the caret lines up under tab-indented source.
  for (uint32_t i = 1; i < column_ && i - 1 < text.size(); ++i)
    formatted_ += text[i - 1] == '\t' ? '\t' : ' ';
  formatted_ += '^';
}

void throw_error(ErrorKind kind, std::string message) {
  throw Error(kind, std::move(message));
}

Value make_return_function() {
  return Value::function(
      [](CallArgs& args, Runtime&) -> Value {
        throw MacroReturn{args.positional.empty() ? Value(std::string()) : args.positional[0]};
      },
      "return");
}

}  // namespace kiln::jinja
