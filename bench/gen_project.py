#!/usr/bin/python3
"""Generates a dbt-style project of N models for kiln's parse and compile benchmarks.

usage: gen_project.py N OUT_DIR [--seed S]

Each model has a config() call, one to three refs to earlier models (the first ten read a seed),
a few columns, and an entry in a property file with a description and two tests, like dbt's own
performance projects. Models are spread over folders of 100 so paths and fqns look real.
"""
import argparse
import os
import random


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("models", type=int)
    parser.add_argument("out_dir")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    out = args.out_dir
    os.makedirs(os.path.join(out, "models"), exist_ok=True)
    os.makedirs(os.path.join(out, "seeds"), exist_ok=True)

    with open(os.path.join(out, "dbt_project.yml"), "w") as f:
        f.write("name: bench\nversion: '1.0'\nconfig-version: 2\nprofile: bench\n"
                "models:\n  bench:\n    +materialized: view\n")
    with open(os.path.join(out, "profiles.yml"), "w") as f:
        f.write("bench:\n  target: dev\n  outputs:\n    dev:\n      type: duckdb\n"
                "      path: bench.duckdb\n      threads: 2\n")
    with open(os.path.join(out, "seeds", "raw_events.csv"), "w") as f:
        f.write("id,kind,amount\n")
        for i in range(100):
            f.write(f"{i},k{i % 7},{i * 3}\n")

    folder_entries = {}
    for i in range(args.models):
        folder = f"group_{i // 100:04d}"
        path = os.path.join(out, "models", folder)
        os.makedirs(path, exist_ok=True)
        name = f"model_{i:05d}"
        if i < 10:
            parents = []
        else:
            parents = sorted(set(rng.randrange(0, i) for _ in range(rng.randint(1, 3))))
        materialized = "table" if i % 10 == 0 else "view"
        lines = [f"{{{{ config(materialized='{materialized}', tags=['bench', '{folder}']) }}}}",
                 "", "select"]
        lines.append("    id,")
        lines.append(f"    kind || '_{i}' as kind,")
        lines.append(f"    amount * {i % 5 + 1} as amount")
        if not parents:
            lines.append("from {{ ref('raw_events') }}")
        else:
            lines.append(f"from {{{{ ref('model_{parents[0]:05d}') }}}}")
            for p in parents[1:]:
                lines.append(f"union all select id, kind, amount from {{{{ ref('model_{p:05d}') }}}}")
        with open(os.path.join(path, name + ".sql"), "w") as f:
            f.write("\n".join(lines) + "\n")
        folder_entries.setdefault(folder, []).append(name)

    for folder, names in folder_entries.items():
        with open(os.path.join(out, "models", folder, "schema.yml"), "w") as f:
            f.write("version: 2\n\nmodels:\n")
            for name in names:
                f.write(f"  - name: {name}\n")
                f.write(f"    description: Model {name}, generated for benchmarks.\n")
                f.write("    columns:\n")
                f.write("      - name: id\n")
                f.write("        description: The event id.\n")
                f.write("        data_tests: [unique, not_null]\n")
                f.write("      - name: kind\n")
                f.write("      - name: amount\n")


if __name__ == "__main__":
    main()
