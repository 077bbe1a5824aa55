// Data-driven CLI tests. Each file under cases/ holds cases of this form:
//
//   === a name for the case
//   fixture: valid                 # copy tests/fixtures/valid/ into the case's directory
//   file: dbt_project.yml          # a file to create; its text follows until a line "---"
//                                  # (files and `before:` commands run in the order written)
//   name: shop
//   ---
//   env: DBT_PROFILES_DIR={tmp}/p  # an environment variable; {tmp} is the case's directory
//   before: init shop              # a kiln command run first (must exit 0)
//   before-fails: build            # a kiln command run first that must exit non-zero
//   run: debug --target prod       # the kiln command under test, run in {tmp}
//   exit: 1                        # expected exit code
//   out: [ERROR                    # output (stdout and stderr) contains this text
//   !out: Traceback                # output does not contain this text
//   file-has: logs/kiln.log select 1   # a file contains a text (first word is the path)
//   !file-has: logs/kiln.log hunter2
//   exists: target                 # a path exists (!exists: it does not)
//   json-lines                     # every output line is a JSON object
//   sql: dev.duckdb select id, name from main.t order by id => 1,a|2,b
//                                  # after the command: a query on a DuckDB file of the case and
//                                  # its rows (columns joined by ',', rows by '|', NULL as NULL)
//   golden: target/compiled/shop/models/a.sql compiled_a.sql
//                                  # after the command: a file of the case equals the golden file
//                                  # tests/cli/golden/compiled_a.sql byte for byte; the path `-`
//                                  # stands for the command's output with each line's leading
//                                  # `HH:MM:SS  ` timestamp removed and the case's directory
//                                  # written as {tmp}. With KILN_UPDATE_GOLDEN=1 in the environment
//                                  # the golden files are written instead of compared.
//   json-subset: target/manifest.json manifest_names.json
//                                  # a JSON file of the case contains the JSON of the golden file
//                                  # as a subset: an object's keys must all be there with matching
//                                  # values, arrays match element by element and in length,
//                                  # scalars are equal. Hand-picked, so never regenerated.
#include <duckdb.h>
#include <gtest/gtest.h>
#include <stdlib.h>
#include <sys/wait.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "support/temp_dir.h"

namespace kiln {
namespace {

struct CliCase {
  std::string name;
  std::string source;  // file:line, for failure messages
  std::vector<std::string> fixtures;
  struct Step {
    bool is_command = false;  // a `before:` command, else a file to write
    bool must_fail = false;   // `before-fails:`
    std::string name;         // file path or command
    std::string text;         // file contents
  };
  std::vector<Step> steps;
  std::vector<std::string> env;
  std::string run;
  int exit_code = 0;
  std::vector<std::string> out_has, out_lacks;
  std::vector<std::string> file_has, file_lacks;
  std::vector<std::string> exists, missing;
  std::vector<std::string> sql_checks;
  std::vector<std::string> goldens, json_subsets;  // "PATH GOLDEN"
  bool json_lines = false;
};

void PrintTo(const CliCase& c, std::ostream* os) {
  *os << c.source;
}

std::vector<CliCase> load_cases() {
  std::vector<CliCase> cases;
  std::vector<std::filesystem::path> files;
  for (const auto& entry : std::filesystem::directory_iterator(KILN_CLI_CASES_DIR)) {
    if (entry.path().extension() == ".txt") files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  for (const auto& path : files) {
    std::ifstream in(path);
    std::string line;
    int number = 0;
    while (std::getline(in, line)) {
      ++number;
      if (line.starts_with("=== ")) {
        cases.push_back({});
        cases.back().name = line.substr(4);
        cases.back().source = path.filename().string() + ":" + std::to_string(number);
        continue;
      }
      if (line.empty() || line.starts_with("#") || cases.empty()) continue;
      CliCase& c = cases.back();
      auto value_of = [&](std::string_view key) { return line.substr(key.size()); };
      if (line.starts_with("file: ")) {
        std::string name = value_of("file: ");
        std::string text;
        while (std::getline(in, line) && line != "---") {
          ++number;
          text += line + "\n";
        }
        ++number;
        c.steps.push_back({false, false, name, text});
      } else if (line.starts_with("fixture: ")) {
        c.fixtures.push_back(value_of("fixture: "));
      } else if (line.starts_with("env: ")) {
        c.env.push_back(value_of("env: "));
      } else if (line.starts_with("before: ")) {
        c.steps.push_back({true, false, value_of("before: "), ""});
      } else if (line.starts_with("before-fails: ")) {
        c.steps.push_back({true, true, value_of("before-fails: "), ""});
      } else if (line == "run:" || line.starts_with("run: ")) {
        c.run = line.size() > 5 ? value_of("run: ") : "";
      } else if (line.starts_with("exit: ")) {
        c.exit_code = std::stoi(value_of("exit: "));
      } else if (line.starts_with("out: ")) {
        c.out_has.push_back(value_of("out: "));
      } else if (line.starts_with("!out: ")) {
        c.out_lacks.push_back(value_of("!out: "));
      } else if (line.starts_with("file-has: ")) {
        c.file_has.push_back(value_of("file-has: "));
      } else if (line.starts_with("!file-has: ")) {
        c.file_lacks.push_back(value_of("!file-has: "));
      } else if (line.starts_with("exists: ")) {
        c.exists.push_back(value_of("exists: "));
      } else if (line.starts_with("!exists: ")) {
        c.missing.push_back(value_of("!exists: "));
      } else if (line.starts_with("sql: ")) {
        c.sql_checks.push_back(value_of("sql: "));
      } else if (line.starts_with("golden: ")) {
        c.goldens.push_back(value_of("golden: "));
      } else if (line.starts_with("json-subset: ")) {
        c.json_subsets.push_back(value_of("json-subset: "));
      } else if (line == "json-lines") {
        c.json_lines = true;
      } else {
        ADD_FAILURE() << path << ":" << number << ": unknown case line: " << line;
      }
    }
  }
  return cases;
}

std::string replace_all(std::string text, const std::string& from, const std::string& to) {
  for (size_t pos = 0; (pos = text.find(from, pos)) != std::string::npos; pos += to.size()) {
    text.replace(pos, from.size(), to);
  }
  return text;
}

struct RunResult {
  int exit_code;
  std::string output;
};

RunResult run_kiln(const std::filesystem::path& dir, const std::vector<std::string>& env,
                   const std::string& args) {
  std::string command = "cd '" + dir.string() + "' && env HOME='" + dir.string() + "' NO_COLOR= ";
  for (const std::string& assignment : env) command += "'" + assignment + "' ";
  command += std::string(KILN_EXECUTABLE) + " " + args + " 2>&1";
  FILE* pipe = popen(command.c_str(), "r");
  std::string output;
  char buffer[4096];
  size_t n;
  while ((n = fread(buffer, 1, sizeof buffer, pipe)) > 0) output.append(buffer, n);
  int status = pclose(pipe);
  return {WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status), output};
}

std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

// Runs `query` on the DuckDB file `database` and returns its rows as "a,b|c,d", or "ERROR: ...".
std::string query_rows(const std::filesystem::path& database, const std::string& query) {
  duckdb_database db = nullptr;
  duckdb_connection connection = nullptr;
  if (duckdb_open(database.c_str(), &db) == DuckDBError)
    return "ERROR: cannot open " + database.string();
  std::string out;
  if (duckdb_connect(db, &connection) == DuckDBError) {
    out = "ERROR: cannot connect";
  } else {
    duckdb_result result;
    if (duckdb_query(connection, query.c_str(), &result) == DuckDBError) {
      out = std::string("ERROR: ") + duckdb_result_error(&result);
    } else {
      for (idx_t row = 0; row < duckdb_row_count(&result); ++row) {
        if (row > 0) out += '|';
        for (idx_t column = 0; column < duckdb_column_count(&result); ++column) {
          if (column > 0) out += ',';
          char* text = duckdb_value_varchar(&result, column, row);
          out += text ? text : "NULL";
          duckdb_free(text);
        }
      }
    }
    duckdb_destroy_result(&result);
    duckdb_disconnect(&connection);
  }
  duckdb_close(&db);
  return out;
}

// The folder of the files that `golden:` and `json-subset:` name.
std::filesystem::path golden_dir() {
  return std::filesystem::path(KILN_CLI_CASES_DIR).parent_path() / "golden";
}

bool update_goldens() {
  const char* value = getenv("KILN_UPDATE_GOLDEN");
  return value != nullptr && std::string_view(value) == "1";
}

// `output` without the `HH:MM:SS  ` timestamp that starts each console line.
std::string strip_timestamps(const std::string& output) {
  std::string out;
  size_t start = 0;
  while (start < output.size()) {
    size_t end = output.find('\n', start);
    size_t stop = end == std::string::npos ? output.size() : end + 1;
    std::string_view line(output.data() + start, stop - start);
    auto digit = [&](size_t i) { return std::isdigit(static_cast<unsigned char>(line[i])) != 0; };
    if (line.size() >= 10 && digit(0) && digit(1) && line[2] == ':' && digit(3) && digit(4) &&
        line[5] == ':' && digit(6) && digit(7) && line[8] == ' ' && line[9] == ' ') {
      line.remove_prefix(10);
    }
    out.append(line);
    start = stop;
  }
  return out;
}

std::vector<std::string> split_lines(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) lines.push_back(line);
  return lines;
}

// Where `actual` first differs from `expected`: the line number and both lines.
std::string first_difference(const std::string& expected, const std::string& actual) {
  std::vector<std::string> want = split_lines(expected);
  std::vector<std::string> got = split_lines(actual);
  size_t line = 0;
  while (line < want.size() && line < got.size() && want[line] == got[line]) ++line;
  std::string text = "golden has " + std::to_string(want.size()) + " lines, actual has " +
                     std::to_string(got.size()) + "\n";
  if (line == want.size() && line == got.size()) {
    return text + "the lines are equal; the texts differ in their final newline\n";
  }
  std::string number = std::to_string(line + 1);
  text += "--- golden:" + number + "\n-" +
          (line < want.size() ? want[line] : std::string("<end of file>")) + "\n";
  text += "+++ actual:" + number + "\n+" +
          (line < got.size() ? got[line] : std::string("<end of file>")) + "\n";
  return text;
}

// `value` as JSON text, cut short when long.
std::string short_dump(const nlohmann::json& value) {
  std::string text = value.dump();
  if (text.size() > 300) text = text.substr(0, 300) + "...";
  return text;
}

// `key` escaped as one JSON pointer reference token.
std::string pointer_token(const std::string& key) {
  std::string out;
  for (char ch : key) {
    if (ch == '~') {
      out += "~0";
    } else if (ch == '/') {
      out += "~1";
    } else {
      out += ch;
    }
  }
  return out;
}

// Empty when `actual` contains `expected` as a subset: every key of an expected object is in the
// actual object with a matching value, arrays match element by element with equal length, and
// scalars are equal. Otherwise the JSON pointer of the first mismatch and both values.
std::string subset_mismatch(const nlohmann::json& expected, const nlohmann::json& actual,
                            const std::string& pointer) {
  auto mismatch = [&](const std::string& what) {
    return (pointer.empty() ? std::string("/") : pointer) + ": " + what +
           "\n  golden: " + short_dump(expected) + "\n  actual: " + short_dump(actual);
  };
  if (expected.is_object()) {
    if (!actual.is_object()) return mismatch("expected an object");
    for (auto it = expected.begin(); it != expected.end(); ++it) {
      std::string child = pointer + "/" + pointer_token(it.key());
      if (!actual.contains(it.key())) {
        return child + ": missing key\n  golden: " + short_dump(it.value());
      }
      std::string inner = subset_mismatch(it.value(), actual.at(it.key()), child);
      if (!inner.empty()) return inner;
    }
    return "";
  }
  if (expected.is_array()) {
    if (!actual.is_array()) return mismatch("expected an array");
    if (expected.size() != actual.size()) {
      return mismatch("arrays of " + std::to_string(expected.size()) + " and " +
                      std::to_string(actual.size()) + " elements");
    }
    for (size_t i = 0; i < expected.size(); ++i) {
      std::string inner =
          subset_mismatch(expected.at(i), actual.at(i), pointer + "/" + std::to_string(i));
      if (!inner.empty()) return inner;
    }
    return "";
  }
  if (!(expected == actual)) return mismatch("values differ");
  return "";
}

class CliCaseTest : public ::testing::TestWithParam<CliCase> {};

TEST_P(CliCaseTest, Runs) {
  const CliCase& c = GetParam();
  kiln::testing::TempDir dir;
  std::string tmp = dir.path().string();
  auto expand = [&](const std::string& text) { return replace_all(text, "{tmp}", tmp); };
  for (const std::string& fixture : c.fixtures) {
    std::filesystem::copy(std::filesystem::path(KILN_FIXTURES_DIR) / fixture, dir.path(),
                          std::filesystem::copy_options::recursive |
                              std::filesystem::copy_options::overwrite_existing);
  }
  std::vector<std::string> env;
  for (const std::string& e : c.env) env.push_back(expand(e));
  SCOPED_TRACE(c.source + " " + c.name);
  for (const CliCase::Step& step : c.steps) {
    if (!step.is_command) {
      dir.write(expand(step.name), expand(step.text));
      continue;
    }
    RunResult setup = run_kiln(dir.path(), env, expand(step.name));
    if (step.must_fail) {
      ASSERT_NE(setup.exit_code, 0) << "before-fails: " << step.name << "\n" << setup.output;
    } else {
      ASSERT_EQ(setup.exit_code, 0) << "before: " << step.name << "\n" << setup.output;
    }
  }
  RunResult result = run_kiln(dir.path(), env, expand(c.run));
  EXPECT_EQ(result.exit_code, c.exit_code) << result.output;
  for (const std::string& text : c.out_has) {
    EXPECT_NE(result.output.find(expand(text)), std::string::npos)
        << "output lacks: " << text << "\n--- output ---\n"
        << result.output;
  }
  for (const std::string& text : c.out_lacks) {
    EXPECT_EQ(result.output.find(expand(text)), std::string::npos)
        << "output has: " << text << "\n--- output ---\n"
        << result.output;
  }
  auto split_path = [&](const std::string& spec) {
    size_t space = spec.find(' ');
    return std::make_pair(dir.path() / spec.substr(0, space),
                          space == std::string::npos ? "" : expand(spec.substr(space + 1)));
  };
  for (const std::string& spec : c.file_has) {
    auto [path, text] = split_path(spec);
    EXPECT_NE(read_file(path).find(text), std::string::npos) << path << " lacks: " << text;
  }
  for (const std::string& spec : c.file_lacks) {
    auto [path, text] = split_path(spec);
    EXPECT_TRUE(std::filesystem::exists(path)) << path;
    EXPECT_EQ(read_file(path).find(text), std::string::npos) << path << " has: " << text;
  }
  for (const std::string& path : c.exists)
    EXPECT_TRUE(std::filesystem::exists(dir.path() / path)) << path;
  for (const std::string& path : c.missing)
    EXPECT_FALSE(std::filesystem::exists(dir.path() / path)) << path;
  for (const std::string& check : c.sql_checks) {
    size_t space = check.find(' ');
    size_t arrow = check.rfind(" => ");
    ASSERT_TRUE(space != std::string::npos && arrow != std::string::npos && arrow > space)
        << "sql: expects 'FILE QUERY => ROWS': " << check;
    std::string query = check.substr(space + 1, arrow - space - 1);
    EXPECT_EQ(query_rows(dir.path() / check.substr(0, space), query), check.substr(arrow + 4))
        << "sql: " << query << "\n--- output ---\n"
        << result.output;
  }
  for (const std::string& spec : c.goldens) {
    size_t space = spec.find(' ');
    ASSERT_TRUE(space != std::string::npos) << "golden: expects 'PATH GOLDEN': " << spec;
    std::string path = spec.substr(0, space);
    std::filesystem::path golden = golden_dir() / spec.substr(space + 1);
    std::string actual;
    if (path == "-") {
      actual = replace_all(strip_timestamps(result.output), tmp, "{tmp}");
    } else if (std::filesystem::exists(dir.path() / path)) {
      actual = read_file(dir.path() / path);
    } else {
      ADD_FAILURE() << "golden: " << path << " does not exist\n--- output ---\n" << result.output;
      continue;
    }
    if (update_goldens()) {
      std::filesystem::create_directories(golden.parent_path());
      std::ofstream(golden, std::ios::binary) << actual;
      continue;
    }
    if (!std::filesystem::exists(golden)) {
      ADD_FAILURE() << "golden: no file " << golden << " (KILN_UPDATE_GOLDEN=1 writes it)";
      continue;
    }
    std::string expected = read_file(golden);
    EXPECT_TRUE(expected == actual) << "golden: " << path << " differs from " << golden << "\n"
                                    << first_difference(expected, actual);
  }
  for (const std::string& spec : c.json_subsets) {
    size_t space = spec.find(' ');
    ASSERT_TRUE(space != std::string::npos) << "json-subset: expects 'PATH GOLDEN': " << spec;
    std::filesystem::path path = dir.path() / spec.substr(0, space);
    std::filesystem::path golden = golden_dir() / spec.substr(space + 1);
    nlohmann::json actual = nlohmann::json::parse(read_file(path), nullptr, false);
    nlohmann::json expected = nlohmann::json::parse(read_file(golden), nullptr, false);
    if (actual.is_discarded()) {
      ADD_FAILURE() << "json-subset: " << path << " is missing or not JSON";
      continue;
    }
    if (expected.is_discarded()) {
      ADD_FAILURE() << "json-subset: golden " << golden << " is missing or not JSON";
      continue;
    }
    std::string mismatch = subset_mismatch(expected, actual, "");
    EXPECT_TRUE(mismatch.empty()) << "json-subset: " << spec << "\n" << mismatch;
  }
  if (c.json_lines) {
    std::istringstream lines(result.output);
    std::string line;
    int count = 0;
    while (std::getline(lines, line)) {
      if (line.empty()) continue;
      ++count;
      nlohmann::json parsed = nlohmann::json::parse(line, nullptr, false);
      EXPECT_TRUE(parsed.is_object() && parsed.contains("info")) << "not a JSON event: " << line;
    }
    EXPECT_GT(count, 0);
  }
}

std::string case_name(const ::testing::TestParamInfo<CliCase>& info) {
  std::string name;
  for (char c : info.param.name) name += std::isalnum(static_cast<unsigned char>(c)) ? c : '_';
  return name;
}

INSTANTIATE_TEST_SUITE_P(Cases, CliCaseTest, ::testing::ValuesIn(load_cases()), case_name);

}  // namespace
}  // namespace kiln
