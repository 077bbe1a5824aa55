"""Writes a seed CSV of ROWS rows and 10 columns of mixed types (int, bigint, double, bool, date,
timestamp, two texts with quoted commas and quotes, a nullable int and a nullable double), with a
fixed random seed so every run loads the same file. usage: gen_csv.py ROWS PATH"""
import random
import sys

rows, path = int(sys.argv[1]), sys.argv[2]
rng = random.Random(42)
words = ["alpha", "beta", "gamma", "delta", "epsilon", "zeta", "eta", "theta"]
with open(path, "w", newline="") as out:
    out.write("id,account,amount,active,day,updated_at,name,note,quantity,score\n")
    lines = []
    for i in range(1, rows + 1):
        note = rng.choice(words) + " " + rng.choice(words)
        if i % 10 == 0:
            note = '"' + note + ', said ""' + rng.choice(words) + '"""'
        lines.append(
            f"{i},{3_000_000_000 + rng.randrange(10**9)},{rng.uniform(-1000, 1000):.4f},"
            f"{'true' if i % 3 else 'false'},2024-{1 + i % 12:02d}-{1 + i % 28:02d},"
            f"2024-{1 + i % 12:02d}-{1 + i % 28:02d} {i % 24:02d}:{i % 60:02d}:{(i * 7) % 60:02d},"
            f"{rng.choice(words)}_{i % 1000},{note},"
            f"{'' if i % 7 == 0 else rng.randrange(100)},{'' if i % 11 == 0 else round(rng.random(), 6)}\n")
        if len(lines) == 10000:
            out.write("".join(lines))
            lines.clear()
    out.write("".join(lines))
