#!/usr/bin/env bash
# The main job on embedded DuckDB: check the demo shop project and its connection, then read it.
set -euo pipefail
kiln=$(realpath "$1")
cd "$(dirname "$0")/../demo"
"$kiln" debug
"$kiln" parse
