#include "adapters/adapter.h"

#include <algorithm>

#include "adapters/duckdb/duckdb_adapter.h"
#include "common/strings.h"
#include "project/profile.h"

namespace kiln {

std::string Adapter::render_relation(const RelationRef& relation) const {
  std::string out;
  for (const std::string* part : {&relation.database, &relation.schema, &relation.identifier}) {
    if (part->empty()) continue;
    if (!out.empty()) out += '.';
    out += quote(*part);
  }
  return out;
}

namespace {

class InsertAppender : public RowAppender {
 public:
  InsertAppender(Connection& connection, std::string rendered, std::vector<LoadColumn> columns,
                 size_t batch_rows)
      : connection_(connection),
        rendered_(std::move(rendered)),
        columns_(std::move(columns)),
        batch_rows_(std::max<size_t>(1, batch_rows)) {}

  void append(const std::vector<std::string_view>& fields,
              const std::vector<bool>& is_null) override {
    sql_ += pending_ == 0 ? "insert into " + rendered_ + " values\n(" : ",\n(";
    for (size_t i = 0; i < columns_.size(); ++i) {
      if (i > 0) sql_ += ", ";
      if (is_null[i]) {
        sql_ += "null";
        continue;
      }
      std::string_view value = trim(fields[i]);
      GenericType type = columns_[i].type;
      bool literal = !columns_[i].cast_from_text &&
                     (type == GenericType::Integer || type == GenericType::BigInt ||
                      type == GenericType::Float || type == GenericType::Numeric ||
                      type == GenericType::Boolean);
      if (literal) {
        sql_ += value;
        continue;
      }
      // Text keeps its spaces; dates and cast values go trimmed.
      if (type == GenericType::String && !columns_[i].cast_from_text) value = fields[i];
      sql_ += '\'';
      for (char c : value) {
        if (c == '\'') sql_ += '\'';
        sql_ += c;
      }
      sql_ += '\'';
    }
    sql_ += ')';
    if (++pending_ >= batch_rows_) flush();
  }

  int64_t finish() override {
    flush();
    return total_;
  }

 private:
  void flush() {
    if (pending_ == 0) return;
    connection_.execute(sql_);
    total_ += static_cast<int64_t>(pending_);
    pending_ = 0;
    sql_.clear();
  }

  Connection& connection_;
  std::string rendered_;
  std::vector<LoadColumn> columns_;
  size_t batch_rows_;
  size_t pending_ = 0;
  int64_t total_ = 0;
  std::string sql_;
};

}  // namespace

std::unique_ptr<RowAppender> make_insert_appender(Connection& connection, std::string rendered,
                                                  std::vector<LoadColumn> columns,
                                                  size_t batch_rows) {
  return std::make_unique<InsertAppender>(connection, std::move(rendered), std::move(columns),
                                          batch_rows);
}

std::unique_ptr<RowAppender> Connection::open_appender(const RelationRef&,
                                                       const std::string& rendered,
                                                       const std::vector<LoadColumn>& columns) {
  return make_insert_appender(*this, rendered, columns);
}

std::vector<std::string> supported_adapter_types() {
  return {"duckdb"};
}

std::unique_ptr<Adapter> make_adapter(const Target& target) {
  if (target.type == "duckdb") return make_duckdb_adapter(target);
  const Data* type_field = target.fields.find("type");
  throw KilnError(ErrorKind::Profile,
                  "unknown adapter type '" + target.type + "' in target '" + target.name + "'",
                  type_field ? type_field->location() : target.location,
                  "kiln supports: " + join(supported_adapter_types(), ", "));
}

}  // namespace kiln
