#include "adapters/adapter.h"

#include "adapters/duckdb/duckdb_adapter.h"
#include "common/strings.h"
#include "project/profile.h"

namespace kiln {

std::string Adapter::render_relation(const RelationRef& relation) const {
  std::string out;
  for (const std::string* part : {&relation.database, &relation.schema, &relation.identifier}) {
    if (part->empty()) continue;
    if (!out.empty()) out += '.';
    out += quote(*part);
  }
  return out;
}

std::vector<std::string> supported_adapter_types() {
  return {"duckdb"};
}

std::unique_ptr<Adapter> make_adapter(const Target& target) {
  if (target.type == "duckdb") return make_duckdb_adapter(target);
  const Data* type_field = target.fields.find("type");
  throw KilnError(ErrorKind::Profile,
                  "unknown adapter type '" + target.type + "' in target '" + target.name + "'",
                  type_field ? type_field->location() : target.location,
                  "kiln supports: " + join(supported_adapter_types(), ", "));
}

}  // namespace kiln
