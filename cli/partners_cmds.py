"""`ecocanvas partners`: import a workspace's partner CSV, see how its rows match a canvas, map or skip the rest.

The same `api.partners.PartnerService` the API's `/v1/partners` routes call, on the API's database.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import typer

from ecocanvas.errors import InputError, InvalidFieldsError
from ecocanvas.settings import get_settings

if TYPE_CHECKING:
    from ecocanvas.api.partners import CanvasPartners, PartnerService
    from ecocanvas.canvas.partners import PartnerMatch

_WORKSPACE_HELP = "The API workspace (`ecocanvas workspace create NAME`)."
_CANVAS_HELP = "The canvas to match against (default: the workspace's most recently changed one)."


def _service() -> PartnerService:
    # Imported here: `ecocanvas --help` should not pay for SQLAlchemy and the rules.
    from ecocanvas.api.db import make_engine, migrate
    from ecocanvas.api.partners import PartnerService
    from ecocanvas.api.store import Store

    engine = make_engine(get_settings())
    migrate(engine)
    return PartnerService(Store(engine))


def _mapping(pairs: list[str]) -> dict[str, str]:
    out: dict[str, str] = {}
    for pair in pairs:
        column, sep, field = pair.rpartition("=")
        if not sep or not column.strip() or not field.strip():
            raise InputError(f"--map {pair!r}: write COLUMN=FIELD (e.g. --map 'Account name=name', --map Notes=-)")
        out[column.strip()] = field.strip()
    return out


def _print_match(match: PartnerMatch) -> None:
    from ecocanvas.canvas.partners import record_summary

    for m in match.matched:
        typer.echo(
            f"matched  row {m.record.row}\t{m.record.name} -> {m.actor_id} (by {m.how})\t{record_summary(m.record)}"
        )
    for u in match.unmatched:
        options = ", ".join(f"{c.actor_id} ({c.name}, {c.score:.2f})" for c in u.candidates) or "none"
        typer.echo(f"review   row {u.record.row}\t{u.record.name}: {u.reason}; candidates: {options}")
    for r in match.skipped:
        typer.echo(f"skipped  row {r.row}\t{r.name}")
    if match.unmatched:
        typer.echo(
            "map a row with `ecocanvas partners map ROW ACTOR_ID -w W`, or skip it with `ecocanvas partners skip ROW`",
            err=True,
        )


def _shown(result: CanvasPartners, fmt: str) -> None:
    if fmt == "json":
        typer.echo(result.model_dump_json(indent=2))
        return
    if result.partner_import is None:
        typer.echo("this workspace has no partner data: import a CSV with `ecocanvas partners import FILE -w W`")
        return
    imp = result.partner_import
    typer.echo(
        f"partner import {imp.version} ({imp.source or 'no name'}, {imp.rows} rows) on canvas {result.canvas_id}"
    )
    _print_match(result.match)


def register(app: typer.Typer) -> None:
    partners = typer.Typer(help="Partner data (PRM exports, account overlap) on the canvas.", no_args_is_help=True)
    app.add_typer(partners, name="partners")

    @partners.command("import")
    def import_csv(
        file: Path = typer.Argument(..., exists=True, dir_okay=False, readable=True, help="The partner CSV."),
        workspace: str = typer.Option(..., "--workspace", "-w", help=_WORKSPACE_HELP),
        mapping: list[str] = typer.Option(
            [],
            "--map",
            help="COLUMN=FIELD, repeatable; FIELD is name, aliases, tier, overlapping_accounts, "
            "pipeline, revenue, contract_end, or - to leave the column out.",
        ),
        canvas: str | None = typer.Option(None, "--canvas", help=_CANVAS_HELP),
        fmt: str = typer.Option("text", "--format", help="text or json."),
    ) -> None:
        """Import a partner CSV: all rows or none (every bad row is named); it replaces the previous import,
        which stays readable. Exit 1 when rows are left for review."""
        from ecocanvas.api.partners import PartnerImportRequest
        from ecocanvas.canvas.partners import decode_csv

        service = _service()
        request = PartnerImportRequest(
            csv=decode_csv(file.read_bytes()), source=file.name, mapping=_mapping(mapping), canvas_id=canvas
        )
        try:
            result = service.import_csv(service.store.workspace_id(workspace), request)
        except InvalidFieldsError as exc:
            # One line per bad row, so a long file's problems can be read (and grepped) one by one.
            for problem in exc.fields:
                typer.echo(f"error: {problem['msg']}", err=True)
            typer.echo(f"nothing was imported: {len(exc.fields)} problem(s) in {file.name}", err=True)
            raise typer.Exit(2) from None
        if fmt == "json":
            typer.echo(result.model_dump_json(indent=2))
        else:
            imp = result.imported
            replaced = f"; it replaces import {result.previous.version}" if result.previous else ""
            typer.echo(f"imported {imp.rows} rows as partner import {imp.version}{replaced}")
            for column, field in imp.columns.items():
                typer.echo(f"  column {column!r} -> {field}")
            if result.match is None:
                typer.echo("no canvas in the workspace yet: rows are matched once there is one")
            else:
                _print_match(result.match)
            for v in result.rechecked:
                typer.echo(f"canvas {v.canvas_id}: findings re-checked as version {v.version}")
        if result.match is not None and result.match.unmatched:
            raise typer.Exit(1)

    @partners.command("show")
    def show(
        workspace: str = typer.Option(..., "--workspace", "-w", help=_WORKSPACE_HELP),
        canvas: str | None = typer.Option(None, "--canvas", help=_CANVAS_HELP),
        fmt: str = typer.Option("text", "--format", help="text or json."),
    ) -> None:
        """How the newest partner import matches a canvas: matched rows, rows to review (with candidates), skipped."""
        service = _service()
        workspace_id = service.store.workspace_id(workspace)
        canvas_id = canvas or service.newest_canvas(workspace_id)
        _shown(service.canvas_partners(workspace_id, canvas_id), fmt)

    def _decide(workspace: str, row: int, action: str, actor_id: str | None, canvas: str | None) -> None:
        from ecocanvas.api.partners import PartnerDecision

        service = _service()
        decision = PartnerDecision.model_validate(
            {"row": row, "action": action, "actor_id": actor_id, "canvas_id": canvas}
        )
        _shown(service.decide(service.store.workspace_id(workspace), decision), "text")

    @partners.command("map")
    def map_row(
        row: int = typer.Argument(..., min=1, help="The row's number (`partners show`)."),
        actor_id: str = typer.Argument(..., help="The id of the canvas actor this row is."),
        workspace: str = typer.Option(..., "--workspace", "-w", help=_WORKSPACE_HELP),
        canvas: str | None = typer.Option(None, "--canvas", help=_CANVAS_HELP),
    ) -> None:
        """Say which actor a row no name or alias matched is; a re-import keeps the answer."""
        _decide(workspace, row, "map", actor_id, canvas)

    @partners.command("skip")
    def skip_row(
        row: int = typer.Argument(..., min=1, help="The row's number (`partners show`)."),
        workspace: str = typer.Option(..., "--workspace", "-w", help=_WORKSPACE_HELP),
        canvas: str | None = typer.Option(None, "--canvas", help=_CANVAS_HELP),
    ) -> None:
        """Leave a row out of the canvas (a partner the canvas does not cover)."""
        _decide(workspace, row, "skip", None, canvas)

    @partners.command("history")
    def history(workspace: str = typer.Option(..., "--workspace", "-w", help=_WORKSPACE_HELP)) -> None:
        """Every partner import of the workspace, newest first."""
        service = _service()
        for imp in service.history(service.store.workspace_id(workspace)):
            typer.echo(f"{imp.version}\t{imp.created_at:%Y-%m-%d %H:%M}\t{imp.rows} rows\t{imp.source}")
