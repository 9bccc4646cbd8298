"""`ecocanvas eval --from-workspace W`: a workspace's reviewed canvases as eval cases, and their draft acceptance.

Each canvas of the workspace (its latest version) becomes a case folder under `<out>/cases/`
(`ecocanvas.evals.from_reviews`); canvases nobody reviewed yet are left out. The draft acceptance report over
the same canvases is printed and written to `<out>/acceptance.json`. `eval_cmd` then runs the
cases with `--run`, like any `--dataset`.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from rich import box
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from ecocanvas.canvas.acceptance import Tally, WorkspaceAcceptance, workspace_acceptance
from ecocanvas.errors import InputError
from ecocanvas.settings import Settings

CASES_DIR = "cases"
ACCEPTANCE_FILE = "acceptance.json"


def export_workspace(
    console: Console, settings: Settings, workspace: str, out_dir: Path, canvas_ids: Sequence[str] = ()
) -> Path:
    """Write the workspace's reviewed canvases as cases under `out_dir/cases/`; that folder."""
    # Imported here: `ecocanvas eval --help` should not pay for SQLAlchemy.
    from ecocanvas.api.db import make_engine, migrate
    from ecocanvas.api.service import Service
    from ecocanvas.api.store import Store
    from ecocanvas.evals.from_reviews import write_case

    engine = make_engine(settings)
    try:
        migrate(engine)
        service = Service(settings, Store(engine))
        who = service.store.reader(workspace)
        if canvas_ids:
            cases = [service.review_case(who, canvas_id) for canvas_id in canvas_ids]
        else:
            cases = service.review_cases(who)
    finally:
        engine.dispose()
    if not cases:
        raise InputError(f"workspace {workspace!r} has no canvases")
    cases_dir = out_dir / CASES_DIR
    written = 0
    for case, files in cases:
        if not case.decided:
            console.print(f"{escape(case.name)}: skipped, nobody has reviewed an entry yet")
            continue
        if not case.documents:
            # A case needs its documents to be drafted from; these were deleted from the workspace.
            console.print(f"{escape(case.name)}: skipped, none of its documents is in the workspace any more")
            continue
        write_case(cases_dir, case, files)
        written += 1
        gold = case.gold
        missing = len(case.missing_documents)
        console.print(
            f"{escape(case.name)}: version {case.version}, {case.decided} decisions -> {len(gold.actors)} actors, "
            f"{len(gold.activities)} activities, {len(gold.value_exchanges)} exchanges, "
            f"{len(gold.governance)} mechanisms, {len(gold.metrics)} metrics, "
            f"{len(gold.must_not_appear)} must not appear; {len(case.skipped)} decided entries left out"
            + (f"; {missing} documents no longer in the workspace" if missing else "")
        )
    report = workspace_acceptance(case.acceptance for case, _ in cases)
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / ACCEPTANCE_FILE).write_text(report.model_dump_json(indent=2), encoding="utf-8")
    console.print(acceptance_table(report))
    if not written:
        raise InputError(
            f"no canvas of workspace {workspace!r} has both a reviewed entry and its documents: nothing to evaluate on"
        )
    console.print(f"cases:      {cases_dir}\nacceptance: {out_dir / ACCEPTANCE_FILE}")
    return cases_dir


def _share(value: float | None) -> str:
    return "–" if value is None else f"{value:.0%}"


def _row(label: str, tally: Tally) -> list[str]:
    return [
        label,
        str(tally.drafted),
        _share(tally.accepted_share),
        _share(tally.edited_share),
        _share(tally.rejected_share),
        _share(tally.pending_share),
        str(tally.added),
    ]


def acceptance_table(report: WorkspaceAcceptance) -> Table:
    """Per backend/model/prompt version, then per section: what review made of the drafted entries."""
    table = Table(
        title=f"draft acceptance over {len(report.canvases)} canvases (shares of drafted entries)",
        title_justify="left",
        box=box.SIMPLE_HEAD,
    )
    for name in ("drafted by / section", "drafted", "accepted", "edited", "rejected", "pending", "added"):
        table.add_column(name, justify="left" if name.startswith("drafted by") else "right")
    for group in report.generators:
        gen = group.generator
        label = f"{gen.backend} {gen.model or '-'} {gen.prompt_version or '-'} ({group.canvases} canvases)"
        table.add_row(*_row(escape(label), group.total))
    table.add_section()
    for section, tally in report.sections.items():
        if tally.drafted or tally.added:
            table.add_row(*_row(section, tally))
    table.add_row(*_row("[bold]all[/bold]", report.total))
    return table
