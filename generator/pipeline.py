"""The pipeline a user, the API and the evals all call: documents in, cited canvas and findings out.

ingest (knowledge) -> retrieve evidence per call -> extract (LLM or offline) -> ground -> resolve
-> assemble -> check (rules). Each step is a function of its own module; this one only sequences
them, runs the calls in a bounded pool, and keeps the books on cost and failure.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TypeVar

from pydantic import BaseModel

import rules
from canvas.model import Canvas, CanvasResult, DocumentRef, GeneratorInfo, SectionRun, SectionStatus
from ecocanvas.errors import BudgetExceededError, InputError, LLMError
from ecocanvas.logs import get_logger
from ecocanvas.settings import Settings
from generator import prompts
from generator.assemble import assemble
from generator.drafts import CanvasDraft, Draft
from generator.evidence import fence, plan, retrieve
from generator.ground import Grounder
from generator.guard import InjectionGuard
from generator.offline import extract_offline
from generator.resolve import resolve
from generator.sections import CALLS, CallSpec
from knowledge import Chunk, Document, KnowledgeBase

log = get_logger(__name__)

Progress = Callable[[str, str], None]
D = TypeVar("D", bound=Draft)
# What a call spent, as counted by generator.llm.Usage and booked in SectionRun and GeneratorInfo.
_COUNTERS = {"calls", "cached_calls", "retries", "prompt_tokens", "completion_tokens", "cost_usd"}
OFFLINE_K = 60


def generate(paths: Sequence[Path], settings: Settings, on_progress: Progress | None = None) -> CanvasResult:
    """Ingest `paths` into the settings' workspace, draft the canvas from them, and check it."""
    progress = on_progress or (lambda _stage, _msg: None)
    kb = KnowledgeBase(settings)
    report = kb.ingest(
        paths,
        on_progress=lambda name, i, n: progress("ingest", f"{i}/{n} {name}"),
        on_embedded=lambda done, total: progress("embed", f"{done}/{total} chunks"),
    )
    if report.errors and not report.documents:
        raise InputError("no document could be read: " + "; ".join(f"{e.path}: {e.error}" for e in report.errors))
    if not report.documents:
        raise InputError("no documents given")
    canvas = draft_canvas(kb, report.documents, settings, progress)
    return CanvasResult(canvas=canvas, findings=rules.check(canvas))


def draft_canvas(
    kb: KnowledgeBase, documents: Sequence[Document], settings: Settings, progress: Progress | None = None
) -> Canvas:
    progress = progress or (lambda _stage, _msg: None)
    started = time.perf_counter()
    docs = {d.id: d for d in documents}
    doc_ids = list(docs)
    # Documents uploaded a moment ago may still be searchable by their words only: retrieval for
    # a draft waits for their dense vectors, so evidence does not depend on how fast embedding was.
    kb.wait_for_vectors(doc_ids, on_progress=lambda done, total: progress("embed", f"{done}/{total} chunks"))
    offline = settings.model is None
    info = GeneratorInfo(
        backend="offline" if offline else "litellm",
        model="offline" if offline else str(settings.model),
        prompt_version=prompts.version(("system", *(c.prompt for c in CALLS))) if not offline else "offline@1",
        documents=[
            DocumentRef(document_id=d.id, name=d.name, date=d.date.isoformat() if d.date else None) for d in documents
        ],
        source_tokens=sum(_tokens(d.text) for d in documents),
    )
    draft = CanvasDraft()
    if offline:
        evidence: dict[str, Chunk] = {}
        for spec in CALLS:
            progress(spec.name, "retrieving evidence")
            for chunk in retrieve(kb, spec, doc_ids, k=max(settings.evidence_k, OFFLINE_K)):
                evidence.setdefault(chunk.id, chunk)
        progress("extract", "offline extractor")
        draft = extract_offline(documents, evidence.values())
        for spec in CALLS:
            for section in spec.sections:
                info.sections[section] = SectionRun(status="ok")
    else:
        draft = _extract_llm(kb, docs, settings, info, progress)

    progress("ground", "locating quotes")
    grounder = Grounder(documents)
    dropped = _ground(draft, grounder, info)
    guard = InjectionGuard(documents)
    tainted = {id(d) for d in _drafts(draft) if d.citation is not None and guard.tainted(d.citation)}
    if draft.review.cadence_citation and guard.tainted(draft.review.cadence_citation):
        draft.review.cadence_citation = None
    progress("resolve", "merging actors")
    resolution = resolve(draft, documents, tainted)
    canvas = assemble(resolution, title_fallback=documents[0].name if documents else "")
    info.dropped_ungrounded = dropped
    info.seconds = round(time.perf_counter() - started, 3)
    if any(s.status == "failed" for s in info.sections.values()) and info.status == "complete":
        info.status = "partial"
    canvas.generator = info
    log.info(
        "canvas drafted",
        backend=info.backend,
        actors=len(canvas.actors),
        activities=len(canvas.activities),
        dropped_ungrounded=dropped,
        seconds=info.seconds,
    )
    return canvas


def _extract_llm(
    kb: KnowledgeBase, docs: dict[str, Document], settings: Settings, info: GeneratorInfo, progress: Progress
) -> CanvasDraft:
    from generator.llm import LLMClient, TokenBudget, Usage, usage_of

    client = LLMClient(settings, TokenBudget(settings.max_tokens))
    system = prompts.render("system")
    draft = CanvasDraft()

    evidence = plan(kb, CALLS, list(docs), k=settings.evidence_k)

    def run(spec: CallSpec) -> tuple[CallSpec, BaseModel | None, Usage, SectionStatus, str | None]:
        chunks = evidence[spec.name]
        progress(spec.name, f"extracting from {len(chunks)} passages")
        messages = [
            {"role": "system", "content": system},
            {"role": "user", "content": prompts.render(spec.prompt, evidence=fence(chunks, docs))},
        ]
        try:
            result, usage = client.extract(spec.response_model, messages, prompt_version=info.prompt_version)
        except BudgetExceededError as exc:
            return spec, None, usage_of(exc), "skipped", str(exc)
        except LLMError as exc:
            log.warning("call failed", call=spec.name, error=str(exc))
            return spec, None, usage_of(exc), "failed", str(exc)
        return spec, result, usage, "cached" if usage.calls == 0 and usage.cached_calls else "ok", None

    with ThreadPoolExecutor(max_workers=min(settings.concurrency, len(CALLS))) as pool:
        for spec, result, usage, status, error in pool.map(run, CALLS):
            if status == "skipped":
                info.status = "budget_exceeded"
            # A call's cost is booked on its first section; the others share its status.
            spent = usage.model_dump(include=_COUNTERS)
            for i, section in enumerate(spec.sections):
                info.sections[section] = SectionRun(status=status, error=error, **(spent if i == 0 else {}))
                if result is not None:
                    setattr(draft, section, getattr(result, section))
            for name, value in spent.items():
                setattr(info, name, getattr(info, name) + value)
            progress(spec.name, status + (f": {error}" if error else ""))
    return draft


def _drafts(draft: CanvasDraft) -> list[Draft]:
    return [
        *draft.scope.objectives,
        *draft.scope.in_scope,
        *draft.scope.out_of_scope,
        *draft.actors.actors,
        *draft.actors.excluded,
        *draft.value_exchanges.value_exchanges,
        *draft.activities.activities,
        *draft.governance.governance,
        *draft.metrics.metrics,
    ]


def _ground(draft: CanvasDraft, grounder: Grounder, info: GeneratorInfo) -> int:
    """Attach a citation to every draft entry; drop the ones whose quote is not in the documents."""
    dropped = 0

    def kept(items: list[D], section: str) -> list[D]:
        nonlocal dropped
        out: list[D] = []
        for item in items:
            hint = (item.at.document_id, item.at.start) if item.at else None
            item.citation = grounder.locate(item.quote, hint=hint)
            if item.citation is not None:
                out.append(item)
                continue
            dropped += 1
            if section in info.sections:
                info.sections[section].dropped_ungrounded += 1
        return out

    scope = draft.scope
    scope.objectives = kept(scope.objectives, "scope")
    scope.in_scope = kept(scope.in_scope, "scope")
    scope.out_of_scope = kept(scope.out_of_scope, "scope")
    draft.actors.actors = kept(draft.actors.actors, "actors")
    draft.actors.excluded = kept(draft.actors.excluded, "actors")
    draft.value_exchanges.value_exchanges = kept(draft.value_exchanges.value_exchanges, "value_exchanges")
    draft.activities.activities = kept(draft.activities.activities, "activities")
    draft.governance.governance = kept(draft.governance.governance, "governance")
    draft.metrics.metrics = kept(draft.metrics.metrics, "metrics")
    review = draft.review
    if review.cadence and review.cadence_quote:
        hint = (review.cadence_at.document_id, review.cadence_at.start) if review.cadence_at else None
        review.cadence_citation = grounder.locate(review.cadence_quote, hint=hint)
        if review.cadence_citation is None:
            dropped += 1
            info.sections.setdefault("review", SectionRun()).dropped_ungrounded += 1
    return dropped


def _tokens(text: str) -> int:
    # Whitespace words * 4/3 approximates BPE tokens for English prose well enough for a ratio.
    return int(len(text.split()) * 4 / 3)
