// Syntax tree produced by the parser and walked by the interpreter. Nodes are owned by the
// Template's arena and refer to each other by raw pointer.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "jinja/value.h"

namespace kiln::jinja {

class Interp;
struct CallArgs;
// Builtins resolved at parse time so rendering skips name lookups.
using MethodFn = Value (*)(Interp& in, const Value& self, CallArgs& args);
using BuiltinFilter = Value (*)(Interp& in, const Value& input, CallArgs& args);
using BuiltinTest = bool (*)(Interp& in, const Value& input, CallArgs& args);

// Interned identifier: equal names share one pointer, so scopes compare pointers.
using Sym = const std::string*;
Sym intern(std::string_view name);

struct Node {
  virtual ~Node() = default;
  uint32_t line = 0;
  uint32_t col = 0;
};

enum class ExprKind : uint8_t {
  kConst,
  kName,
  kList,
  kTuple,
  kDict,
  kGetattr,
  kGetitem,
  kSlice,
  kCall,
  kFilter,
  kTest,
  kNeg,
  kPos,
  kNot,
  kBinary,
  kAnd,
  kOr,
  kConcat,
  kCompare,
  kCond,
};

enum class BinOp : uint8_t { kAdd, kSub, kMul, kDiv, kFloorDiv, kMod, kPow };
enum class CmpOp : uint8_t { kEq, kNe, kLt, kLe, kGt, kGe, kIn, kNotIn };

struct Expr : Node {
  explicit Expr(ExprKind k) : kind(k) {}
  ExprKind kind;
};

struct ConstExpr : Expr {
  ConstExpr() : Expr(ExprKind::kConst) {}
  Value value;
};

struct NameExpr : Expr {
  NameExpr() : Expr(ExprKind::kName) {}
  Sym name = nullptr;
};

// List, tuple.
struct SeqExpr : Expr {
  explicit SeqExpr(ExprKind k) : Expr(k) {}
  std::vector<Expr*> items;
};

struct DictExpr : Expr {
  DictExpr() : Expr(ExprKind::kDict) {}
  std::vector<std::pair<Expr*, Expr*>> items;
};

struct GetattrExpr : Expr {
  GetattrExpr() : Expr(ExprKind::kGetattr) {}
  Expr* obj = nullptr;
  std::string attr;
  // Python methods named `attr` on str / list / tuple / dict (null when there is none).
  MethodFn str_method = nullptr;
  MethodFn list_method = nullptr;
  MethodFn tuple_method = nullptr;
  MethodFn dict_method = nullptr;
};

struct SliceExpr : Expr {
  SliceExpr() : Expr(ExprKind::kSlice) {}
  Expr* start = nullptr;
  Expr* stop = nullptr;
  Expr* step = nullptr;
};

struct GetitemExpr : Expr {
  GetitemExpr() : Expr(ExprKind::kGetitem) {}
  Expr* obj = nullptr;
  Expr* key = nullptr;  // may be a SliceExpr
};

struct Arguments {
  std::vector<Expr*> positional;
  std::vector<std::pair<std::string, Expr*>> keyword;
  Expr* star = nullptr;   // *args
  Expr* dstar = nullptr;  // **kwargs
};

struct CallExpr : Expr {
  CallExpr() : Expr(ExprKind::kCall) {}
  Expr* callee = nullptr;
  Arguments args;
};

struct FilterExpr : Expr {
  FilterExpr() : Expr(ExprKind::kFilter) {}
  Expr* input = nullptr;  // null inside a {% filter %} block: the block body is the input
  Sym name = nullptr;
  BuiltinFilter builtin = nullptr;
  Arguments args;
};

struct TestExpr : Expr {
  TestExpr() : Expr(ExprKind::kTest) {}
  Expr* input = nullptr;
  Sym name = nullptr;
  BuiltinTest builtin = nullptr;
  Arguments args;
};

struct UnaryExpr : Expr {
  explicit UnaryExpr(ExprKind k) : Expr(k) {}
  Expr* operand = nullptr;
};

struct BinaryExpr : Expr {
  explicit BinaryExpr(ExprKind k) : Expr(k) {}
  BinOp op = BinOp::kAdd;
  Expr* left = nullptr;
  Expr* right = nullptr;
};

struct ConcatExpr : Expr {
  ConcatExpr() : Expr(ExprKind::kConcat) {}
  std::vector<Expr*> parts;
};

struct CompareExpr : Expr {
  CompareExpr() : Expr(ExprKind::kCompare) {}
  Expr* first = nullptr;
  std::vector<std::pair<CmpOp, Expr*>> rest;
};

struct CondExpr : Expr {
  CondExpr() : Expr(ExprKind::kCond) {}
  Expr* test = nullptr;
  Expr* then = nullptr;
  Expr* otherwise = nullptr;  // may be null: evaluates to Undefined
};

// ---- statements ----

enum class StmtKind : uint8_t {
  kData,
  kOutput,
  kIf,
  kFor,
  kSet,
  kSetBlock,
  kMacro,
  kCallBlock,
  kFilterBlock,
  kDo,
  kInclude,
  kImport,
  kFromImport,
  kWith,
  kBlock,
};

struct Stmt : Node {
  explicit Stmt(StmtKind k) : kind(k) {}
  StmtKind kind;
};

using Body = std::vector<Stmt*>;

struct DataStmt : Stmt {
  DataStmt() : Stmt(StmtKind::kData) {}
  std::string text;
};

struct OutputStmt : Stmt {
  OutputStmt() : Stmt(StmtKind::kOutput) {}
  Expr* expr = nullptr;
};

struct IfStmt : Stmt {
  IfStmt() : Stmt(StmtKind::kIf) {}
  std::vector<std::pair<Expr*, Body>> branches;  // if + elifs
  Body otherwise;
};

// Assignment target: a name, an attribute of a namespace, or a tuple of targets.
struct Target {
  enum Kind : uint8_t { kName, kAttr, kTuple } kind = kName;
  Sym name = nullptr;         // kName, or the namespace variable for kAttr
  std::string attr;           // kAttr
  std::vector<Target> items;  // kTuple
  uint32_t line = 0, col = 0;
};

struct ForStmt : Stmt {
  ForStmt() : Stmt(StmtKind::kFor) {}
  Target target;
  Expr* iter = nullptr;
  Expr* filter = nullptr;
  bool recursive = false;
  bool uses_loop = true;  // false when nothing in the body can see `loop`: no LoopContext is built
  Body body;
  Body otherwise;
};

struct SetStmt : Stmt {
  SetStmt() : Stmt(StmtKind::kSet) {}
  Target target;
  Expr* value = nullptr;
};

struct SetBlockStmt : Stmt {
  SetBlockStmt() : Stmt(StmtKind::kSetBlock) {}
  Target target;
  std::vector<FilterExpr*> filters;  // applied to the captured body
  Body body;
};

struct MacroParam {
  Sym name = nullptr;
  Expr* default_value = nullptr;
};

struct MacroDef {
  std::string name;
  std::vector<MacroParam> params;
  Body body;
  bool uses_caller = false;
  bool uses_varargs = false;
  bool uses_kwargs = false;
};

struct MacroStmt : Stmt {
  MacroStmt() : Stmt(StmtKind::kMacro) {}
  Sym name = nullptr;
  MacroDef def;
};

struct CallBlockStmt : Stmt {
  CallBlockStmt() : Stmt(StmtKind::kCallBlock) {}
  CallExpr* call = nullptr;
  MacroDef caller;  // the body, invoked through `caller(...)`
};

struct FilterBlockStmt : Stmt {
  FilterBlockStmt() : Stmt(StmtKind::kFilterBlock) {}
  std::vector<FilterExpr*> filters;
  Body body;
};

struct DoStmt : Stmt {
  DoStmt() : Stmt(StmtKind::kDo) {}
  Expr* expr = nullptr;
};

struct IncludeStmt : Stmt {
  IncludeStmt() : Stmt(StmtKind::kInclude) {}
  Expr* name = nullptr;
  bool ignore_missing = false;
  bool with_context = true;
};

struct ImportStmt : Stmt {
  ImportStmt() : Stmt(StmtKind::kImport) {}
  Expr* name = nullptr;
  Sym target = nullptr;
  bool with_context = false;
};

struct FromImportStmt : Stmt {
  FromImportStmt() : Stmt(StmtKind::kFromImport) {}
  Expr* name = nullptr;
  std::vector<std::pair<std::string, Sym>> names;  // imported name, local alias
  bool with_context = false;
};

struct WithStmt : Stmt {
  WithStmt() : Stmt(StmtKind::kWith) {}
  std::vector<std::pair<Target, Expr*>> assignments;
  Body body;
};

// `{% block %}` without inheritance just renders its body in place.
struct BlockStmt : Stmt {
  BlockStmt() : Stmt(StmtKind::kBlock) {}
  Body body;
};

// Owns every node of one template.
class Arena {
 public:
  template <typename T, typename... A>
  T* make(uint32_t line, uint32_t col, A&&... args) {
    auto node = std::make_unique<T>(std::forward<A>(args)...);
    node->line = line;
    node->col = col;
    T* raw = node.get();
    nodes_.push_back(std::move(node));
    return raw;
  }
  size_t size() const { return nodes_.size(); }

 private:
  std::vector<std::unique_ptr<Node>> nodes_;
};

}  // namespace kiln::jinja
