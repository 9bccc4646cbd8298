"""A whole evaluation run as JSON (`<out>/results.json`), and the deltas between two runs."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field, ValidationError

from ecocanvas.errors import InputError
from ecocanvas.evals.scores import COUNT_METRICS, HEADLINE_METRICS, METRICS, EcosystemScore, Scores, aggregate

RESULTS_FILE = "results.json"
# Changes smaller than this are noise from float arithmetic, not a change.
_EPSILON = 1e-9


class RunResult(BaseModel):
    format: Literal["ecocanvas-eval"] = "ecocanvas-eval"
    version: int = 1
    created: str = Field(description="ISO timestamp of the run's start.")
    dataset: str
    model: str | None = Field(None, description="The litellm model, or None for the offline backend.")
    settings: dict[str, str | int | float | bool | None] = Field(default_factory=dict)
    ecosystems: list[EcosystemScore] = Field(default_factory=list)
    mean: Scores = Field(default_factory=dict, description="Rates averaged, counts summed over ecosystems.")

    @classmethod
    def build(
        cls,
        ecosystems: list[EcosystemScore],
        *,
        created: str,
        dataset: str,
        model: str | None,
        settings: dict[str, str | int | float | bool | None],
    ) -> RunResult:
        return cls(
            created=created,
            dataset=dataset,
            model=model,
            settings=settings,
            ecosystems=ecosystems,
            mean=aggregate(ecosystems),
        )

    def save(self, out_dir: Path) -> Path:
        out_dir.mkdir(parents=True, exist_ok=True)
        path = out_dir / RESULTS_FILE
        path.write_text(self.model_dump_json(indent=2) + "\n", encoding="utf-8")
        return path

    def ecosystem(self, name: str) -> EcosystemScore | None:
        return next((e for e in self.ecosystems if e.name == name), None)


def load_run(path: Path) -> RunResult:
    """A run from its results.json or from the run folder holding it."""
    file = path / RESULTS_FILE if path.is_dir() else path
    try:
        raw = json.loads(file.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise InputError(f"no evaluation results at {file}") from exc
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InputError(f"{file} is not valid JSON: {exc}") from exc
    try:
        return RunResult.model_validate(raw)
    except ValidationError as exc:
        raise InputError(f"{file} is not an ecocanvas evaluation result: {exc}") from exc


class Delta(BaseModel):
    metric: str
    before: float | None
    after: float | None
    delta: float | None
    worse: bool = Field(description="The change makes the metric worse (lower rate, higher count).")
    better: bool


def delta(metric: str, before: float | None, after: float | None) -> Delta:
    if before is None or after is None:
        # Appearing or disappearing is only "worse" when a value was lost.
        return Delta(
            metric=metric,
            before=before,
            after=after,
            delta=None,
            worse=after is None and before is not None,
            better=False,
        )
    change = after - before
    lower_is_better = metric in COUNT_METRICS
    worse = change > _EPSILON if lower_is_better else change < -_EPSILON
    better = change < -_EPSILON if lower_is_better else change > _EPSILON
    return Delta(metric=metric, before=before, after=after, delta=change, worse=worse, better=better)


def shared_ecosystems(current: RunResult, previous: RunResult) -> list[str]:
    return [e.name for e in current.ecosystems if previous.ecosystem(e.name) is not None]


def compare(current: RunResult, previous: RunResult) -> list[Delta]:
    """Deltas of every metric's mean, headline metrics first.

    When the runs cover different ecosystems, both means are recomputed over the ecosystems they
    share, so a subset run (`--ecosystem`) still compares like with like.
    """
    shared = shared_ecosystems(current, previous)
    after, before = current.mean, previous.mean
    if len(shared) != len(current.ecosystems) or len(shared) != len(previous.ecosystems):
        after = aggregate([e for e in current.ecosystems if e.name in shared])
        before = aggregate([e for e in previous.ecosystems if e.name in shared])
    order = [*HEADLINE_METRICS, *(m for m in METRICS if m not in HEADLINE_METRICS)]
    return [delta(m, before.get(m), after.get(m)) for m in order]


def compare_ecosystems(current: RunResult, previous: RunResult) -> dict[str, list[Delta]]:
    """Headline deltas for each ecosystem present in both runs."""
    out: dict[str, list[Delta]] = {}
    for eco in current.ecosystems:
        before = previous.ecosystem(eco.name)
        if before is not None:
            metrics = [*HEADLINE_METRICS, "forbidden_actors"]
            out[eco.name] = [delta(m, before.scores.get(m), eco.scores.get(m)) for m in metrics]
    return out
