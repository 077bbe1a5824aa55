#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "cli/invocation.h"
#include "manifest/manifest.h"

namespace kiln {

// Reusing the last parse. A parse's inputs are every file under the project (packages included,
// target/ and logs/ left out), the profile target, --vars, the environment variables templates
// read, and the kiln binary itself. When none of them changed since the parse that wrote
// target/manifest.json, and that file is still the one it wrote, `kiln parse` has nothing to do.
// The state lives in target/partial_parse.json (and .files, .models beside it, which only a
// splice reads); it holds paths, sizes, times and digests, never values.

// The project's files as they are before a parse starts: captured first, so an edit made while
// parsing is seen by the next run.
struct ParseInputs {
  int64_t reference_ns = 0;          // files changed after reference - 3 s are compared by content
  std::vector<std::string> listing;  // "path size mtime [digest]" per file, sorted
};
ParseInputs capture_parse_inputs(Invocation& invocation);

// The recorded parse, reused: kept as it is when no input changed, or, when the only changes are
// SQL bodies of the root project's models (their ref/source/config calls, statically extracted,
// the same as before, no file added or removed, nothing else changed), with those models'
// raw_code and checksum spliced into target/manifest.json. nullopt when a full parse is needed.
struct ReusedParse {
  std::string found_summary;  // the "Found ..." line
  bool spliced = false;
};
std::optional<ReusedParse> reuse_last_parse(Invocation& invocation);

// Records the parse of `inputs` that just wrote target/manifest.json from `manifest`.
void record_parse(Invocation& invocation, const ParseInputs& inputs,
                  const std::string& found_summary, const Manifest& manifest);

}  // namespace kiln
