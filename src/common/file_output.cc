#include "common/file_output.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>
#include <string>
#include <utility>

#include "common/error.h"

namespace kiln {
namespace {

struct FileCloser {
  void operator()(std::FILE* file) const { std::fclose(file); }
};
using FileHandle = std::unique_ptr<std::FILE, FileCloser>;

bool holds_exactly(const std::filesystem::path& path, std::string_view text) {
  std::error_code ec;
  auto size = std::filesystem::file_size(path, ec);
  if (ec || size != text.size()) return false;
  FileHandle file(std::fopen(path.c_str(), "rb"));
  if (!file) return false;
  std::string existing(text.size(), '\0');
  if (std::fread(existing.data(), 1, existing.size(), file.get()) != existing.size()) return false;
  return existing == text;
}

[[noreturn]] void cannot_write(const std::filesystem::path& path) {
  throw KilnError(ErrorKind::Io, "cannot write " + path.string() + ": " + std::strerror(errno),
                  {path.string()},
                  "check that the target folder is writable and the disk has room");
}

}  // namespace

bool write_file_if_changed(const std::filesystem::path& path, std::string_view text) {
  if (holds_exactly(path, text)) return false;
  std::error_code ec;
  std::filesystem::remove(path, ec);
  if (path.has_parent_path()) std::filesystem::create_directories(path.parent_path(), ec);
  FileHandle file(std::fopen(path.c_str(), "wb"));
  if (!file) cannot_write(path);
  if (std::fwrite(text.data(), 1, text.size(), file.get()) != text.size()) cannot_write(path);
  if (std::fclose(file.release()) != 0) cannot_write(path);
  return true;
}

namespace {

// A file descriptor closed when it goes out of scope.
class FileDescriptor {
 public:
  explicit FileDescriptor(int fd) : fd_(fd) {}
  ~FileDescriptor() {
    if (fd_ >= 0) ::close(fd_);
  }
  FileDescriptor(const FileDescriptor&) = delete;
  FileDescriptor& operator=(const FileDescriptor&) = delete;
  int get() const { return fd_; }
  int release() { return std::exchange(fd_, -1); }

 private:
  int fd_;
};

bool write_all(int fd, std::string_view text) {
  while (!text.empty()) {
    ssize_t written = ::write(fd, text.data(), text.size());
    if (written < 0 && errno == EINTR) continue;
    if (written <= 0) return false;
    text.remove_prefix(static_cast<size_t>(written));
  }
  return true;
}

// Copies `length` bytes of `from` starting at `offset` to the end of `to`: in the kernel where it
// can, through a buffer where it cannot (another file system, an old kernel).
bool copy_range(int from, off_t offset, size_t length, int to) {
  while (length > 0) {
    ssize_t copied = ::copy_file_range(from, &offset, to, nullptr, length, 0);
    if (copied < 0 && errno == EINTR) continue;
    if (copied <= 0) break;
    length -= static_cast<size_t>(copied);
  }
  char buffer[1 << 16];
  while (length > 0) {
    ssize_t got = ::pread(from, buffer, std::min(length, sizeof buffer), offset);
    if (got < 0 && errno == EINTR) continue;
    if (got <= 0 || !write_all(to, {buffer, static_cast<size_t>(got)})) return false;
    offset += got;
    length -= static_cast<size_t>(got);
  }
  return true;
}

}  // namespace

void patch_file(const std::filesystem::path& path, const std::vector<FilePatch>& patches) {
  FileDescriptor source(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  struct stat info {};
  if (source.get() < 0 || ::fstat(source.get(), &info) != 0) {
    throw KilnError(ErrorKind::Io, "cannot read " + path.string() + ": " + std::strerror(errno),
                    {path.string()});
  }
  size_t size = static_cast<size_t>(info.st_size);
  std::filesystem::path temporary = path;
  temporary += ".kiln_tmp";
  try {
    FileDescriptor target(
        ::open(temporary.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644));
    if (target.get() < 0) cannot_write(temporary);
    size_t position = 0;
    for (const FilePatch& patch : patches) {
      if (patch.begin < position || patch.end < patch.begin || patch.end > size) {
        throw KilnError(ErrorKind::Internal, "patches of " + path.string() + " overlap");
      }
      if (!copy_range(source.get(), static_cast<off_t>(position), patch.begin - position,
                      target.get()) ||
          !write_all(target.get(), patch.text))
        cannot_write(temporary);
      position = patch.end;
    }
    if (!copy_range(source.get(), static_cast<off_t>(position), size - position, target.get()))
      cannot_write(temporary);
    if (::close(target.release()) != 0) cannot_write(temporary);
  } catch (...) {
    std::error_code ignored;
    std::filesystem::remove(temporary, ignored);  // a full disk must not also leave a half file
    throw;
  }
  std::error_code ec;
  std::filesystem::rename(temporary, path, ec);
  if (ec) cannot_write(path);
}

}  // namespace kiln
