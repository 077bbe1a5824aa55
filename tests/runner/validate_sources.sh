#!/usr/bin/env bash
# Runs `kiln source freshness` on sources that pass, warn, are stale past error_after and cannot
# be measured, and validates target/sources.json against dbt's sources v3 JSON Schema.
set -euo pipefail
kiln=$1
schemas=$2
fixtures=$3
validator=$(dirname "$0")/../validate_artifact.py
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp -r "$fixtures/run_duckdb/." "$work/"
mkdir -p "$work/seeds" "$work/models"
printf 'id,loaded_at\n1,2024-05-01 09:00:00\n2,2024-05-01 11:30:00\n' > "$work/seeds/loads.csv"
cat > "$work/models/sources.yml" <<'YAML'
sources:
  - name: raw
    schema: main
    loaded_at_field: loaded_at
    freshness:
      warn_after: {count: 1, period: hour}
      error_after: {count: 1, period: day}
    tables:
      - name: fresh
        identifier: loads
      - name: late
        identifier: loads
        freshness:
          warn_after: {count: 10, period: minute}
          error_after: {count: 1, period: day}
          filter: id = 1
      - name: stale
        identifier: loads
        freshness:
          error_after: {count: 30, period: minute}
          filter: id = 1
      - name: missing
        identifier: no_such_table
      - name: unchecked
        identifier: loads
        freshness: null
YAML
(cd "$work" && "$kiln" seed --quiet)
set +e
(cd "$work" && KILN_FRESHNESS_NOW="2024-05-01 12:00:00" "$kiln" source freshness --quiet)
code=$?
set -e
if [ "$code" -ne 1 ]; then
  echo "kiln source freshness exited $code, expected 1"
  exit 1
fi
/usr/bin/python3 "$validator" "$schemas/sources/v3.json" "$work/target/sources.json"
/usr/bin/python3 - "$work/target/sources.json" <<'PY'
import json, sys
results = {r["unique_id"].split(".")[-1]: r for r in json.load(open(sys.argv[1]))["results"]}
statuses = {name: r["status"] for name, r in results.items()}
assert statuses == {"fresh": "pass", "late": "warn", "stale": "error",
                    "missing": "runtime error"}, statuses
assert results["fresh"]["max_loaded_at_time_ago_in_s"] == 1800, results["fresh"]
assert results["late"]["max_loaded_at"].startswith("2024-05-01T09:00:00"), results["late"]
assert results["stale"]["criteria"]["filter"] == "id = 1", results["stale"]
assert "no_such_table" in results["missing"]["error"], results["missing"]
PY
