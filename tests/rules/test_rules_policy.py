"""Policies: defaults, overrides from TOML, and a ConfigError naming whatever the registry does not know."""

from __future__ import annotations

from pathlib import Path

import pytest
from rules_canvases import activity, lumio

from ecocanvas.errors import ConfigError
from ecocanvas.rules import Policy, RuleOverride, check, load_policy

EXAMPLE = Path(__file__).resolve().parents[2] / "docs" / "policy-example.toml"


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "policy.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_the_example_policy_loads_and_applies() -> None:
    policy = load_policy(EXAMPLE)
    assert policy.disable == ["capability-overlap"]
    c = lumio()
    for act_id in ("tok", "sup"):
        activity(c, act_id).owner, activity(c, act_id).approvers = "lumio", ["bank"]
    c.review.cadence = None
    by_rule = {f.rule: f for f in check(c, policy)}
    # 3 of 4 activities but fewer than 6 in all: no overload under this policy
    assert "owner-overload" not in by_rule
    assert by_rule["no-review-cadence"].severity == "error"
    assert {f.rule for f in check(c)} >= {"owner-overload"}


def test_disable_and_enable(tmp_path: Path) -> None:
    c = lumio()
    activity(c, "tok").owner = None
    activity(c, "tok").approvers = []
    assert {f.rule for f in check(c)} == {"unowned-activity", "dependency-on-unowned-activity"}
    policy = load_policy(write(tmp_path, 'disable = ["unowned-activity"]\n'))
    assert {f.rule for f in check(c, policy)} == {"dependency-on-unowned-activity"}
    policy = load_policy(write(tmp_path, "[rules.unowned-activity]\nenabled = false\n"))
    assert {f.rule for f in check(c, policy)} == {"dependency-on-unowned-activity"}
    activity(c, "kyc").approvers = []
    policy = load_policy(write(tmp_path, "[rules.activity-without-approver]\nenabled = true\n"))
    assert [f.subjects for f in check(c, policy) if f.rule == "activity-without-approver"] == [["kyc"]]


def test_severity_override_reorders_findings(tmp_path: Path) -> None:
    c = lumio()
    c.metrics[0].target = None
    activity(c, "kyc").owner = None
    default = [f.rule for f in check(c)]
    assert default == ["unowned-activity", "metric-without-target"]
    policy = load_policy(
        write(
            tmp_path,
            '[rules.unowned-activity]\nseverity = "info"\n[rules.metric-without-target]\nseverity = "error"\n',
        )
    )
    findings = check(c, policy)
    assert [(f.rule, f.severity) for f in findings] == [
        ("metric-without-target", "error"),
        ("unowned-activity", "info"),
    ]


def test_parameters_flat_or_nested(tmp_path: Path) -> None:
    c = lumio()
    for act_id in ("tok",):
        activity(c, act_id).owner, activity(c, act_id).approvers = "lumio", ["bank"]
    assert not [f for f in check(c) if f.rule == "owner-overload"]  # 2 of 4 is not more than half
    flat = load_policy(write(tmp_path, "[rules.owner-overload]\nshare = 0.4\n"))
    nested = load_policy(write(tmp_path, "[rules.owner-overload.params]\nshare = 0.4\n"))
    assert flat == nested
    assert [f.subjects for f in check(c, flat) if f.rule == "owner-overload"] == [["lumio"]]
    integer_share = Policy(rules={"owner-overload": RuleOverride(params={"share": 1})})
    assert not [f for f in check(c, integer_share) if f.rule == "owner-overload"]


@pytest.mark.parametrize(
    ("toml", "named"),
    [
        ('disable = ["unowned-activty"]\n', ["unowned-activty", "did you mean 'unowned-activity'"]),
        ("[rules.no-such-rule]\nenabled = true\n", ["no-such-rule"]),
        ("[rules.owner-overload]\nshares = 0.4\n", ["shares", "owner-overload", "did you mean 'share'"]),
        ("[rules.owner-overload]\nshare = 'half'\n", ["owner-overload.share", "must be a number"]),
        ("[rules.owner-overload]\nshare = 1.5\n", ["owner-overload.share", "<= 1.0"]),
        ("[rules.owner-overload]\nmin_activities = 2.5\n", ["min_activities", "must be an integer"]),
        (
            "[rules.unmeasured-partner]\nkinds = ['partner', 'friend']\n",
            ["unmeasured-partner.kinds", "'friend'"],
        ),
        ("[rules.uncited-entry]\ninclude_reviewed = 'yes'\n", ["include_reviewed", "true or false"]),
        ('[rules.unowned-activity]\nseverity = "fatal"\n', ["rules.unowned-activity.severity"]),
        ("disabled = []\n", ["disabled", "Extra inputs"]),
        ('disable = ["self-approval"]\n[rules.self-approval]\nenabled = true\n', ["self-approval", "both"]),
        ("[rules\n", ["not valid TOML"]),
    ],
)
def test_bad_policies_name_the_problem(tmp_path: Path, toml: str, named: list[str]) -> None:
    path = write(tmp_path, toml)
    with pytest.raises(ConfigError) as info:
        load_policy(path)
    message = str(info.value)
    assert str(path) in message
    for part in named:
        assert part in message


def test_several_problems_are_reported_together() -> None:
    with pytest.raises(ConfigError) as info:
        Policy(disable=["nope"], rules={"owner-overload": RuleOverride(params={"x": 1, "share": -1})})
    message = str(info.value)
    assert "'nope'" in message and "'x'" in message and "owner-overload.share must be >= 0.0" in message


def test_missing_policy_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="cannot read policy file"):
        load_policy(tmp_path / "absent.toml")
