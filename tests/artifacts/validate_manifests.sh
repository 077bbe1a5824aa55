#!/usr/bin/env bash
# Parses every fixture project that parses without the template engine and validates its
# target/manifest.json against dbt's manifest v12 JSON Schema; then again after `kiln compile`,
# whose manifest carries compiled nodes.
set -euo pipefail
kiln=$1
schemas=$2
fixtures=$3
validator=$(dirname "$0")/../validate_artifact.py
failed=0
for project in parse_shop valid; do
  work=$(mktemp -d)
  cp -r "$fixtures/$project/." "$work/"
  if ! (cd "$work" && "$kiln" parse --quiet); then
    echo "kiln parse failed on fixture $project"
    failed=1
  elif ! /usr/bin/python3 "$validator" "$schemas/manifest/v12.json" "$work/target/manifest.json"; then
    failed=1
  elif ! (cd "$work" && "$kiln" compile --quiet --select resource_type:model --indirect-selection empty); then
    echo "kiln compile failed on fixture $project"
    failed=1
  elif ! grep -q '"compiled_code":' "$work/target/manifest.json"; then
    echo "kiln compile left no compiled_code in the manifest of fixture $project"
    failed=1
  elif ! /usr/bin/python3 "$validator" "$schemas/manifest/v12.json" "$work/target/manifest.json"; then
    failed=1
  fi
  rm -rf "$work"
done
exit $failed
