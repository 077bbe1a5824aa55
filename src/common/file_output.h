#pragma once

#include <filesystem>
#include <string_view>
#include <vector>

namespace kiln {

// Writes `text` to `path`, creating its folders, unless the file already holds exactly that text.
// Artifacts like target/compiled/ are rewritten by every command, mostly unchanged: skipping
// equal files, and replacing changed ones by unlinking rather than truncating (ext4 flushes a
// truncated-and-rewritten file to disk on close), keeps a 30,000-file compile from waiting on
// the disk. Returns whether it wrote. Throws KilnError(Io) naming the path on failure.
bool write_file_if_changed(const std::filesystem::path& path, std::string_view text);

// Writes the concatenation of `pieces` to `path` through a temporary file renamed over it, so a
// reader sees the old file or the new one, never a part; a big file is assembled without first
// copying it into one string. Throws KilnError(Io) naming the path on failure.
void replace_file(const std::filesystem::path& path, const std::vector<std::string_view>& pieces);

}  // namespace kiln
