// Executes SQL files on a DuckDB database, one statement at a time, each file in one transaction
// as kiln runs a node: the baseline `bench/run_bench.sh` compares `kiln run` with (the statements
// kiln sent, without kiln).
// usage: sql_replay DATABASE FILE...
#include <duckdb.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>

namespace {

bool execute_file(duckdb_connection connection, const char* path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  duckdb_extracted_statements statements = nullptr;
  idx_t count = duckdb_extract_statements(connection, text.str().c_str(), &statements);
  duckdb_result transaction;
  bool ok =
      count > 0 && duckdb_query(connection, "begin transaction", &transaction) == DuckDBSuccess;
  duckdb_destroy_result(&transaction);
  for (idx_t i = 0; ok && i < count; ++i) {
    duckdb_prepared_statement prepared = nullptr;
    duckdb_result result;
    ok =
        duckdb_prepare_extracted_statement(connection, statements, i, &prepared) == DuckDBSuccess &&
        duckdb_execute_prepared(prepared, &result) == DuckDBSuccess;
    if (!ok) std::fprintf(stderr, "%s: statement %llu failed\n", path, (unsigned long long)i);
    if (prepared) {
      duckdb_destroy_result(&result);
      duckdb_destroy_prepare(&prepared);
    }
  }
  duckdb_destroy_extracted(&statements);
  ok = ok && duckdb_query(connection, "commit", &transaction) == DuckDBSuccess;
  duckdb_destroy_result(&transaction);
  return ok;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: sql_replay DATABASE FILE...\n");
    return 2;
  }
  auto start = std::chrono::steady_clock::now();
  duckdb_database database;
  duckdb_connection connection;
  if (duckdb_open(argv[1], &database) != DuckDBSuccess ||
      duckdb_connect(database, &connection) != DuckDBSuccess) {
    std::fprintf(stderr, "cannot open %s\n", argv[1]);
    return 2;
  }
  int failed = 0;
  for (int i = 2; i < argc; ++i) failed += execute_file(connection, argv[i]) ? 0 : 1;
  duckdb_disconnect(&connection);
  duckdb_close(&database);
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::printf("%.3f\n", seconds);
  return failed == 0 ? 0 : 1;
}
