// Python methods of str, list, tuple and dict that dbt code calls (`x.upper()`, `l.append(y)`).
#include <algorithm>
#include <cctype>
#include <unordered_map>

#include "jinja/error.h"
#include "jinja/interpreter.h"

namespace kiln::jinja {

namespace {

using Method = MethodFn;

bool py_isspace(unsigned char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f' ||
         (c >= 0x1c && c <= 0x1f);
}
char up(char c) {
  return ascii_upper(c);
}
char low(char c) {
  return ascii_lower(c);
}
bool is_alpha(char c) {
  return std::isalpha(static_cast<unsigned char>(c)) != 0;
}

const std::string& str_arg(const CallArgs& a, size_t i, std::string_view name,
                           std::string_view method) {
  const Value* v = a.find(i, name);
  if (!v) throw_error(ErrorKind::kType, std::string(method) + "() missing required argument");
  if (!v->is_string()) {
    if (v->is_undefined()) raise_undefined(*v);
    throw_error(ErrorKind::kType, "must be str, not " + std::string(v->type_name()));
  }
  return v->as_string();
}

int64_t int_arg(const CallArgs& a, size_t i, std::string_view name, int64_t def) {
  const Value* v = a.find(i, name);
  if (!v || v->is_none()) return def;
  if (!(v->is_int() || v->is_bool())) {
    if (v->is_undefined()) raise_undefined(*v);
    throw_error(ErrorKind::kType,
                "'" + std::string(v->type_name()) + "' object cannot be interpreted as an integer");
  }
  return v->as_int();
}

std::string strip_chars(const std::string& s, const Value* chars, bool left, bool right) {
  size_t b = 0, e = s.size();
  auto strip = [&](unsigned char c) {
    if (!chars || chars->is_none()) return py_isspace(c);
    return chars->as_string().find(static_cast<char>(c)) != std::string::npos;
  };
  if (left)
    while (b < e && strip(static_cast<unsigned char>(s[b]))) ++b;
  if (right)
    while (e > b && strip(static_cast<unsigned char>(s[e - 1]))) --e;
  return s.substr(b, e - b);
}

std::vector<std::string> split_ws(const std::string& s, int64_t maxsplit) {
  std::vector<std::string> out;
  size_t i = 0, n = s.size();
  while (i < n) {
    while (i < n && py_isspace(static_cast<unsigned char>(s[i]))) ++i;
    if (i >= n) break;
    if (maxsplit >= 0 && static_cast<int64_t>(out.size()) >= maxsplit) {
      out.push_back(s.substr(i));
      return out;
    }
    size_t j = i;
    while (j < n && !py_isspace(static_cast<unsigned char>(s[j]))) ++j;
    out.push_back(s.substr(i, j - i));
    i = j;
  }
  return out;
}

std::vector<std::string> rsplit_ws(const std::string& s, int64_t maxsplit) {
  std::vector<std::string> out;
  int64_t i = static_cast<int64_t>(s.size()) - 1;
  while (i >= 0) {
    while (i >= 0 && py_isspace(static_cast<unsigned char>(s[static_cast<size_t>(i)]))) --i;
    if (i < 0) break;
    if (maxsplit >= 0 && static_cast<int64_t>(out.size()) >= maxsplit) {
      out.push_back(s.substr(0, static_cast<size_t>(i) + 1));
      break;
    }
    int64_t j = i;
    while (j >= 0 && !py_isspace(static_cast<unsigned char>(s[static_cast<size_t>(j)]))) --j;
    out.push_back(s.substr(static_cast<size_t>(j + 1), static_cast<size_t>(i - j)));
    i = j;
  }
  std::reverse(out.begin(), out.end());
  return out;
}

Value str_list(std::vector<std::string> parts) {
  std::vector<Value> v;
  v.reserve(parts.size());
  for (auto& p : parts) v.emplace_back(std::move(p));
  return Value::list(std::move(v));
}

// Resolves Python's (start, end) slice arguments of find/count/startswith.
std::pair<size_t, size_t> span_args(const CallArgs& a, size_t first, size_t n) {
  int64_t len = static_cast<int64_t>(n);
  auto norm = [&](int64_t i) {
    if (i < 0) i += len;
    return static_cast<size_t>(std::clamp<int64_t>(i, 0, len));
  };
  size_t b = norm(int_arg(a, first, "start", 0));
  size_t e = norm(int_arg(a, first + 1, "end", len));
  return {b, e};
}

// ---- str ----

Value s_lower(Interp&, const Value& s, CallArgs&) {
  std::string r = s.as_string();
  for (auto& c : r) c = low(c);
  return Value(std::move(r));
}
Value s_upper(Interp&, const Value& s, CallArgs&) {
  std::string r = s.as_string();
  for (auto& c : r) c = up(c);
  return Value(std::move(r));
}
Value s_strip(Interp&, const Value& s, CallArgs& a) {
  return Value(strip_chars(s.as_string(), a.find(0, "chars"), true, true));
}
Value s_lstrip(Interp&, const Value& s, CallArgs& a) {
  return Value(strip_chars(s.as_string(), a.find(0, "chars"), true, false));
}
Value s_rstrip(Interp&, const Value& s, CallArgs& a) {
  return Value(strip_chars(s.as_string(), a.find(0, "chars"), false, true));
}
Value s_split(Interp&, const Value& s, CallArgs& a) {
  const Value* sep = a.find(0, "sep");
  int64_t maxsplit = int_arg(a, 1, "maxsplit", -1);
  const std::string& str = s.as_string();
  if (!sep || sep->is_none()) return str_list(split_ws(str, maxsplit));
  const std::string& d = str_arg(a, 0, "sep", "split");
  if (d.empty()) throw_error(ErrorKind::kValue, "empty separator");
  std::vector<std::string> out;
  size_t start = 0;
  while (true) {
    if (maxsplit >= 0 && static_cast<int64_t>(out.size()) >= maxsplit) break;
    size_t p = str.find(d, start);
    if (p == std::string::npos) break;
    out.push_back(str.substr(start, p - start));
    start = p + d.size();
  }
  out.push_back(str.substr(start));
  return str_list(std::move(out));
}
Value s_rsplit(Interp&, const Value& s, CallArgs& a) {
  const Value* sep = a.find(0, "sep");
  int64_t maxsplit = int_arg(a, 1, "maxsplit", -1);
  const std::string& str = s.as_string();
  if (!sep || sep->is_none()) return str_list(rsplit_ws(str, maxsplit));
  const std::string& d = str_arg(a, 0, "sep", "rsplit");
  if (d.empty()) throw_error(ErrorKind::kValue, "empty separator");
  std::vector<std::string> out;
  size_t end = str.size();
  while (true) {
    if (maxsplit >= 0 && static_cast<int64_t>(out.size()) >= maxsplit) break;
    if (end < d.size()) break;
    size_t p = str.rfind(d, end - d.size());
    if (p == std::string::npos) break;
    out.push_back(str.substr(p + d.size(), end - p - d.size()));
    end = p;
  }
  out.push_back(str.substr(0, end));
  std::reverse(out.begin(), out.end());
  return str_list(std::move(out));
}
Value s_replace(Interp& in, const Value& s, CallArgs& a) {
  const std::string& old = str_arg(a, 0, "old", "replace");
  const std::string& repl = str_arg(a, 1, "new", "replace");
  int64_t count = int_arg(a, 2, "count", -1);
  const std::string& str = s.as_string();
  std::string out;
  if (old.empty()) {
    int64_t done = 0;
    auto chars = utf8_chars(str);
    for (size_t i = 0; i <= chars.size(); ++i) {
      if (count < 0 || done < count) {
        out += repl;
        ++done;
      }
      if (i < chars.size()) out += chars[i];
      in.check_size(out.size());
    }
    return Value(std::move(out));
  }
  size_t start = 0;
  int64_t done = 0;
  while (count < 0 || done < count) {
    size_t p = str.find(old, start);
    if (p == std::string::npos) break;
    out.append(str, start, p - start);
    out += repl;
    start = p + old.size();
    ++done;
    in.check_size(out.size());
  }
  out.append(str, start, std::string::npos);
  return Value(std::move(out));
}
bool prefix_match(const Value& s, CallArgs& a, bool suffix) {
  const Value* p = a.find(0, "prefix");
  if (!p) throw_error(ErrorKind::kType, "startswith() takes at least 1 argument (0 given)");
  auto [b, e] = span_args(a, 1, s.as_string().size());
  std::string_view sv = std::string_view(s.as_string());
  sv = b <= e ? sv.substr(b, e - b) : std::string_view();
  auto test = [&](const Value& x) {
    if (!x.is_string())
      throw_error(ErrorKind::kType, std::string(suffix ? "endswith" : "startswith") +
                                        " first arg must be str or a tuple of str, not " +
                                        std::string(x.type_name()));
    const std::string& t = x.as_string();
    if (t.size() > sv.size()) return false;
    return suffix ? sv.substr(sv.size() - t.size()) == t : sv.substr(0, t.size()) == t;
  };
  if (p->is_tuple()) {
    for (const auto& x : p->as_list().items)
      if (test(x)) return true;
    return false;
  }
  return test(*p);
}
Value s_startswith(Interp&, const Value& s, CallArgs& a) {
  return Value(prefix_match(s, a, false));
}
Value s_endswith(Interp&, const Value& s, CallArgs& a) {
  return Value(prefix_match(s, a, true));
}
Value s_format(Interp&, const Value& s, CallArgs& a) {
  return Value(py_str_format(s.as_string(), a));
}
Value s_join(Interp& in, const Value& s, CallArgs& a) {
  const Value* it = a.find(0, "iterable");
  if (!it) throw_error(ErrorKind::kType, "join() takes exactly one argument (0 given)");
  std::vector<Value> items = in.iterate(*it);
  std::string out;
  for (size_t i = 0; i < items.size(); ++i) {
    if (!items[i].is_string())
      throw_error(ErrorKind::kType, "sequence item " + std::to_string(i) +
                                        ": expected str instance, " +
                                        std::string(items[i].type_name()) + " found");
    if (i) out += s.as_string();
    out += items[i].as_string();
    in.check_size(out.size());
  }
  return Value(std::move(out));
}
Value s_title(Interp&, const Value& s, CallArgs&) {
  std::string r = s.as_string();
  bool prev_cased = false;
  for (auto& c : r) {
    if (is_alpha(c)) {
      c = prev_cased ? low(c) : up(c);
      prev_cased = true;
    } else {
      prev_cased = false;
    }
  }
  return Value(std::move(r));
}
Value s_capitalize(Interp&, const Value& s, CallArgs&) {
  std::string r = s.as_string();
  for (size_t i = 0; i < r.size(); ++i) r[i] = i == 0 ? up(r[i]) : low(r[i]);
  return Value(std::move(r));
}
Value s_swapcase(Interp&, const Value& s, CallArgs&) {
  std::string r = s.as_string();
  for (auto& c : r) c = std::isupper(static_cast<unsigned char>(c)) ? low(c) : up(c);
  return Value(std::move(r));
}
Value s_count(Interp&, const Value& s, CallArgs& a) {
  const std::string& sub = str_arg(a, 0, "sub", "count");
  auto [b, e] = span_args(a, 1, s.as_string().size());
  if (b > e) return Value(int64_t{0});
  std::string_view sv = std::string_view(s.as_string()).substr(b, e - b);
  if (sub.empty()) return Value(static_cast<int64_t>(utf8_length(sv) + 1));
  int64_t n = 0;
  for (size_t p = sv.find(sub); p != std::string_view::npos; p = sv.find(sub, p + sub.size())) ++n;
  return Value(n);
}
int64_t find_impl(const Value& s, CallArgs& a, bool reverse) {
  const std::string& sub = str_arg(a, 0, "sub", "find");
  auto [b, e] = span_args(a, 1, s.as_string().size());
  if (b > e) return -1;
  std::string_view sv = std::string_view(s.as_string()).substr(b, e - b);
  size_t p = reverse ? sv.rfind(sub) : sv.find(sub);
  if (p == std::string_view::npos) return -1;
  return static_cast<int64_t>(utf8_length(std::string_view(s.as_string()).substr(0, b + p)));
}
Value s_find(Interp&, const Value& s, CallArgs& a) {
  return Value(find_impl(s, a, false));
}
Value s_rfind(Interp&, const Value& s, CallArgs& a) {
  return Value(find_impl(s, a, true));
}
Value s_index(Interp&, const Value& s, CallArgs& a) {
  int64_t r = find_impl(s, a, false);
  if (r < 0) throw_error(ErrorKind::kValue, "substring not found");
  return Value(r);
}
Value s_rindex(Interp&, const Value& s, CallArgs& a) {
  int64_t r = find_impl(s, a, true);
  if (r < 0) throw_error(ErrorKind::kValue, "substring not found");
  return Value(r);
}
template <int (*Pred)(int)>
Value s_is_all(Interp&, const Value& s, CallArgs&) {
  const std::string& str = s.as_string();
  if (str.empty()) return Value(false);
  for (unsigned char c : str)
    if (!Pred(c)) return Value(false);
  return Value(true);
}
Value s_isspace(Interp&, const Value& s, CallArgs&) {
  const std::string& str = s.as_string();
  if (str.empty()) return Value(false);
  for (unsigned char c : str)
    if (!py_isspace(c)) return Value(false);
  return Value(true);
}
Value s_isupper(Interp&, const Value& s, CallArgs&) {
  bool cased = false;
  for (unsigned char c : s.as_string()) {
    if (std::islower(c)) return Value(false);
    if (std::isupper(c)) cased = true;
  }
  return Value(cased);
}
Value s_islower(Interp&, const Value& s, CallArgs&) {
  bool cased = false;
  for (unsigned char c : s.as_string()) {
    if (std::isupper(c)) return Value(false);
    if (std::islower(c)) cased = true;
  }
  return Value(cased);
}
Value s_splitlines(Interp&, const Value& s, CallArgs& a) {
  bool keep = a.get(0, "keepends", Value(false)).truthy();
  const std::string& str = s.as_string();
  std::vector<std::string> out;
  size_t i = 0, start = 0;
  while (i < str.size()) {
    unsigned char c = static_cast<unsigned char>(str[i]);
    if (c == '\n' || c == '\r' || c == '\v' || c == '\f' || c == 0x1c || c == 0x1d || c == 0x1e) {
      size_t eol = i + 1;
      if (c == '\r' && eol < str.size() && str[eol] == '\n') ++eol;
      out.push_back(str.substr(start, (keep ? eol : i) - start));
      start = i = eol;
    } else {
      ++i;
    }
  }
  if (start < str.size()) out.push_back(str.substr(start));
  return str_list(std::move(out));
}
Value s_zfill(Interp&, const Value& s, CallArgs& a) {
  int64_t w = int_arg(a, 0, "width", 0);
  std::string str = s.as_string();
  int64_t len = static_cast<int64_t>(utf8_length(str));
  if (w <= len) return Value(str);
  if (w > 1 << 24) throw_error(ErrorKind::kRuntime, "output size limit exceeded");
  size_t sign = (!str.empty() && (str[0] == '+' || str[0] == '-')) ? 1 : 0;
  str.insert(sign, static_cast<size_t>(w - len), '0');
  return Value(std::move(str));
}
Value justify(const Value& s, CallArgs& a, char how) {
  int64_t w = int_arg(a, 0, "width", 0);
  std::string fill = " ";
  if (const Value* f = a.find(1, "fillchar")) fill = f->str();
  if (utf8_length(fill) != 1)
    throw_error(ErrorKind::kType, "The fill character must be exactly one character long");
  const std::string& str = s.as_string();
  int64_t len = static_cast<int64_t>(utf8_length(str));
  if (w <= len) return Value(str);
  if (w > 1 << 24) throw_error(ErrorKind::kRuntime, "output size limit exceeded");
  size_t n = static_cast<size_t>(w - len);
  auto rep = [&](size_t k) {
    std::string r;
    for (size_t i = 0; i < k; ++i) r += fill;
    return r;
  };
  if (how == '<') return Value(str + rep(n));
  if (how == '>') return Value(rep(n) + str);
  // Python's center puts the extra char on the left when the width and length are both odd.
  size_t left = n / 2 + (n & static_cast<size_t>(w) & 1);
  return Value(rep(left) + str + rep(n - left));
}
Value s_ljust(Interp&, const Value& s, CallArgs& a) {
  return justify(s, a, '<');
}
Value s_rjust(Interp&, const Value& s, CallArgs& a) {
  return justify(s, a, '>');
}
Value s_center(Interp&, const Value& s, CallArgs& a) {
  return justify(s, a, '^');
}
Value s_partition(Interp&, const Value& s, CallArgs& a) {
  const std::string& sep = str_arg(a, 0, "sep", "partition");
  const std::string& str = s.as_string();
  if (sep.empty()) throw_error(ErrorKind::kValue, "empty separator");
  size_t p = str.find(sep);
  if (p == std::string::npos) return Value::tuple({Value(str), Value(""), Value("")});
  return Value::tuple({Value(str.substr(0, p)), Value(sep), Value(str.substr(p + sep.size()))});
}
Value s_rpartition(Interp&, const Value& s, CallArgs& a) {
  const std::string& sep = str_arg(a, 0, "sep", "rpartition");
  const std::string& str = s.as_string();
  if (sep.empty()) throw_error(ErrorKind::kValue, "empty separator");
  size_t p = str.rfind(sep);
  if (p == std::string::npos) return Value::tuple({Value(""), Value(""), Value(str)});
  return Value::tuple({Value(str.substr(0, p)), Value(sep), Value(str.substr(p + sep.size()))});
}
Value s_removeprefix(Interp&, const Value& s, CallArgs& a) {
  const std::string& p = str_arg(a, 0, "prefix", "removeprefix");
  const std::string& str = s.as_string();
  if (str.compare(0, p.size(), p) == 0) return Value(str.substr(p.size()));
  return Value(str);
}
Value s_removesuffix(Interp&, const Value& s, CallArgs& a) {
  const std::string& p = str_arg(a, 0, "suffix", "removesuffix");
  const std::string& str = s.as_string();
  if (!p.empty() && str.size() >= p.size() && str.compare(str.size() - p.size(), p.size(), p) == 0)
    return Value(str.substr(0, str.size() - p.size()));
  return Value(str);
}

// ---- list / tuple ----

Value l_append(Interp&, const Value& self, CallArgs& a) {
  if (a.positional.size() != 1)
    throw_error(ErrorKind::kType, "list.append() takes exactly one argument (" +
                                      std::to_string(a.positional.size()) + " given)");
  self.as_list().items.push_back(a.positional[0]);
  return Value::none();
}
Value l_extend(Interp& in, const Value& self, CallArgs& a) {
  if (a.positional.size() != 1)
    throw_error(ErrorKind::kType, "list.extend() takes exactly one argument");
  if (a.positional[0].is_undefined()) raise_undefined(a.positional[0]);
  std::vector<Value> items = in.iterate(a.positional[0]);
  auto& dst = self.as_list().items;
  dst.insert(dst.end(), items.begin(), items.end());
  return Value::none();
}
Value l_insert(Interp&, const Value& self, CallArgs& a) {
  if (a.positional.size() != 2) throw_error(ErrorKind::kType, "insert expected 2 arguments");
  auto& items = self.as_list().items;
  int64_t n = static_cast<int64_t>(items.size());
  int64_t i = int_arg(a, 0, "index", 0);
  if (i < 0) i = std::max<int64_t>(0, i + n);
  if (i > n) i = n;
  items.insert(items.begin() + i, a.positional[1]);
  return Value::none();
}
Value l_pop(Interp&, const Value& self, CallArgs& a) {
  auto& items = self.as_list().items;
  if (items.empty()) throw_error(ErrorKind::kIndex, "pop from empty list");
  int64_t n = static_cast<int64_t>(items.size());
  int64_t i = int_arg(a, 0, "index", -1);
  if (i < 0) i += n;
  if (i < 0 || i >= n) throw_error(ErrorKind::kIndex, "pop index out of range");
  Value v = items[static_cast<size_t>(i)];
  items.erase(items.begin() + i);
  return v;
}
Value l_remove(Interp&, const Value& self, CallArgs& a) {
  if (a.positional.size() != 1)
    throw_error(ErrorKind::kType, "remove() takes exactly one argument");
  auto& items = self.as_list().items;
  for (size_t i = 0; i < items.size(); ++i) {
    if (items[i].equals(a.positional[0])) {
      items.erase(items.begin() + static_cast<std::ptrdiff_t>(i));
      return Value::none();
    }
  }
  throw_error(ErrorKind::kValue, "list.remove(x): x not in list");
}
Value l_index(Interp&, const Value& self, CallArgs& a) {
  if (a.positional.empty()) throw_error(ErrorKind::kType, "index expected at least 1 argument");
  const auto& items = self.as_list().items;
  auto [b, e] = span_args(a, 1, items.size());
  for (size_t i = b; i < e; ++i)
    if (items[i].equals(a.positional[0])) return Value(static_cast<int64_t>(i));
  throw_error(ErrorKind::kValue, a.positional[0].repr() + " is not in list");
}
Value l_count(Interp&, const Value& self, CallArgs& a) {
  if (a.positional.size() != 1) throw_error(ErrorKind::kType, "count() takes exactly one argument");
  int64_t n = 0;
  for (const auto& v : self.as_list().items)
    if (v.equals(a.positional[0])) ++n;
  return Value(n);
}
Value l_reverse(Interp&, const Value& self, CallArgs&) {
  auto& items = self.as_list().items;
  std::reverse(items.begin(), items.end());
  return Value::none();
}
Value l_sort(Interp&, const Value& self, CallArgs& a) {
  bool reverse = a.get(99, "reverse", Value(false)).truthy();
  if (!a.positional.empty()) throw_error(ErrorKind::kType, "sort() takes no positional arguments");
  if (a.kwarg("key")) throw_error(ErrorKind::kType, "sort(key=...) is not supported");
  auto& items = self.as_list().items;
  std::vector<Value> copy = items;
  std::stable_sort(copy.begin(), copy.end(), [&](const Value& x, const Value& y) {
    return reverse ? py_less(y, x) : py_less(x, y);
  });
  items = std::move(copy);
  return Value::none();
}
Value l_copy(Interp&, const Value& self, CallArgs&) {
  return Value::list(self.as_list().items);
}
Value l_clear(Interp&, const Value& self, CallArgs&) {
  self.as_list().items.clear();
  return Value::none();
}

// ---- dict ----

Value d_items(Interp&, const Value& self, CallArgs&) {
  std::vector<Value> out;
  out.reserve(self.as_dict().size());
  for (const auto& [k, v] : self.as_dict().entries) out.push_back(Value::tuple({k, v}));
  return Value::list(std::move(out));
}
Value d_keys(Interp&, const Value& self, CallArgs&) {
  std::vector<Value> out;
  for (const auto& [k, v] : self.as_dict().entries) out.push_back(k);
  return Value::list(std::move(out));
}
Value d_values(Interp&, const Value& self, CallArgs&) {
  std::vector<Value> out;
  for (const auto& [k, v] : self.as_dict().entries) out.push_back(v);
  return Value::list(std::move(out));
}
Value d_get(Interp&, const Value& self, CallArgs& a) {
  if (a.positional.empty())
    throw_error(ErrorKind::kType, "get expected at least 1 argument, got 0");
  const Value* v = self.as_dict().find(a.positional[0]);
  if (v) return *v;
  return a.positional.size() > 1 ? a.positional[1] : Value::none();
}
Value d_update(Interp& in, const Value& self, CallArgs& a) {
  auto& d = self.as_dict();
  if (!a.positional.empty()) {
    const Value& o = a.positional[0];
    if (o.is_dict()) {
      // Copy first: updating a dict with itself must not iterate while mutating.
      auto entries = o.as_dict().entries;
      for (auto& [k, v] : entries) d.set(k, v);
    } else {
      for (const auto& pair : in.iterate(o)) {
        std::vector<Value> kv = in.iterate(pair);
        if (kv.size() != 2)
          throw_error(ErrorKind::kValue, "dictionary update sequence element has wrong length");
        d.set(kv[0], kv[1]);
      }
    }
  }
  for (const auto& [k, v] : a.keyword) d.set(Value(k), v);
  return Value::none();
}
Value d_pop(Interp&, const Value& self, CallArgs& a) {
  if (a.positional.empty())
    throw_error(ErrorKind::kType, "pop expected at least 1 argument, got 0");
  auto& d = self.as_dict();
  if (const Value* v = d.find(a.positional[0])) {
    Value out = *v;
    d.erase(a.positional[0]);
    return out;
  }
  if (a.positional.size() > 1) return a.positional[1];
  throw_error(ErrorKind::kKey, a.positional[0].repr());
}
Value d_popitem(Interp&, const Value& self, CallArgs&) {
  auto& d = self.as_dict();
  if (d.entries.empty()) throw_error(ErrorKind::kKey, "'popitem(): dictionary is empty'");
  auto last = d.entries.back();
  d.erase(last.first);
  return Value::tuple({last.first, last.second});
}
Value d_setdefault(Interp&, const Value& self, CallArgs& a) {
  if (a.positional.empty())
    throw_error(ErrorKind::kType, "setdefault expected at least 1 argument");
  auto& d = self.as_dict();
  if (const Value* v = d.find(a.positional[0])) return *v;
  Value def = a.positional.size() > 1 ? a.positional[1] : Value::none();
  d.set(a.positional[0], def);
  return def;
}
Value d_copy(Interp&, const Value& self, CallArgs&) {
  auto d = std::make_shared<DictObject>();
  for (const auto& [k, v] : self.as_dict().entries) d->set(k, v);
  return Value::dict(std::move(d));
}
Value d_clear(Interp&, const Value& self, CallArgs&) {
  self.as_dict().clear();
  return Value::none();
}

using Table = std::unordered_map<std::string_view, Method>;

const Table& str_methods() {
  static const Table t = {
      {"lower", s_lower},
      {"upper", s_upper},
      {"strip", s_strip},
      {"lstrip", s_lstrip},
      {"rstrip", s_rstrip},
      {"split", s_split},
      {"rsplit", s_rsplit},
      {"replace", s_replace},
      {"startswith", s_startswith},
      {"endswith", s_endswith},
      {"format", s_format},
      {"join", s_join},
      {"title", s_title},
      {"capitalize", s_capitalize},
      {"swapcase", s_swapcase},
      {"casefold", s_lower},
      {"count", s_count},
      {"find", s_find},
      {"rfind", s_rfind},
      {"index", s_index},
      {"rindex", s_rindex},
      {"isdigit", s_is_all<std::isdigit>},
      {"isdecimal", s_is_all<std::isdigit>},
      {"isnumeric", s_is_all<std::isdigit>},
      {"isalpha", s_is_all<std::isalpha>},
      {"isalnum", s_is_all<std::isalnum>},
      {"isspace", s_isspace},
      {"isupper", s_isupper},
      {"islower", s_islower},
      {"splitlines", s_splitlines},
      {"zfill", s_zfill},
      {"ljust", s_ljust},
      {"rjust", s_rjust},
      {"center", s_center},
      {"partition", s_partition},
      {"rpartition", s_rpartition},
      {"removeprefix", s_removeprefix},
      {"removesuffix", s_removesuffix},
  };
  return t;
}

const Table& list_methods() {
  static const Table t = {
      {"append", l_append}, {"extend", l_extend}, {"insert", l_insert}, {"pop", l_pop},
      {"remove", l_remove}, {"index", l_index},   {"count", l_count},   {"reverse", l_reverse},
      {"sort", l_sort},     {"copy", l_copy},     {"clear", l_clear},
  };
  return t;
}

const Table& tuple_methods() {
  static const Table t = {{"index", l_index}, {"count", l_count}};
  return t;
}

const Table& dict_methods() {
  static const Table t = {
      {"items", d_items},     {"keys", d_keys},
      {"values", d_values},   {"get", d_get},
      {"update", d_update},   {"pop", d_pop},
      {"popitem", d_popitem}, {"setdefault", d_setdefault},
      {"copy", d_copy},       {"clear", d_clear},
  };
  return t;
}

const Table* table_for(const Value& v) {
  switch (v.kind()) {
    case Kind::kString:
      return &str_methods();
    case Kind::kList:
      return &list_methods();
    case Kind::kTuple:
      return &tuple_methods();
    case Kind::kDict:
      return &dict_methods();
    default:
      return nullptr;
  }
}

}  // namespace

MethodFn find_builtin_method(Kind kind, std::string_view name) {
  const Table* t = kind == Kind::kString  ? &str_methods()
                   : kind == Kind::kList  ? &list_methods()
                   : kind == Kind::kTuple ? &tuple_methods()
                   : kind == Kind::kDict  ? &dict_methods()
                                          : nullptr;
  if (!t) return nullptr;
  auto it = t->find(name);
  return it == t->end() ? nullptr : it->second;
}

bool has_builtin_method(const Value& obj, std::string_view name) {
  const Table* t = table_for(obj);
  return t && t->count(name);
}

std::optional<Value> call_builtin_method(Interp& in, const Value& obj, std::string_view name,
                                         CallArgs& args) {
  const Table* t = table_for(obj);
  if (!t) return std::nullopt;
  auto it = t->find(name);
  if (it == t->end()) return std::nullopt;
  return it->second(in, obj, args);
}

}  // namespace kiln::jinja
