"""Eval cases from reviewed canvases: every review is a test case.

A canvas a person reviewed says what the draft got right (accepted), wrong (edited: the person's
version is the answer; rejected) and missed (added by hand). `case_from_review` turns one into a case
in the dataset format (docs/evals.md): accepted, edited and added entries become gold, rejected ones
`must_not_appear` entries. Only what a person decided counts: an entry still in draft is not gold,
and neither is an entry that names an actor nobody kept (its owner or a side of its exchange would
be a guess). `case_files` gives the folder's files, so the case loads with `ecocanvas.evals.dataset` and runs
with `ecocanvas eval --dataset` like any bundled ecosystem.

The workspace keeps each document's extracted text and structure, not the file, so a case's
documents are text: a `.txt` or `.md` document is its own text (the file's bytes, for UTF-8 files);
any other (HTML, DOCX, PDF) becomes `<name>.md`, its headings, lists and tables written as Markdown so
the extractor finds the structure the parser found in the file (`as_markdown`).
"""

from __future__ import annotations

import json
import re
import shutil
from collections.abc import Sequence
from pathlib import Path, PurePath

from pydantic import BaseModel, Field

from ecocanvas.canvas.acceptance import CanvasAcceptance, canvas_acceptance
from ecocanvas.canvas.ids import slug
from ecocanvas.canvas.model import Canvas, Entry
from ecocanvas.canvas.review import EntrySection, entry_label
from ecocanvas.evals.dataset import (
    DOCS_DIR,
    GOLD_FILE,
    Forbidden,
    ForbiddenType,
    Gold,
    GoldActivity,
    GoldActor,
    GoldExchange,
    GoldMechanism,
    GoldMetric,
    gold_labels,
)
from ecocanvas.evals.matching import has_keywords, name_variants, tokens, word_matches
from ecocanvas.knowledge.layout import Block
from ecocanvas.knowledge.models import Document

REVIEW_FILE = "review.json"
# Words that say nothing about which entry is meant; the rest of a label are its keywords.
_FUNCTION_WORDS_TEXT = """a an the of and or to for with in on by from at as into per via is are be its their our
all any each every new"""
_FUNCTION_WORDS = frozenset(_FUNCTION_WORDS_TEXT.split())
# Keywords per gold entry, as docs/evals.md asks of hand-written gold: 2-4 for names, 2-3 for values.
_KEYWORDS: dict[ForbiddenType, int] = {"activity": 4, "metric": 4, "value_exchange": 3, "mechanism": 3}
_KEPT_AS_TEXT = (".txt", ".md")
_UNSAFE = re.compile(r"[^A-Za-z0-9._ -]+")


class Skipped(BaseModel):
    """A decided entry the case leaves out, and why."""

    section: EntrySection
    entry_id: str
    label: str
    why: str


class CaseDocument(BaseModel):
    document_id: str = Field(description="The document's id in the workspace.")
    name: str = Field(description="The workspace's name for it.")
    file: str = Field(description="The file under docs/ that holds its text.")


class ReviewCase(BaseModel):
    """One eval case made from one reviewed canvas version."""

    name: str = Field(description="The case's folder name.")
    canvas_id: str
    version: int
    gold: Gold
    documents: list[CaseDocument]
    missing_documents: list[str] = Field(
        default_factory=list, description="Ids of documents the canvas came from that the workspace no longer has."
    )
    decided: int = Field(description="Entries a person decided on (accepted, edited, rejected, added).")
    skipped: list[Skipped] = Field(default_factory=list)
    acceptance: CanvasAcceptance


def keywords_for(label: str, limit: int) -> list[str]:
    """The label's content words, one per stem, at most `limit` (the longest, in the label's order).

    Taken from the label itself, so the gold entry always satisfies its own keywords (lint).
    """
    words = tokens(label)
    content = [w for w in words if w not in _FUNCTION_WORDS and not w.isdigit()] or words
    distinct: list[str] = []
    for word in content:
        if not any(word_matches(word, seen) for seen in distinct):
            distinct.append(word)
    if len(distinct) > limit:
        keep = sorted(range(len(distinct)), key=lambda i: (-len(distinct[i]), i))[:limit]
        distinct = [distinct[i] for i in sorted(keep)]
    return distinct


def _decided(entry: Entry) -> bool:
    return entry.status in ("accepted", "edited")


class _Builder:
    """Reads one canvas into gold, collecting what it leaves out."""

    def __init__(self, canvas: Canvas) -> None:
        self.canvas = canvas
        self.skipped: list[Skipped] = []
        self.names: dict[str, str] = {}  # kept actor id -> its gold name
        self.actors: list[GoldActor] = []
        self.forbidden: list[Forbidden] = []

    def skip(self, section: EntrySection, entry: Entry, why: str) -> None:
        self.skipped.append(Skipped(section=section, entry_id=entry.id, label=entry_label(entry), why=why))

    def read_actors(self) -> None:
        seen: dict[str, str] = {}
        for actor in self.canvas.actors:
            if not _decided(actor):
                continue
            variants = name_variants(actor.name, *actor.aliases)
            clash = next((seen[v] for v in variants if v in seen), None)
            if clash is not None:
                # Two kept actors one name fits: the gold would be ambiguous, so the first one stands for both.
                self.names[actor.id] = clash
                self.skip("actors", actor, f"shares a name with the kept actor {clash!r}; merge them to be exact")
                continue
            aliases = [a for a in actor.aliases if name_variants(a) != name_variants(actor.name)]
            self.actors.append(GoldActor(name=actor.name, aliases=aliases, kind=actor.kind))
            self.names[actor.id] = actor.name
            seen.update(dict.fromkeys(variants, actor.name))

    def actor_name(self, section: EntrySection, entry: Entry, actor_id: str, role: str) -> str | None:
        name = self.names.get(actor_id)
        if name is None:
            self.skip(section, entry, f"its {role} is an actor nobody kept (still a draft or rejected)")
        return name

    def keywords(self, section: EntrySection, entry: Entry, kind: ForbiddenType) -> list[str]:
        found = keywords_for(entry_label(entry), _KEYWORDS[kind])
        if not found:
            self.skip(section, entry, "its text has no words to match")
        return found

    def gold(self) -> Gold:
        self.read_actors()
        activities: list[GoldActivity] = []
        for act in (a for a in self.canvas.activities if _decided(a)):
            owner = None if act.owner is None else self.actor_name("activities", act, act.owner, "owner")
            if act.owner is not None and owner is None:
                continue
            keywords = self.keywords("activities", act, "activity")
            if not keywords:
                continue
            activities.append(
                GoldActivity(
                    name=act.name,
                    keywords=keywords,
                    owner=owner,
                    supporters=[self.names[s] for s in act.supporters if s in self.names],
                    approvers=[self.names[s] for s in act.approvers if s in self.names],
                )
            )
        exchanges: list[GoldExchange] = []
        for ex in (e for e in self.canvas.value_exchanges if _decided(e)):
            provider = self.actor_name("value_exchanges", ex, ex.provider, "provider")
            receiver = provider and self.actor_name("value_exchanges", ex, ex.receiver, "receiver")
            keywords = self.keywords("value_exchanges", ex, "value_exchange") if receiver else []
            if provider and receiver and keywords:
                exchanges.append(
                    GoldExchange(provider=provider, receiver=receiver, value=ex.value, keywords=keywords, kind=ex.kind)
                )
        governance = [
            GoldMechanism(kind=m.kind, keywords=keywords, description=m.description)
            for m in self.canvas.governance
            if _decided(m) and (keywords := self.keywords("governance", m, "mechanism"))
        ]
        metrics = [
            # A metric's owner is not scored; one nobody kept is left out rather than guessed.
            GoldMetric(name=m.name, keywords=keywords, owner=self.names.get(m.owner or ""), target=m.target)
            for m in self.canvas.metrics
            if _decided(m) and (keywords := self.keywords("metrics", m, "metric"))
        ]
        review = self.canvas.review
        gold = Gold(
            title=self.canvas.title or "Reviewed canvas",
            actors=self.actors,
            activities=activities,
            value_exchanges=exchanges,
            governance=governance,
            metrics=metrics,
            review_cadence=review.cadence if "review.cadence" in self.canvas.reviewed_fields else None,
        )
        return gold.model_copy(update={"must_not_appear": self.rejected(gold)})

    def rejected(self, gold: Gold) -> list[Forbidden]:
        out: list[Forbidden] = []
        for actor in (a for a in self.canvas.actors if a.status == "rejected"):
            if gold.actor_named(actor.name) is not None:
                self.skip("actors", actor, "rejected, but a kept actor has this name")
                continue
            out.append(Forbidden(type="actor", name=actor.name, why=actor.reason or "rejected in review"))
        sections: list[tuple[EntrySection, ForbiddenType, Sequence[Entry]]] = [
            ("activities", "activity", self.canvas.activities),
            ("value_exchanges", "value_exchange", self.canvas.value_exchanges),
            ("governance", "mechanism", self.canvas.governance),
            ("metrics", "metric", self.canvas.metrics),
        ]
        for section, kind, entries in sections:
            kept = gold_labels(gold, kind)
            for entry in (e for e in entries if e.status == "rejected"):
                keywords = self.keywords(section, entry, kind)
                if not keywords:
                    continue
                bad = Forbidden(
                    type=kind, name=entry_label(entry), keywords=keywords, why=entry.reason or "rejected in review"
                )
                if any(has_keywords(keywords, label, bad.share) for label in kept):
                    # A duplicate of a kept entry, or the draft of one a person edited: not wrong in itself.
                    self.skip(section, entry, "rejected, but a kept entry says the same")
                    continue
                out.append(bad)
        return out


def _file_name(name: str, taken: set[str]) -> str:
    base = _UNSAFE.sub("_", PurePath(name.replace("\\", "/")).name).strip(" .") or "document"
    if not base.lower().endswith(_KEPT_AS_TEXT):
        base += ".md"
    stem, dot, suffix = base.rpartition(".")
    candidate, n = base, 1
    while candidate.lower() in taken:
        n += 1
        candidate = f"{stem}-{n}{dot}{suffix}"
    taken.add(candidate.lower())
    return candidate


def case_name(canvas: Canvas, canvas_id: str) -> str:
    return f"{slug(canvas.title or 'canvas', 40)}-{canvas_id[:8]}"


def case_from_review(canvas: Canvas, documents: Sequence[Document], canvas_id: str, version: int) -> ReviewCase:
    """The eval case one reviewed canvas version makes, with the workspace's `documents` it came from."""
    builder = _Builder(canvas)
    gold = builder.gold()
    wanted = [d.document_id for d in canvas.generator.documents]
    wanted += [c.document_id for e in canvas.entries() for c in e.sources]
    wanted += [c.document_id for c in canvas.review.cadence_sources]
    by_id = {d.id: d for d in documents}
    taken: set[str] = set()
    docs = [
        CaseDocument(document_id=i, name=by_id[i].name, file=_file_name(by_id[i].name, taken))
        for i in dict.fromkeys(wanted)
        if i in by_id
    ]
    entries = canvas.entries()
    return ReviewCase(
        name=case_name(canvas, canvas_id),
        canvas_id=canvas_id,
        version=version,
        gold=gold,
        documents=docs,
        missing_documents=[i for i in dict.fromkeys(wanted) if i not in by_id],
        decided=sum(e.status != "draft" for e in entries) + sum(len(e.merged_from) for e in entries),
        skipped=builder.skipped,
        acceptance=canvas_acceptance(canvas, canvas_id, version),
    )


def case_files(case: ReviewCase, documents: Sequence[Document]) -> dict[str, bytes]:
    """The case folder's files by relative path: `gold.json`, `docs/*` and `review.json` (where it came from)."""
    by_id = {d.id: d for d in documents}
    files = {f"{DOCS_DIR}/{d.file}": _case_text(d, by_id[d.document_id]).encode("utf-8") for d in case.documents}
    files[GOLD_FILE] = case.gold.model_dump_json(indent=2).encode("utf-8")
    about = case.model_dump(mode="json", exclude={"gold"})
    files[REVIEW_FILE] = json.dumps(about, indent=2, ensure_ascii=False).encode("utf-8")
    return files


def _case_text(entry: CaseDocument, document: Document) -> str:
    """A text file's own text; any other document as Markdown, its structure written out."""
    return document.text if entry.name.lower().endswith(_KEPT_AS_TEXT) else as_markdown(document)


def write_case(root: Path, case: ReviewCase, files: dict[str, bytes]) -> Path:
    """Write the case's `files` (from `case_files`) as `root/<case name>/`, replacing an earlier export; the folder."""
    folder = root / case.name
    if folder.is_dir():
        shutil.rmtree(folder)
    for relative, data in files.items():
        path = folder / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    return folder


def _cell_text(text: str) -> str:
    return " ".join(text.split()).replace("|", "\\|")


def as_markdown(document: Document) -> str:
    """A document with structure (HTML, DOCX, PDF) written as Markdown: headings, list items, paragraphs, and
    tables as pipe tables, so a reader of the text finds the same structure the parser found in the file."""
    layout = document.layout()
    text = layout.text
    parts: list[str] = []
    previous: Block | None = None
    for block in layout.blocks:
        if block.kind == "table_row" and block.table is not None:
            table = layout.tables[block.table]
            width = max([len(table.columns), *(c.column + c.span for c in block.cells)])
            first = previous is None or previous.kind != "table_row" or previous.table != block.table
            if block.header and table.columns and not first:
                previous = block
                continue  # the header rows are read into `columns` already ("Target 2025")
            if first:
                header = [_cell_text(c) for c in table.columns] if table.header_rows and table.columns else None
                if header is None:
                    header = _row(text, block, width)
                header += [""] * (width - len(header))
                parts.append("\n\n| " + " | ".join(header) + " |\n|" + "---|" * width)
                if not table.header_rows or not table.columns:
                    previous = block
                    continue
                if block.header:
                    previous = block
                    continue
            parts.append("\n| " + " | ".join(_row(text, block, width)) + " |")
        elif block.kind == "heading":
            parts.append(f"\n\n{'#' * min(6, max(1, block.level))} {' '.join(text[block.start : block.end].split())}")
        elif block.kind == "list_item":
            sep = "\n" if previous is not None and previous.kind == "list_item" else "\n\n"
            parts.append(f"{sep}{'  ' * block.level}- {' '.join(text[block.start : block.end].split())}")
        else:
            parts.append("\n\n" + text[block.start : block.end].strip())
        previous = block
    return "".join(parts).strip() + "\n"


def _row(text: str, block: Block, width: int) -> list[str]:
    cells = [""] * width
    for cell in block.cells:
        cells[cell.column] = _cell_text(text[cell.start : cell.end])
    return cells
