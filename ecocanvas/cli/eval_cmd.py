"""`ecocanvas eval`: run the pipeline over example ecosystems, score the drafts, report, compare."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import typer
from rich.console import Console
from rich.markup import escape

from ecocanvas.settings import load_settings
from evals.baseline import baseline_from_run, save_baseline
from evals.dataset import default_dataset_dir, load_dataset
from evals.report import COST_COLUMNS, QUALITY_COLUMNS, compare_table, fmt, summary_table, write_report
from evals.results import RunResult, compare, compare_ecosystems, load_run, shared_ecosystems
from evals.run import run_eval
from evals.scores import EcosystemScore


def register(app: typer.Typer) -> None:
    app.command("eval")(eval_command)


def eval_command(
    dataset: Path | None = typer.Option(
        None, "--dataset", help="A folder of ecosystems (docs/ + gold.json each); default: the bundled ones."
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
        None, "--write-baseline", help="Also write this run as a gate baseline to this file."
    ),
) -> None:
    """Draft a canvas for each example ecosystem and score it against the gold answers."""
    stdout = Console()
    if not stdout.is_terminal:
        # Piped or captured output has no width to respect; rich would otherwise assume 80 and squeeze.
        stdout = Console(width=160)
    console = Console(stderr=True)
    settings = load_settings(model=model)
    dataset_dir = dataset or default_dataset_dir()
    selected = load_dataset(dataset_dir, ecosystems or None)
    # Read the earlier run before spending minutes on this one: a bad path fails at once.
    previous = load_run(compare_to) if compare_to is not None else None
    out_dir = out or Path("runs") / f"eval-{dt.datetime.now():%Y%m%d-%H%M%S}"

    total = len(selected)
    done: list[EcosystemScore] = []
    with console.status(f"evaluating {total} ecosystems") as status:

        def on_event(name: str, stage: str, state: str) -> None:
            status.update(escape(f"[{len(done) + 1}/{total}] {name}: {stage} {state}"))

        def on_done(eco: EcosystemScore) -> None:
            done.append(eco)
            shown = ("actor_f1", "owner_accuracy", "seconds")
            line = ", ".join(f"{m} {fmt(m, eco.scores.get(m))}" for m in shown)
            failed = f" [red]failed: {escape(eco.error)}[/red]" if eco.error else ""
            console.print(f"\\[{len(done)}/{total}] {escape(eco.name)}: {line}{failed}")

        run = run_eval(selected, settings, dataset_dir, on_event=on_event, on_done=on_done)

    json_path, html_path = write_report(run, out_dir)
    stdout.print(summary_table(run, QUALITY_COLUMNS))
    stdout.print(summary_table(run, COST_COLUMNS, title="cost"))
    stdout.print(f"results: {json_path}\nreport:  {html_path}")
    if previous is not None:
        _print_comparison(stdout, run, previous, compare_to)
    if write_baseline is not None:
        stdout.print(f"baseline: {save_baseline(baseline_from_run(run), write_baseline)}")


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
