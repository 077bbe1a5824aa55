// DuckDB's own CSV load, the yardstick for `kiln seed`: creates a table from read_csv on a fresh
// database file and prints the seconds the statement took.
// usage: read_csv DATABASE_FILE CSV_FILE
#include <duckdb.h>

#include <chrono>
#include <cstdio>
#include <string>

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: %s DATABASE_FILE CSV_FILE\n", argv[0]);
    return 2;
  }
  duckdb_database db = nullptr;
  duckdb_connection connection = nullptr;
  if (duckdb_open(argv[1], &db) == DuckDBError || duckdb_connect(db, &connection) == DuckDBError) {
    std::fprintf(stderr, "cannot open %s\n", argv[1]);
    return 1;
  }
  std::string sql = std::string("create or replace table t as select * from read_csv('") + argv[2] +
                    "', header = true)";
  auto start = std::chrono::steady_clock::now();
  duckdb_result result;
  bool failed = duckdb_query(connection, sql.c_str(), &result) == DuckDBError;
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  if (failed) std::fprintf(stderr, "%s\n", duckdb_result_error(&result));
  duckdb_destroy_result(&result);
  duckdb_disconnect(&connection);
  duckdb_close(&db);
  if (failed) return 1;
  std::printf("%.3f\n", seconds);
  return 0;
}
