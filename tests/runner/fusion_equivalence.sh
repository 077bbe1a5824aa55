#!/usr/bin/env bash
# Test fusion gives the same per-test results as one query per test: runs `kiln test` fused and
# with --no-fuse-tests on tests of every fusable kind (passing, warning and failing, with where,
# warn_if/error_if, quote: false and inclusive: false) and compares (unique_id, status, failures).
# The tested model is a view: on DuckDB only tests of views fuse (see runner/test_fusion.h).
set -euo pipefail
kiln=$1
fixtures=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp -r "$fixtures/run_duckdb/." "$work/"
mkdir -p "$work/models"
cat > "$work/models/events.sql" <<'SQL'
{{ config(materialized='view') }}
select range as id,
       case when range % 7 = 0 then null else range % 13 end as score,
       case range % 4 when 0 then 'a' when 1 then 'b' when 2 then 'c' else 'zz' end as kind,
       range % 50 as bucket
from range(1000)
SQL
cat > "$work/models/other.sql" <<'SQL'
{{ config(materialized='table') }}
select 1 as id, null as maybe union all select 2, 5
SQL
cat > "$work/models/schema.yml" <<'YAML'
models:
  - name: events
    data_tests:
      - dbt_utils.expression_is_true:
          expression: "id >= 0"
      - dbt_utils.expression_is_true:
          name: ids_below_900
          expression: "id < 900"
          config: {severity: warn}
    columns:
      - name: id
        data_tests: [not_null, unique]
      - name: score
        data_tests:
          - not_null
          - not_null:
              name: score_not_null_where
              config: {where: "bucket < 10", warn_if: ">= 1", error_if: "> 100"}
          - dbt_utils.accepted_range:
              min_value: 0
              max_value: 12
          - dbt_utils.accepted_range:
              name: score_exclusive
              min_value: 0
              max_value: 12
              inclusive: false
          - dbt_utils.not_null_proportion:
              at_least: 0.9
          - dbt_utils.not_null_proportion:
              name: score_mostly_there
              at_least: 0.5
      - name: kind
        data_tests:
          - accepted_values:
              values: ['a', 'b', 'c']
          - accepted_values:
              name: kind_all
              values: ['a', 'b', 'c', 'zz']
      - name: bucket
        data_tests:
          - unique:
              config: {where: "id < 50"}
          - unique:
              name: bucket_unique_everywhere
              config: {severity: warn}
          - accepted_values:
              name: bucket_small
              values: [0, 1, 2]
              quote: false
              config: {error_if: "> 100", warn_if: "> 10"}
  - name: other
    columns:
      - name: maybe
        data_tests: [not_null]
YAML
printf 'packages:\n  - package: dbt-labs/dbt_utils\n    version: 1.3.0\n' > "$work/packages.yml"
cd "$work"
"$kiln" run --quiet
set +e
"$kiln" test --quiet
fused_code=$?
cp target/run_results.json fused.json
# The fused run asked each relation once: its first test's run file holds the shared query.
fused_queries=$(grep -rl "failures_1" target/run | wc -l)
"$kiln" test --no-fuse-tests --quiet
alone_code=$?
set -e
cp target/run_results.json alone.json
if [ "$fused_code" -ne "$alone_code" ]; then
  echo "exit codes differ: fused $fused_code, one by one $alone_code"
  exit 1
fi
/usr/bin/python3 - fused.json alone.json <<'PY'
import json, sys
def outcome(path):
    return sorted((r["unique_id"], r["status"], r["failures"])
                  for r in json.load(open(path))["results"])
fused, alone = outcome(sys.argv[1]), outcome(sys.argv[2])
assert fused == alone, "\n".join(f"{a} | {b}" for a, b in zip(fused, alone) if a != b)
statuses = {status for _, status, _ in fused}
assert statuses >= {"pass", "warn", "fail"}, statuses
assert len(fused) == 16, len(fused)
PY
if [ "$fused_queries" -ne 1 ]; then
  echo "expected one fused query (events), found $fused_queries"
  exit 1
fi
echo "fused and one-by-one results agree"
