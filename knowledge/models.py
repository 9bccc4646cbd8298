"""Data types of the knowledge layer: what a parsed document, a chunk and a search hit are."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Literal

from pydantic import BaseModel, Field

from ecocanvas.knowledge.layout import PARSER_VERSION, Block, Layout, Table, TableContext, page_at


class Document(BaseModel):
    """One ingested file: its extracted text is the coordinate system of every citation.

    For .txt and .md the text is the file's own (decoded, line ends made '\n'); for HTML, DOCX and
    PDF it is what a reader sees. `blocks`, `tables` and `pages` describe its structure by offsets
    (`ecocanvas.knowledge.layout`); a document stored by an older parser has none and `parser` below 2.
    """

    id: str = Field(description="Content hash of the file's bytes (stable across names and re-uploads).")
    name: str = Field(description="The file's name as the user gave it (never used as a path).")
    media_type: str
    text: str
    date: dt.date | None = Field(None, description="The date the document states about itself, if any.")
    size: int = Field(0, ge=0, description="Bytes of the original file.")
    parser: int = Field(1, description="Version of the parsing that made text and structure (layout.PARSER_VERSION).")
    blocks: list[Block] = Field(default_factory=list)
    tables: list[Table] = Field(default_factory=list)
    pages: list[int] = Field(default_factory=list, description="Offset where each page starts (PDF).")

    def page_at(self, offset: int) -> int | None:
        return page_at(self.pages, offset)

    def layout(self) -> Layout:
        """Text and structure. A document stored before structure was kept is read from its text."""
        if self.parser >= PARSER_VERSION or self.blocks:
            return Layout(text=self.text, blocks=self.blocks, tables=self.tables, pages=self.pages)
        from ecocanvas.knowledge.plaintext import read_layout

        return read_layout(self.text)


class Chunk(BaseModel):
    """A span of a document's text: `text == document.text[start:end]`, always."""

    id: str
    document_id: str
    document: str
    start: int = Field(ge=0)
    end: int = Field(ge=0)
    text: str
    heading_path: list[str] = Field(default_factory=list)
    page: int | None = Field(None, description="The page the chunk starts on (PDF).")
    tables: list[TableContext] = Field(
        default_factory=list, description="Column headers and cell offsets of the table rows inside the chunk."
    )


class Hit(BaseModel):
    chunk: Chunk
    score: float


class FileError(BaseModel):
    path: str
    error: str
    kind: str


class IngestReport(BaseModel):
    files: int = 0
    added: int = 0
    unchanged: int = 0
    replaced: int = 0
    chunks: int = 0
    documents: list[Document] = Field(default_factory=list, exclude=True)
    errors: list[FileError] = Field(default_factory=list)


AddStatus = Literal["added", "replaced", "unchanged"]


@dataclass(frozen=True)
class AddResult:
    document: Document
    status: AddStatus
    chunks: int


@dataclass(frozen=True)
class Prepared:
    """A parsed document and its chunks (None when the store already holds it as this code reads it)."""

    document: Document
    chunks: list[Chunk] | None
