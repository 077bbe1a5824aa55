#include "context/execution_globals.h"

#include <algorithm>
#include <cerrno>
#include <cstdlib>

#include "common/error.h"
#include "common/events.h"
#include "common/strings.h"
#include "context/values.h"
#include "jinja/ast.h"

namespace kiln {

using jinja::CallArgs;
using jinja::Runtime;
using jinja::Value;

namespace {

thread_local ExecutionFrame* current_frame = nullptr;

[[noreturn]] void template_error(std::string message) {
  throw KilnError(ErrorKind::Template, std::move(message));
}

// ---- result tables: agate's Table as dbt's templates use it -----------------------------------

// Numbers the warehouse sends as text (DECIMAL, HUGEINT) become numbers, as agate gives Decimal.
Value cell_value(const Cell& cell, const std::string& type) {
  if (std::holds_alternative<std::monostate>(cell)) return Value::none();
  if (const auto* flag = std::get_if<bool>(&cell)) return Value(*flag);
  if (const auto* integer = std::get_if<int64_t>(&cell)) return Value(*integer);
  if (const auto* real = std::get_if<double>(&cell)) return Value(*real);
  const std::string& text = std::get<std::string>(cell);
  if (type.starts_with("DECIMAL") || type == "HUGEINT" || type == "UHUGEINT" || type == "UBIGINT") {
    char* end = nullptr;
    if (text.find_first_of(".eE") == std::string::npos) {
      errno = 0;
      long long integer = std::strtoll(text.c_str(), &end, 10);
      if (end && *end == '\0' && errno != ERANGE) return Value(static_cast<int64_t>(integer));
    }
    double real = std::strtod(text.c_str(), &end);
    if (end && *end == '\0') return Value(real);
  }
  return Value(text);
}

struct TableData {
  std::vector<std::string> names;
  std::vector<std::string> types;
  std::vector<std::vector<Value>> rows;

  std::optional<size_t> index_of(const Value& key) const {
    if (key.is_int()) {
      int64_t i = key.as_int();
      if (i < 0) i += static_cast<int64_t>(names.size());
      if (i >= 0 && static_cast<size_t>(i) < names.size()) return static_cast<size_t>(i);
      return std::nullopt;
    }
    if (!key.is_string()) return std::nullopt;
    for (size_t i = 0; i < names.size(); ++i) {
      if (names[i] == key.as_string()) return i;
    }
    return std::nullopt;
  }
};

Value string_list(const std::vector<std::string>& items) {
  std::vector<Value> values;
  for (const std::string& item : items) values.emplace_back(item);
  return Value::tuple(std::move(values));
}

// One row: indexable by position or column name, iterable over its values (agate's Row).
class RowObject : public jinja::HostObject {
 public:
  RowObject(std::shared_ptr<const TableData> table, size_t index)
      : table_(std::move(table)), index_(index) {}
  std::string_view type_name() const override { return "Row"; }
  std::optional<Value> get_item(const Value& key, Runtime&) override {
    auto column = table_->index_of(key);
    if (!column) return std::nullopt;
    return values()[*column];
  }
  std::optional<Value> get_attr(std::string_view name, Runtime& rt) override {
    return get_item(Value(name), rt);
  }
  std::optional<Value> call_method(std::string_view name, CallArgs&, Runtime&) override {
    if (name == "keys") return string_list(table_->names);
    if (name == "values") return Value::tuple(values());
    if (name == "items" || name == "dict") {
      if (name == "dict") {
        Value dict = Value::dict();
        for (size_t i = 0; i < table_->names.size(); ++i) dict.set(table_->names[i], values()[i]);
        return dict;
      }
      std::vector<Value> pairs;
      for (size_t i = 0; i < table_->names.size(); ++i)
        pairs.push_back(Value::tuple({Value(table_->names[i]), values()[i]}));
      return Value::list(std::move(pairs));
    }
    return std::nullopt;
  }
  std::optional<std::vector<Value>> iterate(Runtime&) override { return values(); }
  std::optional<int64_t> length() const override {
    return static_cast<int64_t>(table_->names.size());
  }
  std::optional<bool> contains(const Value& value) const override {
    for (const Value& item : values()) {
      if (item.equals(value)) return true;
    }
    return false;
  }
  std::string str() const override { return "<agate.Row: " + Value::tuple(values()).repr() + ">"; }

 private:
  const std::vector<Value>& values() const { return table_->rows[index_]; }
  std::shared_ptr<const TableData> table_;
  size_t index_;
};

// One column of a result: name, data_type and values() (agate's Column).
class TableColumnObject : public jinja::HostObject {
 public:
  TableColumnObject(std::shared_ptr<const TableData> table, size_t index)
      : table_(std::move(table)), index_(index) {}
  std::string_view type_name() const override { return "Column"; }
  std::optional<Value> get_attr(std::string_view name, Runtime&) override {
    if (name == "name") return Value(table_->names[index_]);
    if (name == "data_type") return Value(table_->types[index_]);
    return std::nullopt;
  }
  std::optional<Value> call_method(std::string_view name, CallArgs&, Runtime&) override {
    if (name != "values" && name != "values_distinct") return std::nullopt;
    std::vector<Value> values;
    for (const auto& row : table_->rows) {
      const Value& value = row[index_];
      if (name == "values_distinct" && std::any_of(values.begin(), values.end(),
                                                   [&](const Value& v) { return v.equals(value); }))
        continue;
      values.push_back(value);
    }
    return Value::tuple(std::move(values));
  }
  std::optional<std::vector<Value>> iterate(Runtime& rt) override {
    CallArgs none;
    return call_method("values", none, rt)->as_list().items;
  }
  std::string str() const override { return "<agate.Column: " + table_->names[index_] + ">"; }

 private:
  std::shared_ptr<const TableData> table_;
  size_t index_;
};

// table.rows / table.columns: sequences also indexable by column name where that makes sense.
class SequenceObject : public jinja::HostObject {
 public:
  SequenceObject(std::string type, std::vector<Value> items, std::shared_ptr<const TableData> table)
      : type_(std::move(type)), items_(std::move(items)), table_(std::move(table)) {}
  std::string_view type_name() const override { return type_; }
  std::optional<Value> get_item(const Value& key, Runtime&) override {
    if (key.is_int()) {
      int64_t i = key.as_int();
      if (i < 0) i += static_cast<int64_t>(items_.size());
      if (i < 0 || static_cast<size_t>(i) >= items_.size()) return std::nullopt;
      return items_[static_cast<size_t>(i)];
    }
    if (type_ == "MappedSequence" && key.is_string()) {
      if (auto index = table_->index_of(key)) return items_[*index];
    }
    return std::nullopt;
  }
  std::optional<Value> call_method(std::string_view name, CallArgs&, Runtime&) override {
    if (type_ == "MappedSequence" && name == "keys") return string_list(table_->names);
    if (name == "values") return Value::tuple(items_);
    return std::nullopt;
  }
  std::optional<std::vector<Value>> iterate(Runtime&) override { return items_; }
  std::optional<int64_t> length() const override { return static_cast<int64_t>(items_.size()); }
  bool truthy() const override { return !items_.empty(); }
  std::string str() const override { return "<" + type_ + ">"; }

 private:
  std::string type_;
  std::vector<Value> items_;
  std::shared_ptr<const TableData> table_;
};

class TableObject : public jinja::HostObject {
 public:
  explicit TableObject(const ResultTable& result) {
    auto data = std::make_shared<TableData>();
    for (const ResultColumn& column : result.columns) {
      data->names.push_back(column.name);
      data->types.push_back(column.type);
    }
    for (const auto& row : result.rows) {
      std::vector<Value> values;
      for (size_t i = 0; i < row.size(); ++i) values.push_back(cell_value(row[i], data->types[i]));
      data->rows.push_back(std::move(values));
    }
    table_ = data;
    std::vector<Value> rows, columns;
    for (size_t i = 0; i < table_->rows.size(); ++i)
      rows.push_back(Value::host(std::make_shared<RowObject>(table_, i)));
    for (size_t i = 0; i < table_->names.size(); ++i)
      columns.push_back(Value::host(std::make_shared<TableColumnObject>(table_, i)));
    rows_ = Value::host(std::make_shared<SequenceObject>("Sequence", std::move(rows), table_));
    columns_ =
        Value::host(std::make_shared<SequenceObject>("MappedSequence", std::move(columns), table_));
  }
  std::string_view type_name() const override { return "Table"; }
  std::optional<Value> get_attr(std::string_view name, Runtime&) override {
    if (name == "rows") return rows_;
    if (name == "columns") return columns_;
    if (name == "column_names") return string_list(table_->names);
    if (name == "column_types") return string_list(table_->types);
    return std::nullopt;
  }
  std::optional<Value> get_item(const Value& key, Runtime& rt) override {
    return rows_.as_host().get_item(key, rt);
  }
  std::optional<Value> call_method(std::string_view name, CallArgs& args, Runtime&) override {
    if (name != "print_table") return std::nullopt;
    int64_t max_rows = args.get(0, "max_rows", Value(int64_t{20})).as_int();
    int64_t max_columns = args.get(1, "max_columns", Value(int64_t{6})).as_int();
    Event event;
    event.code = "Z071";
    event.message = render(static_cast<size_t>(std::max<int64_t>(0, max_rows)),
                           static_cast<size_t>(std::max<int64_t>(1, max_columns)));
    event.is_output = true;
    events().emit(std::move(event));
    return Value(std::string());
  }
  std::optional<std::vector<Value>> iterate(Runtime&) override { return rows_items(); }
  std::optional<int64_t> length() const override {
    return static_cast<int64_t>(table_->rows.size());
  }
  std::string str() const override { return "<agate.Table>"; }

 private:
  std::vector<Value> rows_items() const {
    std::vector<Value> items;
    for (size_t i = 0; i < table_->rows.size(); ++i)
      items.push_back(Value::host(std::make_shared<RowObject>(table_, i)));
    return items;
  }

  // agate's print_table layout: | a | b | with a separator line under the header.
  std::string render(size_t max_rows, size_t max_columns) const {
    size_t columns = std::min(max_columns, table_->names.size());
    size_t rows = std::min(max_rows, table_->rows.size());
    std::vector<std::string> header(table_->names.begin(), table_->names.begin() + columns);
    std::vector<std::vector<std::string>> cells;
    for (size_t r = 0; r < rows; ++r) {
      std::vector<std::string> line;
      for (size_t c = 0; c < columns; ++c) {
        const Value& value = table_->rows[r][c];
        line.push_back(value.is_none() ? "" : value.str());
      }
      cells.push_back(std::move(line));
    }
    std::string out = text_table(header, cells) + "\n";
    if (table_->rows.size() > rows) out += "| ... |\n";
    if (!out.empty()) out.pop_back();
    return out;
  }

  std::shared_ptr<const TableData> table_;
  Value rows_, columns_;
};

Value response_value(const AdapterResponse& response) {
  Value dict = Value::dict();
  dict.set("_message", Value(response.message));
  dict.set("code", Value(response.code));
  dict.set("rows_affected",
           response.rows_affected < 0 ? Value::none() : Value(response.rows_affected));
  return dict;
}

Value table_value(const ResultTable& table) {
  return Value::host(std::make_shared<TableObject>(table));
}

// What load_result() gives: response, table and data (the rows as tuples).
Value result_value(const QueryResult& result, bool fetched) {
  Value dict = Value::dict();
  dict.set("response", response_value(result.response));
  Value table = table_value(result.table);
  dict.set("table", fetched ? table : Value::none());
  std::vector<Value> data;
  if (fetched) {
    for (const auto& row : result.table.rows) {
      std::vector<Value> cells;
      for (size_t i = 0; i < row.size(); ++i)
        cells.push_back(cell_value(row[i], result.table.columns[i].type));
      data.push_back(Value::tuple(std::move(cells)));
    }
  }
  dict.set("data", Value::list(std::move(data)));
  return dict;
}

// ---- columns: dbt's Column ------------------------------------------------------------------

class ColumnObject : public jinja::HostObject {
 public:
  ColumnObject(std::string name, std::string data_type, RelationObject::Quote quote)
      : name_(std::move(name)), data_type_(std::move(data_type)), quote_(std::move(quote)) {}
  std::string_view type_name() const override { return "Column"; }
  std::optional<Value> get_attr(std::string_view name, Runtime&) override {
    if (name == "name" || name == "column") return Value(name_);
    if (name == "quoted") return Value(quote_(name_));
    if (name == "data_type" || name == "dtype") return Value(data_type_);
    if (name == "char_size" || name == "numeric_precision" || name == "numeric_scale")
      return Value::none();
    return std::nullopt;
  }
  std::optional<Value> call_method(std::string_view name, CallArgs&, Runtime&) override {
    std::string upper = data_type_;
    for (char& c : upper) c = jinja::ascii_upper(c);
    auto starts = [&](std::initializer_list<const char*> prefixes) {
      for (const char* prefix : prefixes) {
        if (upper.starts_with(prefix)) return true;
      }
      return false;
    };
    if (name == "is_string") return Value(starts({"VARCHAR", "TEXT", "CHAR", "STRING"}));
    if (name == "is_integer")
      return Value(starts({"TINYINT", "SMALLINT", "INTEGER", "BIGINT", "HUGEINT", "INT", "UINT",
                           "UTINYINT", "USMALLINT", "UBIGINT"}));
    if (name == "is_float") return Value(starts({"FLOAT", "DOUBLE", "REAL"}));
    if (name == "is_numeric") return Value(starts({"DECIMAL", "NUMERIC"}));
    if (name == "is_number")
      return Value(
          starts({"TINYINT", "SMALLINT", "INTEGER", "BIGINT", "HUGEINT", "INT", "UINT", "UTINYINT",
                  "USMALLINT", "UBIGINT", "FLOAT", "DOUBLE", "REAL", "DECIMAL", "NUMERIC"}));
    return std::nullopt;
  }
  std::string str() const override { return "<Column " + name_ + " (" + data_type_ + ")>"; }
  bool equals(const jinja::HostObject& other) const override {
    const auto* column = dynamic_cast<const ColumnObject*>(&other);
    return column && column->name_ == name_ && column->data_type_ == data_type_;
  }
  const std::string& name() const { return name_; }
  const std::string& data_type() const { return data_type_; }

 private:
  std::string name_, data_type_;
  RelationObject::Quote quote_;
};

Value column_value(const ColumnInfo& column, const RelationObject::Quote& quote) {
  return Value::host(std::make_shared<ColumnObject>(column.name, column.data_type, quote));
}

// ---- arguments ------------------------------------------------------------------------------

RelationRef relation_arg(CallArgs& args, size_t index, std::string_view name,
                         std::string_view function) {
  const Value* value = args.find(index, name);
  std::optional<RelationRef> relation = value ? relation_ref_of(*value) : std::nullopt;
  if (!relation) {
    template_error(std::string(function) + "() expects a relation for '" + std::string(name) +
                   "', got " + (value ? value->repr() : std::string("nothing")));
  }
  return *relation;
}

std::string optional_string(CallArgs& args, size_t index, std::string_view name) {
  const Value* value = args.find(index, name);
  return value && value->is_string() ? value->as_string() : std::string();
}

bool flag_arg(CallArgs& args, size_t index, std::string_view name, bool fallback) {
  const Value* value = args.find(index, name);
  return value && !value->is_none() && !value->is_undefined() ? value->truthy() : fallback;
}

std::string lowered(std::string text) {
  return to_lower(text);
}

// ---- the adapter object in execution mode ------------------------------------------------------

class ExecutionAdapter : public jinja::HostObject {
 public:
  ExecutionAdapter(Value base, RelationObject::Quote quote)
      : base_(std::move(base)), quote_(std::move(quote)) {}
  std::string_view type_name() const override { return "Adapter"; }
  std::optional<Value> get_attr(std::string_view name, Runtime& rt) override {
    return base_.as_host().get_attr(name, rt);
  }
  std::optional<Value> call_method(std::string_view name, CallArgs& args, Runtime& rt) override {
    if (name == "get_incremental_strategy_macro") return strategy_macro(args, rt);
    if (current_frame) {
      if (auto value = warehouse_method(name, args)) return value;
    } else if (is_warehouse_only(name)) {
      // Parse and compile time: nothing is built, as dbt's adapter does when execute is false.
      return Value::none();
    }
    return base_.as_host().call_method(name, args, rt);
  }
  std::string str() const override { return base_.str(); }

 private:
  static bool is_warehouse_only(std::string_view name) {
    for (const char* method :
         {"create_schema", "drop_schema", "drop_relation", "rename_relation", "truncate_relation",
          "execute", "commit", "begin", "rollback", "cache_added", "cache_dropped", "cache_renamed",
          "expand_target_column_types", "get_missing_columns", "already_exists",
          "get_incremental_strategy_macro"}) {
      if (name == method) return true;
    }
    return false;
  }

  // get_incremental_strategy_macro(context, strategy): the macro get_incremental_<s>_sql, found
  // as the template would find it (root project, the model's package, kiln's own).
  static Value strategy_macro(CallArgs& args, Runtime& rt) {
    const Value* strategy = args.find(1, "strategy");
    std::string text = strategy && strategy->is_string() ? strategy->as_string() : "";
    if (text.empty()) text = "default";
    std::string macro_name = "get_incremental_" + text + "_sql";
    std::replace(macro_name.begin(), macro_name.end(), '+', '_');
    Value macro = rt.resolve(macro_name);
    if (macro.is_undefined() || !macro.is_callable()) {
      std::string model = current_frame && current_frame->node
                              ? " (in " + current_frame->node->unique_id + ")"
                              : std::string();
      if (text == "insert_overwrite") {
        // dbt offers it where tables have partitions to overwrite (BigQuery, Spark, ...).
        // (A template error shows its own hint, so the advice is part of the message.)
        throw KilnError(ErrorKind::Template,
                        "incremental_strategy 'insert_overwrite'" + model +
                            " replaces whole partitions, and DuckDB, PostgreSQL and MySQL tables "
                            "have none to replace; use delete+insert with a unique_key, merge, or "
                            "microbatch (which replaces each batch's time window), or define a "
                            "macro named " +
                            macro_name);
      }
      throw KilnError(ErrorKind::Template,
                      "invalid incremental_strategy '" + text + "'" + model +
                          "; expected append, merge, delete+insert, microbatch, or a strategy "
                          "with a macro named " +
                          macro_name);
    }
    return macro;
  }

  Value relation_value(const RelationRef& relation) const {
    return make_relation(
        relation.database, relation.schema, relation.identifier,
        std::string(relation.type == RelationType::Unknown ? std::string_view()
                                                           : relation_type_name(relation.type)),
        quote_);
  }

  Value columns_value(const std::vector<ColumnInfo>& columns) const {
    std::vector<Value> values;
    for (const ColumnInfo& column : columns) values.push_back(column_value(column, quote_));
    return Value::list(std::move(values));
  }

  std::optional<Value> warehouse_method(std::string_view name, CallArgs& args) {
    ExecutionFrame& f = *current_frame;
    WarehouseSession& session = *f.session;
    if (name == "get_relation") {
      auto found = session.get_relation(optional_string(args, 0, "database"),
                                        optional_string(args, 1, "schema"),
                                        optional_string(args, 2, "identifier"));
      return found ? relation_value(*found) : Value::none();
    }
    if (name == "load_relation") {
      RelationRef wanted = relation_arg(args, 0, "relation", "adapter.load_relation");
      auto found = session.get_relation(wanted.database, wanted.schema, wanted.identifier);
      return found ? relation_value(*found) : Value::none();
    }
    if (name == "get_columns_in_relation") {
      return columns_value(session.get_columns(
          relation_arg(args, 0, "relation", "adapter.get_columns_in_relation")));
    }
    if (name == "list_relations_without_caching" || name == "list_relations") {
      RelationRef schema_relation =
          relation_arg(args, 0, "schema_relation", "adapter." + std::string(name));
      std::vector<Value> relations;
      for (const RelationRef& relation :
           session.list_relations(schema_relation.database, schema_relation.schema)) {
        relations.push_back(relation_value(relation));
      }
      return Value::list(std::move(relations));
    }
    if (name == "create_schema") {
      RelationRef relation = relation_arg(args, 0, "relation", "adapter.create_schema");
      session.create_schema(relation.database, relation.schema);
      return Value(std::string());
    }
    if (name == "drop_relation") {
      session.drop_relation(relation_arg(args, 0, "relation", "adapter.drop_relation"));
      return Value(std::string());
    }
    if (name == "rename_relation") {
      RelationRef from = relation_arg(args, 0, "from_relation", "adapter.rename_relation");
      RelationRef to = relation_arg(args, 1, "to_relation", "adapter.rename_relation");
      session.rename_relation(from, to);
      return Value(std::string());
    }
    if (name == "truncate_relation") {
      session.truncate_relation(relation_arg(args, 0, "relation", "adapter.truncate_relation"));
      return Value(std::string());
    }
    if (name == "cache_added") {
      session.cache_added(relation_arg(args, 0, "relation", "adapter.cache_added"));
      return Value(std::string());
    }
    if (name == "cache_dropped" || name == "cache_renamed") return Value(std::string());
    if (name == "get_missing_columns") {
      // Columns of from_relation that to_relation lacks, as dbt's adapter computes them.
      RelationRef from = relation_arg(args, 0, "from_relation", "adapter.get_missing_columns");
      RelationRef to = relation_arg(args, 1, "to_relation", "adapter.get_missing_columns");
      std::vector<ColumnInfo> target = session.get_columns(to);
      std::vector<ColumnInfo> missing;
      for (const ColumnInfo& column : session.get_columns(from)) {
        bool present = std::any_of(target.begin(), target.end(), [&](const ColumnInfo& c) {
          return lowered(c.name) == lowered(column.name);
        });
        if (!present) missing.push_back(column);
      }
      return columns_value(missing);
    }
    if (name == "expand_target_column_types") {
      // Sized string types are what dbt widens; the warehouses kiln supports have none (DuckDB's
      // VARCHAR is unbounded), so the target already fits every source string.
      relation_arg(args, 0, "from_relation", "adapter.expand_target_column_types");
      relation_arg(args, 1, "to_relation", "adapter.expand_target_column_types");
      return Value(std::string());
    }
    if (name == "already_exists") {
      std::string schema = optional_string(args, 0, "schema");
      std::string identifier = optional_string(args, 1, "name");
      return Value(session.get_relation(f.this_relation.database, schema, identifier).has_value());
    }
    if (name == "execute") {
      std::string sql = args.get(0, "sql").str();
      bool auto_begin = flag_arg(args, 1, "auto_begin", false);
      bool fetch = flag_arg(args, 2, "fetch", false);
      QueryResult result = session.execute(sql, fetch, auto_begin);
      return Value::tuple({response_value(result.response), table_value(result.table)});
    }
    if (name == "begin") {
      session.begin();
      return Value(std::string());
    }
    if (name == "commit") {
      session.commit();
      return Value(std::string());
    }
    if (name == "rollback") {
      session.rollback();
      return Value(std::string());
    }
    return std::nullopt;
  }

  Value base_;
  RelationObject::Quote quote_;
};

// ---- api.Relation and api.Column -----------------------------------------------------------

class RelationFactory : public jinja::HostObject {
 public:
  explicit RelationFactory(RelationObject::Quote quote) : quote_(std::move(quote)) {}
  std::string_view type_name() const override { return "RelationFactory"; }
  std::optional<Value> call_method(std::string_view name, CallArgs& args, Runtime&) override {
    if (name != "create") return std::nullopt;
    std::string type = optional_string(args, 3, "type");
    return make_relation(optional_string(args, 0, "database"), optional_string(args, 1, "schema"),
                         optional_string(args, 2, "identifier"), type, quote_);
  }
  std::string str() const override { return "<class 'Relation'>"; }

 private:
  RelationObject::Quote quote_;
};

class ColumnFactory : public jinja::HostObject {
 public:
  explicit ColumnFactory(RelationObject::Quote quote) : quote_(std::move(quote)) {}
  std::string_view type_name() const override { return "ColumnFactory"; }
  std::optional<Value> call_method(std::string_view name, CallArgs& args, Runtime&) override {
    if (name != "create") return std::nullopt;
    return column_value(
        {optional_string(args, 0, "name"), optional_string(args, 1, "label_or_dtype")}, quote_);
  }
  std::string str() const override { return "<class 'Column'>"; }

 private:
  RelationObject::Quote quote_;
};

// ---- functions --------------------------------------------------------------------------------

bool should_full_refresh() {
  if (!current_frame) return false;
  const Data* configured = current_frame->node->config.find("full_refresh");
  if (configured && configured->is_bool()) return configured->as_bool();
  return current_frame->options->full_refresh;
}

void store(ExecutionFrame& f, const std::string& name, const QueryResult& result, bool fetched) {
  if (name.empty()) return;
  f.results.set(name, result_value(result, fetched));
  if (name != "main") return;
  f.outcome->main_response = result.response;
  if (fetched) f.outcome->main_table = result.table;
}

Value run_statement(CallArgs& args, Runtime& rt) {
  const Value* caller = args.kwarg("caller");
  if (!current_frame || !caller) return Value(std::string());
  ExecutionFrame& f = *current_frame;
  std::string name = optional_string(args, 0, "name");
  bool fetch = flag_arg(args, 1, "fetch_result", false);
  bool auto_begin = flag_arg(args, 2, "auto_begin", true);
  std::string language = optional_string(args, 3, "language");
  if (!language.empty() && language != "sql") {
    template_error("statement() language '" + language + "' is not supported; kiln runs SQL");
  }
  CallArgs none;
  std::string sql(trim(rt.call(*caller, none).str()));
  if (sql.empty()) return Value(std::string());
  QueryResult result = f.session->execute(sql, fetch, auto_begin);
  store(f, name, result, fetch);
  return Value(std::string());
}

Value hooks_value(const Node& node, const char* key) {
  const Data* hooks = node.config.find(key);
  if (!hooks || !hooks->is_list()) return Value::list();
  return to_jinja(*hooks);
}

}  // namespace

const ExecutionFrame* current_execution_frame() {
  return current_frame;
}

ScopedExecution::ScopedExecution(ExecutionFrame* frame) : previous_(current_frame) {
  current_frame = frame;
}

ScopedExecution::~ScopedExecution() {
  current_frame = previous_;
}

std::optional<RelationRef> relation_ref_of(const Value& value) {
  if (!value.is_host()) return std::nullopt;
  const auto* relation = dynamic_cast<const RelationObject*>(&value.as_host());
  if (!relation) return std::nullopt;
  return RelationRef{relation->database(), relation->schema(), relation->identifier(),
                     parse_relation_type(relation->type())};
}

void register_execution_globals(jinja::Environment& env, RelationObject::Quote quote,
                                std::function<void(const std::string&)> note_macro_call) {
  const Value* base_adapter = env.find_global(jinja::intern("adapter"));
  if (!base_adapter) template_error("internal: the adapter global must be registered first");
  Value adapter = Value::host(std::make_shared<ExecutionAdapter>(*base_adapter, quote));
  env.set_global("adapter", adapter);
  env.set_global("api", Value::dict()
                            .set("Relation", Value::host(std::make_shared<RelationFactory>(quote)))
                            .set("Column", Value::host(std::make_shared<ColumnFactory>(quote))));
  env.set_function("statement", run_statement);
  env.set_function("load_result", [](CallArgs& args, Runtime&) {
    if (!current_frame) return Value::none();
    Value found = current_frame->results.get(args.get(0, "name").str());
    return found.is_undefined() ? Value::none() : found;
  });
  env.set_function("store_result", [](CallArgs& args, Runtime&) {
    if (!current_frame) return Value(std::string());
    Value entry = Value::dict();
    entry.set("response", args.get(1, "response", Value::none()));
    entry.set("table", args.get(2, "agate_table", Value::none()));
    entry.set("data", Value::list());
    current_frame->results.set(args.get(0, "name").str(), entry);
    return Value(std::string());
  });
  env.set_function("run_query", [](CallArgs& args, Runtime& rt) {
    if (!current_frame) {
      if (!rt.resolve("execute").truthy()) return Value::none();
      template_error(
          "run_query needs a warehouse connection, which `kiln compile` does not open yet");
    }
    ExecutionFrame& f = *current_frame;
    std::string sql = args.get(0, "sql").str();
    QueryResult result = f.session->execute(sql, true, false);
    store(f, "run_query_statement", result, true);
    return table_value(result.table);
  });
  env.set_function("is_incremental", [note_macro_call](CallArgs&, Runtime&) {
    if (note_macro_call) note_macro_call("macro.dbt.is_incremental");
    // dbt's rule: the model is incremental, not fully refreshed, and already exists as a table.
    if (current_frame && current_frame->options && current_frame->options->unit_test &&
        current_frame->options->unit_test->is_incremental)
      return Value(*current_frame->options->unit_test->is_incremental);
    if (!current_frame || current_frame->materialized != "incremental" || should_full_refresh())
      return Value(false);
    const RelationRef& self = current_frame->this_relation;
    auto existing =
        current_frame->session->get_relation(self.database, self.schema, self.identifier);
    return Value(existing && existing->type == RelationType::Table);
  });
  env.set_function("should_full_refresh",
                   [](CallArgs&, Runtime&) { return Value(should_full_refresh()); });
  env.set_function("render", [](CallArgs& args, Runtime& rt) {
    std::string text = args.get(0, "string").str();
    jinja::Environment& environment = rt.environment();
    return Value(environment.render(environment.from_string(text, rt.template_name()), {}));
  });
}

std::optional<Value> resolve_execution_name(std::string_view name) {
  if (!current_frame) return std::nullopt;
  if (const auto* found = current_frame->variables.as_dict().find(name)) return *found;
  if (name == "sql" || name == "compiled_code") return Value(current_frame->outcome->compiled_code);
  if (name == "pre_hooks") return hooks_value(*current_frame->node, "pre-hook");
  if (name == "post_hooks") return hooks_value(*current_frame->node, "post-hook");
  return std::nullopt;
}

void apply_execution_flags(jinja::Environment& env, const ExecutionOptions& options) {
  const Value* flags = env.find_global(jinja::intern("flags"));
  Value updated = flags && flags->is_dict() ? *flags : Value::dict();
  updated.set("FULL_REFRESH", Value(options.full_refresh));
  updated.set("STORE_FAILURES", Value(options.store_failures));
  updated.set("WHICH", Value(options.which));
  env.set_global("flags", updated);
}

std::vector<RelationRef> returned_relations(const Value& result,
                                            const std::string& materialization) {
  Value relations = result.is_dict() ? result.get("relations") : Value::undefined();
  if (!relations.is_sequence()) {
    throw KilnError(
        ErrorKind::Template,
        "materialization '" + materialization + "' did not return the relations it built", {},
        "end it with {{ return({'relations': [target_relation]}) }}");
  }
  std::vector<RelationRef> refs;
  for (const Value& item : relations.as_list().items) {
    if (auto ref = relation_ref_of(item)) refs.push_back(*ref);
  }
  return refs;
}

}  // namespace kiln
