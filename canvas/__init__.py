"""The canvas interchange format (contract v1): models, stable ids and renderers."""

from ecocanvas.canvas.model import (
    SCHEMA_VERSION,
    Activity,
    Actor,
    Canvas,
    CanvasResult,
    Citation,
    Exchange,
    Finding,
    GeneratorInfo,
    Item,
    Mechanism,
    Metric,
    Review,
    Scope,
    SectionRun,
)

__all__ = [
    "SCHEMA_VERSION",
    "Activity",
    "Actor",
    "Canvas",
    "CanvasResult",
    "Citation",
    "Exchange",
    "Finding",
    "GeneratorInfo",
    "Item",
    "Mechanism",
    "Metric",
    "Review",
    "Scope",
    "SectionRun",
]
