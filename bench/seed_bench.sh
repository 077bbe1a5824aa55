#!/usr/bin/env bash
# Seed load rate: `kiln seed` of a generated 1M-row, 10-column CSV (bench/seed/gen_csv.py) against
# DuckDB's own read_csv into a table on the same file (bench/seed/read_csv.cc, compiled here
# against third_party/duckdb). Both are best-of-3 wall times of the whole process on a fresh
# database file, so kiln's time includes parsing the project and inferring types.
# usage: bench/seed_bench.sh KILN_BINARY [ROWS]   (a release build: -DCMAKE_BUILD_TYPE=Release)
set -euo pipefail
kiln=$(realpath "$1")
rows=${2:-1000000}
here=$(cd "$(dirname "$0")" && pwd)
duckdb_dir="$here/../third_party/duckdb"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

c++ -O2 -std=c++20 "$here/seed/read_csv.cc" -I"$duckdb_dir/include" -L"$duckdb_dir/lib" -lduckdb \
  -Wl,-rpath,"$duckdb_dir/lib" -o "$work/read_csv"

project="$work/project"
mkdir -p "$project/seeds"
cat >"$project/dbt_project.yml" <<'YML'
name: seed_bench
version: '1.0'
config-version: 2
profile: seed_bench
YML
cat >"$project/profiles.yml" <<'YML'
seed_bench:
  target: dev
  outputs:
    dev:
      type: duckdb
      path: bench.duckdb
      threads: 1
YML
/usr/bin/python3 "$here/seed/gen_csv.py" "$rows" "$project/seeds/big.csv"
size_mb=$(( $(stat -c %s "$project/seeds/big.csv") / 1024 / 1024 ))

best() {  # best wall seconds of three runs of the command, each on a fresh database file
  local best_s=""
  for _ in 1 2 3; do
    rm -f "$project/bench.duckdb" "$project/bench.duckdb.wal" "$work/read_csv.duckdb"
    local start end s
    start=$(date +%s.%N)
    "$@" >"$work/out.txt" 2>&1 || { cat "$work/out.txt" >&2; exit 1; }
    end=$(date +%s.%N)
    s=$(awk "BEGIN{printf \"%.3f\", $end - $start}")
    if [ -z "$best_s" ] || awk "BEGIN{exit !($s < $best_s)}"; then best_s=$s; fi
  done
  echo "$best_s"
}

cd "$project"
kiln_s=$(best "$kiln" seed --profiles-dir "$project")
grep -o 'INSERT [0-9]* in [0-9.]*s' "$work/out.txt" | sed 's/^/kiln node line: /' >&2
duck_s=$(best "$work/read_csv" "$work/read_csv.duckdb" "$project/seeds/big.csv")
rate() { awk "BEGIN{printf \"%.0f\", $rows / $1}"; }
printf '| %-28s | %10s | %14s |\n' "load of $rows rows (${size_mb} MB)" "seconds" "rows / second"
printf '|------------------------------|------------|----------------|\n'
printf '| %-28s | %10s | %14s |\n' "kiln seed" "$kiln_s" "$(rate "$kiln_s")"
printf '| %-28s | %10s | %14s |\n' "duckdb read_csv" "$duck_s" "$(rate "$duck_s")"
printf '\nkiln / read_csv: %s x (target: within 2 x)\n' "$(awk "BEGIN{printf \"%.2f\", $kiln_s / $duck_s}")"
