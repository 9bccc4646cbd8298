"""What every repository of the API's store shares: an engine, and one short transaction per call."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker


def new_id() -> str:
    return uuid.uuid4().hex


class Repository:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._sessions = sessionmaker(engine, expire_on_commit=False)

    @contextmanager
    def _tx(self) -> Iterator[Session]:
        # Every method opens its own short transaction, so a crash loses at most the write in flight.
        with self._sessions.begin() as session:
            yield session
