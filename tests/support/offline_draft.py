"""One markdown document drafted by the offline extractor, the way the sentence-level tests need it."""

from __future__ import annotations

import datetime as dt

from ecocanvas.generator.drafts import CanvasDraft
from ecocanvas.generator.offline import extract_offline
from ecocanvas.knowledge import Chunk, Document


def document(text: str, name: str = "m.md", date: dt.date = dt.date(2025, 2, 3), id: str = "m") -> Document:
    return Document(id=id, name=name, media_type="text/markdown", text=text, date=date)


def draft(text: str, name: str = "m.md", date: dt.date = dt.date(2025, 2, 3)) -> CanvasDraft:
    """The whole text is the evidence: one chunk over the document."""
    doc = document(text, name, date)
    chunk = Chunk(id="m-0", document_id=doc.id, document=name, start=0, end=len(text), text=text)
    return extract_offline([doc], [chunk])


def draft_documents(*docs: tuple[str, str, dt.date]) -> CanvasDraft:
    """Several markdown documents, given as (name, text, date), each one chunk of evidence."""
    documents = [document(text, name, date, id=f"d{i}") for i, (name, text, date) in enumerate(docs)]
    chunks = [
        Chunk(id=f"{d.id}-0", document_id=d.id, document=d.name, start=0, end=len(d.text), text=d.text)
        for d in documents
    ]
    return extract_offline(documents, chunks)
