#include "case_reader.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace kiln::jinja {

namespace {

std::vector<std::string> split_lines(const std::string& text) {
  std::vector<std::string> lines;
  size_t start = 0;
  while (true) {
    size_t nl = text.find('\n', start);
    if (nl == std::string::npos) {
      lines.push_back(text.substr(start));
      break;
    }
    lines.push_back(text.substr(start, nl - start));
    start = nl + 1;
  }
  if (!lines.empty() && lines.back().empty()) lines.pop_back();
  return lines;
}

std::string join(const std::vector<std::string>& lines) {
  std::string out;
  for (size_t i = 0; i < lines.size(); ++i) {
    if (i) out += '\n';
    out += lines[i];
  }
  return out;
}

void parse_file(const std::string& path, const std::string& group, std::vector<TestCase>& out) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  std::vector<std::string> lines = split_lines(ss.str());
  TestCase* cur = nullptr;
  bool trailing = false;
  int section = 0;  // 0 template, 1 context, 2 extra template
  std::string extra_name;
  std::vector<std::string> buf;
  auto flush = [&] {
    if (!cur) {
      buf.clear();
      return;
    }
    std::string text = join(buf);
    if (section == 0) {
      cur->tmpl = trailing ? text + "\n" : text;
    } else if (section == 1) {
      cur->context = text;
    } else {
      cur->templates[extra_name] = text;
    }
    buf.clear();
  };
  for (const auto& line : lines) {
    if (line.rfind("=== ", 0) == 0) {
      flush();
      std::istringstream words(line.substr(4));
      std::string name, flag;
      words >> name;
      trailing = false;
      while (words >> flag)
        if (flag == "trailing_newline") trailing = true;
      out.push_back(TestCase{group + "/" + name, "", "", {}});
      cur = &out.back();
      section = 0;
    } else if (line.rfind("--- ", 0) == 0 && cur) {
      flush();
      std::string rest = line.substr(4);
      if (rest.rfind("context", 0) == 0) {
        section = 1;
      } else if (rest.rfind("template ", 0) == 0) {
        section = 2;
        extra_name = rest.substr(9);
        while (!extra_name.empty() && extra_name.back() == ' ') extra_name.pop_back();
        while (!extra_name.empty() && extra_name.front() == ' ') extra_name.erase(0, 1);
      } else {
        throw std::runtime_error(path + ": unknown section " + line);
      }
    } else if (cur) {
      buf.push_back(line);
    }
  }
  flush();
}

}  // namespace

std::vector<TestCase> load_cases(const std::string& dir) {
  std::vector<std::string> files;
  for (const auto& entry : std::filesystem::directory_iterator(dir))
    if (entry.path().extension() == ".txt") files.push_back(entry.path().string());
  std::sort(files.begin(), files.end());
  std::vector<TestCase> out;
  out.reserve(100000);
  for (const auto& f : files) {
    std::string stem = std::filesystem::path(f).stem().string();
    parse_file(f, stem, out);
  }
  return out;
}

}  // namespace kiln::jinja
