"""Entry point: each command group lives in a module of its own and registers itself here."""

from __future__ import annotations

import importlib
import sys

import typer

from ecocanvas import __version__
from ecocanvas.errors import EcocanvasError
from ecocanvas.logs import configure

app = typer.Typer(
    name="ecocanvas",
    help="Turn ecosystem documents into a cited draft execution canvas, check it for gaps, review it.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

# Each module defines `register(app)`; one module per command group keeps this file a table of contents.
_COMMAND_MODULES = (
    "knowledge_cmds",
    "generate_cmd",
    "logs_cmd",
    "rules_cmds",
    "eval_cmd",
    "serve_cmds",
    "partners_cmds",
)


def _version(value: bool) -> None:
    if value:
        typer.echo(__version__)
        raise typer.Exit()


@app.callback()
def _root(
    version: bool = typer.Option(False, "--version", callback=_version, is_eager=True, help="Print the version."),
    log_level: str = typer.Option("WARNING", "--log-level", envvar="ECOCANVAS_LOG_LEVEL", help="Log level."),
) -> None:
    configure(log_level)


for _name in _COMMAND_MODULES:
    importlib.import_module(f"ecocanvas.cli.{_name}").register(app)


def main() -> None:
    try:
        app()
    except EcocanvasError as exc:
        typer.echo(f"error: {exc}", err=True)
        sys.exit(2)
