#include "common/file_output.h"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>
#include <string>

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

void replace_file(const std::filesystem::path& path, const std::vector<std::string_view>& pieces) {
  std::filesystem::path temporary = path;
  temporary += ".kiln_tmp";
  {
    FileHandle file(std::fopen(temporary.c_str(), "wb"));
    if (!file) cannot_write(temporary);
    for (std::string_view piece : pieces) {
      if (std::fwrite(piece.data(), 1, piece.size(), file.get()) != piece.size())
        cannot_write(temporary);
    }
    if (std::fclose(file.release()) != 0) cannot_write(temporary);
  }
  std::error_code ec;
  std::filesystem::rename(temporary, path, ec);
  if (ec) cannot_write(path);
}

}  // namespace kiln
