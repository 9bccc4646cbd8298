"""KnowledgeBase: ingest, re-ingest, replace, delete, per-file errors, workspace isolation, repair."""

from __future__ import annotations

from pathlib import Path

import pytest
from knowledge_docs import MINUTES_HTML, make_docx, make_encrypted_pdf, make_pdf

from ecocanvas.errors import InputError, NotFoundError, UnsupportedDocumentError
from ecocanvas.knowledge import KnowledgeBase
from ecocanvas.knowledge.vectors import VectorIndex
from ecocanvas.settings import Settings


def _write(folder: Path, files: dict[str, bytes]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, data in files.items():
        (folder / name).write_bytes(data)
    return folder


def _vector_ids(kb: KnowledgeBase) -> set[str]:
    return VectorIndex(kb.root / "chroma", kb._embedder).ids()


def _all_chunk_ids(kb: KnowledgeBase) -> set[str]:
    return {c.id for d in kb.documents() for c in kb.chunks(d.id)}


def test_ingest_every_format_and_report_bad_files_while_the_rest_go_in(kb: KnowledgeBase, tmp_path: Path) -> None:
    folder = _write(
        tmp_path / "docs",
        {
            "minutes.docx": make_docx(),
            "memo.html": MINUTES_HTML,
            "board.pdf": make_pdf(["Partner board held on 3 March 2025.", "GridPay settles roaming fees."]),
            "notes.md": b"# Notes\n\nChargeCo installs chargers.",
            "plain.txt": b"Plain text about signage.",
            "image.txt": b"\x89PNG\r\n\x1a\n" + b"\x00" * 64,
            "empty.md": b"",
            "latin1.txt": b"caf\xe9",
            "locked.pdf": make_encrypted_pdf(),
            "broken.pdf": b"%PDF-1.4\ngarbage",
            "huge.txt": b"a" * 300_000,
            "ignored.png": b"\x89PNG\r\n\x1a\n",
        },
    )
    seen: list[tuple[str, int, int]] = []
    report = kb.ingest([folder], on_progress=lambda path, done, total: seen.append((path, done, total)))

    assert report.files == 11  # the .png is not a document file, so the folder walk skips it
    assert report.added == 5
    assert {e.kind for e in report.errors} == {"unsupported", "empty", "corrupt", "too_large"}
    assert sorted(Path(e.path).name for e in report.errors) == [
        "broken.pdf", "empty.md", "huge.txt", "image.txt", "latin1.txt", "locked.pdf"
    ]  # fmt: skip
    assert all(e.error for e in report.errors)
    assert [done for _, done, _ in seen] == list(range(1, 12)) and {t for _, _, t in seen} == {11}
    names = sorted(d.name for d in kb.documents())
    assert names == ["board.pdf", "memo.html", "minutes.docx", "notes.md", "plain.txt"]
    assert sorted(d.name for d in report.documents) == names
    assert report.chunks == len(_all_chunk_ids(kb)) > 0
    # Nothing of a failed file was written: every vector belongs to a listed document's chunk.
    assert _vector_ids(kb) == _all_chunk_ids(kb)


def test_reingest_is_a_no_op(kb: KnowledgeBase, tmp_path: Path) -> None:
    folder = _write(tmp_path / "docs", {"a.md": b"# A\n\nAlpha text.", "b.md": b"# B\n\nBeta text."})
    first = kb.ingest([folder])
    manifest = (kb.root / "manifest.json").read_bytes()
    second = kb.ingest([folder])
    assert (first.added, second.added, second.unchanged, second.chunks) == (2, 0, 2, 0)
    assert [d.id for d in second.documents] == [d.id for d in first.documents]
    assert (kb.root / "manifest.json").read_bytes() == manifest
    assert len(kb.documents()) == 2


def test_a_changed_file_replaces_its_old_chunks(kb: KnowledgeBase, tmp_path: Path) -> None:
    path = tmp_path / "plan.md"
    path.write_text("# Plan\n\nThe old owner of onboarding is ChargeCo.")
    old = kb.ingest([path]).documents[0]
    path.write_text("# Plan\n\nThe new owner of onboarding is VoltHub.")
    report = kb.ingest([path])
    assert report.replaced == 1
    new = report.documents[0]
    assert [d.id for d in kb.documents()] == [new.id] != [old.id]
    with pytest.raises(NotFoundError):
        kb.get(old.id)
    assert _vector_ids(kb) == {c.id for c in kb.chunks(new.id)}
    assert all("ChargeCo" not in hit.chunk.text for hit in kb.search("owner of onboarding ChargeCo"))


def test_delete_removes_text_chunks_and_vectors(kb: KnowledgeBase) -> None:
    keep = kb.ingest_bytes("keep.md", b"# Keep\n\nThe canary word is marmalade.")
    gone = kb.ingest_bytes("gone.md", b"# Gone\n\nThe secret word is porcupine.")
    kb.delete(gone.id)
    assert [d.id for d in kb.documents()] == [keep.id]
    assert not (kb.root / "documents" / f"{gone.id}.json").exists()
    assert _vector_ids(kb) == {c.id for c in kb.chunks(keep.id)}
    for mode in ("hybrid", "bm25", "dense"):
        assert all(h.chunk.document_id == keep.id for h in kb.search("porcupine secret word", mode=mode))
    with pytest.raises(NotFoundError):
        kb.delete(gone.id)
    with pytest.raises(NotFoundError):
        kb.chunks(gone.id)


def test_workspaces_are_isolated(settings: Settings) -> None:
    a = KnowledgeBase(settings, "alpha")
    b = KnowledgeBase(settings, "beta")
    a.ingest_bytes("canary.md", b"The canary phrase is zebra-quasar-7731 in the alpha workspace.")
    b.ingest_bytes("other.md", b"Beta holds only ordinary text about charging.")
    for mode in ("hybrid", "bm25", "dense"):
        assert any("zebra-quasar-7731" in h.chunk.text for h in a.search("zebra-quasar-7731", mode=mode))
        assert all("zebra" not in h.chunk.text for h in b.search("zebra-quasar-7731 canary phrase", mode=mode))
    assert [d.name for d in b.documents()] == ["other.md"]
    with pytest.raises(InputError):
        KnowledgeBase(settings, "../escape")


def test_search_filters_by_document_and_hits_carry_offsets(kb: KnowledgeBase) -> None:
    one = kb.ingest_bytes("one.md", b"# One\n\nGridPay settles roaming payments every week.")
    two = kb.ingest_bytes("two.md", b"# Two\n\nGridPay also runs the billing help desk.")
    hits = kb.search("GridPay", k=5, document_ids=[two.id])
    assert hits and {h.chunk.document_id for h in hits} == {two.id}
    for hit in kb.search("GridPay payments", k=5):
        doc = kb.get(hit.chunk.document_id)
        assert doc.text[hit.chunk.start : hit.chunk.end] == hit.chunk.text
    assert kb.search("GridPay", document_ids=[]) == []
    with pytest.raises(NotFoundError):
        kb.search("GridPay", document_ids=["nope"])
    with pytest.raises(InputError):
        kb.search("   ")
    assert one.id != two.id


def test_filtered_dense_search_is_the_same_exact_or_through_chroma_filters(
    kb: KnowledgeBase, monkeypatch: pytest.MonkeyPatch
) -> None:
    docs = [
        kb.ingest_bytes(f"d{i}.md", f"# Doc {i}\n\nPartner {i} runs site {i} for the network.".encode())
        for i in range(4)
    ]
    chosen = [docs[1].id, docs[3].id]
    exact = [
        (h.chunk.id, round(h.score, 4)) for h in kb.search("who runs a site", k=3, document_ids=chosen, mode="dense")
    ]
    monkeypatch.setattr("ecocanvas.knowledge.vectors._EXACT_SEARCH_LIMIT", 0)  # force chroma's metadata filter
    filtered = [
        (h.chunk.id, round(h.score, 4)) for h in kb.search("who runs a site", k=3, document_ids=chosen, mode="dense")
    ]
    assert exact == filtered
    assert {cid.rsplit("-", 1)[0] for cid, _ in exact} == set(chosen)


def test_ingest_bytes_raises_input_errors_and_writes_nothing(kb: KnowledgeBase) -> None:
    with pytest.raises(UnsupportedDocumentError):
        kb.ingest_bytes("photo.txt", b"\x89PNG\r\n\x1a\n" + b"\x00" * 10)
    assert kb.documents() == [] and _vector_ids(kb) == set()
    assert kb.search("anything") == []


def test_a_crash_between_the_two_writes_is_repaired_on_open(kb: KnowledgeBase, settings: Settings) -> None:
    doc = kb.ingest_bytes("kept.md", b"# Kept\n\nA document that stays.")
    stray = kb.chunks(doc.id)[0].model_copy(update={"id": "stray-0000", "document_id": "stray"})
    VectorIndex(kb.root / "chroma", kb._embedder).add([stray], kb._embedder.embed([stray.text]))
    assert "stray-0000" in _vector_ids(kb)
    reopened = KnowledgeBase(settings)
    assert _vector_ids(reopened) == {c.id for c in reopened.chunks(doc.id)}


def test_switching_embedder_reindexes_from_the_document_store(kb: KnowledgeBase, settings: Settings) -> None:
    doc = kb.ingest_bytes("a.md", b"# A\n\nChargeCo installs the chargers.")
    hashed = KnowledgeBase(settings.model_copy(update={"embedder": "hash"}))
    hashed.wait_for_vectors()  # the new embedder's vectors are written in the background
    assert hashed.lexical_only() == []
    assert _vector_ids(hashed) == {c.id for c in hashed.chunks(doc.id)}
    assert hashed.search("chargers", mode="dense")[0].chunk.document_id == doc.id


def test_a_file_named_explicitly_with_an_unsupported_type_is_refused(kb: KnowledgeBase, tmp_path: Path) -> None:
    sheet = tmp_path / "kpis.csv"
    sheet.write_text("Metric,Owner\nUptime,ChargeCo\n", encoding="utf-8")
    report = kb.ingest([sheet])
    [error] = report.errors
    assert error.kind == "unsupported" and ".csv files are not supported" in error.error
    assert kb.documents() == []
