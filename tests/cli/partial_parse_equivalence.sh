#!/usr/bin/env bash
# A manifest written by splicing edited model bodies into the last one (kiln parse after body-only
# edits) equals the manifest a full parse writes, apart from timestamps and the invocation id.
# Edits: a comment appended, SQL changed around a ref, quotes and backslashes and non-ASCII text
# (JSON escaping), two models at once, and an edit that is then undone.
set -euo pipefail
kiln=$1
fixtures=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir "$work/project"
cp -r "$fixtures/parse_shop/." "$work/project/"
cd "$work/project"  # scratch files go to $work: a new file in the project means a full parse
"$kiln" parse --quiet

compare() {  # $1: what was edited
  "$kiln" parse --log-level debug > "$work/splice.log" 2>&1
  if ! grep -q "spliced them into" "$work/splice.log"; then
    echo "after $1: kiln parse did not splice"; cat "$work/splice.log"; exit 1
  fi
  cp target/manifest.json "$work/spliced.json"
  "$kiln" parse --no-partial-parse --quiet
  /usr/bin/python3 - "$work/spliced.json" target/manifest.json "$1" <<'PY'
import json, sys
def load(path):
    manifest = json.load(open(path))
    for key in ("generated_at", "invocation_id", "invocation_started_at", "run_started_at"):
        manifest["metadata"].pop(key, None)
    def drop_times(value):
        if isinstance(value, dict):
            value.pop("created_at", None)
            for item in value.values(): drop_times(item)
        elif isinstance(value, list):
            for item in value: drop_times(item)
    drop_times(manifest)
    return manifest
spliced, full = load(sys.argv[1]), load(sys.argv[2])
if spliced != full:
    diff = [k for k in full if spliced.get(k) != full[k]]
    sys.exit(f"after {sys.argv[3]}: spliced manifest differs from a full parse in {diff}")
PY
}

model=models/staging/stg_customers.sql
original=$(cat "$model")
echo "-- a comment" >> "$model"
compare "a comment appended"
printf '%s\n' "select * from (" "$original" ") as t where 1 = 1" > "$model"
compare "SQL around a ref"
printf '%s\n' "$original" "-- \"quoted\" \\backslash\\ tab	é ✓" > "$model"
compare "escaped characters"
echo "-- one" >> models/staging/stg_orders.sql
echo "-- two" >> "$model"
compare "two models"
printf '%s\n' "$original" > "$model"
compare "an undone edit"
echo "spliced manifests equal full parses"
