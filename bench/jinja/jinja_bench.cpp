// Parse and render rates of dbt-style templates. bench/jinja_vs_jinja2.py runs the same templates
// through Python's Jinja2 and prints the comparison.
#include <benchmark/benchmark.h>

#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "jinja/environment.h"

namespace {

using kiln::jinja::CallArgs;
using kiln::jinja::Context;
using kiln::jinja::Environment;
using kiln::jinja::Runtime;
using kiln::jinja::Value;

std::string read(const std::string& name) {
  std::ifstream in(std::string(JINJA_BENCH_TEMPLATES) + "/" + name, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

Value to_value(const nlohmann::ordered_json& j) {
  if (j.is_null()) return Value::none();
  if (j.is_boolean()) return Value(j.get<bool>());
  if (j.is_number_integer()) return Value(j.get<int64_t>());
  if (j.is_number_float()) return Value(j.get<double>());
  if (j.is_string()) return Value(j.get<std::string>());
  if (j.is_array()) {
    std::vector<Value> items;
    for (const auto& e : j) items.push_back(to_value(e));
    return Value::list(std::move(items));
  }
  Value d = Value::dict();
  for (auto it = j.begin(); it != j.end(); ++it) d.set(it.key(), to_value(it.value()));
  return d;
}

// The dbt-ish globals; bench/jinja_vs_jinja2.py defines the same ones in Python.
void setup(Environment& env) {
  env.set_function("config", [](CallArgs&, Runtime&) { return Value(""); });
  env.set_function("ref", [](CallArgs& a, Runtime&) {
    return Value("\"analytics\".\"main\".\"" + a.get(0, "name").str() + "\"");
  });
  env.set_function("var", [](CallArgs& a, Runtime&) { return a.get(1, "default", Value::none()); });
  env.set_function("is_incremental", [](CallArgs&, Runtime&) { return Value(true); });
  env.set_global("this", Value("\"analytics\".\"main\".\"fct_orders\""));
}

Context context() {
  auto j = nlohmann::ordered_json::parse(read("context.json"));
  Context ctx;
  for (auto it = j.begin(); it != j.end(); ++it) ctx[it.key()] = to_value(it.value());
  return ctx;
}

void BM_Parse(benchmark::State& state, const char* name) {
  std::string src = read(name);
  Environment env;
  setup(env);
  for (auto _ : state) {
    env.clear_cache();
    benchmark::DoNotOptimize(env.from_string(src, name));
  }
  state.SetItemsProcessed(state.iterations());
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * src.size()));
}

void BM_Render(benchmark::State& state, const char* name) {
  std::string src = read(name);
  Environment env;
  setup(env);
  auto tmpl = env.from_string(src, name);
  Context ctx = context();
  size_t bytes = 0;
  for (auto _ : state) {
    std::string out = env.render(tmpl, ctx);
    bytes += out.size();
    benchmark::DoNotOptimize(out);
  }
  state.SetItemsProcessed(state.iterations());
  state.SetBytesProcessed(static_cast<int64_t>(bytes));
}

BENCHMARK_CAPTURE(BM_Parse, model, "model.sql");
BENCHMARK_CAPTURE(BM_Parse, macros, "macros.sql");
BENCHMARK_CAPTURE(BM_Render, model, "model.sql");
BENCHMARK_CAPTURE(BM_Render, macros, "macros.sql");

}  // namespace

// `jinja_bench --print <template>` prints the rendered template (for the output check in
// bench/jinja_vs_jinja2.py); anything else runs the benchmarks.
int main(int argc, char** argv) {
  if (argc == 3 && std::string(argv[1]) == "--print") {
    Environment env;
    setup(env);
    std::cout << env.render(env.from_string(read(argv[2]), argv[2]), context());
    return 0;
  }
  benchmark::Initialize(&argc, argv);
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
