// `modules.itertools`: Python's itertools for finite inputs. Python returns lazy iterators; these
// return lists (tuples for each combination), which loops, filters and `| list` treat the same.
// Infinite iterators (count, cycle, repeat without a count) are left out.
#include <algorithm>
#include <memory>
#include <string>
#include <vector>

#include "context/modules.h"
#include "jinja/environment.h"
#include "jinja/error.h"

namespace kiln {

using jinja::CallArgs;
using jinja::ErrorKind;
using jinja::HostObject;
using jinja::Runtime;
using jinja::throw_error;
using jinja::Value;

namespace {

// Guards against product()/permutations() of big inputs eating all memory.
constexpr size_t kMaxResults = 1'000'000;

void check_size(size_t size) {
  if (size > kMaxResults) {
    throw_error(ErrorKind::kRuntime,
                "itertools result exceeds " + std::to_string(kMaxResults) + " items");
  }
}

// The items `for x in value` would see.
std::vector<Value> items_of(const Value& value, Runtime& rt) {
  switch (value.kind()) {
    case jinja::Kind::kUndefined:
      return {};
    case jinja::Kind::kList:
    case jinja::Kind::kTuple:
      return value.as_list().items;
    case jinja::Kind::kDict: {
      std::vector<Value> keys;
      for (const auto& [key, item] : value.as_dict().entries) keys.push_back(key);
      return keys;
    }
    case jinja::Kind::kString: {
      std::vector<Value> characters;
      const std::string& text = value.as_string();
      for (size_t i = 0; i < text.size();) {
        size_t length = 1;
        while (i + length < text.size() &&
               (static_cast<unsigned char>(text[i + length]) & 0xC0) == 0x80) {
          ++length;
        }
        characters.emplace_back(text.substr(i, length));
        i += length;
      }
      return characters;
    }
    case jinja::Kind::kHost:
      if (auto items = value.as_host().iterate(rt)) return std::move(*items);
      [[fallthrough]];
    default:
      throw_error(ErrorKind::kType,
                  "'" + std::string(value.type_name()) + "' object is not iterable");
  }
}

int64_t count_argument(const CallArgs& args, size_t index, std::string_view name,
                       std::string_view function) {
  const Value* value = args.find(index, name);
  if (!value || (!value->is_int() && !value->is_bool())) {
    throw_error(ErrorKind::kType,
                std::string(function) + "() needs an integer '" + std::string(name) + "'");
  }
  if (value->as_int() < 0) {
    throw_error(ErrorKind::kValue, std::string(name) + " must be non-negative");
  }
  return value->as_int();
}

Value call_key(const Value* key, const Value& item, Runtime& rt) {
  if (!key || key->is_none()) return item;
  CallArgs args;
  args.positional.push_back(item);
  return rt.call(*key, args);
}

Value chain(const std::vector<Value>& iterables, Runtime& rt) {
  std::vector<Value> out;
  for (const Value& iterable : iterables) {
    for (Value& item : items_of(iterable, rt)) out.push_back(std::move(item));
    check_size(out.size());
  }
  return Value::list(std::move(out));
}

Value product(CallArgs& args, Runtime& rt) {
  std::vector<std::vector<Value>> pools;
  for (const Value& iterable : args.positional) pools.push_back(items_of(iterable, rt));
  int64_t repeat = 1;
  if (args.kwarg("repeat")) repeat = count_argument(args, SIZE_MAX, "repeat", "product");
  std::vector<std::vector<Value>> repeated;
  for (int64_t r = 0; r < repeat; ++r) repeated.insert(repeated.end(), pools.begin(), pools.end());
  std::vector<std::vector<Value>> rows = {{}};
  for (const std::vector<Value>& pool : repeated) {
    std::vector<std::vector<Value>> next;
    check_size(rows.size() * pool.size());
    for (const std::vector<Value>& row : rows) {
      for (const Value& item : pool) {
        next.push_back(row);
        next.back().push_back(item);
      }
    }
    rows = std::move(next);
  }
  std::vector<Value> out;
  for (std::vector<Value>& row : rows) out.push_back(Value::tuple(std::move(row)));
  return Value::list(std::move(out));
}

// Index tuples in Python's order: combinations (increasing), with replacement (non-decreasing),
// permutations (distinct, lexicographic by position).
enum class Selection { kCombinations, kWithReplacement, kPermutations };

void select(size_t n, size_t r, Selection kind, std::vector<size_t>& current,
            std::vector<bool>& used, std::vector<std::vector<size_t>>& out) {
  if (current.size() == r) {
    out.push_back(current);
    check_size(out.size());
    return;
  }
  size_t start = 0;
  if (!current.empty() && kind == Selection::kCombinations) start = current.back() + 1;
  if (!current.empty() && kind == Selection::kWithReplacement) start = current.back();
  for (size_t i = start; i < n; ++i) {
    if (kind == Selection::kPermutations && used[i]) continue;
    used[i] = true;
    current.push_back(i);
    select(n, r, kind, current, used, out);
    current.pop_back();
    used[i] = false;
  }
}

Value selections(const std::vector<Value>& pool, size_t r, Selection kind) {
  std::vector<std::vector<size_t>> indexes;
  if (r <= pool.size() || kind == Selection::kWithReplacement) {
    if (!(pool.empty() && r > 0)) {
      std::vector<size_t> current;
      std::vector<bool> used(pool.size(), false);
      select(pool.size(), r, kind, current, used, indexes);
    }
  }
  std::vector<Value> out;
  for (const std::vector<size_t>& row : indexes) {
    std::vector<Value> items;
    for (size_t i : row) items.push_back(pool[i]);
    out.push_back(Value::tuple(std::move(items)));
  }
  return Value::list(std::move(out));
}

// groupby(iterable, key=None): (key, [items]) for each run of equal keys.
Value groupby(CallArgs& args, Runtime& rt) {
  const Value* key = args.find(1, "key");
  std::vector<Value> groups;
  Value current_key;
  std::vector<Value> current;
  bool open = false;
  for (Value& item : items_of(args.get(0, "iterable"), rt)) {
    Value k = call_key(key, item, rt);
    if (open && !k.equals(current_key)) {
      groups.push_back(Value::tuple({current_key, Value::list(std::move(current))}));
      current.clear();
    }
    if (!open || !k.equals(current_key)) current_key = k;
    open = true;
    current.push_back(std::move(item));
  }
  if (open) groups.push_back(Value::tuple({current_key, Value::list(std::move(current))}));
  return Value::list(std::move(groups));
}

// islice(iterable, stop) or islice(iterable, start, stop[, step]); None means "no bound".
Value islice(CallArgs& args, Runtime& rt) {
  std::vector<Value> items = items_of(args.get(0, "iterable"), rt);
  auto bound = [&](size_t index, int64_t fallback) {
    Value value = args.get(index, "");
    if (value.is_undefined() || value.is_none()) return fallback;
    if (!value.is_int() || value.as_int() < 0) {
      throw_error(ErrorKind::kValue, "indices for islice() must be None or non-negative integers");
    }
    return value.as_int();
  };
  int64_t size = static_cast<int64_t>(items.size());
  int64_t start = 0, stop = size, step = 1;
  if (args.positional.size() <= 2) {
    stop = bound(1, size);
  } else {
    start = bound(1, 0);
    stop = bound(2, size);
    step = bound(3, 1);
    if (step == 0) throw_error(ErrorKind::kValue, "step for islice() must be a positive integer");
  }
  std::vector<Value> out;
  for (int64_t i = start; i < std::min(stop, size); i += step) out.push_back(items[i]);
  return Value::list(std::move(out));
}

Value zip_longest(CallArgs& args, Runtime& rt) {
  std::vector<std::vector<Value>> columns;
  size_t longest = 0;
  for (const Value& iterable : args.positional) {
    columns.push_back(items_of(iterable, rt));
    longest = std::max(longest, columns.back().size());
  }
  Value fill = args.kwarg("fillvalue") ? *args.kwarg("fillvalue") : Value::none();
  std::vector<Value> rows;
  for (size_t i = 0; i < longest; ++i) {
    std::vector<Value> row;
    for (const std::vector<Value>& column : columns) {
      row.push_back(i < column.size() ? column[i] : fill);
    }
    rows.push_back(Value::tuple(std::move(row)));
  }
  return Value::list(std::move(rows));
}

// takewhile / dropwhile / filterfalse(predicate, iterable).
Value by_predicate(std::string_view function, CallArgs& args, Runtime& rt) {
  Value predicate = args.get(0, "predicate");
  std::vector<Value> out;
  bool dropping = true;
  for (Value& item : items_of(args.get(1, "iterable"), rt)) {
    bool holds = predicate.is_none() ? item.truthy() : call_key(&predicate, item, rt).truthy();
    if (function == "takewhile") {
      if (!holds) break;
      out.push_back(std::move(item));
    } else if (function == "dropwhile") {
      if (dropping && holds) continue;
      dropping = false;
      out.push_back(std::move(item));
    } else if (!holds) {
      out.push_back(std::move(item));
    }
  }
  return Value::list(std::move(out));
}

class ItertoolsModule final : public HostObject {
 public:
  std::string_view type_name() const override { return "module"; }
  std::optional<Value> get_attr(std::string_view attr, Runtime&) override {
    // `itertools.chain.from_iterable(...)` reads an attribute of a function; offer chain as an
    // object with that method.
    if (attr == "chain") return Value::host(std::make_shared<ChainFunction>());
    return std::nullopt;
  }
  std::optional<Value> call_method(std::string_view method, CallArgs& args, Runtime& rt) override {
    if (method == "chain") return chain(args.positional, rt);
    if (method == "product") return product(args, rt);
    if (method == "combinations" || method == "combinations_with_replacement") {
      std::vector<Value> pool = items_of(args.get(0, "iterable"), rt);
      size_t r = static_cast<size_t>(count_argument(args, 1, "r", method));
      return selections(
          pool, r,
          method == "combinations" ? Selection::kCombinations : Selection::kWithReplacement);
    }
    if (method == "permutations") {
      std::vector<Value> pool = items_of(args.get(0, "iterable"), rt);
      const Value* r = args.find(1, "r");
      size_t length = r && !r->is_none() ? static_cast<size_t>(count_argument(args, 1, "r", method))
                                         : pool.size();
      return selections(pool, length, Selection::kPermutations);
    }
    if (method == "groupby") return groupby(args, rt);
    if (method == "islice") return islice(args, rt);
    if (method == "zip_longest") return zip_longest(args, rt);
    if (method == "repeat") {
      int64_t times = count_argument(args, 1, "times", "repeat");
      check_size(static_cast<size_t>(times));
      return Value::list(std::vector<Value>(static_cast<size_t>(times), args.get(0, "object")));
    }
    if (method == "compress") {
      std::vector<Value> data = items_of(args.get(0, "data"), rt);
      std::vector<Value> selectors = items_of(args.get(1, "selectors"), rt);
      std::vector<Value> out;
      for (size_t i = 0; i < data.size() && i < selectors.size(); ++i) {
        if (selectors[i].truthy()) out.push_back(data[i]);
      }
      return Value::list(std::move(out));
    }
    if (method == "starmap") {
      Value function = args.get(0, "function");
      std::vector<Value> out;
      for (const Value& row : items_of(args.get(1, "iterable"), rt)) {
        CallArgs call;
        call.positional = items_of(row, rt);
        out.push_back(rt.call(function, call));
      }
      return Value::list(std::move(out));
    }
    if (method == "takewhile" || method == "dropwhile" || method == "filterfalse") {
      return by_predicate(method, args, rt);
    }
    return std::nullopt;
  }
  std::string str() const override { return "<module 'itertools'>"; }

 private:
  class ChainFunction final : public HostObject {
   public:
    std::string_view type_name() const override { return "type"; }
    bool is_callable() const override { return true; }
    Value call(CallArgs& args, Runtime& rt) override { return chain(args.positional, rt); }
    std::optional<Value> call_method(std::string_view method, CallArgs& args,
                                     Runtime& rt) override {
      if (method != "from_iterable") return std::nullopt;
      return chain(items_of(args.get(0, "iterable"), rt), rt);
    }
    std::string str() const override { return "<class 'itertools.chain'>"; }
  };
};

}  // namespace

Value make_itertools_module() {
  return Value::host(std::make_shared<ItertoolsModule>());
}

}  // namespace kiln
