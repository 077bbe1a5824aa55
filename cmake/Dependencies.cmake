# Third-party libraries. Every one is installed by scripts/install-deps.sh.
# libyaml: the C YAML 1.1 parser PyYAML's CLoader uses; kiln applies PyYAML's typing on top.
find_package(PkgConfig REQUIRED)
pkg_check_modules(LIBYAML REQUIRED IMPORTED_TARGET yaml-0.1)
find_package(nlohmann_json 3.11 REQUIRED)
find_package(CLI11 REQUIRED)
find_package(fmt REQUIRED)
find_package(Threads REQUIRED)
find_package(OpenSSL REQUIRED)
# The release binary allocates with mimalloc: parsing a large project creates millions of small
# objects, and glibc's allocator spent a third of parse time on them. Sanitizer builds keep the
# system allocator so ASan sees every allocation.
if(NOT KILN_SANITIZE)
  find_package(mimalloc 2.0 REQUIRED)
endif()
if(KILN_BUILD_TESTS)
  find_package(GTest REQUIRED)
endif()
if(KILN_BUILD_BENCH)
  find_package(benchmark REQUIRED)
endif()

# DuckDB: the official prebuilt library and its C API header, fetched from npm into third_party/.
set(KILN_DUCKDB_DIR ${PROJECT_SOURCE_DIR}/third_party/duckdb)
if(NOT EXISTS ${KILN_DUCKDB_DIR}/lib/libduckdb.so OR NOT EXISTS ${KILN_DUCKDB_DIR}/include/duckdb.h)
  message(FATAL_ERROR "DuckDB is missing from ${KILN_DUCKDB_DIR}: run scripts/install-deps.sh (or `make build`)")
endif()
add_library(kiln_duckdb_c SHARED IMPORTED GLOBAL)
set_target_properties(kiln_duckdb_c PROPERTIES
  IMPORTED_LOCATION ${KILN_DUCKDB_DIR}/lib/libduckdb.so
  IMPORTED_NO_SONAME ON
  INTERFACE_INCLUDE_DIRECTORIES ${KILN_DUCKDB_DIR}/include)
# Binaries find libduckdb.so next to the source tree through an rpath.
set(CMAKE_BUILD_RPATH ${KILN_DUCKDB_DIR}/lib)
set(CMAKE_INSTALL_RPATH ${KILN_DUCKDB_DIR}/lib)
