"""`ecocanvas logs` over a real call log: the rows a generation against the scripted server wrote."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from support.llm_answers import ANSWER, UNSUPPORTED, write_docs
from support.scripted_llm import ScriptedLLM
from typer.testing import CliRunner

from ecocanvas.cli.app import app
from ecocanvas.generator import generate
from ecocanvas.generator.calllog import FILE_NAME, CallLog, CallRecord

runner = CliRunner()
KEY = "sk-test-do-not-print-0123456789"


@pytest.fixture
def data(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("ECOCANVAS_CONFIG", str(tmp_path / "no-config.toml"))
    monkeypatch.setenv("ECOCANVAS_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("ECOCANVAS_API_KEY", KEY)
    return tmp_path / "data"


def logs(*args: str) -> str:
    result = runner.invoke(app, ["logs", *args])
    assert result.exit_code == 0, result.output
    assert KEY not in result.output
    return result.output


def test_list_and_show_the_requests_of_a_run(scripted_llm: ScriptedLLM, data: Path, tmp_path: Path) -> None:
    scripted_llm.reply_json(UNSUPPORTED)  # re-asked: two requests
    scripted_llm.reply_json(ANSWER)
    run = generate(write_docs(tmp_path), scripted_llm.settings(data, api_key=KEY)).canvas.generator.run

    rows = json.loads(logs("--json"))
    assert [(r["run"], r["attempt"], r["outcome"]) for r in rows] == [(run, 2, "valid"), (run, 1, "re-asked")]
    assert [r["id"] for r in json.loads(logs("--json", "--limit", "1"))] == [rows[0]["id"]]
    assert json.loads(logs("--json", "--run", "another-run")) == []

    listed = logs()
    assert run in listed and "re-asked" in listed and "openai/scripted" in listed

    shown = logs("show", str(rows[0]["id"]))
    assert f"# {rows[0]['id']}: canvas attempt 2, valid" in shown
    assert scripted_llm.api_base in shown
    assert "Nordhavn Motors" in shown  # the answer is kept, as the cache keeps it
    assert "Not kept" in shown and "Vellmar Energi provides grid connections" not in shown.split("## Response")[0]
    assert json.loads(logs("show", str(rows[0]["id"]), "--json"))["messages"] is None


def test_messages_are_shown_only_when_the_log_kept_them(scripted_llm: ScriptedLLM, data: Path, tmp_path: Path) -> None:
    scripted_llm.reply_json(ANSWER)
    generate(write_docs(tmp_path), scripted_llm.settings(data, api_key=KEY, call_log_messages=True))
    (row,) = json.loads(logs("--json"))
    shown = logs("show", str(row["id"]))
    messages = shown.split("## Messages")[1].split("## Response")[0]
    assert "### system" in messages and "### user" in messages
    assert "The Alliance Board meets monthly" in messages  # the document text, as sent
    assert "Not kept" not in shown


def test_an_empty_or_missing_log_says_so(data: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert "No LLM request recorded" in logs()
    assert json.loads(logs("--json")) == []
    monkeypatch.setenv("ECOCANVAS_CALL_LOG", "false")
    assert "The call log is off" in logs()
    missing = runner.invoke(app, ["logs", "show", "7"])
    assert missing.exit_code != 0 and "no request 7" in str(missing.exception)


def test_a_password_in_the_server_address_is_masked(data: Path) -> None:
    # Written straight into the real log: litellm would send the address's password, not record it.
    row = CallLog(data / FILE_NAME).add(
        CallRecord(
            model="openai/m", api_base="http://me:hunter2@llm.internal/v1", messages_sha256="0" * 64, outcome="valid"
        )
    )
    for output in (logs(), logs("--json"), logs("show", str(row)), logs("show", str(row), "--json")):
        assert "hunter2" not in output
    assert "http://me:***@llm.internal/v1" in logs("show", str(row))
