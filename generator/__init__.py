"""Drafting: evidence -> extraction (LLM or offline) -> grounding -> resolution -> assembled canvas."""

from generator.pipeline import draft_canvas, generate

__all__ = ["draft_canvas", "generate"]
