"""The database engine and its migrations: SQLite in WAL mode by default, PostgreSQL by URL."""

from __future__ import annotations

import math
import time
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DisconnectionError, OperationalError

from ecocanvas.errors import ConfigError
from ecocanvas.settings import Settings

MIGRATIONS = Path(__file__).parent / "migrations"
# Any fixed 64-bit number, the same in every process: the key of the advisory lock migrations take.
_MIGRATION_LOCK = 0x0EC0CA1A5
# PostgreSQL connections kept per process, and how many more it may open for a while (see make_engine).
POOL_SIZE = 40
POOL_OVERFLOW = 10
# A pooled connection idle for longer than this is pinged before use (see _ping_when_idle).
PING_AFTER_SECONDS = 1.0


def make_engine(settings: Settings) -> Engine:
    try:
        url = make_url(settings.database)
    except Exception as exc:
        raise ConfigError(f"ECOCANVAS_DATABASE_URL is not a database URL: {exc}") from exc
    if url.get_backend_name() == "sqlite":
        if url.database and url.database != ":memory:":
            Path(url.database).parent.mkdir(parents=True, exist_ok=True)
        # As many connections as request threads may want at once: readers never wait for one another in WAL.
        engine = create_engine(
            url, connect_args={"check_same_thread": False, "timeout": 30}, pool_size=20, max_overflow=20
        )
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    # A request holds a connection only while it runs in one of anyio's 40 request threads, so a pool of
    # 40 never makes a request wait, and never closes a connection it will want a moment later: with 20
    # and 20 of overflow, 32 requests in flight opened and closed about ten PostgreSQL connections a
    # second, a fork and a login each (docs/benchmarks.md). The overflow is for the job and sweeper
    # threads. So each process may hold 50 connections: docs/deploy.md sizes max_connections by it.
    engine = create_engine(url, pool_size=POOL_SIZE, max_overflow=POOL_OVERFLOW)
    _ping_when_idle(engine)
    return engine


def _ping_when_idle(engine: Engine) -> None:
    """Check a pooled connection before use only when it has been idle for over `PING_AFTER_SECONDS`.

    SQLAlchemy's pool_pre_ping pings on every checkout: a round trip per request, half the statements
    PostgreSQL ran under load. A connection handed back a moment ago is alive unless the server went
    down in that moment, and then SQLAlchemy's disconnect handling drops the whole pool at the first
    error; one idle longer (a restart, an idle timeout) is pinged, and a dead one is replaced before
    anyone uses it.
    """

    def checkin(_dbapi_connection: Any, record: Any) -> None:
        record.info["checked_in"] = time.monotonic()

    def checkout(dbapi_connection: Any, record: Any, _proxy: Any) -> None:
        if time.monotonic() - record.info.get("checked_in", -math.inf) <= PING_AFTER_SECONDS:
            return
        try:
            engine.dialect.do_ping(dbapi_connection)
        except engine.dialect.loaded_dbapi.Error as exc:
            if engine.dialect.is_disconnect(exc, dbapi_connection, None):
                # The pool discards this connection and checks out another (a new one if need be).
                raise DisconnectionError(str(exc)) from exc
            raise

    event.listen(engine.pool, "checkin", checkin)
    event.listen(engine.pool, "checkout", checkout)


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # WAL lets readers go on while a job writes; NORMAL sync is durable across a process crash.
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


def migrate(engine: Engine) -> None:
    """Bring the schema to the newest migration (a no-op when it is there already)."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    try:
        with engine.begin() as connection:
            if connection.dialect.name == "postgresql":
                # Several API processes and workers start at once: one migrates, the others then find it done.
                connection.exec_driver_sql(f"SELECT pg_advisory_xact_lock({_MIGRATION_LOCK})")
            config.attributes["connection"] = connection
            command.upgrade(config, "head")
    except OperationalError as exc:
        where = engine.url.render_as_string(hide_password=True)
        raise ConfigError(f"cannot use the database {where}: {exc.orig}") from exc
