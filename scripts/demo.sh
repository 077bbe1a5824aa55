#!/usr/bin/env bash
# The main job on embedded DuckDB: check the demo shop project and its connection, read it into a
# manifest, list what feeds the daily sales mart, then `kiln build`: seeds, staging views, the
# customer history snapshot, marts and data tests in DAG order.
set -euo pipefail
kiln=$(realpath "$1")
cd "$(dirname "$0")/../demo"
"$kiln" debug
"$kiln" parse
echo
echo "What builds mart_daily_store_sales (kiln ls -s +mart_daily_store_sales --resource-type model):"
"$kiln" ls -s +mart_daily_store_sales --resource-type model
echo
"$kiln" build
