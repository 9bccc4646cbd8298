"""Worker processes that extract text from PDF, DOCX and HTML under a wall-clock timeout and a memory cap.

The parsers are third-party code fed untrusted bytes: a hostile file may loop, inflate to
gigabytes or build a huge tree. In a worker that only costs the worker, which is killed and
replaced; the file is refused with a CorruptDocumentError saying which limit it hit. Workers
are reused between files (starting one costs far more than a small parse). Each is a fresh
interpreter (`python -m ecocanvas.knowledge.sandbox`) talking over a socket pair: nothing of the API process
(uvicorn, chromadb, torch threads) is forked, and unlike multiprocessing's spawn or forkserver the
caller's main module is never imported again, so any script, REPL or `python -` may parse files.
A small pool serves concurrent callers; each worker parses one file at a time, and the workers are
shared fairly between tenants (`parse_tenant`, see `FairSlots`). The memory cap
(RLIMIT_AS) is the worker's footprint at rest plus `memory_mb`, since what the interpreter and its
modules already map is not the file's doing.
"""

from __future__ import annotations

import atexit
import itertools
import os
import re
import resource
import signal
import socket
import subprocess
import sys
import threading
import time
from collections import Counter, deque
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from multiprocessing.connection import Connection, wait
from types import TracebackType
from typing import Literal

from ecocanvas.errors import CorruptDocumentError, EcocanvasError, EmptyDocumentError
from ecocanvas.knowledge.formats import docx_layout, html_layout
from ecocanvas.knowledge.layout import Layout
from ecocanvas.knowledge.pdf import pdf_layout
from ecocanvas.logs import get_logger

SandboxKind = Literal["pdf", "docx", "html"]

# Concurrent parses per memory cap; each may grow to its cap, so this bounds the total too.
MAX_WORKERS = max(2, min(4, os.cpu_count() or 1))
_STARTUP_TIMEOUT = 120.0
_HOSTILE = "refused as malformed or hostile"
_MEMORY_MESSAGE = re.compile(r"memory allocation failed|out of memory|cannot allocate memory", re.IGNORECASE)

log = get_logger(__name__)


# -- the worker side -----------------------------------------------------------------------------


def _extract(kind: str, payload: bytes, is_text: bool) -> str:
    """The file's layout as JSON (what crosses the socket back to the parent)."""
    if kind == "pdf":
        layout = pdf_layout(payload)
    elif kind == "docx":
        layout = docx_layout(payload)
    else:
        layout = html_layout(payload.decode("utf-8") if is_text else payload)
    return layout.model_dump_json()


def _footprint_bytes() -> int:
    with open("/proc/self/status", encoding="ascii") as status:  # noqa: PTH123 (procfs, not a path to build)
        for line in status:
            if line.startswith("VmSize:"):
                return int(line.split()[1]) * 1024
    return 0


def _cap_memory(memory_mb: int) -> None:
    try:
        base = _footprint_bytes()
    except OSError:
        base = 0  # no procfs: the cap counts the interpreter too, which only makes it stricter
    _, hard = resource.getrlimit(resource.RLIMIT_AS)
    soft = base + memory_mb * 1024 * 1024
    if hard != resource.RLIM_INFINITY:
        soft = min(soft, hard)
    resource.setrlimit(resource.RLIMIT_AS, (soft, hard))
    # A parser crash should cost a restart, not a core file of up to the cap on disk.
    resource.setrlimit(resource.RLIMIT_CORE, (0, resource.getrlimit(resource.RLIMIT_CORE)[1]))


def _ran_out_of_memory(exc: BaseException) -> bool:
    seen: BaseException | None = exc
    while seen is not None:
        if isinstance(seen, MemoryError) or _MEMORY_MESSAGE.search(str(seen)):
            return True
        seen = seen.__cause__ or seen.__context__
    return False


def _serve(conn: Connection, memory_mb: int) -> None:
    """Worker loop: (kind, is_text) then the payload in, one reply tuple out, until the pipe closes."""
    # Ctrl-C in a terminal reaches the whole process group; the parent decides when workers stop.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _cap_memory(memory_mb)
    conn.send(("ready", ""))
    while True:
        try:
            kind, is_text = conn.recv()
            payload = conn.recv_bytes()
            conn.send(("started", ""))
        except (EOFError, OSError):
            return
        reply: tuple[str, str]
        try:
            reply = ("ok", _extract(kind, payload, is_text))
        except BaseException as exc:  # every failure of the parser is a reply, not a crash
            if _ran_out_of_memory(exc):
                reply = ("memory", "")
            elif isinstance(exc, EmptyDocumentError):
                reply = ("empty", str(exc))
            else:
                reply = ("corrupt", str(exc) if isinstance(exc, CorruptDocumentError) else f"damaged file: {exc}")
        del payload
        try:
            conn.send(reply)
        except MemoryError:
            conn.send(("memory", ""))


# -- the parent side -----------------------------------------------------------------------------


class _WorkerLostError(Exception):
    """The worker was gone before it got the file: not the file's fault, so it is retried once."""


class _Worker:
    def __init__(self, memory_mb: int) -> None:
        ours, theirs = socket.socketpair()
        env = {**os.environ, "PYTHONPATH": os.pathsep.join(p for p in sys.path if p)}
        self.process = subprocess.Popen(
            [sys.executable, "-m", "ecocanvas.knowledge.sandbox", str(theirs.fileno()), str(memory_mb)],
            pass_fds=(theirs.fileno(),),
            stdin=subprocess.DEVNULL,
            env=env,
        )
        theirs.close()
        self.conn = Connection(ours.detach())
        if not self.conn.poll(_STARTUP_TIMEOUT):
            self.kill()
            raise EcocanvasError(f"the document parser process did not start within {_STARTUP_TIMEOUT:g} s")
        try:
            self.conn.recv()
        except (EOFError, OSError) as exc:
            self.kill()
            raise EcocanvasError(f"the document parser process exited at start ({self.process.poll()})") from exc

    def alive(self) -> bool:
        return self.process.poll() is None

    def run(self, kind: SandboxKind, payload: bytes | str, timeout: float) -> tuple[str, str] | None:
        """The worker's reply, or None when it did not answer within `timeout`.

        Raises _WorkerLostError when the worker died before it acknowledged the file: a small
        request fits in the pipe even when nobody is left to read it.
        """
        deadline = time.monotonic() + timeout
        try:
            self.conn.send((kind, isinstance(payload, str)))
            self.conn.send_bytes(payload.encode("utf-8") if isinstance(payload, str) else payload)
            acknowledged = self._receive(deadline)
        except (BrokenPipeError, ConnectionResetError) as exc:
            raise _WorkerLostError from exc
        if acknowledged is None:
            return None
        if acknowledged[0] == "died":
            raise _WorkerLostError
        return self._receive(deadline)

    def _receive(self, deadline: float) -> tuple[str, str] | None:
        # A worker that dies closes its end of the socket, which wakes this wait with an EOF.
        if not wait([self.conn], max(0.0, deadline - time.monotonic())):
            return None
        try:
            message: tuple[str, str] = self.conn.recv()
        except (EOFError, OSError):
            try:
                code = self.process.wait(1.0)
            except subprocess.TimeoutExpired:
                code = None
            return ("died", str(code))
        return message

    def kill(self) -> None:
        self.process.kill()
        self.process.wait()
        self.conn.close()


# Who the parses of this thread are for (the API names the workspace); nobody named means one local user.
_TENANT: ContextVar[str | None] = ContextVar("ecocanvas_parse_tenant", default=None)


@contextmanager
def parse_tenant(tenant: str) -> Iterator[None]:
    """Parses inside this block are on behalf of `tenant`, for the pool's fairness between tenants."""
    token = _TENANT.set(tenant)
    try:
        yield
    finally:
        _TENANT.reset(token)


class FairSlots:
    """The pool's workers as slots, shared fairly between tenants (used as `with slots:`).

    One tenant holds at most `per_tenant` slots at once (all but one, by default), so a tenant's
    hostile files, each holding a worker up to the parse timeout, always leave a worker for the
    others. When a slot frees, it goes to the waiting tenant holding the fewest, and among those to
    the one served longest ago: tenants take turns, whoever sent more files. A caller that names no
    tenant (the CLI) is one more tenant, without the cap.
    """

    def __init__(self, total: int, per_tenant: int | None = None) -> None:
        self.total = total
        self.per_tenant = per_tenant if per_tenant is not None else max(1, total - 1)
        self._cond = threading.Condition()
        self._busy = 0
        self._running: Counter[str | None] = Counter()
        self._waiting: dict[str | None, deque[int]] = {}
        self._served: dict[str | None, int] = {}  # tenant -> ticket of its latest grant (a clock)
        self._tickets = itertools.count()

    def __enter__(self) -> None:
        tenant = _TENANT.get()
        with self._cond:
            ticket = next(self._tickets)
            self._waiting.setdefault(tenant, deque()).append(ticket)
            try:
                while self._next() != ticket:
                    self._cond.wait()
            except BaseException:
                self._leave_queue(tenant, ticket)
                self._cond.notify_all()
                raise
            self._leave_queue(tenant, ticket)
            self._busy += 1
            self._running[tenant] += 1
            self._served[tenant] = ticket
            self._cond.notify_all()  # a slot may still be free for the next in line

    def __exit__(
        self, _type: type[BaseException] | None, _value: BaseException | None, _tb: TracebackType | None
    ) -> None:
        tenant = _TENANT.get()
        with self._cond:
            self._busy -= 1
            self._running[tenant] -= 1
            if self._running[tenant] <= 0:
                del self._running[tenant]
                if tenant not in self._waiting:
                    self._served.pop(tenant, None)
            self._cond.notify_all()

    def _next(self) -> int | None:
        """The ticket that gets the next free slot, or None while none is free or every waiter is at its cap."""
        if self._busy >= self.total:
            return None
        ready = [t for t in self._waiting if t is None or self._running[t] < self.per_tenant]
        if not ready:
            return None
        chosen = min(ready, key=lambda t: (self._running[t], self._served.get(t, -1), self._waiting[t][0]))
        return self._waiting[chosen][0]

    def _leave_queue(self, tenant: str | None, ticket: int) -> None:
        queue = self._waiting[tenant]
        queue.remove(ticket)
        if not queue:
            del self._waiting[tenant]

    def load(self) -> dict[str | None, tuple[int, int]]:
        """Per tenant: (slots held, parses waiting)."""
        with self._cond:
            tenants = set(self._running) | set(self._waiting)
            return {t: (self._running[t], len(self._waiting.get(t, ()))) for t in tenants}


@dataclass(eq=False)
class ParseSandbox:
    """A pool of up to `max_workers` parse workers, each capped at `memory_mb`; safe to share between threads."""

    memory_mb: int
    max_workers: int = MAX_WORKERS
    _idle: list[_Worker] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _slots: FairSlots = field(init=False)

    def __post_init__(self) -> None:
        self._slots = FairSlots(self.max_workers)

    def extract(self, kind: SandboxKind, payload: bytes | str, timeout: float) -> Layout:
        """Text and structure of one file; CorruptDocumentError/EmptyDocumentError when unreadable or over a limit."""
        with self._slots:
            reply = self._run(kind, payload, timeout)
        status, detail = reply if reply is not None else ("timeout", "")
        if status == "ok":
            return Layout.model_validate_json(detail)
        if status == "empty":
            raise EmptyDocumentError(detail)
        if status == "corrupt":
            raise CorruptDocumentError(detail)
        log.warning("parse_worker_replaced", kind=kind, reason=status, detail=detail)
        if status == "timeout":
            raise CorruptDocumentError(f"took longer than {timeout:g} s to read: {_HOSTILE}")
        if status == "memory":
            raise CorruptDocumentError(f"needed more than {self.memory_mb} MB of memory to read: {_HOSTILE}")
        raise CorruptDocumentError(f"the parser process died while reading it (exit code {detail}): {_HOSTILE}")

    def _run(self, kind: SandboxKind, payload: bytes | str, timeout: float) -> tuple[str, str] | None:
        try:
            return self._run_once(kind, payload, timeout)
        except _WorkerLostError:
            pass  # an idle worker died (say, the OOM killer chose it): not this file's doing
        try:
            return self._run_once(kind, payload, timeout)
        except _WorkerLostError as exc:
            raise EcocanvasError("the document parser process was lost twice in a row") from exc

    def _run_once(self, kind: SandboxKind, payload: bytes | str, timeout: float) -> tuple[str, str] | None:
        worker = self._take()
        keep = False
        try:
            reply = worker.run(kind, payload, timeout)
            # A worker that hit its memory cap may hold a fragmented heap: the next file gets a fresh one.
            keep = reply is not None and reply[0] in ("ok", "empty", "corrupt")
            return reply
        finally:
            if keep:
                with self._lock:
                    self._idle.append(worker)
            else:
                worker.kill()

    def _take(self) -> _Worker:
        with self._lock:
            while self._idle:
                worker = self._idle.pop()
                if worker.alive():
                    return worker
                worker.kill()
        return _Worker(self.memory_mb)

    def load(self) -> dict[str | None, tuple[int, int]]:
        """Per tenant: (workers held, files waiting), for health checks and tests."""
        return self._slots.load()

    def idle_pids(self) -> list[int]:
        """Process ids of the idle workers (for health checks and tests)."""
        with self._lock:
            return [worker.process.pid for worker in self._idle]

    def close(self) -> None:
        with self._lock:
            idle, self._idle = self._idle, []
        for worker in idle:
            worker.kill()


@dataclass
class _Registry:
    sandboxes: dict[int, ParseSandbox] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)


_registry = _Registry()


def sandbox_for(memory_mb: int) -> ParseSandbox:
    """The process-wide sandbox for one memory cap (settings rarely differ, tests do)."""
    with _registry.lock:
        sandbox = _registry.sandboxes.get(memory_mb)
        if sandbox is None:
            sandbox = _registry.sandboxes[memory_mb] = ParseSandbox(memory_mb)
        return sandbox


def extract_layout(kind: SandboxKind, payload: bytes | str, *, timeout: float, memory_mb: int) -> Layout:
    """Text and structure, read in a worker process: at most `timeout` s and `memory_mb` MB, or CorruptDocumentError."""
    return sandbox_for(memory_mb).extract(kind, payload, timeout)


def shutdown() -> None:
    """Stop every idle worker (a busy one is stopped by its caller when its parse ends)."""
    with _registry.lock:
        sandboxes = list(_registry.sandboxes.values())
    for sandbox in sandboxes:
        sandbox.close()


def _worker_main(argv: list[str]) -> None:
    _serve(Connection(int(argv[1])), int(argv[2]))


def _forget_after_fork() -> None:
    # A forked child shares the parent's pipes; it must start its own workers, never talk to these.
    global _registry
    _registry = _Registry()


atexit.register(shutdown)
os.register_at_fork(after_in_child=_forget_after_fork)


if __name__ == "__main__":
    _worker_main(sys.argv)
