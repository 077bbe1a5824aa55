#!/usr/bin/env bash
# Runs a project where one model succeeds, one fails and one is skipped, then its tests (a pass,
# a warning, a failure, an error), and validates each target/run_results.json against dbt's
# run-results v6 JSON Schema.
set -euo pipefail
kiln=$1
schemas=$2
fixtures=$3
validator=$(dirname "$0")/../validate_artifact.py
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp -r "$fixtures/run_duckdb/." "$work/"

# Runs `kiln $1` (expecting exit 1), validates run_results.json against the schema, then checks
# that sorted (status, failures) pairs of its results equal the Python literal $2.
check() {
  set +e
  # shellcheck disable=SC2086 # $1 is the command and its flags, split on purpose
  (cd "$work" && "$kiln" $1 --quiet)
  local code=$?
  set -e
  if [ "$code" -ne 1 ]; then
    echo "kiln $1 exited $code, expected 1"
    exit 1
  fi
  /usr/bin/python3 "$validator" "$schemas/run-results/v6.json" "$work/target/run_results.json"
  /usr/bin/python3 - "$work/target/run_results.json" "$2" <<'PY'
import ast, json, sys
results = json.load(open(sys.argv[1]))["results"]
statuses = sorted((r["status"], r["failures"]) for r in results)
assert statuses == ast.literal_eval(sys.argv[2]), statuses
PY
}

mkdir -p "$work/models"
echo "select 1 as id" > "$work/models/fine.sql"
echo "select * from no_such_table" > "$work/models/broken.sql"
echo "select * from {{ ref('broken') }}" > "$work/models/after_broken.sql"
check run '[("error", None), ("skipped", None), ("success", None)]'

# kiln test: a pass, a warning, a failure and an error (a test on the model that failed).
mkdir -p "$work/tests"
echo "select * from {{ ref('fine') }} where id < 0" > "$work/tests/passes.sql"
printf "{{ config(severity='warn') }}\nselect * from {{ ref('fine') }}\n" > "$work/tests/warns.sql"
echo "select * from {{ ref('fine') }}" > "$work/tests/fails.sql"
echo "select * from {{ ref('broken') }}" > "$work/tests/errors.sql"
check test '[("error", None), ("fail", 1), ("pass", 0), ("warn", 1)]'

# kiln build with a microbatch model one of whose batches fails: a partial success with
# batch_results, next to a failed model and its skipped child.
rm -rf "$work/tests"
mkdir -p "$work/seeds"
printf 'id,happened_at\n1,2024-10-01 05:00:00\n2,2024-10-02 05:00:00\n' > "$work/seeds/events.csv"
printf 'seeds:\n  - name: events\n    config:\n      event_time: happened_at\n' > "$work/seeds/props.yml"
cat > "$work/models/daily.sql" <<'SQL'
{{ config(materialized='incremental', incremental_strategy='microbatch', event_time='happened_at',
          batch_size='day', begin='2024-10-01') }}
select id, happened_at{% if model.batch and model.batch.id == '20241002' %}, nope{% endif %}
from {{ ref('events') }}
SQL
check "build --event-time-start 2024-10-01 --event-time-end 2024-10-03" \
  '[("error", None), ("partial success", None), ("skipped", None), ("success", None), ("success", None)]'
