#pragma once

#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "seeds/seed_types.h"

namespace kiln {

struct SeedReadOptions {
  char delimiter = ',';
  // `column_types` config: column name -> SQL type, replacing the inferred type.
  std::map<std::string, std::string> column_types;
};

struct SeedSchema {
  std::vector<SeedColumn> columns;
  size_t rows = 0;  // data rows, header excluded
};

// Reads the header and infers every column's type from all rows. Throws KilnError naming the
// file and row for an empty or repeated column name, a row with more fields than the header, or
// a quoted field that never closes.
SeedSchema read_seed_schema(std::string_view text, const std::string& file_name,
                            const SeedReadOptions& options);

// Calls `row` for each data row with exactly as many fields as the header (short rows are
// padded with empty fields, as agate does). `is_null[i]` says whether field i is NULL.
using SeedRowVisitor = std::function<void(const std::vector<std::string_view>& fields,
                                          const std::vector<bool>& is_null)>;
void for_each_seed_row(std::string_view text, const std::string& file_name,
                       const SeedReadOptions& options, size_t column_count,
                       const SeedRowVisitor& row);

}  // namespace kiln
