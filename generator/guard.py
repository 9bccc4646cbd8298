"""Prompt-injection guard: sentences in a document that address an AI are data, never content.

The LLM is told not to follow them; this guard makes sure that whatever a model does, no entry
whose only evidence is such a sentence reaches the canvas. The offline extractor skips them too.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from ecocanvas.canvas.model import Citation
from ecocanvas.generator.units import units
from ecocanvas.knowledge import Document

# A sentence that addresses an AI or automated reader with an instruction. Both backends use it: the
# guard for what a model returns, the offline extractor to skip such sentences.
INJECTION = re.compile(
    r"(?:\b(?:AI|A\.I\.|LLMs?|GPT\w*|chat-?bots?|language models?|assistants?|summari[sz]ers?|summari[sz]ing "
    r"(?:tools?|systems?|models?)|automated (?:tools?|systems?|readers?|summar\w+)|machine readers?|bots?)\b"
    r".{0,200}\b(?:must|should|shall|need to|are required|is required|always|ignore|disregard|list|report|"
    r"state|name|treat|record|include|present|describe|mark)\b"
    r"|\bignore (?:all |any )?(?:previous|prior|above|earlier) instructions\b"
    r"|\b(?:note|instruction)s? (?:to|for) (?:any )?(?:AI|automated|machine)\b)",
    re.I,
)


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
