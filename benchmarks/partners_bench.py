"""Reading and matching a partner CSV: seconds per size, the share of rows matched, all in one process.

The first rows (twice as many as there are actors) alternate between an actor's name with a legal
suffix (`Org 3 Ltd`) and an unknown name; every later row is unknown. An unknown row needs candidates,
the costly path (its name scored against every actor's names). Compare the ratios within one run;
the machine is shared.

Usage: .venv/bin/python benchmarks/partners_bench.py [--rows 1000 10000] [--actors 200]
"""

from __future__ import annotations

import argparse
import time

from ecocanvas.canvas.model import Actor, Canvas
from ecocanvas.canvas.partners import match_partners, read_partner_csv


def _csv(rows: int, actors: int) -> str:
    lines = ["Partner;Tier;Co-sell pipeline;ARR;Contract end"]
    for i in range(rows):
        name = f"Org {i // 2} Ltd" if i % 2 == 0 and i < 2 * actors else f"Unknown Partner {i}"
        lines.append(f'"{name}";Gold;€{i + 1}k;"{i * 1000:,}";2030-01-31')
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--rows", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--actors", type=int, default=200)
    args = parser.parse_args()
    canvas = Canvas(actors=[Actor(id=f"a{i}", name=f"Org {i}", aliases=[f"O{i}"]) for i in range(args.actors)])
    print("| rows | actors | read s | match s | match s, no candidates | matched | to review |")
    print("|---:|---:|---:|---:|---:|---:|---:|")
    for rows in args.rows:
        text = _csv(rows, args.actors)
        started = time.perf_counter()
        table = read_partner_csv(text)
        read = time.perf_counter() - started
        started = time.perf_counter()
        match = match_partners(canvas, table.records)
        matched = time.perf_counter() - started
        started = time.perf_counter()
        match_partners(canvas, table.records, with_candidates=False)  # what every re-check of a canvas pays
        bare = time.perf_counter() - started
        counts = f"{len(match.matched)} | {len(match.unmatched)}"
        print(f"| {rows} | {args.actors} | {read:.2f} | {matched:.2f} | {bare:.3f} | {counts} |")


if __name__ == "__main__":
    main()
