#pragma once

#include <filesystem>
#include <string>
#include <string_view>

#include "manifest/manifest.h"

namespace kiln {

// target/manifest.json in the shape of dbt's manifest v12, so tools that read dbt manifests read
// ours. Keys are written in a fixed order and maps sorted by id: two parses of the same project
// give the same bytes apart from the timestamps and invocation id.
std::string manifest_to_json(const Manifest& manifest);

// The manifest.json entry of one resource (node, source, exposure, ...), or "" if there is none.
std::string resource_to_json(const Manifest& manifest, const std::string& unique_id);

// Writes atomically (a temporary file renamed over the old one), so a reader never sees half a
// manifest. Throws KilnError(Io).
void write_manifest(const Manifest& manifest, const std::filesystem::path& path);

// Reads a manifest.json written by kiln or dbt (for --state and --defer). Fields kiln does not
// model are dropped. Throws KilnError naming the file when it is not a manifest.
Manifest read_manifest(const std::filesystem::path& path);
Manifest parse_manifest_json(std::string_view text, const std::string& display_name);

}  // namespace kiln
