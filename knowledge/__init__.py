"""The knowledge layer: parse documents, chunk them, index them per workspace, search them (hybrid)."""

from knowledge.chunking import chunk_document
from knowledge.index import KnowledgeBase
from knowledge.models import Chunk, Document, FileError, Hit, IngestReport
from knowledge.parsing import parse_bytes

__all__ = [
    "Chunk",
    "Document",
    "FileError",
    "Hit",
    "IngestReport",
    "KnowledgeBase",
    "chunk_document",
    "parse_bytes",
]
