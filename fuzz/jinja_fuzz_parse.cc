// libFuzzer target: the parser must reject malformed input with a located syntax Error.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "jinja/error.h"
#include "jinja/parser.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view src(reinterpret_cast<const char*>(data), size);
  kiln::jinja::Arena arena;
  kiln::jinja::ParseOptions opts;
  opts.dbt_tags = size > 0 && (data[0] & 1);
  try {
    kiln::jinja::parse_template(src, "fuzz", arena, opts);
  } catch (const kiln::jinja::Error& e) {
    if (e.kind() != kiln::jinja::ErrorKind::kSyntax &&
        e.kind() != kiln::jinja::ErrorKind::kAssertion)
      __builtin_trap();
    if (!e.has_location()) __builtin_trap();
  }
  return 0;
}
