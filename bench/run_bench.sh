#!/usr/bin/env bash
# Run benchmarks on DuckDB. usage: bench/run_bench.sh KILN_BINARY SQL_REPLAY_BINARY [VIEWS]
#  1. Orchestration overhead: VIEWS (default 1000) trivial view models with --threads 1, against
#     replaying the exact statements kiln sent (target/run/) straight through DuckDB in one
#     process. Prints kiln's added milliseconds per model (target: <= 2).
#  2. Parallelism: a wide DAG of 64 table models, each scanning 3M generated rows; DuckDB itself
#     runs single-threaded (settings: threads: 1) so the speed-up measured is kiln's scheduler.
#     Prints --threads 2 against --threads 1 (target: >= 1.7x).
set -euo pipefail
kiln=$(realpath "$1")
replay=$(realpath "$2")
views=${3:-1000}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

new_project() {  # new_project DIR PROFILE_SETTINGS
  mkdir -p "$1/models"
  printf 'name: bench\nprofile: bench\n' >"$1/dbt_project.yml"
  printf 'bench:\n  target: dev\n  outputs:\n    dev:\n      type: duckdb\n      path: bench.duckdb\n%s' \
    "$2" >"$1/profiles.yml"
}

seconds_of() {  # wall seconds of a command, best of three, each on a fresh database
  local best=""
  for _ in 1 2 3; do
    rm -f bench.duckdb bench.duckdb.wal
    local start end s
    start=$(date +%s.%N)
    "$@" >/dev/null 2>&1
    end=$(date +%s.%N)
    s=$(awk "BEGIN{print $end - $start}")
    if [ -z "$best" ] || awk "BEGIN{exit !($s < $best)}"; then best=$s; fi
  done
  echo "$best"
}

# 1. Overhead
project="$work/views"
new_project "$project" ""
for i in $(seq 0 $((views - 1))); do
  if [ $((i % 10)) -eq 0 ]; then
    printf "{{ config(materialized='view') }}\nselect %d as id\n" "$i"
  else
    printf "{{ config(materialized='view') }}\nselect id + 1 as id from {{ ref('v%05d') }}\n" $((i - 1))
  fi >"$project/models/v$(printf %05d "$i").sql"
done
cd "$project"
kiln_s=$(seconds_of "$kiln" run --threads 1)
# The statements in the order kiln finished the nodes.
mapfile -t files < <(/usr/bin/python3 -c '
import json
for result in json.load(open("target/run_results.json"))["results"]:
    print("target/run/bench/models/" + result["unique_id"].split(".")[-1] + ".sql")
')
replay_s=$(seconds_of "$replay" bench.duckdb "${files[@]}")
echo "| models | kiln run --threads 1 (s) | same SQL straight through DuckDB (s) | kiln adds per model (ms) |"
echo "|---|---|---|---|"
awk -v n="$views" -v k="$kiln_s" -v r="$replay_s" \
  'BEGIN{printf "| %d | %.2f | %.2f | %.2f |\n", n, k, r, (k - r) * 1000 / n}'
echo

# 2. Parallelism
project="$work/wide"
new_project "$project" "      settings: {threads: 1}
"
for i in $(seq 0 63); do
  printf "{{ config(materialized='table') }}\nselect count(*) as n, sum(i * %d %% 97) as s\nfrom range(3000000) t(i) where i %% %d <> 1\n" \
    "$((i + 1))" "$((i + 2))" >"$project/models/wide_$i.sql"
done
cd "$project"
one_s=$(seconds_of "$kiln" run --threads 1)
two_s=$(seconds_of "$kiln" run --threads 2)
echo "| table models | --threads 1 (s) | --threads 2 (s) | speed-up |"
echo "|---|---|---|---|"
awk -v a="$one_s" -v b="$two_s" 'BEGIN{printf "| 64 | %.2f | %.2f | %.2fx |\n", a, b, a / b}'
