"""The pipeline a user, the API and the evals all call: documents in, cited canvas and findings out.

ingest (knowledge) -> plan the calls and their evidence -> extract (LLM or offline) -> ground ->
resolve -> assemble -> check (rules). Each step is a function of its own module; this one only
sequences them, runs the calls in a bounded pool, keeps the books on cost and failure, and reports
structured progress (`ecocanvas.generator.progress`).
"""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Literal, TypeVar

from ecocanvas import rules
from ecocanvas.canvas.model import (
    SECTIONS,
    Canvas,
    CanvasResult,
    DocumentRef,
    Finding,
    GeneratorInfo,
    SectionName,
    SectionRun,
    SectionStatus,
    Usage,
)
from ecocanvas.errors import BudgetExceededError, GenerationCancelled, InputError, LLMError
from ecocanvas.generator import prompts
from ecocanvas.generator.assemble import assemble
from ecocanvas.generator.drafts import CanvasDraft, EntryDraft
from ecocanvas.generator.evidence import PlannedCall, estimate_tokens, fence, plan_calls, retrieve
from ecocanvas.generator.ground import Grounder
from ecocanvas.generator.guard import InjectionGuard
from ecocanvas.generator.offline import extract_offline
from ecocanvas.generator.progress import Clock, Progress
from ecocanvas.generator.resolve import resolve
from ecocanvas.generator.sections import CALLS, PLANS, SECTION_WORDS
from ecocanvas.generator.support import missing_numbers, words_supported
from ecocanvas.knowledge import Chunk, Document, KnowledgeBase
from ecocanvas.logs import get_logger
from ecocanvas.settings import Settings

if TYPE_CHECKING:
    from ecocanvas.generator.answers import Converted

log = get_logger(__name__)

D = TypeVar("D", bound=EntryDraft)
OFFLINE_K = 60
PROMPTS = ("system", "extract", *(c.prompt for c in CALLS))
_POLL_S = 0.2
GenerationStatus = Literal["complete", "partial", "budget_exceeded", "failed"]


def generate(
    paths: Sequence[Path],
    settings: Settings,
    on_progress: Progress | None = None,
    cancel: threading.Event | None = None,
) -> CanvasResult:
    """Ingest `paths` into the settings' workspace, draft the canvas from them, and check it."""
    clock = Clock(on_progress)
    kb = KnowledgeBase(settings)
    clock.emit("ingest", "Reading the documents")
    started = time.perf_counter()

    def read(name: str, done: int, total: int) -> None:
        clock.emit("ingest", f"Read {Path(name).name} ({done} of {total})", counts={"files": total, "done": done})

    # Not waiting for the dense vectors here: draft_canvas waits for them, reported as the "embed" stage.
    report = kb.ingest(paths, on_progress=read, wait=False)
    if report.errors and not report.documents:
        raise InputError("no document could be read: " + "; ".join(f"{e.path}: {e.error}" for e in report.errors))
    if not report.documents:
        raise InputError("no documents given")
    clock.emit(
        "ingest",
        f"Read {len(report.documents)} documents",
        "ok",
        counts={"documents": len(report.documents), "chunks": report.chunks, "errors": len(report.errors)},
        seconds=round(time.perf_counter() - started, 3),
    )
    canvas = draft_canvas(kb, report.documents, settings, clock, cancel)
    return CanvasResult(canvas=canvas, findings=check(canvas, clock))


def _embedded(clock: Clock, done: int, total: int) -> None:
    message = f"Embedded {done} of {total} passages for search"
    clock.emit("embed", message, counts={"chunks": total, "done": done})


def check(canvas: Canvas, progress: Progress | None = None) -> list[Finding]:
    """The rules over a drafted canvas, reported as the last step."""
    clock = progress if isinstance(progress, Clock) else Clock(progress)
    started = time.perf_counter()
    clock.emit("check", "Checking the canvas for gaps")
    findings = rules.check(canvas)
    seconds = round(time.perf_counter() - started, 3)
    clock.emit("check", f"{len(findings)} findings", "ok", counts={"findings": len(findings)}, seconds=seconds)
    return findings


def draft_canvas(
    kb: KnowledgeBase,
    documents: Sequence[Document],
    settings: Settings,
    progress: Progress | None = None,
    cancel: threading.Event | None = None,
) -> Canvas:
    clock = progress if isinstance(progress, Clock) else Clock(progress)
    started = time.perf_counter()
    docs = {d.id: d for d in documents}
    # Documents uploaded a moment ago may still be searchable by their words only: retrieval for
    # a draft waits for their dense vectors, so evidence does not depend on how fast embedding was.
    kb.wait_for_vectors(list(docs), on_progress=lambda done, total: _embedded(clock, done, total))
    offline = settings.model is None
    info = GeneratorInfo(
        backend="offline" if offline else "litellm",
        model="offline" if offline else str(settings.model),
        prompt_version=prompts.version(PROMPTS) if not offline else "offline@1",
        run=uuid.uuid4().hex[:16],
        documents=[
            DocumentRef(document_id=d.id, name=d.name, date=d.date.isoformat() if d.date else None) for d in documents
        ],
        source_tokens=sum(_tokens(d.text) for d in documents),
    )
    _stop_if(cancel)
    if offline:
        draft = _extract_offline(kb, documents, settings, info, clock)
    else:
        draft = _extract_llm(kb, docs, settings, info, clock, cancel)
    _stop_if(cancel)

    step = time.perf_counter()
    clock.emit("ground", "Checking every quote against its document")
    grounder = Grounder(documents)
    dropped = _ground(draft, grounder, info)
    guard = InjectionGuard(documents)
    tainted = {id(d) for d in _drafts(draft) if d.citation is not None and guard.tainted(d.citation)}
    if draft.review.cadence_citation and guard.tainted(draft.review.cadence_citation):
        draft.review.cadence_citation = None
    if not offline:
        _check_scope_text(draft, documents, guard)
    quotes = len(_drafts(draft))
    clock.emit(
        "ground",
        f"{quotes} quotes found in the documents, {dropped} not",
        "ok",
        counts={"found": quotes, "not_found": dropped, "injected": len(tainted)},
        seconds=round(time.perf_counter() - step, 3),
    )

    step = time.perf_counter()
    clock.emit("resolve", "Merging the names of actors")
    # Only the offline extractor names actors it never listed (it reads names off sentences); an
    # LLM answer refers to its actor list by id, so a name no listed actor carries stays unresolved.
    resolution = resolve(draft, documents, tainted, references_create_actors=offline)
    canvas = assemble(resolution, title_fallback=documents[0].name if documents else "")
    clock.emit(
        "resolve",
        f"{len(canvas.actors)} actors, {len(canvas.entries())} entries",
        "ok",
        counts={"actors": len(canvas.actors), "entries": len(canvas.entries())},
        seconds=round(time.perf_counter() - step, 3),
    )
    info.dropped_ungrounded = dropped
    info.seconds = round(time.perf_counter() - started, 3)
    info.status = _status(info)
    canvas.generator = info
    log.info(
        "canvas_drafted",
        backend=info.backend,
        status=info.status,
        actors=len(canvas.actors),
        activities=len(canvas.activities),
        dropped_ungrounded=dropped,
        seconds=info.seconds,
    )
    return canvas


def _status(info: GeneratorInfo) -> GenerationStatus:
    runs = list(info.sections.values())
    if any(r.status == "skipped" for r in runs):
        return "budget_exceeded"
    if runs and all(r.status == "failed" for r in runs):
        return "failed"
    if any(r.status == "failed" for r in runs):
        return "partial"
    return "complete"


def _stop_if(cancel: threading.Event | None) -> None:
    if cancel is not None and cancel.is_set():
        raise GenerationCancelled("the generation was cancelled")


def _extract_offline(
    kb: KnowledgeBase, documents: Sequence[Document], settings: Settings, info: GeneratorInfo, clock: Clock
) -> CanvasDraft:
    started = time.perf_counter()
    clock.emit("extract", "Drafting every section with the offline extractor", sections=list(SECTIONS))
    evidence: dict[str, Chunk] = {}
    doc_ids = [d.id for d in documents]
    for spec in CALLS:
        for chunk in retrieve(kb, spec, doc_ids, k=max(settings.evidence_k, OFFLINE_K)):
            evidence.setdefault(chunk.id, chunk)
    draft = extract_offline(documents, evidence.values())
    seconds = round(time.perf_counter() - started, 3)
    for section in SECTIONS:
        info.sections[section] = SectionRun(status="ok", seconds=seconds)
    clock.emit(
        "extract",
        f"Drafted {len(_drafts(draft))} entries from {len(evidence)} passages",
        "ok",
        sections=list(SECTIONS),
        counts={"passages": len(evidence), "entries": len(_drafts(draft))},
        seconds=seconds,
    )
    return draft


@dataclass
class _Outcome:
    call: PlannedCall
    converted: Converted | None
    usage: Usage
    status: SectionStatus
    error: str | None
    seconds: float


def _label(sections: Sequence[SectionName]) -> str:
    if tuple(sections) == SECTIONS:
        return "every section"
    words = [SECTION_WORDS[s] for s in sections]
    return ", ".join(words[:-1]) + " and " + words[-1] if len(words) > 1 else words[0]


def _extract_llm(
    kb: KnowledgeBase,
    docs: dict[str, Document],
    settings: Settings,
    info: GeneratorInfo,
    clock: Clock,
    cancel: threading.Event | None,
) -> CanvasDraft:
    from ecocanvas.generator.answers import AnswerContext, answer_model, to_draft
    from ecocanvas.generator.calllog import CallTag
    from ecocanvas.generator.llm import LLMClient, TokenBudget, usage_of

    client = LLMClient(settings, TokenBudget(settings.max_tokens))
    system = prompts.render("system")
    step = time.perf_counter()
    clock.emit("plan", "Choosing the passages each call reads")
    plan = plan_calls(kb, list(docs), settings.evidence_k, settings.single_call_tokens)
    messages: dict[str, list[dict[str, str]]] = {}
    for call in plan:
        tasks = "\n".join(prompts.render(name).rstrip() for name in call.prompts)
        user = prompts.render("extract", tasks=tasks, evidence=fence(call.passages, docs))
        messages[call.name] = [{"role": "system", "content": system}, {"role": "user", "content": user}]
    schema_tokens = {c.name: estimate_tokens(str(answer_model(c.sections).model_json_schema())) for c in plan}
    info.planned_calls = len(plan)
    info.planned_prompt_tokens = sum(
        estimate_tokens(system) + estimate_tokens(messages[c.name][1]["content"]) + schema_tokens[c.name] for c in plan
    )
    passages = len({p.id for c in plan for p in c.passages})
    clock.emit(
        "plan",
        f"{len(plan)} call{'s' if len(plan) > 1 else ''} over {passages} passages, about "
        f"{info.planned_prompt_tokens:,} prompt tokens",
        "ok",
        counts={"calls": len(plan), "passages": passages, "prompt_tokens": info.planned_prompt_tokens},
        seconds=round(time.perf_counter() - step, 3),
    )

    def run(call: PlannedCall) -> _Outcome:
        # Between calls: one waiting for a free slot does not start once the generation is cancelled.
        _stop_if(cancel)
        started = time.perf_counter()
        clock.emit(
            "extract",
            f"Drafting {_label(call.sections)} from {len(call.passages)} passages",
            sections=list(call.sections),
            counts={"passages": len(call.passages)},
        )
        context = AnswerContext.of(call.passages)
        tag = CallTag(run=info.run, call=call.name, chunk_ids=[p.chunk.id for p in call.passages])
        try:
            answer, usage = client.extract(
                answer_model(call.sections),
                messages[call.name],
                prompt_version=info.prompt_version,
                context=context,
                lenient=context.as_lenient(),
                tag=tag,
            )
        except BudgetExceededError as exc:
            return _Outcome(call, None, usage_of(exc), "skipped", str(exc), _since(started))
        except LLMError as exc:
            log.warning("call_failed", call=call.name, error=str(exc))
            return _Outcome(call, None, usage_of(exc), "failed", str(exc), _since(started))
        status: SectionStatus = "cached" if usage.calls == 0 and usage.cached_calls else "ok"
        if answer.entry_count() == 0 and call.passages:
            # A model that answers `{}` has not read the documents; blaming them would be wrong.
            error = f"the model answered with no entries from {len(call.passages)} passages"
            return _Outcome(call, None, usage, "failed", error, _since(started))
        return _Outcome(call, to_draft(answer, context), usage, status, None, _since(started))

    draft = CanvasDraft()
    pool = ThreadPoolExecutor(max_workers=min(settings.concurrency, len(plan)), thread_name_prefix="ecocanvas-call")
    try:
        pending: set[Future[_Outcome]] = {pool.submit(run, call) for call in plan}
        while pending:
            done, pending = wait(pending, timeout=_POLL_S, return_when=FIRST_COMPLETED)
            # A cancelled generation stops now; calls in flight finish unseen and are not booked.
            _stop_if(cancel)
            for future in done:
                _book(future.result(), draft, info, clock)
    finally:
        pool.shutdown(wait=False, cancel_futures=True)
    return draft


def _since(started: float) -> float:
    return round(time.perf_counter() - started, 3)


def _book(outcome: _Outcome, draft: CanvasDraft, info: GeneratorInfo, clock: Clock) -> None:
    call, converted = outcome.call, outcome.converted
    # A call's cost is booked on its first section; the others share its status.
    spent = outcome.usage.model_dump()
    for i, section in enumerate(call.sections):
        info.sections[section] = SectionRun(
            status=outcome.status,
            error=outcome.error,
            seconds=outcome.seconds,
            notes=converted.notes.get(section, []) if converted else [],
            dropped_unsupported=converted.dropped.get(section, 0) if converted else 0,
            **(spent if i == 0 else {}),
        )
    info.add(outcome.usage)
    if converted is not None:
        for section in call.sections:
            if section != "actors":
                setattr(draft, section, getattr(converted.draft, section))
        # Every call lists the actors it refers to; they meet in resolution, merged by name.
        draft.actors.actors += converted.draft.actors.actors
        if "actors" in call.sections:
            draft.actors.excluded += converted.draft.actors.excluded
    entries = converted.draft if converted else None
    clock.emit(
        "extract",
        _finished(outcome),
        outcome.status,
        sections=list(call.sections),
        counts={
            "passages": len(call.passages),
            "entries": len(_drafts(entries)) if entries else 0,
            "calls": outcome.usage.calls,
            "prompt_tokens": outcome.usage.prompt_tokens,
            "completion_tokens": outcome.usage.completion_tokens,
        },
        seconds=outcome.seconds,
        error=outcome.error,
    )


def _finished(outcome: _Outcome) -> str:
    label = _label(outcome.call.sections)
    label = label[0].upper() + label[1:]
    if outcome.status == "skipped":
        return f"{label}: not drafted, the token budget would be exceeded"
    if outcome.status == "failed":
        return f"{label}: could not be drafted ({outcome.error})"
    entries = len(_drafts(outcome.converted.draft)) if outcome.converted else 0
    source = "from the cache" if outcome.status == "cached" else f"in {outcome.seconds:.1f} s"
    return f"{label}: {entries} entries {source}"


def _check_scope_text(draft: CanvasDraft, documents: Sequence[Document], guard: InjectionGuard) -> None:
    """An LLM's title and summary are its own words: keep them only when the documents, less their
    injected sentences, say so (its numbers there, most of its words there)."""
    clean = "\n".join(guard.clean_text(d) for d in documents)
    scope = draft.scope
    if scope.title and not words_supported(scope.title, clean, 2 / 3):
        scope.title = None
    if scope.summary and (missing_numbers(scope.summary, clean) or not words_supported(scope.summary, clean)):
        scope.summary = ""


def _drafts(draft: CanvasDraft | None) -> list[EntryDraft]:
    if draft is None:
        return []
    return [d for plan in PLANS for name in plan.drafts for d in getattr(getattr(draft, plan.section), name)]


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

    for plan in PLANS:
        holder = getattr(draft, plan.section)
        for name in plan.drafts:
            setattr(holder, name, kept(getattr(holder, name), plan.section))
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
