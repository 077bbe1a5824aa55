#include "graph/shop_fixture.h"

#include "project/yaml_reader.h"

namespace kiln::testing {
namespace {

// The resource folder of each resource type, as dbt's default project layout has it.
std::string folder(ResourceType type) {
  switch (type) {
    case ResourceType::Seed:
      return "seeds/";
    case ResourceType::Snapshot:
      return "snapshots/";
    case ResourceType::Analysis:
      return "analyses/";
    case ResourceType::Test:
      return "tests/";
    default:
      return "models/";
  }
}

std::vector<std::string> path_parts(const std::string& path) {
  std::vector<std::string> parts;
  std::string part;
  for (char c : path) {
    if (c == '/') {
      parts.push_back(part);
      part.clear();
    } else {
      part += c;
    }
  }
  return parts;  // the folders only; the file name is dropped
}

Node make_node(ResourceType type, const std::string& package, const std::string& name,
               const std::string& path, std::vector<std::string> depends_on,
               std::vector<std::string> tags = {}, const std::string& config = "{}") {
  Node node;
  node.resource_type = type;
  node.name = name;
  node.package_name = package;
  node.unique_id = std::string(resource_type_name(type)) + "." + package + "." + name;
  node.path = path;
  node.original_file_path = folder(type) + path;
  node.fqn.push_back(package);
  for (const std::string& part : path_parts(path)) node.fqn.push_back(part);
  node.fqn.push_back(name);
  node.depends_on_nodes = std::move(depends_on);
  node.tags = std::move(tags);
  node.config = yaml(config);
  node.unrendered_config = yaml(config);
  node.raw_code = "select 1 as " + name;
  node.checksum = "sha-" + name;
  node.schema = "analytics";
  node.database = "shop_db";
  node.alias = name;
  return node;
}

Node generic_test(const std::string& package, const std::string& name, const std::string& test,
                  const std::string& test_namespace, const std::string& yml_path,
                  std::vector<std::string> depends_on) {
  Node node = make_node(ResourceType::Test, package, name, "", std::move(depends_on));
  node.unique_id += ".a1b2c3";
  node.original_file_path = yml_path;
  node.path = name + ".sql";
  node.fqn = {package};
  for (const std::string& part : path_parts(yml_path.substr(yml_path.find('/') + 1))) {
    node.fqn.push_back(part);
  }
  node.fqn.push_back(name);
  TestMetadata metadata;
  metadata.name = test;
  metadata.namespace_ = test_namespace;
  node.test_metadata = metadata;
  node.attached_node = node.depends_on_nodes.front();
  node.raw_code = "{{ test_" + test + "(**_dbt_generic_test_kwargs) }}";
  node.checksum.clear();
  node.depends_on_macros = {"macro.dbt.test_" + test};
  node.config = yaml("{severity: ERROR}");
  node.unrendered_config = Data::map();
  return node;
}

SourceDefinition make_source(const std::string& package, const std::string& source_name,
                             const std::string& table, const std::string& yml_path,
                             std::vector<std::string> tags = {}) {
  SourceDefinition source;
  source.unique_id = "source." + package + "." + source_name + "." + table;
  source.source_name = source_name;
  source.name = table;
  source.identifier = table;
  source.package_name = package;
  source.path = yml_path;
  source.original_file_path = yml_path;
  source.fqn = {package};
  for (const std::string& part : path_parts(yml_path.substr(yml_path.find('/') + 1))) {
    source.fqn.push_back(part);
  }
  source.fqn.push_back(source_name);
  source.fqn.push_back(table);
  source.database = "raw_db";
  source.schema = source_name;
  source.tags = std::move(tags);
  source.config = yaml("{enabled: true}");
  return source;
}

PropertyResource make_resource(ResourceType type, const std::string& name,
                               const std::string& yml_path, std::vector<std::string> depends_on,
                               std::vector<std::string> tags = {}) {
  PropertyResource resource;
  resource.resource_type = type;
  resource.name = name;
  resource.package_name = "shop";
  resource.unique_id = std::string(resource_type_name(type)) + ".shop." + name;
  resource.path = yml_path;
  resource.original_file_path = yml_path;
  resource.fqn = {"shop", name};
  resource.depends_on_nodes = std::move(depends_on);
  resource.tags = std::move(tags);
  return resource;
}

Macro make_macro(const std::string& package, const std::string& name,
                 std::vector<std::string> depends_on = {}) {
  Macro macro;
  macro.unique_id = "macro." + package + "." + name;
  macro.name = name;
  macro.package_name = package;
  macro.path = "macros/" + name + ".sql";
  macro.original_file_path = macro.path;
  macro.macro_sql = "{% macro " + name + "() %}1{% endmacro %}";
  macro.depends_on_macros = std::move(depends_on);
  return macro;
}

ColumnDef column(const std::string& name, const std::string& description,
                 const std::string& data_type) {
  ColumnDef out;
  out.name = name;
  out.description = description;
  out.data_type = data_type;
  return out;
}

void add(Manifest& manifest, Node node) {
  std::string id = node.unique_id;
  if (node.resource_type == ResourceType::UnitTest) {
    manifest.unit_tests.emplace(id, std::move(node));
  } else {
    manifest.nodes.emplace(id, std::move(node));
  }
}

}  // namespace

Data yaml(const std::string& text) {
  return parse_yaml(text, "fixture.yml");
}

Manifest shop_manifest() {
  Manifest m;
  m.metadata.project_name = "shop";

  for (auto source :
       {make_source("shop", "raw", "orders", "models/staging/sources.yml", {"raw"}),
        make_source("shop", "raw", "customers", "models/staging/sources.yml", {"raw", "pii"}),
        make_source("stripe", "stripe", "payments", "models/sources.yml")}) {
    m.sources.emplace(source.unique_id, source);
  }

  Node seed = make_node(ResourceType::Seed, "shop", "country_codes", "country_codes.csv", {});
  seed.raw_code.clear();
  add(m, seed);

  Node stg_orders = make_node(ResourceType::Model, "shop", "stg_orders", "staging/stg_orders.sql",
                              {"source.shop.raw.orders"}, {"staging", "nightly"},
                              "{materialized: view, tags: [staging, nightly]}");
  stg_orders.depends_on_macros = {"macro.shop.cents_to_dollars"};
  add(m, stg_orders);
  add(m, make_node(ResourceType::Model, "shop", "stg_customers", "staging/stg_customers.sql",
                   {"source.shop.raw.customers"}, {"staging"},
                   "{materialized: view, meta: {owner: alice}, tags: [staging]}"));
  add(m, make_node(ResourceType::Model, "stripe", "stg_payments", "stg_payments.sql",
                   {"source.stripe.stripe.payments"}, {"stripe"},
                   "{materialized: view, tags: [stripe]}"));

  Node orders = make_node(
      ResourceType::Model, "shop", "orders", "marts/orders.sql",
      {"model.shop.stg_orders", "model.stripe.stg_payments"}, {"marts", "nightly"},
      "{materialized: table, meta: {owner: bob}, tags: [marts, nightly], contract: {enforced: "
      "true}, persist_docs: {relation: true, columns: true}, group: finance, access: public, "
      "on_schema_change: fail}");
  orders.access = "public";
  orders.group = "finance";
  orders.description = "One row per order";
  orders.patch_path = "shop://models/marts/schema.yml";
  orders.contract = yaml("{enforced: true, alias_types: true, checksum: c-orders-1}");
  orders.columns = {column("order_id", "Primary key", "integer"),
                    column("customer_id", "Customer", "integer")};
  add(m, orders);

  Node customers = make_node(
      ResourceType::Model, "shop", "customers", "marts/customers.sql",
      {"model.shop.stg_customers", "model.shop.orders", "seed.shop.country_codes"}, {"marts"},
      "{materialized: table, group: finance, access: private, meta: {owner: alice}, tags: "
      "[marts]}");
  customers.access = "private";
  customers.group = "finance";
  add(m, customers);

  for (const auto& [version, tag] : {std::pair{"1", "old"}, {"2", "latest"}, {"3", "beta"}}) {
    Node dim = make_node(ResourceType::Model, "shop", "dim_customers", "marts/dim_customers.sql",
                         {"model.shop.customers"}, {tag}, "{materialized: table}");
    dim.unique_id += std::string(".v") + version;
    dim.fqn.push_back(std::string("v") + version);
    dim.version = version;
    dim.latest_version = "2";
    dim.original_file_path = std::string("models/marts/dim_customers_v") + version + ".sql";
    add(m, dim);
  }

  Node legacy = make_node(ResourceType::Model, "shop", "legacy_orders", "marts/legacy_orders.sql",
                          {"model.shop.orders"}, {"nightly"}, "{enabled: false}");
  add(m, legacy);

  add(m, make_node(ResourceType::Analysis, "shop", "revenue_analysis", "revenue_analysis.sql",
                   {"model.shop.orders"}));
  add(m, make_node(ResourceType::Snapshot, "shop", "orders_snapshot", "orders_snapshot.sql",
                   {"source.shop.raw.orders"}, {}, "{strategy: timestamp, unique_key: id}"));

  add(m, generic_test("shop", "not_null_stg_orders_order_id", "not_null", "",
                      "models/staging/schema.yml", {"model.shop.stg_orders"}));
  add(m, generic_test("shop", "relationships_stg_orders_customer_id", "relationships", "",
                      "models/staging/schema.yml",
                      {"model.shop.stg_customers", "model.shop.stg_orders"}));
  add(m, generic_test("shop", "unique_orders_order_id", "unique", "", "models/marts/schema.yml",
                      {"model.shop.orders"}));
  add(m, generic_test("shop", "relationships_orders_customer_id", "relationships", "",
                      "models/marts/schema.yml", {"model.shop.customers", "model.shop.orders"}));
  add(m, generic_test("shop", "dbt_utils_expression_is_true_orders", "expression_is_true",
                      "dbt_utils", "models/marts/schema.yml", {"model.shop.orders"}));
  add(m, generic_test("stripe", "accepted_values_stg_payments_method", "accepted_values", "",
                      "models/schema.yml", {"model.stripe.stg_payments"}));
  add(m, generic_test("shop", "not_null_raw_orders_id", "not_null", "",
                      "models/staging/sources.yml", {"source.shop.raw.orders"}));
  Node singular = make_node(ResourceType::Test, "shop", "assert_positive_totals",
                            "assert_positive_totals.sql", {"model.shop.orders"}, {"finance"});
  add(m, singular);

  Node unit = make_node(ResourceType::UnitTest, "shop", "test_orders_total", "marts/unit.yml",
                        {"model.shop.orders"});
  unit.unique_id = "unit_test.shop.orders.test_orders_total";
  unit.original_file_path = "models/marts/unit.yml";
  unit.fqn = {"shop", "marts", "orders", "test_orders_total"};
  unit.unit_test = yaml("{model: orders, given: [], expect: {rows: []}}");
  unit.raw_code.clear();
  unit.checksum.clear();
  add(m, unit);

  for (auto resource :
       {make_resource(ResourceType::Exposure, "weekly_dashboard", "models/exposures.yml",
                      {"model.shop.orders", "model.shop.customers"}, {"bi"}),
        make_resource(ResourceType::SemanticModel, "orders_sm", "models/marts/sm.yml",
                      {"model.shop.orders"}),
        make_resource(ResourceType::Metric, "total_revenue", "models/marts/sm.yml",
                      {"semantic_model.shop.orders_sm"}),
        make_resource(ResourceType::SavedQuery, "revenue_query", "models/marts/sm.yml",
                      {"metric.shop.total_revenue"})}) {
    switch (resource.resource_type) {
      case ResourceType::Exposure:
        m.exposures.emplace(resource.unique_id, resource);
        break;
      case ResourceType::SemanticModel:
        m.semantic_models.emplace(resource.unique_id, resource);
        break;
      case ResourceType::Metric:
        m.metrics.emplace(resource.unique_id, resource);
        break;
      default:
        m.saved_queries.emplace(resource.unique_id, resource);
        break;
    }
  }
  PropertyResource group = make_resource(ResourceType::Group, "finance", "models/groups.yml", {});
  m.groups.emplace(group.unique_id, group);

  for (auto macro :
       {make_macro("shop", "cents_to_dollars", {"macro.shop.round_money"}),
        make_macro("shop", "round_money"), make_macro("dbt", "test_not_null"),
        make_macro("dbt", "test_unique"), make_macro("dbt", "test_relationships"),
        make_macro("dbt", "test_accepted_values"), make_macro("dbt", "test_expression_is_true")}) {
    m.macros.emplace(macro.unique_id, macro);
  }
  return m;
}

std::set<std::string> select(const Manifest& manifest, const std::vector<std::string>& select,
                             const std::vector<std::string>& exclude, const std::string& indirect,
                             std::vector<ResourceType> types) {
  Dag dag = Dag::build(manifest);
  SelectionSpec spec;
  spec.select = select;
  spec.exclude = exclude;
  spec.indirect_selection = indirect;
  spec.resource_types = std::move(types);
  SelectionContext context(manifest, dag);
  context.project_name = "shop";
  return select_nodes(spec, context);
}

}  // namespace kiln::testing
