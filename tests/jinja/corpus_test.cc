// Differential test: renders every case of tests/jinja/cases with kiln_jinja and compares with
// the expectations Python's Jinja2 produced (render_with_jinja2.py, run as a ctest fixture).
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "case_reader.h"
#include "jinja/environment.h"

namespace kiln::jinja {
namespace {

using nlohmann::ordered_json;

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

Value to_value(const ordered_json& j) {
  switch (j.type()) {
    case ordered_json::value_t::null:
      return Value::none();
    case ordered_json::value_t::boolean:
      return Value(j.get<bool>());
    case ordered_json::value_t::number_integer:
    case ordered_json::value_t::number_unsigned:
      return Value(j.get<int64_t>());
    case ordered_json::value_t::number_float:
      return Value(j.get<double>());
    case ordered_json::value_t::string:
      return Value(j.get<std::string>());
    case ordered_json::value_t::array: {
      std::vector<Value> items;
      for (const auto& e : j) items.push_back(to_value(e));
      return Value::list(std::move(items));
    }
    case ordered_json::value_t::object: {
      Value d = Value::dict();
      for (auto it = j.begin(); it != j.end(); ++it) d.set(it.key(), to_value(it.value()));
      return d;
    }
    default:
      return Value();
  }
}

const std::vector<TestCase>& all_cases() {
  static const std::vector<TestCase> cases = load_cases(KILN_SOURCE_DIR "/tests/jinja/cases");
  return cases;
}

const ordered_json& expectations() {
  static const ordered_json j = [] {
    std::string text = read_file(JINJA_EXPECTED_PATH);
    if (text.empty()) return ordered_json::object();
    return ordered_json::parse(text);
  }();
  return j;
}

// Case ids listed as "- `group/name`: reason" in KNOWN_DIFFERENCES.md.
const std::set<std::string>& known_differences() {
  static const std::set<std::string> ids = [] {
    std::set<std::string> out;
    std::istringstream in(read_file(KILN_SOURCE_DIR "/tests/jinja/KNOWN_DIFFERENCES.md"));
    std::string line;
    while (std::getline(in, line)) {
      if (line.rfind("- `", 0) != 0) continue;
      size_t end = line.find('`', 3);
      if (end != std::string::npos) out.insert(line.substr(3, end - 3));
    }
    return out;
  }();
  return ids;
}

class CorpusTest : public ::testing::TestWithParam<size_t> {};

TEST_P(CorpusTest, MatchesJinja2) {
  const TestCase& c = all_cases()[GetParam()];
  if (known_differences().count(c.id)) GTEST_SKIP() << "listed in KNOWN_DIFFERENCES.md";
  const auto& exp = expectations();
  ASSERT_TRUE(exp.contains(c.id)) << "no expectation for " << c.id
                                  << " (run render_with_jinja2.py)";
  const auto& e = exp[c.id];

  Environment env;
  env.set_global("return", make_return_function());
  auto templates = c.templates;
  env.set_loader([templates](std::string_view name) -> std::optional<std::string> {
    auto it = templates.find(std::string(name));
    if (it == templates.end()) return std::nullopt;
    return it->second;
  });
  Context ctx;
  if (!c.context.empty()) {
    auto j = ordered_json::parse(c.context);
    for (auto it = j.begin(); it != j.end(); ++it) ctx[it.key()] = to_value(it.value());
  }
  std::string got;
  std::string error;
  try {
    got = env.render(env.from_string(c.tmpl, "main"), ctx);
  } catch (const Error& err) {
    error = std::string(error_kind_name(err.kind()));
    got = err.what();
  }
  if (e.contains("error")) {
    EXPECT_EQ(error, e["error"].get<std::string>()) << "case " << c.id << "\ntemplate:\n"
                                                    << c.tmpl << "\nkiln output:\n"
                                                    << got;
  } else {
    EXPECT_EQ(error, "") << "case " << c.id << "\ntemplate:\n"
                         << c.tmpl << "\nkiln error:\n"
                         << got;
    if (error.empty()) {
      EXPECT_EQ(got, e["output"].get<std::string>()) << "case " << c.id << "\ntemplate:\n"
                                                     << c.tmpl;
    }
  }
}

std::string case_name(const ::testing::TestParamInfo<size_t>& info) {
  std::string id = all_cases()[info.param].id;
  for (auto& ch : id)
    if (!std::isalnum(static_cast<unsigned char>(ch))) ch = '_';
  return id;
}

INSTANTIATE_TEST_SUITE_P(Jinja2, CorpusTest, ::testing::Range<size_t>(0, all_cases().size()),
                         case_name);

TEST(CorpusMeta, EnoughCases) {
  EXPECT_GE(all_cases().size(), 500u);
}

}  // namespace
}  // namespace kiln::jinja
