// `graph`, doc() in SQL and `modules`, through the whole dbt context: parse a project, compile.
#include "context/manifest_globals.h"

#include <gtest/gtest.h>

#include "context/dbt_context.h"
#include "support/temp_dir.h"

namespace kiln {
namespace {

using kiln::testing::TempDir;

struct Compiled {
  TempDir dir;
  std::unique_ptr<Project> project;
  std::unique_ptr<DbtContext> context;
  Manifest manifest;

  std::string compile(const std::string& id) {
    return context->compile(manifest.nodes.at(id), manifest);
  }
};

std::unique_ptr<Compiled> parse(const std::map<std::string, std::string>& files) {
  auto p = std::make_unique<Compiled>();
  p->dir.write("dbt_project.yml", "name: shop\nprofile: p\n");
  for (const auto& [name, text] : files) p->dir.write(name, text);
  p->project = std::make_unique<Project>(load_project(p->dir.path(), {}));
  std::vector<Project> packages = load_installed_packages(*p->project, {});
  ContextTarget target;
  target.name = "dev";
  target.type = "duckdb";
  target.database = "warehouse";
  target.schema = "analytics";
  target.quote = [](std::string_view id) { return "\"" + std::string(id) + "\""; };
  p->context = std::make_unique<DbtContext>(*p->project, packages, target, Data::map(), "inv");
  ParseOptions options;
  options.render_node = p->context->node_renderer();
  options.generate_name = p->context->name_generator();
  ParseTarget parse_target;
  parse_target.database = "warehouse";
  parse_target.schema = "analytics";
  p->manifest = parse_project(*p->project, packages, parse_target, options);
  return p;
}

const char* kGraphReport =
    "{%- for node in graph.nodes.values() | selectattr('resource_type', 'equalto', 'model') "
    "| sort(attribute='name') %}\n"
    "{{ node.name }} {{ node.unique_id }} {{ node.package_name }} {{ node.config.materialized }} "
    "{{ node.tags }} {{ node.fqn }} {{ node.depends_on.nodes }} {{ node.refs | "
    "map(attribute='name') "
    "| list }} {{ node.columns.keys() | list }} {{ node.schema }}.{{ node.alias }}"
    "{%- endfor %}\n"
    "{%- for source in graph.sources.values() %}\n"
    "{{ source.unique_id }} {{ source.source_name }}.{{ source.name }} {{ source.identifier }}"
    "{%- endfor %}\n"
    "{{ graph.exposures.keys() | list }} {{ graph.groups | length }} "
    "{{ graph.macros['macro.shop.cents'].macro_sql }}\n";

TEST(ManifestGlobalsTest, GraphListsNodesSourcesExposuresAndMacrosAtCompileTime) {
  auto p = parse({
      {"models/orders.sql", "{{ config(materialized='table', tags=['daily']) }} select 1 as id"},
      {"models/report.sql",
       "-- depends_on: {{ ref('orders') }}\n"
       "{{ config(materialized='view') }}{% if execute %}{{ graph_report() }}{% endif %}"},
      {"models/schema.yml",
       "version: 2\n"
       "models:\n"
       "  - name: orders\n"
       "    columns: [{name: id}, {name: status}]\n"
       "sources:\n"
       "  - name: raw\n"
       "    tables: [{name: events, identifier: raw_events}]\n"
       "exposures:\n"
       "  - name: dash\n"
       "    type: dashboard\n"
       "    owner: {name: me}\n"
       "    depends_on: [ref('report')]\n"},
      {"macros/graph_report.sql",
       std::string("{% macro graph_report() %}") + kGraphReport + "{% endmacro %}"},
      {"macros/cents.sql", "{% macro cents(x) %}{{ x }} / 100{% endmacro %}"},
  });
  EXPECT_EQ(p->compile("model.shop.report"),
            "-- depends_on: \"warehouse\".\"analytics\".\"orders\"\n"
            "\n"
            "orders model.shop.orders shop table ['daily'] ['shop', 'orders'] [] [] ['id', "
            "'status'] analytics.orders\n"
            "report model.shop.report shop view [] ['shop', 'report'] ['model.shop.orders'] "
            "['orders'] [] analytics.report\n"
            "source.shop.raw.events raw.events raw_events\n"
            "['exposure.shop.dash'] 0 {% macro cents(x) %}{{ x }} / 100{% endmacro %}\n");
}

TEST(ManifestGlobalsTest, GraphIsEmptyAtParseTime) {
  // At parse time the graph has no nodes, so this config() call sees zero of them.
  auto p = parse({{"models/a.sql",
                   "{{ config(meta={'nodes': graph.nodes | length, 'has': 'nodes' in graph}) }} "
                   "select 1"},
                  {"models/b.sql", "select {{ graph.nodes | length }} as n"}});
  const Node& a = p->manifest.nodes.at("model.shop.a");
  EXPECT_EQ(a.meta.find("nodes")->as_int(), 0);
  EXPECT_TRUE(a.meta.find("has")->as_bool());
  EXPECT_EQ(p->compile("model.shop.b"), "select 2 as n");
}

TEST(ManifestGlobalsTest, DocInSqlGivesTheDocsBlock) {
  auto p =
      parse({{"models/docs.md", "{% docs status %}\nOne of placed, shipped.\n{% enddocs %}"},
             {"models/a.sql", "select '{{ doc(\"status\") }}' as d, '{{ doc('shop', 'status') }}'"},
             {"models/b.sql", "select '{{ doc('stauts') }}'"}});
  EXPECT_EQ(p->compile("model.shop.a"),
            "select 'One of placed, shipped.' as d, 'One of placed, shipped.'");
  try {
    p->compile("model.shop.b");
    FAIL() << "expected an error";
  } catch (const KilnError& error) {
    EXPECT_NE(error.message().find("doc('stauts') names no docs block; did you mean 'status'?"),
              std::string::npos)
        << error.message();
    EXPECT_EQ(error.location().file, "models/b.sql");
  }
}

TEST(ManifestGlobalsTest, ModulesAreInTheContext) {
  auto p =
      parse({{"models/a.sql",
              "select '{{ modules.re.sub(\"_v[0-9]+$\", \"\", this.identifier ~ \"_v2\") }}' as "
              "name, {{ modules.itertools.combinations([1, 2, 3], 2) | length }} as pairs, "
              "{{ modules.datetime.date(2024, 1, 31) + modules.datetime.timedelta(days=1) "
              "== modules.datetime.date(2024, 2, 1) }} as ok"}});
  EXPECT_EQ(p->compile("model.shop.a"), "select 'a' as name, 3 as pairs, True as ok");
}

}  // namespace
}  // namespace kiln
