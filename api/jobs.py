"""Where generation jobs run: one small interface, and the in-process implementation of it.

The runner only moves job ids; everything a job needs is in the database and everything it does
is in `api.service.Service.execute`. A queue engine with separate workers can replace
`ThreadRunner` by delivering the same ids to the same function.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Protocol

from ecocanvas.logs import get_logger

log = get_logger(__name__)


class JobCancelled(Exception):  # noqa: N818 - control flow, not an error a user sees
    """Raised inside a running job when its cancellation was requested."""


class JobRunner(Protocol):
    def submit(self, job_id: str) -> None:
        """Run the job soon; a job already waiting or running is not run twice."""

    def close(self) -> None:
        """Stop taking jobs; jobs still running are recovered on the next start."""


class ThreadRunner:
    """Runs jobs in a bounded pool of threads inside the server process."""

    def __init__(self, execute: Callable[[str], None], workers: int) -> None:
        self._execute = execute
        self._workers = workers
        self._pool: ThreadPoolExecutor | None = None
        self._lock = threading.Lock()
        self._pending: dict[str, Future[None]] = {}

    def submit(self, job_id: str) -> None:
        with self._lock:
            if job_id in self._pending:
                return
            # Started on first use, so an app can be started, stopped and started again (tests do).
            if self._pool is None:
                self._pool = ThreadPoolExecutor(max_workers=self._workers, thread_name_prefix="ecocanvas-job")
            self._pending[job_id] = self._pool.submit(self._run, job_id)

    def _run(self, job_id: str) -> None:
        try:
            self._execute(job_id)
        except Exception:
            log.exception("job_crashed", job_id=job_id)
        finally:
            with self._lock:
                self._pending.pop(job_id, None)

    def busy(self) -> int:
        with self._lock:
            return len(self._pending)

    def close(self) -> None:
        with self._lock:
            pool, self._pool = self._pool, None
            self._pending.clear()
        if pool is not None:
            pool.shutdown(wait=False, cancel_futures=True)
