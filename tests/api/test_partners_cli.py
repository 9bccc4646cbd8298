"""`ecocanvas partners`: the same import, review and history as the API, on the API's database."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from ecocanvas.api.db import make_engine, migrate
from ecocanvas.api.store import Store
from ecocanvas.canvas.model import Actor, Canvas, CanvasResult, Exchange, Review
from ecocanvas.cli.app import app
from ecocanvas.errors import InputError
from ecocanvas.settings import get_settings

CSV = (
    "Account Name;Level;Joint pipeline;ARR;Renewal date;Notes\n"
    '"Brenmark Bank";Gold;€1,200,000;€300k;2030-06-30;"key; partner"\n'
    "Harbour Mobility;Silver;;;;\n"
)


@pytest.fixture
def workspace(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    monkeypatch.setenv("ECOCANVAS_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("ECOCANVAS_EMBEDDER", "hash")
    monkeypatch.delenv("ECOCANVAS_DATABASE_URL", raising=False)
    get_settings.cache_clear()  # the settings are read once per process; this test's data dir is new
    engine = make_engine(get_settings())
    migrate(engine)
    store = Store(engine)
    store.create_workspace("acme")
    workspace_id = store.workspace_id("acme")
    canvas = Canvas(
        title="Acme",
        actors=[
            Actor(id="bank", name="Brenmark Bank", kind="partner", role="acquirer"),
            Actor(id="nhm", name="Nordhavn Harbour Mobility", kind="partner", role="fleet"),
        ],
        value_exchanges=[Exchange(id="x1", provider="bank", receiver="nhm", value="data", kind="data")],
        review=Review(cadence="quarterly"),
    )
    canvas_id = store.create_canvas(workspace_id, "Acme")
    store.add_version(workspace_id, canvas_id, CanvasResult(canvas=canvas), {"action": "import"}, based_on=0)
    engine.dispose()
    yield canvas_id
    get_settings.cache_clear()


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_import_with_a_mapping_then_map_the_row_left_for_review(workspace: str, tmp_path: Path) -> None:
    path = tmp_path / "prm.csv"
    path.write_bytes(CSV.encode("cp1252"))  # what a spreadsheet on Windows writes (the € is byte 0x80)
    code, out, err = run("partners", "import", str(path), "-w", "acme", "--map", "Level=tier", "--map", "Notes=-")
    assert code == 1, (out, err)  # a row is left for review
    assert "imported 2 rows as partner import 1" in out
    assert "column 'Level' -> tier" in out and "column 'Notes' -> -" in out
    assert "matched  row 1\tBrenmark Bank -> bank (by name)\ttier Gold · pipeline €1.2M · revenue €300k" in out
    assert "review   row 2\tHarbour Mobility: no actor of the canvas has this name or alias; candidates: nhm" in out
    code, out, _ = run("partners", "map", "2", "nhm", "-w", "acme")
    assert code == 0 and "matched  row 2\tHarbour Mobility -> nhm (by decision)" in out
    code, out, _ = run("partners", "show", "-w", "acme", "--format", "json")
    shown = json.loads(out)
    assert shown["canvas_id"] == workspace and shown["match"]["unmatched"] == []
    code, out, _ = run("partners", "skip", "2", "-w", "acme")
    assert "skipped  row 2\tHarbour Mobility" in out


def test_a_bad_file_is_refused_whole_with_each_row_named(workspace: str, tmp_path: Path) -> None:
    path = tmp_path / "bad.csv"
    path.write_text("Partner,Pipeline\nBrenmark Bank,soon\nNordhavn,-5\n", encoding="utf-8")
    code, _, err = run("partners", "import", str(path), "-w", "acme")
    assert code == 2
    assert err.splitlines() == [
        "error: row 1, column 'Pipeline': 'soon' is not an amount (write e.g. 250000, 250k, €1.2m or 1.200.000 EUR)",
        "error: row 2, column 'Pipeline': '-5' is negative",
        "nothing was imported: 2 problem(s) in bad.csv",
    ]
    code, out, _ = run("partners", "history", "-w", "acme")
    assert code == 0 and out == ""


def test_a_bad_mapping_argument_is_explained(workspace: str, tmp_path: Path) -> None:
    path = tmp_path / "prm.csv"
    path.write_text(CSV, encoding="utf-8")
    result = CliRunner().invoke(app, ["partners", "import", str(path), "-w", "acme", "--map", "Level"])
    assert isinstance(result.exception, InputError) and "write COLUMN=FIELD" in str(result.exception)
