"""The knowledge layer: parse documents, chunk them, index them per workspace, search them (hybrid).

Names are imported on first use: the parse worker (`python -m knowledge.sandbox`) and callers of
one stage should not pay for chromadb and the embedding model.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from knowledge.chunking import chunk_document as chunk_document
    from knowledge.dates import MONTHS as MONTHS
    from knowledge.ingest import SUPPORTED_TYPES as SUPPORTED_TYPES
    from knowledge.ingest import check_supported_name as check_supported_name
    from knowledge.ingest import error_kind as error_kind
    from knowledge.knowledge_base import KnowledgeBase as KnowledgeBase
    from knowledge.models import Chunk as Chunk
    from knowledge.models import Document as Document
    from knowledge.models import FileError as FileError
    from knowledge.models import Hit as Hit
    from knowledge.models import IngestReport as IngestReport
    from knowledge.parsing import parse_bytes as parse_bytes
    from knowledge.sandbox import parse_tenant as parse_tenant

_HOMES = {
    "Chunk": "knowledge.models",
    "Document": "knowledge.models",
    "FileError": "knowledge.models",
    "Hit": "knowledge.models",
    "IngestReport": "knowledge.models",
    "KnowledgeBase": "knowledge.knowledge_base",
    "MONTHS": "knowledge.dates",
    "SUPPORTED_TYPES": "knowledge.ingest",
    "check_supported_name": "knowledge.ingest",
    "chunk_document": "knowledge.chunking",
    "error_kind": "knowledge.ingest",
    "parse_bytes": "knowledge.parsing",
    "parse_tenant": "knowledge.sandbox",
}
__all__ = sorted(_HOMES)


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module 'knowledge' has no attribute {name!r}")
    return getattr(importlib.import_module(home), name)
