#pragma once

#include <filesystem>
#include <string_view>

namespace kiln {

// Writes `text` to `path`, creating its folders, unless the file already holds exactly that text.
// Artifacts like target/compiled/ are rewritten by every command, mostly unchanged: skipping
// equal files, and replacing changed ones by unlinking rather than truncating (ext4 flushes a
// truncated-and-rewritten file to disk on close), keeps a 30,000-file compile from waiting on
// the disk. Returns whether it wrote. Throws KilnError(Io) naming the path on failure.
bool write_file_if_changed(const std::filesystem::path& path, std::string_view text);

}  // namespace kiln
