// Jinja2's builtin filters (no autoescape, so results are plain strings unless marked safe).
#include <algorithm>
#include <cmath>
#include <optional>
#include <random>
#include <unordered_map>

#include "jinja/error.h"
#include "jinja/interpreter.h"

namespace kiln::jinja {

namespace {

thread_local std::vector<const Object*> g_visiting;

// Marks a container as being printed/serialized; `cyclic` is set when it already is (a container
// that contains itself), or when nesting is too deep.
struct Visit {
  explicit Visit(const Value& v) : obj(v.identity()) {
    for (const Object* o : g_visiting)
      if (o == obj) cyclic = true;
    if (g_visiting.size() > 500) cyclic = true;
    if (!cyclic) g_visiting.push_back(obj);
  }
  ~Visit() {
    if (!cyclic) g_visiting.pop_back();
  }
  const Object* obj;
  bool cyclic = false;
};

bool py_isspace(unsigned char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f' ||
         (c >= 0x1c && c <= 0x1f);
}

std::string lower_ascii(std::string s) {
  for (auto& c : s) c = static_cast<char>(ascii_lower(c));
  return s;
}

// Jinja2's soft_str: Undefined -> "", strings unchanged, everything else str().
std::string soft_str(const Value& v) {
  return v.str();
}

Value keep_safe(const Value& input, std::string s) {
  return input.is_safe() ? Value::markup(std::move(s)) : Value(std::move(s));
}

int64_t int_param(const CallArgs& a, size_t i, std::string_view name, int64_t def) {
  const Value* v = a.find(i, name);
  if (!v || v->is_none()) return def;
  if (v->is_int() || v->is_bool()) return v->as_int();
  if (v->is_float()) return static_cast<int64_t>(v->as_float());
  if (v->is_undefined()) raise_undefined(*v);
  throw_error(ErrorKind::kType,
              "'" + std::string(v->type_name()) + "' object cannot be interpreted as an integer");
}

bool bool_param(const CallArgs& a, size_t i, std::string_view name, bool def) {
  const Value* v = a.find(i, name);
  return v ? v->truthy() : def;
}

// Jinja2's make_attrgetter: "a.b.0" walks getitem per dotted part, digits become ints.
struct AttrGetter {
  std::vector<Value> parts;
  Value default_value;
  bool has_default = false;
  bool lower = false;

  Value operator()(Interp& in, const Value& item) const {
    // Walks in place through dicts (the common `attribute='name'` case); only other lookups
    // materialize intermediate values.
    const Value* cur = &item;
    Value holder;
    for (const auto& p : parts) {
      if (cur->is_dict() && p.is_string()) {
        if (const Value* found = cur->as_dict().find(std::string_view(p.as_string()))) {
          cur = found;
          continue;
        }
      }
      Value next = in.getitem(*cur, p);
      holder = std::move(next);
      cur = &holder;
      if (cur->is_undefined() && has_default) return default_value;
    }
    if (lower && cur->is_string()) return Value(lower_ascii(cur->as_string()));
    return *cur;
  }
};

AttrGetter make_attrgetter(const Value& attribute, bool lower = false,
                           const Value* default_value = nullptr) {
  AttrGetter g;
  g.lower = lower;
  if (default_value) {
    g.default_value = *default_value;
    g.has_default = true;
  }
  if (attribute.is_string()) {
    const std::string& s = attribute.as_string();
    size_t start = 0;
    while (true) {
      size_t dot = s.find('.', start);
      std::string part =
          s.substr(start, dot == std::string::npos ? std::string::npos : dot - start);
      if (!part.empty() && std::all_of(part.begin(), part.end(), [](char c) {
            return std::isdigit(static_cast<unsigned char>(c));
          })) {
        g.parts.emplace_back(static_cast<int64_t>(std::stoll(part.substr(0, 18))));
      } else {
        g.parts.emplace_back(part);
      }
      if (dot == std::string::npos) break;
      start = dot + 1;
    }
  } else if (!attribute.is_none() && !attribute.is_undefined()) {
    g.parts.push_back(attribute);
  }
  return g;
}

Value ignore_case(const Value& v) {
  return v.is_string() ? Value(lower_ascii(v.as_string())) : v;
}

// ---- filters ----

Value f_abs(Interp&, const Value& v, CallArgs&) {
  if (v.is_int() || v.is_bool()) {
    if (v.as_int() == INT64_MIN) throw_error(ErrorKind::kOverflow, "integer overflow");
    return Value(v.as_int() < 0 ? -v.as_int() : v.as_int());
  }
  if (v.is_float()) return Value(std::fabs(v.as_float()));
  if (v.is_undefined()) raise_undefined(v);
  throw_error(ErrorKind::kType, "bad operand type for abs(): '" + std::string(v.type_name()) + "'");
}

Value f_attr(Interp& in, const Value& v, CallArgs& a) {
  // Python getattr only: no fallback to item lookup.
  std::string name = a.get(0, "name").str();
  switch (v.kind()) {
    case Kind::kHost:
    case Kind::kMacro:
    case Kind::kUndefined:
      return in.getattr(v, name);
    case Kind::kDict:
    case Kind::kList:
    case Kind::kTuple:
    case Kind::kString:
      if (has_builtin_method(v, name)) return in.getattr(v, name);
      break;
    default:
      break;
  }
  return Value::undefined("'" + std::string(v.type_name()) + " object' has no attribute '" + name +
                          "'");
}

Value f_batch(Interp& in, const Value& v, CallArgs& a) {
  int64_t n = int_param(a, 0, "linecount", 1);
  const Value* fill = a.find(1, "fill_with");
  if (fill && !fill->is_none() && n > in.limits().max_range)
    throw_error(ErrorKind::kRuntime, "batch size too large");
  std::vector<Value> out, tmp;
  for (auto& item : in.iterate(v)) {
    if (static_cast<int64_t>(tmp.size()) == n) {
      out.push_back(Value::list(std::move(tmp)));
      tmp.clear();
    }
    tmp.push_back(std::move(item));
  }
  if (!tmp.empty()) {
    if (fill && !fill->is_none())
      while (static_cast<int64_t>(tmp.size()) < n) tmp.push_back(*fill);
    out.push_back(Value::list(std::move(tmp)));
  }
  return Value::list(std::move(out));
}

Value f_capitalize(Interp& in, const Value& v, CallArgs&) {
  CallArgs none;
  return *call_builtin_method(in, Value(soft_str(v)), "capitalize", none);
}

Value f_center(Interp& in, const Value& v, CallArgs& a) {
  CallArgs args;
  args.positional.emplace_back(int_param(a, 0, "width", 80));
  return *call_builtin_method(in, Value(soft_str(v)), "center", args);
}

Value f_default(Interp&, const Value& v, CallArgs& a) {
  bool boolean = bool_param(a, 1, "boolean", false);
  if (v.is_undefined() || (boolean && !v.truthy())) return a.get(0, "default_value", Value(""));
  return v;
}

Value f_dictsort(Interp&, const Value& v, CallArgs& a) {
  bool cs = bool_param(a, 0, "case_sensitive", false);
  std::string by = a.get(1, "by", Value("key")).str();
  bool reverse = bool_param(a, 2, "reverse", false);
  int pos;
  if (by == "key") {
    pos = 0;
  } else if (by == "value") {
    pos = 1;
  } else {
    throw_error(ErrorKind::kFilterArgument, "You can only sort by either \"key\" or \"value\"");
  }
  if (!v.is_dict()) {
    if (v.is_undefined()) raise_undefined(v);
    throw_error(ErrorKind::kAttribute,
                "'" + std::string(v.type_name()) + "' object has no attribute 'items'");
  }
  std::vector<Value> items;
  for (const auto& [k, val] : v.as_dict().entries) items.push_back(Value::tuple({k, val}));
  std::stable_sort(items.begin(), items.end(), [&](const Value& x, const Value& y) {
    Value kx = x.as_list().items[static_cast<size_t>(pos)];
    Value ky = y.as_list().items[static_cast<size_t>(pos)];
    if (!cs) {
      kx = ignore_case(kx);
      ky = ignore_case(ky);
    }
    return reverse ? py_less(ky, kx) : py_less(kx, ky);
  });
  return Value::list(std::move(items));
}

Value f_escape(Interp&, const Value& v, CallArgs&) {
  if (v.is_safe()) return v;
  return Value::markup(html_escape(soft_str(v)));
}

Value f_forceescape(Interp&, const Value& v, CallArgs&) {
  return Value::markup(html_escape(soft_str(v)));
}

Value f_filesizeformat(Interp&, const Value& v, CallArgs& a) {
  bool binary = bool_param(a, 0, "binary", false);
  double bytes = v.is_string() ? parse_py_float(v.as_string()).value_or(0) : v.as_float();
  if (!v.is_number() && !v.is_string())
    throw_error(ErrorKind::kType, "float() argument must be a string or a number");
  double base = binary ? 1024 : 1000;
  static const char* kDec[] = {"kB", "MB", "GB", "TB", "PB", "EB", "ZB", "YB"};
  static const char* kBin[] = {"KiB", "MiB", "GiB", "TiB", "PiB", "EiB", "ZiB", "YiB"};
  if (bytes == 1) return Value("1 Byte");
  if (bytes < base) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%d Bytes", static_cast<int>(bytes));
    return Value(buf);
  }
  std::string out;
  for (int i = 0; i < 8; ++i) {
    double unit = std::pow(base, i + 2);
    if (bytes < unit || i == 7) {
      char buf[64];
      std::snprintf(buf, sizeof buf, "%.1f %s", base * bytes / unit, binary ? kBin[i] : kDec[i]);
      return Value(buf);
    }
  }
  return Value(out);
}

Value f_first(Interp& in, const Value& v, CallArgs&) {
  if (v.is_sequence()) {
    if (v.as_list().items.empty()) return Value::undefined("No first item, sequence was empty.");
    return v.as_list().items.front();
  }
  auto items = in.iterate(v);
  if (items.empty()) return Value::undefined("No first item, sequence was empty.");
  return items.front();
}

Value f_last(Interp& in, const Value& v, CallArgs&) {
  auto items = in.iterate(v);
  if (items.empty()) return Value::undefined("No last item, sequence was empty.");
  return items.back();
}

Value f_float(Interp&, const Value& v, CallArgs& a) {
  Value def = a.get(0, "default", Value(0.0));
  if (v.is_number()) return Value(v.as_float());
  if (v.is_string()) {
    if (auto d = parse_py_float(v.as_string())) return Value(*d);
  }
  return def;
}

Value f_format(Interp&, const Value& v, CallArgs& a) {
  if (!a.positional.empty() && !a.keyword.empty())
    throw_error(ErrorKind::kFilterArgument,
                "can't handle positional and keyword arguments at the same time");
  Value args;
  if (!a.keyword.empty()) {
    args = Value::dict();
    for (const auto& [k, val] : a.keyword) args.as_dict().set(Value(k), val);
  } else {
    args = Value::tuple(a.positional);
  }
  return Value(py_percent_format(soft_str(v), args));
}

// groupby results print as tuples but also expose .grouper and .list.
class GroupTuple final : public HostObject {
 public:
  GroupTuple(Value g, Value l) : grouper(std::move(g)), list(std::move(l)) {}
  std::string_view type_name() const override { return "_GroupTuple"; }
  std::optional<Value> get_attr(std::string_view name, Runtime&) override {
    if (name == "grouper") return grouper;
    if (name == "list") return list;
    return std::nullopt;
  }
  std::optional<Value> get_item(const Value& key, Runtime&) override {
    if (key.is_int() || key.is_bool()) {
      int64_t i = key.as_int();
      if (i == 0 || i == -2) return grouper;
      if (i == 1 || i == -1) return list;
    }
    return std::nullopt;
  }
  std::optional<std::vector<Value>> iterate(Runtime&) override {
    return std::vector<Value>{grouper, list};
  }
  std::optional<int64_t> length() const override { return 2; }
  std::string str() const override { return repr(); }
  std::string repr() const override { return Value::tuple({grouper, list}).repr(); }
  bool equals(const HostObject& o) const override {
    auto* g = dynamic_cast<const GroupTuple*>(&o);
    return g && g->grouper.equals(grouper) && g->list.equals(list);
  }
  Value grouper, list;
};

Value f_groupby(Interp& in, const Value& v, CallArgs& a) {
  Value attribute = a.get(0, "attribute");
  const Value* def = a.find(1, "default");
  bool cs = bool_param(a, 2, "case_sensitive", false);
  AttrGetter key = make_attrgetter(attribute, !cs, def);
  AttrGetter out_key = make_attrgetter(attribute, false, def);
  std::vector<Value> items = in.iterate(v);
  std::vector<std::pair<Value, Value>> keyed;
  for (auto& it : items) keyed.emplace_back(key(in, it), it);
  std::stable_sort(keyed.begin(), keyed.end(),
                   [](const auto& x, const auto& y) { return py_less(x.first, y.first); });
  std::vector<Value> out;
  size_t i = 0;
  while (i < keyed.size()) {
    size_t j = i;
    std::vector<Value> group;
    while (j < keyed.size() && keyed[j].first.equals(keyed[i].first))
      group.push_back(keyed[j++].second);
    Value grouper = out_key(in, group.front());
    out.push_back(
        Value::host(std::make_shared<GroupTuple>(grouper, Value::list(std::move(group)))));
    i = j;
  }
  return Value::list(std::move(out));
}

std::vector<std::string> splitlines(const std::string& s) {
  std::vector<std::string> out;
  size_t i = 0, start = 0;
  while (i < s.size()) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (c == '\n' || c == '\r' || c == '\v' || c == '\f' || c == 0x1c || c == 0x1d || c == 0x1e) {
      out.push_back(s.substr(start, i - start));
      size_t eol = i + 1;
      if (c == '\r' && eol < s.size() && s[eol] == '\n') ++eol;
      start = i = eol;
    } else {
      ++i;
    }
  }
  if (start < s.size()) out.push_back(s.substr(start));
  return out;
}

Value f_indent(Interp& in, const Value& v, CallArgs& a) {
  std::string indention;
  const Value* w = a.find(0, "width");
  if (w && w->is_string()) {
    indention = w->as_string();
  } else {
    int64_t n = int_param(a, 0, "width", 4);
    if (n > 0) indention.assign(static_cast<size_t>(std::min<int64_t>(n, 1 << 20)), ' ');
  }
  bool first = bool_param(a, 1, "first", false);
  bool blank = bool_param(a, 2, "blank", false);
  std::string s = soft_str(v) + "\n";
  auto lines = splitlines(s);
  in.check_size(lines.size() * indention.size() + s.size());
  std::string rv;
  if (blank) {
    for (size_t i = 0; i < lines.size(); ++i) {
      if (i) rv += "\n" + indention;
      rv += lines[i];
    }
  } else {
    rv = lines.empty() ? "" : lines[0];
    if (lines.size() > 1) {
      rv += "\n";
      for (size_t i = 1; i < lines.size(); ++i) {
        if (i > 1) rv += "\n";
        if (!lines[i].empty()) rv += indention;
        rv += lines[i];
      }
    }
  }
  if (first) rv = indention + rv;
  return keep_safe(v, std::move(rv));
}

Value f_int(Interp&, const Value& v, CallArgs& a) {
  Value def = a.get(0, "default", Value(int64_t{0}));
  int64_t base = int_param(a, 1, "base", 10);
  if (v.is_int() || v.is_bool()) return Value(v.as_int());
  if (v.is_float()) {
    double d = v.as_float();
    if (std::isnan(d)) return def;
    if (std::isinf(d))
      throw_error(ErrorKind::kOverflow, "cannot convert float infinity to integer");
    if (std::fabs(d) >= 9.2e18) throw_error(ErrorKind::kOverflow, "integer too large");
    return Value(static_cast<int64_t>(d));
  }
  if (v.is_string()) {
    if (base != 0 && (base < 2 || base > 36)) return def;
    if (auto i = parse_py_int(v.as_string(), static_cast<int>(base))) return Value(*i);
    if (auto d = parse_py_float(v.as_string())) {
      if (std::isnan(*d)) return def;
      if (std::isinf(*d) || std::fabs(*d) >= 9.2e18)
        throw_error(ErrorKind::kOverflow, "cannot convert float infinity to integer");
      return Value(static_cast<int64_t>(*d));
    }
  }
  return def;
}

Value f_items(Interp&, const Value& v, CallArgs&) {
  if (v.is_undefined()) return Value::list();
  if (!v.is_dict()) throw_error(ErrorKind::kType, "Can only get item pairs from a mapping.");
  std::vector<Value> out;
  for (const auto& [k, val] : v.as_dict().entries) out.push_back(Value::tuple({k, val}));
  return Value::list(std::move(out));
}

Value f_join(Interp& in, const Value& v, CallArgs& a) {
  std::string d = a.get(0, "d", Value("")).str();
  const Value* attribute = a.find(1, "attribute");
  std::vector<Value> storage;
  const std::vector<Value>& items = in.items_of(v, storage);
  std::string out;
  AttrGetter g;
  if (attribute && !attribute->is_none()) g = make_attrgetter(*attribute);
  for (size_t i = 0; i < items.size(); ++i) {
    if (i) out += d;
    if (attribute && !attribute->is_none()) {
      g(in, items[i]).append_str(out);
    } else {
      items[i].append_str(out);
    }
    in.check_size(out.size());
  }
  return Value(std::move(out));
}

Value f_length(Interp&, const Value& v, CallArgs&) {
  switch (v.kind()) {
    case Kind::kUndefined:
      return Value(int64_t{0});
    case Kind::kString:
      return Value(static_cast<int64_t>(utf8_length(v.as_string())));
    case Kind::kList:
    case Kind::kTuple:
      return Value(static_cast<int64_t>(v.as_list().items.size()));
    case Kind::kDict:
      return Value(static_cast<int64_t>(v.as_dict().size()));
    case Kind::kHost:
      if (auto n = v.as_host().length()) return Value(*n);
      break;
    default:
      break;
  }
  throw_error(ErrorKind::kType, "object of type '" + std::string(v.type_name()) + "' has no len()");
}

Value f_list(Interp& in, const Value& v, CallArgs&) {
  return Value::list(in.iterate(v));
}

Value f_lower(Interp&, const Value& v, CallArgs&) {
  return Value(lower_ascii(soft_str(v)));
}

Value f_upper(Interp&, const Value& v, CallArgs&) {
  std::string s = soft_str(v);
  for (auto& c : s) c = static_cast<char>(ascii_upper(c));
  return Value(std::move(s));
}

Value f_map(Interp& in, const Value& v, CallArgs& a) {
  std::vector<Value> storage;
  const std::vector<Value>& items = in.items_of(v, storage);
  std::vector<Value> out;
  out.reserve(items.size());
  if (a.positional.empty() && a.kwarg("attribute")) {
    const Value* def = a.kwarg("default");
    AttrGetter g = make_attrgetter(*a.kwarg("attribute"), false, def);
    for (const auto& it : items) out.push_back(g(in, it));
    return Value::list(std::move(out));
  }
  if (a.positional.empty())
    throw_error(ErrorKind::kFilterArgument, "map requires a filter argument");
  Sym name = intern(a.positional[0].str());
  CallArgs rest;
  rest.positional.assign(a.positional.begin() + 1, a.positional.end());
  rest.keyword = a.keyword;
  for (const auto& it : items) {
    CallArgs copy = rest;
    out.push_back(in.apply_filter(name, it, copy));
  }
  return Value::list(std::move(out));
}

Value min_max(Interp& in, const Value& v, CallArgs& a, bool want_max) {
  bool cs = bool_param(a, 0, "case_sensitive", false);
  Value attribute = a.get(1, "attribute", Value::none());
  std::vector<Value> items = in.iterate(v);
  if (items.empty()) return Value::undefined("No aggregated item, sequence was empty.");
  AttrGetter g = make_attrgetter(attribute, !cs);
  size_t best = 0;
  Value best_key = g(in, items[0]);
  for (size_t i = 1; i < items.size(); ++i) {
    Value k = g(in, items[i]);
    if (want_max ? py_less(best_key, k) : py_less(k, best_key)) {
      best = i;
      best_key = k;
    }
  }
  return items[best];
}
Value f_max(Interp& in, const Value& v, CallArgs& a) {
  return min_max(in, v, a, true);
}
Value f_min(Interp& in, const Value& v, CallArgs& a) {
  return min_max(in, v, a, false);
}

void pprint_repr(const Value& v, std::string& out) {
  if (!v.is_dict() && !v.is_sequence()) {
    out += v.repr();
    return;
  }
  Visit visit(v);
  if (visit.cyclic) {
    out += v.is_dict() ? "{...}" : v.is_list() ? "[...]" : "(...)";
    return;
  }
  if (v.is_dict()) {
    std::vector<std::pair<Value, Value>> entries = v.as_dict().entries;
    try {
      std::stable_sort(entries.begin(), entries.end(),
                       [](const auto& x, const auto& y) { return py_less(x.first, y.first); });
    } catch (const Error&) {
    }
    out += '{';
    for (size_t i = 0; i < entries.size(); ++i) {
      if (i) out += ", ";
      pprint_repr(entries[i].first, out);
      out += ": ";
      pprint_repr(entries[i].second, out);
    }
    out += '}';
    return;
  }
  if (v.is_sequence()) {
    const auto& items = v.as_list().items;
    out += v.is_tuple() ? '(' : '[';
    for (size_t i = 0; i < items.size(); ++i) {
      if (i) out += ", ";
      pprint_repr(items[i], out);
    }
    if (v.is_tuple() && items.size() == 1) out += ',';
    out += v.is_tuple() ? ')' : ']';
    return;
  }
  out += v.repr();
}

Value f_pprint(Interp&, const Value& v, CallArgs&) {
  std::string out;
  pprint_repr(v, out);
  return Value(std::move(out));
}

std::vector<Value> select_impl(Interp& in, const Value& v, CallArgs& a, bool want, bool by_attr) {
  std::vector<Value> storage;
  const std::vector<Value>& items = in.items_of(v, storage);
  size_t off = 0;
  AttrGetter g;
  if (by_attr) {
    if (a.positional.empty())
      throw_error(ErrorKind::kFilterArgument, "Missing parameter for attribute name");
    g = make_attrgetter(a.positional[0]);
    off = 1;
  }
  Sym test = nullptr;
  CallArgs rest;
  if (a.positional.size() > off) {
    test = intern(a.positional[off].str());
    rest.positional.assign(a.positional.begin() + static_cast<std::ptrdiff_t>(off) + 1,
                           a.positional.end());
    rest.keyword = a.keyword;
  }
  std::vector<Value> out;
  for (const auto& it : items) {
    Value x = by_attr ? g(in, it) : it;
    bool r;
    if (test) {
      CallArgs copy = rest;
      r = in.apply_test(test, x, copy);
    } else {
      r = x.truthy();
    }
    if (r == want) out.push_back(it);
  }
  return out;
}
Value f_select(Interp& in, const Value& v, CallArgs& a) {
  return Value::list(select_impl(in, v, a, true, false));
}
// Nondeterministic like Jinja2's (random.choice); only for templates that want it.
Value f_random(Interp& in, const Value& v, CallArgs&) {
  std::vector<Value> storage;
  const std::vector<Value>& items = in.items_of(v, storage);
  if (items.empty()) return Value::undefined("No random item, sequence was empty.");
  static thread_local std::mt19937_64 rng{std::random_device{}()};
  return items[std::uniform_int_distribution<size_t>(0, items.size() - 1)(rng)];
}

Value f_reject(Interp& in, const Value& v, CallArgs& a) {
  return Value::list(select_impl(in, v, a, false, false));
}
Value f_selectattr(Interp& in, const Value& v, CallArgs& a) {
  return Value::list(select_impl(in, v, a, true, true));
}
Value f_rejectattr(Interp& in, const Value& v, CallArgs& a) {
  return Value::list(select_impl(in, v, a, false, true));
}

Value f_replace(Interp& in, const Value& v, CallArgs& a) {
  CallArgs args;
  args.positional.emplace_back(a.get(0, "old").str());
  args.positional.emplace_back(a.get(1, "new").str());
  const Value* count = a.find(2, "count");
  if (count && !count->is_none()) args.positional.push_back(*count);
  return *call_builtin_method(in, Value(soft_str(v)), "replace", args);
}

Value f_reverse(Interp& in, const Value& v, CallArgs&) {
  if (v.is_string()) {
    auto chars = utf8_chars(v.as_string());
    std::string out;
    for (size_t i = chars.size(); i-- > 0;) out += chars[i];
    return Value(std::move(out));
  }
  std::vector<Value> items = in.iterate(v);
  std::reverse(items.begin(), items.end());
  return Value::list(std::move(items));
}

Value f_round(Interp&, const Value& v, CallArgs& a) {
  int64_t precision = int_param(a, 0, "precision", 0);
  std::string method = a.get(1, "method", Value("common")).str();
  if (method != "common" && method != "ceil" && method != "floor")
    throw_error(ErrorKind::kFilterArgument, "method must be common, ceil or floor");
  if (v.is_undefined()) raise_undefined(v);
  if (!v.is_number())
    throw_error(ErrorKind::kType,
                "type " + std::string(v.type_name()) + " doesn't define __round__ method");
  if (method == "common") {
    if (v.is_int() || v.is_bool()) {
      if (precision >= 0) return Value(v.as_int());
      int64_t p = 1;
      for (int64_t i = 0; i < -precision && p < INT64_MAX / 10; ++i) p *= 10;
      double r = std::nearbyint(static_cast<double>(v.as_int()) / static_cast<double>(p));
      return Value(static_cast<int64_t>(r) * p);
    }
    double d = v.as_float();
    if (std::isinf(d) || std::isnan(d)) return Value(d);
    if (precision > 300) return Value(d);
    if (precision >= 0) {
      char buf[512];
      std::snprintf(buf, sizeof buf, "%.*f", static_cast<int>(precision), d);
      return Value(std::strtod(buf, nullptr));
    }
    double p = std::pow(10.0, static_cast<double>(-precision));
    return Value(std::nearbyint(d / p) * p);
  }
  double p = std::pow(10.0, static_cast<double>(precision));
  double x = v.as_float() * p;
  double r = method == "ceil" ? std::ceil(x) : std::floor(x);
  return Value(r / p);
}

Value f_safe(Interp&, const Value& v, CallArgs&) {
  if (v.is_safe()) return v;
  return Value::markup(soft_str(v));
}

Value f_slice(Interp& in, const Value& v, CallArgs& a) {
  int64_t slices = int_param(a, 0, "slices", 1);
  const Value* fill = a.find(1, "fill_with");
  if (slices <= 0) throw_error(ErrorKind::kZeroDivision, "integer division or modulo by zero");
  if (slices > 100000) throw_error(ErrorKind::kRuntime, "too many slices");
  std::vector<Value> seq = in.iterate(v);
  int64_t length = static_cast<int64_t>(seq.size());
  int64_t per = length / slices;
  int64_t extra = length % slices;
  int64_t offset = 0;
  std::vector<Value> out;
  for (int64_t n = 0; n < slices; ++n) {
    int64_t start = offset + n * per;
    if (n < extra) ++offset;
    int64_t end = offset + (n + 1) * per;
    std::vector<Value> tmp(seq.begin() + start, seq.begin() + end);
    if (fill && !fill->is_none() && n >= extra) tmp.push_back(*fill);
    out.push_back(Value::list(std::move(tmp)));
  }
  return Value::list(std::move(out));
}

Value f_sort(Interp& in, const Value& v, CallArgs& a) {
  bool reverse = bool_param(a, 0, "reverse", false);
  bool cs = bool_param(a, 1, "case_sensitive", false);
  Value attribute = a.get(2, "attribute", Value::none());
  std::vector<Value> items = in.iterate(v);
  std::vector<AttrGetter> getters;
  if (attribute.is_string()) {
    const std::string& s = attribute.as_string();
    size_t start = 0;
    while (true) {
      size_t comma = s.find(',', start);
      getters.push_back(make_attrgetter(
          Value(s.substr(start, comma == std::string::npos ? std::string::npos : comma - start)),
          !cs));
      if (comma == std::string::npos) break;
      start = comma + 1;
    }
  } else {
    getters.push_back(make_attrgetter(attribute, !cs));
  }
  std::vector<std::pair<Value, Value>> keyed;
  keyed.reserve(items.size());
  for (auto& it : items) {
    if (getters.size() == 1) {
      keyed.emplace_back(getters[0](in, it), it);
    } else {
      std::vector<Value> k;
      for (auto& g : getters) k.push_back(g(in, it));
      keyed.emplace_back(Value::tuple(std::move(k)), it);
    }
  }
  std::stable_sort(keyed.begin(), keyed.end(), [&](const auto& x, const auto& y) {
    return reverse ? py_less(y.first, x.first) : py_less(x.first, y.first);
  });
  std::vector<Value> out;
  out.reserve(keyed.size());
  for (auto& [k, it] : keyed) out.push_back(std::move(it));
  return Value::list(std::move(out));
}

Value f_string(Interp&, const Value& v, CallArgs&) {
  if (v.is_string()) return v;
  return Value(soft_str(v));
}

Value f_striptags(Interp&, const Value& v, CallArgs&) {
  std::string s = soft_str(v);
  // Remove comments and tags, then unescape entities and collapse whitespace.
  std::string t;
  size_t i = 0;
  while (i < s.size()) {
    if (s.compare(i, 4, "<!--") == 0) {
      size_t e = s.find("-->", i + 4);
      if (e == std::string::npos) {
        t.append(s, i, std::string::npos);
        break;
      }
      i = e + 3;
      continue;
    }
    if (s[i] == '<') {
      size_t e = s.find('>', i + 1);
      if (e != std::string::npos && e > i + 1) {
        i = e + 1;
        continue;
      }
    }
    t += s[i++];
  }
  std::string words;
  size_t p = 0;
  while (p < t.size()) {
    while (p < t.size() && py_isspace(static_cast<unsigned char>(t[p]))) ++p;
    size_t q = p;
    while (q < t.size() && !py_isspace(static_cast<unsigned char>(t[q]))) ++q;
    if (q > p) {
      if (!words.empty()) words += ' ';
      words.append(t, p, q - p);
    }
    p = q;
  }
  std::string out;
  for (size_t k = 0; k < words.size(); ++k) {
    if (words[k] == '&') {
      static const std::pair<std::string_view, char> kEnt[] = {
          {"&amp;", '&'}, {"&lt;", '<'},   {"&gt;", '>'},   {"&quot;", '"'},
          {"&#34;", '"'}, {"&#39;", '\''}, {"&apos;", '\''}};
      bool done = false;
      for (auto& [ent, ch] : kEnt) {
        if (words.compare(k, ent.size(), ent) == 0) {
          out += ch;
          k += ent.size() - 1;
          done = true;
          break;
        }
      }
      if (done) continue;
    }
    out += words[k];
  }
  return Value(std::move(out));
}

Value f_sum(Interp& in, const Value& v, CallArgs& a) {
  Value attribute = a.get(0, "attribute", Value::none());
  Value acc = a.get(1, "start", Value(int64_t{0}));
  AttrGetter g = make_attrgetter(attribute);
  for (auto& it : in.iterate(v)) {
    Value x = attribute.is_none() ? it : g(in, it);
    acc = py_binary(BinOp::kAdd, acc, x, in.limits());
  }
  return acc;
}

Value f_title(Interp&, const Value& v, CallArgs&) {
  std::string s = soft_str(v);
  std::string out;
  auto is_sep = [](char c) {
    return py_isspace(static_cast<unsigned char>(c)) || c == '-' || c == '(' || c == '{' ||
           c == '[' || c == '<';
  };
  bool word_start = true;
  for (char c : s) {
    if (is_sep(c)) {
      out += c;
      word_start = true;
    } else if (word_start) {
      out += static_cast<char>(ascii_upper(c));
      word_start = false;
    } else {
      out += static_cast<char>(ascii_lower(c));
    }
  }
  return Value(std::move(out));
}

void json_string(const std::string& s, std::string& out) {
  out += '"';
  size_t i = 0;
  while (i < s.size()) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      switch (c) {
        case '"':
          out += "\\\"";
          break;
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
        case '\b':
          out += "\\b";
          break;
        case '\f':
          out += "\\f";
          break;
        default:
          if (c < 0x20 || c == 0x7f) {
            char b[8];
            std::snprintf(b, sizeof b, "\\u%04x", c);
            out += b;
          } else {
            out += static_cast<char>(c);
          }
      }
      ++i;
      continue;
    }
    // Decode UTF-8 and escape as \uXXXX (ensure_ascii).
    uint32_t cp = 0;
    size_t n = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 1;
    cp = n == 4 ? (c & 0x07) : n == 3 ? (c & 0x0F) : n == 2 ? (c & 0x1F) : c;
    for (size_t k = 1; k < n && i + k < s.size(); ++k)
      cp = (cp << 6) | (static_cast<unsigned char>(s[i + k]) & 0x3F);
    i += n;
    char b[16];
    if (cp >= 0x10000) {
      cp -= 0x10000;
      std::snprintf(b, sizeof b, "\\u%04x\\u%04x", 0xD800 + (cp >> 10), 0xDC00 + (cp & 0x3FF));
    } else {
      std::snprintf(b, sizeof b, "\\u%04x", cp);
    }
    out += b;
  }
  out += '"';
}

void json_dump(const Value& v, std::string& out, int indent, int level) {
  if (level > 200) throw_error(ErrorKind::kValue, "Circular reference detected");
  std::optional<Visit> visit;
  if (v.is_dict() || v.is_sequence()) {
    visit.emplace(v);
    if (visit->cyclic) throw_error(ErrorKind::kValue, "Circular reference detected");
  }
  auto newline = [&](int lvl) {
    if (indent < 0) return;
    out += '\n';
    out.append(static_cast<size_t>(indent * lvl), ' ');
  };
  switch (v.kind()) {
    case Kind::kNone:
      out += "null";
      return;
    case Kind::kBool:
      out += v.as_bool() ? "true" : "false";
      return;
    case Kind::kInt:
      v.append_str(out);
      return;
    case Kind::kFloat: {
      double d = v.as_float();
      if (std::isnan(d)) {
        out += "NaN";
      } else if (std::isinf(d)) {
        out += d > 0 ? "Infinity" : "-Infinity";
      } else {
        out += py_float_repr(d);
      }
      return;
    }
    case Kind::kString:
      json_string(v.as_string(), out);
      return;
    case Kind::kList:
    case Kind::kTuple: {
      const auto& items = v.as_list().items;
      if (items.empty()) {
        out += "[]";
        return;
      }
      out += '[';
      for (size_t i = 0; i < items.size(); ++i) {
        if (i) out += indent >= 0 ? "," : ", ";
        newline(level + 1);
        json_dump(items[i], out, indent, level + 1);
      }
      newline(level);
      out += ']';
      return;
    }
    case Kind::kDict: {
      auto entries = v.as_dict().entries;
      if (entries.empty()) {
        out += "{}";
        return;
      }
      std::stable_sort(entries.begin(), entries.end(),
                       [](const auto& x, const auto& y) { return py_less(x.first, y.first); });
      out += '{';
      for (size_t i = 0; i < entries.size(); ++i) {
        if (i) out += indent >= 0 ? "," : ", ";
        newline(level + 1);
        const Value& k = entries[i].first;
        if (k.is_string()) {
          json_string(k.as_string(), out);
        } else if (k.is_number() || k.is_none()) {
          std::string ks;
          json_dump(k, ks, -1, 0);
          json_string(ks, out);
        } else {
          throw_error(ErrorKind::kType, "keys must be str, int, float, bool or None, not " +
                                            std::string(k.type_name()));
        }
        out += ": ";
        json_dump(entries[i].second, out, indent, level + 1);
      }
      newline(level);
      out += '}';
      return;
    }
    default:
      throw_error(ErrorKind::kType,
                  "Object of type " + std::string(v.type_name()) + " is not JSON serializable");
  }
}

Value f_tojson(Interp&, const Value& v, CallArgs& a) {
  const Value* ind = a.find(0, "indent");
  int indent = -1;
  if (ind && !ind->is_none()) indent = static_cast<int>(std::clamp<int64_t>(ind->as_int(), 0, 64));
  std::string raw;
  json_dump(v, raw, indent, 0);
  std::string out;
  for (char c : raw) {
    switch (c) {
      case '<':
        out += "\\u003c";
        break;
      case '>':
        out += "\\u003e";
        break;
      case '&':
        out += "\\u0026";
        break;
      case '\'':
        out += "\\u0027";
        break;
      default:
        out += c;
    }
  }
  return Value::markup(std::move(out));
}

Value f_trim(Interp& in, const Value& v, CallArgs& a) {
  CallArgs args;
  if (const Value* c = a.find(0, "chars")) args.positional.push_back(*c);
  return *call_builtin_method(in, Value(soft_str(v)), "strip", args);
}

Value f_truncate(Interp&, const Value& v, CallArgs& a) {
  int64_t length = int_param(a, 0, "length", 255);
  bool killwords = bool_param(a, 1, "killwords", false);
  std::string end = a.get(2, "end", Value("...")).str();
  int64_t leeway = int_param(a, 3, "leeway", 5);
  auto chars = utf8_chars(soft_str(v));
  int64_t end_len = static_cast<int64_t>(utf8_length(end));
  if (length < end_len)
    throw_error(ErrorKind::kAssertion, "expected length >= " + std::to_string(end_len) + ", got " +
                                           std::to_string(length));
  if (leeway < 0) throw_error(ErrorKind::kAssertion, "expected leeway >= 0");
  if (static_cast<int64_t>(chars.size()) <= length + leeway) return Value(soft_str(v));
  std::string head;
  for (int64_t i = 0; i < length - end_len && i < static_cast<int64_t>(chars.size()); ++i)
    head += chars[static_cast<size_t>(i)];
  if (killwords) return Value(head + end);
  size_t sp = head.rfind(' ');
  if (sp != std::string::npos) head = head.substr(0, sp);
  return Value(head + end);
}

Value f_unique(Interp& in, const Value& v, CallArgs& a) {
  bool cs = bool_param(a, 0, "case_sensitive", false);
  Value attribute = a.get(1, "attribute", Value::none());
  AttrGetter g = make_attrgetter(attribute, !cs);
  std::vector<Value> seen, out;
  for (auto& it : in.iterate(v)) {
    Value k = g(in, it);
    k.hash();
    bool dup = false;
    for (const auto& s : seen)
      if (s.equals(k)) {
        dup = true;
        break;
      }
    if (!dup) {
      seen.push_back(k);
      out.push_back(it);
    }
  }
  return Value::list(std::move(out));
}

std::string url_quote(const std::string& s, bool for_qs) {
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '_' || c == '.' || c == '-' || c == '~' || (!for_qs && c == '/')) {
      out += static_cast<char>(c);
    } else if (c == ' ' && for_qs) {
      out += '+';
    } else {
      char b[4];
      std::snprintf(b, sizeof b, "%%%02X", c);
      out += b;
    }
  }
  return out;
}

Value f_urlencode(Interp& in, const Value& v, CallArgs&) {
  if (v.is_string()) return Value(url_quote(v.as_string(), false));
  if (!v.is_dict() && !v.is_sequence()) return Value(url_quote(v.str(), false));
  std::vector<std::pair<Value, Value>> pairs;
  if (v.is_dict()) {
    pairs = v.as_dict().entries;
  } else {
    for (auto& it : in.iterate(v)) {
      auto kv = in.iterate(it);
      if (kv.size() != 2) throw_error(ErrorKind::kValue, "too many values to unpack (expected 2)");
      pairs.emplace_back(kv[0], kv[1]);
    }
  }
  std::string out;
  for (size_t i = 0; i < pairs.size(); ++i) {
    if (i) out += '&';
    out += url_quote(pairs[i].first.str(), true) + "=" + url_quote(pairs[i].second.str(), true);
  }
  return Value(std::move(out));
}

Value f_wordcount(Interp&, const Value& v, CallArgs&) {
  std::string s = soft_str(v);
  int64_t n = 0;
  bool in_word = false;
  for (unsigned char c : s) {
    bool w = std::isalnum(c) || c == '_' || c >= 0x80;
    if (w && !in_word) ++n;
    in_word = w;
  }
  return Value(n);
}

Value f_wordwrap(Interp&, const Value& v, CallArgs& a) {
  int64_t width = int_param(a, 0, "width", 79);
  bool break_long = bool_param(a, 1, "break_long_words", true);
  const Value* ws = a.find(2, "wrapstring");
  std::string wrap = ws && !ws->is_none() ? ws->str() : "\n";
  if (width <= 0)
    throw_error(ErrorKind::kValue, "invalid width " + std::to_string(width) + " (must be > 0)");
  std::string s = soft_str(v);
  std::vector<std::string> out_lines;
  for (const auto& para : splitlines(s)) {
    // Chunks alternate between words and whitespace runs (textwrap without hyphen splitting).
    std::vector<std::string> chunks;
    size_t i = 0;
    while (i < para.size()) {
      bool sp = py_isspace(static_cast<unsigned char>(para[i]));
      size_t j = i;
      while (j < para.size() && py_isspace(static_cast<unsigned char>(para[j])) == sp) ++j;
      chunks.push_back(para.substr(i, j - i));
      i = j;
    }
    std::reverse(chunks.begin(), chunks.end());
    std::vector<std::string> lines;
    while (!chunks.empty()) {
      std::vector<std::string> cur;
      size_t cur_len = 0;
      if (!lines.empty() && py_isspace(static_cast<unsigned char>(chunks.back()[0])))
        chunks.pop_back();
      while (!chunks.empty()) {
        size_t l = chunks.back().size();
        if (cur_len + l <= static_cast<size_t>(width)) {
          cur.push_back(chunks.back());
          cur_len += l;
          chunks.pop_back();
        } else {
          break;
        }
      }
      if (!chunks.empty() && chunks.back().size() > static_cast<size_t>(width)) {
        size_t space_left = cur_len < static_cast<size_t>(width) ? width - cur_len : 1;
        if (break_long) {
          cur.push_back(chunks.back().substr(0, space_left));
          chunks.back() = chunks.back().substr(space_left);
        } else if (cur.empty()) {
          cur.push_back(chunks.back());
          chunks.pop_back();
        }
      }
      if (!cur.empty() && py_isspace(static_cast<unsigned char>(cur.back()[0]))) cur.pop_back();
      if (!cur.empty()) {
        std::string line;
        for (auto& c : cur) line += c;
        lines.push_back(line);
      }
    }
    for (auto& l : lines) out_lines.push_back(l);
  }
  std::string out;
  for (size_t k = 0; k < out_lines.size(); ++k) {
    if (k) out += wrap;
    out += out_lines[k];
  }
  return Value(std::move(out));
}

Value f_xmlattr(Interp&, const Value& v, CallArgs& a) {
  bool autospace = bool_param(a, 0, "autospace", true);
  if (!v.is_dict())
    throw_error(ErrorKind::kAttribute,
                "'" + std::string(v.type_name()) + "' object has no attribute 'items'");
  std::string rv;
  for (const auto& [k, val] : v.as_dict().entries) {
    if (val.is_none() || val.is_undefined()) continue;
    if (!rv.empty()) rv += ' ';
    rv += html_escape(k.str()) + "=\"" + html_escape(val.str()) + "\"";
  }
  if (autospace && !rv.empty()) rv = " " + rv;
  return Value::markup(std::move(rv));
}

using Table = std::unordered_map<Sym, BuiltinFilter>;

const Table& table() {
  static const Table t = {
      {intern("abs"), f_abs},
      {intern("attr"), f_attr},
      {intern("batch"), f_batch},
      {intern("capitalize"), f_capitalize},
      {intern("center"), f_center},
      {intern("default"), f_default},
      {intern("d"), f_default},
      {intern("dictsort"), f_dictsort},
      {intern("escape"), f_escape},
      {intern("e"), f_escape},
      {intern("forceescape"), f_forceescape},
      {intern("filesizeformat"), f_filesizeformat},
      {intern("first"), f_first},
      {intern("float"), f_float},
      {intern("format"), f_format},
      {intern("groupby"), f_groupby},
      {intern("indent"), f_indent},
      {intern("int"), f_int},
      {intern("items"), f_items},
      {intern("join"), f_join},
      {intern("last"), f_last},
      {intern("length"), f_length},
      {intern("count"), f_length},
      {intern("list"), f_list},
      {intern("lower"), f_lower},
      {intern("map"), f_map},
      {intern("max"), f_max},
      {intern("min"), f_min},
      {intern("pprint"), f_pprint},
      {intern("random"), f_random},
      {intern("reject"), f_reject},
      {intern("rejectattr"), f_rejectattr},
      {intern("replace"), f_replace},
      {intern("reverse"), f_reverse},
      {intern("round"), f_round},
      {intern("safe"), f_safe},
      {intern("select"), f_select},
      {intern("selectattr"), f_selectattr},
      {intern("slice"), f_slice},
      {intern("sort"), f_sort},
      {intern("string"), f_string},
      {intern("striptags"), f_striptags},
      {intern("sum"), f_sum},
      {intern("title"), f_title},
      {intern("tojson"), f_tojson},
      {intern("trim"), f_trim},
      {intern("truncate"), f_truncate},
      {intern("unique"), f_unique},
      {intern("upper"), f_upper},
      {intern("urlencode"), f_urlencode},
      {intern("wordcount"), f_wordcount},
      {intern("wordwrap"), f_wordwrap},
      {intern("xmlattr"), f_xmlattr},
  };
  return t;
}

}  // namespace

BuiltinFilter find_builtin_filter(Sym name) {
  const auto& t = table();
  auto it = t.find(name);
  return it == t.end() ? nullptr : it->second;
}

}  // namespace kiln::jinja
