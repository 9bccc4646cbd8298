"""Structured progress events: what the pipeline is doing, for the CLI, the API's event stream and the page.

Each event names its stage, the sections it is about, a status, counts and times, plus one sentence
for people (`message`). Consumers read the fields; none parses the sentence.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Literal

from pydantic import BaseModel, Field

from ecocanvas.canvas.model import SectionName

Stage = Literal["ingest", "embed", "plan", "extract", "ground", "resolve", "check"]
Status = Literal["running", "ok", "cached", "failed", "skipped"]
FINAL: frozenset[str] = frozenset({"ok", "cached", "failed", "skipped"})


class ProgressEvent(BaseModel):
    stage: Stage
    status: Status = "running"
    sections: list[SectionName] = Field(default_factory=list, description="The canvas sections this step drafts.")
    message: str = Field(description="One sentence for a person; never parsed.")
    counts: dict[str, int] = Field(default_factory=dict, description="passages, entries, calls, tokens, ...")
    seconds: float | None = Field(None, description="How long the step took (on its final status).")
    elapsed: float = Field(0.0, description="Seconds since the generation started.")
    error: str | None = None


Progress = Callable[[ProgressEvent], None]


def ignore(_event: ProgressEvent) -> None:
    pass


class Clock:
    """Stamps events with the time since the run started, so every consumer shows the same figures."""

    def __init__(self, sink: Progress | None) -> None:
        self.sink = sink or ignore
        self.started = time.perf_counter()

    def __call__(self, event: ProgressEvent) -> None:
        event.elapsed = round(time.perf_counter() - self.started, 3)
        self.sink(event)

    def emit(self, stage: Stage, message: str, status: Status = "running", **fields: object) -> None:
        self(ProgressEvent(stage=stage, status=status, message=message, **fields))  # type: ignore[arg-type]
