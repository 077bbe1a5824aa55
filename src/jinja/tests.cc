// Jinja2's builtin tests (`x is defined`, `x is divisibleby 3`, `select('==', 1)`, ...).
#include <cmath>
#include <unordered_map>

#include "jinja/error.h"
#include "jinja/interpreter.h"

namespace kiln::jinja {

namespace {

const Value& arg0(const CallArgs& a, std::string_view test) {
  if (a.positional.empty()) {
    if (!a.keyword.empty()) return a.keyword[0].second;
    throw_error(ErrorKind::kType, std::string(test) + "() missing 1 required positional argument");
  }
  return a.positional[0];
}

int64_t int_mod2(const Value& v) {
  if (v.is_undefined()) raise_undefined(v);
  if (v.is_int() || v.is_bool()) {
    int64_t m = v.as_int() % 2;
    return m < 0 ? m + 2 : m;
  }
  if (v.is_float()) return static_cast<int64_t>(std::fmod(std::fabs(v.as_float()), 2.0));
  throw_error(ErrorKind::kType, "not all arguments converted during string formatting");
}

bool t_odd(Interp&, const Value& v, CallArgs&) {
  return int_mod2(v) == 1;
}
bool t_even(Interp&, const Value& v, CallArgs&) {
  return int_mod2(v) == 0;
}
bool t_divisibleby(Interp& in, const Value& v, CallArgs& a) {
  Value r = py_binary(BinOp::kMod, v, arg0(a, "divisibleby"), in.limits());
  return r.equals(Value(int64_t{0}));
}
bool t_defined(Interp&, const Value& v, CallArgs&) {
  return !v.is_undefined();
}
bool t_undefined(Interp&, const Value& v, CallArgs&) {
  return v.is_undefined();
}
bool t_filter(Interp& in, const Value& v, CallArgs&) {
  if (!v.is_string()) return false;
  Sym s = intern(v.as_string());
  return in.environment().find_filter(s) || find_builtin_filter(s);
}
bool t_test(Interp& in, const Value& v, CallArgs&) {
  if (!v.is_string()) return false;
  Sym s = intern(v.as_string());
  return in.environment().find_test(s) || find_builtin_test(s);
}
bool t_none(Interp&, const Value& v, CallArgs&) {
  return v.is_none();
}
bool t_boolean(Interp&, const Value& v, CallArgs&) {
  return v.is_bool();
}
bool t_false(Interp&, const Value& v, CallArgs&) {
  return v.is_bool() && !v.as_bool();
}
bool t_true(Interp&, const Value& v, CallArgs&) {
  return v.is_bool() && v.as_bool();
}
bool t_integer(Interp&, const Value& v, CallArgs&) {
  return v.is_int();
}
bool t_float(Interp&, const Value& v, CallArgs&) {
  return v.is_float();
}
bool t_lower(Interp&, const Value& v, CallArgs&) {
  bool cased = false;
  for (unsigned char c : v.str()) {
    if (std::isupper(c)) return false;
    if (std::islower(c)) cased = true;
  }
  return cased;
}
bool t_upper(Interp&, const Value& v, CallArgs&) {
  bool cased = false;
  for (unsigned char c : v.str()) {
    if (std::islower(c)) return false;
    if (std::isupper(c)) cased = true;
  }
  return cased;
}
bool t_string(Interp&, const Value& v, CallArgs&) {
  return v.is_string();
}
bool t_mapping(Interp&, const Value& v, CallArgs&) {
  return v.is_dict() || (v.is_host() && v.as_host().is_mapping());
}
bool t_number(Interp&, const Value& v, CallArgs&) {
  return v.is_number();
}
bool t_sequence(Interp&, const Value& v, CallArgs&) {
  return v.is_sequence() || v.is_string() || v.is_dict() || v.is_undefined() ||
         (v.is_host() && v.as_host().length().has_value());
}
bool t_iterable(Interp& in, const Value& v, CallArgs&) {
  switch (v.kind()) {
    case Kind::kUndefined:
    case Kind::kString:
    case Kind::kList:
    case Kind::kTuple:
    case Kind::kDict:
      return true;
    case Kind::kHost:
      return v.as_host().iterate(in).has_value();
    default:
      return false;
  }
}
bool t_callable(Interp&, const Value& v, CallArgs&) {
  return v.is_callable();
}
bool t_sameas(Interp&, const Value& v, CallArgs& a) {
  const Value& o = arg0(a, "sameas");
  if (v.kind() != o.kind()) return false;
  switch (v.kind()) {
    case Kind::kNone:
    case Kind::kUndefined:
      return v.kind() == Kind::kNone;
    case Kind::kBool:
      return v.as_bool() == o.as_bool();
    case Kind::kInt:
      // CPython caches small ints, so `is` holds for them.
      return v.as_int() == o.as_int() && v.as_int() >= -5 && v.as_int() <= 256;
    case Kind::kFloat:
      return false;
    default:
      return v.identity() == o.identity();
  }
}
bool t_escaped(Interp&, const Value& v, CallArgs&) {
  return v.is_safe();
}
bool t_in(Interp&, const Value& v, CallArgs& a) {
  return py_contains(arg0(a, "in"), v);
}
bool t_eq(Interp&, const Value& v, CallArgs& a) {
  return v.equals(arg0(a, "eq"));
}
bool t_ne(Interp&, const Value& v, CallArgs& a) {
  return !v.equals(arg0(a, "ne"));
}
bool t_lt(Interp&, const Value& v, CallArgs& a) {
  return py_compare(CmpOp::kLt, v, arg0(a, "lt"));
}
bool t_le(Interp&, const Value& v, CallArgs& a) {
  return py_compare(CmpOp::kLe, v, arg0(a, "le"));
}
bool t_gt(Interp&, const Value& v, CallArgs& a) {
  return py_compare(CmpOp::kGt, v, arg0(a, "gt"));
}
bool t_ge(Interp&, const Value& v, CallArgs& a) {
  return py_compare(CmpOp::kGe, v, arg0(a, "ge"));
}

using Table = std::unordered_map<Sym, BuiltinTest>;

const Table& table() {
  static const Table t = {
      {intern("odd"), t_odd},
      {intern("even"), t_even},
      {intern("divisibleby"), t_divisibleby},
      {intern("defined"), t_defined},
      {intern("undefined"), t_undefined},
      {intern("filter"), t_filter},
      {intern("test"), t_test},
      {intern("none"), t_none},
      {intern("boolean"), t_boolean},
      {intern("false"), t_false},
      {intern("true"), t_true},
      {intern("integer"), t_integer},
      {intern("float"), t_float},
      {intern("lower"), t_lower},
      {intern("upper"), t_upper},
      {intern("string"), t_string},
      {intern("mapping"), t_mapping},
      {intern("number"), t_number},
      {intern("sequence"), t_sequence},
      {intern("iterable"), t_iterable},
      {intern("callable"), t_callable},
      {intern("sameas"), t_sameas},
      {intern("escaped"), t_escaped},
      {intern("in"), t_in},
      {intern("=="), t_eq},
      {intern("eq"), t_eq},
      {intern("equalto"), t_eq},
      {intern("!="), t_ne},
      {intern("ne"), t_ne},
      {intern("<"), t_lt},
      {intern("lt"), t_lt},
      {intern("lessthan"), t_lt},
      {intern("<="), t_le},
      {intern("le"), t_le},
      {intern(">"), t_gt},
      {intern("gt"), t_gt},
      {intern("greaterthan"), t_gt},
      {intern(">="), t_ge},
      {intern("ge"), t_ge},
  };
  return t;
}

}  // namespace

BuiltinTest find_builtin_test(Sym name) {
  const auto& t = table();
  auto it = t.find(name);
  return it == t.end() ? nullptr : it->second;
}

}  // namespace kiln::jinja
