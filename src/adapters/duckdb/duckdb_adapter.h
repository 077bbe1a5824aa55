#pragma once

#include <memory>

#include "adapters/adapter.h"

namespace kiln {

// The embedded DuckDB adapter, on DuckDB's C API. Profile fields (dbt-duckdb's names):
//   path: file or ":memory:" (default), schema (default "main"), threads,
//   extensions: [name, ...] loaded at start (no downloads: json, parquet and icu are built in),
//   settings: {name: value} DuckDB configuration options,
//   attach: [{path, alias, type, read_only}] extra databases.
std::unique_ptr<Adapter> make_duckdb_adapter(const Target& target);

}  // namespace kiln
