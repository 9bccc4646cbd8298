"""Split a document's text into chunks along its structure: headings, paragraphs, list items, table rows.

Chunks are spans of the document text, never rewritten copies: `chunk.text == doc.text[start:end]`.
They do not overlap, and together they hold every non-blank character of the document once (the
markup between blocks, such as a Markdown table's separator line, goes with the chunk before it).
A heading opens a chunk; a block longer than the target is cut at sentence ends.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ecocanvas.knowledge.layout import Block, table_context
from ecocanvas.knowledge.models import Chunk, Document

_SENTENCE_END = re.compile(r"(?<=[.!?;:])\s+")


def chunk_id(document_id: str, number: int) -> str:
    """Chunk ids follow from the document id and the chunk's position, so stores need not list them."""
    return f"{document_id}-{number:04d}"


def document_of(chunk_id_: str) -> str:
    """The document id inside a chunk id made by `chunk_id`."""
    return chunk_id_.rsplit("-", 1)[0]


@dataclass(frozen=True)
class _Unit:
    start: int
    end: int
    heading_level: int = 0
    heading: str = ""


def _trimmed(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def _line_start(text: str, offset: int) -> int:
    """Where the line holding `offset` starts, past its indentation: markup before a block goes with it."""
    start = text.rfind("\n", 0, offset) + 1
    return _trimmed(text, start, offset)[0] if start < offset else offset


def _split_long(text: str, start: int, end: int, target: int) -> list[tuple[int, int]]:
    """Cut an over-long span at sentence ends, else at the last space, else hard at the target."""
    pieces: list[tuple[int, int]] = []
    while end - start > target:
        window = text[start : start + target + 1]
        cut = 0
        for match in _SENTENCE_END.finditer(window):
            if match.start() > target // 3:
                cut = match.start()
        if not cut:
            floor = target // 3
            space = max(window.rfind(" ", floor), window.rfind("\t", floor), window.rfind("\n", floor))
            cut = space if space > 0 else target
        piece = _trimmed(text, start, start + cut)
        if piece[0] < piece[1]:
            pieces.append(piece)
        start = _trimmed(text, start + cut, end)[0]
    if start < end:
        pieces.append((start, end))
    return pieces


def _units(text: str, blocks: list[Block], target: int) -> list[_Unit]:
    units: list[_Unit] = []
    for block in blocks:
        start = _line_start(text, block.start)
        if block.kind == "heading":
            units.append(_Unit(start, block.end, max(1, block.level), " ".join(text[block.start : block.end].split())))
        elif block.end - start <= target:
            units.append(_Unit(start, block.end))
        else:
            units.extend(_Unit(s, e) for s, e in _split_long(text, start, block.end, target))
    return units


def chunk_document(doc: Document, target_chars: int) -> list[Chunk]:
    """Pack whole units into chunks of about `target_chars`; a heading always opens a new chunk."""
    text = doc.text
    layout = doc.layout()
    # (start, heading path) of each chunk; a chunk runs until the next one starts.
    opened: list[tuple[int, list[str]]] = []
    stack: list[tuple[int, str]] = []
    current_start: int | None = None
    has_body = False

    for unit in _units(text, layout.blocks, target_chars):
        if unit.heading_level:
            if has_body:
                current_start, has_body = None, False
            while stack and stack[-1][0] >= unit.heading_level:
                stack.pop()
            stack.append((unit.heading_level, unit.heading))
            if current_start is None:
                current_start = unit.start
                opened.append((unit.start, []))
            opened[-1] = (opened[-1][0], [title for _, title in stack])
            continue
        if current_start is not None and has_body and unit.end - current_start > target_chars:
            current_start = None
        if current_start is None:
            current_start = unit.start
            opened.append((unit.start, [title for _, title in stack]))
        has_body = True

    first = _trimmed(text, 0, len(text))[0]
    if opened:
        opened[0] = (min(first, opened[0][0]), opened[0][1])
    elif text.strip():
        opened.append((first, []))
    chunks: list[Chunk] = []
    for number, (start, path) in enumerate(opened):
        stop = opened[number + 1][0] if number + 1 < len(opened) else len(text)
        start, end = _trimmed(text, start, stop)
        if start == end:
            continue
        chunks.append(
            Chunk(
                id=chunk_id(doc.id, len(chunks)),
                document_id=doc.id,
                document=doc.name,
                start=start,
                end=end,
                text=text[start:end],
                heading_path=path,
                page=doc.page_at(start),
                tables=table_context(layout.blocks, layout.tables, start, end),
            )
        )
    return chunks
