"""What every repository of the API's store shares: an engine, and one short transaction per call."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Connection, Engine
from sqlalchemy.orm import Session, sessionmaker


def new_id() -> str:
    return uuid.uuid4().hex


class Repository:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._sessions = sessionmaker(engine, expire_on_commit=False)
        # The same pool, each connection switched to autocommit while a read holds it (a client-side flag
        # in psycopg and sqlite3, no statement sent).
        self._reads = engine.execution_options(isolation_level="AUTOCOMMIT")

    @contextmanager
    def _tx(self) -> Iterator[Session]:
        # Every method opens its own short transaction, so a crash loses at most the write in flight.
        with self._sessions.begin() as session:
            yield session

    @contextmanager
    def _read(self) -> Iterator[Connection]:
        """A connection for reads of one statement each, on the hot paths of the API.

        A statement needs no transaction of its own: in autocommit it is one round trip to PostgreSQL
        instead of three (BEGIN, the query, COMMIT), and a Core connection skips the ORM session's
        bookkeeping. Reads that must see several rows in one snapshot keep using `_tx`.
        """
        with self._reads.connect() as connection:
            yield connection
