"""Prompt-injection guard: sentences in a document that address an AI are data, never content.

The LLM is told not to follow them; this guard makes sure that whatever a model does, no entry
whose only evidence is such a sentence reaches the canvas. The offline extractor skips them too.
"""

from __future__ import annotations

from collections.abc import Iterable

from canvas.model import Citation
from generator.offline.patterns import INJECTION
from generator.offline.text import units
from knowledge import Document


class InjectionGuard:
    def __init__(self, documents: Iterable[Document]) -> None:
        self.spans: dict[str, list[tuple[int, int]]] = {}
        for doc in documents:
            found = [(u.start, u.end) for u in units(doc) if INJECTION.search(u.text)]
            if found:
                self.spans[doc.id] = found

    def tainted(self, citation: Citation) -> bool:
        return any(s < citation.end and citation.start < e for s, e in self.spans.get(citation.document_id, ()))

    def clean_text(self, document: Document) -> str:
        """The document's text with its injected sentences blanked out (offsets unchanged)."""
        text = document.text
        for start, end in self.spans.get(document.id, ()):
            text = text[:start] + " " * (end - start) + text[end:]
        return text

    @property
    def count(self) -> int:
        return sum(len(v) for v in self.spans.values())
