"""The quality gate: the offline backend on the bundled ecosystems must not fall below the baseline.

The baseline (evals/baseline.json) is committed from a run of the same backend and settings;
a headline metric more than the baseline's tolerance (0.02) below it fails this test.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from ecocanvas.settings import Settings
from evals.baseline import BASELINE_PATH, check_against_baseline, load_baseline
from evals.dataset import default_dataset_dir, load_dataset
from evals.run import run_eval


def test_offline_scores_do_not_fall_below_the_committed_baseline(tmp_path: Path) -> None:
    if not BASELINE_PATH.is_file():
        pytest.skip(
            f"no baseline committed yet at {BASELINE_PATH}: run `ecocanvas eval --write-baseline "
            f"{BASELINE_PATH}` with the offline backend and commit it"
        )
    baseline = load_baseline()
    # Explicit model=None: an ECOCANVAS_MODEL in the environment must not turn the gate into a live run.
    settings = Settings(data_dir=tmp_path, model=None)
    embedder = baseline.settings.get("embedder")
    if embedder:
        settings = settings.model_copy(update={"embedder": str(embedder)})
    run = run_eval(load_dataset(default_dataset_dir()), settings, default_dataset_dir())
    regressions = check_against_baseline(run, baseline)
    assert regressions == [], "\n".join(r.message for r in regressions)
    failed = [e.name for e in run.ecosystems if e.error]
    assert failed == []
    assert run.mean["citation_validity"] == 1.0
    assert run.mean["forbidden_actors"] == 0
