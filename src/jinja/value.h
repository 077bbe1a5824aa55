// Dynamic values of the template language: a tagged union with Python semantics.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace kiln::jinja {

class Value;
class Runtime;

enum class Kind : uint8_t {
  kUndefined,
  kNone,
  kBool,
  kInt,
  kFloat,
  kString,
  kList,
  kTuple,
  kDict,
  kMacro,
  kFunction,
  kHost,
};

// Base for everything a Value shares by reference.
class Object {
 public:
  virtual ~Object() = default;
};

class ListObject;
class DictObject;
class Callable;
class HostObject;
struct CallArgs;

using NativeFunction = std::function<Value(CallArgs& args, Runtime& rt)>;

class Value {
 public:
  Value() : kind_(Kind::kUndefined) {}
  Value(std::nullptr_t) : kind_(Kind::kNone) {}
  Value(bool b) : kind_(Kind::kBool) { b_ = b; }
  Value(int v) : kind_(Kind::kInt) { i_ = v; }
  Value(int64_t v) : kind_(Kind::kInt) { i_ = v; }
  Value(double v) : kind_(Kind::kFloat) { f_ = v; }
  Value(const char* s) : Value(std::string(s)) {}
  Value(std::string_view s) : Value(std::string(s)) {}
  Value(std::string s);

  static Value none() { return Value(nullptr); }
  static Value undefined() { return Value(); }
  // An Undefined remembering why it is undefined, for the error when it is used.
  static Value undefined(std::string hint);
  static Value markup(std::string s);
  static Value list(std::vector<Value> items = {});
  static Value tuple(std::vector<Value> items = {});
  static Value dict();
  static Value dict(std::shared_ptr<DictObject> d);
  static Value function(NativeFunction fn, std::string name = "function");
  static Value callable(std::shared_ptr<Callable> c, Kind kind = Kind::kFunction);
  static Value host(std::shared_ptr<HostObject> h);

  Kind kind() const { return kind_; }
  bool is_undefined() const { return kind_ == Kind::kUndefined; }
  bool is_none() const { return kind_ == Kind::kNone; }
  bool is_bool() const { return kind_ == Kind::kBool; }
  bool is_int() const { return kind_ == Kind::kInt; }
  bool is_float() const { return kind_ == Kind::kFloat; }
  bool is_number() const {
    return kind_ == Kind::kInt || kind_ == Kind::kFloat || kind_ == Kind::kBool;
  }
  bool is_string() const { return kind_ == Kind::kString; }
  bool is_safe() const { return kind_ == Kind::kString && safe_; }
  bool is_list() const { return kind_ == Kind::kList; }
  bool is_tuple() const { return kind_ == Kind::kTuple; }
  bool is_sequence() const { return kind_ == Kind::kList || kind_ == Kind::kTuple; }
  bool is_dict() const { return kind_ == Kind::kDict; }
  bool is_host() const { return kind_ == Kind::kHost; }
  bool is_callable() const;

  bool as_bool() const { return b_; }
  int64_t as_int() const { return kind_ == Kind::kBool ? (b_ ? 1 : 0) : i_; }
  double as_float() const { return kind_ == Kind::kFloat ? f_ : static_cast<double>(as_int()); }
  const std::string& as_string() const;
  ListObject& as_list() const;
  DictObject& as_dict() const;
  Callable& as_callable() const;
  HostObject& as_host() const;
  std::shared_ptr<HostObject> host_ptr() const;
  std::shared_ptr<DictObject> dict_ptr() const;
  std::shared_ptr<ListObject> list_ptr() const;
  std::shared_ptr<Callable> callable_ptr() const;
  const Object* identity() const { return obj_.get(); }
  // For Undefined: the name or description it was created from (may be empty).
  std::string undefined_hint() const;

  bool truthy() const;
  // Python str() and repr().
  std::string str() const;
  std::string repr() const;
  void append_str(std::string& out) const;
  // Python type name, for error messages ("int", "str", "list"...).
  std::string_view type_name() const;

  // Python ==.
  bool equals(const Value& other) const;
  size_t hash() const;  // throws TypeError for unhashable values
  bool hashable() const;

  // Builder conveniences for hosts.
  Value& push_back(Value v);                  // list only
  Value& set(std::string_view key, Value v);  // dict only; returns *this
  Value get(std::string_view key) const;      // dict only; Undefined when missing

 private:
  Kind kind_;
  bool safe_ = false;  // Markup string
  union {
    bool b_;
    int64_t i_ = 0;
    double f_;
  };
  std::shared_ptr<Object> obj_;
};

class StringObject final : public Object {
 public:
  explicit StringObject(std::string s) : str(std::move(s)) {}
  std::string str;
};

// Lists and tuples share the representation; tuples are never mutated.
class ListObject final : public Object {
 public:
  ListObject() = default;
  explicit ListObject(std::vector<Value> v);
  ~ListObject() override;
  std::vector<Value> items;
};

// Python dict: insertion ordered, keys are hashable Values.
class DictObject final : public Object {
 public:
  ~DictObject() override;
  Value* find(const Value& key);
  const Value* find(const Value& key) const;
  const Value* find(std::string_view key) const;
  Value* find(std::string_view key);
  void set(Value key, Value value);
  bool erase(const Value& key);
  size_t size() const { return entries.size(); }
  void clear();

  std::vector<std::pair<Value, Value>> entries;

 private:
  std::ptrdiff_t index_of(const Value& key) const;
  void rebuild_index() const;
  // Lazily built hash index (bucket of entry positions) used once the dict grows past a few keys.
  mutable std::vector<std::vector<uint32_t>> buckets_;
  mutable bool index_valid_ = false;
};

// Anything invokable: natives registered by the host, bound methods, macros.
class Callable : public Object {
 public:
  virtual Value call(CallArgs& args, Runtime& rt) = 0;
  virtual std::string_view name() const { return "function"; }
};

// Objects owned by the host (adapter, relations, columns...). Every hook has a default so an
// implementation only overrides what it supports.
class HostObject : public Object {
 public:
  virtual std::string_view type_name() const { return "object"; }
  // nullopt means "no such attribute": the template sees Undefined.
  virtual std::optional<Value> get_attr(std::string_view name, Runtime& rt);
  virtual std::optional<Value> get_item(const Value& key, Runtime& rt);
  // `obj.name(...)`. nullopt means "no such method": falls back to get_attr + call.
  virtual std::optional<Value> call_method(std::string_view name, CallArgs& args, Runtime& rt);
  // Returns false when attribute assignment is not supported.
  virtual bool set_attr(std::string_view name, Value value);
  virtual bool is_callable() const { return false; }
  virtual Value call(CallArgs& args, Runtime& rt);
  // nullopt means "not iterable".
  virtual std::optional<std::vector<Value>> iterate(Runtime& rt);
  virtual std::optional<int64_t> length() const { return std::nullopt; }
  virtual bool truthy() const { return true; }
  virtual std::string str() const;
  virtual std::string repr() const { return str(); }
  virtual bool equals(const HostObject& other) const { return this == &other; }
  // A host object that behaves as a mapping for the `mapping` test / dict conversion.
  virtual bool is_mapping() const { return false; }
  // `x in obj`; nullopt means "not a container" (TypeError).
  virtual std::optional<bool> contains(const Value&) const { return std::nullopt; }
  // Python operators on host values (dates and durations do arithmetic). `op` is "+", "-", "*",
  // "/", "//", "%" or "**" for `self op other` (or `other op self` when `reflected`), and "neg"
  // for unary minus (`other` is then None). nullopt means "not supported" (TypeError).
  virtual std::optional<Value> arithmetic(std::string_view /*op*/, const Value& /*other*/,
                                          bool /*reflected*/) {
    return std::nullopt;
  }
  // Ordering for <, <=, >, >=, sort and min/max: negative, zero or positive as self is less
  // than, equal to or greater than `other`; nullopt means "not orderable" (TypeError).
  virtual std::optional<int> compare(const Value& /*other*/) const { return std::nullopt; }
};

inline ListObject& Value::as_list() const {
  return *static_cast<ListObject*>(obj_.get());
}
inline DictObject& Value::as_dict() const {
  return *static_cast<DictObject*>(obj_.get());
}
inline Callable& Value::as_callable() const {
  return *static_cast<Callable*>(obj_.get());
}
inline HostObject& Value::as_host() const {
  return *static_cast<HostObject*>(obj_.get());
}
inline std::shared_ptr<HostObject> Value::host_ptr() const {
  return std::static_pointer_cast<HostObject>(obj_);
}
inline std::shared_ptr<DictObject> Value::dict_ptr() const {
  return std::static_pointer_cast<DictObject>(obj_);
}
inline std::shared_ptr<ListObject> Value::list_ptr() const {
  return std::static_pointer_cast<ListObject>(obj_);
}
inline std::shared_ptr<Callable> Value::callable_ptr() const {
  return std::static_pointer_cast<Callable>(obj_);
}

struct CallArgs {
  std::vector<Value> positional;
  std::vector<std::pair<std::string, Value>> keyword;

  // Positional argument i, else keyword `name`, else nullopt.
  const Value* find(size_t i, std::string_view name) const;
  Value get(size_t i, std::string_view name, Value fallback = Value()) const;
  const Value* kwarg(std::string_view name) const;
};

inline char ascii_lower(char c) {
  return (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c;
}
inline char ascii_upper(char c) {
  return (c >= 'a' && c <= 'z') ? static_cast<char>(c - 32) : c;
}

// Python repr of a string.
std::string py_repr_string(std::string_view s);
// Python repr of a float ("1.0", "0.1", "1e+16", "inf", "nan").
std::string py_float_repr(double d);

}  // namespace kiln::jinja
