#pragma once

#include <filesystem>
#include <string>

#include "manifest/manifest.h"

namespace kiln {

// target/manifest.json in the shape of dbt's manifest v12, so tools that read dbt manifests read
// ours. Keys are written in a fixed order and maps sorted by id: two parses of the same project
// give the same bytes apart from the timestamps and invocation id.
std::string manifest_to_json(const Manifest& manifest);

// Writes atomically (a temporary file renamed over the old one), so a reader never sees half a
// manifest. Throws KilnError(Io).
void write_manifest(const Manifest& manifest, const std::filesystem::path& path);

// Reads a manifest.json written by kiln or dbt (for --state and --defer). Fields kiln does not
// model are dropped. Throws KilnError naming the file when it is not a manifest.
Manifest read_manifest(const std::filesystem::path& path);

// Config values as the manifest stores them: hooks become {sql, transaction, index} objects.
Data normalize_hooks(const Data& config);

}  // namespace kiln
