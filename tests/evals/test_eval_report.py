"""Run results, the HTML report, comparisons between runs, and the baseline gate's logic."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from eval_builders import DOCUMENT, GOLD, canvas_from_gold, canvas_with_known_misses, cite
from rich.console import Console

from ecocanvas.canvas.model import Actor, Canvas, CanvasResult
from ecocanvas.errors import InputError
from ecocanvas.evals.baseline import (
    Baseline,
    baseline_from_run,
    check_against_baseline,
    load_baseline,
    main,
    save_baseline,
)
from ecocanvas.evals.report import compare_table, summary_table, write_report
from ecocanvas.evals.results import RunResult, compare, compare_ecosystems, load_run
from ecocanvas.evals.scorer import score
from ecocanvas.evals.scores import HEADLINE_METRICS


def _run(*results: CanvasResult, names: tuple[str, ...] = ("perfect", "flawed")) -> RunResult:
    scores = [score(GOLD, r, [DOCUMENT], name=n, seconds=1.5) for r, n in zip(results, names, strict=True)]
    return RunResult.build(scores, created="2026-11-23T12:00:00+00:00", dataset="test", model=None, settings={})


def test_means_average_rates_and_sum_counts() -> None:
    run = _run(canvas_from_gold(), canvas_with_known_misses())
    assert run.mean["actor_recall"] == pytest.approx((1 + 3 / 4) / 2)
    assert run.mean["forbidden_actors"] == 1
    assert run.mean["seconds"] == 3.0
    # A metric that applies nowhere stays None instead of counting as 0.
    no_cadence = GOLD.model_copy(update={"review_cadence": None})
    alone = RunResult.build(
        [score(no_cadence, canvas_from_gold(), [DOCUMENT])], created="t", dataset="d", model=None, settings={}
    )
    assert alone.mean["review_cadence_found"] is None


def test_results_round_trip_and_the_report_lists_every_miss_and_false_positive(tmp_path: Path) -> None:
    flawed = canvas_with_known_misses()
    flawed.canvas.actors.append(Actor(id="evil", name="<script>alert(1)</script>", sources=[cite()]))
    run = _run(canvas_from_gold(), flawed)
    json_path, html_path = write_report(run, tmp_path / "run")
    assert load_run(tmp_path / "run") == run == load_run(json_path)
    html = html_path.read_text(encoding="utf-8")
    for needle in (
        "Platform Team",  # missed actor
        "Voltra Energy Ltd",  # false positive and forbidden
        "Approve site permits",  # missed activity
        "Maintain booking platform",  # wrong owner
        "ChargeCo Ltd → Nordhavn Motors: monthly service fee",  # reversed exchange
        "Driver onboarding time",  # missed metric
        "escalation_path",  # missing governance kind
        "unowned-activity: Run driver onboarding",  # missed finding
        "unowned-activity: Maintain booking platform",  # false-positive finding
        "memo.md [",  # invalid citation
        "&lt;script&gt;alert(1)&lt;/script&gt;",  # names are escaped
    ):
        assert needle in html, needle
    lowered = html.lower()
    assert "<script" not in lowered and "http://" not in lowered and "https://" not in lowered
    assert "<link" not in lowered and "src=" not in lowered


def test_the_summary_table_shows_each_ecosystem_and_the_mean() -> None:
    console = Console(record=True, width=250)
    console.print(summary_table(_run(canvas_from_gold(), canvas_with_known_misses())))
    text = console.export_text()
    assert "perfect" in text and "flawed" in text and "rates averaged" in text
    assert "0.75" in text  # flawed activity recall


def test_compare_marks_what_got_worse_and_better() -> None:
    before = _run(canvas_from_gold(), canvas_from_gold())
    after = _run(canvas_from_gold(), canvas_with_known_misses())
    deltas = {d.metric: d for d in compare(after, before)}
    assert [d.metric for d in compare(after, before)][: len(HEADLINE_METRICS)] == list(HEADLINE_METRICS)
    actor_f1 = after.mean["actor_f1"]
    assert actor_f1 is not None and actor_f1 < 1
    assert deltas["actor_f1"].worse and deltas["actor_f1"].delta == pytest.approx(actor_f1 - 1)
    assert deltas["forbidden_actors"].worse
    assert not deltas["seconds"].worse and not deltas["seconds"].better
    assert not compare(after, before)[0].better
    back = {d.metric: d for d in compare(before, after)}
    assert back["actor_f1"].better and not back["actor_f1"].worse
    per_eco = compare_ecosystems(after, before)
    assert not any(d.worse for d in per_eco["perfect"]) and any(d.worse for d in per_eco["flawed"])
    console = Console(record=True, width=200)
    console.print(compare_table(compare(after, before), "vs before"))
    assert "actor_f1" in console.export_text()


def test_a_subset_run_is_compared_over_the_ecosystems_both_runs_have() -> None:
    before = _run(canvas_from_gold(), canvas_with_known_misses())
    subset = _run(canvas_from_gold(), names=("perfect",))
    deltas = {d.metric: d for d in compare(subset, before)}
    # Over "perfect" alone nothing changed, although the means of the whole runs differ.
    assert deltas["actor_f1"].delta == 0 and not deltas["actor_f1"].better
    assert deltas["seconds"].delta == 0


def test_load_run_rejects_what_is_not_a_run(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no evaluation results"):
        load_run(tmp_path)
    (tmp_path / "results.json").write_text(json.dumps({"hello": 1}), encoding="utf-8")
    with pytest.raises(InputError, match="not an ecocanvas evaluation result"):
        load_run(tmp_path)


def test_the_gate_fails_on_a_drop_beyond_the_tolerance_only(tmp_path: Path) -> None:
    run = _run(canvas_from_gold(), canvas_with_known_misses())
    baseline = baseline_from_run(run)
    assert check_against_baseline(run, baseline) == []
    actor_f1 = run.mean["actor_f1"]
    assert actor_f1 is not None
    slightly = baseline.model_copy(update={"metrics": {**baseline.metrics, "actor_f1": actor_f1 + 0.015}})
    assert check_against_baseline(run, slightly) == []
    clearly = baseline.model_copy(update={"metrics": {**baseline.metrics, "actor_f1": actor_f1 + 0.03}})
    assert [r.metric for r in check_against_baseline(run, clearly)] == ["actor_f1"]
    assert check_against_baseline(run, clearly, tolerance=0.05) == []


def test_the_gate_fails_on_forbidden_actors_and_on_a_different_set_of_ecosystems() -> None:
    clean = _run(canvas_from_gold(), canvas_from_gold())
    baseline = baseline_from_run(clean)
    flawed = _run(canvas_from_gold(), canvas_with_known_misses())
    assert "forbidden_actors" in [r.metric for r in check_against_baseline(flawed, baseline)]
    other = _run(canvas_from_gold(), canvas_from_gold(), names=("perfect", "renamed"))
    assert [r.metric for r in check_against_baseline(other, baseline)] == ["ecosystems"]
    empty = _run(CanvasResult(canvas=Canvas()), canvas_from_gold())
    dropped = {r.metric for r in check_against_baseline(empty, baseline)}
    assert dropped >= set(HEADLINE_METRICS)


def test_a_baseline_is_written_from_a_run_and_read_back(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    run = _run(canvas_from_gold(), canvas_with_known_misses())
    run.save(tmp_path / "run")
    main([str(tmp_path / "run"), "--out", str(tmp_path / "baseline.json"), "--note", "offline backend"])
    assert "baseline written" in capsys.readouterr().out
    loaded = load_baseline(tmp_path / "baseline.json")
    assert loaded == baseline_from_run(run, note="offline backend")
    assert loaded.ecosystems == ["perfect", "flawed"] and loaded.forbidden_actors == 1
    assert set(loaded.metrics) == set(HEADLINE_METRICS)
    save_baseline(loaded, tmp_path / "copy.json")
    assert Baseline.model_validate_json((tmp_path / "copy.json").read_text()) == loaded
    with pytest.raises(InputError, match="no baseline"):
        load_baseline(tmp_path / "absent.json")
