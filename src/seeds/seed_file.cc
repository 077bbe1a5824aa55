#include "seeds/seed_file.h"

#include <set>

#include "common/error.h"
#include "seeds/csv_reader.h"

namespace kiln {
namespace {

[[noreturn]] void seed_error(const CsvReader& reader, const std::string& message,
                             const std::string& hint) {
  throw KilnError(ErrorKind::Project,
                  reader.file_name() + ": row " + std::to_string(reader.row()) + " " + message,
                  {reader.file_name(), static_cast<int>(reader.line()), 0}, hint);
}

void check_width(const CsvReader& reader, size_t fields, size_t columns) {
  if (fields > columns) {
    seed_error(reader,
               "has " + std::to_string(fields) + " fields, but the header names " +
                   std::to_string(columns) + " columns",
               "quote fields that contain the delimiter, or add the missing column to the header");
  }
}

}  // namespace

SeedSchema read_seed_schema(std::string_view text, const std::string& file_name,
                            const SeedReadOptions& options) {
  CsvReader reader(text, file_name, options.delimiter);
  std::vector<std::string_view> fields;
  SeedSchema schema;
  if (!reader.next_record(fields)) {
    throw KilnError(ErrorKind::Project, file_name + " is empty: a seed needs a header row",
                    {file_name, 1, 0}, "put the column names on the first line");
  }
  std::set<std::string> seen;
  for (size_t i = 0; i < fields.size(); ++i) {
    std::string name(fields[i]);
    if (name.empty()) {
      seed_error(reader, "(the header) has no name for column " + std::to_string(i + 1),
                 "name every column on the first line");
    }
    if (!seen.insert(name).second) {
      seed_error(reader, "(the header) names column '" + name + "' twice",
                 "give every column a distinct name");
    }
    SeedColumn column;
    column.name = name;
    if (auto it = options.column_types.find(name); it != options.column_types.end()) {
      column.sql_type = it->second;
    }
    schema.columns.push_back(std::move(column));
  }
  std::vector<SeedTypeTester> testers(schema.columns.size());
  while (reader.next_record(fields)) {
    check_width(reader, fields.size(), testers.size());
    for (size_t i = 0; i < fields.size(); ++i) testers[i].observe(fields[i]);
    ++schema.rows;
  }
  for (size_t i = 0; i < testers.size(); ++i) schema.columns[i].type = testers[i].inferred();
  return schema;
}

void for_each_seed_row(std::string_view text, const std::string& file_name,
                       const SeedReadOptions& options, size_t column_count,
                       const SeedRowVisitor& row) {
  CsvReader reader(text, file_name, options.delimiter);
  std::vector<std::string_view> fields;
  std::vector<bool> is_null(column_count);
  if (!reader.next_record(fields)) return;  // the header
  while (reader.next_record(fields)) {
    check_width(reader, fields.size(), column_count);
    fields.resize(column_count);
    for (size_t i = 0; i < column_count; ++i) is_null[i] = is_seed_null(fields[i]);
    row(fields, is_null);
  }
}

}  // namespace kiln
