#pragma once

#include <cstddef>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace kiln {

// Writes `text` to `path`, creating its folders, unless the file already holds exactly that text.
// Artifacts like target/compiled/ are rewritten by every command, mostly unchanged: skipping
// equal files, and replacing changed ones by unlinking rather than truncating (ext4 flushes a
// truncated-and-rewritten file to disk on close), keeps a 30,000-file compile from waiting on
// the disk. Returns whether it wrote. Throws KilnError(Io) naming the path on failure.
bool write_file_if_changed(const std::filesystem::path& path, std::string_view text);

// One edit of patch_file(): bytes [begin, end) of the file become `text`.
struct FilePatch {
  size_t begin = 0;
  size_t end = 0;
  std::string text;
};

// Rewrites `path` with `patches` (sorted, not overlapping) applied, through a temporary file
// renamed over it, so a reader sees the old file or the new one, never a part. The bytes between
// patches are copied by the kernel (copy_file_range), so patching a 60 MB manifest never maps or
// reads it into this process.
// Throws KilnError(Io) naming the path on failure.
void patch_file(const std::filesystem::path& path, const std::vector<FilePatch>& patches);

}  // namespace kiln
