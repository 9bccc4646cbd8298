"""How long `ecocanvas.rules.check` takes on generated canvases of 1k, 10k and 100k entries (not a test).

    .venv/bin/python benchmarks/rules_bench.py [--sizes 1000 10000 100000] [--repeat 3]

The canvases look like large real drafts: a tenth actors, the rest exchanges, activities with
dependency chains, mechanisms, metrics and scope items, with a few percent of every kind of gap
(unowned activities, unknown references, missing targets, loops, uncited entries, rejections).
Prints one line per size: entries, findings, best and median seconds of `check`, and µs per entry.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from ecocanvas.canvas.model import (
    ACTOR_KINDS,
    EXCHANGE_KINDS,
    MECHANISM_KINDS,
    Activity,
    Actor,
    Canvas,
    Citation,
    DocumentRef,
    Exchange,
    Item,
    Mechanism,
    Metric,
    Review,
    Scope,
)
from ecocanvas.rules import check

GAP = 0.03  # share of entries carrying a gap of their kind


def _sources(rng: random.Random) -> list[Citation]:
    if rng.random() < GAP:
        return []
    doc = "d-2023" if rng.random() < GAP else "d-2025"
    return [Citation(document=f"{doc}.md", document_id=doc, start=0, end=6, quote="quoted")]


def synthetic_canvas(entries: int, seed: int = 0) -> Canvas:
    rng = random.Random(seed)
    n_actors = max(4, entries // 10)
    n_exchanges = entries * 2 // 10
    n_activities = entries * 35 // 100
    n_mechanisms = max(5, entries // 20)
    n_metrics = entries * 15 // 100
    n_items = max(1, entries - n_actors - n_exchanges - n_activities - n_mechanisms - n_metrics)
    ids = [f"a{i}" for i in range(n_actors)]

    def actor_ref() -> str:
        return "ghost" if rng.random() < GAP else rng.choice(ids)

    def status() -> str:
        return "rejected" if rng.random() < GAP else rng.choice(["draft", "accepted", "edited"])

    actors = [
        Actor(id=a, name=f"Org {i}", aliases=[f"O{i}"], kind=rng.choice(ACTOR_KINDS), sources=_sources(rng))
        for i, a in enumerate(ids)
    ]
    exchanges = [
        Exchange(
            id=f"x{i}",
            provider=actor_ref(),
            receiver=actor_ref(),
            value=f"value {i}",
            kind=rng.choice(EXCHANGE_KINDS),
            sources=_sources(rng),
            status=status(),  # type: ignore[arg-type]
        )
        for i in range(n_exchanges)
    ]
    activities = []
    for i in range(n_activities):
        # mostly backwards dependencies (a DAG), a few forward ones make loops
        deps = [f"t{rng.randrange(i)}" for _ in range(rng.randint(0, 2))] if i else []
        if rng.random() < GAP / 3:
            deps.append(f"t{rng.randrange(n_activities)}")
        owner = None if rng.random() < GAP else rng.choice(ids)
        activities.append(
            Activity(
                id=f"t{i}",
                name=f"Activity {i}",
                owner=owner,
                supporters=[actor_ref() for _ in range(rng.randint(0, 2))],
                approvers=[actor_ref()],
                depends_on=deps,
                sources=_sources(rng),
                status=status(),  # type: ignore[arg-type]
            )
        )
    mechanisms = [
        Mechanism(
            id=f"g{i}",
            kind=rng.choice(MECHANISM_KINDS),
            description=f"Mechanism {i}",
            owner=actor_ref(),
            participants=[actor_ref() for _ in range(3)],
            cadence=None if rng.random() < GAP else "monthly",
            sources=_sources(rng),
        )
        for i in range(n_mechanisms)
    ]
    metrics = [
        Metric(
            id=f"m{i}",
            name=f"Metric {i}",
            owner=None if rng.random() < GAP else actor_ref(),
            target=None if rng.random() < GAP else "90%",
            cadence="monthly",
            data_source=None if rng.random() < GAP else "CRM",
            actors=[actor_ref() for _ in range(rng.randint(1, 3))],
            sources=_sources(rng),
        )
        for i in range(n_metrics)
    ]
    items = [Item(id=f"i{i}", text=f"Item {i}", sources=_sources(rng)) for i in range(n_items)]
    canvas = Canvas(
        title=f"Synthetic {entries}",
        scope=Scope(objectives=items[: n_items // 2], in_scope=items[n_items // 2 :]),
        actors=actors,
        value_exchanges=exchanges,
        activities=activities,
        governance=mechanisms,
        metrics=metrics,
        review=Review(cadence="quarterly", stakeholders=ids[:5]),
    )
    canvas.generator.documents = [
        DocumentRef(document_id="d-2023", name="memo.md", date="2023-01-15"),
        DocumentRef(document_id="d-2025", name="minutes.md", date="2025-03-01"),
    ]
    return canvas


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1_000, 10_000, 100_000])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    # CPU time next to wall time: on a shared machine the wall clock also counts other people's work.
    print(f"{'entries':>8}  {'findings':>8}  {'best s':>7}  {'median s':>8}  {'best cpu s':>10}  {'µs/entry':>8}")
    for size in args.sizes:
        canvas = synthetic_canvas(size)
        n_entries = len(canvas.entries())
        wall, cpu, findings = [], [], 0
        for _ in range(args.repeat):
            start, start_cpu = time.perf_counter(), time.process_time()
            findings = len(check(canvas))
            wall.append(time.perf_counter() - start)
            cpu.append(time.process_time() - start_cpu)
        best = min(wall)
        print(
            f"{n_entries:>8}  {findings:>8}  {best:>7.3f}  {statistics.median(wall):>8.3f}  "
            f"{min(cpu):>10.3f}  {best / n_entries * 1e6:>8.1f}"
        )


if __name__ == "__main__":
    main()
