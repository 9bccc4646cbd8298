"""`ecocanvas ingest | search | documents | delete`: the knowledge base from the command line."""

from __future__ import annotations

import json
from pathlib import Path

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from ecocanvas.knowledge import KnowledgeBase
from ecocanvas.knowledge.models import IngestReport
from ecocanvas.settings import load_settings

_WORKSPACE_HELP = "Workspace to use (default: settings.workspace, ECOCANVAS_WORKSPACE)."


def _kb(workspace: str | None) -> KnowledgeBase:
    settings = load_settings(workspace=workspace)
    return KnowledgeBase(settings, workspace)


def _print_report(console: Console, report: IngestReport) -> None:
    console.print(
        f"{report.files} files: {report.added} added, {report.replaced} replaced, "
        f"{report.unchanged} unchanged, {len(report.errors)} failed; {report.chunks} chunks written"
    )
    for error in report.errors:
        console.print(f"[red]error[/red] {error.path}: {error.error} ({error.kind})", markup=True, highlight=False)


def ingest(
    paths: list[Path] = typer.Argument(..., help="Files or folders (folders are walked for document files)."),
    workspace: str | None = typer.Option(None, "--workspace", "-w", help=_WORKSPACE_HELP),
) -> None:
    """Read documents into the workspace's knowledge base; exit 1 if any file failed."""
    kb = _kb(workspace)
    err = Console(stderr=True)
    with Progress(
        TextColumn("[progress.description]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err,
        transient=True,
    ) as progress:
        task = progress.add_task("ingesting", total=None)
        embedding = progress.add_task("embedding", total=None, visible=False)

        def on_progress(path: str, done: int, total: int) -> None:
            progress.update(task, completed=done, total=total, description=Path(path).name[:40])

        def on_embedded(done: int, total: int) -> None:
            progress.update(embedding, completed=done, total=total, visible=True, description="embedding chunks")

        report = kb.ingest(paths, on_progress=on_progress, on_embedded=on_embedded)
    _print_report(Console(), report)
    if report.errors:
        raise typer.Exit(1)


def _say_lexical_only(kb: KnowledgeBase) -> None:
    """On stderr, so JSON on stdout stays the list of hits."""
    pending = kb.lexical_only()
    if pending:
        names = ", ".join(kb.get(i).name for i in pending[:5]) + (", ..." if len(pending) > 5 else "")
        Console(stderr=True).print(
            f"note: {len(pending)} document(s) searched by their words only, their dense vectors are still "
            f"being written: {names}",
            markup=False,
            highlight=False,
        )


def search(
    query: str = typer.Argument(..., help="What to look for."),
    workspace: str | None = typer.Option(None, "--workspace", "-w", help=_WORKSPACE_HELP),
    k: int = typer.Option(8, "-k", "--k", min=1, max=100, help="How many passages."),
    output_format: str = typer.Option("text", "--format", help="text or json."),
) -> None:
    """Hybrid (BM25 + dense) search over the workspace's documents."""
    if output_format not in ("text", "json"):
        raise typer.BadParameter("use text or json", param_hint="--format")
    kb = _kb(workspace)
    hits = kb.search(query, k=k)
    _say_lexical_only(kb)
    if output_format == "json":
        rows = [
            {
                "document": hit.chunk.document,
                "document_id": hit.chunk.document_id,
                "chunk_id": hit.chunk.id,
                "start": hit.chunk.start,
                "end": hit.chunk.end,
                "text": hit.chunk.text,
                "score": hit.score,
            }
            for hit in hits
        ]
        typer.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    console = Console()
    if not hits:
        console.print("no matches")
    for rank, hit in enumerate(hits, start=1):
        where = " > ".join(hit.chunk.heading_path)
        console.print(
            f"[bold]{rank}. {hit.chunk.document}[/bold] [{hit.chunk.start}:{hit.chunk.end}] "
            f"{where} (score {hit.score:.4f})",
            highlight=False,
        )
        console.print(hit.chunk.text, markup=False, highlight=False)
        console.print()


def documents(
    workspace: str | None = typer.Option(None, "--workspace", "-w", help=_WORKSPACE_HELP),
) -> None:
    """List the workspace's documents."""
    docs = _kb(workspace).documents()
    table = Table("id", "name", "type", "date", "chars")
    for doc in docs:
        table.add_row(doc.id, doc.name, doc.media_type, str(doc.date or ""), str(len(doc.text)))
    Console().print(table)


def delete(
    document_id: str = typer.Argument(..., help="The document's id (see `ecocanvas documents`)."),
    workspace: str | None = typer.Option(None, "--workspace", "-w", help=_WORKSPACE_HELP),
) -> None:
    """Remove a document with all its chunks and vectors."""
    _kb(workspace).delete(document_id)
    typer.echo(f"deleted {document_id}")


def register(app: typer.Typer) -> None:
    app.command("ingest")(ingest)
    app.command("search")(search)
    app.command("documents")(documents)
    app.command("delete")(delete)
