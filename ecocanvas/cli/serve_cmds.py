"""`ecocanvas serve` (the API and the review page) and `ecocanvas workspace` (workspaces and keys)."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import typer

from ecocanvas.errors import InputError
from ecocanvas.settings import get_settings

if TYPE_CHECKING:
    from api.store import Store

_WORKSPACE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}$")


def _store() -> Store:
    # Imported here: `ecocanvas --help` should not pay for SQLAlchemy and the generator.
    from api.db import make_engine, migrate
    from api.store import Store

    engine = make_engine(get_settings())
    migrate(engine)
    return Store(engine)


def register(app: typer.Typer) -> None:
    @app.command("serve")
    def serve(
        host: str = typer.Option("127.0.0.1", "--host", help="Interface to listen on."),
        port: int = typer.Option(8000, "--port", help="Port to listen on."),
    ) -> None:
        """Run the HTTP API and the review page (open http://HOST:PORT/)."""
        import uvicorn

        from api import create_app

        settings = get_settings()
        typer.echo(f"ecocanvas API on http://{host}:{port}/ (data in {settings.data_dir})", err=True)
        uvicorn.run(create_app(settings), host=host, port=port, log_level="warning")

    workspace = typer.Typer(help="Workspaces and their API keys.", no_args_is_help=True)
    app.add_typer(workspace, name="workspace")

    @workspace.command("create")
    def create(
        name: str = typer.Argument(..., help="Letters, digits, '_', '.', '-' (max 63)."),
        read_only: bool = typer.Option(False, "--read-only", help="The first key may only read."),
    ) -> None:
        """Create a workspace and print its first API key (shown once; only a hash is kept)."""
        if not _WORKSPACE.match(name) or ".." in name:
            raise InputError(f"invalid workspace name {name!r}: letters, digits, '_', '.', '-' (max 63)")
        store = _store()
        key = store.create_workspace(name)
        if read_only:
            store.revoke_key(key[:12])
            key = store.create_key(name, can_write=False)
        typer.echo(key)
        typer.echo(f"workspace {name!r} created; keep the key above, it is not shown again", err=True)

    @workspace.command("key")
    def new_key(
        name: str = typer.Argument(..., help="The workspace."),
        read_only: bool = typer.Option(False, "--read-only", help="The key may only read."),
    ) -> None:
        """Print a new API key for an existing workspace."""
        typer.echo(_store().create_key(name, can_write=not read_only))

    @workspace.command("revoke")
    def revoke(prefix: str = typer.Argument(..., help="The key's first 12 characters.")) -> None:
        """Revoke a key by its first 12 characters."""
        count = _store().revoke_key(prefix)
        if not count:
            raise InputError(f"no active key starts with {prefix!r}")
        typer.echo(f"revoked {count} key(s)", err=True)

    @workspace.command("list")
    def list_workspaces() -> None:
        """Workspaces, when each was made, and how many keys are active."""
        for name, created, keys in _store().workspaces():
            typer.echo(f"{name}\t{created:%Y-%m-%d %H:%M}\t{keys} key(s)")
