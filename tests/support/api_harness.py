"""The API under test: an app on a temporary data dir, in-process or as a real server on loopback.

`database_kinds()` gives the databases the API tests run against: SQLite always, and PostgreSQL
when its server binaries are installed (a throwaway server is started for the session, see
`support.postgres`) or `ECOCANVAS_TEST_POSTGRES_URL` names a running one. `ECOCANVAS_REQUIRE_POSTGRES=1`
(set by `.ci/run`) makes a missing PostgreSQL a failure instead of a smaller test matrix. Each test
gets a fresh database of its own on that server.
"""

from __future__ import annotations

import os
import socket
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import uvicorn
from fastapi.testclient import TestClient
from sqlalchemy.engine import make_url

from ecocanvas.api import create_app
from ecocanvas.api.db import make_engine, migrate
from ecocanvas.api.store import Store
from ecocanvas.settings import Settings, load_settings

POSTGRES_ENV = "ECOCANVAS_TEST_POSTGRES_URL"
TERMINAL = {"succeeded", "failed", "cancelled"}


def database_kinds() -> list[str]:
    from support.postgres import server_binaries

    wanted = os.environ.get(POSTGRES_ENV) or server_binaries() or os.environ.get("ECOCANVAS_REQUIRE_POSTGRES") == "1"
    return ["sqlite", "postgresql"] if wanted else ["sqlite"]


@contextmanager
def database(kind: str, server_url: str | None) -> Iterator[str | None]:
    """None (SQLite in the data dir) or the URL of a new, empty PostgreSQL database, dropped after."""
    if kind == "sqlite":
        yield None
        return
    import psycopg

    assert server_url is not None
    server = make_url(server_url)
    name = f"ecocanvas_test_{uuid.uuid4().hex[:12]}"
    admin = server.set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield server.set(database=name).render_as_string(hide_password=False)
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def api_settings(data_dir: Path, database_url: str | None = None, **overrides: Any) -> Settings:
    values: dict[str, Any] = {"data_dir": data_dir, "embedder": "hash", "database_url": database_url}
    values.update(overrides)
    return load_settings(**values)


def make_workspace(settings: Settings, name: str, *, can_write: bool = True) -> str:
    engine = make_engine(settings)
    try:
        migrate(engine)
        store = Store(engine)
        key = store.create_workspace(name)
        return key if can_write else store.create_key(name, can_write=False)
    finally:
        engine.dispose()


@dataclass
class Api:
    """An in-process app and keys for two workspaces (`a`, `b`) and a read-only key of `a`."""

    client: TestClient
    settings: Settings
    key_a: str
    key_b: str
    key_a_read: str

    def auth(self, key: str | None = None) -> dict[str, str]:
        return {"Authorization": f"Bearer {key or self.key_a}"}

    def upload(self, *files: tuple[str, bytes], key: str | None = None) -> httpx.Response:
        return self.client.post("/v1/documents", files=[("files", f) for f in files], headers=self.auth(key))

    def wait(self, job_id: str, key: str | None = None, timeout: float = 120) -> dict[str, Any]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            job: dict[str, Any] = self.client.get(f"/v1/jobs/{job_id}", headers=self.auth(key)).json()
            if job["status"] in TERMINAL:
                return job
            time.sleep(0.05)
        raise AssertionError(f"job {job_id} did not finish in {timeout} s")

    def generate(self, key: str | None = None, **request: Any) -> dict[str, Any]:
        response = self.client.post("/v1/jobs", json=request, headers=self.auth(key))
        assert response.status_code == 202, response.text
        job = self.wait(response.json()["id"], key)
        assert job["status"] == "succeeded", job
        return job


@contextmanager
def in_process_api(data_dir: Path, database_url: str | None = None, **overrides: Any) -> Iterator[Api]:
    settings = api_settings(data_dir, database_url, **overrides)
    key_a = make_workspace(settings, "a")
    key_b = make_workspace(settings, "b")
    engine = make_engine(settings)
    key_a_read = Store(engine).create_key("a", can_write=False)
    engine.dispose()
    with TestClient(create_app(settings), raise_server_exceptions=False) as client:
        yield Api(client=client, settings=settings, key_a=key_a, key_b=key_b, key_a_read=key_a_read)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class LiveApi:
    """A real uvicorn server on loopback (for the browser tests and the latency benchmark)."""

    base_url: str
    key: str
    settings: Settings


@contextmanager
def serve_api(data_dir: Path, database_url: str | None = None, **overrides: Any) -> Iterator[LiveApi]:
    settings = api_settings(data_dir, database_url, **overrides)
    key = make_workspace(settings, "web")
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(create_app(settings), host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 60
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the API server did not start")
        time.sleep(0.05)
    try:
        yield LiveApi(base_url=f"http://127.0.0.1:{port}", key=key, settings=settings)
    finally:
        server.should_exit = True
        thread.join(timeout=30)
