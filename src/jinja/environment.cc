#include "jinja/environment.h"

#include "jinja/interpreter.h"
#include "jinja/parser.h"

namespace kiln::jinja {

Environment::Environment() = default;
Environment::~Environment() = default;

void Environment::set_global(std::string_view name, Value value) {
  globals_[intern(name)] = std::move(value);
}

void Environment::set_function(std::string_view name, NativeFunction fn) {
  set_global(name, Value::function(std::move(fn), std::string(name)));
}

void Environment::set_filter(std::string_view name, FilterFunction fn) {
  filters_[intern(name)] = std::move(fn);
}

void Environment::set_test(std::string_view name, TestFunction fn) {
  tests_[intern(name)] = std::move(fn);
}

const Value* Environment::find_global(Sym name) const {
  if (globals_.empty()) return nullptr;
  auto it = globals_.find(name);
  return it == globals_.end() ? nullptr : &it->second;
}

const Environment::FilterFunction* Environment::find_filter(Sym name) const {
  if (filters_.empty()) return nullptr;
  auto it = filters_.find(name);
  return it == filters_.end() ? nullptr : &it->second;
}

const Environment::TestFunction* Environment::find_test(Sym name) const {
  if (tests_.empty()) return nullptr;
  auto it = tests_.find(name);
  return it == tests_.end() ? nullptr : &it->second;
}

TemplatePtr Environment::from_string(std::string_view source, std::string_view name) {
  // FNV-1a over name and source; collisions are resolved by comparing the text.
  uint64_t h = 1469598103934665603ULL;
  auto mix = [&h](std::string_view s) {
    for (unsigned char c : s) {
      h ^= c;
      h *= 1099511628211ULL;
    }
    h ^= 0xff;
    h *= 1099511628211ULL;
  };
  mix(name);
  mix(source);
  auto& bucket = cache_[static_cast<size_t>(h)];
  for (const auto& t : bucket)
    if (t->source() == source && t->name() == name) return t;
  auto t = std::make_shared<Template>();
  t->name_ = std::string(name);
  t->source_ = std::string(source);
  ParseOptions opts;
  opts.max_depth = limits_.max_parse_depth;
  opts.dbt_tags = dbt_tags_;
  t->body_ = parse_template(t->source_, t->name_, t->arena_, opts);
  bucket.push_back(t);
  return t;
}

TemplatePtr Environment::get_template(std::string_view name) {
  if (!loader_) throw_error(ErrorKind::kTemplateNotFound, std::string(name));
  std::optional<std::string> src = loader_(name);
  if (!src) throw_error(ErrorKind::kTemplateNotFound, std::string(name));
  return from_string(*src, name);
}

namespace {

FramePtr context_frame(const Context& context) {
  auto f = std::make_shared<Frame>();
  f->vars.reserve(context.size());
  for (const auto& [k, v] : context) f->vars.emplace_back(intern(k), v);
  return f;
}

}  // namespace

std::string Environment::render(const TemplatePtr& tmpl, const Context& context) {
  Interp in(*this, tmpl);
  auto root = std::make_shared<Frame>();
  root->parent = context_frame(context);
  std::string out;
  out.reserve(tmpl->source().size() + 256);
  try {
    in.run_template(tmpl, root, out);
  } catch (MacroReturn&) {
    Error e(ErrorKind::kRuntime, "return() called outside of a macro");
    e.set_location(tmpl->name(), tmpl->source(), 1, 1);
    throw e;
  }
  return out;
}

std::string Environment::render(std::string_view source, const Context& context,
                                std::string_view name) {
  return render(from_string(source, name), context);
}

Value Environment::module(const TemplatePtr& tmpl, const Context& context) {
  Interp in(*this, tmpl);
  try {
    return in.make_module(tmpl, context_frame(context), nullptr);
  } catch (MacroReturn&) {
    Error e(ErrorKind::kRuntime, "return() called outside of a macro");
    e.set_location(tmpl->name(), tmpl->source(), 1, 1);
    throw e;
  }
}

Value Environment::render_value(const TemplatePtr& tmpl, const Context& context) {
  const Body& body = tmpl->body();
  if (body.size() == 1 && body[0]->kind == StmtKind::kOutput) {
    Interp in(*this, tmpl);
    auto root = std::make_shared<Frame>();
    root->parent = context_frame(context);
    Interp::TemplateScope ts(&in, tmpl.get());
    try {
      return in.eval(static_cast<const OutputStmt*>(body[0])->expr, root.get());
    } catch (MacroReturn&) {
      Error e(ErrorKind::kRuntime, "return() called outside of a macro");
      e.set_location(tmpl->name(), tmpl->source(), 1, 1);
      throw e;
    }
  }
  return Value(render(tmpl, context));
}

std::vector<std::pair<std::string, Value>> Environment::module_members(const Value& module) {
  std::vector<std::pair<std::string, Value>> out;
  if (!module.is_host()) return out;
  Interp in(*this, nullptr);
  auto names = module.as_host().iterate(in);
  if (!names) return out;
  for (const Value& n : *names) {
    if (auto v = module.as_host().get_attr(n.as_string(), in)) out.emplace_back(n.as_string(), *v);
  }
  return out;
}

Value Environment::getattr(const Value& obj, std::string_view name) {
  Interp in(*this, nullptr);
  return in.getattr(obj, name);
}

Value Environment::call(const Value& callee, std::vector<Value> positional,
                        std::vector<std::pair<std::string, Value>> keyword) {
  Interp in(*this, nullptr);
  CallArgs args;
  args.positional = std::move(positional);
  args.keyword = std::move(keyword);
  try {
    return in.call(callee, args);
  } catch (MacroReturn& r) {
    return std::move(r.value);
  } catch (const Error&) {
    throw;
  } catch (const std::exception& ex) {
    // A native callee called directly (no template location to attach).
    throw Error(ErrorKind::kHost, ex.what());
  }
}

}  // namespace kiln::jinja
