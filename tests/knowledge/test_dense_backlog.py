"""Documents are searchable by their words once stored; dense vectors follow, and a stop loses none of them."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

from ecocanvas.knowledge import KnowledgeBase
from ecocanvas.knowledge.embedding import get_embedder
from ecocanvas.knowledge.store import DocumentStore
from ecocanvas.knowledge.vectors import VectorIndex
from ecocanvas.settings import Settings

CANARY = b"# Harbour\n\nVoltHub maintains the chargers in the harbour district every night."


def _long_document(paragraphs: int) -> bytes:
    body = "\n\n".join(
        f"## Site {n}\n\nSite {n} is run by partner {n}, who reports its uptime each month to the steering committee."
        for n in range(paragraphs)
    )
    return f"# Sites\n\n{body}".encode()


def _vector_ids(kb: KnowledgeBase) -> set[str]:
    return VectorIndex(kb.root / "chroma", kb._embedder).ids()


def test_a_stored_document_is_found_by_its_words_and_listed_until_its_vectors_are_written(kb: KnowledgeBase) -> None:
    with kb._backlog.paused():
        doc = kb.ingest_bytes("harbour.md", CANARY, wait=False)
        assert kb.lexical_only() == [doc.id]
        assert kb.lexical_only([doc.id]) == [doc.id] and kb.lexical_only(["other"]) == []
        assert [h.chunk.document_id for h in kb.search("harbour chargers", mode="bm25")] == [doc.id]
        assert kb.search("harbour chargers", mode="dense") == []
        # Hybrid search still answers, from the words alone.
        assert [h.chunk.document_id for h in kb.search("harbour chargers")] == [doc.id]
    seen: list[tuple[int, int]] = []
    kb.wait_for_vectors([doc.id], on_progress=lambda done, total: seen.append((done, total)))
    assert seen[-1] == (1, 1) and all(total == 1 for _, total in seen)
    assert kb.lexical_only() == []
    assert [h.chunk.document_id for h in kb.search("who looks after the charging points", mode="dense")] == [doc.id]


def test_batches_span_documents_and_every_chunk_gets_its_vector(kb: KnowledgeBase, tmp_path: Path) -> None:
    folder = tmp_path / "docs"
    folder.mkdir()
    for n in range(6):
        (folder / f"d{n}.md").write_bytes(_long_document(3 + n))
    progress: list[tuple[int, int]] = []
    report = kb.ingest([folder], on_embedded=lambda done, total: progress.append((done, total)))
    chunk_ids = {c.id for d in kb.documents() for c in kb.chunks(d.id)}
    assert report.added == 6 and report.chunks == len(chunk_ids)
    assert _vector_ids(kb) == chunk_ids
    assert kb.lexical_only() == []
    assert progress[-1] == (len(chunk_ids), len(chunk_ids))


def test_a_deleted_document_left_in_the_backlog_gets_no_vectors(kb: KnowledgeBase) -> None:
    with kb._backlog.paused():
        keep = kb.ingest_bytes("keep.md", CANARY, wait=False)
        gone = kb.ingest_bytes("gone.md", _long_document(4), wait=False)
        kb.delete(gone.id)
    kb.wait_for_vectors()
    assert _vector_ids(kb) == {c.id for c in kb.chunks(keep.id)}
    assert kb.lexical_only() == []


def test_a_process_that_stops_before_embedding_loses_nothing(settings: Settings, tmp_path: Path) -> None:
    # A real process commits two documents with its backlog held, then dies without any cleanup.
    script = textwrap.dedent(
        f"""
        import os
        from pathlib import Path
        from ecocanvas.settings import Settings
        from ecocanvas.knowledge import KnowledgeBase

        kb = KnowledgeBase(Settings(data_dir=Path({str(settings.data_dir)!r}), max_file_bytes=200_000))
        with kb._backlog.paused():
            kb.ingest_bytes("harbour.md", {CANARY!r}, wait=False)
            kb.ingest_bytes("sites.md", {_long_document(5)!r}, wait=False)
            os._exit(0)
        """
    )
    env = {"ECOCANVAS_CONFIG": str(tmp_path / "none.toml"), "PATH": "/usr/bin:/bin", "HF_HUB_OFFLINE": "1"}
    run = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=300, env=env)
    assert run.returncode == 0, run.stderr

    root = settings.workspaces_dir / "default"
    store = DocumentStore(root)
    assert len(store.pending()) == 2 == len(store.ids())
    # No vector was written (the collection may not even exist yet).
    assert VectorIndex(root / "chroma", get_embedder(settings.embedder)).count() == 0

    kb = KnowledgeBase(settings)  # the next open queues what the stopped process left
    assert [h.chunk.document for h in kb.search("harbour chargers", mode="bm25")][:1] == ["harbour.md"]
    kb.wait_for_vectors()
    assert kb.lexical_only() == []
    assert _vector_ids(kb) == store.chunk_ids()
    assert kb.search("who looks after the charging points", mode="dense")[0].chunk.document == "harbour.md"
