#!/usr/bin/env bash
# Parse and compile benchmarks on generated dbt-style projects (bench/gen_project.py).
# usage: bench/parse_bench.sh KILN_BINARY [MODELS...]   (default: 1000 10000)
# Prints one table row per project size: best-of-3 wall time and peak RSS of a full parse, a parse
# with nothing changed, a parse after editing one model, and a compile of every node.
set -euo pipefail
kiln=$(realpath "$1")
shift
sizes=("$@")
[ ${#sizes[@]} -eq 0 ] && sizes=(1000 10000)
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

measure() {  # prints "seconds max_rss_mb" of the best of three runs of the command
  local best_s="" best_rss=""
  for _ in 1 2 3; do
    /usr/bin/time -o "$work/time.txt" -f "%e %M" "$@" >/dev/null 2>&1
    local out s rss
    out=$(tail -1 "$work/time.txt")
    s=${out% *}
    rss=${out#* }
    if [ -z "$best_s" ] || awk "BEGIN{exit !($s < $best_s)}"; then best_s=$s; best_rss=$rss; fi
  done
  echo "$best_s $((best_rss / 1024))"
}

printf '| %-8s | %-20s | %-20s | %-20s | %-20s |\n' "models" "full parse (s / MB)" "nothing changed (s)" "one model edited (s)" "compile all (s / MB)"
printf '|----------|----------------------|----------------------|----------------------|----------------------|\n'
for n in "${sizes[@]}"; do
  project="$work/p$n"
  /usr/bin/python3 "$here/gen_project.py" "$n" "$project"
  cd "$project"
  # The generator's files are still being written back to disk: let that finish first, so it
  # is not measured as part of the first parse. And they were written a moment ago, which makes
  # them "racily clean" for partial parsing (files changed in the last 3 s are hashed, not just
  # stat'ed): date them a minute back, as files of a project checked out earlier are.
  sync
  find . -type f -exec touch -d '1 minute ago' {} +
  read -r parse_s parse_mb < <(measure "$kiln" parse --quiet --no-partial-parse)
  "$kiln" parse --quiet
  read -r unchanged_s _ < <(measure "$kiln" parse --quiet)
  edited=$(find models -name '*.sql' | sort | awk 'NR == 1')
  read -r edited_s _ < <(measure bash -c 'echo "-- edited $RANDOM" >>"$0" && "$1" parse --quiet' \
    "$edited" "$kiln")
  read -r compile_s compile_mb < <(measure "$kiln" compile --quiet)
  printf '| %-8s | %-20s | %-20s | %-20s | %-20s |\n' "$n" "$parse_s / $parse_mb" "$unchanged_s" "$edited_s" "$compile_s / $compile_mb"
  cd - >/dev/null
done
