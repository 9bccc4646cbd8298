"""`ecocanvas eval` end to end on a one-ecosystem dataset, and its refusals of bad input."""

from __future__ import annotations

import json
from pathlib import Path

import typer
from eval_builders import GOLD
from typer.testing import CliRunner

from ecocanvas.cli import eval_cmd
from ecocanvas.errors import InputError

# The eval command on an app of its own: other command modules may not import yet.
app = typer.Typer()
eval_cmd.register(app)


@app.callback()
def _group() -> None:
    """Keeps `eval` a subcommand, as in the real app."""


DOCS = {
    "memo.md": (
        "# Harbour charging memo\n\n"
        "Nordhavn Motors (NHM) and ChargeCo Ltd run the harbour charging programme.\n\n"
        "ChargeCo is responsible for installing the charging stations. "
        "The City of Aarby approves site permits.\n\n"
        "ChargeCo provides charging hardware and maintenance to NHM. In return, NHM pays ChargeCo a monthly "
        "service fee.\n"
    ),
    "minutes.txt": (
        "Steering board minutes, held on 3 March 2025.\n\n"
        "The steering board approves budget changes. Disputes escalate to the joint committee.\n"
        "Voltra Energy was not selected as a supplier.\n"
        "KPI: Charger uptime, owner ChargeCo, target 99%.\n"
    ),
}


def _dataset(root: Path) -> Path:
    folder = root / "dataset" / "harbour"
    (folder / "docs").mkdir(parents=True)
    for name, text in DOCS.items():
        (folder / "docs" / name).write_text(text, encoding="utf-8")
    (folder / "gold.json").write_text(GOLD.model_dump_json(), encoding="utf-8")
    return root / "dataset"


def _env(tmp_path: Path) -> dict[str, str | None]:
    return {
        "ECOCANVAS_DATA_DIR": str(tmp_path / "data"),
        "ECOCANVAS_CONFIG": str(tmp_path / "absent.toml"),
        "ECOCANVAS_EMBEDDER": "hash",
        "ECOCANVAS_MODEL": None,  # unset: the offline backend
    }


def test_bad_arguments_fail_before_anything_is_generated(tmp_path: Path) -> None:
    dataset = _dataset(tmp_path)
    runner = CliRunner()
    missing = runner.invoke(
        app, ["eval", "--dataset", str(dataset), "--compare", str(tmp_path / "nope")], env=_env(tmp_path)
    )
    assert isinstance(missing.exception, InputError) and "no evaluation results" in str(missing.exception)
    unknown = runner.invoke(app, ["eval", "--dataset", str(dataset), "-e", "atlantis"], env=_env(tmp_path))
    assert isinstance(unknown.exception, InputError) and "atlantis" in str(unknown.exception)
    assert not (tmp_path / "data").exists()


def test_eval_runs_scores_reports_and_compares(tmp_path: Path) -> None:
    dataset = _dataset(tmp_path)
    runner = CliRunner()
    first = runner.invoke(app, ["eval", "--dataset", str(dataset), "--out", str(tmp_path / "run1")], env=_env(tmp_path))
    assert first.exit_code == 0, first.output
    assert "harbour" in first.output and "rates averaged" in first.output
    results = json.loads((tmp_path / "run1" / "results.json").read_text())
    [eco] = results["ecosystems"]
    assert eco["error"] is None and eco["backend"] == "offline"
    assert eco["scores"]["citation_validity"] == 1.0
    assert eco["scores"]["forbidden_actors"] == 0  # "Voltra Energy was not selected"
    assert eco["scores"]["actor_recall"] > 0
    html = (tmp_path / "run1" / "report.html").read_text()
    assert "harbour" in html and "Platform Team" in html  # never mentioned in the docs: a listed miss

    second = runner.invoke(
        app,
        [
            "eval",
            "--dataset",
            str(dataset),
            "--out",
            str(tmp_path / "run2"),
            "--compare",
            str(tmp_path / "run1"),
            "--write-baseline",
            str(tmp_path / "baseline.json"),
        ],
        env=_env(tmp_path),
    )
    assert second.exit_code == 0, second.output
    assert "compared with" in second.output and "actor_f1" in second.output
    assert json.loads((tmp_path / "baseline.json").read_text())["ecosystems"] == ["harbour"]
    # Each run drafted in a scratch workspace of its own, emptied afterwards.
    workspaces = tmp_path / "data" / "workspaces"
    assert not workspaces.exists() or not any(workspaces.iterdir())
