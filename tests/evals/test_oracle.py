"""The oracle replay: a server answering each LLM call with the gold found in its passages, over real HTTP."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from test_eval_cli import _dataset, _env, app
from typer.testing import CliRunner

from ecocanvas.evals.dataset import default_dataset_dir, load_dataset
from ecocanvas.evals.oracle import OracleLLM
from ecocanvas.evals.run import run_eval
from ecocanvas.generator import generate
from ecocanvas.generator.calllog import FILE_NAME, CallLog
from ecocanvas.generator.sections import CALLS
from ecocanvas.knowledge import KnowledgeBase
from ecocanvas.settings import Settings

SMALL = "airline-alliance"  # the smallest tuning ecosystem


def _flat(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def _quotes(node: object) -> list[str]:
    if isinstance(node, dict):
        own = [node["quote"]] if isinstance(node.get("quote"), str) else []
        return own + [q for v in node.values() for q in _quotes(v)]
    if isinstance(node, list):
        return [q for v in node for q in _quotes(v)]
    return []


def test_each_split_call_is_answered_in_its_own_schema_from_its_own_passages(tmp_path: Path) -> None:
    (eco,) = load_dataset(default_dataset_dir(), [SMALL])
    with OracleLLM(eco.gold) as server:
        settings = server.settings(Settings(data_dir=tmp_path / "data", single_call_tokens=0, max_retries=0))
        result = generate(eco.documents, settings)
        asked = server.requests
    run = result.canvas.generator.run
    rows = CallLog(tmp_path / "data" / FILE_NAME).recent(run=run)
    assert asked == len(rows) == 3
    kb = KnowledgeBase(settings)
    chunks = {c.id: c.text for d in result.canvas.generator.documents for c in kb.chunks(d.document_id)}
    sections = {spec.name: set(spec.sections) for spec in CALLS}
    for row in rows:
        answer = json.loads(row.response or "{}")
        assert set(answer) == {"actors", *sections[row.call]}, row.call
        sent = [_flat(chunks[cid]) for cid in row.chunk_ids]
        quotes = _quotes(answer)
        assert quotes, row.call
        for quote in quotes:  # every quote is the text of a passage this call was sent
            assert any(_flat(quote) in text for text in sent), (row.call, quote)
    assert result.canvas.value_exchanges and result.canvas.activities and result.canvas.metrics


@pytest.mark.parametrize("name", [SMALL])
def test_with_a_right_model_the_pipeline_finds_more_exchanges_than_offline(name: str, tmp_path: Path) -> None:
    ecosystems = load_dataset(default_dataset_dir(), [name])
    settings = Settings(data_dir=tmp_path / "data")
    offline = run_eval(ecosystems, settings, default_dataset_dir())
    oracle = run_eval(ecosystems, settings, default_dataset_dir(), oracle=True)
    assert oracle.model == "openai/oracle" and oracle.mean["calls"] >= 1
    assert oracle.mean["exchange_recall"] > offline.mean["exchange_recall"]
    assert oracle.mean["actor_f1"] >= offline.mean["actor_f1"]
    # Right answers stay right through the pipeline: cited, verbatim, nothing planted.
    assert oracle.mean["citation_validity"] == 1.0
    assert oracle.mean["forbidden_actors"] == 0 and oracle.mean["quotes_not_verbatim"] == 0


def test_eval_oracle_reports_the_replay_beside_the_run(tmp_path: Path) -> None:
    dataset = _dataset(tmp_path)
    out = tmp_path / "run"
    result = CliRunner().invoke(
        app, ["eval", "--dataset", str(dataset), "--out", str(out), "--oracle"], env=_env(tmp_path)
    )
    assert result.exit_code == 0, result.output
    assert "beside the oracle replay" in result.output
    replay = json.loads((out / "oracle" / "results.json").read_text())
    run = json.loads((out / "results.json").read_text())
    assert replay["model"] == "openai/oracle" and run["model"] is None
    assert replay["ecosystems"][0]["scores"]["calls"] >= 1
    html = (out / "report.html").read_text()
    assert "Beside: oracle" in html and "exchange_recall" in html


def test_a_tables_headers_are_shown_once_and_read_with_every_passage_of_it() -> None:
    from ecocanvas.evals.oracle import passages_of
    from ecocanvas.generator.evidence import Passage, fence
    from ecocanvas.knowledge.layout import RowContext, TableContext
    from ecocanvas.knowledge.models import Chunk

    text = "| Metric | Owner |\n|---|---|\n| Availability | NHM |\n| Uptime | Vellmar |\nAfter the table.\n"
    header, first, second = (text.index(s) for s in ("| Metric", "| Availability", "| Uptime"))
    after = text.index("After")

    def row(start: int, header_row: bool = False) -> RowContext:
        return RowContext(start=start, end=text.index("\n", start), header=header_row)

    def chunk(n: int, start: int, end: int, rows: list[RowContext], doc: str = "kpis.md") -> Chunk:
        tables = [TableContext(columns=["Metric", "Owner"], rows=rows)] if rows else []
        source = text if doc == "kpis.md" else "Another document."
        return Chunk(id=f"c{n}", document_id=doc, document=doc, start=start, end=end, text=source[start:end],
                     tables=tables)  # fmt: skip

    chunks = [
        chunk(1, header, second, [row(header, True), row(first)]),
        chunk(2, second, after, [row(second)]),
        chunk(3, after, len(text), []),
        chunk(4, 0, 17, [], doc="other.md"),
    ]
    shown = fence([Passage(f"P{i}", c) for i, c in enumerate(chunks, start=1)], {})

    # The headers ride on the first passage of the table only; its header and delimiter rows are not sent.
    assert shown.count("columns=") == 1 and '<<<P1 columns="Metric | Owner">>>\n| Availability | NHM |' in shown
    assert "<<<P2>>>\n| Uptime | Vellmar |" in shown and "| Metric |" not in shown and "---" not in shown
    # The oracle reads the continuation with the same headers; the prose after it and another document without.
    columns = {p.id: p.columns for p in passages_of([{"role": "user", "content": shown}])}
    assert columns == {"P1": "Metric | Owner", "P2": "Metric | Owner", "P3": "", "P4": ""}
