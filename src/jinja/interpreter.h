// Tree-walking evaluator (internal). One Interp per top-level render or C++ call.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "jinja/ast.h"
#include "jinja/environment.h"
#include "jinja/value.h"

namespace kiln::jinja {

// Vector with inline room for N elements: most scopes hold a handful of variables, and a macro
// call or loop should not pay a heap allocation for them.
template <typename T, size_t N>
class SmallVec {
 public:
  T* begin() { return heap_.empty() ? inline_ : heap_.data(); }
  T* end() { return begin() + size_; }
  const T* begin() const { return heap_.empty() ? inline_ : heap_.data(); }
  const T* end() const { return begin() + size_; }
  size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  T& back() { return begin()[size_ - 1]; }
  T& operator[](size_t i) { return begin()[i]; }
  void reserve(size_t) {}
  template <typename... A>
  void emplace_back(A&&... args) {
    if (heap_.empty() && size_ < N) {
      inline_[size_++] = T(std::forward<A>(args)...);
      return;
    }
    if (heap_.empty()) {
      heap_.reserve(N * 2);
      for (size_t i = 0; i < size_; ++i) heap_.push_back(std::move(inline_[i]));
      for (size_t i = 0; i < size_; ++i) inline_[i] = T();
    }
    heap_.emplace_back(std::forward<A>(args)...);
    ++size_;
  }
  void clear() {
    for (size_t i = 0; i < size_ && i < N; ++i) inline_[i] = T();
    heap_.clear();
    size_ = 0;
  }

 private:
  T inline_[N];
  size_t size_ = 0;
  std::vector<T> heap_;
};

// A scope. Variables are few per scope, so a flat array with pointer-compared symbols beats a
// hash map.
struct Frame {
  std::shared_ptr<Frame> parent;
  SmallVec<std::pair<Sym, Value>, 6> vars;

  Value* find_local(Sym name) {
    for (auto& [k, v] : vars)
      if (k == name) return &v;
    return nullptr;
  }
  void set(Sym name, Value v) {
    if (Value* slot = find_local(name)) {
      *slot = std::move(v);
    } else {
      vars.emplace_back(name, std::move(v));
    }
  }
};

using FramePtr = std::shared_ptr<Frame>;

class Interp final : public Runtime {
 public:
  Interp(Environment& env, const TemplatePtr& tmpl);

  // Runtime
  Value resolve(std::string_view name) override;
  Value call(const Value& callee, CallArgs& args) override;
  Environment& environment() override { return env_; }
  const std::string& template_name() const override { return tmpl_->name(); }

  Environment& env() { return env_; }
  const Limits& limits() const { return env_.limits(); }

  // Renders a template body into `out` with `root` as its top-level scope.
  void run_template(const TemplatePtr& tmpl, const FramePtr& root, std::string& out);

  Value eval(const Expr* e, Frame* f);
  void exec_body(const Body& body, const FramePtr& f, std::string& out);

  // Jinja2's environment.getattr / getitem.
  Value getattr(const Value& obj, std::string_view name);
  Value getitem(const Value& obj, const Value& key);
  // Filters and tests by name (used by map/select/...).
  Value apply_filter(Sym name, const Value& input, CallArgs& args, BuiltinFilter builtin = nullptr);
  bool apply_test(Sym name, const Value& input, CallArgs& args, BuiltinTest builtin = nullptr);
  // Iteration with Python semantics (dict -> keys, str -> characters, Undefined -> empty).
  std::vector<Value> iterate(const Value& v);
  // Like iterate, but lists and tuples are returned in place (no copy); `storage` holds the items
  // of anything else.
  const std::vector<Value>& items_of(const Value& v, std::vector<Value>& storage) {
    if (v.is_sequence()) return v.as_list().items;
    storage = iterate(v);
    return storage;
  }
  Value make_module(const TemplatePtr& tmpl, const FramePtr& context_frame, std::string* rendered);
  TemplatePtr load(const Value& name_value);

  void step() {
    if (++steps_ > env_.limits().max_steps) fail_budget();
  }
  void check_size(size_t n) const;
  FramePtr globals_frame() { return std::make_shared<Frame>(); }
  Value call_macro(const Value& macro, CallArgs& args);
  // Renders the macro's text into `out` (what `{{ macro() }}` prints).
  void call_macro_into(const Value& macro, CallArgs& args, std::string& out);

  // The template currently executing (for error locations).
  const Template* current_template() const { return tmpl_; }

  // Makes `f` the scope natives see through Runtime::resolve, restoring the previous one on exit
  // (also when an exception unwinds).
  struct CurFrame {
    CurFrame(Interp* in, Frame* f) : in(in), saved(in->cur_frame_) { in->cur_frame_ = f; }
    ~CurFrame() { in->cur_frame_ = saved; }
    Interp* in;
    Frame* saved;
  };

  struct TemplateScope {
    TemplateScope(Interp* in, const Template* t) : in(in), saved(in->tmpl_) { in->tmpl_ = t; }
    ~TemplateScope() { in->tmpl_ = saved; }
    Interp* in;
    const Template* saved;
  };

 private:
  friend class LoopObject;
  friend class MacroObject;
  [[noreturn]] void fail_budget() const;
  void check_stack() const;
  Value eval_inner(const Expr* e, Frame* f);
  void exec(const Stmt* s, const FramePtr& f, std::string& out);
  void exec_rare(const Stmt* s, const FramePtr& f, std::string& out);
  void exec_for(const ForStmt* s, const FramePtr& f, std::string& out, const Value& iterable,
                int depth0);
  void assign(const Target& t, const Value& v, Frame* f);
  Value lookup(Sym name, Frame* f);
  const Value* find_local_var(Sym name, Frame* f);
  // Evaluates for read-only use: constants and variables are returned in place (no reference
  // count traffic), anything else is evaluated into `tmp`. Expressions never assign to an
  // enclosing scope, so the reference stays valid while sibling expressions run.
  const Value& eval_ref(const Expr* e, Frame* f, Value& tmp) {
    if (e->kind == ExprKind::kConst) return static_cast<const ConstExpr*>(e)->value;
    if (e->kind == ExprKind::kName) {
      if (const Value* v = find_local_var(static_cast<const NameExpr*>(e)->name, f)) return *v;
    }
    tmp = eval(e, f);
    return tmp;
  }
  void eval_args(const Arguments& a, Frame* f, CallArgs& out);
  Value eval_call(const CallExpr* c, Frame* f);
  Value eval_filter(const FilterExpr* e, Frame* f, const Value* input);
  Value eval_test(const TestExpr* e, Frame* f);
  Value make_macro(const MacroDef& def, const FramePtr& closure);
  // Binds arguments and runs the body into `out`; true when the body ended with return(x).
  bool run_macro(const Value& macro, CallArgs& args, std::string& out, Value& returned);
  FramePtr snapshot(Frame* f);
  void locate(class Error& err, const Node* n) const;

  Environment& env_;
  const Template* tmpl_;  // owned by a TemplatePtr further up the call chain
  uint64_t steps_ = 0;
  int macro_depth_ = 0;
  const char* stack_base_ = nullptr;
  Frame* cur_frame_ = nullptr;  // scope of the native call in progress, for Runtime::resolve
};

// Python operators (ops.cc).
Value py_binary(BinOp op, const Value& a, const Value& b, const Limits& limits);
bool py_compare(CmpOp op, const Value& a, const Value& b);
bool py_less(const Value& a, const Value& b);  // a < b, TypeError if unordered
bool py_contains(const Value& container, const Value& item);
Value py_slice(const Value& v, const Value& start, const Value& stop, const Value& step);
// Python's `format % args` and str.format.
std::string py_percent_format(const std::string& fmt, const Value& args);
std::string py_str_format(const std::string& fmt, const CallArgs& args);
// Escapes & < > " ' like markupsafe.
std::string html_escape(std::string_view s);
// Undefined used where it must not be: raises UndefinedError.
[[noreturn]] void raise_undefined(const Value& u);

// str/list/dict methods (methods.cc); nullopt when the object has no such method.
std::optional<Value> call_builtin_method(Interp& in, const Value& obj, std::string_view name,
                                         CallArgs& args);
bool has_builtin_method(const Value& obj, std::string_view name);
MethodFn find_builtin_method(Kind kind, std::string_view name);

// Builtin filters/tests/globals (filters.cc, tests.cc, globals.cc).
BuiltinFilter find_builtin_filter(Sym name);
BuiltinTest find_builtin_test(Sym name);
Value find_builtin_global(Sym name);

// UTF-8 helpers: code point count and code-point-indexed substring.
size_t utf8_length(std::string_view s);
std::vector<std::string> utf8_chars(std::string_view s);

// to_int / to_float with Python conversions.
std::optional<int64_t> parse_py_int(std::string_view s, int base = 10);
std::optional<double> parse_py_float(std::string_view s);

}  // namespace kiln::jinja
