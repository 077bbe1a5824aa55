#include "adapters/duckdb/duckdb_adapter.h"

#include <duckdb.h>

#include <atomic>
#include <filesystem>
#include <mutex>

#include "adapters/duckdb/duckdb_appender.h"
#include "common/events.h"
#include "common/strings.h"
#include "project/fields.h"
#include "project/profile.h"

namespace kiln {
namespace {

std::string escape_string_literal(std::string_view text) {
  std::string out = "'";
  for (char c : text) {
    if (c == '\'') out += '\'';
    out += c;
  }
  out += '\'';
  return out;
}

std::string type_name_of(duckdb_logical_type type) {
  duckdb_type id = duckdb_get_type_id(type);
  switch (id) {
    case DUCKDB_TYPE_BOOLEAN:
      return "BOOLEAN";
    case DUCKDB_TYPE_TINYINT:
      return "TINYINT";
    case DUCKDB_TYPE_SMALLINT:
      return "SMALLINT";
    case DUCKDB_TYPE_INTEGER:
      return "INTEGER";
    case DUCKDB_TYPE_BIGINT:
      return "BIGINT";
    case DUCKDB_TYPE_UTINYINT:
      return "UTINYINT";
    case DUCKDB_TYPE_USMALLINT:
      return "USMALLINT";
    case DUCKDB_TYPE_UINTEGER:
      return "UINTEGER";
    case DUCKDB_TYPE_UBIGINT:
      return "UBIGINT";
    case DUCKDB_TYPE_FLOAT:
      return "FLOAT";
    case DUCKDB_TYPE_DOUBLE:
      return "DOUBLE";
    case DUCKDB_TYPE_TIMESTAMP:
      return "TIMESTAMP";
    case DUCKDB_TYPE_DATE:
      return "DATE";
    case DUCKDB_TYPE_TIME:
      return "TIME";
    case DUCKDB_TYPE_INTERVAL:
      return "INTERVAL";
    case DUCKDB_TYPE_HUGEINT:
      return "HUGEINT";
    case DUCKDB_TYPE_UHUGEINT:
      return "UHUGEINT";
    case DUCKDB_TYPE_VARCHAR:
      return "VARCHAR";
    case DUCKDB_TYPE_BLOB:
      return "BLOB";
    case DUCKDB_TYPE_DECIMAL:
      return "DECIMAL(" + std::to_string(duckdb_decimal_width(type)) + "," +
             std::to_string(duckdb_decimal_scale(type)) + ")";
    case DUCKDB_TYPE_TIMESTAMP_S:
      return "TIMESTAMP_S";
    case DUCKDB_TYPE_TIMESTAMP_MS:
      return "TIMESTAMP_MS";
    case DUCKDB_TYPE_TIMESTAMP_NS:
      return "TIMESTAMP_NS";
    case DUCKDB_TYPE_ENUM:
      return "ENUM";
    case DUCKDB_TYPE_LIST:
      return "LIST";
    case DUCKDB_TYPE_STRUCT:
      return "STRUCT";
    case DUCKDB_TYPE_MAP:
      return "MAP";
    case DUCKDB_TYPE_ARRAY:
      return "ARRAY";
    case DUCKDB_TYPE_UUID:
      return "UUID";
    case DUCKDB_TYPE_UNION:
      return "UNION";
    case DUCKDB_TYPE_BIT:
      return "BIT";
    case DUCKDB_TYPE_TIME_TZ:
      return "TIME WITH TIME ZONE";
    case DUCKDB_TYPE_TIMESTAMP_TZ:
      return "TIMESTAMP WITH TIME ZONE";
    case DUCKDB_TYPE_SQLNULL:
      return "NULL";
    default:
      return "UNKNOWN";
  }
}

std::string statement_code(duckdb_statement_type type) {
  switch (type) {
    case DUCKDB_STATEMENT_TYPE_SELECT:
      return "SELECT";
    case DUCKDB_STATEMENT_TYPE_INSERT:
      return "INSERT";
    case DUCKDB_STATEMENT_TYPE_UPDATE:
      return "UPDATE";
    case DUCKDB_STATEMENT_TYPE_DELETE:
      return "DELETE";
    case DUCKDB_STATEMENT_TYPE_CREATE:
      return "CREATE";
    case DUCKDB_STATEMENT_TYPE_ALTER:
      return "ALTER";
    case DUCKDB_STATEMENT_TYPE_DROP:
      return "DROP";
    case DUCKDB_STATEMENT_TYPE_TRANSACTION:
      return "TRANSACTION";
    case DUCKDB_STATEMENT_TYPE_COPY:
      return "COPY";
    case DUCKDB_STATEMENT_TYPE_SET:
    case DUCKDB_STATEMENT_TYPE_VARIABLE_SET:
      return "SET";
    case DUCKDB_STATEMENT_TYPE_ATTACH:
      return "ATTACH";
    case DUCKDB_STATEMENT_TYPE_LOAD:
      return "LOAD";
    default:
      return "OK";
  }
}

// Owns a duckdb_result and frees it on every path, including exceptions.
class ResultGuard {
 public:
  ResultGuard() = default;
  ~ResultGuard() { duckdb_destroy_result(&result_); }
  ResultGuard(const ResultGuard&) = delete;
  ResultGuard& operator=(const ResultGuard&) = delete;
  duckdb_result* get() { return &result_; }

 private:
  duckdb_result result_{};
};

class DuckDbDatabase {
 public:
  ~DuckDbDatabase() {
    if (db_) duckdb_close(&db_);
  }
  duckdb_database handle() const { return db_; }
  duckdb_database* out() { return &db_; }

 private:
  duckdb_database db_ = nullptr;
};

class DuckDbConnection : public Connection {
 public:
  explicit DuckDbConnection(std::shared_ptr<DuckDbDatabase> database)
      : database_(std::move(database)) {
    if (duckdb_connect(database_->handle(), &connection_) == DuckDBError) {
      throw KilnError(ErrorKind::Connection, "could not open a DuckDB connection");
    }
  }
  ~DuckDbConnection() override { duckdb_disconnect(&connection_); }

  AdapterResponse execute(std::string_view sql) override { return run(sql, nullptr); }

  QueryResult query(std::string_view sql) override {
    QueryResult result;
    result.response = run(sql, &result.table);
    return result;
  }

  void begin() override { run("begin transaction", nullptr); }
  void commit() override { run("commit", nullptr); }
  void rollback() override { run("rollback", nullptr); }
  void cancel() override { duckdb_interrupt(connection_); }

  std::vector<std::string> list_schemas(std::string_view database) override {
    QueryResult result =
        query("select schema_name from information_schema.schemata where catalog_name = " +
              escape_string_literal(database) + " order by schema_name");
    std::vector<std::string> schemas;
    for (const auto& row : result.table.rows) schemas.push_back(cell_text(row[0]));
    return schemas;
  }

  std::vector<RelationRef> list_relations(std::string_view database,
                                          std::string_view schema) override {
    QueryResult result = query(
        "select table_catalog, table_schema, table_name, table_type from information_schema.tables "
        "where table_catalog = " +
        escape_string_literal(database) + " and table_schema = " + escape_string_literal(schema) +
        " order by table_name");
    std::vector<RelationRef> relations;
    for (const auto& row : result.table.rows) {
      std::string kind = cell_text(row[3]);
      RelationType type = kind == "VIEW"              ? RelationType::View
                          : kind == "BASE TABLE"      ? RelationType::Table
                          : kind == "LOCAL TEMPORARY" ? RelationType::Table
                                                      : RelationType::Unknown;
      relations.push_back({cell_text(row[0]), cell_text(row[1]), cell_text(row[2]), type});
    }
    return relations;
  }

  std::vector<ColumnInfo> get_columns(const RelationRef& relation) override {
    std::string sql =
        "select column_name, data_type from information_schema.columns where table_name = " +
        escape_string_literal(relation.identifier);
    if (!relation.schema.empty())
      sql += " and table_schema = " + escape_string_literal(relation.schema);
    if (!relation.database.empty()) {
      sql += " and table_catalog = " + escape_string_literal(relation.database);
    }
    sql += " order by ordinal_position";
    QueryResult result = query(sql);
    std::vector<ColumnInfo> columns;
    for (const auto& row : result.table.rows)
      columns.push_back({cell_text(row[0]), cell_text(row[1])});
    return columns;
  }

  std::unique_ptr<RowAppender> open_appender(const RelationRef& relation,
                                             const std::string& rendered,
                                             const std::vector<LoadColumn>& columns) override {
    events().debug("E001", "On duckdb: append to " + rendered);
    return make_duckdb_appender(connection_, relation, columns);
  }

 private:
  AdapterResponse run(std::string_view sql, ResultTable* table) {
    events().debug("E001", "On duckdb: " + std::string(sql));
    ResultGuard result;
    std::string text(sql);
    if (duckdb_query(connection_, text.c_str(), result.get()) == DuckDBError) {
      const char* message = duckdb_result_error(result.get());
      std::string error = message ? message : "unknown DuckDB error";
      if (duckdb_result_error_type(result.get()) == DUCKDB_ERROR_INTERRUPT) {
        throw KilnError(ErrorKind::Database, "query cancelled: " + error);
      }
      throw KilnError(ErrorKind::Database, error);
    }
    AdapterResponse response;
    response.code = statement_code(duckdb_result_statement_type(*result.get()));
    response.message = response.code == "SELECT" ? "OK" : response.code;
    if (duckdb_result_return_type(*result.get()) == DUCKDB_RESULT_TYPE_CHANGED_ROWS) {
      response.rows_affected = static_cast<int64_t>(duckdb_rows_changed(result.get()));
    }
    if (table) read_table(result.get(), *table);
    if (response.code == "SELECT" && table) {
      response.rows_affected = static_cast<int64_t>(table->rows.size());
    }
    return response;
  }

  static void read_table(duckdb_result* result, ResultTable& table) {
    idx_t column_count = duckdb_column_count(result);
    std::vector<duckdb_type> kinds;
    for (idx_t c = 0; c < column_count; ++c) {
      duckdb_logical_type type = duckdb_column_logical_type(result, c);
      table.columns.push_back({duckdb_column_name(result, c), type_name_of(type)});
      kinds.push_back(duckdb_get_type_id(type));
      duckdb_destroy_logical_type(&type);
    }
    idx_t row_count = duckdb_row_count(result);
    table.rows.reserve(row_count);
    for (idx_t r = 0; r < row_count; ++r) {
      std::vector<Cell> row;
      row.reserve(column_count);
      for (idx_t c = 0; c < column_count; ++c) {
        if (duckdb_value_is_null(result, c, r)) {
          row.emplace_back(std::monostate{});
          continue;
        }
        switch (kinds[c]) {
          case DUCKDB_TYPE_BOOLEAN:
            row.emplace_back(duckdb_value_boolean(result, c, r));
            break;
          case DUCKDB_TYPE_TINYINT:
          case DUCKDB_TYPE_SMALLINT:
          case DUCKDB_TYPE_INTEGER:
          case DUCKDB_TYPE_BIGINT:
          case DUCKDB_TYPE_UTINYINT:
          case DUCKDB_TYPE_USMALLINT:
          case DUCKDB_TYPE_UINTEGER:
            row.emplace_back(duckdb_value_int64(result, c, r));
            break;
          case DUCKDB_TYPE_FLOAT:
          case DUCKDB_TYPE_DOUBLE:
            row.emplace_back(duckdb_value_double(result, c, r));
            break;
          default: {
            // Everything else (DECIMAL, dates, HUGEINT, nested types) as DuckDB's own text, so
            // no precision is lost on the way.
            char* text = duckdb_value_varchar(result, c, r);
            row.emplace_back(std::string(text ? text : ""));
            duckdb_free(text);
          }
        }
      }
      table.rows.push_back(std::move(row));
    }
  }

  std::shared_ptr<DuckDbDatabase> database_;
  duckdb_connection connection_ = nullptr;
};

// Frees a duckdb_config on every path.
class ConfigGuard {
 public:
  ConfigGuard() {
    if (duckdb_create_config(&config_) == DuckDBError) {
      throw KilnError(ErrorKind::Internal, "DuckDB could not allocate a configuration");
    }
  }
  ~ConfigGuard() { duckdb_destroy_config(&config_); }
  duckdb_config get() const { return config_; }

 private:
  duckdb_config config_ = nullptr;
};

class DuckDbAdapter : public Adapter {
 public:
  explicit DuckDbAdapter(const Target& target) : target_(target) {
    FieldReader fields(target.fields, ErrorKind::Profile);
    path_ = fields.optional_string("path").value_or(":memory:");
    schema_ = fields.optional_string("schema").value_or("main");
    extensions_ = read_extensions(fields);
    settings_ = fields.optional_map("settings");
    if (const Data* attach = fields.find("attach"); attach && !attach->is_null()) {
      if (!attach->is_list()) fields.wrong_type("attach", *attach, "a list of databases to attach");
      attach_ = *attach;
    }
  }

  std::string type() const override { return "duckdb"; }
  // Named after the file, as DuckDB and dbt-duckdb name it, without opening the file: parsing
  // must not create or lock a database.
  std::string default_database() const override {
    if (path_.empty() || path_ == ":memory:") return "memory";
    return std::filesystem::path(path_).stem().string();
  }
  std::string default_schema() const override { return schema_; }

  std::unique_ptr<Connection> open_connection() override {
    ensure_open();
    return std::make_unique<DuckDbConnection>(database_);
  }

  std::string quote(std::string_view identifier) const override {
    std::string out = "\"";
    for (char c : identifier) {
      if (c == '"') out += '"';
      out += c;
    }
    return out + "\"";
  }

  std::string type_name(GenericType type) const override {
    switch (type) {
      case GenericType::String:
        return "VARCHAR";
      case GenericType::Integer:
        return "INTEGER";
      case GenericType::BigInt:
        return "BIGINT";
      case GenericType::Float:
        return "DOUBLE";
      case GenericType::Numeric:
        return "DECIMAL(28,6)";
      case GenericType::Boolean:
        return "BOOLEAN";
      case GenericType::Date:
        return "DATE";
      case GenericType::Timestamp:
        return "TIMESTAMP";
    }
    return "VARCHAR";
  }

  std::vector<std::pair<std::string, std::string>> describe() const override {
    std::vector<std::pair<std::string, std::string>> lines = {
        {"type", "duckdb"}, {"path", path_}, {"schema", schema_}};
    if (!extensions_.empty()) lines.emplace_back("extensions", join(extensions_, ", "));
    return lines;
  }

  std::string version() const override { return duckdb_library_version(); }

 private:
  static std::vector<std::string> read_extensions(const FieldReader& fields) {
    std::vector<std::string> names;
    const Data* list = fields.find("extensions");
    if (!list || list->is_null()) return names;
    if (!list->is_list()) fields.wrong_type("extensions", *list, "a list of extension names");
    for (const Data& item : list->as_list()) {
      if (item.is_string()) {
        names.push_back(item.as_string());
      } else if (item.is_map() && item.find("name") && item.find("name")->is_string()) {
        names.push_back(item.find("name")->as_string());
      } else {
        fields.wrong_type("extensions", item, "a list of extension names; this item");
      }
    }
    return names;
  }

  void ensure_open() const {
    std::call_once(open_once_, [this] { open(); });
    if (open_error_) std::rethrow_exception(open_error_);
  }

  void open() const {
    try {
      ConfigGuard config;
      // kiln runs offline and must not fetch code at run time: only built-in extensions load.
      set_option(config.get(), "autoinstall_known_extensions", "false", nullptr);
      if (settings_.is_map()) {
        for (const auto& [name, value] : settings_.as_map()) {
          set_option(config.get(), name, value.scalar_text(), &value);
        }
      }
      auto database = std::make_shared<DuckDbDatabase>();
      char* error = nullptr;
      if (duckdb_open_ext(path_.c_str(), database->out(), config.get(), &error) == DuckDBError) {
        std::string message = error ? error : "unknown error";
        duckdb_free(error);
        // DuckDB accepts any option name into a config and rejects unknown ones only here.
        if (message.find("options were not recognized") != std::string::npos) {
          throw KilnError(ErrorKind::Profile, "DuckDB rejected the profile's settings: " + message,
                          settings_.location(),
                          "see DuckDB's configuration options (SELECT * FROM duckdb_settings())");
        }
        const Data* path_field = target_.fields.find("path");
        throw KilnError(ErrorKind::Connection,
                        "could not open DuckDB database '" + path_ + "': " + message,
                        path_field ? path_field->location() : target_.location,
                        "check that the folder of `path` exists and no other process holds the "
                        "file open for writing");
      }
      database_ = database;
      DuckDbConnection setup(database_);
      for (const std::string& extension : extensions_) {
        try {
          setup.execute("load " + extension);
        } catch (const KilnError& e) {
          throw KilnError(
              ErrorKind::Connection,
              "DuckDB extension '" + extension + "' could not be loaded: " + e.message(),
              target_.fields.find("extensions")->location(),
              "kiln does not download extensions; json, parquet and icu are built in");
        }
      }
      attach_databases(setup);
    } catch (...) {
      open_error_ = std::current_exception();
    }
  }

  void attach_databases(DuckDbConnection& setup) const {
    if (!attach_.is_list()) return;
    for (const Data& entry : attach_.as_list()) {
      FieldReader fields(entry, ErrorKind::Profile);
      if (!entry.is_map())
        fields.fail(entry, "each 'attach' entry must be a mapping with a 'path'");
      std::string path = fields.required_string("path", "name the database file to attach");
      std::string sql = "attach if not exists " + escape_string_literal(path);
      if (auto alias = fields.optional_string("alias")) sql += " as " + quote(*alias);
      std::vector<std::string> options;
      if (auto type = fields.optional_string("type")) options.push_back("type " + *type);
      if (fields.optional_bool("read_only").value_or(false)) options.push_back("read_only");
      if (!options.empty()) sql += " (" + join(options, ", ") + ")";
      try {
        setup.execute(sql);
      } catch (const KilnError& e) {
        throw KilnError(ErrorKind::Connection, "could not attach '" + path + "': " + e.message(),
                        entry.location(), "check the path and that the file is a DuckDB database");
      }
    }
  }

  void set_option(duckdb_config config, const std::string& name, const std::string& value,
                  const Data* where) const {
    if (duckdb_set_config(config, name.c_str(), value.c_str()) == DuckDBError) {
      throw KilnError(ErrorKind::Profile,
                      "DuckDB does not accept setting '" + name + "' = '" + value + "'",
                      where ? where->location() : target_.location,
                      "see DuckDB's configuration options (SELECT * FROM duckdb_settings())");
    }
  }

  Target target_;
  std::string path_;
  std::string schema_;
  std::vector<std::string> extensions_;
  Data settings_;
  Data attach_;

  mutable std::once_flag open_once_;
  mutable std::exception_ptr open_error_;
  mutable std::shared_ptr<DuckDbDatabase> database_;
};

}  // namespace

std::unique_ptr<Adapter> make_duckdb_adapter(const Target& target) {
  return std::make_unique<DuckDbAdapter>(target);
}

}  // namespace kiln
