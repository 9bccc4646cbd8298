"""`ecocanvas generate` through the real CLI app over the scripted server: one exit code per draft status."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from support.llm_answers import ACTORS, ANSWER, RESPONSIBILITIES, write_docs
from support.scripted_llm import ScriptedLLM
from typer.testing import CliRunner

from ecocanvas.cli.app import app

runner = CliRunner()


@pytest.fixture
def env(scripted_llm: ScriptedLLM, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> ScriptedLLM:
    monkeypatch.setenv("ECOCANVAS_CONFIG", str(tmp_path / "no-config.toml"))
    monkeypatch.setenv("ECOCANVAS_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("ECOCANVAS_API_KEY", scripted_llm.api_key)
    monkeypatch.setenv("ECOCANVAS_LLM_TIMEOUT", "10")
    return scripted_llm


def run(server: ScriptedLLM, tmp_path: Path, *extra: str) -> tuple[int, dict[str, object]]:
    out = tmp_path / "canvas.json"
    args = ["generate", str(write_docs(tmp_path)[0]), "--model", server.model, "--api-base", server.api_base]
    result = runner.invoke(app, [*args, "-o", str(out), *extra])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    # Whatever the status, the draft is written: what was drafted is still worth reviewing.
    return result.exit_code, json.loads(out.read_text(encoding="utf-8"))


def status(written: dict[str, object]) -> str:
    return str(written["canvas"]["generator"]["status"])  # type: ignore[index]


def test_a_complete_draft_exits_zero(env: ScriptedLLM, tmp_path: Path) -> None:
    env.reply_json(ANSWER)
    code, written = run(env, tmp_path)
    assert (code, status(written)) == (0, "complete")


def test_a_partial_draft_exits_three(env: ScriptedLLM, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ECOCANVAS_SINGLE_CALL_TOKENS", "0")
    monkeypatch.setenv("ECOCANVAS_CONCURRENCY", "1")
    env.reply_json(ACTORS)
    env.reply_json(RESPONSIBILITIES)
    env.reply_json({})  # governance answers nothing from passages that hold a board: a failed section
    code, written = run(env, tmp_path)
    assert (code, status(written)) == (3, "partial")
    assert written["canvas"]["activities"]  # type: ignore[index]


def test_a_draft_stopped_by_the_budget_exits_four(env: ScriptedLLM, tmp_path: Path) -> None:
    code, written = run(env, tmp_path, "--max-tokens", "50")
    assert (code, status(written)) == (4, "budget_exceeded")
    assert env.requests == []


def test_a_failed_draft_exits_five(env: ScriptedLLM, tmp_path: Path) -> None:
    env.reply_json({})
    code, written = run(env, tmp_path)
    assert (code, status(written)) == (5, "failed")
