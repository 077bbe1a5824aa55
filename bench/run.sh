#!/usr/bin/env bash
# All of kiln's benchmarks, each printing its own table. usage: bench/run.sh BUILD_DIR
set -euo pipefail
build=$1
here=$(cd "$(dirname "$0")" && pwd)
echo "## Template engine vs Python Jinja2"
/usr/bin/python3 "$here/jinja_vs_jinja2.py" "$build/bench/jinja/jinja_bench" 3
echo
echo "## Parse and compile"
"$here/parse_bench.sh" "$build/src/cli/kiln" 1000 10000
echo
echo "## Run on DuckDB"
"$here/run_bench.sh" "$build/src/cli/kiln" "$build/bench/run/sql_replay"
echo
echo "## Seed load"
"$here/seed_bench.sh" "$build/src/cli/kiln"
echo
echo "## Test fusion"
"$here/fusion_bench.sh" "$build/src/cli/kiln"
