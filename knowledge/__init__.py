"""The knowledge layer: parse documents, chunk them, index them per workspace, search them (hybrid).

Names are imported on first use: the parse worker (`python -m ecocanvas.knowledge.sandbox`) and callers of
one stage should not pay for chromadb and the embedding model.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ecocanvas.knowledge.chunking import chunk_document as chunk_document
    from ecocanvas.knowledge.dates import MONTHS as MONTHS
    from ecocanvas.knowledge.ingest import SUPPORTED_TYPES as SUPPORTED_TYPES
    from ecocanvas.knowledge.ingest import check_supported_name as check_supported_name
    from ecocanvas.knowledge.ingest import error_kind as error_kind
    from ecocanvas.knowledge.knowledge_base import KnowledgeBase as KnowledgeBase
    from ecocanvas.knowledge.models import Chunk as Chunk
    from ecocanvas.knowledge.models import Document as Document
    from ecocanvas.knowledge.models import FileError as FileError
    from ecocanvas.knowledge.models import Hit as Hit
    from ecocanvas.knowledge.models import IngestReport as IngestReport
    from ecocanvas.knowledge.parsing import parse_bytes as parse_bytes
    from ecocanvas.knowledge.sandbox import parse_tenant as parse_tenant

_HOMES = {
    "Chunk": "ecocanvas.knowledge.models",
    "Document": "ecocanvas.knowledge.models",
    "FileError": "ecocanvas.knowledge.models",
    "Hit": "ecocanvas.knowledge.models",
    "IngestReport": "ecocanvas.knowledge.models",
    "KnowledgeBase": "ecocanvas.knowledge.knowledge_base",
    "MONTHS": "ecocanvas.knowledge.dates",
    "SUPPORTED_TYPES": "ecocanvas.knowledge.ingest",
    "check_supported_name": "ecocanvas.knowledge.ingest",
    "chunk_document": "ecocanvas.knowledge.chunking",
    "error_kind": "ecocanvas.knowledge.ingest",
    "parse_bytes": "ecocanvas.knowledge.parsing",
    "parse_tenant": "ecocanvas.knowledge.sandbox",
}
__all__ = sorted(_HOMES)


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module 'knowledge' has no attribute {name!r}")
    return getattr(importlib.import_module(home), name)
