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

}  // namespace kiln
