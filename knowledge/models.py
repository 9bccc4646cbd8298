"""Data types of the knowledge layer: what a parsed document, a chunk and a search hit are."""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, Field


class Document(BaseModel):
    """One ingested file: its extracted text is the coordinate system of every citation."""

    id: str = Field(description="Content hash of the file's bytes (stable across names and re-uploads).")
    name: str = Field(description="The file's name as the user gave it (never used as a path).")
    media_type: str
    text: str
    date: dt.date | None = Field(None, description="The date the document states about itself, if any.")
    size: int = Field(0, ge=0, description="Bytes of the original file.")


class Chunk(BaseModel):
    """A span of a document's text: `text == document.text[start:end]`, always."""

    id: str
    document_id: str
    document: str
    start: int = Field(ge=0)
    end: int = Field(ge=0)
    text: str
    heading_path: list[str] = Field(default_factory=list)


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
