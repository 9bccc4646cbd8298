"""Split a document's text into chunks along headings, paragraphs and lines (table rows, list items).

Chunks are spans of the document text, never rewritten copies: `chunk.text == doc.text[start:end]`.
They do not overlap, and together they hold every non-blank character of the document once.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from knowledge.models import Chunk, Document

_LINE = re.compile(r"[^\n]+")
_HEADING = re.compile(r"^(#{1,6})[ \t]+(\S.*)$")
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


def _blocks(text: str) -> list[tuple[int, int, list[tuple[int, int]]]]:
    """Paragraph blocks as (start, end, lines); a heading line is always a block of its own."""
    blocks: list[tuple[int, int, list[tuple[int, int]]]] = []
    lines: list[tuple[int, int]] = []

    def close() -> None:
        if lines:
            blocks.append((lines[0][0], lines[-1][1], list(lines)))
            lines.clear()

    for match in _LINE.finditer(text):
        start, end = _trimmed(text, match.start(), match.end())
        if start == end:
            close()
        elif _HEADING.match(text[start:end]):
            close()
            blocks.append((start, end, [(start, end)]))
        else:
            lines.append((start, end))
    close()
    return blocks


def _split_long(text: str, start: int, end: int, target: int) -> list[tuple[int, int]]:
    """Cut an over-long line at sentence ends, else at the last space, else hard at the target."""
    pieces: list[tuple[int, int]] = []
    while end - start > target:
        window = text[start : start + target + 1]
        cut = 0
        for match in _SENTENCE_END.finditer(window):
            if match.start() > target // 3:
                cut = match.start()
        if not cut:
            space = max(window.rfind(" ", target // 3), window.rfind("\t", target // 3))
            cut = space if space > 0 else target
        piece = _trimmed(text, start, start + cut)
        if piece[0] < piece[1]:
            pieces.append(piece)
        start = _trimmed(text, start + cut, end)[0]
    if start < end:
        pieces.append((start, end))
    return pieces


def _units(text: str, target: int) -> list[_Unit]:
    units: list[_Unit] = []
    for start, end, lines in _blocks(text):
        heading = _HEADING.match(text[start:end])
        if heading and len(lines) == 1:
            units.append(_Unit(start, end, len(heading.group(1)), heading.group(2).strip().strip("#").strip()))
        elif end - start <= target:
            units.append(_Unit(start, end))
        else:
            for line_start, line_end in lines:
                units.extend(_Unit(s, e) for s, e in _split_long(text, line_start, line_end, target))
    return units


def chunk_document(doc: Document, target_chars: int) -> list[Chunk]:
    """Pack whole units into chunks of about `target_chars`; a heading always opens a new chunk."""
    text = doc.text
    chunks: list[Chunk] = []
    stack: list[tuple[int, str]] = []
    current: list[int] | None = None  # [start, end]
    path: list[str] = []
    has_body = False

    def flush() -> None:
        nonlocal current, has_body
        if current is not None:
            start, end = current
            chunks.append(
                Chunk(
                    id=chunk_id(doc.id, len(chunks)),
                    document_id=doc.id,
                    document=doc.name,
                    start=start,
                    end=end,
                    text=text[start:end],
                    heading_path=list(path),
                )
            )
        current, has_body = None, False

    for unit in _units(text, target_chars):
        if unit.heading_level:
            if has_body:
                flush()
            while stack and stack[-1][0] >= unit.heading_level:
                stack.pop()
            stack.append((unit.heading_level, unit.heading))
            if current is None:
                current = [unit.start, unit.end]
            current[1] = unit.end
            path = [title for _, title in stack]
            continue
        if current is not None and has_body and unit.end - current[0] > target_chars:
            flush()
        if current is None:
            current = [unit.start, unit.end]
            path = [title for _, title in stack]
        current[1] = unit.end
        has_body = True
    flush()
    return chunks
