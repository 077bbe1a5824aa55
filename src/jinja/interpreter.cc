#include "jinja/interpreter.h"

#include <algorithm>

#include "jinja/error.h"
#include "jinja/objects.h"

namespace kiln::jinja {

namespace {

const Sym kLoop = intern("loop");
const Sym kCaller = intern("caller");
const Sym kVarargs = intern("varargs");
const Sym kKwargs = intern("kwargs");

const TemplatePtr& no_template() {
  static const TemplatePtr t = std::make_shared<const Template>();
  return t;
}

}  // namespace

[[noreturn]] void raise_undefined(const Value& u) {
  std::string hint = u.undefined_hint();
  throw_error(ErrorKind::kUndefined, hint.empty() ? "value is undefined" : hint);
}

Interp::Interp(Environment& env, const TemplatePtr& tmpl)
    : env_(env), tmpl_(tmpl ? tmpl.get() : no_template().get()) {
  stack_base_ = static_cast<const char*>(__builtin_frame_address(0));
}

void Interp::fail_budget() const {
  throw_error(ErrorKind::kRuntime,
              "execution budget exceeded (" + std::to_string(env_.limits().max_steps) + " steps)");
}

void Interp::check_stack() const {
  const char* here = static_cast<const char*>(__builtin_frame_address(0));
  size_t used = stack_base_ > here ? static_cast<size_t>(stack_base_ - here)
                                   : static_cast<size_t>(here - stack_base_);
  if (used > env_.limits().max_stack_bytes)
    throw_error(ErrorKind::kRuntime, "maximum recursion depth exceeded");
}

void Interp::check_size(size_t n) const {
  if (n > env_.limits().max_output_bytes)
    throw_error(ErrorKind::kRuntime, "output size limit exceeded");
}

void Interp::locate(Error& err, const Node* n) const {
  err.set_location(tmpl_->name(), tmpl_->source(), n->line, n->col);
}

// ---- names ----

Value Interp::lookup(Sym name, Frame* f) {
  for (Frame* p = f; p; p = p->parent.get())
    if (Value* v = p->find_local(name)) return *v;
  if (const Value* g = env_.find_global(name)) return *g;
  Value b = find_builtin_global(name);
  if (!b.is_undefined()) return b;
  if (env_.unknown_name_resolver())
    if (auto r = env_.unknown_name_resolver()(*name)) return *r;
  return Value::undefined("'" + *name + "' is undefined");
}

const Value* Interp::find_local_var(Sym name, Frame* f) {
  for (Frame* p = f; p; p = p->parent.get())
    if (Value* v = p->find_local(name)) return v;
  return nullptr;
}

Value Interp::resolve(std::string_view name) {
  return lookup(intern(name), cur_frame_);
}

// ---- expressions ----

void Interp::eval_args(const Arguments& a, Frame* f, CallArgs& out) {
  if (a.positional.empty() && a.keyword.empty() && !a.star && !a.dstar) return;
  out.positional.reserve(a.positional.size());
  for (const Expr* p : a.positional) out.positional.push_back(eval(p, f));
  if (a.star) {
    Value s = eval(a.star, f);
    for (auto& v : iterate(s)) out.positional.push_back(std::move(v));
  }
  for (const auto& [k, ex] : a.keyword) out.keyword.emplace_back(k, eval(ex, f));
  if (a.dstar) {
    Value d = eval(a.dstar, f);
    if (!d.is_dict()) throw_error(ErrorKind::kType, "argument after ** must be a mapping");
    for (const auto& [k, v] : d.as_dict().entries) {
      if (!k.is_string()) throw_error(ErrorKind::kType, "keywords must be strings");
      out.keyword.emplace_back(k.as_string(), v);
    }
  }
}

Value Interp::call(const Value& callee, CallArgs& args) {
  step();
  switch (callee.kind()) {
    case Kind::kMacro:
      return call_macro(callee, args);
    case Kind::kFunction:
      return callee.as_callable().call(args, *this);
    case Kind::kHost:
      return callee.as_host().call(args, *this);
    case Kind::kUndefined:
      raise_undefined(callee);
    default:
      throw_error(ErrorKind::kType,
                  "'" + std::string(callee.type_name()) + "' object is not callable");
  }
}

namespace {

MethodFn method_for(const GetattrExpr* ga, Kind k) {
  switch (k) {
    case Kind::kString:
      return ga->str_method;
    case Kind::kList:
      return ga->list_method;
    case Kind::kTuple:
      return ga->tuple_method;
    case Kind::kDict:
      return ga->dict_method;
    default:
      return nullptr;
  }
}

}  // namespace

Value Interp::eval_call(const CallExpr* c, Frame* f) {
  if (c->callee->kind == ExprKind::kGetattr) {
    // Method calls skip materializing a bound method.
    auto* ga = static_cast<const GetattrExpr*>(c->callee);
    Value obj = eval(ga->obj, f);
    switch (obj.kind()) {
      case Kind::kString:
      case Kind::kList:
      case Kind::kTuple:
      case Kind::kDict:
        if (MethodFn m = method_for(ga, obj.kind())) {
          CallArgs args;
          eval_args(c->args, f, args);
          step();
          return m(*this, obj, args);
        }
        break;
      case Kind::kHost: {
        CallArgs args;
        eval_args(c->args, f, args);
        step();
        CurFrame cur_scope(this, f);
        std::optional<Value> r = obj.as_host().call_method(ga->attr, args, *this);
        if (r) return std::move(*r);
        Value m = getattr(obj, ga->attr);
        Value out = call(m, args);
        return out;
      }
      case Kind::kUndefined:
        raise_undefined(obj);
      default:
        break;
    }
    Value m = getattr(obj, ga->attr);
    CallArgs args;
    eval_args(c->args, f, args);
    CurFrame cur_scope(this, f);
    Value out = call(m, args);
    return out;
  }
  Value callee = eval(c->callee, f);
  CallArgs args;
  eval_args(c->args, f, args);
  CurFrame cur_scope(this, f);
  Value out = call(callee, args);
  return out;
}

Value Interp::apply_filter(Sym name, const Value& input, CallArgs& args, BuiltinFilter builtin) {
  step();
  if (const auto* custom = env_.find_filter(name)) return (*custom)(input, args, *this);
  if (builtin) return builtin(*this, input, args);
  if (BuiltinFilter b = find_builtin_filter(name)) return b(*this, input, args);
  throw_error(ErrorKind::kAssertion, "No filter named '" + *name + "'.");
}

bool Interp::apply_test(Sym name, const Value& input, CallArgs& args, BuiltinTest builtin) {
  step();
  if (const auto* custom = env_.find_test(name)) return (*custom)(input, args, *this);
  if (builtin) return builtin(*this, input, args);
  if (BuiltinTest b = find_builtin_test(name)) return b(*this, input, args);
  throw_error(ErrorKind::kAssertion, "No test named '" + *name + "'.");
}

Value Interp::eval_filter(const FilterExpr* e, Frame* f, const Value* input) {
  Value tmp;
  const Value& in = input ? *input : eval_ref(e->input, f, tmp);
  CallArgs args;
  eval_args(e->args, f, args);
  CurFrame cur_scope(this, f);
  Value out = apply_filter(e->name, in, args, e->builtin);
  return out;
}

Value Interp::eval_test(const TestExpr* e, Frame* f) {
  Value tmp;
  const Value& in = eval_ref(e->input, f, tmp);
  if (e->builtin && e->args.positional.empty() && e->args.keyword.empty() && !e->args.star &&
      !e->args.dstar && !env_.has_custom_tests()) {
    // `x is defined`, `x is none`...: no arguments to build, no scope to publish.
    step();
    static thread_local CallArgs no_args;
    return Value(e->builtin(*this, in, no_args));
  }
  CallArgs args;
  eval_args(e->args, f, args);
  CurFrame cur_scope(this, f);
  bool r = apply_test(e->name, in, args, e->builtin);
  return Value(r);
}

Value Interp::eval_inner(const Expr* e, Frame* f) {
  step();
  switch (e->kind) {
    case ExprKind::kConst:
      return static_cast<const ConstExpr*>(e)->value;
    case ExprKind::kName:
      return lookup(static_cast<const NameExpr*>(e)->name, f);
    case ExprKind::kList:
    case ExprKind::kTuple: {
      const auto* s = static_cast<const SeqExpr*>(e);
      std::vector<Value> items;
      items.reserve(s->items.size());
      for (const Expr* it : s->items) items.push_back(eval(it, f));
      return e->kind == ExprKind::kList ? Value::list(std::move(items))
                                        : Value::tuple(std::move(items));
    }
    case ExprKind::kDict: {
      const auto* d = static_cast<const DictExpr*>(e);
      Value out = Value::dict();
      auto& dict = out.as_dict();
      for (const auto& [k, v] : d->items) {
        Value key = eval(k, f);
        dict.set(std::move(key), eval(v, f));
      }
      return out;
    }
    case ExprKind::kGetattr: {
      const auto* g = static_cast<const GetattrExpr*>(e);
      if (g->obj->kind == ExprKind::kName && !g->dict_method) {
        // `var.attr` on a local dict: read in place instead of copying the dict handle.
        if (const Value* local = find_local_var(static_cast<const NameExpr*>(g->obj)->name, f);
            local && local->is_dict()) {
          if (const Value* v = local->as_dict().find(std::string_view(g->attr))) return *v;
          return Value::undefined("'dict object' has no attribute '" + g->attr + "'");
        }
      }
      Value tmp;
      const Value& obj = eval_ref(g->obj, f, tmp);
      if (obj.is_dict() && !g->dict_method) {
        if (const Value* v = obj.as_dict().find(std::string_view(g->attr))) return *v;
        return Value::undefined("'dict object' has no attribute '" + g->attr + "'");
      }
      return getattr(obj, g->attr);
    }
    case ExprKind::kGetitem: {
      const auto* g = static_cast<const GetitemExpr*>(e);
      Value tmp_obj;
      const Value& obj = eval_ref(g->obj, f, tmp_obj);
      if (g->key->kind == ExprKind::kSlice) {
        const auto* s = static_cast<const SliceExpr*>(g->key);
        Value a = s->start ? eval(s->start, f) : Value::none();
        Value b = s->stop ? eval(s->stop, f) : Value::none();
        Value c = s->step ? eval(s->step, f) : Value::none();
        if (obj.is_undefined()) raise_undefined(obj);
        if (!(obj.is_sequence() || obj.is_string())) {
          return Value::undefined("'" + std::string(obj.type_name()) +
                                  "' object is not subscriptable");
        }
        return py_slice(obj, a, b, c);
      }
      Value tmp_key;
      return getitem(obj, eval_ref(g->key, f, tmp_key));
    }
    case ExprKind::kSlice:
      throw_error(ErrorKind::kSyntax, "slice outside of subscript");
    case ExprKind::kCall:
      check_stack();
      return eval_call(static_cast<const CallExpr*>(e), f);
    case ExprKind::kFilter:
      return eval_filter(static_cast<const FilterExpr*>(e), f, nullptr);
    case ExprKind::kTest:
      return eval_test(static_cast<const TestExpr*>(e), f);
    case ExprKind::kNeg:
    case ExprKind::kPos: {
      Value v = eval(static_cast<const UnaryExpr*>(e)->operand, f);
      if (v.is_undefined()) raise_undefined(v);
      bool neg = e->kind == ExprKind::kNeg;
      if (v.is_int() || v.is_bool()) {
        int64_t i = v.as_int();
        if (neg && i == INT64_MIN) throw_error(ErrorKind::kOverflow, "integer overflow");
        return Value(neg ? -i : i);
      }
      if (v.is_float()) return Value(neg ? -v.as_float() : v.as_float());
      if (neg && v.is_host()) {
        if (auto r = v.as_host().arithmetic("neg", Value::none(), false)) return std::move(*r);
      }
      throw_error(ErrorKind::kType, std::string("bad operand type for unary ") + (neg ? "-" : "+") +
                                        ": '" + std::string(v.type_name()) + "'");
    }
    case ExprKind::kNot:
      return Value(!eval(static_cast<const UnaryExpr*>(e)->operand, f).truthy());
    case ExprKind::kBinary: {
      const auto* b = static_cast<const BinaryExpr*>(e);
      Value tl, tr;
      const Value& l = eval_ref(b->left, f, tl);
      const Value& r = eval_ref(b->right, f, tr);
      return py_binary(b->op, l, r, env_.limits());
    }
    case ExprKind::kAnd: {
      const auto* b = static_cast<const BinaryExpr*>(e);
      Value l = eval(b->left, f);
      if (!l.truthy()) return l;
      return eval(b->right, f);
    }
    case ExprKind::kOr: {
      const auto* b = static_cast<const BinaryExpr*>(e);
      Value l = eval(b->left, f);
      if (l.truthy()) return l;
      return eval(b->right, f);
    }
    case ExprKind::kConcat: {
      const auto* c = static_cast<const ConcatExpr*>(e);
      std::string out;
      for (const Expr* p : c->parts) {
        eval(p, f).append_str(out);
        check_size(out.size());
      }
      return Value(std::move(out));
    }
    case ExprKind::kCompare: {
      const auto* c = static_cast<const CompareExpr*>(e);
      Value tmp_left;
      const Value* left = &eval_ref(c->first, f, tmp_left);
      Value tmp_right[2];
      int which = 0;
      for (const auto& [op, ex] : c->rest) {
        const Value& right = eval_ref(ex, f, tmp_right[which]);
        if (!py_compare(op, *left, right)) return Value(false);
        left = &right;
        which ^= 1;
      }
      return Value(true);
    }
    case ExprKind::kCond: {
      const auto* c = static_cast<const CondExpr*>(e);
      if (eval(c->test, f).truthy()) return eval(c->then, f);
      if (c->otherwise) return eval(c->otherwise, f);
      return Value::undefined(
          "the inline if-expression evaluated to false and no else section "
          "was defined.");
    }
  }
  return Value();
}

Value Interp::eval(const Expr* e, Frame* f) {
  try {
    return eval_inner(e, f);
  } catch (Error& err) {
    if (!err.has_location()) locate(err, e);
    throw;
  } catch (MacroReturn&) {
    throw;
  } catch (const std::bad_alloc&) {
    Error err(ErrorKind::kRuntime, "out of memory");
    locate(err, e);
    throw err;
  } catch (const std::exception& ex) {
    Error err(ErrorKind::kHost, ex.what());
    locate(err, e);
    throw err;
  }
}

// ---- attribute / item access ----

Value Interp::getattr(const Value& obj, std::string_view name) {
  switch (obj.kind()) {
    case Kind::kUndefined:
      raise_undefined(obj);
    case Kind::kDict:
    case Kind::kString:
    case Kind::kList:
    case Kind::kTuple:
      if (has_builtin_method(obj, name)) {
        std::string n(name);
        return Value::function(
            [obj, n](CallArgs& a, Runtime& rt) -> Value {
              return *call_builtin_method(static_cast<Interp&>(rt), obj, n, a);
            },
            n);
      }
      if (obj.is_dict())
        if (const Value* v = obj.as_dict().find(name)) return *v;
      break;
    case Kind::kHost:
      if (auto r = obj.as_host().get_attr(name, *this)) return std::move(*r);
      break;
    case Kind::kMacro: {
      auto& m = static_cast<MacroObject&>(obj.as_callable());
      if (name == "name") return Value(m.def->name);
      if (name == "arguments") {
        std::vector<Value> names;
        for (const auto& p : m.def->params) names.emplace_back(*p.name);
        return Value::tuple(std::move(names));
      }
      if (name == "catch_kwargs") return Value(m.def->uses_kwargs);
      if (name == "catch_varargs") return Value(m.def->uses_varargs);
      if (name == "caller") return Value(m.def->uses_caller);
      break;
    }
    default:
      break;
  }
  std::string tn(obj.type_name());
  if (obj.is_none()) tn = "None";
  return Value::undefined("'" + tn + " object' has no attribute '" + std::string(name) + "'");
}

Value Interp::getitem(const Value& obj, const Value& key) {
  switch (obj.kind()) {
    case Kind::kUndefined:
      raise_undefined(obj);
    case Kind::kList:
    case Kind::kTuple:
      if (key.is_int() || key.is_bool()) {
        const auto& items = obj.as_list().items;
        int64_t i = key.as_int();
        int64_t n = static_cast<int64_t>(items.size());
        if (i < 0) i += n;
        if (i >= 0 && i < n) return items[static_cast<size_t>(i)];
        return Value::undefined(std::string(obj.type_name()) + " object has no element " +
                                key.str());
      }
      break;
    case Kind::kDict:
      if (key.hashable())
        if (const Value* v = obj.as_dict().find(key)) return *v;
      break;
    case Kind::kString:
      if (key.is_int() || key.is_bool()) {
        const std::string& s = obj.as_string();
        int64_t i = key.as_int();
        bool ascii = std::all_of(s.begin(), s.end(),
                                 [](char c) { return static_cast<unsigned char>(c) < 0x80; });
        if (ascii) {
          int64_t n = static_cast<int64_t>(s.size());
          if (i < 0) i += n;
          if (i >= 0 && i < n) return Value(std::string(1, s[static_cast<size_t>(i)]));
        } else {
          auto chars = utf8_chars(s);
          int64_t n = static_cast<int64_t>(chars.size());
          if (i < 0) i += n;
          if (i >= 0 && i < n) return Value(chars[static_cast<size_t>(i)]);
        }
        return Value::undefined("string index out of range");
      }
      break;
    case Kind::kHost:
      if (auto r = obj.as_host().get_item(key, *this)) return std::move(*r);
      break;
    default:
      break;
  }
  if (key.is_string()) {
    if (obj.is_dict() || obj.is_host() || obj.is_string() || obj.is_sequence() ||
        obj.kind() == Kind::kMacro)
      return getattr(obj, key.as_string());
  }
  std::string tn(obj.type_name());
  return Value::undefined("'" + tn + " object' has no attribute " + key.repr());
}

// ---- iteration ----

std::vector<Value> Interp::iterate(const Value& v) {
  switch (v.kind()) {
    case Kind::kUndefined:
      return {};
    case Kind::kList:
    case Kind::kTuple:
      return v.as_list().items;
    case Kind::kDict: {
      std::vector<Value> keys;
      keys.reserve(v.as_dict().size());
      for (const auto& [k, _] : v.as_dict().entries) keys.push_back(k);
      return keys;
    }
    case Kind::kString: {
      std::vector<Value> out;
      for (auto& c : utf8_chars(v.as_string())) out.emplace_back(std::move(c));
      return out;
    }
    case Kind::kHost:
      if (auto r = v.as_host().iterate(*this)) return std::move(*r);
      break;
    default:
      break;
  }
  throw_error(ErrorKind::kType, "'" + std::string(v.type_name()) + "' object is not iterable");
}

// ---- statements ----

void Interp::exec_body(const Body& body, const FramePtr& f, std::string& out) {
  for (const Stmt* s : body) exec(s, f, out);
}

void Interp::assign(const Target& t, const Value& v, Frame* f) {
  switch (t.kind) {
    case Target::kName:
      f->set(t.name, v);
      return;
    case Target::kAttr: {
      Value ns = lookup(t.name, f);
      if (!ns.is_host() || !ns.as_host().set_attr(t.attr, v))
        throw_error(ErrorKind::kRuntime, "cannot assign attribute on non-namespace object");
      return;
    }
    case Target::kTuple: {
      std::vector<Value> items = iterate(v);
      if (items.size() != t.items.size()) {
        if (items.size() < t.items.size())
          throw_error(ErrorKind::kValue, "not enough values to unpack (expected " +
                                             std::to_string(t.items.size()) + ", got " +
                                             std::to_string(items.size()) + ")");
        throw_error(ErrorKind::kValue,
                    "too many values to unpack (expected " + std::to_string(t.items.size()) + ")");
      }
      for (size_t i = 0; i < items.size(); ++i) assign(t.items[i], items[i], f);
      return;
    }
  }
}

Value Interp::make_macro(const MacroDef& def, const FramePtr& closure) {
  auto m = std::make_shared<MacroObject>();
  m->tmpl = tmpl_->shared_from_this();
  m->def = &def;
  m->weak_closure = closure;
  return Value::callable(std::move(m), Kind::kMacro);
}

Value Interp::call_macro(const Value& mv, CallArgs& args) {
  std::string out;
  Value returned;
  if (run_macro(mv, args, out, returned)) return returned;
  return Value(std::move(out));
}

void Interp::call_macro_into(const Value& mv, CallArgs& args, std::string& out) {
  size_t mark = out.size();
  Value returned;
  if (run_macro(mv, args, out, returned)) {
    // return(x): the partial text is dropped and the call prints x.
    out.resize(mark);
    returned.append_str(out);
  }
}

bool Interp::run_macro(const Value& mv, CallArgs& args, std::string& out, Value& returned) {
  auto& m = static_cast<MacroObject&>(mv.as_callable());
  const MacroDef& d = *m.def;
  if (macro_depth_ >= env_.limits().max_macro_depth)
    throw_error(ErrorKind::kRuntime, "maximum recursion depth exceeded");
  check_stack();
  struct DepthGuard {
    explicit DepthGuard(int& d) : d(d) { ++d; }
    ~DepthGuard() { --d; }
    int& d;
  } depth_guard(macro_depth_);

  auto frame = std::make_shared<Frame>();
  frame->parent = m.closure();
  frame->vars.reserve(d.params.size() + 2);
  TemplateScope ts(this, m.tmpl.get());

  size_t npos = args.positional.size();
  // Which keyword arguments were bound to a parameter (few, so a small inline array).
  SmallVec<char, 8> used;
  for (size_t k = 0; k < args.keyword.size(); ++k) used.emplace_back(false);
  Value caller;
  bool have_caller = false;
  for (size_t k = 0; k < args.keyword.size(); ++k) {
    if (args.keyword[k].first == "caller" && d.uses_caller) {
      caller = args.keyword[k].second;
      have_caller = true;
      used[k] = true;
    }
  }
  for (size_t i = 0; i < d.params.size(); ++i) {
    const MacroParam& p = d.params[i];
    const Value* kw = nullptr;
    for (size_t k = 0; k < args.keyword.size(); ++k) {
      if (!used[k] && args.keyword[k].first == *p.name) {
        kw = &args.keyword[k].second;
        used[k] = true;
        break;
      }
    }
    if (i < npos) {
      if (kw)
        throw_error(ErrorKind::kType,
                    "macro '" + d.name + "' got multiple values for argument '" + *p.name + "'");
      frame->set(p.name, args.positional[i]);
    } else if (kw) {
      frame->set(p.name, *kw);
    } else if (p.default_value) {
      frame->set(p.name, eval(p.default_value, frame.get()));
    } else {
      frame->set(p.name, Value::undefined("parameter '" + *p.name + "' was not provided"));
    }
  }
  if (d.uses_caller && !frame->find_local(kCaller)) {
    frame->set(kCaller, have_caller ? caller : Value::undefined("No caller defined"));
  }
  if (npos > d.params.size()) {
    if (!d.uses_varargs)
      throw_error(ErrorKind::kType, "macro '" + d.name + "' takes not more than " +
                                        std::to_string(d.params.size()) + " argument(s)");
  }
  if (d.uses_varargs) {
    std::vector<Value> extra;
    for (size_t i = d.params.size(); i < npos; ++i) extra.push_back(args.positional[i]);
    frame->set(kVarargs, Value::tuple(std::move(extra)));
  }
  Value kwargs;
  if (d.uses_kwargs) kwargs = Value::dict();
  for (size_t k = 0; k < args.keyword.size(); ++k) {
    if (used[k]) continue;
    if (!d.uses_kwargs) {
      if (args.keyword[k].first == "caller")
        throw_error(ErrorKind::kType, "macro '" + d.name +
                                          "' was invoked with two values for the special caller "
                                          "argument. This is most likely a bug.");
      throw_error(ErrorKind::kType, "macro '" + d.name + "' takes no keyword argument '" +
                                        args.keyword[k].first + "'");
    }
    kwargs.as_dict().set(Value(args.keyword[k].first), args.keyword[k].second);
  }
  if (d.uses_kwargs) frame->set(kKwargs, kwargs);

  try {
    exec_body(d.body, frame, out);
  } catch (MacroReturn& r) {
    returned = std::move(r.value);
    return true;
  }
  return false;
}

void Interp::exec_for(const ForStmt* s, const FramePtr& f, std::string& out, const Value& iterable,
                      int depth0) {
  check_stack();
  // Lists are walked in place (by index, so mutation in the body is safe); other iterables and
  // filtered loops are materialized first.
  std::vector<Value> storage;
  const std::vector<Value>* items_ptr;
  if (iterable.is_sequence() && !s->filter) {
    items_ptr = &iterable.as_list().items;
  } else {
    storage = iterate(iterable);
    items_ptr = &storage;
  }
  auto frame = std::make_shared<Frame>();
  frame->parent = f;
  if (s->filter) {
    std::vector<Value> kept;
    for (auto& it : storage) {
      step();
      assign(s->target, it, frame.get());
      if (eval(s->filter, frame.get()).truthy()) kept.push_back(std::move(it));
    }
    storage = std::move(kept);
    frame->vars.clear();
  }
  const std::vector<Value>& items = *items_ptr;
  if (items.empty()) {
    if (!s->otherwise.empty()) {
      auto else_frame = std::make_shared<Frame>();
      else_frame->parent = f;
      exec_body(s->otherwise, else_frame, out);
    }
    return;
  }
  if (!s->uses_loop) {
    for (size_t i = 0; i < items.size(); ++i) {
      step();
      Value item = items[i];
      // Jinja2 gives every iteration a fresh scope: names set in the body do not carry over.
      frame->vars.clear();
      if (s->target.kind == Target::kName) {
        frame->vars.emplace_back(s->target.name, std::move(item));
      } else {
        assign(s->target, item, frame.get());
      }
      exec_body(s->body, frame, out);
      check_size(out.size());
    }
    return;
  }
  auto loop = std::make_shared<LoopObject>();
  loop->interp = this;
  loop->stmt = s;
  loop->outer = f;
  loop->depth0 = depth0;
  loop->items = &items;
  struct Expire {
    ~Expire() { l->items = nullptr; }
    LoopObject* l;
  } expire{loop.get()};
  Value loop_value = Value::host(loop);
  for (size_t i = 0; i < items.size(); ++i) {
    step();
    loop->index0 = static_cast<int64_t>(i);
    Value item = items[i];
    frame->vars.clear();
    frame->vars.emplace_back(kLoop, loop_value);
    if (s->target.kind == Target::kName && s->target.name != kLoop) {
      frame->vars.emplace_back(s->target.name, std::move(item));
    } else {
      assign(s->target, item, frame.get());
    }
    exec_body(s->body, frame, out);
    check_size(out.size());
  }
}

void Interp::exec(const Stmt* s, const FramePtr& f, std::string& out) {
  try {
    step();
    switch (s->kind) {
      case StmtKind::kData:
        out += static_cast<const DataStmt*>(s)->text;
        return;
      case StmtKind::kOutput: {
        const Expr* e = static_cast<const OutputStmt*>(s)->expr;
        if (e->kind == ExprKind::kName) {
          // Fast path: print a variable without copying it.
          Sym name = static_cast<const NameExpr*>(e)->name;
          for (Frame* p = f.get(); p; p = p->parent.get()) {
            if (Value* v = p->find_local(name)) {
              v->append_str(out);
              check_size(out.size());
              return;
            }
          }
        }
        if (e->kind == ExprKind::kCall &&
            static_cast<const CallExpr*>(e)->callee->kind == ExprKind::kName) {
          // `{{ f(...) }}`: a macro renders straight into the output, no temporary string.
          const auto* call_expr = static_cast<const CallExpr*>(e);
          Value callee = eval(call_expr->callee, f.get());
          try {
            CallArgs args;
            eval_args(call_expr->args, f.get(), args);
            CurFrame cur_scope(this, f.get());
            check_stack();
            if (callee.kind() == Kind::kMacro) {
              step();
              call_macro_into(callee, args, out);
            } else {
              call(callee, args).append_str(out);
            }
          } catch (Error& err) {
            if (!err.has_location()) locate(err, call_expr);
            throw;
          } catch (MacroReturn&) {
            throw;
          } catch (const std::bad_alloc&) {
            Error err(ErrorKind::kRuntime, "out of memory");
            locate(err, call_expr);
            throw err;
          } catch (const std::exception& ex) {
            Error err(ErrorKind::kHost, ex.what());
            locate(err, call_expr);
            throw err;
          }
          check_size(out.size());
          return;
        }
        if (e->kind == ExprKind::kConcat) {
          for (const Expr* p : static_cast<const ConcatExpr*>(e)->parts)
            eval(p, f.get()).append_str(out);
        } else {
          eval(e, f.get()).append_str(out);
        }
        check_size(out.size());
        return;
      }
      case StmtKind::kIf: {
        const auto* i = static_cast<const IfStmt*>(s);
        for (const auto& [cond, body] : i->branches) {
          Value tmp;
          if (eval_ref(cond, f.get(), tmp).truthy()) {
            exec_body(body, f, out);
            return;
          }
        }
        exec_body(i->otherwise, f, out);
        return;
      }
      case StmtKind::kFor: {
        const auto* fs = static_cast<const ForStmt*>(s);
        Value tmp;
        const Value& it = eval_ref(fs->iter, f.get(), tmp);
        exec_for(fs, f, out, it, 0);
        return;
      }
      case StmtKind::kSet: {
        const auto* st = static_cast<const SetStmt*>(s);
        Value v = eval(st->value, f.get());
        assign(st->target, v, f.get());
        return;
      }
      case StmtKind::kDo:
        eval(static_cast<const DoStmt*>(s)->expr, f.get());
        return;
      case StmtKind::kSetBlock:
      case StmtKind::kMacro:
      case StmtKind::kCallBlock:
      case StmtKind::kFilterBlock:
      case StmtKind::kInclude:
      case StmtKind::kImport:
      case StmtKind::kFromImport:
      case StmtKind::kWith:
        exec_rare(s, f, out);
        return;
      case StmtKind::kBlock:
        exec_body(static_cast<const BlockStmt*>(s)->body, f, out);
        return;
    }
  } catch (Error& err) {
    if (!err.has_location()) locate(err, s);
    throw;
  } catch (MacroReturn&) {
    throw;
  } catch (const std::bad_alloc&) {
    Error err(ErrorKind::kRuntime, "out of memory");
    locate(err, s);
    throw err;
  } catch (const std::exception& ex) {
    // Host code run outside an expression (str() of a printed object, iteration of a loop).
    Error err(ErrorKind::kHost, ex.what());
    locate(err, s);
    throw err;
  }
}

// Statements that are rare in loops, kept out of exec() so its hot cases stay small.
void Interp::exec_rare(const Stmt* s, const FramePtr& f, std::string& out) {
  switch (s->kind) {
    case StmtKind::kSetBlock: {
      const auto* st = static_cast<const SetBlockStmt*>(s);
      std::string buf;
      auto inner = f;
      exec_body(st->body, inner, buf);
      Value v(std::move(buf));
      for (const FilterExpr* fe : st->filters) v = eval_filter(fe, f.get(), &v);
      assign(st->target, v, f.get());
      return;
    }
    case StmtKind::kMacro: {
      const auto* m = static_cast<const MacroStmt*>(s);
      f->set(m->name, make_macro(m->def, f));
      return;
    }
    case StmtKind::kCallBlock: {
      const auto* cb = static_cast<const CallBlockStmt*>(s);
      Value caller = make_macro(cb->caller, f);
      const CallExpr* c = cb->call;
      CallArgs args;
      Value callee;
      if (c->callee->kind == ExprKind::kGetattr) {
        auto* ga = static_cast<const GetattrExpr*>(c->callee);
        Value obj = eval(ga->obj, f.get());
        callee = getattr(obj, ga->attr);
      } else {
        callee = eval(c->callee, f.get());
      }
      eval_args(c->args, f.get(), args);
      args.keyword.emplace_back("caller", caller);
      CurFrame cur_scope(this, f.get());
      Value r;
      try {
        r = call(callee, args);
      } catch (Error& err) {
        if (!err.has_location()) locate(err, c);
        throw;
      }
      r.append_str(out);
      return;
    }
    case StmtKind::kFilterBlock: {
      const auto* fb = static_cast<const FilterBlockStmt*>(s);
      std::string buf;
      exec_body(fb->body, f, buf);
      Value v(std::move(buf));
      for (const FilterExpr* fe : fb->filters) v = eval_filter(fe, f.get(), &v);
      v.append_str(out);
      return;
    }
    case StmtKind::kInclude: {
      const auto* inc = static_cast<const IncludeStmt*>(s);
      Value name = eval(inc->name, f.get());
      TemplatePtr t;
      try {
        t = load(name);
      } catch (Error& err) {
        if (err.kind() == ErrorKind::kTemplateNotFound && inc->ignore_missing) return;
        throw;
      }
      auto root = std::make_shared<Frame>();
      if (inc->with_context) root->parent = f;
      run_template(t, root, out);
      return;
    }
    case StmtKind::kImport: {
      const auto* im = static_cast<const ImportStmt*>(s);
      TemplatePtr t = load(eval(im->name, f.get()));
      FramePtr ctx = im->with_context ? snapshot(f.get()) : std::make_shared<Frame>();
      f->set(im->target, make_module(t, ctx, nullptr));
      return;
    }
    case StmtKind::kFromImport: {
      const auto* im = static_cast<const FromImportStmt*>(s);
      TemplatePtr t = load(eval(im->name, f.get()));
      FramePtr ctx = im->with_context ? snapshot(f.get()) : std::make_shared<Frame>();
      Value mod = make_module(t, ctx, nullptr);
      for (const auto& [name, alias] : im->names) {
        auto r = mod.as_host().get_attr(name, *this);
        f->set(alias, r ? *r
                        : Value::undefined("the template '" + t->name() +
                                           "' does not export the requested name '" + name + "'"));
      }
      return;
    }
    case StmtKind::kWith: {
      const auto* w = static_cast<const WithStmt*>(s);
      auto inner = std::make_shared<Frame>();
      inner->parent = f;
      std::vector<Value> values;
      for (const auto& [target, ex] : w->assignments) values.push_back(eval(ex, f.get()));
      for (size_t i = 0; i < values.size(); ++i)
        assign(w->assignments[i].first, values[i], inner.get());
      exec_body(w->body, inner, out);
      return;
    }
    default:
      return;
  }
}

// ---- templates and modules ----

// Jinja2 hands imported modules a copy of the visible variables ("with context"); a copy also
// keeps the module (stored in `f`) from referencing `f` in a shared_ptr cycle.
FramePtr Interp::snapshot(Frame* f) {
  auto out = std::make_shared<Frame>();
  for (Frame* p = f; p; p = p->parent.get())
    for (const auto& [k, v] : p->vars)
      if (!out->find_local(k)) out->vars.emplace_back(k, v);
  return out;
}

TemplatePtr Interp::load(const Value& name_value) {
  if (name_value.is_sequence()) {
    for (const auto& n : name_value.as_list().items) {
      try {
        return load(n);
      } catch (Error& e) {
        if (e.kind() != ErrorKind::kTemplateNotFound) throw;
      }
    }
    throw_error(ErrorKind::kTemplateNotFound, "none of the templates exist: " + name_value.repr());
  }
  if (name_value.is_undefined()) raise_undefined(name_value);
  return env_.get_template(name_value.str());
}

void Interp::run_template(const TemplatePtr& tmpl, const FramePtr& root, std::string& out) {
  check_stack();
  if (macro_depth_ >= env_.limits().max_macro_depth)
    throw_error(ErrorKind::kRuntime, "maximum recursion depth exceeded");
  struct DepthGuard {
    explicit DepthGuard(int& d) : d(d) { ++d; }
    ~DepthGuard() { --d; }
    int& d;
  } depth_guard(macro_depth_);
  TemplateScope ts(this, tmpl.get());
  exec_body(tmpl->body(), root, out);
}

Value Interp::make_module(const TemplatePtr& tmpl, const FramePtr& context_frame,
                          std::string* rendered) {
  auto root = std::make_shared<Frame>();
  root->parent = context_frame;
  auto mod = std::make_shared<ModuleObject>();
  run_template(tmpl, root, mod->body);
  if (rendered) *rendered = mod->body;
  mod->root = root;
  mod->tmpl = tmpl;
  return Value::host(std::move(mod));
}

// ---- object implementations ----

FramePtr MacroObject::closure() const {
  if (strong_closure) return strong_closure;
  if (auto f = weak_closure.lock()) return f;
  return nullptr;
}

Value MacroObject::call(CallArgs& args, Runtime& rt) {
  Value self =
      Value::callable(std::static_pointer_cast<Callable>(shared_from_this()), Kind::kMacro);
  return static_cast<Interp&>(rt).call_macro(self, args);
}

std::optional<Value> ModuleObject::get_attr(std::string_view name, Runtime&) {
  if (!name.empty() && name[0] == '_') return std::nullopt;
  for (const auto& [k, v] : root->vars) {
    if (*k == name) {
      if (v.kind() == Kind::kMacro) {
        // Hand out a copy that keeps the module scope alive (the frame holds only weak refs).
        auto& m = static_cast<MacroObject&>(v.as_callable());
        auto copy = std::make_shared<MacroObject>();
        copy->tmpl = m.tmpl;
        copy->def = m.def;
        copy->strong_closure = m.closure();
        return Value::callable(std::move(copy), Kind::kMacro);
      }
      return v;
    }
  }
  return std::nullopt;
}

std::optional<std::vector<Value>> ModuleObject::iterate(Runtime&) {
  std::vector<Value> names;
  for (const auto& [k, v] : root->vars)
    if (!k->empty() && (*k)[0] != '_') names.emplace_back(*k);
  return names;
}

std::optional<Value> LoopObject::get_attr(std::string_view name, Runtime&) {
  if (!items) throw_error(ErrorKind::kRuntime, "loop object used after its loop ended");
  int64_t n = static_cast<int64_t>(items->size());
  if (name == "index") return Value(index0 + 1);
  if (name == "index0") return Value(index0);
  if (name == "revindex") return Value(n - index0);
  if (name == "revindex0") return Value(n - index0 - 1);
  if (name == "first") return Value(index0 == 0);
  if (name == "last") return Value(index0 == n - 1);
  if (name == "length") return Value(n);
  if (name == "depth") return Value(static_cast<int64_t>(depth0 + 1));
  if (name == "depth0") return Value(static_cast<int64_t>(depth0));
  if (name == "previtem") {
    if (index0 == 0) return Value::undefined("there is no previous item");
    return (*items)[static_cast<size_t>(index0 - 1)];
  }
  if (name == "nextitem") {
    if (index0 + 1 >= n) return Value::undefined("there is no next item");
    return (*items)[static_cast<size_t>(index0 + 1)];
  }
  return std::nullopt;
}

std::optional<Value> LoopObject::call_method(std::string_view name, CallArgs& args, Runtime&) {
  if (!items) throw_error(ErrorKind::kRuntime, "loop object used after its loop ended");
  if (name == "cycle") {
    if (args.positional.empty()) throw_error(ErrorKind::kType, "no items for cycling given");
    return args.positional[static_cast<size_t>(index0) % args.positional.size()];
  }
  if (name == "changed") {
    Value cur = Value::tuple(args.positional);
    if (!has_last_changed || !cur.equals(last_changed)) {
      last_changed = cur;
      has_last_changed = true;
      return Value(true);
    }
    return Value(false);
  }
  return std::nullopt;
}

Value LoopObject::call(CallArgs& args, Runtime&) {
  if (!items) throw_error(ErrorKind::kRuntime, "loop object used after its loop ended");
  if (!stmt->recursive)
    throw_error(ErrorKind::kType, "The loop must be marked as 'recursive' to call it recursively.");
  if (args.positional.size() != 1)
    throw_error(ErrorKind::kType, "loop() takes exactly one argument");
  FramePtr f = outer.lock();
  std::string buf;
  interp->exec_for(stmt, f, buf, args.positional[0], depth0 + 1);
  return Value(std::move(buf));
}

}  // namespace kiln::jinja
