"""The LLM path end to end over real HTTP: litellm + instructor talk to a scripted OpenAI-compatible server.

Calls run one at a time here (concurrency=1) so the scripted replies meet the calls in order:
actors (scope, actors, review), responsibilities (activities, exchanges), governance (mechanisms, metrics).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from support.llm_answers import ACTORS, GOVERNANCE, RESPONSIBILITIES, write_docs
from support.scripted_llm import Reply, ScriptedLLM

from canvas.model import CanvasResult
from generator import generate
from knowledge import parse_bytes
from knowledge.parsing import ParseLimits


def assert_citations_exact(result: CanvasResult, docs: list[Path]) -> None:
    # Offsets are into each document's extracted text: a Markdown file's own characters, tables included.
    texts = {
        p.name: parse_bytes(p.name, p.read_bytes(), ParseLimits(max_file_bytes=10**6)).text for p in docs[0].iterdir()
    }
    cited = [c for e in result.canvas.entries() for c in e.sources]
    assert cited, "expected cited entries"
    for c in cited:
        assert texts[c.document][c.start : c.end] == c.quote


def test_valid_answers_become_a_cited_canvas(scripted_llm: ScriptedLLM, tmp_path: Path) -> None:
    for payload in (ACTORS, RESPONSIBILITIES, GOVERNANCE):
        scripted_llm.reply_json(payload, prompt_tokens=900, completion_tokens=120)
    docs = write_docs(tmp_path)
    result = generate(docs, scripted_llm.settings(tmp_path / "data", concurrency=1))
    canvas = result.canvas

    names = {a.name for a in canvas.actors}
    assert names == {"Nordhavn Motors", "Vellmar Energi"}  # no injected, no invented actor
    nhm = next(a for a in canvas.actors if a.name == "Nordhavn Motors")
    (onboarding,) = canvas.activities
    assert onboarding.owner == nhm.id
    flows = {(x.provider, x.receiver, x.kind) for x in canvas.value_exchanges}
    vellmar = next(a.id for a in canvas.actors if a.name == "Vellmar Energi")
    assert flows == {(vellmar, nhm.id, "service"), (nhm.id, vellmar, "revenue")}
    assert canvas.metrics[0].owner == nhm.id and canvas.metrics[0].target == "97%"
    assert_citations_exact(result, docs)

    gen = canvas.generator
    assert (gen.backend, gen.model, gen.status) == ("litellm", "openai/scripted", "complete")
    assert gen.calls == 3 and gen.prompt_tokens == 2700 and gen.completion_tokens == 360
    assert gen.dropped_ungrounded == 1  # Zeta Charging
    assert {s.status for s in gen.sections.values()} == {"ok"}
    assert {"unmeasured-partner", "no-escalation-path"} & {f.rule for f in result.findings}

    # What was sent: the documents fenced as untrusted data, the schema as a response format.
    first = scripted_llm.requests[0]
    assert "<<<DOCUMENT name=" in first.last_user_message and "untrusted" in first.last_user_message
    assert first.response_format is not None and first.response_format["type"] == "json_schema"


def test_malformed_json_is_reasked_and_429_is_retried(scripted_llm: ScriptedLLM, tmp_path: Path) -> None:
    scripted_llm.reply_text("{not json at all")
    scripted_llm.reply_json(ACTORS)
    scripted_llm.reply_error(429, "Rate limit reached", error_type="rate_limit_error", headers={"Retry-After": "0"})
    scripted_llm.reply_json(RESPONSIBILITIES)
    scripted_llm.reply_json(GOVERNANCE)
    result = generate(write_docs(tmp_path), scripted_llm.settings(tmp_path / "data", concurrency=1))
    gen = result.canvas.generator
    assert gen.status == "complete" and gen.calls == 5 and gen.retries == 2
    assert gen.sections["scope"].retries == 1 and gen.sections["activities"].retries == 1
    assert len(result.canvas.activities) == 1
    # The re-ask carried the validation error back to the model.
    assert "{not json at all" in str(scripted_llm.requests[1].messages)


def test_a_timed_out_call_fails_its_sections_and_keeps_the_rest(scripted_llm: ScriptedLLM, tmp_path: Path) -> None:
    scripted_llm.reply_json(ACTORS)
    scripted_llm.reply_json(RESPONSIBILITIES)
    scripted_llm.enqueue(Reply(content="{}", delay_s=3.0))
    settings = scripted_llm.settings(tmp_path / "data", concurrency=1, llm_timeout=1.0)
    result = generate(write_docs(tmp_path), settings)
    gen = result.canvas.generator
    assert gen.status == "partial"
    assert gen.sections["governance"].status == "failed" and gen.sections["metrics"].status == "failed"
    assert gen.sections["governance"].error
    assert gen.sections["activities"].status == "ok"
    assert result.canvas.activities and result.canvas.value_exchanges and not result.canvas.metrics


def test_a_rerun_is_served_from_the_cache_with_zero_calls(scripted_llm: ScriptedLLM, tmp_path: Path) -> None:
    for payload in (ACTORS, RESPONSIBILITIES, GOVERNANCE):
        scripted_llm.reply_json(payload)
    docs = write_docs(tmp_path)
    settings = scripted_llm.settings(tmp_path / "data", concurrency=1)
    first = generate(docs, settings)
    before = len(scripted_llm.requests)
    again = generate(docs, settings)
    assert len(scripted_llm.requests) == before == 3
    assert again.canvas.generator.calls == 0 and again.canvas.generator.cached_calls == 3
    assert {s.status for s in again.canvas.generator.sections.values()} == {"cached"}
    # Same inputs, same ids: a reviewer's decisions survive a regeneration.
    assert [a.id for a in again.canvas.actors] == [a.id for a in first.canvas.actors]
    assert [a.id for a in again.canvas.activities] == [a.id for a in first.canvas.activities]


def test_token_budget_stops_before_sending_and_returns_the_partial_canvas(
    scripted_llm: ScriptedLLM, tmp_path: Path
) -> None:
    result = generate(write_docs(tmp_path), scripted_llm.settings(tmp_path / "data", concurrency=1, max_tokens=50))
    gen = result.canvas.generator
    assert gen.status == "budget_exceeded"
    assert {s.status for s in gen.sections.values()} == {"skipped"}
    assert scripted_llm.requests == []
    assert result.canvas.actors == []


@pytest.mark.slow
def test_a_real_small_model_yields_a_valid_canvas_with_valid_citations(llama_server: str, tmp_path: Path) -> None:
    from support.llama_server import LLAMA_MODEL

    from ecocanvas.settings import Settings

    docs = write_docs(tmp_path)
    # Small everything: one passage per call, short answers, no re-asks. On two shared cores a
    # 135M model writes a few tokens a second; an answer cut short fails its call, which is fine:
    # the test is that whatever comes back, the canvas is valid and every citation exact.
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
    assert result.canvas.generator.calls >= 3
    ids = {a.id for a in result.canvas.actors}
    for activity in result.canvas.activities:
        assert activity.owner is None or activity.owner in ids
    if result.canvas.entries():
        assert_citations_exact(result, docs)
    assert "Acme Corp" not in {a.name for a in result.canvas.actors}
