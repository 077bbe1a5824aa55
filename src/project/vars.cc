#include "project/vars.h"

#include "common/strings.h"
#include "project/yaml_reader.h"

namespace kiln {

Data parse_cli_vars(const std::string& text) {
  if (trim(text).empty()) return Data::map();
  Data vars;
  try {
    vars = parse_yaml(text, "--vars");
  } catch (const KilnError& e) {
    throw KilnError(ErrorKind::Usage, "--vars is not valid YAML: " + e.message(), e.location(),
                    "pass a mapping, e.g. --vars '{\"key\": \"value\"}'");
  }
  if (vars.is_null()) return Data::map();
  if (!vars.is_map()) {
    throw KilnError(
        ErrorKind::Usage,
        "--vars must be a mapping of names to values, found " + std::string(vars.kind_name()), {},
        "pass a mapping, e.g. --vars '{\"key\": \"value\"}'");
  }
  return vars;
}

}  // namespace kiln
