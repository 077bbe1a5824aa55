#include "manifest/node.h"

#include <array>
#include <utility>

namespace kiln {
namespace {

constexpr std::array<std::pair<ResourceType, std::string_view>, 16> kNames = {{
    {ResourceType::Model, "model"},
    {ResourceType::Seed, "seed"},
    {ResourceType::Snapshot, "snapshot"},
    {ResourceType::Test, "test"},
    {ResourceType::UnitTest, "unit_test"},
    {ResourceType::Analysis, "analysis"},
    {ResourceType::Operation, "operation"},
    {ResourceType::SqlOperation, "sql_operation"},
    {ResourceType::Source, "source"},
    {ResourceType::Macro, "macro"},
    {ResourceType::Exposure, "exposure"},
    {ResourceType::Metric, "metric"},
    {ResourceType::SemanticModel, "semantic_model"},
    {ResourceType::SavedQuery, "saved_query"},
    {ResourceType::Group, "group"},
    {ResourceType::Doc, "doc"},
}};

}  // namespace

std::string_view resource_type_name(ResourceType type) {
  for (const auto& [t, name] : kNames) {
    if (t == type) return name;
  }
  return "unknown";
}

std::optional<ResourceType> parse_resource_type(std::string_view name) {
  for (const auto& [t, n] : kNames) {
    if (n == name) return t;
  }
  return std::nullopt;
}

Data normalize_hooks(const Data& config) {
  const Data* pre = config.find("pre-hook");
  const Data* post = config.find("post-hook");
  if (!pre && !post) return config;
  Data out = config;
  for (const char* key : {"pre-hook", "post-hook"}) {
    const Data* hooks = config.find(key);
    if (!hooks) continue;
    Data::List normalized;
    Data::List items = hooks->is_list() ? hooks->as_list() : Data::List{*hooks};
    for (const Data& hook : items) {
      if (hook.is_null()) continue;
      const Data* sql = hook.is_map() ? hook.find("sql") : nullptr;
      const Data* transaction = hook.is_map() ? hook.find("transaction") : nullptr;
      normalized.push_back(Data::map(
          {{"sql",
            Data::string(hook.is_map() ? (sql ? sql->scalar_text() : "") : hook.scalar_text())},
           {"transaction",
            transaction && transaction->is_bool() ? *transaction : Data::boolean(true)},
           {"index", Data::null()}}));
    }
    out.set(key, Data::list(std::move(normalized)));
  }
  return out;
}

}  // namespace kiln
