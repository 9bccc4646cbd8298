"""The database engine and its migrations: SQLite in WAL mode by default, PostgreSQL by URL."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError

from ecocanvas.errors import ConfigError
from ecocanvas.settings import Settings

MIGRATIONS = Path(__file__).parent / "migrations"
# Any fixed 64-bit number, the same in every process: the key of the advisory lock migrations take.
_MIGRATION_LOCK = 0x0EC0CA1A5


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
    return create_engine(url, pool_pre_ping=True, pool_size=20, max_overflow=20)


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
