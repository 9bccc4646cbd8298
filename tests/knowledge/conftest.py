"""Fixtures of the knowledge tests: an isolated data dir per test, the MiniLM model loaded once per session."""

from __future__ import annotations

from pathlib import Path

import pytest

from ecocanvas.knowledge import KnowledgeBase
from ecocanvas.knowledge.embedding import get_embedder
from ecocanvas.settings import Settings


@pytest.fixture(autouse=True)
def _isolated_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """A developer's own config file or ECOCANVAS_* variables must not steer these tests."""
    monkeypatch.setenv("ECOCANVAS_CONFIG", str(tmp_path / "no-config.toml"))
    for name in ("ECOCANVAS_DATA_DIR", "ECOCANVAS_WORKSPACE", "ECOCANVAS_EMBEDDER", "ECOCANVAS_CHUNK_CHARS"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture(scope="session")
def minilm() -> None:
    """Load the real model once per session (get_embedder caches it for the process)."""
    get_embedder("minilm").embed(["warm up"])


@pytest.fixture
def settings(tmp_path: Path, minilm: None) -> Settings:
    return Settings(data_dir=tmp_path / "data", max_file_bytes=200_000)


@pytest.fixture
def kb(settings: Settings) -> KnowledgeBase:
    return KnowledgeBase(settings)
