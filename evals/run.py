"""Run the generation pipeline over a dataset and score every ecosystem.

Each ecosystem gets a fresh workspace of its own (a new name under the configured data dir) so
no ecosystem retrieves another's documents and no chunk indexed by older code is reused; the
response cache lives in the data dir, so a repeated live-LLM run replays for free. The
workspace is emptied afterwards.
"""

from __future__ import annotations

import datetime as dt
import shutil
import time
import uuid
from collections.abc import Callable, Sequence
from pathlib import Path

from ecocanvas.canvas.ids import slug
from ecocanvas.canvas.model import Canvas, CanvasResult, GeneratorInfo
from ecocanvas.errors import EcocanvasError, InputError
from ecocanvas.evals.dataset import Ecosystem
from ecocanvas.evals.oracle import OracleLLM
from ecocanvas.evals.results import RunResult
from ecocanvas.evals.scorer import score
from ecocanvas.evals.scores import EcosystemScore
from ecocanvas.evals.verbatim import visible_text
from ecocanvas.generator.pipeline import generate
from ecocanvas.generator.progress import ProgressEvent
from ecocanvas.knowledge import Document, parse_bytes
from ecocanvas.knowledge.parsing import ParseLimits, document_id
from ecocanvas.logs import get_logger
from ecocanvas.settings import Settings

log = get_logger(__name__)

# (ecosystem, stage, status): stage is a canvas section as `generate` reports it, or "score".
OnEvent = Callable[[str, str, str], None]


def workspace_name(ecosystem: Ecosystem) -> str:
    return f"eval-{slug(ecosystem.name, 30)}-{uuid.uuid4().hex[:8]}"


def parse_documents(paths: Sequence[Path], limits: ParseLimits) -> list[Document]:
    """The documents as the knowledge layer reads them: the coordinates citations must hit."""
    docs: list[Document] = []
    for path in paths:
        try:
            docs.append(parse_bytes(path.name, path.read_bytes(), limits))
        except InputError as exc:
            log.warning("eval_document_unreadable", document=path.name, error=str(exc))
    return docs


def run_ecosystem(ecosystem: Ecosystem, settings: Settings, on_event: OnEvent | None = None) -> EcosystemScore:
    """Generate a canvas from the ecosystem's documents in a fresh workspace, then score it."""
    workspace = workspace_name(ecosystem)
    eco_settings = settings.model_copy(update={"workspace": workspace})

    def progress(event: ProgressEvent) -> None:
        if on_event is not None:
            on_event(ecosystem.name, event.stage, event.status)

    error: str | None = None
    started = time.perf_counter()
    try:
        result = generate(ecosystem.documents, eco_settings, on_progress=progress)
    except EcocanvasError as exc:
        log.warning("eval_generation_failed", ecosystem=ecosystem.name, error=str(exc))
        error = f"{type(exc).__name__}: {exc}"
        result = CanvasResult(canvas=Canvas(generator=GeneratorInfo(backend="failed", model=settings.model or "")))
    finally:
        seconds = time.perf_counter() - started
        _drop_workspace(eco_settings)
    if on_event is not None:
        on_event(ecosystem.name, "score", "running")
    documents = parse_documents(ecosystem.documents, ParseLimits.from_settings(settings))
    visible = {document_id(data): visible_text(data) for data in (p.read_bytes() for p in ecosystem.documents)}
    scored = score(ecosystem.gold, result, documents, name=ecosystem.name, seconds=seconds, visible=visible)
    scored.error = error
    if on_event is not None:
        on_event(ecosystem.name, "score", "done")
    return scored


def _drop_workspace(settings: Settings) -> None:
    """An eval workspace is scratch: the knowledge layer keeps all of it (store and vectors) in one folder."""
    folder = settings.workspaces_dir / settings.workspace
    if folder.is_dir():
        shutil.rmtree(folder, ignore_errors=True)


def run_eval(
    ecosystems: Sequence[Ecosystem],
    settings: Settings,
    dataset: Path,
    on_event: OnEvent | None = None,
    on_done: Callable[[EcosystemScore], None] | None = None,
    *,
    oracle: bool = False,
) -> RunResult:
    """Run and score every ecosystem in order; `on_done` sees each score as it lands.

    With `oracle`, every LLM call of an ecosystem is answered by `evals.oracle.OracleLLM` from that
    ecosystem's gold, over the real HTTP path: the score is what the pipeline keeps of right answers.
    """
    created = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    scores: list[EcosystemScore] = []
    for eco in ecosystems:
        if oracle:
            with OracleLLM(eco.gold) as server:
                scores.append(run_ecosystem(eco, server.settings(settings), on_event))
        else:
            scores.append(run_ecosystem(eco, settings, on_event))
        if on_done is not None:
            on_done(scores[-1])
    used = settings if not oracle else settings.model_copy(update={"model": OracleLLM.model})
    return RunResult.build(
        scores,
        created=created,
        dataset=str(dataset),
        model=used.model,
        settings=run_settings(used),
    )


def run_settings(settings: Settings) -> dict[str, str | int | float | bool | None]:
    """The settings that change what a run measures, recorded so runs can be compared fairly."""
    return {
        "model": settings.model,
        "embedder": settings.embedder,
        "evidence_k": settings.evidence_k,
        "chunk_chars": settings.chunk_chars,
        "temperature": settings.temperature,
        "max_tokens": settings.max_tokens,
    }
