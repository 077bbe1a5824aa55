#include "parser/doc_references.h"

#include <cctype>
#include <optional>
#include <string_view>
#include <vector>

#include "common/strings.h"

namespace kiln {
namespace {

// A call `doc('a')` or `doc("p", 'a')`, parsed from the inside of a `{{ ... }}` expression.
struct DocCall {
  std::string package;
  std::string name;
};

void skip_spaces(std::string_view text, size_t& i) {
  while (i < text.size() && std::isspace(static_cast<unsigned char>(text[i]))) ++i;
}

std::optional<std::string> read_string_literal(std::string_view text, size_t& i) {
  if (i >= text.size() || (text[i] != '\'' && text[i] != '"')) return std::nullopt;
  char quote = text[i++];
  std::string value;
  while (i < text.size() && text[i] != quote) {
    if (text[i] == '\\' && i + 1 < text.size()) ++i;
    value += text[i++];
  }
  if (i >= text.size()) return std::nullopt;
  ++i;
  return value;
}

// The whole expression must be one doc() call with one or two string literals; anything else
// (other functions, filters, concatenation) is not a doc reference this pass can resolve.
std::optional<DocCall> parse_doc_call(std::string_view expression) {
  size_t i = 0;
  skip_spaces(expression, i);
  if (expression.substr(i, 3) != "doc") return std::nullopt;
  i += 3;
  skip_spaces(expression, i);
  if (i >= expression.size() || expression[i] != '(') return std::nullopt;
  ++i;
  std::vector<std::string> arguments;
  while (true) {
    skip_spaces(expression, i);
    std::optional<std::string> argument = read_string_literal(expression, i);
    if (!argument) return std::nullopt;
    arguments.push_back(std::move(*argument));
    skip_spaces(expression, i);
    if (i < expression.size() && expression[i] == ',') {
      ++i;
      continue;
    }
    break;
  }
  if (i >= expression.size() || expression[i] != ')') return std::nullopt;
  ++i;
  skip_spaces(expression, i);
  if (i != expression.size() || arguments.size() > 2) return std::nullopt;
  if (arguments.size() == 2) return DocCall{arguments[0], arguments[1]};
  return DocCall{"", arguments[0]};
}

// Rewrites the descriptions of one manifest, remembering what each belongs to for errors.
class DocResolver {
 public:
  explicit DocResolver(Manifest& manifest) : manifest_(manifest) {}

  // `owner` names the resource ("model.shop.orders"), `file` the property file it came from.
  void resolve(std::string& text, const std::string& node_package, const std::string& owner,
               const std::string& file) {
    if (text.find("{{") == std::string::npos) return;
    std::string out;
    size_t position = 0;
    while (true) {
      size_t open = text.find("{{", position);
      if (open == std::string::npos) break;
      size_t close = text.find("}}", open + 2);
      if (close == std::string::npos) break;
      std::string_view inner(text.data() + open + 2, close - open - 2);
      bool trim_before = inner.starts_with('-');
      bool trim_after = inner.ends_with('-');
      if (trim_before) inner.remove_prefix(1);
      if (trim_after) inner.remove_suffix(1);
      std::optional<DocCall> call = parse_doc_call(inner);
      if (!call) {
        out.append(text, position, close + 2 - position);
        position = close + 2;
        continue;
      }
      std::string before = text.substr(position, open - position);
      // `{{-` and `-}}` swallow the whitespace next to them, as Jinja's do.
      if (trim_before) before.erase(before.find_last_not_of(" \t\r\n") + 1);
      out += before;
      const Documentation* doc = find_doc(manifest_, call->package, call->name, node_package);
      if (!doc) fail(*call, owner, file);
      out += doc->block_contents;
      position = close + 2;
      if (trim_after) {
        while (position < text.size() && std::isspace(static_cast<unsigned char>(text[position]))) {
          ++position;
        }
      }
    }
    out.append(text, position, std::string::npos);
    text = std::move(out);
  }

  void resolve_columns(std::vector<ColumnDef>& columns, const std::string& node_package,
                       const std::string& owner, const std::string& file) {
    for (ColumnDef& column : columns) {
      resolve(column.description, node_package, owner + " column " + column.name, file);
    }
  }

 private:
  [[noreturn]] void fail(const DocCall& call, const std::string& owner, const std::string& file) {
    std::string named = call.package.empty() ? "doc('" + call.name + "')"
                                             : "doc('" + call.package + "', '" + call.name + "')";
    throw KilnError(
        ErrorKind::Project,
        "the description of " + owner + " uses " + named + ", but no docs block has that name",
        {file}, unknown_doc_hint(manifest_, call.name));
  }

  Manifest& manifest_;
};

// "shop://models/schema.yml" -> "models/schema.yml".
std::string file_of_patch(const std::string& patch_path, const std::string& fallback) {
  size_t separator = patch_path.find("://");
  return separator == std::string::npos ? fallback : patch_path.substr(separator + 3);
}

}  // namespace

const Documentation* find_doc(const Manifest& manifest, const std::string& package,
                              const std::string& name, const std::string& node_package) {
  auto in_package = [&](const std::string& candidate) -> const Documentation* {
    auto it = manifest.docs.find("doc." + candidate + "." + name);
    return it == manifest.docs.end() ? nullptr : &it->second;
  };
  if (!package.empty()) return in_package(package);
  if (const Documentation* doc = in_package(manifest.metadata.project_name)) return doc;
  if (const Documentation* doc = in_package(node_package)) return doc;
  for (const auto& [id, doc] : manifest.docs) {
    if (doc.name == name) return &doc;
  }
  return nullptr;
}

std::string unknown_doc_hint(const Manifest& manifest, const std::string& name) {
  std::vector<std::string> names;
  for (const auto& [id, doc] : manifest.docs) names.push_back(doc.name);
  std::string close = closest_match(name, names);
  if (!close.empty()) return "did you mean '" + close + "'?";
  return "define it in a .md file: {% docs " + name + " %}...{% enddocs %}";
}

void resolve_doc_references(Manifest& manifest) {
  DocResolver resolver(manifest);
  auto resolve_node = [&](Node& node) {
    std::string file = file_of_patch(node.patch_path, node.original_file_path);
    resolver.resolve(node.description, node.package_name, node.unique_id, file);
    resolver.resolve_columns(node.columns, node.package_name, node.unique_id, file);
  };
  for (auto& [id, node] : manifest.nodes) resolve_node(node);
  for (auto& [id, node] : manifest.unit_tests) resolve_node(node);
  for (auto& [id, source] : manifest.sources) {
    const std::string& file = source.original_file_path;
    resolver.resolve(source.description, source.package_name, source.unique_id, file);
    resolver.resolve(source.source_description, source.package_name, source.unique_id, file);
    resolver.resolve_columns(source.columns, source.package_name, source.unique_id, file);
  }
  for (auto& [id, macro] : manifest.macros) {
    if (macro.patch_path.empty()) continue;  // only property files describe macros
    std::string file = file_of_patch(macro.patch_path, macro.original_file_path);
    resolver.resolve(macro.description, macro.package_name, macro.unique_id, file);
    for (MacroArgument& argument : macro.arguments) {
      resolver.resolve(argument.description, macro.package_name,
                       macro.unique_id + " argument " + argument.name, file);
    }
  }
  for (auto* resources : {&manifest.exposures, &manifest.metrics, &manifest.semantic_models,
                          &manifest.saved_queries, &manifest.groups}) {
    for (auto& [id, resource] : *resources) {
      Data* description = resource.properties.find("description");
      if (!description || !description->is_string()) continue;
      std::string text = description->as_string();
      resolver.resolve(text, resource.package_name, resource.unique_id,
                       resource.original_file_path);
      SourceLocation where = description->location();
      *description = Data::string(std::move(text), std::move(where));
    }
  }
}

}  // namespace kiln
