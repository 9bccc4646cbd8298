"""One markdown document drafted by the offline extractor, the way the sentence-level tests need it."""

from __future__ import annotations

import datetime as dt

from ecocanvas.generator.drafts import CanvasDraft
from ecocanvas.generator.offline import extract_offline
from ecocanvas.knowledge import Chunk, Document


def document(text: str, name: str = "m.md", date: dt.date = dt.date(2025, 2, 3)) -> Document:
    return Document(id="m", name=name, media_type="text/markdown", text=text, date=date)


def draft(text: str, name: str = "m.md", date: dt.date = dt.date(2025, 2, 3)) -> CanvasDraft:
    """The whole text is the evidence: one chunk over the document."""
    doc = document(text, name, date)
    chunk = Chunk(id="m-0", document_id=doc.id, document=name, start=0, end=len(text), text=text)
    return extract_offline([doc], [chunk])
