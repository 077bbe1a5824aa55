// Python operator semantics: arithmetic, comparison, membership, slicing, string formatting.
#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstring>

#include "jinja/error.h"
#include "jinja/interpreter.h"

namespace kiln::jinja {

namespace {

[[noreturn]] void unsupported(std::string_view op, const Value& a, const Value& b) {
  throw_error(ErrorKind::kType, "unsupported operand type(s) for " + std::string(op) + ": '" +
                                    std::string(a.type_name()) + "' and '" +
                                    std::string(b.type_name()) + "'");
}

bool is_intlike(const Value& v) {
  return v.is_int() || v.is_bool();
}

int64_t floor_div(int64_t a, int64_t b) {
  int64_t q = a / b;
  if ((a % b != 0) && ((a < 0) != (b < 0))) --q;
  return q;
}

int64_t floor_mod(int64_t a, int64_t b) {
  int64_t m = a % b;
  if (m != 0 && ((m < 0) != (b < 0))) m += b;
  return m;
}

double py_fmod(double a, double b) {
  double m = std::fmod(a, b);
  if (m != 0 && ((m < 0) != (b < 0))) m += b;
  if (m == 0) m = std::copysign(0.0, b);
  return m;
}

Value repeat_seq(const Value& seq, int64_t n, const Limits& limits) {
  if (n < 0) n = 0;
  if (seq.is_string()) {
    const std::string& s = seq.as_string();
    if (!s.empty() && static_cast<uint64_t>(n) > limits.max_output_bytes / s.size())
      throw_error(ErrorKind::kRuntime, "output size limit exceeded");
    std::string out;
    out.reserve(s.size() * static_cast<size_t>(n));
    for (int64_t i = 0; i < n; ++i) out += s;
    return seq.is_safe() ? Value::markup(std::move(out)) : Value(std::move(out));
  }
  const auto& items = seq.as_list().items;
  if (!items.empty() && static_cast<uint64_t>(n) > (limits.max_output_bytes / 64) / items.size())
    throw_error(ErrorKind::kRuntime, "sequence size limit exceeded");
  std::vector<Value> out;
  out.reserve(items.size() * static_cast<size_t>(n));
  for (int64_t i = 0; i < n; ++i) out.insert(out.end(), items.begin(), items.end());
  return seq.is_tuple() ? Value::tuple(std::move(out)) : Value::list(std::move(out));
}

int64_t checked(bool overflow, int64_t v) {
  if (overflow) throw_error(ErrorKind::kOverflow, "integer overflow (kiln uses 64-bit integers)");
  return v;
}

std::string_view operator_symbol(BinOp op) {
  switch (op) {
    case BinOp::kAdd:
      return "+";
    case BinOp::kSub:
      return "-";
    case BinOp::kMul:
      return "*";
    case BinOp::kDiv:
      return "/";
    case BinOp::kFloorDiv:
      return "//";
    case BinOp::kMod:
      return "%";
    case BinOp::kPow:
      return "**";
  }
  return "?";
}

}  // namespace

Value py_binary(BinOp op, const Value& a, const Value& b, const Limits& limits) {
  if (a.is_undefined()) raise_undefined(a);
  if (b.is_undefined()) raise_undefined(b);
  // Host values first, as Python tries __op__ then the other operand's __rop__.
  if (a.is_host()) {
    if (auto r = a.as_host().arithmetic(operator_symbol(op), b, false)) return std::move(*r);
  }
  if (b.is_host()) {
    if (auto r = b.as_host().arithmetic(operator_symbol(op), a, true)) return std::move(*r);
  }
  bool nums = a.is_number() && b.is_number();
  bool ints = is_intlike(a) && is_intlike(b);
  switch (op) {
    case BinOp::kAdd:
      if (ints) {
        int64_t r;
        bool ov = __builtin_add_overflow(a.as_int(), b.as_int(), &r);
        return Value(checked(ov, r));
      }
      if (nums) return Value(a.as_float() + b.as_float());
      if (a.is_string() && b.is_string()) {
        if (a.is_safe() || b.is_safe()) {
          std::string l = a.is_safe() ? a.as_string() : html_escape(a.as_string());
          l += b.is_safe() ? b.as_string() : html_escape(b.as_string());
          return Value::markup(std::move(l));
        }
        if (a.as_string().size() + b.as_string().size() > limits.max_output_bytes)
          throw_error(ErrorKind::kRuntime, "output size limit exceeded");
        std::string s;
        s.reserve(a.as_string().size() + b.as_string().size());
        s += a.as_string();
        s += b.as_string();
        return Value(std::move(s));
      }
      if ((a.is_list() && b.is_list()) || (a.is_tuple() && b.is_tuple())) {
        std::vector<Value> items = a.as_list().items;
        const auto& bi = b.as_list().items;
        items.insert(items.end(), bi.begin(), bi.end());
        return a.is_list() ? Value::list(std::move(items)) : Value::tuple(std::move(items));
      }
      if (a.is_list() && b.is_sequence())
        throw_error(ErrorKind::kType, "can only concatenate list (not \"tuple\") to list");
      unsupported("+", a, b);
    case BinOp::kSub:
      if (ints) {
        int64_t r;
        bool ov = __builtin_sub_overflow(a.as_int(), b.as_int(), &r);
        return Value(checked(ov, r));
      }
      if (nums) return Value(a.as_float() - b.as_float());
      unsupported("-", a, b);
    case BinOp::kMul:
      if (ints) {
        int64_t r;
        bool ov = __builtin_mul_overflow(a.as_int(), b.as_int(), &r);
        return Value(checked(ov, r));
      }
      if (nums) return Value(a.as_float() * b.as_float());
      if ((a.is_string() || a.is_sequence()) && is_intlike(b))
        return repeat_seq(a, b.as_int(), limits);
      if ((b.is_string() || b.is_sequence()) && is_intlike(a))
        return repeat_seq(b, a.as_int(), limits);
      if ((a.is_string() || a.is_sequence()) || (b.is_string() || b.is_sequence()))
        throw_error(ErrorKind::kType,
                    "can't multiply sequence by non-int of type '" +
                        std::string(b.is_number() ? b.type_name() : a.type_name()) + "'");
      unsupported("*", a, b);
    case BinOp::kDiv:
      if (nums) {
        if (b.as_float() == 0) throw_error(ErrorKind::kZeroDivision, "division by zero");
        return Value(a.as_float() / b.as_float());
      }
      unsupported("/", a, b);
    case BinOp::kFloorDiv:
      if (ints) {
        if (b.as_int() == 0)
          throw_error(ErrorKind::kZeroDivision, "integer division or modulo by zero");
        if (a.as_int() == INT64_MIN && b.as_int() == -1)
          throw_error(ErrorKind::kOverflow, "integer overflow");
        return Value(floor_div(a.as_int(), b.as_int()));
      }
      if (nums) {
        if (b.as_float() == 0)
          throw_error(ErrorKind::kZeroDivision, "float floor division by zero");
        double x = a.as_float(), y = b.as_float();
        double mod = std::fmod(x, y);
        double div = (x - mod) / y;
        if (mod != 0 && ((y < 0) != (mod < 0))) div -= 1.0;
        double fl;
        if (div != 0) {
          fl = std::floor(div);
          if (div - fl > 0.5) fl += 1.0;
        } else {
          fl = std::copysign(0.0, x / y);
        }
        return Value(fl);
      }
      unsupported("//", a, b);
    case BinOp::kMod:
      if (a.is_string()) return Value(py_percent_format(a.as_string(), b));
      if (ints) {
        if (b.as_int() == 0)
          throw_error(ErrorKind::kZeroDivision, "integer division or modulo by zero");
        if (b.as_int() == -1) return Value(int64_t{0});
        return Value(floor_mod(a.as_int(), b.as_int()));
      }
      if (nums) {
        if (b.as_float() == 0) throw_error(ErrorKind::kZeroDivision, "float modulo");
        return Value(py_fmod(a.as_float(), b.as_float()));
      }
      unsupported("%", a, b);
    case BinOp::kPow:
      if (ints) {
        int64_t base = a.as_int(), e = b.as_int();
        if (e < 0) {
          if (base == 0)
            throw_error(ErrorKind::kZeroDivision, "0.0 cannot be raised to a negative power");
          return Value(std::pow(static_cast<double>(base), static_cast<double>(e)));
        }
        int64_t r = 1;
        while (e > 0) {
          if (e & 1) {
            bool ov = __builtin_mul_overflow(r, base, &r);
            checked(ov, 0);
          }
          e >>= 1;
          if (e > 0) {
            bool ov = __builtin_mul_overflow(base, base, &base);
            checked(ov, 0);
          }
        }
        return Value(r);
      }
      if (nums) {
        double x = a.as_float(), y = b.as_float();
        if (x == 0 && y < 0)
          throw_error(ErrorKind::kZeroDivision, "0.0 cannot be raised to a negative power");
        if (x < 0 && std::floor(y) != y)
          throw_error(ErrorKind::kValue, "complex results are not supported");
        double r = std::pow(x, y);
        if (std::isinf(r) && !std::isinf(x)) throw_error(ErrorKind::kOverflow, "result too large");
        return Value(r);
      }
      unsupported("** or pow()", a, b);
  }
  return Value();
}

bool py_less(const Value& a, const Value& b) {
  if (a.is_undefined()) raise_undefined(a);
  if (b.is_undefined()) raise_undefined(b);
  if (a.is_host()) {
    if (auto order = a.as_host().compare(b)) return *order < 0;
  }
  if (b.is_host()) {
    if (auto order = b.as_host().compare(a)) return *order > 0;
  }
  if (a.is_number() && b.is_number()) {
    if (a.is_float() || b.is_float()) return a.as_float() < b.as_float();
    return a.as_int() < b.as_int();
  }
  if (a.is_string() && b.is_string()) return a.as_string() < b.as_string();
  if ((a.is_list() && b.is_list()) || (a.is_tuple() && b.is_tuple())) {
    const auto& x = a.as_list().items;
    const auto& y = b.as_list().items;
    if (&x == &y) return false;
    static thread_local int depth = 0;
    struct Guard {
      Guard() {
        if (++depth > 1000) {
          depth = 0;
          throw_error(ErrorKind::kRuntime, "maximum recursion depth exceeded in comparison");
        }
      }
      ~Guard() {
        if (depth > 0) --depth;
      }
    } guard;
    for (size_t i = 0; i < x.size() && i < y.size(); ++i) {
      if (!x[i].equals(y[i])) return py_less(x[i], y[i]);
    }
    return x.size() < y.size();
  }
  throw_error(ErrorKind::kType, "'<' not supported between instances of '" +
                                    std::string(a.type_name()) + "' and '" +
                                    std::string(b.type_name()) + "'");
}

bool py_contains(const Value& container, const Value& item) {
  switch (container.kind()) {
    case Kind::kUndefined:
      return false;
    case Kind::kString:
      if (!item.is_string()) {
        if (item.is_undefined()) raise_undefined(item);
        throw_error(ErrorKind::kType, "'in <string>' requires string as left operand, not " +
                                          std::string(item.type_name()));
      }
      return container.as_string().find(item.as_string()) != std::string::npos;
    case Kind::kList:
    case Kind::kTuple:
      for (const auto& v : container.as_list().items)
        if (v.equals(item)) return true;
      return false;
    case Kind::kDict:
      if (!item.hashable()) item.hash();
      return container.as_dict().find(item) != nullptr;
    case Kind::kHost:
      if (auto r = container.as_host().contains(item)) return *r;
      throw_error(ErrorKind::kType,
                  "argument of type '" + std::string(container.type_name()) + "' is not iterable");
    default:
      throw_error(ErrorKind::kType,
                  "argument of type '" + std::string(container.type_name()) + "' is not iterable");
  }
}

bool py_compare(CmpOp op, const Value& a, const Value& b) {
  switch (op) {
    case CmpOp::kEq:
      return a.equals(b);
    case CmpOp::kNe:
      return !a.equals(b);
    case CmpOp::kLt:
      return py_less(a, b);
    case CmpOp::kGt:
      return py_less(b, a);
    case CmpOp::kLe:
      return a.is_number() && b.is_number() ? a.as_float() <= b.as_float() || a.equals(b)
                                            : (py_less(a, b) || a.equals(b));
    case CmpOp::kGe:
      return a.is_number() && b.is_number() ? a.as_float() >= b.as_float() || a.equals(b)
                                            : (py_less(b, a) || a.equals(b));
    case CmpOp::kIn:
      return py_contains(b, a);
    case CmpOp::kNotIn:
      return !py_contains(b, a);
  }
  return false;
}

// ---- UTF-8 ----

size_t utf8_length(std::string_view s) {
  size_t n = 0;
  for (unsigned char c : s)
    if ((c & 0xC0) != 0x80) ++n;
  return n;
}

std::vector<std::string> utf8_chars(std::string_view s) {
  std::vector<std::string> out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size();) {
    size_t j = i + 1;
    while (j < s.size() && (static_cast<unsigned char>(s[j]) & 0xC0) == 0x80) ++j;
    out.emplace_back(s.substr(i, j - i));
    i = j;
  }
  return out;
}

// ---- slicing ----

namespace {

int64_t slice_index(const Value& v, const char* what) {
  if (v.is_int() || v.is_bool()) return v.as_int();
  if (v.is_undefined()) raise_undefined(v);
  throw_error(ErrorKind::kType, std::string("slice ") + what +
                                    " must be integers or None or have an __index__ method");
}

}  // namespace

Value py_slice(const Value& v, const Value& start_v, const Value& stop_v, const Value& step_v) {
  int64_t step = step_v.is_none() ? 1 : slice_index(step_v, "indices");
  if (step == 0) throw_error(ErrorKind::kValue, "slice step cannot be zero");
  std::vector<std::string> chars;
  bool is_str = v.is_string();
  bool ascii = true;
  if (is_str) {
    for (unsigned char c : v.as_string())
      if (c >= 0x80) ascii = false;
    if (!ascii) chars = utf8_chars(v.as_string());
  }
  int64_t n = is_str ? (ascii ? static_cast<int64_t>(v.as_string().size())
                              : static_cast<int64_t>(chars.size()))
                     : static_cast<int64_t>(v.as_list().items.size());
  auto adjust = [&](const Value& x, int64_t def, bool is_start) -> int64_t {
    if (x.is_none()) return def;
    int64_t i = slice_index(x, "indices");
    if (i < 0) {
      i += n;
      if (i < 0) i = step < 0 ? -1 : 0;
    } else if (i >= n) {
      i = step < 0 ? n - 1 : n;
    }
    (void)is_start;
    return i;
  };
  int64_t start = adjust(start_v, step < 0 ? n - 1 : 0, true);
  int64_t stop = adjust(stop_v, step < 0 ? -1 : n, false);
  std::vector<int64_t> idx;
  if (step > 0) {
    for (int64_t i = start; i < stop; i += step) idx.push_back(i);
  } else {
    for (int64_t i = start; i > stop; i += step) idx.push_back(i);
  }
  if (is_str) {
    std::string out;
    const std::string& s = v.as_string();
    for (int64_t i : idx) {
      if (ascii) {
        out += s[static_cast<size_t>(i)];
      } else {
        out += chars[static_cast<size_t>(i)];
      }
    }
    return Value(std::move(out));
  }
  std::vector<Value> out;
  out.reserve(idx.size());
  for (int64_t i : idx) out.push_back(v.as_list().items[static_cast<size_t>(i)]);
  return v.is_tuple() ? Value::tuple(std::move(out)) : Value::list(std::move(out));
}

// ---- numbers from strings ----

std::optional<int64_t> parse_py_int(std::string_view s, int base) {
  size_t b = 0, e = s.size();
  while (b < e && std::isspace(static_cast<unsigned char>(s[b]))) ++b;
  while (e > b && std::isspace(static_cast<unsigned char>(s[e - 1]))) --e;
  s = s.substr(b, e - b);
  if (s.empty()) return std::nullopt;
  bool neg = false;
  if (s[0] == '+' || s[0] == '-') {
    neg = s[0] == '-';
    s.remove_prefix(1);
  }
  if (base == 16 && s.size() > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) s.remove_prefix(2);
  if (base == 8 && s.size() > 2 && s[0] == '0' && (s[1] == 'o' || s[1] == 'O')) s.remove_prefix(2);
  if (base == 2 && s.size() > 2 && s[0] == '0' && (s[1] == 'b' || s[1] == 'B')) s.remove_prefix(2);
  if (base == 0) {
    base = 10;
    if (s.size() > 2 && s[0] == '0') {
      char k = static_cast<char>(s[1] | 0x20);
      if (k == 'x') base = 16;
      if (k == 'o') base = 8;
      if (k == 'b') base = 2;
      if (base != 10) s.remove_prefix(2);
    }
  }
  std::string clean;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '_') {
      if (i == 0 || i + 1 == s.size() || s[i + 1] == '_') return std::nullopt;
      continue;
    }
    clean += s[i];
  }
  if (clean.empty()) return std::nullopt;
  uint64_t v = 0;
  auto r = std::from_chars(clean.data(), clean.data() + clean.size(), v, base);
  if (r.ec != std::errc() || r.ptr != clean.data() + clean.size()) return std::nullopt;
  if (v > static_cast<uint64_t>(INT64_MAX) + (neg ? 1 : 0)) return std::nullopt;
  return neg ? static_cast<int64_t>(0 - v) : static_cast<int64_t>(v);
}

std::optional<double> parse_py_float(std::string_view s) {
  size_t b = 0, e = s.size();
  while (b < e && std::isspace(static_cast<unsigned char>(s[b]))) ++b;
  while (e > b && std::isspace(static_cast<unsigned char>(s[e - 1]))) --e;
  std::string t(s.substr(b, e - b));
  if (t.empty()) return std::nullopt;
  std::string lower;
  for (char c : t) lower += static_cast<char>(ascii_lower(c));
  std::string_view l = lower;
  bool neg = false;
  if (!l.empty() && (l[0] == '+' || l[0] == '-')) {
    neg = l[0] == '-';
    l.remove_prefix(1);
  }
  if (l == "inf" || l == "infinity") return neg ? -INFINITY : INFINITY;
  if (l == "nan") return NAN;
  std::string clean;
  for (size_t i = 0; i < t.size(); ++i) {
    if (t[i] == '_') {
      if (i == 0 || i + 1 == t.size() || !std::isdigit(static_cast<unsigned char>(t[i - 1])) ||
          !std::isdigit(static_cast<unsigned char>(t[i + 1])))
        return std::nullopt;
      continue;
    }
    clean += t[i];
  }
  for (char c : clean)
    if (!(std::isdigit(static_cast<unsigned char>(c)) || c == '.' || c == 'e' || c == 'E' ||
          c == '+' || c == '-'))
      return std::nullopt;
  char* end = nullptr;
  double d = std::strtod(clean.c_str(), &end);
  if (end != clean.c_str() + clean.size()) return std::nullopt;
  return d;
}

// ---- escaping ----

std::string html_escape(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&#34;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

// ---- formatting ----

namespace {

struct Spec {
  char fill = ' ';
  char align = 0;  // < > ^ =
  char sign = 0;   // + - space
  bool alt = false;
  bool zero = false;
  int width = -1;
  char grouping = 0;  // , or _
  int precision = -1;
  char type = 0;
};

std::string format_int_grouped(std::string digits, char sep) {
  std::string out;
  int count = 0;
  for (size_t i = digits.size(); i-- > 0;) {
    out += digits[i];
    if (++count % 3 == 0 && i > 0) out += sep;
  }
  std::reverse(out.begin(), out.end());
  return out;
}

std::string pad(std::string body, const Spec& sp, char default_align, size_t sign_len = 0) {
  if (sp.width < 0 || static_cast<int>(utf8_length(body)) >= sp.width) return body;
  size_t w = static_cast<size_t>(sp.width);
  size_t len = utf8_length(body);
  char align = sp.align ? sp.align : default_align;
  char fill = sp.fill;
  if (sp.zero && !sp.align) {
    align = '=';
    fill = '0';
  }
  size_t n = w - len;
  switch (align) {
    case '<':
      return body + std::string(n, fill);
    case '^':
      return std::string(n / 2, fill) + body + std::string(n - n / 2, fill);
    case '=':
      return body.substr(0, sign_len) + std::string(n, fill) + body.substr(sign_len);
    default:
      return std::string(n, fill) + body;
  }
}

std::string fixed(double d, int prec) {
  char buf[512];
  if (std::fabs(d) > 1e300) {
    std::string s = std::to_string(d);
    return s;
  }
  std::snprintf(buf, sizeof buf, "%.*f", std::min(prec, 100), d);
  return buf;
}

std::string format_number(const Value& v, const Spec& sp) {
  char type = sp.type;
  bool is_float = v.is_float();
  if (!type) type = is_float ? 'r' : 'd';
  std::string body;
  bool neg = false;
  if (type == 'd' || type == 'n' || type == 'b' || type == 'o' || type == 'x' || type == 'X' ||
      type == 'c') {
    if (is_float)
      throw_error(ErrorKind::kValue,
                  std::string("Unknown format code '") + type + "' for object of type 'float'");
    int64_t i = v.as_int();
    neg = i < 0;
    uint64_t u = neg ? 0 - static_cast<uint64_t>(i) : static_cast<uint64_t>(i);
    int base = type == 'b' ? 2 : type == 'o' ? 8 : (type == 'x' || type == 'X') ? 16 : 10;
    char buf[80];
    auto r = std::to_chars(buf, buf + sizeof buf, u, base);
    body.assign(buf, r.ptr);
    if (type == 'X')
      for (auto& c : body) c = static_cast<char>(ascii_upper(c));
    if (sp.grouping) body = format_int_grouped(body, sp.grouping);
    if (sp.alt && base != 10)
      body = std::string(type == 'b'   ? "0b"
                         : type == 'o' ? "0o"
                         : type == 'x' ? "0x"
                                       : "0X") +
             body;
  } else {
    double d = v.as_float();
    neg = std::signbit(d) && !std::isnan(d);
    double a = std::fabs(d);
    int prec = sp.precision < 0 ? 6 : sp.precision;
    if (std::isinf(a)) {
      body = "inf";
    } else if (std::isnan(a)) {
      body = "nan";
    } else if (type == 'f' || type == 'F') {
      body = fixed(a, prec);
    } else if (type == '%') {
      body = fixed(a * 100, prec) + "%";
    } else if (type == 'e' || type == 'E') {
      char buf[512];
      std::snprintf(buf, sizeof buf, type == 'e' ? "%.*e" : "%.*E", std::min(prec, 100), a);
      body = buf;
    } else if (type == 'g' || type == 'G') {
      char buf[512];
      std::snprintf(buf, sizeof buf, type == 'g' ? "%.*g" : "%.*G",
                    std::min(prec == 0 ? 1 : prec, 100), a);
      body = buf;
    } else {  // 'r': repr, or precision with no type = general
      if (sp.precision >= 0) {
        char buf[512];
        std::snprintf(buf, sizeof buf, "%.*g", std::min(prec == 0 ? 1 : prec, 100), a);
        body = buf;
        if (body.find_first_of(".e") == std::string::npos && !sp.type) body += "";
      } else {
        body = is_float ? py_float_repr(a) : std::to_string(static_cast<int64_t>(a));
      }
    }
    if (sp.grouping) {
      size_t dot = body.find_first_of(".e%");
      std::string ip = body.substr(0, dot);
      std::string rest = dot == std::string::npos ? "" : body.substr(dot);
      if (std::all_of(ip.begin(), ip.end(),
                      [](char c) { return std::isdigit(static_cast<unsigned char>(c)); }))
        body = format_int_grouped(ip, sp.grouping) + rest;
    }
  }
  std::string sign;
  if (neg) {
    sign = "-";
  } else if (sp.sign == '+') {
    sign = "+";
  } else if (sp.sign == ' ') {
    sign = " ";
  }
  return pad(sign + body, sp, '>', sign.size());
}

Spec parse_spec(std::string_view s) {
  Spec sp;
  size_t i = 0;
  auto is_align = [](char c) { return c == '<' || c == '>' || c == '^' || c == '='; };
  if (s.size() >= 2 && is_align(s[1])) {
    sp.fill = s[0];
    sp.align = s[1];
    i = 2;
  } else if (!s.empty() && is_align(s[0])) {
    sp.align = s[0];
    i = 1;
  }
  if (i < s.size() && (s[i] == '+' || s[i] == '-' || s[i] == ' ')) sp.sign = s[i++];
  if (i < s.size() && s[i] == '#') {
    sp.alt = true;
    ++i;
  }
  if (i < s.size() && s[i] == '0') {
    sp.zero = true;
    ++i;
  }
  if (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i]))) {
    sp.width = 0;
    while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i])) && sp.width < 100000)
      sp.width = sp.width * 10 + (s[i++] - '0');
  }
  if (i < s.size() && (s[i] == ',' || s[i] == '_')) sp.grouping = s[i++];
  if (i < s.size() && s[i] == '.') {
    ++i;
    sp.precision = 0;
    while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i])) && sp.precision < 100000)
      sp.precision = sp.precision * 10 + (s[i++] - '0');
  }
  if (i < s.size()) sp.type = s[i++];
  if (i != s.size()) throw_error(ErrorKind::kValue, "Invalid format specifier");
  return sp;
}

std::string format_value(const Value& v, std::string_view spec_text) {
  if (spec_text.empty()) return v.str();
  // object.__format__ only accepts an empty spec: None, lists, dicts... cannot be formatted.
  if (!v.is_string() && !v.is_number())
    throw_error(ErrorKind::kType, "unsupported format string passed to " +
                                      std::string(v.is_none() ? "NoneType" : v.type_name()) +
                                      ".__format__");
  Spec sp = parse_spec(spec_text);
  if (v.is_number() && !(v.is_bool() && !sp.type)) return format_number(v, sp);
  if (sp.type && sp.type != 's')
    throw_error(ErrorKind::kValue, std::string("Unknown format code '") + sp.type +
                                       "' for object of type '" + std::string(v.type_name()) + "'");
  std::string s = v.str();
  if (sp.precision >= 0) {
    auto chars = utf8_chars(s);
    if (chars.size() > static_cast<size_t>(sp.precision)) {
      s.clear();
      for (int i = 0; i < sp.precision; ++i) s += chars[static_cast<size_t>(i)];
    }
  }
  return pad(s, sp, '<');
}

}  // namespace

std::string py_str_format(const std::string& fmt, const CallArgs& args) {
  std::string out;
  size_t auto_idx = 0;
  for (size_t i = 0; i < fmt.size(); ++i) {
    char c = fmt[i];
    if (c == '{') {
      if (i + 1 < fmt.size() && fmt[i + 1] == '{') {
        out += '{';
        ++i;
        continue;
      }
      size_t close = fmt.find('}', i);
      if (close == std::string::npos)
        throw_error(ErrorKind::kValue, "Single '{' encountered in format string");
      std::string field = fmt.substr(i + 1, close - i - 1);
      i = close;
      std::string spec;
      size_t colon = field.find(':');
      if (colon != std::string::npos) {
        spec = field.substr(colon + 1);
        field = field.substr(0, colon);
      }
      char conv = 0;
      size_t bang = field.find('!');
      if (bang != std::string::npos) {
        conv = bang + 1 < field.size() ? field[bang + 1] : 0;
        field = field.substr(0, bang);
      }
      // field: "" | digits | name, followed by .attr / [key] parts.
      size_t end = field.find_first_of(".[");
      std::string head = field.substr(0, end);
      Value v;
      if (head.empty()) {
        if (auto_idx >= args.positional.size())
          throw_error(ErrorKind::kIndex, "Replacement index " + std::to_string(auto_idx) +
                                             " out of range for positional args tuple");
        v = args.positional[auto_idx++];
      } else if (std::all_of(head.begin(), head.end(), [](char ch) {
                   return std::isdigit(static_cast<unsigned char>(ch));
                 })) {
        size_t k = std::stoul(head.substr(0, 9));
        if (k >= args.positional.size())
          throw_error(ErrorKind::kIndex,
                      "Replacement index " + head + " out of range for positional args tuple");
        v = args.positional[k];
      } else {
        const Value* kv = args.kwarg(head);
        if (!kv) throw_error(ErrorKind::kKey, "'" + head + "'");
        v = *kv;
      }
      if (end != std::string::npos) {
        std::string rest = field.substr(end);
        size_t p = 0;
        while (p < rest.size()) {
          if (rest[p] == '.') {
            size_t q = rest.find_first_of(".[", p + 1);
            std::string attr =
                rest.substr(p + 1, q == std::string::npos ? std::string::npos : q - p - 1);
            if (v.is_dict()) {
              const Value* x = v.as_dict().find(std::string_view(attr));
              if (!x) throw_error(ErrorKind::kAttribute, "object has no attribute '" + attr + "'");
              v = *x;
            } else {
              throw_error(ErrorKind::kAttribute, "object has no attribute '" + attr + "'");
            }
            p = q == std::string::npos ? rest.size() : q;
          } else {
            size_t q = rest.find(']', p);
            if (q == std::string::npos)
              throw_error(ErrorKind::kValue, "Missing ']' in format string");
            std::string key = rest.substr(p + 1, q - p - 1);
            Value kv;
            if (!key.empty() && std::all_of(key.begin(), key.end(), [](char ch) {
                  return std::isdigit(static_cast<unsigned char>(ch));
                })) {
              kv = Value(static_cast<int64_t>(std::stoll(key.substr(0, 18))));
            } else {
              kv = Value(key);
            }
            const Value* x = nullptr;
            if (v.is_dict()) {
              x = v.as_dict().find(kv);
            } else if (v.is_sequence() && kv.is_int()) {
              auto& items = v.as_list().items;
              if (kv.as_int() >= 0 && static_cast<size_t>(kv.as_int()) < items.size())
                x = &items[static_cast<size_t>(kv.as_int())];
            }
            if (!x) throw_error(ErrorKind::kKey, key);
            v = *x;
            p = q + 1;
          }
        }
      }
      if (conv == 'r') v = Value(v.repr());
      if (conv == 's') v = Value(v.str());
      out += format_value(v, spec);
    } else if (c == '}') {
      if (i + 1 < fmt.size() && fmt[i + 1] == '}') {
        out += '}';
        ++i;
        continue;
      }
      throw_error(ErrorKind::kValue, "Single '}' encountered in format string");
    } else {
      out += c;
    }
  }
  return out;
}

std::string py_percent_format(const std::string& fmt, const Value& args) {
  std::vector<Value> items;
  const DictObject* mapping = nullptr;
  if (args.is_tuple()) {
    items = args.as_list().items;
  } else {
    items.push_back(args);
    if (args.is_dict()) mapping = &args.as_dict();
  }
  size_t next = 0;
  std::string out;
  for (size_t i = 0; i < fmt.size(); ++i) {
    char c = fmt[i];
    if (c != '%') {
      out += c;
      continue;
    }
    if (++i >= fmt.size()) throw_error(ErrorKind::kValue, "incomplete format");
    if (fmt[i] == '%') {
      out += '%';
      continue;
    }
    Value v;
    bool have = false;
    if (fmt[i] == '(') {
      size_t close = fmt.find(')', i);
      if (close == std::string::npos) throw_error(ErrorKind::kValue, "incomplete format key");
      std::string key = fmt.substr(i + 1, close - i - 1);
      if (!mapping) throw_error(ErrorKind::kType, "format requires a mapping");
      const Value* x = mapping->find(std::string_view(key));
      if (!x) throw_error(ErrorKind::kKey, "'" + key + "'");
      v = *x;
      have = true;
      i = close + 1;
    }
    Spec sp;
    while (i < fmt.size() && std::strchr("-+ #0", fmt[i])) {
      if (fmt[i] == '-') sp.align = '<';
      if (fmt[i] == '+') sp.sign = '+';
      if (fmt[i] == ' ' && sp.sign != '+') sp.sign = ' ';
      if (fmt[i] == '#') sp.alt = true;
      if (fmt[i] == '0') sp.zero = true;
      ++i;
    }
    if (i < fmt.size() && fmt[i] == '*') {
      if (next >= items.size())
        throw_error(ErrorKind::kType, "not enough arguments for format string");
      sp.width = static_cast<int>(items[next++].as_int());
      ++i;
    }
    while (i < fmt.size() && std::isdigit(static_cast<unsigned char>(fmt[i]))) {
      if (sp.width < 0) sp.width = 0;
      sp.width = std::min(sp.width * 10 + (fmt[i++] - '0'), 100000);
    }
    if (i < fmt.size() && fmt[i] == '.') {
      ++i;
      sp.precision = 0;
      while (i < fmt.size() && std::isdigit(static_cast<unsigned char>(fmt[i])))
        sp.precision = std::min(sp.precision * 10 + (fmt[i++] - '0'), 100000);
    }
    while (i < fmt.size() && (fmt[i] == 'l' || fmt[i] == 'h' || fmt[i] == 'L')) ++i;
    if (i >= fmt.size()) throw_error(ErrorKind::kValue, "incomplete format");
    char conv = fmt[i];
    if (!have) {
      if (mapping && items.size() == 1 && next > 0)
        throw_error(ErrorKind::kType, "not enough arguments for format string");
      if (next >= items.size())
        throw_error(ErrorKind::kType, "not enough arguments for format string");
      v = items[next++];
    }
    if (sp.align == '<') sp.zero = false;
    switch (conv) {
      case 's':
      case 'r':
      case 'a': {
        std::string s = conv == 's' ? v.str() : v.repr();
        if (sp.precision >= 0 && s.size() > static_cast<size_t>(sp.precision))
          s = s.substr(0, static_cast<size_t>(sp.precision));
        sp.zero = false;
        out += pad(s, sp, '>');
        break;
      }
      case 'd':
      case 'i':
      case 'u': {
        if (!v.is_number()) {
          if (v.is_undefined()) raise_undefined(v);
          throw_error(ErrorKind::kType,
                      "%d format: a real number is required, not " + std::string(v.type_name()));
        }
        Value iv(v.is_float() ? static_cast<int64_t>(std::trunc(v.as_float())) : v.as_int());
        Spec s2 = sp;
        s2.type = 'd';
        s2.precision = -1;
        out += format_number(iv, s2);
        break;
      }
      case 'f':
      case 'F':
      case 'e':
      case 'E':
      case 'g':
      case 'G': {
        if (!v.is_number()) {
          if (v.is_undefined()) raise_undefined(v);
          throw_error(ErrorKind::kType, "must be real number, not " + std::string(v.type_name()));
        }
        Spec s2 = sp;
        s2.type = conv;
        out += format_number(Value(v.as_float()), s2);
        break;
      }
      case 'x':
      case 'X':
      case 'o': {
        if (!(v.is_int() || v.is_bool()))
          throw_error(ErrorKind::kType, "%x format: an integer is required");
        Spec s2 = sp;
        s2.type = conv;
        out += format_number(v, s2);
        break;
      }
      case 'c':
        if (v.is_string()) {
          out += v.as_string();
        } else {
          out += static_cast<char>(v.as_int());
        }
        break;
      default:
        throw_error(ErrorKind::kValue, std::string("unsupported format character '") + conv + "'");
    }
  }
  if (next < items.size() && !mapping)
    throw_error(ErrorKind::kType, "not all arguments converted during string formatting");
  return out;
}

}  // namespace kiln::jinja
