"""The schema comes from the migrations, on either database; a bad database URL is a clear error."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from sqlalchemy import create_engine, inspect
from sqlalchemy.pool import NullPool
from support.api_harness import api_settings, database, database_kinds

from ecocanvas.api.db import PING_AFTER_SECONDS, make_engine, migrate
from ecocanvas.errors import ConfigError

TABLES = {
    "workspaces",
    "api_keys",
    "jobs",
    "job_events",
    "canvases",
    "canvas_versions",
    "partner_imports",
    "alembic_version",
}


@pytest.mark.parametrize("kind", database_kinds())
def test_migrations_build_the_schema_and_are_idempotent(
    kind: str, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    server = request.getfixturevalue("postgres_url") if kind == "postgresql" else None
    with database(kind, server) as url:
        engine = make_engine(api_settings(tmp_path, url))
        try:
            migrate(engine)
            migrate(engine)  # a second start finds the schema current and changes nothing
            assert set(inspect(engine).get_table_names()) == TABLES
            with engine.connect() as connection:
                assert connection.exec_driver_sql("select version_num from alembic_version").scalar() == "0004"
        finally:
            engine.dispose()


def test_an_unreachable_database_is_a_config_error(tmp_path: Path) -> None:
    engine = make_engine(api_settings(tmp_path, "postgresql+psycopg://nobody:secret@127.0.0.1:1/none"))
    with pytest.raises(ConfigError, match="cannot use the database") as caught:
        migrate(engine)
    assert "secret" not in str(caught.value)


def test_a_pooled_connection_the_server_dropped_is_replaced_before_use(tmp_path: Path, postgres_url: str) -> None:
    # Connections are pinged only after being idle for a while (not on every checkout): one that the
    # server closed meanwhile, as a restart does, must still never reach a request.
    with database("postgresql", postgres_url) as url:
        assert url is not None
        engine, admin = make_engine(api_settings(tmp_path, url)), create_engine(url, poolclass=NullPool)
        try:
            with engine.connect() as connection:
                first = connection.exec_driver_sql("select pg_backend_pid()").scalar()
            with admin.connect() as connection:
                assert connection.exec_driver_sql(f"select pg_terminate_backend({first})").scalar() is True
            time.sleep(PING_AFTER_SECONDS + 0.5)  # idle past the window, as a connection is after a restart
            with engine.connect() as connection:
                second = connection.exec_driver_sql("select pg_backend_pid()").scalar()
            assert second != first
        finally:
            engine.dispose()
            admin.dispose()


def test_sqlite_runs_in_wal_mode(tmp_path: Path) -> None:
    engine = make_engine(api_settings(tmp_path))
    try:
        with engine.connect() as connection:
            assert connection.exec_driver_sql("pragma journal_mode").scalar() == "wal"
            assert connection.exec_driver_sql("pragma foreign_keys").scalar() == 1
    finally:
        engine.dispose()
