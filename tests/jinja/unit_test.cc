// Unit tests for kiln_jinja: error positions and text, return(), host objects, macros called
// from C++, caching, limits.
#include <gtest/gtest.h>

#include <map>

#include "jinja/environment.h"

namespace kiln::jinja {
namespace {

std::string error_of(Environment& env, std::string_view src, const Context& ctx = {},
                     std::string_view name = "models/orders.sql") {
  try {
    env.render(env.from_string(src, name), ctx);
  } catch (const Error& e) {
    return e.what();
  }
  return "<no error>";
}

ErrorKind kind_of(Environment& env, std::string_view src, const Context& ctx = {}) {
  try {
    env.render(env.from_string(src), ctx);
  } catch (const Error& e) {
    return e.kind();
  }
  ADD_FAILURE() << "no error for " << src;
  return ErrorKind::kHost;
}

// ---- error messages ----

TEST(JinjaErrors, UnclosedIfNamesTemplateLineColumn) {
  Environment env;
  EXPECT_EQ(error_of(env, "select 1\nfrom t\n{% if x %} select"),
            "models/orders.sql:3:18: unexpected end of template, expected 'endif'\n"
            "    3 | {% if x %} select\n"
            "      |                  ^");
}

TEST(JinjaErrors, UnclosedForExpectsEndfor) {
  Environment env;
  EXPECT_EQ(error_of(env, "{% for x in y %}{{ x }}"),
            "models/orders.sql:1:24: unexpected end of template, expected 'endfor'\n"
            "    1 | {% for x in y %}{{ x }}\n"
            "      |                        ^");
}

TEST(JinjaErrors, UnknownTag) {
  Environment env;
  EXPECT_EQ(error_of(env, "ok\n  {% frob %}"),
            "models/orders.sql:2:6: Encountered unknown tag 'frob'.\n"
            "    2 |   {% frob %}\n"
            "      |      ^");
}

TEST(JinjaErrors, BadExpressionPointsAtToken) {
  Environment env;
  EXPECT_EQ(error_of(env, "{{ 1 + }}"),
            "models/orders.sql:1:8: unexpected end of print statement\n"
            "    1 | {{ 1 + }}\n"
            "      |        ^");
}

TEST(JinjaErrors, LexerErrorUnterminatedString) {
  Environment env;
  EXPECT_EQ(error_of(env, "a\n{{ 'abc }}"),
            "models/orders.sql:2:4: unexpected end of string\n"
            "    2 | {{ 'abc }}\n"
            "      |    ^");
}

TEST(JinjaErrors, UndefinedAttributeAtRuntime) {
  Environment env;
  EXPECT_EQ(error_of(env, "select\n  {{ cfg.x.y }}", {{"cfg", Value::dict()}}),
            "models/orders.sql:2:11: 'dict object' has no attribute 'x'\n"
            "    2 |   {{ cfg.x.y }}\n"
            "      |           ^");
}

TEST(JinjaErrors, UndefinedCall) {
  Environment env;
  EXPECT_EQ(error_of(env, "{{ nope() }}"),
            "models/orders.sql:1:8: 'nope' is undefined\n"
            "    1 | {{ nope() }}\n"
            "      |        ^");
}

TEST(JinjaErrors, DivisionByZeroInsideMacroIsLocatedInMacro) {
  Environment env;
  EXPECT_EQ(error_of(env, "{% macro m() %}\n  {{ 1 / 0 }}\n{% endmacro %}{{ m() }}"),
            "models/orders.sql:2:8: division by zero\n"
            "    2 |   {{ 1 / 0 }}\n"
            "      |        ^");
}

TEST(JinjaErrors, ErrorInIncludedTemplateNamesThatTemplate) {
  Environment env;
  env.set_loader([](std::string_view name) -> std::optional<std::string> {
    if (name == "part.sql") return std::string("x\n{{ 'a' + 1 }}");
    return std::nullopt;
  });
  std::string msg = error_of(env, "{% include 'part.sql' %}");
  EXPECT_EQ(msg.substr(0, msg.find('\n')),
            "part.sql:2:8: unsupported operand type(s) for +: 'str' and 'int'");
}

TEST(JinjaErrors, HostExceptionReportsCallSite) {
  Environment env;
  env.set_function(
      "explode", [](CallArgs&, Runtime&) -> Value { throw std::runtime_error("adapter failed"); });
  std::string msg = error_of(env, "select\n  {{ explode(1) }}");
  EXPECT_EQ(msg,
            "models/orders.sql:2:13: adapter failed\n"
            "    2 |   {{ explode(1) }}\n"
            "      |             ^");
  try {
    env.render("{{ explode() }}");
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::kHost);
    EXPECT_EQ(e.line(), 1u);
    EXPECT_EQ(e.message(), "adapter failed");
  }
}

TEST(JinjaErrors, KindsMirrorJinja2) {
  Environment env;
  EXPECT_EQ(kind_of(env, "{% if %}"), ErrorKind::kSyntax);
  EXPECT_EQ(kind_of(env, "{{ x.y }}"), ErrorKind::kUndefined);
  EXPECT_EQ(kind_of(env, "{{ 'a' - 1 }}"), ErrorKind::kType);
  EXPECT_EQ(kind_of(env, "{{ 1 // 0 }}"), ErrorKind::kZeroDivision);
  EXPECT_EQ(kind_of(env, "{{ 1|nope }}"), ErrorKind::kAssertion);
  EXPECT_EQ(kind_of(env, "{% include 'missing' %}"), ErrorKind::kTemplateNotFound);
  EXPECT_EQ(error_kind_name(ErrorKind::kUndefined), "UndefinedError");
}

// ---- limits: malformed or runaway input never crashes ----

TEST(JinjaLimits, DeepNestingIsASyntaxError) {
  Environment env;
  std::string src = "{{ " + std::string(5000, '(') + "1" + std::string(5000, ')') + " }}";
  EXPECT_EQ(kind_of(env, src), ErrorKind::kSyntax);
  std::string blocks;
  for (int i = 0; i < 3000; ++i) blocks += "{% if true %}";
  EXPECT_EQ(kind_of(env, blocks), ErrorKind::kSyntax);
}

TEST(JinjaLimits, InfiniteRecursionStops) {
  Environment env;
  EXPECT_EQ(kind_of(env, "{% macro f() %}{{ f() }}{% endmacro %}{{ f() }}"), ErrorKind::kRuntime);
}

TEST(JinjaLimits, StepBudget) {
  Environment env;
  env.limits().max_steps = 10000;
  EXPECT_EQ(
      kind_of(env, "{% for i in range(1000) %}{% for j in range(1000) %}{% endfor %}{% endfor %}"),
      ErrorKind::kRuntime);
}

TEST(JinjaLimits, RangeAndOutputSize) {
  Environment env;
  EXPECT_EQ(kind_of(env, "{{ range(10000000)|length }}"), ErrorKind::kOverflow);
  env.limits().max_output_bytes = 1000;
  EXPECT_EQ(kind_of(env, "{{ 'x' * 5000 }}"), ErrorKind::kRuntime);
}

// ---- return() ----

TEST(JinjaReturn, MacroCallEvaluatesToReturnedValue) {
  Environment env;
  env.set_global("return", make_return_function());
  EXPECT_EQ(env.render("{% macro m() %}text{{ return([1, 2]) }}more{% endmacro %}"
                       "{{ m()|length }} {{ m() }}"),
            "2 [1, 2]");
  EXPECT_EQ(env.render("{% macro f(x) %}{% if x > 0 %}{% do return('pos') %}{% endif %}"
                       "{{ return('neg') }}{% endmacro %}{{ f(1) }} {{ f(-1) }}"),
            "pos neg");
}

TEST(JinjaReturn, OutsideMacroIsAnError) {
  Environment env;
  env.set_global("return", make_return_function());
  EXPECT_EQ(kind_of(env, "{{ return(1) }}"), ErrorKind::kRuntime);
}

// ---- host objects ----

class FakeRelation : public HostObject {
 public:
  FakeRelation(std::string db, std::string schema, std::string id)
      : db_(std::move(db)), schema_(std::move(schema)), id_(std::move(id)) {}
  std::string_view type_name() const override { return "Relation"; }
  std::optional<Value> get_attr(std::string_view name, Runtime&) override {
    if (name == "database") return Value(db_);
    if (name == "schema") return Value(schema_);
    if (name == "identifier") return Value(id_);
    return std::nullopt;
  }
  std::optional<Value> call_method(std::string_view name, CallArgs& args, Runtime&) override {
    if (name == "include") {
      bool db = args.get(0, "database", Value(true)).truthy();
      return Value::host(std::make_shared<FakeRelation>(db ? db_ : "", schema_, id_));
    }
    return std::nullopt;
  }
  std::string str() const override {
    return (db_.empty() ? "" : "\"" + db_ + "\".") + "\"" + schema_ + "\".\"" + id_ + "\"";
  }

 private:
  std::string db_, schema_, id_;
};

class FakeAdapter : public HostObject {
 public:
  std::string_view type_name() const override { return "Adapter"; }
  std::optional<Value> call_method(std::string_view name, CallArgs& args, Runtime& rt) override {
    if (name == "quote") return Value("\"" + args.get(0, "identifier").str() + "\"");
    if (name == "dispatch") {
      // Resolve `<adapter>__<name>` else `default__<name>` from the template's scope.
      std::string macro = args.get(0, "macro_name").str();
      Value impl = rt.resolve("duckdb__" + macro);
      if (impl.is_undefined()) impl = rt.resolve("default__" + macro);
      return impl;
    }
    return std::nullopt;
  }
  std::optional<std::vector<Value>> iterate(Runtime&) override {
    return std::vector<Value>{Value("a"), Value("b")};
  }
  std::optional<Value> get_item(const Value& key, Runtime&) override {
    if (key.is_string() && key.as_string() == "type") return Value("duckdb");
    return std::nullopt;
  }
  bool truthy() const override { return false; }
  std::string str() const override { return "<adapter>"; }
};

TEST(JinjaHost, AttributesMethodsItemsIterationTruthiness) {
  Environment env;
  env.set_global("adapter", Value::host(std::make_shared<FakeAdapter>()));
  Context ctx{{"this", Value::host(std::make_shared<FakeRelation>("db", "sch", "tbl"))}};
  EXPECT_EQ(env.render("{{ this }}|{{ this.schema }}|{{ this.include(database=false) }}|"
                       "{{ this.nope is defined }}",
                       ctx),
            "\"db\".\"sch\".\"tbl\"|sch|\"sch\".\"tbl\"|False");
  EXPECT_EQ(env.render("{{ adapter.quote('id') }}|{{ adapter['type'] }}|{{ adapter|list }}|"
                       "{{ 'yes' if adapter else 'no' }}|{{ adapter }}"),
            "\"id\"|duckdb|['a', 'b']|no|<adapter>");
  EXPECT_EQ(env.render("{{ [this]|map(attribute='identifier')|join }}", ctx), "tbl");
}

TEST(JinjaHost, DispatchPatternResolvesMacrosFromCallerScope) {
  Environment env;
  env.set_global("adapter", Value::host(std::make_shared<FakeAdapter>()));
  EXPECT_EQ(env.render("{% macro default__now() %}now(){% endmacro %}"
                       "{% macro duckdb__cast(x) %}{{ x }}::int{% endmacro %}"
                       "{{ adapter.dispatch('now')() }} {{ adapter.dispatch('cast')('c') }}"),
            "now() c::int");
}

TEST(JinjaHost, GlobalFunctionsFiltersTestsAndResolver) {
  Environment env;
  env.set_function("ref", [](CallArgs& args, Runtime&) -> Value {
    return Value("\"main\".\"" + args.get(0, "name").str() + "\"");
  });
  env.set_filter(
      "double", [](const Value& v, CallArgs&, Runtime&) -> Value { return Value(v.as_int() * 2); });
  env.set_test("short", [](const Value& v, CallArgs& a, Runtime&) {
    return v.str().size() <= static_cast<size_t>(a.get(0, "n", Value(3)).as_int());
  });
  std::map<std::string, int> lookups;
  env.set_unknown_name_resolver([&lookups](std::string_view name) -> std::optional<Value> {
    ++lookups[std::string(name)];
    if (name == "project_var") return Value("resolved");
    return std::nullopt;
  });
  EXPECT_EQ(env.render("{{ ref('orders') }} {{ 21|double }} {{ 'ab' is short }} "
                       "{{ 'abcd' is short(3) }} {{ project_var }} [{{ other }}]"),
            "\"main\".\"orders\" 42 True False resolved []");
  EXPECT_EQ(lookups["project_var"], 1);
}

TEST(JinjaHost, NativeFunctionResolvesCallerLocals) {
  Environment env;
  env.set_function("peek", [](CallArgs& args, Runtime& rt) -> Value {
    return rt.resolve(args.get(0, "name").str());
  });
  EXPECT_EQ(env.render("{% for x in [7] %}{{ peek('x') }}{% endfor %}{{ peek('ctx') }}",
                       {{"ctx", Value("c")}}),
            "7c");
}

// A duration in whole units: supports +, -, unary minus and ordering, and nothing else.
class FakeDuration : public HostObject {
 public:
  explicit FakeDuration(int64_t units) : units_(units) {}
  std::string_view type_name() const override { return "duration"; }
  std::optional<Value> arithmetic(std::string_view op, const Value& other,
                                  bool reflected) override {
    if (op == "neg") return make(-units_);
    int64_t other_units = 0;
    if (auto* duration =
            other.is_host() ? dynamic_cast<FakeDuration*>(&other.as_host()) : nullptr) {
      other_units = duration->units_;
    } else if (other.is_int()) {
      other_units = other.as_int();
    } else {
      return std::nullopt;
    }
    if (op == "+") return make(units_ + other_units);
    if (op == "-") return make(reflected ? other_units - units_ : units_ - other_units);
    return std::nullopt;
  }
  std::optional<int> compare(const Value& other) const override {
    auto* duration = other.is_host() ? dynamic_cast<FakeDuration*>(&other.as_host()) : nullptr;
    if (!duration) return std::nullopt;
    return units_ < duration->units_ ? -1 : units_ > duration->units_ ? 1 : 0;
  }
  std::string str() const override { return std::to_string(units_) + "u"; }
  static Value make(int64_t units) { return Value::host(std::make_shared<FakeDuration>(units)); }

 private:
  int64_t units_;
};

TEST(JinjaHost, OperatorsAndOrderingReachTheHost) {
  Environment env;
  Context ctx{{"a", FakeDuration::make(5)}, {"b", FakeDuration::make(2)}};
  EXPECT_EQ(env.render("{{ a + b }} {{ a - b }} {{ 10 - a }} {{ a + 1 }} {{ -a }} {{ a > b }} "
                       "{{ a <= b }} {{ [a, b] | sort | join(',') }} {{ [a, b] | max }}",
                       ctx),
            "7u 3u 5u 6u -5u True False 2u,5u 5u");
  EXPECT_EQ(kind_of(env, "{{ a * 2 }}", ctx), ErrorKind::kType);
  EXPECT_EQ(kind_of(env, "{{ a < 1 }}", ctx), ErrorKind::kType);
}

// ---- macros from C++ ----

TEST(JinjaMacros, CallExportedMacroFromCpp) {
  Environment env;
  env.set_global("return", make_return_function());
  auto tmpl = env.from_string(
      "{% set prefix = 'p_' %}"
      "{% macro col(name, alias=none) %}{{ prefix }}{{ name }}{% if alias %} as {{ alias }}"
      "{% endif %}{% endmacro %}"
      "{% macro cols(names) %}{{ return(names|map('upper')|list) }}{% endmacro %}"
      "{% macro wrap() %}[{{ caller() }}]{% endmacro %}",
      "macros/util.sql");
  Value mod = env.module(tmpl);
  Value col = env.getattr(mod, "col");
  ASSERT_EQ(col.kind(), Kind::kMacro);
  EXPECT_EQ(env.call(col, {Value("id")}).str(), "p_id");
  EXPECT_EQ(env.call(col, {Value("id")}, {{"alias", Value("key")}}).str(), "p_id as key");
  Value cols = env.call(env.getattr(mod, "cols"), {Value::list({Value("a"), Value("b")})});
  ASSERT_TRUE(cols.is_list());
  EXPECT_EQ(cols.repr(), "['A', 'B']");
  EXPECT_EQ(env.getattr(mod, "prefix").str(), "p_");
  EXPECT_TRUE(env.getattr(mod, "missing").is_undefined());
  // caller= can be a native function.
  Value caller = Value::function([](CallArgs&, Runtime&) { return Value("body"); });
  EXPECT_EQ(env.call(env.getattr(mod, "wrap"), {}, {{"caller", caller}}).str(), "[body]");
  // The macro stays usable after the module value and template pointer are gone.
  Value kept = col;
  mod = Value();
  tmpl.reset();
  EXPECT_EQ(env.call(kept, {Value("x")}).str(), "p_x");
}

TEST(JinjaMacros, MacroErrorFromCppIsLocated) {
  Environment env;
  Value mod = env.module(env.from_string("{% macro bad() %}\n{{ 1 // 0 }}{% endmacro %}", "m.sql"));
  try {
    env.call(env.getattr(mod, "bad"));
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.template_name(), "m.sql");
    EXPECT_EQ(e.line(), 2u);
  }
}

TEST(JinjaMacros, ContextPassedToModule) {
  Environment env;
  Value mod = env.module(env.from_string("{% macro t() %}{{ target.name }}{% endmacro %}"),
                         {{"target", Value::dict().set("name", "dev")}});
  EXPECT_EQ(env.call(env.getattr(mod, "t")).str(), "dev");
}

TEST(JinjaMacros, DbtTags) {
  Environment env;
  env.set_dbt_tags(true);
  Value mod = env.module(env.from_string(
      "{% test not_null(model, column_name) %}select * from {{ model }} where {{ column_name }} "
      "is null{% endtest %}"
      "{% materialization view, adapter='duckdb' %}view!{% endmaterialization %}"
      "{% docs orders %}Orders docs{% enddocs %}"));
  EXPECT_EQ(env.call(env.getattr(mod, "test_not_null"), {Value("t"), Value("c")}).str(),
            "select * from t where c is null");
  EXPECT_EQ(env.call(env.getattr(mod, "materialization_view_duckdb")).str(), "view!");
  EXPECT_EQ(env.call(env.getattr(mod, "docs_orders")).str(), "Orders docs");
}

// ---- caching ----

TEST(JinjaCache, SameContentIsParsedOnce) {
  Environment env;
  auto a = env.from_string("{{ x }}", "a.sql");
  auto b = env.from_string("{{ x }}", "a.sql");
  auto c = env.from_string("{{ y }}", "a.sql");
  auto d = env.from_string("{{ x }}", "b.sql");
  EXPECT_EQ(a.get(), b.get());
  EXPECT_NE(a.get(), c.get());
  EXPECT_NE(a.get(), d.get());
  EXPECT_EQ(env.cache_size(), 3u);
  int loads = 0;
  env.set_loader([&loads](std::string_view) -> std::optional<std::string> {
    ++loads;
    return std::string("inc");
  });
  EXPECT_EQ(env.get_template("x").get(), env.get_template("x").get());
  EXPECT_EQ(loads, 2);
  env.clear_cache();
  EXPECT_EQ(env.cache_size(), 0u);
}

TEST(JinjaCache, RenderManyTimesWithDifferentContexts) {
  Environment env;
  auto t = env.from_string("{% for c in cols %}{{ c }}{{ ',' if not loop.last }}{% endfor %}");
  for (int i = 0; i < 50; ++i) {
    EXPECT_EQ(env.render(t, {{"cols", Value::list({Value(i), Value("x")})}}),
              std::to_string(i) + ",x");
  }
}

// ---- values ----

TEST(JinjaValues, PythonReprAndReferenceSemantics) {
  Value l = Value::list({Value(1), Value("it's"), Value::none(), Value(2.5), Value(true)});
  EXPECT_EQ(l.repr(), "[1, \"it's\", None, 2.5, True]");
  Value alias = l;
  alias.push_back(Value::tuple({Value("a")}));
  EXPECT_EQ(l.repr(), "[1, \"it's\", None, 2.5, True, ('a',)]");
  Value d = Value::dict();
  d.set("k", Value::none());
  EXPECT_EQ(d.str(), "{'k': None}");
  EXPECT_EQ(py_float_repr(1e16), "1e+16");
  EXPECT_EQ(py_float_repr(0.1), "0.1");
  EXPECT_EQ(py_float_repr(1.0), "1.0");
  EXPECT_EQ(Value(1.0 / 0.0).str(), "inf");
  EXPECT_TRUE(Value(1).equals(Value(1.0)));
  EXPECT_EQ(Value(1).hash(), Value(1.0).hash());
  l.push_back(l);
  EXPECT_EQ(l.repr(), "[1, \"it's\", None, 2.5, True, ('a',), [...]]");
  l.as_list().items.pop_back();  // break the cycle so the test does not leak
}

}  // namespace
}  // namespace kiln::jinja

namespace kiln::jinja {
namespace {

TEST(JinjaNative, RenderValueKeepsTypes) {
  Environment env;
  Value v = env.render_value(env.from_string("{{ [1, x] }}"), {{"x", Value("a")}});
  ASSERT_TRUE(v.is_list());
  EXPECT_EQ(v.repr(), "[1, 'a']");
  EXPECT_TRUE(env.render_value(env.from_string("{{ flag }}"), {{"flag", Value(false)}}).is_bool());
  Value text = env.render_value(env.from_string("n={{ 1 }}"));
  ASSERT_TRUE(text.is_string());
  EXPECT_EQ(text.as_string(), "n=1");
}

TEST(JinjaMacros, ModuleMembersInDefinitionOrder) {
  Environment env;
  Value mod = env.module(env.from_string(
      "{% macro b() %}B{% endmacro %}{% set _hidden = 1 %}{% set v = 2 %}{% macro a() %}A"
      "{% endmacro %}"));
  auto members = env.module_members(mod);
  ASSERT_EQ(members.size(), 3u);
  EXPECT_EQ(members[0].first, "b");
  EXPECT_EQ(members[1].first, "v");
  EXPECT_EQ(members[2].first, "a");
  mod = Value();
  EXPECT_EQ(env.call(members[2].second).str(), "A");
}

}  // namespace
}  // namespace kiln::jinja

namespace kiln::jinja {
namespace {

// Containers that contain themselves: printing, serializing and comparing must terminate. The
// containers come from the context so the test can break the cycles afterwards (reference
// counting cannot free them).
TEST(JinjaValues, SelfReferencingContainers) {
  Environment env;
  Value a = Value::list({Value(1)});
  Value b = Value::list();
  Value d = Value::dict();
  Context ctx{{"a", a}, {"b", b}, {"d", d}};
  EXPECT_EQ(env.render("{% do a.append(a) %}{{ a }}", ctx), "[1, [...]]");
  EXPECT_EQ(env.render("{% do d.update({'me': d}) %}{{ d }} {{ d|pprint }}", ctx),
            "{'me': {...}} {'me': {...}}");
  EXPECT_EQ(kind_of(env, "{{ a|tojson }}", ctx), ErrorKind::kValue);
  EXPECT_EQ(env.render("{% do b.append(a) %}{{ a == a }}", ctx), "True");
  Value c = Value::list();
  Value e = Value::list();
  Context ctx2{{"c", c}, {"e", e}};
  EXPECT_EQ(kind_of(env, "{% do c.append(e) %}{% do e.append(c) %}{{ c == e }}", ctx2),
            ErrorKind::kRuntime);
  a.as_list().items.clear();
  b.as_list().items.clear();
  d.as_dict().clear();
  c.as_list().items.clear();
  e.as_list().items.clear();
}

}  // namespace
}  // namespace kiln::jinja

namespace kiln::jinja {
namespace {

TEST(JinjaFilters, RandomPicksAnElement) {
  Environment env;
  for (int i = 0; i < 20; ++i) {
    std::string r = env.render("{{ ['a', 'b', 'c']|random }}");
    EXPECT_TRUE(r == "a" || r == "b" || r == "c") << r;
  }
  EXPECT_EQ(env.render("[{{ []|random }}]"), "[]");
}

}  // namespace
}  // namespace kiln::jinja

namespace kiln::jinja {
namespace {

TEST(JinjaLimits, DeeplyNestedContainersAreFreedWithoutRecursion) {
  Environment env;
  std::string out = env.render(
      "{% set ns = namespace(l=[], d={}) %}{% for i in range(100000) %}{% set ns.l = [ns.l] %}"
      "{% set ns.d = {'k': ns.d} %}{% endfor %}{{ ns.l|length }}");
  EXPECT_EQ(out, "1");
}

}  // namespace
}  // namespace kiln::jinja

namespace kiln::jinja {
namespace {

TEST(JinjaLimits, DeepNamespaceChainsAreFreedWithoutRecursion) {
  Environment env;
  EXPECT_EQ(env.render("{% set ns = namespace(n=none) %}{% for i in range(100000) %}"
                       "{% set ns.n = namespace(n=ns.n) %}{% endfor %}ok"),
            "ok");
}

}  // namespace
}  // namespace kiln::jinja

namespace kiln::jinja {
namespace {

class ThrowingHost : public HostObject {
 public:
  std::string str() const override { throw std::runtime_error("cannot print"); }
  std::optional<std::vector<Value>> iterate(Runtime&) override {
    throw std::runtime_error("cannot iterate");
  }
};

TEST(JinjaErrors, HostExceptionsOutsideExpressionsAreLocated) {
  Environment env;
  Context ctx{{"h", Value::host(std::make_shared<ThrowingHost>())}};
  try {
    env.render("a\n{{ h }}", ctx);
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::kHost);
    EXPECT_EQ(e.line(), 2u);
    EXPECT_EQ(e.message(), "cannot print");
  }
  try {
    env.render("{% for x in h %}{% endfor %}", ctx);
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.message(), "cannot iterate");
  }
  Value f = Value::function([](CallArgs&, Runtime&) -> Value { throw std::logic_error("bad"); });
  EXPECT_THROW(env.call(f), Error);
}

}  // namespace
}  // namespace kiln::jinja

namespace kiln::jinja {
namespace {

TEST(JinjaHost, NativeCanRenderAnotherTemplate) {
  Environment env;
  env.set_function("render", [](CallArgs& args, Runtime& rt) -> Value {
    Environment& e = rt.environment();
    return Value(
        e.render(e.from_string(args.get(0, "s").str(), "<render>"), {{"x", rt.resolve("x")}}));
  });
  EXPECT_EQ(env.render("{% set x = 4 %}{{ render('{{ x * 2 }}') }}"), "8");
}

}  // namespace
}  // namespace kiln::jinja
