#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace kiln {

// What statements return and how relations are named, shared by the warehouse adapters (which
// produce them) and the Jinja context (which hands them to templates) without either depending on
// the other.

// One cell of a query result. Exact types that C++ has no native form for (DECIMAL, DATE,
// TIMESTAMP, UUID, ...) arrive as their text; the column's type name says what they are.
using Cell = std::variant<std::monostate, bool, int64_t, double, std::string>;

struct ResultColumn {
  std::string name;
  std::string type;  // the warehouse's type name, e.g. "INTEGER", "VARCHAR", "DECIMAL(18,3)"
};

struct ResultTable {
  std::vector<ResultColumn> columns;
  std::vector<std::vector<Cell>> rows;

  std::optional<size_t> column_index(std::string_view name) const;
};

std::string cell_text(const Cell& cell);  // "" for NULL

// agate's print_table layout, as `kiln show` and result tables' print_table() print rows:
//   | id | name |
//   | -- | ---- |
//   | 1  | a    |
// Every row has header.size() cells; no trailing newline.
std::string text_table(const std::vector<std::string>& header,
                       const std::vector<std::vector<std::string>>& rows);

// What the warehouse said about a statement, as dbt's adapter_response records it.
struct AdapterResponse {
  std::string message;         // e.g. "OK", "INSERT 0 5"
  std::string code;            // e.g. "SELECT", "INSERT"
  int64_t rows_affected = -1;  // -1 when the warehouse does not say
};

struct QueryResult {
  AdapterResponse response;
  ResultTable table;
};

enum class RelationType { Table, View, MaterializedView, External, Unknown };
std::string_view relation_type_name(RelationType type);
// "table", "view", ... back to the enum; Unknown for anything else.
RelationType parse_relation_type(std::string_view name);

struct RelationRef {
  std::string database;
  std::string schema;
  std::string identifier;
  RelationType type = RelationType::Unknown;
};

struct ColumnInfo {
  std::string name;
  std::string data_type;
};

// The generic types dbt macros ask an adapter to spell (type_string(), type_timestamp(), ...).
enum class GenericType { String, Integer, BigInt, Float, Numeric, Boolean, Date, Timestamp };

}  // namespace kiln
