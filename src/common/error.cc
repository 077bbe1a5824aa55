#include "common/error.h"

namespace kiln {

std::string SourceLocation::to_string() const {
  std::string out = file;
  if (line > 0) {
    out += ':' + std::to_string(line);
    if (column > 0) out += ':' + std::to_string(column);
  }
  return out;
}

std::string_view error_kind_name(ErrorKind kind) {
  switch (kind) {
    case ErrorKind::Usage:
      return "Usage error";
    case ErrorKind::Project:
      return "Project error";
    case ErrorKind::Profile:
      return "Profile error";
    case ErrorKind::Yaml:
      return "YAML error";
    case ErrorKind::Template:
      return "Template error";
    case ErrorKind::Connection:
      return "Connection error";
    case ErrorKind::Database:
      return "Database error";
    case ErrorKind::Io:
      return "File error";
    case ErrorKind::Internal:
      return "Internal error";
  }
  return "Error";
}

KilnError::KilnError(ErrorKind kind, std::string message, SourceLocation location, std::string hint)
    : std::runtime_error(message),
      kind_(kind),
      message_(std::move(message)),
      location_(std::move(location)),
      hint_(std::move(hint)) {}

KilnError& KilnError::with_hint(std::string hint) {
  hint_ = std::move(hint);
  return *this;
}

KilnError& KilnError::with_source(std::string_view source_text) {
  if (location_.line > 0) excerpt_ = std::string(line_of(source_text, location_.line));
  return *this;
}

std::string_view line_of(std::string_view text, int line) {
  if (line < 1) return {};
  size_t start = 0;
  for (int current = 1; current < line; ++current) {
    size_t newline = text.find('\n', start);
    if (newline == std::string_view::npos) return {};
    start = newline + 1;
  }
  size_t end = text.find('\n', start);
  std::string_view result = text.substr(start, end == std::string_view::npos ? end : end - start);
  if (!result.empty() && result.back() == '\r') result.remove_suffix(1);
  return result;
}

std::string KilnError::render() const {
  std::string out;
  if (location_.known()) out += location_.to_string() + ": ";
  out += message_;
  if (!excerpt_.empty()) {
    std::string number = std::to_string(location_.line);
    std::string gutter(number.size(), ' ');
    out += "\n    " + number + " | " + excerpt_;
    if (location_.column > 0) {
      // Tabs in the excerpt keep their width so the caret lines up under the right character.
      std::string pad;
      for (int i = 0; i < location_.column - 1 && i < static_cast<int>(excerpt_.size()); ++i) {
        pad += excerpt_[i] == '\t' ? '\t' : ' ';
      }
      out += "\n    " + gutter + " | " + pad + "^";
    }
  }
  if (!hint_.empty()) out += "\n  hint: " + hint_;
  return out;
}

}  // namespace kiln
