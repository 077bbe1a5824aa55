// selectors.yml: every definition form, `default: true`, --selector and `selector:` references.

#include <gtest/gtest.h>

#include "common/error.h"
#include "graph/aliases.h"
#include "graph/selector.h"
#include "graph/shop_fixture.h"
#include "project/yaml_reader.h"

namespace kiln {
namespace {

using testing::ids;
using testing::names;

const char* kSelectorsYml = R"(selectors:
  - name: nightly_models
    description: Everything tagged nightly
    definition: "tag:nightly"
  - name: staging_kv
    definition:
      tag: staging
  - name: orders_and_parents
    definition:
      method: fqn
      value: orders
      parents: true
      parents_depth: 1
  - name: orders_and_children
    definition:
      method: fqn
      value: orders
      children: true
      children_depth: 1
  - name: all_orders_descendants
    definition:
      method: fqn
      value: orders
      children: true
  - name: around_stg_customers
    definition:
      method: fqn
      value: stg_customers
      childrens_parents: true
  - name: union_with_exclude
    definition:
      union:
        - "tag:staging"
        - method: tag
          value: marts
        - exclude:
            - method: tag
              value: nightly
  - name: nightly_marts
    definition:
      intersection:
        - method: tag
          value: nightly
        - tag: marts
  - name: staging_but_customers
    definition:
      method: tag
      value: staging
      exclude:
        - stg_customers
  - name: cautious_orders
    definition:
      method: fqn
      value: orders
      indirect_selection: cautious
  - name: buildable_customers
    definition:
      union:
        - method: fqn
          value: customers
          indirect_selection: buildable
  - name: nightly_without_tests
    definition:
      intersection:
        - method: selector
          value: nightly_models
        - exclude:
            - method: resource_type
              value: test
  - name: nested
    definition:
      union:
        - intersection:
            - tag: marts
            - config.materialized: table
        - union:
            - "source:raw+1 stripe"
  - name: cli_string_with_set_operators
    definition: "tag:staging,config.meta.owner:alice tag:pii"
  - name: seeds
    default: true
    definition:
      method: resource_type
      value: seed
)";

class YamlSelectorsTest : public ::testing::Test {
 protected:
  std::string run(const std::string& selector, std::vector<std::string> select = {},
                  std::vector<ResourceType> types = {}, const std::string& text = kSelectorsYml) {
    Dag dag = Dag::build(manifest_);
    SelectionSpec spec;
    spec.selector_name = selector;
    spec.select = std::move(select);
    spec.resource_types = std::move(types);
    SelectionContext context(manifest_, dag);
    context.selectors = parse_yaml(text, "selectors.yml");
    return names(select_nodes(spec, context));
  }

  KilnError error(const std::string& selector, const std::string& text,
                  std::vector<std::string> select = {}) {
    try {
      run(selector, std::move(select), {}, text);
    } catch (const KilnError& e) {
      return e;
    }
    ADD_FAILURE() << "no error";
    return KilnError(ErrorKind::Internal, "");
  }

  Manifest manifest_ = testing::shop_manifest();
};

TEST_F(YamlSelectorsTest, EveryDefinitionForm) {
  EXPECT_EQ(run("nightly_models"), names(ids("STG_O ORD T1 T2 T3 T4 T5 T8 UT")));
  EXPECT_EQ(run("staging_kv"), names(ids("STG_O STG_C T1 T2")));
  EXPECT_EQ(run("orders_and_parents"), names(ids("STG_O STG_P ORD T1 T2 T3 T4 T5 T6 T8 UT")));
  EXPECT_EQ(run("orders_and_children"), names(ids("ORD CUS ANA T3 T4 T5 T8 UT EXP SM")));
  EXPECT_EQ(run("all_orders_descendants"),
            names(ids("ORD CUS ANA T3 T4 T5 T8 UT EXP SM MET SQ DIM1 DIM2 DIM3")));
  EXPECT_EQ(run("around_stg_customers"),
            names(ids("SRC_O SRC_C SRC_P SEED STG_O STG_C STG_P ORD CUS DIM1 DIM2 DIM3 EXP T1 T2 "
                      "T3 T4 T5 T6 T7 T8 UT")));
  EXPECT_EQ(run("union_with_exclude"), names(ids("STG_C CUS")));
  EXPECT_EQ(run("nightly_marts"), names(ids("ORD T3 T4 T5 T8 UT")));
  EXPECT_EQ(run("staging_but_customers"), names(ids("STG_O T1")));
  EXPECT_EQ(run("nightly_without_tests"), names(ids("STG_O ORD UT")));
  EXPECT_EQ(run("nested"), names(ids("ORD CUS T3 T4 T5 T8 UT SRC_O SRC_C STG_O STG_C SNAP T7 "
                                     "STG_P T6 T1 T2")));
  EXPECT_EQ(run("cli_string_with_set_operators"), names(ids("STG_C T2 SRC_C")));
}

TEST_F(YamlSelectorsTest, IndirectSelectionInTheDefinition) {
  EXPECT_EQ(run("cautious_orders"), names(ids("ORD T3 T5 T8 UT")));
  EXPECT_EQ(run("buildable_customers"), names(ids("CUS T4")));
}

TEST_F(YamlSelectorsTest, DefaultSelectorAppliesOnlyWithoutSelectOrSelector) {
  EXPECT_EQ(run(""), names(ids("SEED")));
  EXPECT_EQ(run("", {"stg_payments"}), names(ids("STG_P T6")));
  EXPECT_EQ(run("staging_kv"), names(ids("STG_O STG_C T1 T2")));
  EXPECT_EQ(default_selector_name(parse_yaml(kSelectorsYml, "selectors.yml")), "seeds");
  EXPECT_EQ(default_selector_name(Data::map()), std::nullopt);
}

TEST_F(YamlSelectorsTest, SelectorWinsOverSelectAndTypesStillFilter) {
  EXPECT_EQ(run("nightly_models", {"stg_payments"}, {ResourceType::Model}),
            names(ids("STG_O ORD")));
}

TEST_F(YamlSelectorsTest, SelectorMethodOnTheCommandLine) {
  EXPECT_EQ(run("", {"selector:staging_kv"}), names(ids("STG_O STG_C T1 T2")));
  EXPECT_EQ(run("", {"selector:staging_kv,tag:nightly"}), names(ids("STG_O T1 T2")));
  EXPECT_EQ(run("", {"selector:staging_kv+1"}, {ResourceType::Model}),
            names(ids("STG_O STG_C ORD CUS")));
}

TEST_F(YamlSelectorsTest, ExcludingANamedSelector) {
  EXPECT_EQ(run("", {"tag:nightly"}, {ResourceType::Model}), names(ids("STG_O ORD")));
  Dag dag = Dag::build(manifest_);
  SelectionContext context(manifest_, dag);
  context.selectors = parse_yaml(kSelectorsYml, "selectors.yml");
  SelectionSpec spec;
  spec.select = {"tag:nightly"};
  spec.exclude = {"selector:staging_kv"};
  EXPECT_EQ(names(select_nodes(spec, context)), names(ids("ORD T3 T4 T5 T8 UT")));
}

TEST_F(YamlSelectorsTest, ManifestJsonFormAndBareList) {
  Dag dag = Dag::build(manifest_);
  Data keyed = testing::yaml(
      "{nightly: {name: nightly, definition: 'tag:nightly', default: false}, "
      "pii: {name: pii, definition: {method: tag, value: pii}, default: true}}");
  SelectionContext context(manifest_, dag);
  context.selectors = keyed;
  SelectionSpec spec;
  EXPECT_EQ(names(select_nodes(spec, context)), names(ids("SRC_C")));
  spec.selector_name = "nightly";
  spec.resource_types = {ResourceType::Model};
  EXPECT_EQ(names(select_nodes(spec, context)), names(ids("STG_O ORD")));

  Data list = testing::yaml("[{name: raw, definition: 'source:raw'}]");
  SelectionContext list_context(manifest_, dag);
  list_context.selectors = list;
  spec.selector_name = "raw";
  spec.resource_types = {};
  EXPECT_EQ(names(select_nodes(spec, list_context)), names(ids("SRC_O SRC_C T7")));
}

TEST_F(YamlSelectorsTest, UnknownSelectorNameIsAUsageError) {
  KilnError e = error("nightly_model", kSelectorsYml);
  EXPECT_EQ(e.kind(), ErrorKind::Usage);
  EXPECT_NE(e.message().find("Could not find selector named nightly_model, expected one of "
                             "[nightly_models, staging_kv"),
            std::string::npos)
      << e.message();
  EXPECT_EQ(e.hint(), "did you mean 'nightly_models'?");
  EXPECT_EQ(error("", kSelectorsYml, {"selector:nope"}).kind(), ErrorKind::Usage);
}

TEST_F(YamlSelectorsTest, SeveralDefaultsAreAnError) {
  KilnError e = error("", R"(selectors:
  - {name: a, default: true, definition: "tag:x"}
  - {name: b, default: true, definition: "tag:y"}
)");
  EXPECT_EQ(e.kind(), ErrorKind::Project);
  EXPECT_EQ(e.message(), "Found multiple selectors with `default: true`: a, b");
}

TEST_F(YamlSelectorsTest, InvalidDefinitionsPointAtTheirLine) {
  const std::string header = "selectors:\n  - name: bad\n    definition:\n";
  struct Bad {
    std::string body;
    std::string message;
    int line;
  };
  const Bad cases[] = {
      {"      method: tag\n      value: x\n      childern: true\n",
       "unexpected key 'childern' in a selector definition", 6},
      {"      method: tagg\n      value: x\n", "'tagg' is not a valid method name", 4},
      {"      tagg: x\n", "'tagg' is not a valid method name", 4},
      {"      method: tag\n", "a selector definition with `method` needs a `value`", 4},
      {"      method: tag\n      value: x\n      children: sometimes\n",
       "`children` in a selector definition must be true or false", 6},
      {"      method: tag\n      value: x\n      children_depth: -1\n",
       "`children_depth` in a selector definition must be a whole number", 6},
      {"      method: tag\n      value: x\n      indirect_selection: eagerly\n",
       "Invalid indirect selection mode 'eagerly'", 6},
      {"      method: tag\n      value: x\n      parents: true\n      childrens_parents: true\n",
       "`childrens_parents` and `parents` cannot both be true", 4},
      {"      union:\n        - tag: a\n        - exclude: [tag:b]\n        - exclude: [tag:c]\n",
       "You cannot provide multiple exclude arguments to the same selector set operator", 7},
      {"      union: tag:a\n", "`union` and `intersection` take a list of definitions", 4},
      {"      union: [tag:a]\n      description: x\n",
       "unexpected key 'description' next to "
       "`union`",
       5},
      {"      exclude: [tag:a]\n",
       "`exclude` is only allowed in a full method definition or as an item of a union or "
       "intersection",
       4},
      {"      a: 1\n      b: 2\n",
       "a selector definition needs `method` and `value`, `union`, `intersection`, or a single "
       "`method: value` pair",
       4},
  };
  for (const Bad& bad : cases) {
    SCOPED_TRACE(bad.body);
    KilnError e = error("bad", header + bad.body);
    EXPECT_EQ(e.kind(), ErrorKind::Project);
    EXPECT_EQ(e.message(), bad.message);
    EXPECT_EQ(e.location().file, "selectors.yml");
    EXPECT_EQ(e.location().line, bad.line);
  }
}

TEST_F(YamlSelectorsTest, MalformedSelectorEntries) {
  EXPECT_EQ(error("x", "selectors:\n  - definition: 'tag:a'\n").message(),
            "a selector is missing its `name`");
  EXPECT_EQ(error("x", "selectors:\n  - name: x\n").message(),
            "selector 'x' is missing its `definition`");
  EXPECT_EQ(error("x",
                  "selectors:\n  - {name: x, definition: 'tag:a'}\n  - {name: x, "
                  "definition: 'tag:b'}\n")
                .message(),
            "Found duplicate selector name 'x'");
  EXPECT_EQ(error("x", "selectors:\n  - {name: x, definition: 'tag:a', colour: red}\n").message(),
            "unexpected key 'colour' in selector 'x'");
  EXPECT_EQ(error("x", "selectors: {x: 1}\n").message(),
            "`selectors` in selectors.yml must be a list");
}

TEST_F(YamlSelectorsTest, SelectorsReferringToEachOtherInACircle) {
  KilnError e = error("a", R"(selectors:
  - {name: a, definition: {method: selector, value: b}}
  - {name: b, definition: {selector: a}}
)");
  EXPECT_EQ(e.kind(), ErrorKind::Project);
  EXPECT_EQ(e.message(), "Selector 'a' refers to itself: a -> b -> a");
}

TEST_F(YamlSelectorsTest, ValidateChecksEverySelectorUpFront) {
  EXPECT_NO_THROW(validate_selectors(parse_yaml(kSelectorsYml, "selectors.yml")));
  EXPECT_THROW(validate_selectors(parse_yaml(
                   "selectors:\n  - {name: a, definition: {selector: missing}}\n", "s.yml")),
               KilnError);
  EXPECT_THROW(validate_selectors(parse_yaml(
                   "selectors:\n  - {name: a, definition: {method: tagg, value: x}}\n", "s.yml")),
               KilnError);
  try {
    validate_selectors(parse_yaml(R"(selectors:
  - {name: a, definition: "tag:a"}
  - {name: b, definition: {union: [{selector: c}, "tag:b"]}}
  - {name: c, definition: {intersection: [{method: selector, value: b}, {selector: a}]}}
)",
                                  "s.yml"));
    FAIL() << "expected a loop error";
  } catch (const KilnError& error) {
    EXPECT_EQ(error.message(), "Selector 'b' refers to itself: b -> c -> b");
  }
}

}  // namespace
}  // namespace kiln
