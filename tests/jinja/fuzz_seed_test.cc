// Every fuzz seed goes through parse and render in the regular (sanitized) test build: the
// engine must either produce output or raise its own located error, never anything else.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "jinja/environment.h"
#include "jinja/error.h"

namespace kiln::jinja {
namespace {

std::vector<std::filesystem::path> seeds() {
  std::vector<std::filesystem::path> files;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(
           std::string(KILN_SOURCE_DIR) + "/fuzz/corpus")) {
    if (entry.is_regular_file()) files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  return files;
}

TEST(FuzzSeedTest, EverySeedRendersOrFailsWithALocatedError) {
  std::vector<std::filesystem::path> files = seeds();
  ASSERT_GE(files.size(), 10u);
  for (const auto& path : files) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream buffer;
    buffer << in.rdbuf();
    Environment env;
    env.set_dbt_tags(true);
    env.set_global("return", make_return_function());
    env.limits().max_steps = 200'000;
    env.limits().max_output_bytes = 1 << 20;
    try {
      env.render(env.from_string(buffer.str(), path.filename().string()));
    } catch (const Error& error) {
      EXPECT_FALSE(std::string(error.what()).empty()) << path;
    } catch (const std::exception& other) {
      ADD_FAILURE() << path << ": unexpected exception " << other.what();
    }
  }
}

}  // namespace
}  // namespace kiln::jinja
