#include "adapters/duckdb/duckdb_appender.h"

#include <charconv>
#include <cstdint>
#include <string>

#include "common/error.h"
#include "common/strings.h"

namespace kiln {
namespace {

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

// from_chars reads no leading '+'; seeds may have one.
std::string_view number_text(std::string_view text) {
  text = trim(text);
  if (!text.empty() && text.front() == '+') text.remove_prefix(1);
  return text;
}

template <typename T>
bool parse_integer(std::string_view text, T& value) {
  text = number_text(text);
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  return error == std::errc() && end == text.data() + text.size();
}

bool parse_double(std::string_view text, double& value) {
  text = number_text(text);
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  return error == std::errc() && end == text.data() + text.size();
}

bool parse_boolean(std::string_view text, bool& value) {
  text = trim(text);
  if (text.size() == 4 && (text[0] | 0x20) == 't' && (text[1] | 0x20) == 'r' &&
      (text[2] | 0x20) == 'u' && (text[3] | 0x20) == 'e') {
    value = true;
    return true;
  }
  if (text.size() == 5 && (text[0] | 0x20) == 'f' && (text[1] | 0x20) == 'a' &&
      (text[2] | 0x20) == 'l' && (text[3] | 0x20) == 's' && (text[4] | 0x20) == 'e') {
    value = false;
    return true;
  }
  return false;
}

// YYYY-M-D, as seed inference accepts it.
bool parse_date(std::string_view text, duckdb_date& value) {
  text = trim(text);
  int parts[3] = {0, 0, 0};
  size_t i = 0;
  for (int part = 0; part < 3; ++part) {
    size_t start = i;
    while (i < text.size() && is_digit(text[i])) parts[part] = parts[part] * 10 + (text[i++] - '0');
    if (i == start || (part < 2 && (i >= text.size() || text[i++] != '-'))) return false;
  }
  if (i != text.size()) return false;
  value = duckdb_to_date({parts[0], static_cast<int8_t>(parts[1]), static_cast<int8_t>(parts[2])});
  return true;
}

duckdb_type vector_type(const LoadColumn& column) {
  if (column.cast_from_text) return DUCKDB_TYPE_VARCHAR;
  switch (column.type) {
    case GenericType::Integer:
      return DUCKDB_TYPE_INTEGER;
    case GenericType::BigInt:
      return DUCKDB_TYPE_BIGINT;
    case GenericType::Float:
      return DUCKDB_TYPE_DOUBLE;
    case GenericType::Boolean:
      return DUCKDB_TYPE_BOOLEAN;
    case GenericType::Date:
      return DUCKDB_TYPE_DATE;
    case GenericType::Numeric:
    case GenericType::Timestamp:
    case GenericType::String:
      return DUCKDB_TYPE_VARCHAR;
  }
  return DUCKDB_TYPE_VARCHAR;
}

class DuckDbAppender : public RowAppender {
 public:
  DuckDbAppender(duckdb_connection connection, const RelationRef& relation,
                 const std::vector<LoadColumn>& columns)
      : name_(relation.schema.empty() ? relation.identifier
                                      : relation.schema + "." + relation.identifier),
        columns_(columns),
        capacity_(duckdb_vector_size()) {
    const char* catalog = relation.database.empty() ? nullptr : relation.database.c_str();
    const char* schema = relation.schema.empty() ? nullptr : relation.schema.c_str();
    if (duckdb_appender_create_ext(connection, catalog, schema, relation.identifier.c_str(),
                                   &appender_) == DuckDBError) {
      std::string message = appender_ ? duckdb_appender_error(appender_) : "unknown error";
      duckdb_appender_destroy(&appender_);
      throw KilnError(ErrorKind::Database, "cannot append to " + name_ + ": " + message);
    }
    std::vector<duckdb_logical_type> types;
    for (const LoadColumn& column : columns_) {
      kinds_.push_back(vector_type(column));
      types.push_back(duckdb_create_logical_type(kinds_.back()));
    }
    chunk_ = duckdb_create_data_chunk(types.data(), types.size());
    for (duckdb_logical_type& type : types) duckdb_destroy_logical_type(&type);
    bind_vectors();
  }

  ~DuckDbAppender() override {
    duckdb_destroy_data_chunk(&chunk_);
    duckdb_appender_destroy(&appender_);
  }
  DuckDbAppender(const DuckDbAppender&) = delete;
  DuckDbAppender& operator=(const DuckDbAppender&) = delete;

  void append(const std::vector<std::string_view>& fields,
              const std::vector<bool>& is_null) override {
    for (size_t c = 0; c < columns_.size(); ++c) {
      if (is_null[c]) {
        set_null(c);
        continue;
      }
      std::string_view text = fields[c];
      bool ok = true;
      switch (kinds_[c]) {
        case DUCKDB_TYPE_INTEGER:
          ok = parse_integer(text, static_cast<int32_t*>(data_[c])[size_]);
          break;
        case DUCKDB_TYPE_BIGINT:
          ok = parse_integer(text, static_cast<int64_t*>(data_[c])[size_]);
          break;
        case DUCKDB_TYPE_DOUBLE:
          ok = parse_double(text, static_cast<double*>(data_[c])[size_]);
          break;
        case DUCKDB_TYPE_BOOLEAN:
          ok = parse_boolean(text, static_cast<bool*>(data_[c])[size_]);
          break;
        case DUCKDB_TYPE_DATE:
          ok = parse_date(text, static_cast<duckdb_date*>(data_[c])[size_]);
          break;
        default: {
          // Text keeps its spaces; values DuckDB casts go trimmed.
          if (columns_[c].type != GenericType::String || columns_[c].cast_from_text)
            text = trim(text);
          duckdb_vector_assign_string_element_len(vectors_[c], size_, text.data(), text.size());
        }
      }
      if (!ok) {
        throw KilnError(ErrorKind::Database, "cannot append '" + std::string(text) +
                                                 "' to column " + columns_[c].name + " of " +
                                                 name_);
      }
    }
    if (++size_ == capacity_) flush_chunk();
  }

  int64_t finish() override {
    flush_chunk();
    if (duckdb_appender_close(appender_) == DuckDBError) fail();
    return total_;
  }

 private:
  void bind_vectors() {
    vectors_.assign(columns_.size(), nullptr);
    data_.assign(columns_.size(), nullptr);
    validity_.assign(columns_.size(), nullptr);
    for (size_t c = 0; c < columns_.size(); ++c) {
      vectors_[c] = duckdb_data_chunk_get_vector(chunk_, c);
      data_[c] = duckdb_vector_get_data(vectors_[c]);
    }
  }

  void set_null(size_t c) {
    if (!validity_[c]) {
      duckdb_vector_ensure_validity_writable(vectors_[c]);
      validity_[c] = duckdb_vector_get_validity(vectors_[c]);
    }
    duckdb_validity_set_row_invalid(validity_[c], size_);
  }

  void flush_chunk() {
    if (size_ == 0) return;
    duckdb_data_chunk_set_size(chunk_, size_);
    if (duckdb_append_data_chunk(appender_, chunk_) == DuckDBError) fail();
    total_ += static_cast<int64_t>(size_);
    size_ = 0;
    duckdb_data_chunk_reset(chunk_);
    bind_vectors();  // a reset chunk has fresh buffers and no validity masks
  }

  [[noreturn]] void fail() {
    const char* message = duckdb_appender_error(appender_);
    throw KilnError(ErrorKind::Database,
                    "loading " + name_ + " failed: " + (message ? message : "unknown error"));
  }

  std::string name_;
  std::vector<LoadColumn> columns_;
  std::vector<duckdb_type> kinds_;
  idx_t capacity_;
  duckdb_appender appender_ = nullptr;
  duckdb_data_chunk chunk_ = nullptr;
  std::vector<duckdb_vector> vectors_;
  std::vector<void*> data_;
  std::vector<uint64_t*> validity_;
  idx_t size_ = 0;
  int64_t total_ = 0;
};

}  // namespace

std::unique_ptr<RowAppender> make_duckdb_appender(duckdb_connection connection,
                                                  const RelationRef& relation,
                                                  const std::vector<LoadColumn>& columns) {
  return std::make_unique<DuckDbAppender>(connection, relation, columns);
}

}  // namespace kiln
