// libFuzzer target: the lexer must reject malformed input with Error, never crash.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "jinja/error.h"
#include "jinja/lexer.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view src(reinterpret_cast<const char*>(data), size);
  try {
    auto tokens = kiln::jinja::tokenize(src, "fuzz");
    if (tokens.empty() || tokens.back().type != kiln::jinja::Tok::kEof) __builtin_trap();
  } catch (const kiln::jinja::Error& e) {
    if (e.kind() != kiln::jinja::ErrorKind::kSyntax) __builtin_trap();
  }
  return 0;
}
