"""The quality gate: the offline backend on both bundled sets must not fall below their baselines.

The baselines (evals/baseline.json for the tuning set, evals/baseline-check.json for the check
set, means only) are committed from runs of the same backend and settings; a headline metric
more than the baseline's tolerance (0.02) below it fails this test.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from ecocanvas.evals.baseline import BASELINE_PATH, CHECK_BASELINE_PATH, check_against_baseline, load_baseline
from ecocanvas.evals.dataset import check_dataset_dir, default_dataset_dir, load_dataset
from ecocanvas.evals.run import run_eval
from ecocanvas.settings import Settings


@pytest.mark.parametrize(
    ("folder", "baseline_path"),
    [(default_dataset_dir(), BASELINE_PATH), (check_dataset_dir(), CHECK_BASELINE_PATH)],
    ids=["tuning", "check"],
)
def test_offline_scores_do_not_fall_below_the_committed_baseline(
    tmp_path: Path, folder: Path, baseline_path: Path
) -> None:
    # Both baselines are committed: a missing one is a broken checkout, not a reason to skip.
    baseline = load_baseline(baseline_path)
    # Explicit model=None: an ECOCANVAS_MODEL in the environment must not turn the gate into a live run.
    settings = Settings(data_dir=tmp_path, model=None)
    embedder = baseline.settings.get("embedder")
    if embedder:
        settings = settings.model_copy(update={"embedder": str(embedder)})
    run = run_eval(load_dataset(folder), settings, folder)
    regressions = check_against_baseline(run, baseline)
    assert regressions == [], "\n".join(r.message for r in regressions)
    failed = [e.name for e in run.ecosystems if e.error]
    assert failed == []
    assert run.mean["citation_validity"] == 1.0
    # Forbidden actors may not grow on either set (checked above); on the tuning set there are none.
    if baseline_path == BASELINE_PATH:
        assert run.mean["forbidden_actors"] == 0
