"""`ecocanvas eval --from-workspace`: a workspace's reviewed canvases become cases, with their draft
acceptance; `--run` evaluates the offline backend on them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import typer
from support.api_harness import in_process_api
from support.reviewed import ADDED_ACTIVITY, REJECTED_ACTOR, upload_and_review
from typer.testing import CliRunner

from ecocanvas.cli import eval_cmd
from ecocanvas.errors import NotFoundError
from ecocanvas.evals.dataset import load_dataset

app = typer.Typer()
eval_cmd.register(app)


@app.callback()
def _group() -> None:
    """Keeps `eval` a subcommand, as in the real app."""


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Workspace `a` with one reviewed canvas and one nobody reviewed; workspace `b` with nothing."""
    data = tmp_path_factory.mktemp("ws") / "data"
    with in_process_api(data) as api:
        upload_and_review(api.client, api.auth(), api.generate)
        api.generate()
    return data


def _env(data: Path) -> dict[str, str | None]:
    return {
        "ECOCANVAS_DATA_DIR": str(data),
        "ECOCANVAS_CONFIG": str(data / "absent.toml"),
        "ECOCANVAS_EMBEDDER": "hash",
        "ECOCANVAS_MODEL": None,
        "ECOCANVAS_DATABASE_URL": None,
    }


def test_from_workspace_writes_the_reviewed_cases_and_the_acceptance_report(data_dir: Path, tmp_path: Path) -> None:
    out = tmp_path / "export"
    result = CliRunner().invoke(app, ["eval", "--from-workspace", "a", "--out", str(out)], env=_env(data_dir))
    assert result.exit_code == 0, result.output
    assert "nobody has reviewed an entry yet" in result.output  # the second canvas
    assert "draft acceptance over 2 canvases" in result.output and "offline offline offline@1" in result.output
    [case] = load_dataset(out / "cases")
    assert [f.name for f in case.gold.must_not_appear][:1] == [REJECTED_ACTOR]
    acceptance = json.loads((out / "acceptance.json").read_text())
    assert len(acceptance["canvases"]) == 2 and acceptance["sections"]["activities"]["added"] == 1
    assert not (out / "results.json").exists()  # no --run: nothing was evaluated


def test_from_workspace_run_evaluates_the_backend_on_the_cases(data_dir: Path, tmp_path: Path) -> None:
    out = tmp_path / "run"
    result = CliRunner().invoke(app, ["eval", "-w", "a", "--out", str(out), "--run"], env=_env(data_dir))
    assert result.exit_code == 0, result.output
    [eco] = json.loads((out / "results.json").read_text())["ecosystems"]
    assert eco["scores"]["forbidden_actors"] == 1 and eco["scores"]["owner_accuracy"] == pytest.approx(1 / 3)
    assert eco["scores"]["forbidden_entries"] == 1
    assert "draft acceptance over 2 canvases" in result.output  # printed before the scores
    assert eco["activities"]["misses"] == [ADDED_ACTIVITY]
    assert (out / "report.html").is_file()


def test_from_workspace_refusals(data_dir: Path, tmp_path: Path) -> None:
    runner = CliRunner()
    env = _env(data_dir)
    unknown = runner.invoke(app, ["eval", "-w", "nowhere", "--out", str(tmp_path / "x")], env=env)
    assert isinstance(unknown.exception, NotFoundError) and "nowhere" in str(unknown.exception)
    empty = runner.invoke(app, ["eval", "-w", "b", "--out", str(tmp_path / "y")], env=env)
    assert empty.exception is not None and "has no canvases" in str(empty.exception)
    alone = runner.invoke(app, ["eval", "--run"], env=env)
    assert alone.exit_code == 2 and "--from-workspace" in alone.output
    both = runner.invoke(app, ["eval", "-w", "a", "--dataset", str(tmp_path)], env=env)
    assert both.exit_code == 2 and "not both" in " ".join(both.output.replace("│", " ").split())


def test_a_canvas_whose_documents_are_gone_makes_no_case(tmp_path: Path) -> None:
    data = tmp_path / "data"
    with in_process_api(data) as api:
        upload_and_review(api.client, api.auth(), api.generate)
        for doc in api.client.get("/v1/documents", headers=api.auth()).json():
            assert api.client.delete(f"/v1/documents/{doc['id']}", headers=api.auth()).status_code == 204
    result = CliRunner().invoke(app, ["eval", "-w", "a", "--out", str(tmp_path / "out")], env=_env(data))
    assert "none of its documents is in the workspace any more" in result.output
    assert "has both a reviewed entry and its documents" in str(result.exception)
    assert not (tmp_path / "out" / "cases").exists()
