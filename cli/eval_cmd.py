"""`ecocanvas eval`: run the pipeline over example ecosystems, score the drafts, report, compare.

With no --dataset it runs the two bundled sets side by side: the tuning set (`evals/ecosystems`)
and the check set (`evals/check`, written by people who never saw the extractor and never used for
tuning), so an improvement that only shows on the tuning set is visible as overfitting.

With --oracle each set is run a second time against `evals.oracle.OracleLLM` (every LLM call answered
with the gold entries found in its passages) and its means are printed and reported beside the run's.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import typer
from rich.console import Console
from rich.markup import escape

from ecocanvas.cli.eval_reviews import export_workspace
from ecocanvas.errors import InputError
from ecocanvas.evals.baseline import baseline_from_run, save_baseline
from ecocanvas.evals.dataset import BUNDLED_SETS, Ecosystem, load_dataset
from ecocanvas.evals.report import (
    COST_COLUMNS,
    ORACLE_METRICS,
    QUALITY_COLUMNS,
    compare_table,
    fmt,
    side_by_side_table,
    summary_table,
    write_report,
)
from ecocanvas.evals.results import RESULTS_FILE, RunResult, compare, compare_ecosystems, load_run, shared_ecosystems
from ecocanvas.evals.run import run_eval
from ecocanvas.evals.scores import EcosystemScore
from ecocanvas.settings import Settings, load_settings


def register(app: typer.Typer) -> None:
    app.command("eval")(eval_command)


def eval_command(
    dataset: Path | None = typer.Option(
        None, "--dataset", help="A folder of ecosystems (docs/ + gold.json each); default: the bundled sets."
    ),
    which: str = typer.Option(
        "all", "--set", help="With no --dataset: 'tuning', 'check' or 'all' (both, side by side)."
    ),
    model: str | None = typer.Option(
        None, "--model", help="A litellm model name; unset means the offline backend (or ECOCANVAS_MODEL)."
    ),
    out: Path | None = typer.Option(None, "--out", help="Where to write results.json and report.html."),
    compare_to: Path | None = typer.Option(
        None, "--compare", help="An earlier run (its folder or results.json): print the deltas."
    ),
    ecosystems: list[str] | None = typer.Option(
        None, "--ecosystem", "-e", help="Run only this ecosystem (repeatable)."
    ),
    write_baseline: Path | None = typer.Option(
        None, "--write-baseline", help="Also write this run (the tuning set's) as a gate baseline to this file."
    ),
    write_check_baseline: Path | None = typer.Option(
        None, "--write-check-baseline", help="Also write the check set's run as its gate baseline to this file."
    ),
    from_workspace: str | None = typer.Option(
        None,
        "--from-workspace",
        "-w",
        help="Instead of a dataset: turn this workspace's reviewed canvases into cases under OUT/cases/ and "
        "report their draft acceptance; with --run, also evaluate on those cases.",
    ),
    canvas_ids: list[str] | None = typer.Option(
        None, "--canvas", help="With --from-workspace: only this canvas (repeatable; default: every canvas)."
    ),
    run_cases: bool = typer.Option(
        False, "--run", help="With --from-workspace: evaluate the current backend on the exported cases."
    ),
    oracle: bool = typer.Option(
        False,
        "--oracle",
        help="Also replay each set with an oracle model (every LLM call answered with the gold entries found in "
        "its passages, over real HTTP) and show its scores beside the run's: what the pipeline loses of right answers.",
    ),
) -> None:
    """Draft a canvas for each example ecosystem (or reviewed canvas) and score it against the gold answers."""
    stdout = Console()
    if not stdout.is_terminal:
        # Piped or captured output has no width to respect; rich would otherwise assume 80 and squeeze.
        stdout = Console(width=160)
    console = Console(stderr=True)
    settings = load_settings(model=model)
    out_dir = out or Path("runs") / f"eval-{dt.datetime.now():%Y%m%d-%H%M%S}"
    if from_workspace is not None:
        if dataset is not None:
            raise typer.BadParameter("--from-workspace makes the dataset: give it or --dataset, not both")
        dataset = export_workspace(stdout, settings, from_workspace, out_dir, canvas_ids or ())
        if not run_cases:
            return
    elif run_cases or canvas_ids:
        raise typer.BadParameter("--run and --canvas go with --from-workspace")
    sets = _selected_sets(dataset, which, ecosystems or None)
    if write_check_baseline is not None and "check" not in sets:
        raise typer.BadParameter("--write-check-baseline needs the check set in the run (--set check or all)")
    # Read the earlier run before spending minutes on this one: a bad path fails at once.
    previous = _load_previous(compare_to, list(sets)) if compare_to is not None else {}

    runs: dict[str, RunResult] = {}
    for label, (folder, selected) in sets.items():
        run = _run_set(console, label, folder, selected, settings)
        runs[label] = run
        set_dir = out_dir / label if len(sets) > 1 else out_dir
        replay = _run_set(console, f"{label} oracle", folder, selected, settings, oracle=True) if oracle else None
        beside = {"oracle": replay} if replay is not None else None
        json_path, html_path = write_report(run, set_dir, beside)
        stdout.print(summary_table(run, QUALITY_COLUMNS, title=f"{label}: {run.model or 'offline'} on {run.dataset}"))
        stdout.print(summary_table(run, COST_COLUMNS, title=f"{label}: cost"))
        stdout.print(f"results: {json_path}\nreport:  {html_path}")
        if replay is not None:
            oracle_json, _ = write_report(replay, set_dir / "oracle")
            runs_beside = {run.model or "offline": run, "oracle": replay}
            title = f"{label}: the run beside the oracle replay (what the pipeline keeps of right answers)"
            stdout.print(side_by_side_table(runs_beside, ORACLE_METRICS, title))
            stdout.print(f"oracle results: {oracle_json}")
        if label in previous:
            _print_comparison(stdout, run, previous[label], compare_to)
    if len(runs) > 1:
        stdout.print(side_by_side_table(runs))
    if write_baseline is not None:
        tuning = runs.get("tuning") or next(iter(runs.values()))
        stdout.print(f"baseline: {save_baseline(baseline_from_run(tuning), write_baseline)}")
    if write_check_baseline is not None:
        check = baseline_from_run(runs["check"], per_ecosystem=False)
        stdout.print(f"check baseline: {save_baseline(check, write_check_baseline)}")


def _selected_sets(
    dataset: Path | None, which: str, names: list[str] | None
) -> dict[str, tuple[Path, list[Ecosystem]]]:
    if dataset is not None:
        return {"dataset": (dataset, load_dataset(dataset, names))}
    if which not in ("all", *BUNDLED_SETS):
        raise InputError(f"--set must be 'tuning', 'check' or 'all', not {which!r}")
    folders = BUNDLED_SETS if which == "all" else {which: BUNDLED_SETS[which]}
    out: dict[str, tuple[Path, list[Ecosystem]]] = {}
    known: set[str] = set()
    for label, folder in folders.items():
        every = load_dataset(folder)
        known |= {e.name for e in every}
        chosen = [e for e in every if names is None or e.name in names]
        if chosen:
            out[label] = (folder, chosen)
    unknown = sorted(set(names or ()) - known)
    if unknown:
        raise InputError(f"no ecosystem named {', '.join(unknown)} in the bundled sets")
    return out


def _run_set(
    console: Console, label: str, folder: Path, selected: list[Ecosystem], settings: Settings, *, oracle: bool = False
) -> RunResult:
    total = len(selected)
    done: list[EcosystemScore] = []
    with console.status(f"{label}: evaluating {total} ecosystems") as status:

        def on_event(name: str, stage: str, state: str) -> None:
            status.update(escape(f"{label} [{len(done) + 1}/{total}] {name}: {stage} {state}"))

        def on_done(eco: EcosystemScore) -> None:
            done.append(eco)
            shown = ("actor_f1", "owner_accuracy", "seconds")
            line = ", ".join(f"{m} {fmt(m, eco.scores.get(m))}" for m in shown)
            failed = f" [red]failed: {escape(eco.error)}[/red]" if eco.error else ""
            console.print(f"{label} \\[{len(done)}/{total}] {escape(eco.name)}: {line}{failed}")

        return run_eval(selected, settings, folder, on_event=on_event, on_done=on_done, oracle=oracle)


def _load_previous(path: Path, labels: list[str]) -> dict[str, RunResult]:
    """An earlier run: one results.json, or a folder of one per set (as a two-set run writes them)."""
    if path.is_dir() and not (path / RESULTS_FILE).is_file():
        found = {label: load_run(path / label) for label in labels if (path / label / RESULTS_FILE).is_file()}
        if not found:
            raise InputError(f"{path} holds no {RESULTS_FILE} (nor one per set: {', '.join(labels)})")
        return found
    run = load_run(path)
    return {label: run for label in labels[:1]}


def _print_comparison(console: Console, run: RunResult, previous: RunResult, source: Path | None) -> None:
    shared = shared_ecosystems(run, previous)
    title = f"compared with {source} ({previous.created})"
    if len(shared) != len(run.ecosystems) or len(shared) != len(previous.ecosystems):
        title += f", over the {len(shared)} ecosystems both runs have"
    console.print(compare_table(compare(run, previous), title))
    for name, deltas in compare_ecosystems(run, previous).items():
        worse = [f"{d.metric} {d.delta:+.3f}" for d in deltas if d.worse and d.delta is not None]
        if worse:
            console.print(f"[red]{escape(name)} worse:[/red] {', '.join(worse)}")
