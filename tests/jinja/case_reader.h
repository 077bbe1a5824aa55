// C++ reader for the differential case files; mirrors tests/jinja/jinja_cases.py.
#pragma once

#include <map>
#include <string>
#include <vector>

namespace kiln::jinja {

struct TestCase {
  std::string id;                                // "<file stem>/<case name>"
  std::string tmpl;                              // the template named "main"
  std::string context;                           // JSON object text (may be empty)
  std::map<std::string, std::string> templates;  // extra templates for include/import
};

std::vector<TestCase> load_cases(const std::string& dir);

}  // namespace kiln::jinja
