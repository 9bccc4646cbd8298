"""The scaled set-up as real processes: `ecocanvas serve` and `ecocanvas worker` on one PostgreSQL
database, one Redis queue and one Chroma server, sharing a data directory (docs/deploy.md).

The tests and the API benchmark start it with the servers from `support.servers` and `support.postgres`.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import create_engine, text

from ecocanvas.settings import Settings
from support.api_harness import api_settings, free_port

CLI = [sys.executable, "-c", "from ecocanvas.cli.app import main; main()"]


@dataclass
class Cluster:
    data_dir: Path
    database_url: str
    chroma_url: str
    queue_url: str
    logs: Path
    lease_seconds: float = 3.0
    processes: list[subprocess.Popen[bytes]] = field(default_factory=list)

    def settings(self, **overrides: Any) -> Settings:
        values: dict[str, Any] = {
            "chroma_url": self.chroma_url,
            "queue_url": self.queue_url,
            "job_lease_seconds": self.lease_seconds,
        }
        return api_settings(self.data_dir, self.database_url, **(values | overrides))

    def env(self, **extra: str) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith("ECOCANVAS_")}
        env |= {
            "ECOCANVAS_CONFIG": str(self.data_dir / "no-config.toml"),
            "ECOCANVAS_DATA_DIR": str(self.data_dir),
            "ECOCANVAS_DATABASE_URL": self.database_url,
            "ECOCANVAS_CHROMA_URL": self.chroma_url,
            "ECOCANVAS_QUEUE_URL": self.queue_url,
            "ECOCANVAS_JOB_LEASE_SECONDS": str(self.lease_seconds),
            "ECOCANVAS_EMBEDDER": "hash",
            "ECOCANVAS_CACHE": "false",
        }
        return env | extra

    def _spawn(self, args: list[str], name: str, env: dict[str, str]) -> subprocess.Popen[bytes]:
        with (self.logs / f"{name}.log").open("ab") as out:
            process = subprocess.Popen([*CLI, *args], env=env, stdout=out, stderr=subprocess.STDOUT)
        self.processes.append(process)
        return process

    def start_api(self, workers: int = 1, **env: str) -> str:
        """An `ecocanvas serve` on a port of its own; returns its base URL once /healthz answers."""
        port = free_port()
        name = f"api-{port}"
        process = self._spawn(["serve", "--port", str(port), "--workers", str(workers)], name, self.env(**env))
        base = f"http://127.0.0.1:{port}"
        wait_until(lambda: _healthy(base), f"{name} did not start", self.logs / f"{name}.log", process)
        return base

    def start_worker(self, threads: int = 1, **env: str) -> subprocess.Popen[bytes]:
        name = f"worker-{len(self.processes)}"
        return self._spawn(["worker", "--threads", str(threads)], name, self.env(**env))

    def lease_owners(self) -> list[tuple[str, str, str | None]]:
        """(job id, status, lease owner) of every job, read from the database itself."""
        engine = create_engine(self.database_url)
        try:
            with engine.connect() as connection:
                rows = connection.execute(text("select id, status, lease_owner from jobs order by created_at"))
                return [(r[0], r[1], r[2]) for r in rows]
        finally:
            engine.dispose()

    def stop(self) -> None:
        for process in self.processes:
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        for process in self.processes:
            try:
                process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=30)


def _healthy(base: str) -> bool:
    try:
        return httpx.get(f"{base}/healthz", timeout=1).status_code == 200
    except httpx.TransportError:
        return False


def wait_until(
    check: Any,
    message: str,
    log: Path | None = None,
    process: subprocess.Popen[bytes] | None = None,
    timeout: float = 120,
) -> Any:
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value:
            return value
        if time.monotonic() > deadline or (process is not None and process.poll() is not None):
            tail = log.read_text()[-3000:] if log is not None and log.exists() else ""
            raise AssertionError(f"{message}\n{tail}")
        time.sleep(0.1)


@contextmanager
def cluster(tmp: Path, postgres_url: str) -> Iterator[Cluster]:
    """A fresh PostgreSQL database, Redis and Chroma servers; processes are started by the caller."""
    from support.api_harness import database
    from support.servers import chroma_server, redis_server

    with ExitStack() as stack:
        database_url = stack.enter_context(database("postgresql", postgres_url))
        assert database_url is not None
        chroma_url = stack.enter_context(chroma_server())
        queue_url = stack.enter_context(redis_server())
        logs = tmp / "logs"
        logs.mkdir(parents=True, exist_ok=True)
        running = Cluster(
            data_dir=tmp / "data", database_url=database_url, chroma_url=chroma_url, queue_url=queue_url, logs=logs
        )
        try:
            yield running
        finally:
            running.stop()
