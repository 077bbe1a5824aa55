// libFuzzer target: parse and render arbitrary templates under tight budgets. Any outcome other
// than output or a kiln::jinja::Error (crash, sanitizer report, hang, other exception) is a bug.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "jinja/environment.h"

namespace {

using namespace kiln::jinja;

class FuzzHost final : public HostObject {
 public:
  std::string_view type_name() const override { return "FuzzHost"; }
  std::optional<Value> get_attr(std::string_view name, Runtime&) override {
    if (name == "name") return Value("relation");
    if (name == "self") return Value::host(std::make_shared<FuzzHost>());
    return std::nullopt;
  }
  std::optional<Value> call_method(std::string_view name, CallArgs& args, Runtime&) override {
    if (name == "quote") return Value("\"" + args.get(0, "s").str() + "\"");
    if (name == "fail") throw std::runtime_error("host failure");
    return std::nullopt;
  }
  std::optional<std::vector<Value>> iterate(Runtime&) override {
    return std::vector<Value>{Value(1), Value("two")};
  }
};

Environment& env() {
  static Environment* e = [] {
    auto* env = new Environment;
    env->limits().max_steps = 200000;
    env->limits().max_output_bytes = 1 << 20;
    env->limits().max_range = 1000;
    env->limits().max_macro_depth = 64;
    env->set_dbt_tags(true);
    env->set_global("return", make_return_function());
    env->set_global("adapter", Value::host(std::make_shared<FuzzHost>()));
    env->set_function("ref", [](CallArgs& a, Runtime&) { return Value(a.get(0, "n").str()); });
    env->set_function("boom",
                      [](CallArgs&, Runtime&) -> Value { throw std::runtime_error("boom"); });
    env->set_loader([](std::string_view name) -> std::optional<std::string> {
      if (name == "lib")
        return std::string("{% macro m(x, y=2) %}{{ x ~ y }}{% endmacro %}{% set v = 1 %}");
      if (name == "part") return std::string("[{{ x }}]");
      if (name == "self") return std::string("{% include 'self' %}");
      return std::nullopt;
    });
    return env;
  }();
  return *e;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view src(reinterpret_cast<const char*>(data), size);
  Environment& e = env();
  if (e.cache_size() > 1000) e.clear_cache();
  Context ctx{{"x", Value(3)},
              {"s", Value("str")},
              {"l", Value::list({Value(1), Value("a"), Value::none()})},
              {"d", Value::dict().set("k", Value(1.5)).set("n", Value::list())}};
  try {
    std::string out = e.render(e.from_string(src, "fuzz"), ctx);
    (void)out;
  } catch (const Error& err) {
    if (!err.has_location() && err.kind() != ErrorKind::kRuntime) __builtin_trap();
  }
  return 0;
}
