#!/usr/bin/env bash
# Test fusion: 200 column tests over 10 tables of 1M rows on DuckDB, `kiln test` fused against
# `kiln test --no-fuse-tests` (one query per test), best of three each. Per table: 8 not_null,
# 4 accepted_values, 3 accepted_range, 2 expression_is_true, 1 not_null_proportion, and 2 unique
# (on 1M distinct values) or, with UNIQUE=0, 2 more not_null instead. The models are tables, or
# with VIEWS=1 views (each test then re-runs the model's query, as on a staging view).
# usage: [UNIQUE=0] [VIEWS=1] bench/fusion_bench.sh KILN_BINARY
set -euo pipefail
kiln=$(realpath "$1")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
mkdir -p models
materialized=table
[ "${VIEWS:-0}" = "1" ] && materialized=view
kind_of_key_tests=unique
[ "${UNIQUE:-2}" = "0" ] && kind_of_key_tests=not_null
printf 'name: bench\nprofile: bench\n' >dbt_project.yml
printf 'packages:\n  - package: dbt-labs/dbt_utils\n    version: 1.3.0\n' >packages.yml
printf 'bench:\n  target: dev\n  outputs:\n    dev:\n      type: duckdb\n      path: bench.duckdb\n      threads: 2\n' >profiles.yml
{
  echo "models:"
  for t in $(seq 0 9); do
    cat >"models/t$t.sql" <<SQL
{{ config(materialized='${materialized}') }}
select range as id, range % 1000 as c1, range % 997 as c2, range % 991 as c3, range % 983 as c4,
       range % 977 as c5, range % 971 as c6, range % 967 as c7, range % 953 as c8,
       case range % 3 when 0 then 'a' when 1 then 'b' else 'c' end as k1,
       case range % 5 when 0 then 'x' else 'y' end as k2,
       range * 2 as even
from range(1000000)
SQL
    echo "  - name: t$t"
    echo "    data_tests:"
    echo "      - dbt_utils.expression_is_true: {expression: 'c1 >= 0'}"
    echo "      - dbt_utils.expression_is_true: {expression: 'even % 2 = 0', name: t${t}_even}"
    echo "    columns:"
    for c in 1 2 3 4 5 6 7 8; do
      echo "      - name: c$c"
      echo "        data_tests:"
      echo "          - not_null"
      case $c in
        1) echo "          - dbt_utils.accepted_range: {min_value: 0, max_value: 999}" ;;
        2) echo "          - dbt_utils.accepted_range: {min_value: 0}" ;;
        3) echo "          - dbt_utils.accepted_range: {max_value: 991, inclusive: false}" ;;
      esac
    done
    echo "      - name: k1"
    echo "        data_tests:"
    echo "          - accepted_values: {values: ['a', 'b', 'c']}"
    echo "          - accepted_values: {values: ['a', 'b', 'c', 'd'], name: t${t}_k1_wide}"
    echo "      - name: k2"
    echo "        data_tests:"
    echo "          - accepted_values: {values: ['x', 'y']}"
    echo "          - accepted_values: {values: ['x', 'y', 'z'], name: t${t}_k2_wide}"
    echo "          - dbt_utils.not_null_proportion: {at_least: 0.95}"
    echo "      - name: id"
    echo "        data_tests: [${kind_of_key_tests}]"
    echo "      - name: even"
    echo "        data_tests: [${kind_of_key_tests}]"
  done
} >models/schema.yml
"$kiln" run --quiet
seconds_of() {  # best of three wall seconds
  local best=""
  for _ in 1 2 3; do
    local start end s
    start=$(date +%s.%N)
    "$@" >/dev/null 2>&1 || true
    end=$(date +%s.%N)
    s=$(awk "BEGIN{print $end - $start}")
    if [ -z "$best" ] || awk "BEGIN{exit !($s < $best)}"; then best=$s; fi
  done
  echo "$best"
}
tests=$("$kiln" ls --resource-type test -o name --quiet | grep -c .)
fused=$(seconds_of "$kiln" test)
alone=$(seconds_of "$kiln" test --no-fuse-tests)
echo "| tables x rows | data tests | one query per test (s) | fused (s) | speed-up |"
echo "|---|---|---|---|---|"
awk -v n="$tests" -v a="$alone" -v f="$fused" -v k="$kind_of_key_tests" -v m="$materialized" \
  'BEGIN{printf "| 10 %ss x 1M, 2 %s each | %d | %.2f | %.2f | %.1fx |\n", m, k, n, a, f, a / f}'
