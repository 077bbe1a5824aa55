// Jinja2's default globals: range, dict, namespace, cycler, joiner.
#include <unordered_map>

#include "jinja/error.h"
#include "jinja/interpreter.h"

namespace kiln::jinja {

namespace {

class NamespaceObject final : public HostObject {
 public:
  std::string_view type_name() const override { return "Namespace"; }
  std::optional<Value> get_attr(std::string_view name, Runtime&) override {
    if (const Value* v = attrs.find(name)) return *v;
    return std::nullopt;
  }
  std::optional<Value> get_item(const Value& key, Runtime&) override {
    if (!key.is_string()) return std::nullopt;
    if (const Value* v = attrs.find(std::string_view(key.as_string()))) return *v;
    return std::nullopt;
  }
  bool set_attr(std::string_view name, Value value) override {
    attrs.set(Value(name), std::move(value));
    return true;
  }
  std::string str() const override { return repr(); }
  std::string repr() const override {
    std::string out = "<Namespace {";
    bool first = true;
    for (const auto& [k, v] : attrs.entries) {
      if (!first) out += ", ";
      first = false;
      out += k.repr() + ": " + v.repr();
    }
    return out + "}>";
  }
  DictObject attrs;
};

class CyclerObject final : public HostObject {
 public:
  std::string_view type_name() const override { return "Cycler"; }
  std::optional<Value> get_attr(std::string_view name, Runtime&) override {
    if (name == "current") return items[pos];
    return std::nullopt;
  }
  std::optional<Value> call_method(std::string_view name, CallArgs&, Runtime&) override {
    if (name == "next") {
      Value v = items[pos];
      pos = (pos + 1) % items.size();
      return v;
    }
    if (name == "reset") {
      pos = 0;
      return Value::none();
    }
    return std::nullopt;
  }
  std::vector<Value> items;
  size_t pos = 0;
};

class JoinerObject final : public HostObject {
 public:
  std::string_view type_name() const override { return "Joiner"; }
  bool is_callable() const override { return true; }
  Value call(CallArgs&, Runtime&) override {
    if (!used) {
      used = true;
      return Value("");
    }
    return Value(sep);
  }
  std::string sep;
  bool used = false;
};

int64_t range_arg(const Value& v) {
  if (v.is_int() || v.is_bool()) return v.as_int();
  if (v.is_undefined()) raise_undefined(v);
  throw_error(ErrorKind::kType,
              "'" + std::string(v.type_name()) + "' object cannot be interpreted as an integer");
}

Value g_range(CallArgs& a, Runtime& rt) {
  if (!a.keyword.empty()) throw_error(ErrorKind::kType, "range() takes no keyword arguments");
  int64_t start = 0, stop = 0, step = 1;
  switch (a.positional.size()) {
    case 1:
      stop = range_arg(a.positional[0]);
      break;
    case 2:
      start = range_arg(a.positional[0]);
      stop = range_arg(a.positional[1]);
      break;
    case 3:
      start = range_arg(a.positional[0]);
      stop = range_arg(a.positional[1]);
      step = range_arg(a.positional[2]);
      break;
    default:
      throw_error(ErrorKind::kType,
                  "range expected at most 3 arguments, got " + std::to_string(a.positional.size()));
  }
  if (step == 0) throw_error(ErrorKind::kValue, "range() arg 3 must not be zero");
  __int128 n = 0;
  if (step > 0 && stop > start) n = ((__int128)stop - start + step - 1) / step;
  if (step < 0 && stop < start) n = ((__int128)start - stop - step - 1) / (-(__int128)step);
  int64_t limit = rt.environment().limits().max_range;
  if (n > limit)
    throw_error(ErrorKind::kOverflow,
                "Range too big. The sandbox blocks ranges larger than MAX_RANGE (" +
                    std::to_string(limit) + ").");
  std::vector<Value> out;
  out.reserve(static_cast<size_t>(n));
  for (int64_t i = 0; i < static_cast<int64_t>(n); ++i) out.emplace_back(start + i * step);
  return Value::list(std::move(out));
}

Value g_dict(CallArgs& a, Runtime& rt) {
  Value d = Value::dict();
  if (!a.positional.empty()) {
    const Value& src = a.positional[0];
    if (src.is_dict()) {
      for (const auto& [k, v] : src.as_dict().entries) d.as_dict().set(k, v);
    } else {
      auto& in = static_cast<Interp&>(rt);
      for (const auto& pair : in.iterate(src)) {
        auto kv = in.iterate(pair);
        if (kv.size() != 2)
          throw_error(ErrorKind::kValue, "dictionary update sequence element has wrong length");
        d.as_dict().set(kv[0], kv[1]);
      }
    }
  }
  for (const auto& [k, v] : a.keyword) d.as_dict().set(Value(k), v);
  return d;
}

Value g_namespace(CallArgs& a, Runtime&) {
  auto ns = std::make_shared<NamespaceObject>();
  for (const auto& p : a.positional) {
    if (p.is_dict()) {
      for (const auto& [k, v] : p.as_dict().entries) ns->attrs.set(k, v);
    } else if (p.is_host()) {
      if (auto* other = dynamic_cast<NamespaceObject*>(&p.as_host()))
        for (const auto& [k, v] : other->attrs.entries) ns->attrs.set(k, v);
    }
  }
  for (const auto& [k, v] : a.keyword) ns->attrs.set(Value(k), v);
  return Value::host(std::move(ns));
}

Value g_cycler(CallArgs& a, Runtime&) {
  if (a.positional.empty())
    throw_error(ErrorKind::kRuntime, "at least one item has to be provided");
  auto c = std::make_shared<CyclerObject>();
  c->items = a.positional;
  return Value::host(std::move(c));
}

Value g_joiner(CallArgs& a, Runtime&) {
  auto j = std::make_shared<JoinerObject>();
  j->sep = a.get(0, "sep", Value(", ")).str();
  return Value::host(std::move(j));
}

}  // namespace

Value find_builtin_global(Sym name) {
  static const std::unordered_map<Sym, Value>* table = [] {
    auto* t = new std::unordered_map<Sym, Value>;
    (*t)[intern("range")] = Value::function(g_range, "range");
    (*t)[intern("dict")] = Value::function(g_dict, "dict");
    (*t)[intern("namespace")] = Value::function(g_namespace, "namespace");
    (*t)[intern("cycler")] = Value::function(g_cycler, "cycler");
    (*t)[intern("joiner")] = Value::function(g_joiner, "joiner");
    return t;
  }();
  auto it = table->find(name);
  return it == table->end() ? Value() : it->second;
}

}  // namespace kiln::jinja
