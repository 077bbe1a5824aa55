#include "project/config_renderer.h"

#include <cstdlib>

#include "common/strings.h"

namespace kiln {

ValueRenderer renderer_without_template_engine() {
  return [](std::string_view text, const SourceLocation& where) -> std::string {
    if (!contains_jinja(text)) return std::string(text);
    throw KilnError(ErrorKind::Template,
                    "this value is a Jinja template, which needs the template engine, and this "
                    "build of kiln has none wired in yet",
                    where, "write the value literally for now");
  };
}

Data native_value(const std::string& text, const SourceLocation& where) {
  std::string_view trimmed = trim(text);
  if (trimmed == "True") return Data::boolean(true, where);
  if (trimmed == "False") return Data::boolean(false, where);
  if (trimmed == "None") return Data::null(where);
  if (!trimmed.empty()) {
    std::string number(trimmed);
    char* end = nullptr;
    long long integer = std::strtoll(number.c_str(), &end, 10);
    if (end && *end == '\0' && number.find_first_of(".eE") == std::string::npos) {
      return Data::integer(integer, where);
    }
    double floating = std::strtod(number.c_str(), &end);
    if (end && *end == '\0' && number.find_first_of("0123456789") != std::string::npos &&
        number.find_first_of("xXnN") == std::string::npos) {
      return Data::floating(floating, where);
    }
  }
  return Data::string(text, where);
}

namespace {

Data render_node(const Data& node, const ValueRenderer& render, const KeyFilter& skip,
                 std::vector<std::string>& path) {
  if (skip && skip(path)) return node;
  if (node.is_string()) {
    if (!contains_jinja(node.as_string())) return node;
    return native_value(render(node.as_string(), node.location()), node.location());
  }
  if (node.is_list()) {
    Data copy = node;
    for (Data& item : copy.as_list()) item = render_node(item, render, skip, path);
    return copy;
  }
  if (node.is_map()) {
    Data copy = node;
    for (auto& [key, value] : copy.as_map()) {
      path.push_back(key);
      value = render_node(value, render, skip, path);
      path.pop_back();
    }
    return copy;
  }
  return node;
}

}  // namespace

Data render_tree(const Data& tree, const ValueRenderer& render, const KeyFilter& skip) {
  std::vector<std::string> path;
  return render_node(tree, render, skip, path);
}

}  // namespace kiln
