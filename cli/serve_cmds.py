"""`ecocanvas serve` (the API and the review page), `ecocanvas worker` (jobs from the queue) and
`ecocanvas workspace` (workspaces and keys)."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import typer

from ecocanvas.errors import ConfigError, InputError
from ecocanvas.settings import Settings, get_settings

if TYPE_CHECKING:
    from ecocanvas.api.store import Store

_WORKSPACE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}$")


def _store() -> Store:
    # Imported here: `ecocanvas --help` should not pay for SQLAlchemy and the generator.
    from ecocanvas.api.db import make_engine, migrate
    from ecocanvas.api.store import Store

    engine = make_engine(get_settings())
    migrate(engine)
    return Store(engine)


def _need_shared_vectors(settings: Settings, what: str) -> None:
    # The embedded vector store is safe for one process only; several need the Chroma server.
    if not settings.chroma_url:
        raise ConfigError(
            f"{what} means several processes reading the vectors: run a Chroma server (`chroma run`) and set "
            "ECOCANVAS_CHROMA_URL (docs/deploy.md)"
        )


def register(app: typer.Typer) -> None:
    @app.command("serve")
    def serve(
        host: str = typer.Option("127.0.0.1", "--host", help="Interface to listen on."),
        port: int = typer.Option(8000, "--port", help="Port to listen on."),
        workers: int = typer.Option(
            1, "--workers", min=1, help="API processes sharing the port (more than one needs ECOCANVAS_CHROMA_URL)."
        ),
    ) -> None:
        """Run the HTTP API and the review page (open http://HOST:PORT/)."""
        import uvicorn

        settings = get_settings()
        if workers > 1:
            _need_shared_vectors(settings, f"--workers {workers}")
        typer.echo(f"ecocanvas API on http://{host}:{port}/ (data in {settings.data_dir})", err=True)
        if workers == 1:
            from ecocanvas.api import create_app

            uvicorn.run(create_app(settings), host=host, port=port, log_level="warning")
            return
        # Each process builds its own app from the environment (uvicorn starts them afresh). Migrating here
        # first means they all start on a current schema.
        from ecocanvas.api.db import make_engine, migrate

        engine = make_engine(settings)
        migrate(engine)
        engine.dispose()
        uvicorn.run(
            "ecocanvas.api.app:create_app", factory=True, host=host, port=port, workers=workers, log_level="warning"
        )

    @app.command("worker")
    def worker(
        threads: int = typer.Option(
            None, "--threads", min=1, max=64, help="Jobs run at once in this process (default: ECOCANVAS_JOB_WORKERS)."
        ),
        grace: float = typer.Option(
            30.0, "--grace", min=0, help="Seconds running jobs may take to finish after SIGTERM."
        ),
    ) -> None:
        """Run generation jobs from the queue (ECOCANVAS_QUEUE_URL) until stopped; start as many as you need."""
        settings = get_settings()
        if not settings.queue_url:
            raise ConfigError("a worker reads jobs from the queue: set ECOCANVAS_QUEUE_URL (redis://host:6379/0)")
        _need_shared_vectors(settings, "a worker")
        from ecocanvas.api.queue import run_worker

        typer.echo(f"ecocanvas worker on {settings.queue_url} (data in {settings.data_dir})", err=True)
        run_worker(settings, threads or settings.job_workers, grace)

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
