"""The committed baseline (`evals/baseline.json`) and the gate that compares a run to it.

The gate fails when any headline metric's mean drops more than `tolerance` below the baseline,
when forbidden actors rise above the baseline's count, or when the run covers a different set
of ecosystems (means over different sets are not comparable: re-baseline instead).

Write a new baseline from a run with `python -m ecocanvas.evals.baseline RUN [--out evals/baseline.json]`
or `ecocanvas eval --write-baseline evals/baseline.json`.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field, ValidationError

from ecocanvas.errors import InputError
from ecocanvas.evals.results import RunResult, load_run
from ecocanvas.evals.scores import HEADLINE_METRICS

BASELINE_PATH = Path(__file__).resolve().parent / "baseline.json"
# The check set's own gate: only its aggregate scores are committed and compared.
CHECK_BASELINE_PATH = Path(__file__).resolve().parent / "baseline-check.json"
DEFAULT_TOLERANCE = 0.02


class Baseline(BaseModel):
    format: Literal["ecocanvas-eval-baseline"] = "ecocanvas-eval-baseline"
    version: int = 1
    created: str
    note: str = ""
    settings: dict[str, str | int | float | bool | None] = Field(
        default_factory=dict, description="The run's settings; the gate reproduces them (embedder, model)."
    )
    tolerance: float = Field(DEFAULT_TOLERANCE, ge=0)
    ecosystems: list[str]
    metrics: dict[str, float | None] = Field(description="Headline metric means of the baseline run.")
    forbidden_actors: int = 0
    per_ecosystem: dict[str, dict[str, float | None]] = Field(
        default_factory=dict, description="Headline metrics per ecosystem, for reading only."
    )


class Regression(BaseModel):
    metric: str
    baseline: float | None
    current: float | None
    message: str


def baseline_from_run(run: RunResult, note: str = "", per_ecosystem: bool = True) -> Baseline:
    """`per_ecosystem=False` for the check set: only its means are committed, so nobody tuning the
    extractor reads which of its ecosystems did badly."""
    return Baseline(
        created=run.created,
        note=note,
        settings=run.settings,
        ecosystems=[e.name for e in run.ecosystems],
        metrics={m: run.mean.get(m) for m in HEADLINE_METRICS},
        forbidden_actors=int(run.mean.get("forbidden_actors") or 0),
        per_ecosystem={e.name: {m: e.scores.get(m) for m in HEADLINE_METRICS} for e in run.ecosystems}
        if per_ecosystem
        else {},
    )


def load_baseline(path: Path = BASELINE_PATH) -> Baseline:
    try:
        return Baseline.model_validate(json.loads(path.read_text(encoding="utf-8")))
    except FileNotFoundError as exc:
        raise InputError(f"no baseline at {path}") from exc
    except (UnicodeDecodeError, json.JSONDecodeError, ValidationError) as exc:
        raise InputError(f"{path} is not an evaluation baseline: {exc}") from exc


def save_baseline(baseline: Baseline, path: Path = BASELINE_PATH) -> Path:
    path.write_text(baseline.model_dump_json(indent=2) + "\n", encoding="utf-8")
    return path


def check_against_baseline(run: RunResult, baseline: Baseline, tolerance: float | None = None) -> list[Regression]:
    """Every way the run falls short of the baseline; an empty list passes the gate."""
    allowed = baseline.tolerance if tolerance is None else tolerance
    out: list[Regression] = []
    names = [e.name for e in run.ecosystems]
    if sorted(names) != sorted(baseline.ecosystems):
        out.append(
            Regression(
                metric="ecosystems",
                baseline=None,
                current=None,
                message=f"run covers {sorted(names)} but the baseline covers {sorted(baseline.ecosystems)}",
            )
        )
    for metric, before in baseline.metrics.items():
        after = run.mean.get(metric)
        if before is None:
            continue
        if after is None:
            out.append(Regression(metric=metric, baseline=before, current=None, message=f"{metric} is missing"))
        elif after < before - allowed:
            out.append(
                Regression(
                    metric=metric,
                    baseline=before,
                    current=after,
                    message=f"{metric} fell from {before:.3f} to {after:.3f} (tolerance {allowed:.2f})",
                )
            )
    forbidden = int(run.mean.get("forbidden_actors") or 0)
    if forbidden > baseline.forbidden_actors:
        out.append(
            Regression(
                metric="forbidden_actors",
                baseline=float(baseline.forbidden_actors),
                current=float(forbidden),
                message=f"{forbidden} forbidden actors appear (baseline {baseline.forbidden_actors})",
            )
        )
    return out


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Write an evaluation baseline from a run.")
    parser.add_argument("run", type=Path, help="a results.json or the run folder holding it")
    parser.add_argument("--out", type=Path, default=BASELINE_PATH)
    parser.add_argument("--note", default="")
    args = parser.parse_args(argv)
    path = save_baseline(baseline_from_run(load_run(args.run), note=args.note), args.out)
    print(f"baseline written to {path}")


if __name__ == "__main__":
    main()
