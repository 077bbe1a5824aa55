#include "jinja/value.h"

#include <charconv>
#include <cmath>
#include <cstring>

#include "jinja/error.h"

namespace kiln::jinja {

namespace {

class FunctionObject final : public Callable {
 public:
  FunctionObject(NativeFunction fn, std::string name)
      : fn_(std::move(fn)), name_(std::move(name)) {}
  Value call(CallArgs& args, Runtime& rt) override { return fn_(args, rt); }
  std::string_view name() const override { return name_; }

 private:
  NativeFunction fn_;
  std::string name_;
};

const std::string& empty_string() {
  static const std::string s;
  return s;
}

size_t mix(size_t h, size_t v) {
  return h ^ (v + 0x9e3779b97f4a7c15ULL + (h << 6) + (h >> 2));
}

}  // namespace

ListObject::ListObject(std::vector<Value> v) : items(std::move(v)) {}

namespace {

// Destroying a deeply nested container would recurse once per level and can overflow the stack
// (a template can build `[[[[...]]]]` 100000 levels deep). Nested destructions hand their child
// containers to the outermost one, which releases them in a loop.
thread_local std::vector<Value>* g_pending = nullptr;

// Anything that may own further Values (containers, host objects such as namespaces, macros).
bool is_container(const Value& v) {
  return v.identity() != nullptr && !v.is_string();
}

template <typename Release>
void release_flat(Release release_children) {
  if (g_pending) {
    release_children(*g_pending);
    return;
  }
  std::vector<Value> pending;
  g_pending = &pending;
  release_children(pending);
  while (!pending.empty()) {
    Value v = std::move(pending.back());
    pending.pop_back();
    v = Value();  // may run nested destructors, which append to `pending`
  }
  g_pending = nullptr;
}

}  // namespace

ListObject::~ListObject() {
  release_flat([this](std::vector<Value>& pending) {
    for (auto& v : items)
      if (is_container(v)) pending.push_back(std::move(v));
    items.clear();
  });
}

DictObject::~DictObject() {
  release_flat([this](std::vector<Value>& pending) {
    for (auto& [k, v] : entries) {
      if (is_container(k)) pending.push_back(std::move(k));
      if (is_container(v)) pending.push_back(std::move(v));
    }
    entries.clear();
  });
}

// ---- Value construction ----

Value::Value(std::string s) : kind_(Kind::kString) {
  i_ = 0;
  obj_ = std::make_shared<StringObject>(std::move(s));
}

Value Value::undefined(std::string hint) {
  Value v;
  if (!hint.empty()) v.obj_ = std::make_shared<StringObject>(std::move(hint));
  return v;
}

Value Value::markup(std::string s) {
  Value v(std::move(s));
  v.safe_ = true;
  return v;
}

Value Value::list(std::vector<Value> items) {
  Value v;
  v.kind_ = Kind::kList;
  v.obj_ = std::make_shared<ListObject>(std::move(items));
  return v;
}

Value Value::tuple(std::vector<Value> items) {
  Value v;
  v.kind_ = Kind::kTuple;
  v.obj_ = std::make_shared<ListObject>(std::move(items));
  return v;
}

Value Value::dict() {
  return dict(std::make_shared<DictObject>());
}

Value Value::dict(std::shared_ptr<DictObject> d) {
  Value v;
  v.kind_ = Kind::kDict;
  v.obj_ = std::move(d);
  return v;
}

Value Value::function(NativeFunction fn, std::string name) {
  return callable(std::make_shared<FunctionObject>(std::move(fn), std::move(name)));
}

Value Value::callable(std::shared_ptr<Callable> c, Kind kind) {
  Value v;
  v.kind_ = kind;
  v.obj_ = std::move(c);
  return v;
}

Value Value::host(std::shared_ptr<HostObject> h) {
  Value v;
  v.kind_ = Kind::kHost;
  v.obj_ = std::move(h);
  return v;
}

const std::string& Value::as_string() const {
  if (kind_ != Kind::kString) return empty_string();
  return static_cast<StringObject*>(obj_.get())->str;
}

std::string Value::undefined_hint() const {
  if (kind_ != Kind::kUndefined || !obj_) return {};
  return static_cast<StringObject*>(obj_.get())->str;
}

bool Value::is_callable() const {
  return kind_ == Kind::kMacro || kind_ == Kind::kFunction ||
         (kind_ == Kind::kHost && as_host().is_callable());
}

bool Value::truthy() const {
  switch (kind_) {
    case Kind::kUndefined:
    case Kind::kNone:
      return false;
    case Kind::kBool:
      return b_;
    case Kind::kInt:
      return i_ != 0;
    case Kind::kFloat:
      return f_ != 0.0;
    case Kind::kString:
      return !as_string().empty();
    case Kind::kList:
    case Kind::kTuple:
      return !as_list().items.empty();
    case Kind::kDict:
      return as_dict().size() != 0;
    case Kind::kMacro:
    case Kind::kFunction:
      return true;
    case Kind::kHost:
      return as_host().truthy();
  }
  return false;
}

std::string_view Value::type_name() const {
  switch (kind_) {
    case Kind::kUndefined:
      return "Undefined";
    case Kind::kNone:
      return "NoneType";
    case Kind::kBool:
      return "bool";
    case Kind::kInt:
      return "int";
    case Kind::kFloat:
      return "float";
    case Kind::kString:
      return safe_ ? "Markup" : "str";
    case Kind::kList:
      return "list";
    case Kind::kTuple:
      return "tuple";
    case Kind::kDict:
      return "dict";
    case Kind::kMacro:
      return "Macro";
    case Kind::kFunction:
      return "function";
    case Kind::kHost:
      return as_host().type_name();
  }
  return "object";
}

// ---- str / repr ----

std::string py_float_repr(double d) {
  if (std::isnan(d)) return "nan";
  if (std::isinf(d)) return d > 0 ? "inf" : "-inf";
  if (d == 0) return std::signbit(d) ? "-0.0" : "0.0";
  char buf[64];
  // Shortest round-trip digits in scientific form, then laid out the way Python's repr does.
  auto res = std::to_chars(buf, buf + sizeof buf, d, std::chars_format::scientific);
  std::string sci(buf, res.ptr);
  bool neg = sci[0] == '-';
  if (neg) sci.erase(0, 1);
  size_t epos = sci.find('e');
  std::string mant = sci.substr(0, epos);
  int exp = std::atoi(sci.c_str() + epos + 1);
  std::string digits;
  for (char c : mant)
    if (c != '.') digits += c;
  std::string out = neg ? "-" : "";
  if (exp < -4 || exp >= 16) {
    out += digits[0];
    if (digits.size() > 1) {
      out += '.';
      out += digits.substr(1);
    }
    char eb[16];
    std::snprintf(eb, sizeof eb, "e%c%02d", exp < 0 ? '-' : '+', exp < 0 ? -exp : exp);
    out += eb;
    return out;
  }
  if (exp < 0) {
    out += "0.";
    out.append(static_cast<size_t>(-exp - 1), '0');
    out += digits;
    return out;
  }
  size_t int_len = static_cast<size_t>(exp) + 1;
  if (digits.size() <= int_len) {
    out += digits;
    out.append(int_len - digits.size(), '0');
    out += ".0";
  } else {
    out += digits.substr(0, int_len);
    out += '.';
    out += digits.substr(int_len);
  }
  return out;
}

std::string py_repr_string(std::string_view s) {
  bool has_single = s.find('\'') != std::string_view::npos;
  bool has_double = s.find('"') != std::string_view::npos;
  char quote = (has_single && !has_double) ? '"' : '\'';
  std::string out;
  out.reserve(s.size() + 2);
  out += quote;
  for (unsigned char c : s) {
    switch (c) {
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (c == static_cast<unsigned char>(quote)) {
          out += '\\';
          out += static_cast<char>(c);
        } else if (c < 0x20 || c == 0x7f) {
          char b[8];
          std::snprintf(b, sizeof b, "\\x%02x", c);
          out += b;
        } else {
          out += static_cast<char>(c);
        }
    }
  }
  out += quote;
  return out;
}

namespace {

void append_repr(const Value& v, std::string& out, int depth);

void append_seq_repr(const Value& v, std::string& out, int depth) {
  const auto& items = v.as_list().items;
  bool tuple = v.is_tuple();
  out += tuple ? '(' : '[';
  for (size_t i = 0; i < items.size(); ++i) {
    if (i) out += ", ";
    append_repr(items[i], out, depth + 1);
  }
  if (tuple && items.size() == 1) out += ',';
  out += tuple ? ')' : ']';
}

// Containers currently being printed, so self-referencing containers print as [...] like Python.
thread_local std::vector<const Object*> g_repr_stack;

struct ReprGuard {
  explicit ReprGuard(const Object* o) { g_repr_stack.push_back(o); }
  ~ReprGuard() { g_repr_stack.pop_back(); }
};

bool in_repr(const Object* o) {
  for (const Object* p : g_repr_stack)
    if (p == o) return true;
  return false;
}

void append_repr(const Value& v, std::string& out, int depth) {
  if (depth > 500) {
    out += "...";
    return;
  }
  if ((v.is_sequence() || v.is_dict()) && in_repr(v.identity())) {
    out += v.is_list() ? "[...]" : v.is_dict() ? "{...}" : "(...)";
    return;
  }
  ReprGuard guard(v.identity());
  switch (v.kind()) {
    case Kind::kString:
      if (v.is_safe()) {
        out += "Markup(";
        out += py_repr_string(v.as_string());
        out += ')';
      } else {
        out += py_repr_string(v.as_string());
      }
      return;
    case Kind::kList:
    case Kind::kTuple:
      append_seq_repr(v, out, depth);
      return;
    case Kind::kDict: {
      out += '{';
      bool first = true;
      for (const auto& [k, val] : v.as_dict().entries) {
        if (!first) out += ", ";
        first = false;
        append_repr(k, out, depth + 1);
        out += ": ";
        append_repr(val, out, depth + 1);
      }
      out += '}';
      return;
    }
    case Kind::kHost:
      out += v.as_host().repr();
      return;
    case Kind::kUndefined:
      out += "Undefined";
      return;
    default:
      v.append_str(out);
  }
}

}  // namespace

void Value::append_str(std::string& out) const {
  switch (kind_) {
    case Kind::kUndefined:
      return;
    case Kind::kNone:
      out += "None";
      return;
    case Kind::kBool:
      out += b_ ? "True" : "False";
      return;
    case Kind::kInt: {
      char buf[24];
      auto r = std::to_chars(buf, buf + sizeof buf, i_);
      out.append(buf, r.ptr);
      return;
    }
    case Kind::kFloat:
      out += py_float_repr(f_);
      return;
    case Kind::kString:
      out += as_string();
      return;
    case Kind::kList:
    case Kind::kTuple:
    case Kind::kDict:
      append_repr(*this, out, 0);
      return;
    case Kind::kMacro:
      out += "<Macro '";
      out += as_callable().name();
      out += "'>";
      return;
    case Kind::kFunction:
      out += "<function ";
      out += as_callable().name();
      out += ">";
      return;
    case Kind::kHost:
      out += as_host().str();
      return;
  }
}

std::string Value::str() const {
  if (kind_ == Kind::kString) return as_string();
  std::string out;
  append_str(out);
  return out;
}

std::string Value::repr() const {
  std::string out;
  if (kind_ == Kind::kUndefined) return "Undefined";
  append_repr(*this, out, 0);
  return out;
}

// ---- equality / hashing ----

namespace {
// Comparing containers that contain each other would recurse forever; Python raises
// RecursionError, kiln a TemplateRuntimeError.
thread_local int g_compare_depth = 0;
struct CompareDepth {
  CompareDepth() {
    if (++g_compare_depth > 1000) {
      g_compare_depth = 0;
      throw_error(ErrorKind::kRuntime, "maximum recursion depth exceeded in comparison");
    }
  }
  ~CompareDepth() {
    if (g_compare_depth > 0) --g_compare_depth;
  }
};
}  // namespace

bool Value::equals(const Value& o) const {
  if (is_number() && o.is_number()) {
    if (kind_ == Kind::kFloat || o.kind_ == Kind::kFloat) return as_float() == o.as_float();
    return as_int() == o.as_int();
  }
  switch (kind_) {
    case Kind::kUndefined:
      return o.kind_ == Kind::kUndefined;
    case Kind::kNone:
      return o.kind_ == Kind::kNone;
    case Kind::kString:
      return o.kind_ == Kind::kString && as_string() == o.as_string();
    case Kind::kList:
    case Kind::kTuple: {
      if (o.kind_ != kind_) return false;
      const auto& a = as_list().items;
      const auto& b = o.as_list().items;
      if (&a == &b) return true;
      if (a.size() != b.size()) return false;
      CompareDepth depth;
      for (size_t i = 0; i < a.size(); ++i)
        if (!a[i].equals(b[i])) return false;
      return true;
    }
    case Kind::kDict: {
      if (o.kind_ != Kind::kDict) return false;
      const auto& a = as_dict();
      const auto& b = o.as_dict();
      if (&a == &b) return true;
      if (a.size() != b.size()) return false;
      CompareDepth depth;
      for (const auto& [k, v] : a.entries) {
        const Value* ov = b.find(k);
        if (!ov || !v.equals(*ov)) return false;
      }
      return true;
    }
    case Kind::kHost:
      return o.kind_ == Kind::kHost && as_host().equals(o.as_host());
    default:
      return o.kind_ == kind_ && obj_ == o.obj_;
  }
}

bool Value::hashable() const {
  switch (kind_) {
    case Kind::kList:
    case Kind::kDict:
      return false;
    case Kind::kTuple:
      for (const auto& v : as_list().items)
        if (!v.hashable()) return false;
      return true;
    default:
      return true;
  }
}

size_t Value::hash() const {
  switch (kind_) {
    case Kind::kUndefined:
      return 0x1234;
    case Kind::kNone:
      return 0x5678;
    case Kind::kBool:
    case Kind::kInt:
      return std::hash<int64_t>()(as_int());
    case Kind::kFloat: {
      double d = f_;
      if (std::floor(d) == d && std::fabs(d) < 9.2e18)
        return std::hash<int64_t>()(static_cast<int64_t>(d));
      return std::hash<double>()(d);
    }
    case Kind::kString:
      return std::hash<std::string_view>()(as_string());
    case Kind::kTuple: {
      size_t h = 0x345678;
      for (const auto& v : as_list().items) h = mix(h, v.hash());
      return h;
    }
    case Kind::kList:
    case Kind::kDict:
      throw_error(ErrorKind::kType, "unhashable type: '" + std::string(type_name()) + "'");
    default:
      return std::hash<const void*>()(obj_.get());
  }
}

Value& Value::push_back(Value v) {
  as_list().items.push_back(std::move(v));
  return as_list().items.back();
}

Value& Value::set(std::string_view key, Value v) {
  as_dict().set(Value(key), std::move(v));
  return *this;
}

Value Value::get(std::string_view key) const {
  if (kind_ != Kind::kDict) return Value();
  const Value* v = as_dict().find(key);
  return v ? *v : Value();
}

// ---- DictObject ----

namespace {
constexpr size_t kIndexThreshold = 8;
}

void DictObject::rebuild_index() const {
  size_t n = 16;
  while (n < entries.size() * 2) n <<= 1;
  buckets_.assign(n, {});
  for (uint32_t i = 0; i < entries.size(); ++i)
    buckets_[entries[i].first.hash() & (n - 1)].push_back(i);
  index_valid_ = true;
}

std::ptrdiff_t DictObject::index_of(const Value& key) const {
  if (entries.size() <= kIndexThreshold) {
    for (size_t i = 0; i < entries.size(); ++i)
      if (entries[i].first.equals(key)) return static_cast<std::ptrdiff_t>(i);
    if (!key.hashable()) key.hash();  // raise unhashable
    return -1;
  }
  if (!index_valid_) rebuild_index();
  const auto& bucket = buckets_[key.hash() & (buckets_.size() - 1)];
  for (uint32_t i : bucket)
    if (entries[i].first.equals(key)) return i;
  return -1;
}

Value* DictObject::find(const Value& key) {
  auto i = index_of(key);
  return i < 0 ? nullptr : &entries[static_cast<size_t>(i)].second;
}

const Value* DictObject::find(const Value& key) const {
  auto i = index_of(key);
  return i < 0 ? nullptr : &entries[static_cast<size_t>(i)].second;
}

const Value* DictObject::find(std::string_view key) const {
  if (entries.size() <= kIndexThreshold) {
    for (const auto& e : entries)
      if (e.first.is_string() && e.first.as_string() == key) return &e.second;
    return nullptr;
  }
  return find(Value(key));
}

Value* DictObject::find(std::string_view key) {
  return const_cast<Value*>(static_cast<const DictObject*>(this)->find(key));
}

void DictObject::set(Value key, Value value) {
  auto i = index_of(key);
  if (i >= 0) {
    entries[static_cast<size_t>(i)].second = std::move(value);
    return;
  }
  key.hash();  // reject unhashable keys
  entries.emplace_back(std::move(key), std::move(value));
  if (index_valid_) {
    if (entries.size() * 2 > buckets_.size()) {
      index_valid_ = false;
    } else {
      buckets_[entries.back().first.hash() & (buckets_.size() - 1)].push_back(
          static_cast<uint32_t>(entries.size() - 1));
    }
  }
}

bool DictObject::erase(const Value& key) {
  auto i = index_of(key);
  if (i < 0) return false;
  entries.erase(entries.begin() + i);
  index_valid_ = false;
  return true;
}

void DictObject::clear() {
  entries.clear();
  index_valid_ = false;
}

// ---- HostObject defaults ----

std::optional<Value> HostObject::get_attr(std::string_view, Runtime&) {
  return std::nullopt;
}
std::optional<Value> HostObject::get_item(const Value&, Runtime&) {
  return std::nullopt;
}
std::optional<Value> HostObject::call_method(std::string_view, CallArgs&, Runtime&) {
  return std::nullopt;
}
bool HostObject::set_attr(std::string_view, Value) {
  return false;
}
Value HostObject::call(CallArgs&, Runtime&) {
  throw_error(ErrorKind::kType, "'" + std::string(type_name()) + "' object is not callable");
}
std::optional<std::vector<Value>> HostObject::iterate(Runtime&) {
  return std::nullopt;
}
std::string HostObject::str() const {
  return "<" + std::string(type_name()) + " object>";
}

// ---- CallArgs ----

const Value* CallArgs::kwarg(std::string_view name) const {
  for (const auto& [k, v] : keyword)
    if (k == name) return &v;
  return nullptr;
}

const Value* CallArgs::find(size_t i, std::string_view name) const {
  if (i < positional.size()) return &positional[i];
  return kwarg(name);
}

Value CallArgs::get(size_t i, std::string_view name, Value fallback) const {
  const Value* v = find(i, name);
  return v ? *v : fallback;
}

}  // namespace kiln::jinja
