#include "jinja/parser.h"

#include <mutex>
#include <unordered_set>

#include "jinja/error.h"
#include "jinja/interpreter.h"
#include "jinja/lexer.h"

namespace kiln::jinja {

Sym intern(std::string_view name) {
  // Leaked on purpose: symbols are process-wide and referenced by cached templates.
  static std::mutex* mu = new std::mutex;
  static auto* table = new std::unordered_set<std::string>;
  std::lock_guard<std::mutex> lock(*mu);
  auto it = table->find(std::string(name));
  if (it != table->end()) return &*it;
  return &*table->emplace(name).first;
}

namespace {

std::string describe(const Token& t) {
  switch (t.type) {
    case Tok::kEof:
      return "end of template";
    case Tok::kVarBegin:
      return "begin of print statement";
    case Tok::kVarEnd:
      return "end of print statement";
    case Tok::kBlockBegin:
      return "begin of statement block";
    case Tok::kBlockEnd:
      return "end of statement block";
    case Tok::kData:
      return "template data";
    default:
      return "'" + std::string(t.text) + "'";
  }
}

class Parser {
 public:
  Parser(std::string_view src, std::string_view name, Arena& arena, const ParseOptions& opts)
      : src_(src), name_(name), arena_(arena), opts_(opts), toks_(tokenize(src, name)) {}

  Body parse() {
    Body body = parse_body({});
    return body;
  }

 private:
  // ---- token helpers ----
  const Token& cur() const { return toks_[pos_]; }
  const Token& peek(size_t n = 1) const {
    size_t i = pos_ + n;
    return i < toks_.size() ? toks_[i] : toks_.back();
  }
  const Token& next() {
    const Token& t = toks_[pos_];
    if (pos_ + 1 < toks_.size()) ++pos_;
    return t;
  }

  [[noreturn]] void fail_at(const Token& t, std::string msg) {
    Error e(ErrorKind::kSyntax, std::move(msg));
    e.set_location(name_, src_, t.line, t.col);
    throw e;
  }
  [[noreturn]] void fail(std::string msg) { fail_at(cur(), std::move(msg)); }

  bool is_op(std::string_view op) const { return cur().is_op(op); }
  bool is_name(std::string_view n) const { return cur().is_name(n); }
  bool skip_op(std::string_view op) {
    if (!is_op(op)) return false;
    next();
    return true;
  }
  bool skip_name(std::string_view n) {
    if (!is_name(n)) return false;
    next();
    return true;
  }
  void expect_op(std::string_view op) {
    if (!is_op(op)) fail("expected '" + std::string(op) + "', got " + describe(cur()));
    next();
  }
  void expect_name(std::string_view n) {
    if (!is_name(n)) fail("expected '" + std::string(n) + "', got " + describe(cur()));
    next();
  }
  const Token& expect_any_name() {
    if (cur().type != Tok::kName) fail("expected name, got " + describe(cur()));
    return next();
  }
  void expect_block_end() {
    if (cur().type != Tok::kBlockEnd)
      fail("expected end of statement block, got " + describe(cur()));
    next();
  }

  struct DepthGuard {
    explicit DepthGuard(Parser* p) : p(p) {
      if (++p->depth_ > p->opts_.max_depth) p->fail("template is nested too deeply");
    }
    ~DepthGuard() { --p->depth_; }
    Parser* p;
  };

  template <typename T, typename... A>
  T* make(const Token& at, A&&... args) {
    return arena_.make<T>(at.line, at.col, std::forward<A>(args)...);
  }
  template <typename T, typename... A>
  T* make_at(const Node* at, A&&... args) {
    return arena_.make<T>(at->line, at->col, std::forward<A>(args)...);
  }

  // ---- statements ----

  // Parses until `{% <one of end_names>` (left unconsumed, positioned at the name) or EOF.
  Body parse_body(std::initializer_list<std::string_view> end_names) {
    DepthGuard g(this);
    Body body;
    while (true) {
      const Token& t = cur();
      switch (t.type) {
        case Tok::kData: {
          auto* d = make<DataStmt>(t);
          d->text = t.value;
          body.push_back(d);
          next();
          break;
        }
        case Tok::kVarBegin: {
          next();
          auto* o = make<OutputStmt>(t);
          o->expr = parse_tuple(false, true, {}, false);
          if (cur().type != Tok::kVarEnd)
            fail("expected end of print statement, got " + describe(cur()));
          next();
          body.push_back(o);
          break;
        }
        case Tok::kBlockBegin: {
          const Token& n = peek();
          if (n.type == Tok::kName) {
            for (auto e : end_names) {
              if (n.text == e) {
                next();  // `{%`; caller sees the end name
                return body;
              }
            }
          }
          next();
          Stmt* s = parse_statement(end_names);
          if (s) body.push_back(s);
          break;
        }
        case Tok::kEof: {
          if (end_names.size() != 0) {
            // Name the block's closing tag (endif, endfor, ...) rather than elif/else.
            std::string_view closing = *(end_names.end() - 1);
            for (auto e : end_names)
              if (e.substr(0, 3) == "end") closing = e;
            fail("unexpected end of template, expected '" + std::string(closing) + "'");
          }
          return body;
        }
        default:
          fail("unexpected " + describe(t));
      }
    }
  }

  Stmt* parse_statement(std::initializer_list<std::string_view> outer_end) {
    const Token& t = cur();
    if (t.type != Tok::kName) fail("tag name expected");
    std::string_view n = t.text;
    if (n == "if") return parse_if();
    if (n == "for") return parse_for();
    if (n == "set") return parse_set();
    if (n == "macro") return parse_macro();
    if (n == "call") return parse_call_block();
    if (n == "filter") return parse_filter_block();
    if (n == "do") {
      next();
      auto* s = make<DoStmt>(t);
      s->expr = parse_tuple(false, true, {}, false);
      expect_block_end();
      return s;
    }
    if (n == "include") return parse_include();
    if (n == "import") return parse_import();
    if (n == "from") return parse_from();
    if (n == "with") return parse_with();
    if (n == "block") return parse_block();
    if (opts_.dbt_tags && (n == "test" || n == "materialization" || n == "docs"))
      return parse_dbt_tag();
    std::string msg = "Encountered unknown tag '" + std::string(n) + "'.";
    if (outer_end.size()) {
      msg += " Jinja was looking for the following tags: ";
      bool first = true;
      for (auto e : outer_end) {
        if (!first) msg += " or ";
        first = false;
        msg += "'" + std::string(e) + "'";
      }
      msg += ".";
    }
    fail(msg);
  }

  Stmt* parse_if() {
    const Token& t = next();
    auto* s = make<IfStmt>(t);
    Expr* cond = parse_tuple(false, false, {}, false);
    expect_block_end();
    while (true) {
      Body body = parse_body({"elif", "else", "endif"});
      s->branches.emplace_back(cond, std::move(body));
      const Token& end = next();
      if (end.text == "elif") {
        cond = parse_tuple(false, false, {}, false);
        expect_block_end();
        continue;
      }
      if (end.text == "else") {
        expect_block_end();
        s->otherwise = parse_body({"endif"});
        next();
      }
      expect_block_end();
      return s;
    }
  }

  Stmt* parse_for() {
    const Token& t = next();
    auto* s = make<ForStmt>(t);
    s->target = parse_assign_target(true, false, {"in"});
    expect_name("in");
    s->iter = parse_tuple(false, false, {"recursive"}, false);
    if (skip_name("if")) s->filter = parse_expression(true);
    s->recursive = skip_name("recursive");
    expect_block_end();
    s->uses_loop = false;
    open_loops_.push_back(s);
    s->body = parse_body({"endfor", "else"});
    open_loops_.pop_back();
    if (next().text == "else") {
      expect_block_end();
      s->otherwise = parse_body({"endfor"});
      next();
    }
    expect_block_end();
    return s;
  }

  Stmt* parse_set() {
    const Token& t = next();
    Target target = parse_assign_target(true, true, {});
    if (skip_op("=")) {
      auto* s = make<SetStmt>(t);
      s->target = std::move(target);
      s->value = parse_tuple(false, true, {}, false);
      expect_block_end();
      return s;
    }
    auto* s = make<SetBlockStmt>(t);
    s->target = std::move(target);
    if (s->target.kind == Target::kTuple) fail("can't assign a block to a tuple");
    if (is_op("|")) {
      next();
      parse_filter_chain(s->filters, true);
    }
    expect_block_end();
    s->body = parse_body({"endset"});
    next();
    expect_block_end();
    return s;
  }

  void parse_signature(MacroDef& def) {
    expect_op("(");
    bool seen_default = false;
    while (!is_op(")")) {
      if (!def.params.empty()) expect_op(",");
      if (is_op(")")) break;
      const Token& nt = expect_any_name();
      MacroParam p;
      p.name = intern(nt.text);
      for (const auto& q : def.params)
        if (q.name == p.name) fail_at(nt, "duplicate argument '" + std::string(nt.text) + "'");
      if (skip_op("=")) {
        p.default_value = parse_expression(true);
        seen_default = true;
      } else if (seen_default) {
        fail_at(nt, "non-default argument follows default argument");
      }
      def.params.push_back(p);
    }
    next();
  }

  void parse_macro_body(MacroDef& def, std::string_view end) {
    open_macros_.push_back(&def);
    // Parameters with the special names shadow them.
    for (const auto& p : def.params) {
      if (*p.name == "caller") def.uses_caller = false;
    }
    def.body = parse_body({end});
    open_macros_.pop_back();
    for (const auto& p : def.params) {
      if (*p.name == "caller") def.uses_caller = false;
      if (*p.name == "varargs") def.uses_varargs = false;
      if (*p.name == "kwargs") def.uses_kwargs = false;
    }
    next();
    expect_block_end();
  }

  Stmt* parse_macro() {
    const Token& t = next();
    auto* s = make<MacroStmt>(t);
    const Token& nt = expect_any_name();
    s->name = intern(nt.text);
    s->def.name = std::string(nt.text);
    parse_signature(s->def);
    expect_block_end();
    parse_macro_body(s->def, "endmacro");
    return s;
  }

  // dbt: {% test name(args) %}, {% materialization name, adapter='x' %}, {% docs name %}.
  Stmt* parse_dbt_tag() {
    const Token& t = next();
    auto* s = make<MacroStmt>(t);
    std::string kind(t.text);
    const Token& nt = expect_any_name();
    std::string name;
    if (kind == "test") {
      name = "test_" + std::string(nt.text);
      parse_signature(s->def);
    } else if (kind == "materialization") {
      std::string adapter = "default";
      while (skip_op(",")) {
        if (skip_name("default")) {
          adapter = "default";
          continue;
        }
        const Token& key = expect_any_name();
        expect_op("=");
        if (cur().type != Tok::kString) fail("expected string");
        if (key.text == "adapter")
          adapter = next().value;
        else
          next();
      }
      name = "materialization_" + std::string(nt.text) + "_" + adapter;
    } else {
      name = "docs_" + std::string(nt.text);
    }
    s->name = intern(name);
    s->def.name = name;
    expect_block_end();
    parse_macro_body(s->def, kind == "test"              ? "endtest"
                             : kind == "materialization" ? "endmaterialization"
                                                         : "enddocs");
    return s;
  }

  Stmt* parse_call_block() {
    const Token& t = next();
    auto* s = make<CallBlockStmt>(t);
    s->caller.name = "caller";
    if (is_op("(")) parse_signature(s->caller);
    Expr* call = parse_expression(true);
    if (call->kind != ExprKind::kCall) fail_at(t, "expected call");
    s->call = static_cast<CallExpr*>(call);
    expect_block_end();
    parse_macro_body(s->caller, "endcall");
    return s;
  }

  Stmt* parse_filter_block() {
    const Token& t = next();
    auto* s = make<FilterBlockStmt>(t);
    parse_filter_chain(s->filters, true);
    expect_block_end();
    s->body = parse_body({"endfilter"});
    next();
    expect_block_end();
    return s;
  }

  // Returns true and sets *with_context if a `with context` / `without context` follows.
  bool parse_import_context(bool* with_context) {
    if ((is_name("with") || is_name("without")) && peek().is_name("context")) {
      *with_context = next().text == "with";
      next();
      return true;
    }
    return false;
  }

  Stmt* parse_include() {
    // Like Jinja2, an included template sees `loop` only if the loop body itself uses it.
    const Token& t = next();
    auto* s = make<IncludeStmt>(t);
    s->name = parse_expression(true);
    if (is_name("ignore") && peek().is_name("missing")) {
      next();
      next();
      s->ignore_missing = true;
    }
    parse_import_context(&s->with_context);
    expect_block_end();
    return s;
  }

  Stmt* parse_import() {
    const Token& t = next();
    auto* s = make<ImportStmt>(t);
    s->name = parse_expression(true);
    expect_name("as");
    s->target = intern(expect_any_name().text);
    parse_import_context(&s->with_context);
    expect_block_end();
    return s;
  }

  Stmt* parse_from() {
    const Token& t = next();
    auto* s = make<FromImportStmt>(t);
    s->name = parse_expression(true);
    expect_name("import");
    while (true) {
      if (!s->names.empty()) expect_op(",");
      if (cur().type == Tok::kName) {
        if (parse_import_context(&s->with_context)) break;
        const Token& nt = next();
        if (!nt.text.empty() && nt.text[0] == '_') {
          Error e(ErrorKind::kAssertion, "names starting with an underline can not be imported");
          e.set_location(name_, src_, nt.line, nt.col);
          throw e;
        }
        Sym alias = intern(nt.text);
        if (skip_name("as")) alias = intern(expect_any_name().text);
        s->names.emplace_back(std::string(nt.text), alias);
        if (parse_import_context(&s->with_context) || !is_op(",")) break;
      } else {
        fail("expected name, got " + describe(cur()));
      }
    }
    expect_block_end();
    return s;
  }

  Stmt* parse_with() {
    const Token& t = next();
    auto* s = make<WithStmt>(t);
    while (cur().type != Tok::kBlockEnd) {
      if (!s->assignments.empty()) expect_op(",");
      Target target = parse_assign_target(true, false, {});
      expect_op("=");
      Expr* value = parse_expression(true);
      s->assignments.emplace_back(std::move(target), value);
    }
    next();
    s->body = parse_body({"endwith"});
    next();
    expect_block_end();
    return s;
  }

  Stmt* parse_block() {
    const Token& t = next();
    auto* s = make<BlockStmt>(t);
    const Token& nt = expect_any_name();
    std::string bname(nt.text);
    skip_name("scoped");
    skip_name("required");
    expect_block_end();
    s->body = parse_body({"endblock"});
    next();
    skip_name(bname);
    expect_block_end();
    return s;
  }

  // ---- assignment targets ----

  Target parse_assign_target(bool with_tuple, bool with_namespace,
                             std::initializer_list<std::string_view> extra_end) {
    DepthGuard g(this);
    const Token& t = cur();
    if (with_namespace && t.type == Tok::kName && peek().is_op(".") && peek(2).type == Tok::kName) {
      Target tg;
      tg.kind = Target::kAttr;
      tg.name = intern(next().text);
      next();
      tg.attr = std::string(next().text);
      tg.line = t.line;
      tg.col = t.col;
      return tg;
    }
    if (!with_tuple) return parse_target_primary();
    std::vector<Target> items;
    bool is_tuple = false;
    while (true) {
      if (!items.empty()) expect_op(",");
      if (is_tuple_end(extra_end)) break;
      items.push_back(parse_target_primary());
      if (is_op(",")) {
        is_tuple = true;
      } else {
        break;
      }
    }
    if (!is_tuple) {
      if (items.empty()) fail("expected an assignment target, got " + describe(cur()));
      return std::move(items[0]);
    }
    Target tg;
    tg.kind = Target::kTuple;
    tg.items = std::move(items);
    tg.line = t.line;
    tg.col = t.col;
    return tg;
  }

  Target parse_target_primary() {
    DepthGuard g(this);
    const Token& t = cur();
    if (t.type == Tok::kName) {
      static const std::string_view kReserved[] = {"true", "false", "none",
                                                   "True", "False", "None"};
      for (auto r : kReserved)
        if (t.text == r) fail("can't assign to " + std::string(t.text));
      next();
      Target tg;
      tg.kind = Target::kName;
      tg.name = intern(t.text);
      tg.line = t.line;
      tg.col = t.col;
      return tg;
    }
    if (t.is_op("(")) {
      next();
      Target tg = parse_assign_target(true, false, {});
      expect_op(")");
      return tg;
    }
    fail("can't assign to " + describe(t));
  }

  bool is_tuple_end(std::initializer_list<std::string_view> extra_end) const {
    const Token& t = cur();
    if (t.type == Tok::kVarEnd || t.type == Tok::kBlockEnd || t.type == Tok::kEof) return true;
    if (t.is_op(")")) return true;
    if (t.type == Tok::kName)
      for (auto e : extra_end)
        if (t.text == e) return true;
    return false;
  }

  // ---- expressions ----

  Expr* parse_tuple(bool simplified, bool with_condexpr,
                    std::initializer_list<std::string_view> extra_end, bool explicit_parens) {
    DepthGuard g(this);
    const Token& start = cur();
    std::vector<Expr*> items;
    bool is_tuple = false;
    while (true) {
      if (!items.empty()) expect_op(",");
      if (is_tuple_end(extra_end)) break;
      if (simplified) {
        items.push_back(parse_primary());
      } else {
        items.push_back(parse_expression(with_condexpr));
      }
      if (is_op(",")) {
        is_tuple = true;
      } else {
        break;
      }
    }
    if (!is_tuple) {
      if (!items.empty()) return items[0];
      if (!explicit_parens) fail("Expected an expression, got " + describe(cur()));
    }
    auto* tup = make<SeqExpr>(start, ExprKind::kTuple);
    tup->items = std::move(items);
    return tup;
  }

  Expr* parse_expression(bool with_condexpr) {
    DepthGuard g(this);
    if (with_condexpr) return parse_condexpr();
    return parse_or();
  }

  Expr* parse_condexpr() {
    DepthGuard g(this);
    Expr* expr1 = parse_or();
    while (is_name("if")) {
      const Token& t = next();
      auto* c = make<CondExpr>(t);
      c->test = parse_or();
      c->then = expr1;
      if (skip_name("else")) c->otherwise = parse_condexpr();
      c->line = expr1->line;
      c->col = expr1->col;
      expr1 = c;
    }
    return expr1;
  }

  Expr* parse_or() {
    Expr* left = parse_and();
    while (is_name("or")) {
      const Token& t = next();
      auto* b = make<BinaryExpr>(t, ExprKind::kOr);
      b->left = left;
      b->right = parse_and();
      left = b;
    }
    return left;
  }

  Expr* parse_and() {
    Expr* left = parse_not();
    while (is_name("and")) {
      const Token& t = next();
      auto* b = make<BinaryExpr>(t, ExprKind::kAnd);
      b->left = left;
      b->right = parse_not();
      left = b;
    }
    return left;
  }

  Expr* parse_not() {
    DepthGuard g(this);
    if (is_name("not")) {
      const Token& t = next();
      auto* u = make<UnaryExpr>(t, ExprKind::kNot);
      u->operand = parse_not();
      return u;
    }
    return parse_compare();
  }

  Expr* parse_compare() {
    Expr* first = parse_math1();
    CompareExpr* cmp = nullptr;
    while (true) {
      const Token& t = cur();
      CmpOp op;
      if (t.is_op("==")) {
        op = CmpOp::kEq;
      } else if (t.is_op("!=")) {
        op = CmpOp::kNe;
      } else if (t.is_op("<")) {
        op = CmpOp::kLt;
      } else if (t.is_op("<=")) {
        op = CmpOp::kLe;
      } else if (t.is_op(">")) {
        op = CmpOp::kGt;
      } else if (t.is_op(">=")) {
        op = CmpOp::kGe;
      } else if (t.is_name("in")) {
        op = CmpOp::kIn;
      } else if (t.is_name("not") && peek().is_name("in")) {
        next();
        op = CmpOp::kNotIn;
      } else {
        break;
      }
      next();
      if (!cmp) {
        cmp = make_at<CompareExpr>(first);
        cmp->first = first;
      }
      cmp->rest.emplace_back(op, parse_math1());
    }
    return cmp ? cmp : first;
  }

  Expr* binary(const Token& t, BinOp op, Expr* l, Expr* r) {
    auto* b = make<BinaryExpr>(t, ExprKind::kBinary);
    b->op = op;
    b->left = l;
    b->right = r;
    return b;
  }

  Expr* parse_math1() {
    Expr* left = parse_concat();
    while (is_op("+") || is_op("-")) {
      const Token& t = next();
      left = binary(t, t.text == "+" ? BinOp::kAdd : BinOp::kSub, left, parse_concat());
    }
    return left;
  }

  Expr* parse_concat() {
    Expr* first = parse_math2();
    if (!is_op("~")) return first;
    auto* c = make_at<ConcatExpr>(first);
    c->parts.push_back(first);
    while (is_op("~")) {
      const Token& t = next();
      c->line = t.line;
      c->col = t.col;
      c->parts.push_back(parse_math2());
    }
    return c;
  }

  Expr* parse_math2() {
    Expr* left = parse_pow();
    while (is_op("*") || is_op("/") || is_op("//") || is_op("%")) {
      const Token& t = next();
      BinOp op = t.text == "*"    ? BinOp::kMul
                 : t.text == "/"  ? BinOp::kDiv
                 : t.text == "//" ? BinOp::kFloorDiv
                                  : BinOp::kMod;
      left = binary(t, op, left, parse_pow());
    }
    return left;
  }

  Expr* parse_pow() {
    Expr* left = parse_unary(true);
    while (is_op("**")) {
      const Token& t = next();
      left = binary(t, BinOp::kPow, left, parse_unary(true));
    }
    return left;
  }

  Expr* parse_unary(bool with_filter) {
    DepthGuard g(this);
    const Token& t = cur();
    Expr* node;
    if (t.is_op("-") || t.is_op("+")) {
      next();
      auto* u = make<UnaryExpr>(t, t.text == "-" ? ExprKind::kNeg : ExprKind::kPos);
      u->operand = parse_unary(false);
      node = u;
    } else {
      node = parse_primary();
    }
    node = parse_postfix(node);
    if (with_filter) node = parse_filter_expr(node);
    return node;
  }

  Expr* parse_primary() {
    DepthGuard g(this);
    const Token& t = cur();
    switch (t.type) {
      case Tok::kName: {
        next();
        if (t.text == "true" || t.text == "True" || t.text == "false" || t.text == "False") {
          auto* c = make<ConstExpr>(t);
          c->value = Value(t.text[0] == 't' || t.text[0] == 'T');
          return c;
        }
        if (t.text == "none" || t.text == "None") {
          auto* c = make<ConstExpr>(t);
          c->value = Value::none();
          return c;
        }
        auto* n = make<NameExpr>(t);
        n->name = intern(t.text);
        if (t.text == "loop" && !open_loops_.empty()) open_loops_.back()->uses_loop = true;
        if (t.text == "caller" || t.text == "varargs" || t.text == "kwargs") {
          for (MacroDef* m : open_macros_) {
            if (t.text == "caller") m->uses_caller = true;
            if (t.text == "varargs") m->uses_varargs = true;
            if (t.text == "kwargs") m->uses_kwargs = true;
          }
        }
        return n;
      }
      case Tok::kString: {
        std::string s = next().value;
        while (cur().type == Tok::kString) s += next().value;
        auto* c = make<ConstExpr>(t);
        c->value = Value(std::move(s));
        return c;
      }
      case Tok::kInt: {
        next();
        auto* c = make<ConstExpr>(t);
        c->value = Value(t.int_value);
        return c;
      }
      case Tok::kFloat: {
        next();
        auto* c = make<ConstExpr>(t);
        c->value = Value(t.float_value);
        return c;
      }
      case Tok::kOp:
        if (t.text == "(") {
          next();
          Expr* e = parse_tuple(false, true, {}, true);
          expect_op(")");
          return e;
        }
        if (t.text == "[") return parse_list();
        if (t.text == "{") return parse_dict();
        break;
      default:
        break;
    }
    fail("unexpected " + describe(t));
  }

  Expr* parse_list() {
    const Token& t = next();
    auto* l = make<SeqExpr>(t, ExprKind::kList);
    while (!is_op("]")) {
      if (!l->items.empty()) expect_op(",");
      if (is_op("]")) break;
      l->items.push_back(parse_expression(true));
    }
    expect_op("]");
    return l;
  }

  Expr* parse_dict() {
    const Token& t = next();
    auto* d = make<DictExpr>(t);
    while (!is_op("}")) {
      if (!d->items.empty()) expect_op(",");
      if (is_op("}")) break;
      Expr* k = parse_expression(true);
      expect_op(":");
      Expr* v = parse_expression(true);
      d->items.emplace_back(k, v);
    }
    expect_op("}");
    return d;
  }

  Expr* parse_postfix(Expr* node) {
    while (true) {
      if (is_op(".") || is_op("[")) {
        node = parse_subscript(node);
      } else if (is_op("(")) {
        node = parse_call(node);
      } else {
        return node;
      }
    }
  }

  Expr* parse_filter_expr(Expr* node) {
    while (true) {
      if (is_op("|")) {
        next();
        node = parse_filter(node);
      } else if (is_name("is")) {
        node = parse_test(node);
      } else if (is_op("(")) {
        node = parse_call(node);
      } else {
        return node;
      }
    }
  }

  Expr* parse_subscript(Expr* node) {
    DepthGuard g(this);
    const Token& t = next();
    if (t.text == ".") {
      const Token& a = cur();
      if (a.type == Tok::kName) {
        next();
        auto* ga = make<GetattrExpr>(t);
        ga->obj = node;
        ga->attr = std::string(a.text);
        ga->str_method = find_builtin_method(Kind::kString, ga->attr);
        ga->list_method = find_builtin_method(Kind::kList, ga->attr);
        ga->tuple_method = find_builtin_method(Kind::kTuple, ga->attr);
        ga->dict_method = find_builtin_method(Kind::kDict, ga->attr);
        return ga;
      }
      if (a.type == Tok::kInt) {
        next();
        auto* gi = make<GetitemExpr>(t);
        gi->obj = node;
        auto* c = make<ConstExpr>(a);
        c->value = Value(a.int_value);
        gi->key = c;
        return gi;
      }
      fail("expected name or number");
    }
    // '['
    std::vector<Expr*> args;
    while (!is_op("]")) {
      if (!args.empty()) {
        expect_op(",");
        if (is_op("]")) break;
      }
      args.push_back(parse_subscribed());
    }
    expect_op("]");
    auto* gi = make<GetitemExpr>(t);
    gi->obj = node;
    if (args.size() == 1) {
      gi->key = args[0];
    } else {
      auto* tup = make<SeqExpr>(t, ExprKind::kTuple);
      tup->items = std::move(args);
      gi->key = tup;
    }
    return gi;
  }

  Expr* parse_subscribed() {
    const Token& t = cur();
    Expr* start = nullptr;
    if (is_op(":")) {
      next();
    } else {
      Expr* e = parse_expression(true);
      if (!is_op(":")) return e;
      next();
      start = e;
    }
    auto* s = make<SliceExpr>(t);
    s->start = start;
    if (!is_op(":") && !is_op("]") && !is_op(",")) s->stop = parse_expression(true);
    if (is_op(":")) {
      next();
      if (!is_op("]") && !is_op(",")) s->step = parse_expression(true);
    }
    return s;
  }

  void parse_call_args(Arguments& args) {
    DepthGuard g(this);
    expect_op("(");
    bool first = true;
    while (!is_op(")")) {
      if (!first) {
        expect_op(",");
        if (is_op(")")) break;
      }
      first = false;
      if (is_op("*")) {
        next();
        args.star = parse_expression(true);
      } else if (is_op("**")) {
        next();
        args.dstar = parse_expression(true);
      } else if (cur().type == Tok::kName && peek().is_op("=")) {
        std::string key(next().text);
        next();
        args.keyword.emplace_back(std::move(key), parse_expression(true));
      } else {
        if (args.star || args.dstar || !args.keyword.empty())
          fail("invalid syntax for function call expression");
        args.positional.push_back(parse_expression(true));
      }
    }
    next();
  }

  Expr* parse_call(Expr* node) {
    const Token& t = cur();
    auto* c = make<CallExpr>(t);
    c->callee = node;
    parse_call_args(c->args);
    return c;
  }

  std::string parse_dotted_name() {
    std::string name(expect_any_name().text);
    while (is_op(".") && peek().type == Tok::kName) {
      next();
      name += ".";
      name += next().text;
    }
    return name;
  }

  Expr* parse_filter(Expr* input) {
    DepthGuard g(this);
    const Token& t = cur();
    auto* f = make<FilterExpr>(t);
    f->input = input;
    f->name = intern(parse_dotted_name());
    f->builtin = find_builtin_filter(f->name);
    if (is_op("(")) parse_call_args(f->args);
    return f;
  }

  // `name(args) | name2 ...` for {% filter %} blocks and {% set x | f %}.
  void parse_filter_chain(std::vector<FilterExpr*>& out, bool) {
    while (true) {
      out.push_back(static_cast<FilterExpr*>(parse_filter(nullptr)));
      if (!is_op("|")) return;
      next();
    }
  }

  Expr* parse_test(Expr* input) {
    DepthGuard g(this);
    const Token& is_tok = next();
    bool negated = skip_name("not");
    const Token& t = cur();
    auto* te = make<TestExpr>(t);
    te->input = input;
    te->name = intern(parse_dotted_name());
    te->builtin = find_builtin_test(te->name);
    if (is_op("(")) {
      parse_call_args(te->args);
    } else {
      const Token& c = cur();
      bool arg_start = c.type == Tok::kName || c.type == Tok::kString || c.type == Tok::kInt ||
                       c.type == Tok::kFloat || c.is_op("(") || c.is_op("[") || c.is_op("{");
      if (arg_start && !c.is_name("else") && !c.is_name("or") && !c.is_name("and")) {
        if (c.is_name("is")) fail("You cannot chain multiple tests with is");
        Expr* arg = parse_primary();
        arg = parse_postfix(arg);
        te->args.positional.push_back(arg);
      }
    }
    if (negated) {
      auto* n = make<UnaryExpr>(is_tok, ExprKind::kNot);
      n->operand = te;
      return n;
    }
    return te;
  }

  std::string_view src_;
  std::string_view name_;
  Arena& arena_;
  const ParseOptions& opts_;
  std::vector<Token> toks_;
  size_t pos_ = 0;
  int depth_ = 0;
  std::vector<MacroDef*> open_macros_;
  std::vector<ForStmt*> open_loops_;
};

}  // namespace

Body parse_template(std::string_view source, std::string_view template_name, Arena& arena,
                    const ParseOptions& options) {
  Parser p(source, template_name, arena, options);
  return p.parse();
}

}  // namespace kiln::jinja
