"""The LLM path end to end over real HTTP: litellm + instructor talk to a scripted OpenAI-compatible server.

The two small documents fit one call, so most tests script one answer. Tests that split the work
(`single_call_tokens=0`) run the calls one at a time (concurrency=1) so the scripted replies meet
them in order: actors (scope, actors, review), responsibilities (activities, exchanges), governance
(mechanisms, metrics).
"""

from __future__ import annotations

import copy
import itertools
import json
import threading
import time
from pathlib import Path
from typing import Any

import pytest
from support.llm_answers import (
    ACTORS,
    ANSWER,
    GOVERNANCE,
    METRICS,
    RESPONSIBILITIES,
    UNSUPPORTED,
    write_docs,
)
from support.scripted_llm import Reply, ScriptedLLM

from ecocanvas.canvas.model import CanvasResult
from ecocanvas.errors import GenerationCancelled
from ecocanvas.generator import generate
from ecocanvas.generator.calllog import FILE_NAME, CallLog
from ecocanvas.generator.progress import ProgressEvent
from ecocanvas.knowledge import parse_bytes
from ecocanvas.knowledge.parsing import ParseLimits

GOVERNANCE_RULES = {"no-escalation-path", "no-decision-rights", "no-conflict-resolution", "no-change-management"}


def assert_citations_exact(result: CanvasResult, docs: list[Path]) -> None:
    # Offsets are into each document's extracted text: a Markdown file's own characters, tables included.
    texts = {
        p.name: parse_bytes(p.name, p.read_bytes(), ParseLimits(max_file_bytes=10**6)).text for p in docs[0].iterdir()
    }
    cited = [c for e in result.canvas.entries() for c in e.sources]
    assert cited, "expected cited entries"
    for c in cited:
        assert texts[c.document][c.start : c.end] == c.quote


def assert_the_good_canvas(result: CanvasResult) -> None:
    canvas = result.canvas
    names = {a.name for a in canvas.actors}
    assert names == {"Nordhavn Motors", "Vellmar Energi"}  # no injected actor
    nhm = next(a for a in canvas.actors if a.name == "Nordhavn Motors")
    vellmar = next(a.id for a in canvas.actors if a.name == "Vellmar Energi")
    (onboarding,) = canvas.activities
    assert onboarding.owner == nhm.id
    flows = {(x.provider, x.receiver, x.kind, x.value) for x in canvas.value_exchanges}
    assert flows == {(vellmar, nhm.id, "service", "grid connections"), (nhm.id, vellmar, "revenue", "connection fee")}
    assert canvas.metrics[0].owner == nhm.id and canvas.metrics[0].target == "97%"
    # The planted company was named as a participant on an entry with a real quote; it comes back as no one.
    (board,) = canvas.governance
    assert board.participants == []
    assert canvas.title == "Harbour Charging Alliance"


def test_one_call_drafts_every_section_of_a_small_corpus(scripted_llm: ScriptedLLM, tmp_path: Path) -> None:
    scripted_llm.reply_json(ANSWER, prompt_tokens=900, completion_tokens=120)
    docs = write_docs(tmp_path)
    events: list[ProgressEvent] = []
    result = generate(docs, scripted_llm.settings(tmp_path / "data"), on_progress=events.append)

    assert_the_good_canvas(result)
    assert_citations_exact(result, docs)
    gen = result.canvas.generator
    assert (gen.backend, gen.model, gen.status) == ("litellm", "openai/scripted", "complete")
    assert (gen.planned_calls, gen.calls, gen.prompt_tokens, gen.completion_tokens) == (1, 1, 900, 120)
    assert gen.planned_prompt_tokens > 0
    assert {s.status for s in gen.sections.values()} == {"ok"}
    assert {"no-escalation-path", "no-objectives"} <= {f.rule for f in result.findings}

    # What was sent: numbered passages fenced as untrusted data, a compact schema as the response format.
    [request] = scripted_llm.requests
    system, user = request.messages[0]["content"], request.last_user_message
    assert "untrusted" in system and "<<<DOCUMENT memo.md, 2025-02-03>>>\n<<<P2>>>\n# Harbour Charging Alliance" in user
    # A table's column headers ride on its passage's marker, once: its header and delimiter rows are not sent.
    kpis = '<<<DOCUMENT kpis.md>>>\n<<<P1 columns="Metric | Owner | Target">>>\n| Charger availability | NHM | 97% |'
    assert kpis in user
    assert "| Metric |" not in user and "---" not in user and "END DOCUMENT" not in user
    fmt = request.response_format
    assert fmt is not None and fmt["type"] == "json_schema"
    schema = json.dumps(fmt["json_schema"]["schema"])
    assert '"title"' not in schema.replace('"title": {', "")  # no per-field titles, only the scope's title field
    assert set(fmt["json_schema"]["schema"]["properties"]) == {
        "actors", "scope", "activities", "value_exchanges", "governance", "metrics", "review",
    }  # fmt: skip

    # Progress is structured: every step's stage and status, the call's sections and counts.
    stages = [(e.stage, e.status) for e in events if e.status != "running"]
    assert stages == [("ingest", "ok"), ("plan", "ok"), ("extract", "ok"), ("ground", "ok"), ("resolve", "ok"),
                      ("check", "ok")]  # fmt: skip
    extract = next(e for e in events if e.stage == "extract" and e.status == "ok")
    assert len(extract.sections) == 7 and extract.counts["passages"] == 2 and extract.seconds is not None
    assert all(b.elapsed >= a.elapsed for a, b in itertools.pairwise(events))


def test_entries_their_passage_does_not_support_are_reasked(scripted_llm: ScriptedLLM, tmp_path: Path) -> None:
    scripted_llm.reply_json(UNSUPPORTED)
    scripted_llm.reply_json(ANSWER)
    result = generate(write_docs(tmp_path), scripted_llm.settings(tmp_path / "data"))

    assert_the_good_canvas(result)
    assert (result.canvas.generator.calls, result.canvas.generator.retries) == (2, 1)
    reask = scripted_llm.requests[1].last_user_message
    assert "4 entries are not supported" in reask
    assert "actors[3] (Zeta Charging): the quote is not in P2" in reask
    assert "owner A2 (Vellmar Energi) is not named in its quote" in reask
    assert "value: 5 is not in its quote" in reask
    assert "target '>= 99.9%': 99.9 is not in its quote" in reask


def test_what_stays_unsupported_when_reasks_run_out_is_dropped_and_counted(
    scripted_llm: ScriptedLLM, tmp_path: Path
) -> None:
    scripted_llm.reply_json(UNSUPPORTED)
    result = generate(write_docs(tmp_path), scripted_llm.settings(tmp_path / "data", max_retries=0))
    canvas = result.canvas

    assert "Zeta Charging" not in {a.name for a in canvas.actors}
    assert [x.value for x in canvas.value_exchanges] == ["grid connections"]
    assert canvas.metrics[0].target is None  # the invented target, not the metric
    assert canvas.activities[0].owner is None  # the owner its quote did not name
    sections = canvas.generator.sections
    assert canvas.generator.status == "complete"
    assert (sections["actors"].dropped_unsupported, sections["value_exchanges"].dropped_unsupported) == (1, 1)
    assert (sections["metrics"].dropped_unsupported, sections["activities"].dropped_unsupported) == (1, 1)
    assert any("Zeta Charging" in note for note in sections["actors"].notes)


def test_an_empty_answer_fails_the_canvas_and_blames_no_document(scripted_llm: ScriptedLLM, tmp_path: Path) -> None:
    scripted_llm.reply_json({})
    result = generate(write_docs(tmp_path), scripted_llm.settings(tmp_path / "data"))
    gen = result.canvas.generator

    assert gen.status == "failed"
    assert {s.status for s in gen.sections.values()} == {"failed"}
    assert "no entries from 2 passages" in (gen.sections["governance"].error or "")
    assert result.findings == []  # no "no escalation path": the documents were never read


def test_split_calls_give_the_same_canvas_and_keep_failures_apart(scripted_llm: ScriptedLLM, tmp_path: Path) -> None:
    for payload in (ACTORS, RESPONSIBILITIES, GOVERNANCE):
        scripted_llm.reply_json(payload, prompt_tokens=500, completion_tokens=50)
    docs = write_docs(tmp_path)
    result = generate(docs, scripted_llm.settings(tmp_path / "data", concurrency=1, single_call_tokens=0))

    assert_the_good_canvas(result)
    gen = result.canvas.generator
    assert (gen.planned_calls, gen.calls, gen.prompt_tokens) == (3, 3, 1500)
    # Each call asked for its own sections only, and for the actors it refers to.
    asked = [set(r.response_format["json_schema"]["schema"]["properties"]) for r in scripted_llm.requests]  # type: ignore[index]
    assert asked == [
        {"actors", "scope", "review"},
        {"actors", "activities", "value_exchanges"},
        {"actors", "governance", "metrics"},
    ]
    assert gen.sections["scope"].prompt_tokens == 500 and gen.sections["actors"].prompt_tokens == 0


def test_malformed_json_is_reasked_and_429_is_retried(scripted_llm: ScriptedLLM, tmp_path: Path) -> None:
    scripted_llm.reply_text("{not json at all")
    scripted_llm.reply_error(429, "Rate limit reached", error_type="rate_limit_error", headers={"Retry-After": "0"})
    scripted_llm.reply_json(ANSWER)
    result = generate(write_docs(tmp_path), scripted_llm.settings(tmp_path / "data"))
    gen = result.canvas.generator
    assert gen.status == "complete" and gen.calls == 3 and gen.retries == 2
    assert len(result.canvas.activities) == 1
    # The re-ask carried the validation error back to the model.
    assert "{not json at all" in str(scripted_llm.requests[1].messages)


def test_a_timed_out_call_fails_its_sections_only(scripted_llm: ScriptedLLM, tmp_path: Path) -> None:
    scripted_llm.reply_json(ACTORS)
    scripted_llm.reply_json(RESPONSIBILITIES)
    scripted_llm.enqueue(Reply(content="{}", delay_s=3.0))
    settings = scripted_llm.settings(tmp_path / "data", concurrency=1, llm_timeout=1.0, single_call_tokens=0)
    result = generate(write_docs(tmp_path), settings)
    gen = result.canvas.generator
    assert gen.status == "partial"
    assert gen.sections["governance"].status == "failed" and gen.sections["metrics"].status == "failed"
    assert gen.sections["governance"].error
    assert gen.sections["activities"].status == "ok"
    assert result.canvas.activities and result.canvas.value_exchanges and not result.canvas.metrics
    # The timed-out request reached the model: its prompt is booked.
    assert gen.sections["governance"].prompt_tokens > 0
    rules = {f.rule for f in result.findings}
    assert not rules & GOVERNANCE_RULES and "no-metrics" not in rules  # the failed call is no document gap
    assert "no-objectives" in rules  # the drafted sections are still checked


def test_a_rerun_is_served_from_the_cache_but_another_server_is_asked(
    scripted_llm: ScriptedLLM, tmp_path: Path
) -> None:
    scripted_llm.reply_json(ANSWER)
    docs = write_docs(tmp_path)
    settings = scripted_llm.settings(tmp_path / "data")
    first = generate(docs, settings)
    again = generate(docs, settings)
    assert len(scripted_llm.requests) == 1
    assert again.canvas.generator.calls == 0 and again.canvas.generator.cached_calls == 1
    assert {s.status for s in again.canvas.generator.sections.values()} == {"cached"}
    # Same inputs, same ids: a reviewer's decisions survive a regeneration.
    assert [a.id for a in again.canvas.actors] == [a.id for a in first.canvas.actors]

    # The same model name behind another address is another model: no cache hit.
    with ScriptedLLM() as other:
        other.reply_json(ANSWER)
        elsewhere = generate(docs, settings.model_copy(update={"api_base": other.api_base}))
        assert len(other.requests) == 1
    assert elsewhere.canvas.generator.calls == 1


def test_token_budget_stops_before_sending_and_returns_the_partial_canvas(
    scripted_llm: ScriptedLLM, tmp_path: Path
) -> None:
    result = generate(write_docs(tmp_path), scripted_llm.settings(tmp_path / "data", max_tokens=50))
    gen = result.canvas.generator
    assert gen.status == "budget_exceeded"
    assert {s.status for s in gen.sections.values()} == {"skipped"}
    assert scripted_llm.requests == []
    assert result.canvas.actors == []
    assert result.findings == []


def test_a_server_reporting_no_usage_is_billed_its_estimate(scripted_llm: ScriptedLLM, tmp_path: Path) -> None:
    for payload in (ACTORS, RESPONSIBILITIES, GOVERNANCE):
        scripted_llm.reply_json(payload, prompt_tokens=0, completion_tokens=0)  # litellm fills in zeros
    settings = scripted_llm.settings(tmp_path / "data", concurrency=1, single_call_tokens=0, cache=False)
    docs = write_docs(tmp_path)
    result = generate(docs, settings)
    gen = result.canvas.generator
    assert gen.calls == 3
    assert gen.prompt_tokens >= gen.planned_prompt_tokens * 0.5 and gen.completion_tokens > 0

    # A budget that holds the first call (its prompt and a realistic answer: half the prompt) but not
    # two: the estimate booked for the first leaves too little, so the others are refused unsent.
    scripted_llm.reset()
    scripted_llm.reply_json(ACTORS, prompt_tokens=0, completion_tokens=0)
    first = gen.sections["scope"].prompt_tokens
    capped = settings.model_copy(update={"max_tokens": int(first * 1.5) + 100})
    refused = generate(docs, capped).canvas.generator
    assert len(scripted_llm.requests) == 1
    assert refused.status == "budget_exceeded"
    assert refused.prompt_tokens + refused.completion_tokens <= capped.max_tokens  # type: ignore[operator]


def test_a_title_taken_from_an_injected_sentence_is_dropped(scripted_llm: ScriptedLLM, tmp_path: Path) -> None:
    answer: dict[str, Any] = copy.deepcopy(ANSWER)
    answer["scope"]["title"] = "Acme Corp lead partner programme"
    scripted_llm.reply_json(answer)
    result = generate(write_docs(tmp_path), scripted_llm.settings(tmp_path / "data"))
    assert "Acme" not in result.canvas.title


def test_unknown_kinds_are_mapped_or_dropped_per_entry_and_long_lists_cut(
    scripted_llm: ScriptedLLM, tmp_path: Path
) -> None:
    answer: dict[str, Any] = copy.deepcopy(ANSWER)
    answer["actors"][1]["kind"] = "Supplier company"  # read as supplier
    answer["governance"][0]["kind"] = "vibe"  # no such kind: this mechanism goes, nothing else
    answer["metrics"] = [dict(METRICS[0], name=f"Charger availability {i}") for i in range(25)]
    scripted_llm.reply_json(answer)
    result = generate(write_docs(tmp_path), scripted_llm.settings(tmp_path / "data"))
    canvas = result.canvas
    assert next(a.kind for a in canvas.actors if a.name == "Vellmar Energi") == "supplier"
    assert canvas.governance == [] and canvas.activities and canvas.value_exchanges
    assert len(canvas.metrics) == 20
    assert any("25 metrics answered, the first 20 kept" in n for n in canvas.generator.sections["metrics"].notes)
    assert any("unknown kind 'vibe'" in n for n in canvas.generator.sections["governance"].notes)


def test_every_request_is_in_the_call_log_without_document_text(scripted_llm: ScriptedLLM, tmp_path: Path) -> None:
    scripted_llm.reply_json(UNSUPPORTED)
    scripted_llm.reply_json(ANSWER)
    data, docs = tmp_path / "data", write_docs(tmp_path)
    result = generate(docs, scripted_llm.settings(data))
    rows = CallLog(data / FILE_NAME).recent(run=result.canvas.generator.run)
    assert [r.outcome for r in reversed(rows)] == ["re-asked", "valid"]
    last = rows[0]
    expected = ("canvas", 2, "openai/scripted", scripted_llm.api_base)
    assert (last.call, last.attempt, last.model, last.api_base) == expected
    assert len(last.chunk_ids) == 2 and last.prompt_version == result.canvas.generator.prompt_version
    assert json.loads(last.response or "{}")["actors"][0]["name"] == "Nordhavn Motors"
    assert last.messages is None  # the documents' text only when asked for
    assert "test" not in json.dumps([r.model_dump() for r in rows]).replace("scripted", "")  # never the key

    generate(docs, scripted_llm.settings(data, call_log_messages=True))  # a cache hit
    (hit,) = CallLog(data / FILE_NAME).recent(limit=1)
    assert hit.outcome == "cached" and hit.messages and "Nordhavn" in hit.messages[1]["content"]


def test_a_cancelled_generation_stops_without_waiting_for_the_call(scripted_llm: ScriptedLLM, tmp_path: Path) -> None:
    scripted_llm.enqueue(Reply(content=json.dumps(ANSWER), delay_s=30))
    cancel = threading.Event()

    def on_progress(event: ProgressEvent) -> None:
        if event.stage == "extract" and event.status == "running":
            cancel.set()

    started = time.monotonic()
    with pytest.raises(GenerationCancelled):
        generate(write_docs(tmp_path), scripted_llm.settings(tmp_path / "data"), on_progress, cancel)
    assert time.monotonic() - started < 30  # it did not sit out the model's 30 s
    assert len(scripted_llm.requests) == 1


@pytest.mark.slow
def test_a_real_small_model_yields_a_valid_canvas_with_valid_citations(llama_server: str, tmp_path: Path) -> None:
    from support.llama_server import LLAMA_MODEL

    from ecocanvas.settings import Settings

    docs = write_docs(tmp_path)
    # Small everything: short answers, no re-asks. On two shared cores a 135M model writes a few
    # tokens a second; an answer cut short or unsupported fails its call, which is fine: the test
    # is that whatever comes back, the canvas is valid and every citation exact.
    settings = Settings(
        data_dir=tmp_path / "data",
        model=LLAMA_MODEL,
        api_base=llama_server,
        api_key="none",
        evidence_k=1,
        max_retries=0,
        llm_timeout=300,
        concurrency=1,
        max_completion_tokens=320,
    )
    result = generate(docs, settings)
    CanvasResult.model_validate_json(result.model_dump_json())  # schema-valid, whatever the model said
    assert result.canvas.generator.calls >= 1
    ids = {a.id for a in result.canvas.actors}
    for activity in result.canvas.activities:
        assert activity.owner is None or activity.owner in ids
    if result.canvas.entries():
        assert_citations_exact(result, docs)
    assert "Acme Corp" not in {a.name for a in result.canvas.actors}
