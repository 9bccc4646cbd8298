"""Where the vectors live: embedded (one process per workspace, enforced) or a Chroma server shared by processes."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest
from support.servers import chroma_server

from ecocanvas.errors import ConfigError, IndexStoreError
from ecocanvas.settings import Settings, load_settings
from knowledge import KnowledgeBase
from knowledge.vectors import collection_name

# A second process: opens the workspace, adds one document, says so, and waits for a line on stdin.
_OTHER = textwrap.dedent(
    """
    import sys
    from ecocanvas.settings import load_settings
    from knowledge import KnowledgeBase
    kb = KnowledgeBase(load_settings(), sys.argv[1])
    kb.ingest_bytes("other.md", b"# Other\\nPelican Freight audits the charging stations every quarter.")
    print("ready", flush=True)
    sys.stdin.readline()
    print(" ".join(sorted(h.chunk.document for h in kb.search("who audits stations", k=5, mode="dense"))), flush=True)
    """
)


def _settings(tmp_path: Path, chroma_url: str | None = None) -> Settings:
    return load_settings(data_dir=tmp_path / "data", embedder="hash", chroma_url=chroma_url)


def _other(settings: Settings, workspace: str) -> subprocess.Popen[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ECOCANVAS_")}
    env |= {"ECOCANVAS_DATA_DIR": str(settings.data_dir), "ECOCANVAS_EMBEDDER": "hash"}
    if settings.chroma_url:
        env["ECOCANVAS_CHROMA_URL"] = settings.chroma_url
    process = subprocess.Popen(
        [sys.executable, "-c", _OTHER, workspace], env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    assert process.stdout is not None and process.stdout.readline().strip() == "ready"
    return process


@pytest.fixture(scope="module")
def chroma() -> Iterator[str]:
    with chroma_server() as url:
        yield url


def test_an_embedded_workspace_is_refused_to_a_second_process_while_the_first_has_it(tmp_path: Path) -> None:
    settings = _settings(tmp_path)
    other = _other(settings, "shared")
    try:
        refused = rf"open in another process \(pid {other.pid}\).*ECOCANVAS_CHROMA_URL"
        with pytest.raises(IndexStoreError, match=refused):
            KnowledgeBase(settings, "shared")
        KnowledgeBase(settings, "elsewhere")  # another workspace is another store
    finally:
        assert other.stdin is not None
        other.stdin.write("\n")
        other.stdin.close()
        other.wait(timeout=60)
    kb = KnowledgeBase(settings, "shared")  # the first process has gone: the store is free
    assert [d.name for d in kb.documents()] == ["other.md"]
    assert kb.search("who audits the charging stations", k=1, mode="dense")[0].chunk.document == "other.md"


def test_processes_writing_one_workspace_on_a_chroma_server_see_each_others_vectors(
    tmp_path: Path, chroma: str
) -> None:
    settings = _settings(tmp_path, chroma)
    other = _other(settings, "team")
    try:
        kb = KnowledgeBase(settings, "team")
        kb.ingest_bytes("mine.md", b"# Mine\nHeron Energy audits the grid connection of each station.")
        # This process sees the vectors the other process wrote, and the other sees this one's.
        assert {h.chunk.document for h in kb.search("who audits stations", k=5, mode="dense")} == {
            "mine.md",
            "other.md",
        }
        assert other.stdin is not None and other.stdout is not None
        other.stdin.write("\n")
        other.stdin.flush()
        assert other.stdout.readline().split() == ["mine.md", "other.md"]
    finally:
        other.wait(timeout=60)
    # One collection per workspace: another workspace on the same server sees none of it.
    alone = KnowledgeBase(settings, "team-b")
    alone.ingest_bytes("b.md", b"# B\nOsprey Mobility runs the booking app.")
    assert {h.chunk.document for h in alone.search("who audits stations", k=5, mode="dense")} == {"b.md"}


def test_collection_names_fit_chroma_for_every_workspace_name() -> None:
    workspaces = ("a", "a.", "x-", "ws_1", "W" * 63, "W" * 62 + ".")
    names = {collection_name(w, space) for w in workspaces for space in ("hash", "minilm", "minilm-onnx-int8")}
    assert len(names) == 18
    for name in names:
        assert 3 <= len(name) <= 63 and name[0].isalnum() and name[-1].isalnum() and ".." not in name


def test_a_chroma_url_that_is_not_http_is_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="ECOCANVAS_CHROMA_URL"):
        KnowledgeBase(_settings(tmp_path, "redis://127.0.0.1:1"), "w")


def test_an_embedded_store_opened_after_a_server_one_in_the_same_process_stays_embedded(
    tmp_path: Path, chroma: str
) -> None:
    served = KnowledgeBase(_settings(tmp_path / "served", chroma), "first")
    served.ingest_bytes("a.md", b"# A\nHeron Energy audits the grid connection of each station.")
    embedded = KnowledgeBase(_settings(tmp_path / "embedded"), "second")
    embedded.ingest_bytes("b.md", b"# B\nOsprey Mobility runs the booking app.")
    assert embedded.search("who runs the booking app", k=1, mode="dense")[0].chunk.document == "b.md"
    # Its vectors are on disk in the workspace, not in the server.
    assert (tmp_path / "embedded" / "data" / "workspaces" / "second" / "chroma" / "chroma.sqlite3").is_file()
    assert not {h.chunk.document for h in served.search("who runs the booking app", k=5, mode="dense")} & {"b.md"}


_STEP = textwrap.dedent(
    """
    import sys
    import chromadb
    from ecocanvas.settings import load_settings
    from knowledge import KnowledgeBase
    step, root = sys.argv[1], sys.argv[2]
    if step == "legacy":  # what an older release left: the same vectors, named by embedder
        client = chromadb.PersistentClient(path=root)
        new = client.get_collection("vectors-hash")
        held = new.get(include=["embeddings", "metadatas"])
        old = client.create_collection("chunks-hash", metadata={"hnsw:space": "cosine"})
        old.add(ids=held["ids"], embeddings=held["embeddings"], metadatas=held["metadatas"])
        client.delete_collection("vectors-hash")
    else:
        kb = KnowledgeBase(load_settings(), "w")
        if step == "ingest":
            kb.ingest_bytes("audits.md", b"# Audits\\nPelican Freight audits the charging stations every quarter.")
        kb.wait_for_vectors()
        names = sorted(c.name for c in chromadb.PersistentClient(path=root).list_collections())
        hits = kb.search("who audits stations", k=3, mode="dense")
        print(" ".join(names), "|", " ".join(h.chunk.document for h in hits), flush=True)
    """
)


def test_vectors_an_older_release_named_by_embedder_are_dropped_and_embedded_again(tmp_path: Path) -> None:
    """'chunks-minilm' held torch vectors before it held ONNX ones: a workspace never mixes the two."""
    settings = _settings(tmp_path)
    env = {k: v for k, v in os.environ.items() if not k.startswith("ECOCANVAS_")}
    env |= {"ECOCANVAS_DATA_DIR": str(settings.data_dir), "ECOCANVAS_EMBEDDER": "hash"}
    root = str(settings.workspaces_dir / "w" / "chroma")

    def step(name: str) -> str:
        run = subprocess.run([sys.executable, "-c", _STEP, name, root], env=env, capture_output=True, text=True)
        assert run.returncode == 0, run.stderr
        return run.stdout.strip()

    assert step("ingest") == "vectors-hash | audits.md"
    step("legacy")
    assert step("reopen") == "vectors-hash | audits.md"
