"""Chunking: offsets always index the document text; structure (headings, rows) decides the cuts."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from ecocanvas.knowledge import Document, chunk_document

_LINES = st.one_of(
    st.builds(lambda level, title: "#" * level + " " + title, st.integers(1, 6), st.text(min_size=1, max_size=40)),
    st.text(max_size=300),
    st.builds(lambda a, b: f"Owner: {a} | Lead: {b}", st.text(max_size=30), st.text(max_size=30)),
    st.just(""),
    st.builds(lambda word, n: " ".join([word] * n), st.text(min_size=1, max_size=12), st.integers(0, 400)),
)


def _doc(text: str) -> Document:
    return Document(id="d" * 16, name="random.md", media_type="text/markdown", text=text)


@settings(max_examples=300, deadline=None)
@given(lines=st.lists(_LINES, max_size=40), target=st.integers(200, 1500))
def test_offsets_always_index_the_document_text(lines: list[str], target: int) -> None:
    doc = _doc("\n".join(lines))
    chunks = chunk_document(doc, target)
    covered = [False] * len(doc.text)
    previous_end = 0
    for number, chunk in enumerate(chunks):
        assert chunk.text == doc.text[chunk.start : chunk.end]
        assert chunk.text and chunk.text == chunk.text.strip()
        assert chunk.start >= previous_end, "chunks are in order and never overlap"
        assert chunk.document_id == doc.id and chunk.document == doc.name
        assert chunk.id == f"{doc.id}-{number:04d}"
        previous_end = chunk.end
        for i in range(chunk.start, chunk.end):
            covered[i] = True
    missing = [i for i, ch in enumerate(doc.text) if not ch.isspace() and not covered[i]]
    assert not missing, "every non-blank character belongs to a chunk"


@settings(max_examples=100, deadline=None)
@given(text=st.text(max_size=5000), target=st.integers(200, 800))
def test_offsets_hold_for_arbitrary_unicode(text: str, target: int) -> None:
    doc = _doc(text)
    for chunk in chunk_document(doc, target):
        assert chunk.text == doc.text[chunk.start : chunk.end]


def test_headings_open_chunks_and_give_their_path() -> None:
    text = (
        "# Plan\n\nIntro paragraph.\n\n## Actors\n\nChargeCo runs stations.\n\n"
        "### Partners\n\nGridPay settles.\n\n## Metrics\n\nUptime above 98%."
    )
    chunks = chunk_document(_doc(text), 1200)
    assert [c.heading_path for c in chunks] == [
        ["Plan"],
        ["Plan", "Actors"],
        ["Plan", "Actors", "Partners"],
        ["Plan", "Metrics"],
    ]
    assert chunks[1].text == "## Actors\n\nChargeCo runs stations."
    assert chunks[3].text.startswith("## Metrics")


def test_a_heading_followed_by_a_subheading_stays_with_its_content() -> None:
    chunks = chunk_document(_doc("# Minutes\n## Decisions\n\nWe agreed."), 1200)
    assert len(chunks) == 1
    assert chunks[0].heading_path == ["Minutes", "Decisions"]


def test_table_rows_are_never_cut() -> None:
    rows = [f"Activity: Task {i} | Lead: Partner {i} | Support: Team {i}" for i in range(60)]
    doc = _doc("# Responsibilities\n\n" + "\n".join(rows))
    chunks = chunk_document(doc, 300)
    assert len(chunks) > 5
    for chunk in chunks:
        assert chunk.heading_path == ["Responsibilities"]
        body = [line for line in chunk.text.split("\n") if line and not line.startswith("#")]
        assert all(line in rows for line in body)
        assert len(chunk.text) <= 300 + len("# Responsibilities\n\n")


def test_paragraphs_are_packed_up_to_the_target() -> None:
    paragraphs = [f"Paragraph {i} " + "word " * 30 for i in range(20)]
    chunks = chunk_document(_doc("\n\n".join(p.strip() for p in paragraphs)), 600)
    assert all(len(c.text) <= 600 for c in chunks)
    assert all(c.text.startswith("Paragraph") for c in chunks)
    assert len(chunks) == len(paragraphs) // 3 + (1 if len(paragraphs) % 3 else 0)
