#include "context/dbt_context.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include "common/secrets.h"
#include "support/temp_dir.h"

namespace kiln {
namespace {

using kiln::testing::TempDir;

ContextTarget duckdb_target() {
  ContextTarget target;
  target.profile_name = "p";
  target.name = "dev";
  target.type = "duckdb";
  target.database = "warehouse";
  target.schema = "analytics";
  target.fields =
      Data::map({{"type", Data::string("duckdb")}, {"password", Data::string("hunter22")}});
  target.quote = [](std::string_view id) { return "\"" + std::string(id) + "\""; };
  return target;
}

// A project on disk, parsed with the context's renderers wired in, as `kiln parse` does.
struct Parsed {
  TempDir dir;
  std::unique_ptr<Project> project;
  std::unique_ptr<DbtContext> context;
  Manifest manifest;
};

std::unique_ptr<Parsed> parse(const std::map<std::string, std::string>& files,
                              Data cli_vars = Data::map()) {
  auto parsed = std::make_unique<Parsed>();
  parsed->dir.write(
      "dbt_project.yml",
      "name: shop\nprofile: p\nvars:\n  region: eu\n  pkg_utils:\n    scoped: for_pkg\n");
  for (const auto& [name, text] : files) parsed->dir.write(name, text);
  parsed->project = std::make_unique<Project>(load_project(parsed->dir.path(), {}));
  std::vector<Project> packages = load_installed_packages(*parsed->project, {});
  parsed->context =
      std::make_unique<DbtContext>(*parsed->project, packages, duckdb_target(), cli_vars, "inv-1");
  ParseOptions options;
  options.render_node = parsed->context->node_renderer();
  options.generate_name = parsed->context->name_generator();
  ParseTarget target;
  target.database = "warehouse";
  target.schema = "analytics";
  parsed->manifest = parse_project(*parsed->project, packages, target, options);
  return parsed;
}

TEST(DbtContextTest, ParseRenderRecordsRefsSourcesConfigAndMacros) {
  auto p = parse({
      {"models/base.sql", "select 1 as id"},
      {"models/src.yml", "sources:\n  - name: raw\n    tables: [{name: events}]\n"},
      {"macros/cols.sql", "{% macro cols(names) %}{{ names | join(', ') }}{% endmacro %}"},
      {"models/report.sql",
       "{% set names = ['a', 'b'] %}\n"
       "{{ config(materialized='table' if var('region') == 'eu' else 'view', tags=['x']) }}\n"
       "select {{ cols(names) }} from {{ ref('base') }}, {{ source('raw', 'events') }}\n"
       "{% for i in range(2) %} union all select {{ i }}{% endfor %}\n"},
  });
  const Node& report = p->manifest.nodes.at("model.shop.report");
  EXPECT_EQ(report.config.find("materialized")->as_string(), "table");
  EXPECT_EQ(report.tags, std::vector<std::string>{"x"});
  EXPECT_EQ(report.depends_on_nodes,
            (std::vector<std::string>{"model.shop.base", "source.shop.raw.events"}));
  EXPECT_EQ(report.depends_on_macros, std::vector<std::string>{"macro.shop.cols"});
}

TEST(DbtContextTest, CompileResolvesRefsToRelations) {
  auto p = parse({{"models/base.sql", "{{ config(alias='base_table', schema='core') }} select 1"},
                  {"models/eph.sql", "{{ config(materialized='ephemeral') }} select 2"},
                  {"models/report.sql",
                   "select * from {{ ref('base') }} join {{ ref('eph') }} -- {{ this }} {{ "
                   "this.identifier }}"}});
  std::string sql = p->context->compile(p->manifest.nodes.at("model.shop.report"), p->manifest);
  EXPECT_EQ(sql,
            // dbt's layout: the ephemeral SQL as rendered, ")" right before the query.
            "with __dbt__cte__eph as (\n select 2\n)"
            "select * from \"warehouse\".\"analytics_core\".\"base_table\" join __dbt__cte__eph -- "
            "\"warehouse\".\"analytics\".\"report\" report");
}

TEST(DbtContextTest, VarsComeFromCliThenProjectScopedByPackageThenDefault) {
  auto p = parse({{"models/a.sql",
                   "{{ config(meta={'r': var('region'), 'd': var('missing', 'fallback'), 'c': "
                   "var('cli')}) }}"}},
                 Data::map({{"cli", Data::integer(7)}, {"region", Data::string("us")}}));
  const Data& meta = p->manifest.nodes.at("model.shop.a").meta;
  EXPECT_EQ(meta.find("r")->as_string(), "us");
  EXPECT_EQ(meta.find("d")->as_string(), "fallback");
  EXPECT_EQ(meta.find("c")->as_int(), 7);
}

TEST(DbtContextTest, MissingVarNamesTheVarAndTheFile) {
  try {
    parse({{"models/a.sql", "select '{{ var(\"start_date\") }}'"}});
    FAIL();
  } catch (const KilnError& e) {
    EXPECT_NE(e.message().find("required var 'start_date' is not set"), std::string::npos)
        << e.message();
    EXPECT_NE(e.message().find("model.shop.a"), std::string::npos);
    EXPECT_EQ(e.location().file, "models/a.sql");
    EXPECT_NE(e.hint().find("--vars"), std::string::npos);
  }
}

TEST(DbtContextTest, EnvVarsAndSecretsAreMasked) {
  clear_secrets();
  setenv("KILN_TEST_REGION", "north", 1);
  setenv("DBT_ENV_SECRET_TOKEN", "s3cr3t-token", 1);
  auto p = parse(
      {{"models/a.sql",
        "{{ config(meta={'r': env_var('KILN_TEST_REGION'), 't': env_var('DBT_ENV_SECRET_TOKEN'), "
        "'d': env_var('KILN_TEST_UNSET', 'dflt')}) }}"}});
  const Data& meta = p->manifest.nodes.at("model.shop.a").meta;
  EXPECT_EQ(meta.find("r")->as_string(), "north");
  EXPECT_EQ(meta.find("d")->as_string(), "dflt");
  EXPECT_EQ(scrub_secrets(meta.find("t")->as_string()), "*****");
  EXPECT_THROW(parse({{"models/b.sql", "{{ env_var('KILN_TEST_UNSET') }}"}}), KilnError);
  unsetenv("KILN_TEST_REGION");
  unsetenv("DBT_ENV_SECRET_TOKEN");
  clear_secrets();
}

TEST(DbtContextTest, DispatchSearchesAdapterThenDefaultAndPackageNamespaces) {
  auto p = parse({
      {"macros/m.sql",
       "{% macro concat_all(a, b) %}{{ return(adapter.dispatch('concat_all')(a, b)) }}{% endmacro "
       "%}\n"
       "{% macro default__concat_all(a, b) %}{{ a }} || {{ b }}{% endmacro %}\n"
       "{% macro duckdb__concat_all(a, b) %}concat({{ a }}, {{ b }}){% endmacro %}\n"},
      {"dbt_packages/pkg_utils/dbt_project.yml", "name: pkg_utils\n"},
      {"dbt_packages/pkg_utils/macros/u.sql",
       "{% macro shout(x) %}upper({{ x }}){% endmacro %}\n"
       "{% macro scoped_var() %}{{ return(var('scoped', 'none')) }}{% endmacro %}\n"},
      {"models/a.sql",
       "{{ config(meta={'c': concat_all('x', 'y'), 's': pkg_utils.shout('z')}) }} select 1"},
  });
  const Node& a = p->manifest.nodes.at("model.shop.a");
  EXPECT_EQ(a.meta.find("c")->as_string(), "concat(x, y)");
  EXPECT_EQ(a.meta.find("s")->as_string(), "upper(z)");
}

TEST(DbtContextTest, TemplateErrorsNameFileLineAndColumn) {
  try {
    parse({{"models/a.sql", "select 1\n{% if x %}\nselect 2\n"}});
    FAIL();
  } catch (const KilnError& e) {
    EXPECT_EQ(e.kind(), ErrorKind::Template);
    EXPECT_EQ(e.location().file, "models/a.sql");
    EXPECT_GT(e.location().line, 0);
  }
  try {
    parse(
        {{"macros/m.sql",
          "\n\n{% macro boom() %}{{ exceptions.raise_compiler_error('bad input') }}{% endmacro %}"},
         {"models/a.sql", "select {{ boom() }}"}});
    FAIL();
  } catch (const KilnError& e) {
    EXPECT_NE(e.message().find("bad input"), std::string::npos) << e.message();
    EXPECT_EQ(e.location().file, "macros/m.sql");
    EXPECT_EQ(e.location().line, 3);
  }
}

TEST(DbtContextTest, NamingOverrideMacroRuns) {
  auto p = parse({{"macros/n.sql",
                   "{% macro generate_schema_name(custom_schema_name, node) -%}\n"
                   "{{ custom_schema_name if custom_schema_name else target.schema }}\n"
                   "{%- endmacro %}"},
                  {"models/a.sql", "{{ config(schema='finance') }} select 1"},
                  {"models/b.sql", "select 1"}});
  EXPECT_EQ(p->manifest.nodes.at("model.shop.a").schema, "finance");
  EXPECT_EQ(p->manifest.nodes.at("model.shop.b").schema, "analytics");
}

TEST(DbtContextTest, TargetHidesSecretsAndConfigRendererUsesEnvAndVars) {
  auto p =
      parse({{"models/a.sql",
              "{{ config(meta={'t': target.name, 'pw': target.password is defined}) }} select 1"}});
  const Data& meta = p->manifest.nodes.at("model.shop.a").meta;
  EXPECT_EQ(meta.find("t")->as_string(), "dev");
  EXPECT_FALSE(meta.find("pw")->as_bool());

  setenv("KILN_TEST_SCHEMA", "from_env", 1);
  ValueRenderer render = make_config_renderer(Data::map({{"suffix", Data::string("x")}}));
  EXPECT_EQ(render("{{ env_var('KILN_TEST_SCHEMA') }}_{{ var('suffix') }}", {"profiles.yml", 3, 5}),
            "from_env_x");
  try {
    render("{{ env_var('KILN_TEST_NOT_SET') }}", {"profiles.yml", 3, 5});
    FAIL();
  } catch (const KilnError& e) {
    EXPECT_EQ(e.location().to_string(), "profiles.yml:3:5");
  }
  unsetenv("KILN_TEST_SCHEMA");
}

}  // namespace
}  // namespace kiln

namespace kiln {
namespace {

// The static fast path must find exactly what rendering finds, on every fixture project.
TEST(StaticPathAgreementTest, StaticAndRenderedParsesAgreeOnEveryFixture) {
  for (const char* fixture : {"parse_shop", "valid"}) {
    std::filesystem::path dir = std::filesystem::path(KILN_SOURCE_DIR) / "tests/fixtures" / fixture;
    Project project = load_project(dir, {});
    std::vector<Project> packages = load_installed_packages(project, {});
    ParseTarget target;
    target.database = "warehouse";
    target.schema = "analytics";
    auto parse_with = [&](bool always_render, ParseStats& stats) {
      DbtContext context(project, packages, duckdb_target(), Data::map(), "inv");
      ParseOptions options;
      options.render_node = context.node_renderer();
      options.generate_name = context.name_generator();
      options.always_render = always_render;
      return parse_project(project, packages, target, options, &stats);
    };
    ParseStats fast_stats, slow_stats;
    Manifest fast = parse_with(false, fast_stats);
    Manifest slow = parse_with(true, slow_stats);
    EXPECT_GT(fast_stats.static_files, 0u) << fixture;
    EXPECT_EQ(slow_stats.static_files, 0u) << fixture;
    ASSERT_EQ(fast.nodes.size(), slow.nodes.size()) << fixture;
    for (const auto& [id, node] : fast.nodes) {
      const Node& other = slow.nodes.at(id);
      EXPECT_EQ(node.refs, other.refs) << id;
      EXPECT_EQ(node.sources, other.sources) << id;
      EXPECT_EQ(node.config_call_dict.to_json(), other.config_call_dict.to_json()) << id;
      EXPECT_EQ(node.config.to_json(), other.config.to_json()) << id;
      EXPECT_EQ(node.depends_on_nodes, other.depends_on_nodes) << id;
      EXPECT_EQ(node.relation_name, other.relation_name) << id;
    }
  }
}

}  // namespace
}  // namespace kiln
