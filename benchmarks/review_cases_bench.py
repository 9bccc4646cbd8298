"""Round trip of eval cases from reviews: how much of a reviewed draft an exported case gives back.

For each ecosystem of the tuning set: upload its documents to a fresh workspace of an in-process API,
draft a canvas (offline backend), accept every drafted entry in one batch, export the canvas as a case
(`GET /v1/canvases/{id}/gold?format=zip`) and evaluate the offline backend on that case. Had the export
kept everything, the backend would draft the same canvas again and score 1.0 on every metric that
applies. Below 1.0 is what the export loses: the workspace keeps a document's text and structure, not
its file, so a DOCX, PDF or HTML document comes back as Markdown (`ecocanvas.evals.from_reviews.as_markdown`).

Also timed: the export request, against the generation job it follows (ratios within one run).

Usage: .venv/bin/python benchmarks/review_cases_bench.py [--embedder hash] [-e ev-charging ...]
"""

from __future__ import annotations

import argparse
import io
import sys
import tempfile
import time
import zipfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from support.api_harness import in_process_api  # noqa: E402

from ecocanvas.canvas.review import ENTRY_SECTIONS  # noqa: E402
from ecocanvas.evals.dataset import default_dataset_dir, load_dataset  # noqa: E402
from ecocanvas.evals.run import run_ecosystem  # noqa: E402

METRICS = ("actor_f1", "activity_recall", "owner_accuracy", "exchange_f1", "metric_recall", "governance_coverage")
_LISTS = {"objectives": ("scope",), "in_scope": ("scope",), "out_of_scope": ("scope",), "open_questions": ("review",)}


def _entries(canvas: dict[str, Any]) -> list[str]:
    ids: list[str] = []
    for section in ENTRY_SECTIONS:
        holder = canvas[_LISTS[section][0]] if section in _LISTS else canvas
        ids += [e["id"] for e in holder[section]]
    return ids


def round_trip(eco_dir: Path, embedder: str, work: Path) -> dict[str, Any]:
    [eco] = load_dataset(eco_dir)
    with in_process_api(work / eco.name, embedder=embedder) as api:
        files = [("files", (p.name, p.read_bytes())) for p in eco.documents]
        assert api.client.post("/v1/documents", files=files, headers=api.auth()).status_code == 201
        started = time.perf_counter()
        canvas_id = api.generate()["canvas_id"]
        generated = time.perf_counter() - started
        first = api.client.get(f"/v1/canvases/{canvas_id}", headers=api.auth())
        actions = [{"action": "accept", "entry_id": i} for i in _entries(first.json()["canvas"])]
        accepted = api.client.post(
            f"/v1/canvases/{canvas_id}/review",
            json={"action": "batch", "actions": actions},
            headers={**api.auth(), "If-Match": first.headers["ETag"]},
        )
        assert accepted.status_code == 200, accepted.text
        started = time.perf_counter()
        archive = api.client.get(f"/v1/canvases/{canvas_id}/gold", params={"format": "zip"}, headers=api.auth())
        exported = time.perf_counter() - started
        assert archive.status_code == 200, archive.text
        zipfile.ZipFile(io.BytesIO(archive.content)).extractall(work / "cases")
        [case] = [c for c in load_dataset(work / "cases") if c.name.endswith(canvas_id[:8])]
        scored = run_ecosystem(case, api.settings)
    suffixes = sorted({p.suffix for p in eco.documents})
    return {
        "name": eco.name,
        "formats": " ".join(suffixes),
        "entries": len(actions),
        "generate_s": generated,
        "export_s": exported,
        **{m: scored.scores.get(m) for m in METRICS},
    }


def _mean(rows: list[dict[str, Any]], metric: str) -> str:
    values = [r[metric] for r in rows if r[metric] is not None]
    return f"{sum(values) / len(values):.2f}" if values else "–"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--embedder", default="hash", help="ECOCANVAS_EMBEDDER for drafting and re-drafting")
    parser.add_argument("-e", "--ecosystem", action="append", help="only this ecosystem (repeatable)")
    args = parser.parse_args()
    folders = sorted(p for p in default_dataset_dir().iterdir() if (p / "gold.json").is_file())
    if args.ecosystem:
        folders = [p for p in folders if p.name in args.ecosystem]
    rows = []
    with tempfile.TemporaryDirectory(prefix="review-cases-") as tmp:
        for folder in folders:
            rows.append(round_trip(folder, args.embedder, Path(tmp)))
            r = rows[-1]
            print(
                f"{r['name']:28} {r['formats']:22} {r['entries']:4} entries  "
                + "  ".join(f"{m} {'–' if r[m] is None else f'{r[m]:.2f}'}" for m in METRICS)
                + f"  generate {r['generate_s']:.2f} s, export {r['export_s'] * 1000:.0f} ms",
                flush=True,
            )
    print(f"mean ({len(rows)}): " + "  ".join(f"{m} {_mean(rows, m)}" for m in METRICS))
    ratio = sum(r["export_s"] for r in rows) / sum(r["generate_s"] for r in rows)
    print(f"export time / generation time, summed: {ratio:.3f}")


if __name__ == "__main__":
    main()
