#!/usr/bin/python3
"""Compares kiln_jinja with Python's Jinja2 on the dbt-style templates in bench/jinja/templates.

Usage (from the repository root, after building the release benchmark):
  /usr/bin/python3 bench/jinja_vs_jinja2.py build/jinja-rel/bench/jinja/jinja_bench [rounds]

Runs the C++ benchmark binary (Google Benchmark, JSON output) and times the same templates with
Jinja2 in this process, alternating the two for a few rounds (default 3) and keeping the best rate
of each, then prints parse and render rates and the kiln/Jinja2 ratios. It also checks that both
engines render the templates to the same text (`jinja_bench --print <template>`).
"""
import json
import os
import subprocess
import sys
import time

import jinja2

HERE = os.path.dirname(os.path.abspath(__file__))
TEMPLATES = os.path.join(HERE, "jinja", "templates")
NAMES = ["model.sql", "macros.sql"]


def make_env():
    # Configured like dbt; the globals mirror setup() in bench/jinja/jinja_bench.cpp.
    env = jinja2.Environment(extensions=["jinja2.ext.do"])
    env.globals["config"] = lambda *a, **k: ""
    env.globals["ref"] = lambda name, *a, **k: f'"analytics"."main"."{name}"'
    env.globals["var"] = lambda name, default=None: default
    env.globals["is_incremental"] = lambda: True
    env.globals["this"] = '"analytics"."main"."fct_orders"'
    return env


def rate(fn, min_seconds=1.0):
    """Calls fn repeatedly for at least min_seconds; returns calls per second."""
    fn()  # warm up
    n = 0
    start = time.perf_counter()
    while True:
        for _ in range(10):
            fn()
        n += 10
        elapsed = time.perf_counter() - start
        if elapsed >= min_seconds:
            return n / elapsed


def jinja2_rates():
    env = make_env()
    with open(os.path.join(TEMPLATES, "context.json"), encoding="utf-8") as f:
        ctx = json.load(f)
    out = {}
    for name in NAMES:
        with open(os.path.join(TEMPLATES, name), encoding="utf-8") as f:
            src = f.read()
        tmpl = env.from_string(src)
        out[name] = {
            "parse": rate(lambda: env.from_string(src)),
            "render": rate(lambda: tmpl.render(**ctx)),
        }
    return out


def kiln_rates(binary):
    res = subprocess.run(
        [binary, "--benchmark_format=json", "--benchmark_min_time=0.5"],
        check=True, capture_output=True, text=True)
    data = json.loads(res.stdout)
    out = {}
    for b in data["benchmarks"]:
        kind, name = b["name"].split("/", 1)
        key = {"BM_Parse": "parse", "BM_Render": "render"}[kind]
        out.setdefault(name + ".sql", {})[key] = b["items_per_second"]
    return out


def check_outputs(binary):
    """Both engines must render the benchmark templates to the same text."""
    env = make_env()
    with open(os.path.join(TEMPLATES, "context.json"), encoding="utf-8") as f:
        ctx = json.load(f)
    for name in NAMES:
        with open(os.path.join(TEMPLATES, name), encoding="utf-8") as f:
            expected = env.from_string(f.read()).render(**ctx)
        got = subprocess.run([binary, "--print", name], check=True, capture_output=True,
                             text=True).stdout
        status = "identical" if got == expected else "DIFFERENT"
        print(f"output check {name}: {status} ({len(expected)} bytes)")


def best(a, b):
    """Per template and op, the better of two measurements (the machine may be shared)."""
    if a is None:
        return b
    return {n: {op: max(a[n][op], b[n][op]) for op in ("parse", "render")} for n in NAMES}


def main():
    if len(sys.argv) not in (2, 3):
        sys.exit(__doc__)
    rounds = int(sys.argv[2]) if len(sys.argv) == 3 else 3
    check_outputs(sys.argv[1])
    kiln = py = None
    # Interleave the two engines and keep each one's best round, so background load on a shared
    # machine penalizes neither side systematically.
    for _ in range(rounds):
        kiln = best(kiln, kiln_rates(sys.argv[1]))
        py = best(py, jinja2_rates())
    print(f"Jinja2 {jinja2.__version__} vs kiln_jinja (templates/s, higher is better)\n")
    header = f"{'template':<12} {'op':<7} {'Jinja2':>12} {'kiln':>12} {'kiln/Jinja2':>12}"
    print(header)
    print("-" * len(header))
    for name in NAMES:
        for op in ("parse", "render"):
            j, k = py[name][op], kiln[name][op]
            print(f"{name:<12} {op:<7} {j:>12,.0f} {k:>12,.0f} {k / j:>11.1f}x")


if __name__ == "__main__":
    main()
