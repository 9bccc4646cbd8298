"""A log of every LLM request, in SQLite in the data dir (`<data_dir>/llm-calls.db`), as `llm logs` keeps one.

One row per HTTP request (re-asks and transient retries included) and one per cache hit: when,
which canvas run and call, model, server, prompt version, a hash of the messages, the chunk ids the
call's evidence came from, tokens (and whether they were estimated because the server reported
none), latency, the outcome, and the model's answer. `CallLog.recent` and `CallLog.get` read them,
and `ecocanvas logs` (`ecocanvas/cli/logs_cmd.py`) prints them.

Privacy: the messages themselves (document text) are stored only with `call_log_messages`; the
answer is stored like the response cache stores it (it quotes the documents, and lives in the same
data dir). API keys are never stored: they travel in a separate argument the log never sees, and
error texts are scrubbed by the client before they get here. `call_log = false` turns it all off.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from pydantic import BaseModel, Field

from ecocanvas.logs import get_logger

log = get_logger(__name__)

FILE_NAME = "llm-calls.db"

_SCHEMA = """
CREATE TABLE IF NOT EXISTS calls (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    at TEXT NOT NULL,
    run TEXT NOT NULL DEFAULT '',
    call TEXT NOT NULL DEFAULT '',
    attempt INTEGER NOT NULL DEFAULT 0,
    model TEXT NOT NULL,
    api_base TEXT,
    prompt_version TEXT NOT NULL DEFAULT '',
    messages_sha256 TEXT NOT NULL,
    chunk_ids TEXT NOT NULL DEFAULT '[]',
    prompt_tokens INTEGER NOT NULL DEFAULT 0,
    completion_tokens INTEGER NOT NULL DEFAULT 0,
    tokens_estimated INTEGER NOT NULL DEFAULT 0,
    seconds REAL NOT NULL DEFAULT 0,
    finish_reason TEXT,
    outcome TEXT NOT NULL,
    error TEXT,
    response TEXT,
    messages TEXT
);
CREATE INDEX IF NOT EXISTS calls_run ON calls (run);
"""


class CallTag(BaseModel):
    """What the pipeline knows about a call that the client does not: which run, which call, which chunks."""

    run: str = ""
    call: str = ""
    chunk_ids: list[str] = Field(default_factory=list)


class CallRecord(BaseModel):
    id: int = 0
    at: str = ""
    run: str = ""
    call: str = ""
    attempt: int = 0
    model: str
    api_base: str | None = None
    prompt_version: str = ""
    messages_sha256: str
    chunk_ids: list[str] = Field(default_factory=list)
    prompt_tokens: int = 0
    completion_tokens: int = 0
    tokens_estimated: bool = False
    seconds: float = 0.0
    finish_reason: str | None = None
    outcome: str
    error: str | None = None
    response: str | None = None
    messages: list[dict[str, Any]] | None = None


def messages_hash(messages: Sequence[dict[str, Any]]) -> str:
    canonical = json.dumps(list(messages), sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


_COLUMNS = [name for name in CallRecord.model_fields if name != "id"]


class CallLog:
    """Thread-safe: every operation opens its own connection (SQLite in WAL mode serialises writers)."""

    def __init__(self, path: Path, *, store_messages: bool = False) -> None:
        self.path = path
        self.store_messages = store_messages
        self._ready = False  # the schema exists; creating it twice is harmless (IF NOT EXISTS)

    @contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        if not self._ready:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        connection = sqlite3.connect(self.path, timeout=10)
        try:
            if not self._ready:
                connection.execute("PRAGMA journal_mode=WAL")
                connection.executescript(_SCHEMA)
                self._ready = True
            with connection:
                yield connection
        finally:
            connection.close()

    def add(self, record: CallRecord) -> int | None:
        """Store one request; a log that cannot be written is reported and never fails the call."""
        values = record.model_dump()
        values["at"] = values["at"] or dt.datetime.now(dt.UTC).isoformat(timespec="milliseconds")
        values["chunk_ids"] = json.dumps(values["chunk_ids"])
        values["tokens_estimated"] = int(values["tokens_estimated"])
        values["messages"] = json.dumps(values["messages"], ensure_ascii=False) if self.store_messages else None
        try:
            with self._connect() as db:
                cursor = db.execute(
                    f"INSERT INTO calls ({', '.join(_COLUMNS)}) VALUES ({', '.join('?' for _ in _COLUMNS)})",
                    [values[c] for c in _COLUMNS],
                )
                return int(cursor.lastrowid or 0)
        except sqlite3.Error as exc:
            log.warning("llm_call_log_failed", path=str(self.path), error=str(exc))
            return None

    def set_outcome(self, row_id: int | None, outcome: str, error: str | None = None) -> None:
        if row_id is None:
            return
        try:
            with self._connect() as db:
                db.execute(
                    "UPDATE calls SET outcome = ?, error = COALESCE(?, error) WHERE id = ?", (outcome, error, row_id)
                )
        except sqlite3.Error as exc:
            log.warning("llm_call_log_failed", path=str(self.path), error=str(exc))

    def recent(self, limit: int = 20, run: str | None = None) -> list[CallRecord]:
        """The newest calls first (of one run when `run` is given)."""
        if not self.path.exists():
            return []
        where, args = ("WHERE run = ?", [run]) if run else ("", [])
        with self._connect() as db:
            db.row_factory = sqlite3.Row
            rows = db.execute(f"SELECT * FROM calls {where} ORDER BY id DESC LIMIT ?", [*args, limit]).fetchall()
        return [_record(r) for r in rows]

    def get(self, row_id: int) -> CallRecord | None:
        if not self.path.exists():
            return None
        with self._connect() as db:
            db.row_factory = sqlite3.Row
            row = db.execute("SELECT * FROM calls WHERE id = ?", (row_id,)).fetchone()
        return _record(row) if row is not None else None


def _record(row: sqlite3.Row) -> CallRecord:
    values = dict(row)
    values["chunk_ids"] = json.loads(values["chunk_ids"] or "[]")
    values["tokens_estimated"] = bool(values["tokens_estimated"])
    values["messages"] = json.loads(values["messages"]) if values["messages"] else None
    return CallRecord.model_validate(values)
