#pragma once

#include <duckdb.h>

#include <memory>
#include <vector>

#include "adapters/adapter.h"

namespace kiln {

// Bulk load into a DuckDB table through DuckDB's appender, a data chunk (2048 rows) at a time.
// Integers, doubles, booleans and dates are parsed here into the chunk's typed vectors;
// timestamps and `cast_from_text` columns go as VARCHAR, which the appender casts to the
// table's type (ISO 8601 offsets included). The appender writes into the connection's open
// transaction. Throws KilnError(Database) naming the table when DuckDB refuses a chunk.
std::unique_ptr<RowAppender> make_duckdb_appender(duckdb_connection connection,
                                                  const RelationRef& relation,
                                                  const std::vector<LoadColumn>& columns);

}  // namespace kiln
