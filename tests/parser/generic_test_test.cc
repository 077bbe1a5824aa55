#include "parser/generic_test.h"

#include <gtest/gtest.h>

#include "common/python_repr.h"
#include "project/yaml_reader.h"

namespace kiln {
namespace {

GenericTest build(const std::string& yaml, TestTarget target, std::optional<std::string> column) {
  return build_generic_test(parse_yaml(yaml, "schema.yml"), target, column,
                            renderer_without_template_engine());
}

TestTarget model(const std::string& name) {
  return {TestTarget::Kind::Model, name, "", std::nullopt};
}

// Unique ids dbt itself gives these tests in its jaffle_shop example project.
TEST(GenericTestTest, UniqueIdsMatchDbt) {
  GenericTest unique = build("unique", model("customers"), "customer_id");
  EXPECT_EQ(unique.full_name, "unique_customers_customer_id");
  EXPECT_EQ(unique.hash, "c5af1ff4b1");
  GenericTest not_null = build("not_null", model("customers"), "customer_id");
  EXPECT_EQ(not_null.hash, "5c9bf9911d");
  EXPECT_EQ(
      not_null.kwargs.to_json(),
      R"({"column_name":"customer_id","model":"{{ get_where_subquery(ref('customers')) }}"})");
  EXPECT_EQ(not_null.raw_code, "{{ test_not_null(**_dbt_generic_test_kwargs) }}");
}

TEST(GenericTestTest, RelationshipsNameSortsArguments) {
  GenericTest test =
      build("relationships: {to: ref('customers'), field: id}", model("orders"), "customer_id");
  EXPECT_EQ(test.full_name, "relationships_orders_customer_id__id__ref_customers_");
  EXPECT_EQ(test.short_name, test.full_name);
  ASSERT_EQ(test.refs.size(), 2u);
  EXPECT_EQ(test.refs[1].name, "customers");
}

TEST(GenericTestTest, AcceptedValuesAndConfigArguments) {
  GenericTest test = build(
      "accepted_values: {values: ['placed', 'shipped'], severity: warn, config: {where: 'x > 1'}}",
      model("orders"), "status");
  EXPECT_EQ(test.full_name, "accepted_values_orders_status__placed__shipped");
  EXPECT_EQ(test.config.to_json(), R"({"severity":"warn","where":"x > 1"})");
  EXPECT_EQ(test.kwargs.find("severity"), nullptr);
  EXPECT_EQ(test.raw_code,
            "{{ test_accepted_values(**_dbt_generic_test_kwargs) }}{{ "
            "config(severity=\"warn\",where=\"x > 1\") }}");
}

TEST(GenericTestTest, LongNamesAreHashedForFileAndAlias) {
  GenericTest test =
      build("accepted_values: {values: [placed, shipped, completed, return_pending, returned]}",
            model("orders"), "status");
  EXPECT_EQ(test.full_name,
            "accepted_values_orders_status__placed__shipped__completed__return_pending__returned");
  EXPECT_EQ(test.short_name, "accepted_values_orders_1ce6ab157c285f7cd2ac656013faf758");
  EXPECT_EQ(test.config.find("alias")->as_string(), test.short_name);
}

TEST(GenericTestTest, SourceTestsAndNamespaces) {
  TestTarget source{TestTarget::Kind::Source, "orders", "raw", std::nullopt};
  GenericTest test =
      build("dbt_utils.expression_is_true: {expression: 'amount > 0'}", source, std::nullopt);
  EXPECT_EQ(test.namespace_, "dbt_utils");
  EXPECT_EQ(test.full_name, "dbt_utils_source_expression_is_true_raw_orders_amount_0");
  EXPECT_EQ(test.macro_name(), "dbt_utils.test_expression_is_true");
  EXPECT_EQ(test.kwargs.find("model")->as_string(),
            "{{ get_where_subquery(source('raw', 'orders')) }}");
}

TEST(GenericTestTest, CustomNameAndVersionedTargets) {
  GenericTest named = build("unique: {name: orders_pk}", model("orders"), "id");
  EXPECT_EQ(named.full_name, "orders_pk");
  EXPECT_EQ(named.kwargs.find("name"), nullptr);
  GenericTest versioned = build("not_null", {TestTarget::Kind::Model, "dim", "", "2"}, "id");
  EXPECT_EQ(versioned.full_name, "not_null_dim_v2_id");
  EXPECT_EQ(versioned.kwargs.find("model")->as_string(),
            "{{ get_where_subquery(ref('dim', version='2')) }}");
}

TEST(GenericTestTest, MalformedEntriesAreUserErrors) {
  EXPECT_THROW(build("{a: {}, b: {}}", model("m"), std::nullopt), KilnError);
  EXPECT_THROW(build("unique: [1, 2]", model("m"), "c"), KilnError);
  EXPECT_THROW(build("'not a name!'", model("m"), "c"), KilnError);
  EXPECT_THROW(build("unique: {model: x}", model("m"), "c"), KilnError);
  EXPECT_THROW(build("unique: {severity: warn, config: {severity: error}}", model("m"), "c"),
               KilnError);
}

TEST(PythonReprTest, MatchesCPython) {
  EXPECT_EQ(python_repr("plain"), "'plain'");
  EXPECT_EQ(python_repr("it's"), "\"it's\"");
  EXPECT_EQ(python_repr("both ' and \""), "'both \\' and \"'");
  EXPECT_EQ(python_repr("tab\tnew\nline\\"), "'tab\\tnew\\nline\\\\'");
  EXPECT_EQ(python_repr("\x01 é"), "'\\x01 é'");
  EXPECT_EQ(python_repr(Data::floating(1.0)), "1.0");
  EXPECT_EQ(python_repr(Data::floating(0.1)), "0.1");
  EXPECT_EQ(python_repr(Data::floating(1e16)), "1e+16");
  EXPECT_EQ(python_repr(Data::floating(123456789012345.0)), "123456789012345.0");
  EXPECT_EQ(python_repr(Data::floating(0.0001)), "0.0001");
  EXPECT_EQ(python_repr(Data::floating(0.00001)), "1e-05");
  EXPECT_EQ(python_repr(Data::floating(-2.5e-7)), "-2.5e-07");
  EXPECT_EQ(python_repr(Data::map({{"k", Data::list({Data::null(), Data::boolean(true)})}})),
            "{'k': [None, True]}");
}

}  // namespace
}  // namespace kiln
