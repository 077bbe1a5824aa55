#include "common/file_output.h"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <string>

#include "common/error.h"
#include "support/temp_dir.h"

namespace kiln {
namespace {

std::string read_all(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

TEST(PatchFile, ReplacesRangesAndKeepsTheBytesBetween) {
  testing::TempDir dir;
  std::filesystem::path file = dir.write("m.json", "{\"a\":\"old\",\"b\":1,\"c\":\"x\"}");
  patch_file(file, {{6, 9, "newer"}, {22, 23, ""}});
  EXPECT_EQ(read_all(file), "{\"a\":\"newer\",\"b\":1,\"c\":\"\"}");
  EXPECT_FALSE(std::filesystem::exists(dir.path() / "m.json.kiln_tmp"));
}

TEST(PatchFile, CopiesALargeFileWhole) {
  testing::TempDir dir;
  std::string text;
  for (int i = 0; i < 200000; ++i) text += std::to_string(i) + ",";  // ~1.3 MB
  std::filesystem::path file = dir.write("big.txt", text);
  patch_file(file, {{0, 1, "X"}, {text.size() - 1, text.size(), ";"}});
  std::string expected = "X" + text.substr(1, text.size() - 2) + ";";
  EXPECT_EQ(read_all(file), expected);
}

TEST(PatchFile, OverlappingPatchesAreRefusedAndTheFileIsKept) {
  testing::TempDir dir;
  std::filesystem::path file = dir.write("m.txt", "abcdef");
  EXPECT_THROW(patch_file(file, {{1, 4, "x"}, {3, 5, "y"}}), KilnError);
  EXPECT_EQ(read_all(file), "abcdef");
  EXPECT_FALSE(std::filesystem::exists(dir.path() / "m.txt.kiln_tmp"));
}

TEST(PatchFile, AMissingFileIsAnIoErrorNamingIt) {
  testing::TempDir dir;
  try {
    patch_file(dir.path() / "absent.json", {});
    FAIL();
  } catch (const KilnError& error) {
    EXPECT_EQ(error.kind(), ErrorKind::Io);
    EXPECT_NE(error.message().find("absent.json"), std::string::npos) << error.message();
  }
}

}  // namespace
}  // namespace kiln
