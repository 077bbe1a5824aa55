// Public entry point: configure an Environment, compile templates, render them, call macros.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "jinja/ast.h"
#include "jinja/error.h"
#include "jinja/value.h"

namespace kiln::jinja {

class Environment;

// A compiled template. Immutable and shareable; keep the shared_ptr while its macros are used.
class Template : public std::enable_shared_from_this<Template> {
 public:
  const std::string& name() const { return name_; }
  const std::string& source() const { return source_; }
  const Body& body() const { return body_; }
  size_t node_count() const { return arena_.size(); }

 private:
  friend class Environment;
  std::string name_;
  std::string source_;
  Arena arena_;
  Body body_;
};

using TemplatePtr = std::shared_ptr<const Template>;

// What native functions, filters and tests see of the running template.
class Runtime {
 public:
  virtual ~Runtime() = default;
  // Looks a name up as the template would at the call site (locals, context, globals).
  virtual Value resolve(std::string_view name) = 0;
  // Calls a macro, function or callable host object.
  virtual Value call(const Value& callee, CallArgs& args) = 0;
  // Natives may use it to render or load other templates (dbt's render(), run-time includes).
  virtual Environment& environment() = 0;
  virtual const std::string& template_name() const = 0;
};

using Context = std::unordered_map<std::string, Value>;

struct Limits {
  uint64_t max_steps = 50'000'000;       // statements + expressions evaluated per render
  int max_macro_depth = 250;             // nested macro calls
  size_t max_stack_bytes = 2u << 20;     // native stack used by one render
  int64_t max_range = 100'000;           // items produced by range()
  size_t max_output_bytes = 512u << 20;  // rendered text and any single string
  int max_parse_depth = 200;             // syntactic nesting
};

class Environment {
 public:
  using FilterFunction = std::function<Value(const Value& input, CallArgs& args, Runtime& rt)>;
  using TestFunction = std::function<bool(const Value& input, CallArgs& args, Runtime& rt)>;
  // name -> source; nullopt when the template does not exist.
  using Loader = std::function<std::optional<std::string>(std::string_view name)>;
  // Called for names found nowhere else; nullopt leaves them Undefined.
  using UnknownNameResolver = std::function<std::optional<Value>(std::string_view name)>;

  Environment();
  ~Environment();
  Environment(const Environment&) = delete;
  Environment& operator=(const Environment&) = delete;

  // ---- configuration ----
  void set_global(std::string_view name, Value value);
  void set_function(std::string_view name, NativeFunction fn);
  void set_filter(std::string_view name, FilterFunction fn);
  void set_test(std::string_view name, TestFunction fn);
  void set_loader(Loader loader) { loader_ = std::move(loader); }
  void set_unknown_name_resolver(UnknownNameResolver r) { unknown_ = std::move(r); }
  // Accept dbt's {% test %}, {% materialization %} and {% docs %} tags (as macros).
  void set_dbt_tags(bool on) { dbt_tags_ = on; }
  Limits& limits() { return limits_; }
  const Limits& limits() const { return limits_; }

  // ---- compilation (cached by name + content hash) ----
  TemplatePtr from_string(std::string_view source, std::string_view name = "<template>");
  // Loads through the loader; throws Error(kTemplateNotFound).
  TemplatePtr get_template(std::string_view name);
  size_t cache_size() const { return cache_.size(); }
  void clear_cache() { cache_.clear(); }

  // ---- execution ----
  std::string render(const TemplatePtr& tmpl, const Context& context = {});
  std::string render(std::string_view source, const Context& context = {},
                     std::string_view name = "<template>");
  // Runs the template and returns its module: a host object whose attributes are the exported
  // macros and top-level variables; str() of it is the rendered text.
  Value module(const TemplatePtr& tmpl, const Context& context = {});
  // dbt's "native" rendering: when the whole template is one `{{ expression }}`, returns the
  // expression's value (a list stays a list); otherwise the rendered text as a string Value.
  Value render_value(const TemplatePtr& tmpl, const Context& context = {});
  // The exported names of a module (macros and top-level variables not starting with '_'), in
  // definition order, with their values; macros stay callable after the module is dropped.
  std::vector<std::pair<std::string, Value>> module_members(const Value& module);
  // Jinja2 attribute lookup from C++ (e.g. a macro of a module); Undefined when missing.
  Value getattr(const Value& obj, std::string_view name);
  // Calls a macro or other callable from C++.
  Value call(const Value& callee, std::vector<Value> positional = {},
             std::vector<std::pair<std::string, Value>> keyword = {});

  // ---- lookups used by the interpreter ----
  const Value* find_global(Sym name) const;
  const FilterFunction* find_filter(Sym name) const;
  const TestFunction* find_test(Sym name) const;
  bool has_custom_tests() const { return !tests_.empty(); }
  const UnknownNameResolver& unknown_name_resolver() const { return unknown_; }
  const Loader& loader() const { return loader_; }

 private:
  std::unordered_map<Sym, Value> globals_;
  std::unordered_map<Sym, FilterFunction> filters_;
  std::unordered_map<Sym, TestFunction> tests_;
  Loader loader_;
  UnknownNameResolver unknown_;
  bool dbt_tags_ = false;
  Limits limits_;
  struct CacheEntry {
    TemplatePtr tmpl;
  };
  std::unordered_map<size_t, std::vector<TemplatePtr>> cache_;
};

}  // namespace kiln::jinja
