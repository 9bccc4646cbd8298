"""Where generation jobs run: one small interface, its in-process implementation, and job leases.

The runner only moves job ids; everything a job needs is in the database and everything it does
is in `api.service.Service.execute`. `ThreadRunner` runs jobs in the API process (the one-machine
default); `api.queue.QueueRunner` hands them to a queue that `ecocanvas worker` processes read.

Whichever runs a job holds a lease on it in the database, renewed while it runs (`Lease`). A job
whose lease ran out belongs to a process that died: any process may put it back in the queue
(`Store.requeue_expired`), and only the lease holder may write its result, so a job delivered
twice still gives one canvas version.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from types import TracebackType
from typing import Protocol

from ecocanvas.logs import get_logger

log = get_logger(__name__)


class JobCancelled(Exception):  # noqa: N818 - control flow, not an error a user sees
    """Raised inside a running job when its cancellation was requested."""


class LeaseLost(Exception):  # noqa: N818 - control flow, not an error a user sees
    """The job's lease ran out and another process took the job over: this run stops, writing nothing."""


class JobRunner(Protocol):
    def submit(self, job_id: str) -> None:
        """Run the job soon; a job already waiting or running is not run twice."""

    def close(self) -> None:
        """Stop taking jobs; jobs still running are taken over once their lease runs out."""


class Lease:
    """Renews a running job's lease from a thread, every third of its length, until the job ends.

    `renew` returns False once the job is no longer ours; `check()` then raises LeaseLost, so the
    job stops at its next step instead of working on for nothing.
    """

    def __init__(self, job_id: str, renew: Callable[[], bool], seconds: float) -> None:
        self.job_id = job_id
        self._renew = renew
        self._interval = seconds / 3
        self._stop = threading.Event()
        self._lost = threading.Event()
        self._thread = threading.Thread(target=self._run, name=f"ecocanvas-lease-{job_id[:8]}", daemon=True)

    def _run(self) -> None:
        while not self._stop.wait(self._interval):
            try:
                held = self._renew()
            except Exception:
                # The database may be back before the lease runs out; if not, the takeover is the answer.
                log.exception("lease_renewal_failed", job_id=self.job_id)
                continue
            if not held:
                log.warning("lease_lost", job_id=self.job_id)
                self._lost.set()
                return

    def check(self) -> None:
        if self._lost.is_set():
            raise LeaseLost(self.job_id)

    def __enter__(self) -> Lease:
        self._thread.start()
        return self

    def __exit__(self, *_exc: tuple[type[BaseException] | None, BaseException | None, TracebackType | None]) -> None:
        self._stop.set()
        self._thread.join()


class CancelWatch:
    """Sets `event` once the job's cancellation is asked for, checking `requested` every `seconds`.

    The request may come to any process (it is a flag in the database), and the generation only
    looks at an event between its steps and while it waits on its model calls: so the in-flight call
    is abandoned within `seconds` instead of the job running on to its next step.
    """

    def __init__(self, job_id: str, requested: Callable[[], bool], seconds: float) -> None:
        self.job_id = job_id
        self.event = threading.Event()
        self._requested = requested
        self._seconds = seconds
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name=f"ecocanvas-cancel-{job_id[:8]}", daemon=True)

    def _run(self) -> None:
        while not self._stop.wait(self._seconds):
            try:
                if self._requested():
                    self.event.set()
                    return
            except Exception:
                # A database hiccup: the job's own checks between steps still see the flag later.
                log.exception("cancel_check_failed", job_id=self.job_id)

    def __enter__(self) -> threading.Event:
        self._thread.start()
        return self.event

    def __exit__(self, *_exc: tuple[type[BaseException] | None, BaseException | None, TracebackType | None]) -> None:
        self._stop.set()
        self._thread.join()


class ThreadRunner:
    """Runs jobs in a bounded pool of threads inside the server process."""

    def __init__(self, execute: Callable[[str], object], workers: int) -> None:
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


class Sweeper:
    """Every `interval` seconds, first at once on start, `sweep`: jobs whose process died go back to the
    queue (the in-process runner also takes whatever is queued; a queue worker enqueues them again)."""

    def __init__(self, sweep: Callable[[], None], interval: float) -> None:
        self._sweep = sweep
        self._interval = interval
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, name="ecocanvas-job-sweeper", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while True:
            try:
                self._sweep()
            except Exception:
                log.exception("job_sweep_failed")
            if self._stop.wait(self._interval):
                return

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=30)
            self._thread = None
