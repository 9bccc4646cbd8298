"""`ecocanvas check` and `ecocanvas rules` through typer's CliRunner: exit codes, formats, bad input."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import typer
from rules_canvases import activity, lumio
from typer.testing import CliRunner

from ecocanvas.canvas.model import Canvas, CanvasResult, Finding
from ecocanvas.cli.rules_cmds import register
from ecocanvas.rules import RULES, check

runner = CliRunner()


@pytest.fixture(scope="module")
def app() -> typer.Typer:
    # only this module's commands: the real app also loads other command groups
    app = typer.Typer(pretty_exceptions_enable=False)
    register(app)
    return app


def save(tmp_path: Path, data: object, name: str = "canvas.json") -> Path:
    path = tmp_path / name
    path.write_text(data if isinstance(data, str) else json.dumps(data), encoding="utf-8")
    return path


def gappy() -> Canvas:
    c = lumio()
    activity(c, "kyc").owner = None  # error
    c.metrics[0].target = None  # warning
    return c


def test_clean_canvas_exits_0(app: typer.Typer, tmp_path: Path) -> None:
    result = runner.invoke(app, ["check", str(save(tmp_path, lumio().model_dump(mode="json")))])
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == "No findings."


def test_error_finding_exits_1_with_a_readable_report(app: typer.Typer, tmp_path: Path) -> None:
    result = runner.invoke(app, ["check", str(save(tmp_path, gappy().model_dump(mode="json")))])
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert lines[0] == 'ERROR   unowned-activity (activities): Nobody owns the activity "KYC review".'
    assert lines[-1] == "2 findings: 1 error, 1 warning, 0 info open; 0 dismissed."


def test_warnings_only_exit_0(app: typer.Typer, tmp_path: Path) -> None:
    c = lumio()
    c.metrics[0].target = None
    result = runner.invoke(app, ["check", str(save(tmp_path, c.model_dump(mode="json")))])
    assert result.exit_code == 0 and "metric-without-target" in result.stdout


def test_json_format_is_the_list_of_findings(app: typer.Typer, tmp_path: Path) -> None:
    c = gappy()
    result = runner.invoke(app, ["check", str(save(tmp_path, c.model_dump(mode="json"))), "--format", "json"])
    assert result.exit_code == 1
    findings = [Finding.model_validate(f) for f in json.loads(result.stdout)]
    assert findings == check(c)


def test_dismissals_in_a_generate_file_are_kept(app: typer.Typer, tmp_path: Path) -> None:
    c = gappy()
    before = check(c)
    error = next(f for f in before if f.severity == "error")
    dismissed = error.model_copy(update={"status": "dismissed", "reason": "compliance is outsourced"})
    gone = error.model_copy(update={"id": "unowned-activity-0000000000", "status": "dismissed"})
    data = CanvasResult(canvas=c, findings=[dismissed, gone]).model_dump(mode="json")
    result = runner.invoke(app, ["check", str(save(tmp_path, data)), "--format", "json"])
    assert result.exit_code == 0  # the only error was dismissed
    after = {f["id"]: f for f in json.loads(result.stdout)}
    assert after[error.id]["status"] == "dismissed" and after[error.id]["reason"] == "compliance is outsourced"
    assert gone.id not in after and len(after) == len(before)
    text = runner.invoke(app, ["check", str(save(tmp_path, data))])
    assert "[dismissed: compliance is outsourced]" in text.stdout and "1 dismissed" in text.stdout


def test_sarif_format(app: typer.Typer, tmp_path: Path) -> None:
    c = gappy()
    path = save(tmp_path, c.model_dump(mode="json"))
    result = runner.invoke(app, ["check", str(path), "--format", "sarif"])
    assert result.exit_code == 1
    log = json.loads(result.stdout)
    assert log["version"] == "2.1.0" and len(log["runs"]) == 1
    run = log["runs"][0]
    driver = run["tool"]["driver"]
    assert driver["name"] == "ecocanvas" and [r["id"] for r in driver["rules"]] == [r.id for r in RULES]
    results = run["results"]
    assert [(r["ruleId"], r["level"]) for r in results] == [
        ("unowned-activity", "error"),
        ("metric-without-target", "warning"),
    ]
    first = results[0]
    assert driver["rules"][first["ruleIndex"]]["id"] == "unowned-activity"
    assert first["message"]["text"].startswith('Nobody owns the activity "KYC review".')
    assert first["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == path.as_posix()
    assert first["locations"][0]["logicalLocations"][0]["fullyQualifiedName"] == "activities/kyc"
    assert first["partialFingerprints"]["ecocanvasFindingId/v1"] == check(c)[0].id


def test_sarif_marks_dismissed_findings_as_suppressed(tmp_path: Path) -> None:
    from ecocanvas.rules.sarif import to_sarif

    finding = check(gappy())[0].model_copy(update={"status": "dismissed", "reason": "known"})
    (result,) = to_sarif([finding])["runs"][0]["results"]
    assert result["suppressions"] == [{"kind": "external", "status": "accepted", "justification": "known"}]
    no_subjects = check(Canvas())[0]
    (result,) = to_sarif([no_subjects])["runs"][0]["results"]
    assert result["locations"][0]["logicalLocations"][0]["fullyQualifiedName"] == "governance"


def test_policy_option(app: typer.Typer, tmp_path: Path) -> None:
    canvas = save(tmp_path, gappy().model_dump(mode="json"))
    policy = save(tmp_path, '[rules.unowned-activity]\nseverity = "warning"\n', "policy.toml")
    result = runner.invoke(app, ["check", str(canvas), "--policy", str(policy)])
    assert result.exit_code == 0 and "WARNING unowned-activity" in result.stdout


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (
            "{not json",
            "is not valid JSON: Expecting property name enclosed in double quotes at line 1, column 2",
        ),
        ("[1, 2]", "must hold a JSON object"),
        (
            {"activities": [{"id": "a1", "name": "ok"}, {"id": "a2", "name": "x", "owner": 5}]},
            'activities[1].owner (entry "a2"): Input should be a valid string',
        ),
        (
            {"actors": [{"id": "x", "name": "X", "kind": "friend"}]},
            'actors[0].kind (entry "x"): Input should be',
        ),
        ({"canvas": {"metrics": [{"name": "NPS"}]}, "findings": []}, "canvas.metrics[0].id: Field required"),
        ({"canvas": {}, "findings": [{"id": "f"}]}, 'findings[0].rule (entry "f"): Field required'),
    ],
)
def test_bad_canvas_exits_2_naming_the_field(app: typer.Typer, tmp_path: Path, content: object, expected: str) -> None:
    path = save(tmp_path, content)
    result = runner.invoke(app, ["check", str(path)])
    assert result.exit_code == 2
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert expected in result.stderr and "Traceback" not in result.output
    assert result.stderr.startswith(f"error: {path}")


def test_many_validation_errors_are_summarised(app: typer.Typer, tmp_path: Path) -> None:
    path = save(tmp_path, {"activities": [{"id": f"a{i}"} for i in range(9)]})
    result = runner.invoke(app, ["check", str(path)])
    assert result.exit_code == 2 and "... and 4 more" in result.stderr


def test_missing_file_and_bad_policy_exit_2(app: typer.Typer, tmp_path: Path) -> None:
    result = runner.invoke(app, ["check", str(tmp_path / "absent.json")])
    assert result.exit_code == 2 and "cannot read" in result.stderr
    canvas = save(tmp_path, lumio().model_dump(mode="json"))
    policy = save(tmp_path, 'disable = ["nope"]\n', "policy.toml")
    result = runner.invoke(app, ["check", str(canvas), "--policy", str(policy)])
    assert result.exit_code == 2 and "unknown rule id 'nope'" in result.stderr


def test_rules_lists_the_catalogue(app: typer.Typer) -> None:
    result = runner.invoke(app, ["rules"])
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert len(lines) == len(RULES)
    assert lines[0].split()[:3] == [RULES[0].id, RULES[0].spec.severity, RULES[0].spec.section]
    as_json = json.loads(runner.invoke(app, ["rules", "--format", "json"]).stdout)
    assert [r["id"] for r in as_json] == [r.id for r in RULES]
    assert all(r["principle"]["says"] for r in as_json)


@pytest.mark.parametrize(
    "generator",
    [{"backend": "manual", "model": None, "prompt_version": ""}, None],
    ids=["model-null", "no-generator-block"],
)
def test_a_hand_made_canvas_is_checked(app: typer.Typer, tmp_path: Path, generator: dict[str, object] | None) -> None:
    data = gappy().model_dump(mode="json")
    if generator is None:
        del data["generator"]
    else:
        data["generator"] = generator
    result = runner.invoke(app, ["check", str(save(tmp_path, data)), "--format", "json"])
    assert result.exit_code == 1, result.output  # the gaps are found, not the input refused (exit 2)
    assert {f["rule"] for f in json.loads(result.stdout)} == {"unowned-activity", "metric-without-target"}
    read = Canvas.model_validate(data)
    assert (read.generator.backend, read.generator.model) == ("manual", "")
