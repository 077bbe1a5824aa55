#include "parser/static_extractor.h"

#include <gtest/gtest.h>

namespace kiln {
namespace {

TEST(StaticExtractorTest, ReadsRefsSourcesAndConfig) {
  StaticExtraction e = extract_static(
      "{{ config(materialized='table', tags=['a', \"b\"], unique_key=none, full_refresh=False, "
      "meta={'owner': 'x'}, batch=10) }}\n"
      "select * from {{ ref('orders') }} join {{ ref('pkg', 'customers') }}\n"
      "join {{ ref('dim', v=2) }} join {{ source('raw', 'payments') }} -- {# note #}\n");
  ASSERT_TRUE(e.is_static);
  ASSERT_EQ(e.refs.size(), 3u);
  EXPECT_EQ(e.refs[0].name, "orders");
  EXPECT_EQ(e.refs[1].package, "pkg");
  EXPECT_EQ(e.refs[1].name, "customers");
  EXPECT_EQ(e.refs[2].version, "2");
  ASSERT_EQ(e.sources.size(), 1u);
  EXPECT_EQ(e.sources[0].source_name, "raw");
  EXPECT_EQ(
      e.config.to_json(),
      R"({"materialized":"table","tags":["a","b"],"unique_key":null,"full_refresh":false,"meta":{"owner":"x"},"batch":10})");
  // Text between calls is kept so compiled SQL can be assembled without rendering.
  ASSERT_FALSE(e.segments.empty());
  EXPECT_EQ(e.segments[0].kind, StaticSegment::Kind::Config);
  EXPECT_EQ(e.segments[1].text, "\nselect * from ");
}

TEST(StaticExtractorTest, AnythingElseNeedsTheEngine) {
  for (const char* text :
       {"{% set x = 1 %}select 1", "select {{ var('x') }}", "{{ ref('a') | upper }}",
        "{{ ref(model_name) }}", "{{ config(materialized=var('m')) }}", "{{- ref('a') }}",
        "{{ this }}", "{{ ref('a') }", "{{ ref('a', 'b', 'c') }}", "{{ source('only_one') }}"}) {
    EXPECT_FALSE(extract_static(text).is_static) << text;
  }
  EXPECT_TRUE(extract_static("select 1 where a = '{' and b = '}'").is_static);
}

TEST(StaticExtractorTest, Literals) {
  auto parse = [](std::string text) {
    size_t pos = 0;
    Data out;
    EXPECT_TRUE(parse_literal(text, pos, out)) << text;
    return out.to_json();
  };
  EXPECT_EQ(parse("'it\\'s'"), R"("it's")");
  EXPECT_EQ(parse("'a' 'b'"), R"("ab")");
  EXPECT_EQ(parse("-1.5"), "-1.5");
  EXPECT_EQ(parse("(1, 'x',)"), R"([1,"x"])");
  EXPECT_EQ(parse("{'k': [True, None]}"), R"({"k":[true,null]})");
}

}  // namespace
}  // namespace kiln
