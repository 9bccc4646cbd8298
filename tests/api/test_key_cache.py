"""Verified keys are kept in the API process for `key_cache_seconds`: a revoked key stops working once that runs out."""

from __future__ import annotations

import time
from pathlib import Path

from fastapi.testclient import TestClient
from support.api_harness import in_process_api

from ecocanvas.api import create_app
from ecocanvas.api.db import make_engine
from ecocanvas.api.store import Store
from ecocanvas.settings import Settings


def _revoke(settings: Settings, key: str) -> None:
    # What `ecocanvas workspace revoke` does, from outside the server process.
    engine = make_engine(settings)
    try:
        assert Store(engine).revoke_key(key[:12]) == 1
    finally:
        engine.dispose()


def test_with_no_key_cache_a_revoked_key_is_refused_on_the_next_request(tmp_path: Path) -> None:
    with in_process_api(tmp_path, key_cache_seconds=0) as api:
        assert api.client.get("/v1/documents", headers=api.auth()).status_code == 200
        _revoke(api.settings, api.key_a)
        assert api.client.get("/v1/documents", headers=api.auth()).status_code == 401
        # The other workspace's key is untouched.
        assert api.client.get("/v1/documents", headers=api.auth(api.key_b)).status_code == 200


def test_a_revoked_key_works_until_its_cache_entry_runs_out_then_is_refused(tmp_path: Path) -> None:
    ttl = 0.2
    with in_process_api(tmp_path, key_cache_seconds=ttl) as api:
        assert api.client.get("/v1/documents", headers=api.auth()).status_code == 200
        _revoke(api.settings, api.key_a)
        revoked_at = time.monotonic()
        inside = api.client.get("/v1/documents", headers=api.auth())
        if time.monotonic() - revoked_at < ttl:
            # The documented window: this process verified the key less than the TTL ago.
            assert inside.status_code == 200
        time.sleep(ttl)
        assert api.client.get("/v1/documents", headers=api.auth()).status_code == 401
        assert api.client.get("/v1/workspace", headers=api.auth()).status_code == 401


def test_a_long_key_cache_keeps_a_revoked_key_working_in_a_running_server(tmp_path: Path) -> None:
    with in_process_api(tmp_path, key_cache_seconds=3600) as api:
        assert api.client.get("/v1/documents", headers=api.auth()).status_code == 200
        _revoke(api.settings, api.key_a)
        assert api.client.get("/v1/documents", headers=api.auth()).status_code == 200
        # Another API process on the same database never verified the key: it asks and is told it is revoked.
        with TestClient(create_app(api.settings), raise_server_exceptions=False) as other:
            assert other.get("/v1/workspace", headers=api.auth()).status_code == 401
            assert other.get("/v1/workspace", headers=api.auth(api.key_b)).status_code == 200
