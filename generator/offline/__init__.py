"""The embedded offline backend: a deterministic extractor in place of the LLM.

It reads the same evidence the LLM would get and returns the same `CanvasDraft`, with every
quote's exact location already known, so grounding, resolution and assembly are shared.
"""

from ecocanvas.generator.offline.extract import extract_offline

__all__ = ["extract_offline"]
