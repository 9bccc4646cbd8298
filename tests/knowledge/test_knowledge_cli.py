"""The ingest / search / documents / delete commands, driven through typer's CliRunner."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from knowledge_docs import make_docx
from typer.testing import CliRunner

from ecocanvas.cli.app import app


@pytest.fixture
def runner(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, minilm: None) -> CliRunner:
    monkeypatch.setenv("ECOCANVAS_DATA_DIR", str(tmp_path / "data"))
    return CliRunner()


def _docs(tmp_path: Path, bad: bool) -> Path:
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "minutes.docx").write_bytes(make_docx())
    (folder / "notes.md").write_text("# Notes\n\nVoltHub maintains the chargers in the harbour district.")
    if bad:
        (folder / "scan.pdf").write_bytes(b"%PDF-1.4 broken")
    return folder


def test_ingest_then_search_as_json(runner: CliRunner, tmp_path: Path) -> None:
    result = runner.invoke(app, ["ingest", str(_docs(tmp_path, bad=False)), "--workspace", "demo"])
    assert result.exit_code == 0, result.output
    assert "2 files: 2 added" in result.output

    result = runner.invoke(app, ["search", "who maintains the chargers", "-w", "demo", "-k", "2", "--format", "json"])
    assert result.exit_code == 0, result.output
    rows = json.loads(result.output)
    assert 1 <= len(rows) <= 2
    assert set(rows[0]) == {"document", "document_id", "chunk_id", "start", "end", "text", "score"}
    assert rows[0]["document"] == "notes.md"
    assert "VoltHub" in rows[0]["text"]

    other = runner.invoke(app, ["search", "VoltHub", "--format", "json"])  # the default workspace is empty
    assert other.exit_code == 0 and json.loads(other.output) == []


def test_ingest_exits_1_and_names_the_failed_file(runner: CliRunner, tmp_path: Path) -> None:
    result = runner.invoke(app, ["ingest", str(_docs(tmp_path, bad=True))])
    assert result.exit_code == 1
    assert "3 files: 2 added" in result.output and "1 failed" in result.output
    assert "scan.pdf" in result.output and "corrupt" in result.output

    again = runner.invoke(app, ["ingest", str(tmp_path / "docs" / "notes.md")])
    assert again.exit_code == 0 and "1 unchanged" in again.output


def test_documents_text_search_and_delete(runner: CliRunner, tmp_path: Path) -> None:
    assert runner.invoke(app, ["ingest", str(_docs(tmp_path, bad=False))]).exit_code == 0
    listing = runner.invoke(app, ["documents"])
    assert listing.exit_code == 0 and "minutes.docx" in listing.output and "2025-06-18" in listing.output

    text = runner.invoke(app, ["search", "Who leads onboarding?"])
    assert text.exit_code == 0 and text.output.startswith("1. minutes.docx")
    # The table row is shown as the document has it (its cells, no header names written into it).
    assert re.search(r"^Onboarding\s+ChargeCo\s+GridPay$", text.output, re.M)
    assert "Activity: Onboarding" not in text.output

    rows = json.loads(runner.invoke(app, ["search", "VoltHub harbour", "--format", "json"]).output)
    doc_id = next(r["document_id"] for r in rows if r["document"] == "notes.md")
    assert runner.invoke(app, ["delete", doc_id]).exit_code == 0
    rows = json.loads(runner.invoke(app, ["search", "VoltHub harbour", "--format", "json"]).output)
    assert all(r["document_id"] != doc_id for r in rows)

    bad = runner.invoke(app, ["search", "x", "--format", "xml"])
    assert bad.exit_code == 2
