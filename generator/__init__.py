"""Drafting: evidence -> extraction (LLM or offline) -> grounding -> resolution -> assembled canvas.

`generate` and `draft_canvas` are imported on first use: the pipeline pulls in the knowledge layer
and litellm, which a caller of one stage (say `ecocanvas.generator.ground`) should not pay for.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ecocanvas.generator.pipeline import draft_canvas, generate

__all__ = ["draft_canvas", "generate"]


def __getattr__(name: str) -> Any:
    if name in __all__:
        from ecocanvas.generator import pipeline

        return getattr(pipeline, name)
    raise AttributeError(f"module 'generator' has no attribute {name!r}")
