"""One text layout for all formats: headings as '# ' lines, list items as '- ', table rows with headers.

The chunker reads only this layout, so a DOCX, an HTML page and a Markdown file chunk alike.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

BlockKind = Literal["heading", "paragraph", "list_item", "table_row"]

_SPACES = re.compile(r"[ \t\f\v\u00a0\u2000-\u200b\u3000]+")
_BLANK_LINES = re.compile(r"\n\s*\n+")


def clean_inline(text: str) -> str:
    """Collapse all whitespace (line breaks too): for headings, list items and table cells."""
    return _SPACES.sub(" ", text.replace("\r", " ").replace("\n", " ")).strip()


def clean_paragraph(text: str) -> str:
    """Collapse spaces but keep single line breaks; a blank line would split the paragraph in two."""
    lines = [_SPACES.sub(" ", line).strip() for line in text.replace("\r", "\n").split("\n")]
    return _BLANK_LINES.sub("\n", "\n".join(line for line in lines if line)).strip()


def table_lines(rows: Sequence[Sequence[str]]) -> list[str]:
    """Each body row becomes 'Header: value | Header: value' so a fact survives being cut from its table.

    The first row is taken as the header row (the convention of both Word and HTML tables);
    a one-row table is kept as its cells.
    """
    cleaned = [[clean_inline(cell) for cell in row] for row in rows]
    cleaned = [row for row in cleaned if any(row)]
    if not cleaned:
        return []
    if len(cleaned) == 1:
        return [" | ".join(cell for cell in cleaned[0] if cell)]
    header, body = cleaned[0], cleaned[1:]
    lines = []
    for row in body:
        parts = []
        for i, value in enumerate(row):
            if not value:
                continue
            name = header[i] if i < len(header) else ""
            parts.append(f"{name}: {value}" if name and name != value else value)
        if parts:
            lines.append(" | ".join(parts))
    return lines


@dataclass
class TextBuilder:
    """Collects blocks in reading order and renders the shared layout."""

    blocks: list[tuple[BlockKind, str]] = field(default_factory=list)

    def heading(self, text: str, level: int) -> None:
        text = clean_inline(text)
        if text:
            self.blocks.append(("heading", "#" * max(1, min(level, 6)) + " " + text))

    def paragraph(self, text: str) -> None:
        text = clean_paragraph(text)
        if text:
            self.blocks.append(("paragraph", text))

    def list_item(self, text: str, depth: int = 0) -> None:
        text = clean_inline(text)
        if text:
            self.blocks.append(("list_item", "  " * max(0, depth) + "- " + text))

    def table(self, rows: Sequence[Sequence[str]]) -> None:
        for line in table_lines(rows):
            self.blocks.append(("table_row", line))

    def render(self) -> str:
        parts: list[str] = []
        previous: BlockKind | None = None
        for kind, text in self.blocks:
            if parts:
                # Items of one list and rows of one table stay on consecutive lines.
                grouped = kind == previous and kind in ("list_item", "table_row")
                parts.append("\n" if grouped else "\n\n")
            parts.append(text)
            previous = kind
        return "".join(parts)


_MD_TABLE_ROW = re.compile(r"^\s*\|(.*)\|\s*$")
_MD_TABLE_RULE = re.compile(r"^\s*\|?\s*:?-{3,}:?\s*(\|\s*:?-{3,}:?\s*)*\|?\s*$")


def _md_cells(line: str) -> list[str]:
    match = _MD_TABLE_ROW.match(line)
    inner = match.group(1) if match else line.strip()
    return [cell.strip() for cell in inner.split("|")]


def rewrite_markdown_tables(text: str) -> str:
    """Pipe tables in Markdown get the same header-per-cell rows as Word and HTML tables."""
    lines = text.split("\n")
    out: list[str] = []
    i = 0
    while i < len(lines):
        line = lines[i]
        if (
            _MD_TABLE_ROW.match(line)
            and i + 1 < len(lines)
            and _MD_TABLE_RULE.match(lines[i + 1])
            and "|" in lines[i + 1]
        ):
            rows = [_md_cells(line)]
            i += 2
            while i < len(lines) and _MD_TABLE_ROW.match(lines[i]):
                rows.append(_md_cells(lines[i]))
                i += 1
            out.extend(table_lines(rows) if len(rows) > 1 else [" | ".join(c for c in rows[0] if c)])
            continue
        out.append(line)
        i += 1
    return "\n".join(out)
