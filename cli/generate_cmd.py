"""`ecocanvas generate`: ingest documents, draft the canvas, check it, write JSON, Markdown or HTML."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING

import typer
from rich.console import Console

from ecocanvas.canvas.render import to_html, to_markdown
from ecocanvas.generator import generate
from ecocanvas.rules.health_summary import health_summary
from ecocanvas.settings import load_settings

if TYPE_CHECKING:
    from ecocanvas.generator.progress import ProgressEvent

# How `generate` ends, by the draft's status (README, docs/llm.md). 1 is `check`'s "error finding"
# and 2 an error before any draft (bad input, config, an unreadable corpus), so a draft that came
# out incomplete gets codes of its own: a script can tell "fix the documents" from "retry the model".
EXIT_CODES: dict[str, int] = {"complete": 0, "partial": 3, "budget_exceeded": 4, "failed": 5}


class Format(StrEnum):
    json = "json"
    md = "md"
    html = "html"


def register(app: typer.Typer) -> None:
    @app.command("generate")
    def generate_cmd(
        paths: list[Path] = typer.Argument(..., exists=True, help="Documents or folders of documents."),
        model: str | None = typer.Option(
            None,
            "--model",
            help="A litellm model, e.g. openai/gpt-4o-mini. Unset (and no ECOCANVAS_MODEL): the offline extractor.",
        ),
        api_base: str | None = typer.Option(None, "--api-base", help="Base URL of an OpenAI-compatible server."),
        workspace: str | None = typer.Option(None, "--workspace", "-w", help="Workspace to ingest into."),
        fmt: Format = typer.Option(Format.json, "--format", "-f", help="Output format."),
        out: Path | None = typer.Option(None, "-o", "--out", help="Write here instead of standard output."),
        max_tokens: int | None = typer.Option(None, "--max-tokens", help="Token budget for the whole canvas."),
    ) -> None:
        """Draft a cited execution canvas from documents, then check it for gaps."""
        settings = load_settings(model=model, api_base=api_base, workspace=workspace, max_tokens=max_tokens)
        console = Console(stderr=True)
        with console.status("starting") as status:

            def progress(event: ProgressEvent) -> None:
                status.update(f"[bold]{event.stage}[/bold] {event.message}")
                if event.stage != "ingest" and event.status != "running":
                    console.log(f"{event.stage}: {event.status}: {event.message}")

            result = generate(paths, settings, on_progress=progress)
        if fmt is Format.json:
            text = result.model_dump_json(indent=2)
        elif fmt is Format.md:
            text = to_markdown(result, health=health_summary(result.canvas, result.findings))
        else:
            text = to_html(result, health=health_summary(result.canvas, result.findings))
        canvas = result.canvas
        gen = canvas.generator
        errors = sum(1 for f in result.findings if f.severity == "error")
        console.print(
            f"[green]{canvas.title or 'canvas'}[/green]: {len(canvas.actors)} actors, {len(canvas.activities)} "
            f"activities, {len(canvas.value_exchanges)} exchanges, {len(canvas.governance)} mechanisms, "
            f"{len(canvas.metrics)} metrics; {len(result.findings)} findings ({errors} errors); "
            f"{gen.calls} LLM calls, {gen.prompt_tokens + gen.completion_tokens} tokens, status {gen.status}"
        )
        if out is None:
            typer.echo(text)
        else:
            out.parent.mkdir(parents=True, exist_ok=True)
            out.write_text(text, encoding="utf-8")
            console.print(f"wrote {out}")
        code = EXIT_CODES[gen.status]
        if code:
            # The draft is written either way: what was drafted is still worth reviewing.
            console.print(f"[red]status {gen.status}[/red]: exit {code}")
            raise typer.Exit(code)
