"""An actor's name as both backends write it: cleaned of the words around it, its initials, its kind.

Resolution (`ecocanvas.generator.resolve`) meets names from the model and from the offline extractor alike, so
these helpers are shared rather than owned by either backend. The kind vocabulary is a data file,
`actor_kinds.toml`, read once.
"""

from __future__ import annotations

import re
import tomllib
from functools import cache
from importlib import resources
from typing import cast, get_args

from ecocanvas.canvas.model import ActorKind


def clean_name(text: str) -> str:
    text = text.strip().strip("*_`\"'“”‘’()[]:;,.").strip()
    text = re.sub(r"^(?:(?:the|our|their|its|between|and|with|from|by|for|to|of|via|at)\s+)+", "", text, flags=re.I)
    # A clause or list number in front ("A.3", "4.1", "2)") is numbering, not part of the name.
    text = re.sub(r"^(?:[A-Z]?\d+(?:\.\d+)*[.)]?|[A-Z]\.\d+(?:\.\d+)*)\s+", "", text)
    text = re.sub(r"[’']s$", "", text)
    # "National Customs Agency PETER CLAES": a transcript's attendee in capitals on the next line.
    text = re.sub(r"(?<=[a-z])\s+(?=[A-Z\s'’-]*[A-Z]{4})(?:[A-Z][A-Z'’-]{2,}\s+){1,2}[A-Z][A-Z'’-]{2,}$", "", text)
    return re.sub(r"\s+", " ", text).strip()


def initials(name: str) -> str:
    return "".join(w[0] for w in re.findall(r"[A-Za-z][\w'-]*", name) if w[0].isupper()).upper()


@cache
def _kind_words() -> tuple[tuple[ActorKind, tuple[str, ...]], ...]:
    data = tomllib.loads(resources.files("ecocanvas.generator").joinpath("actor_kinds.toml").read_text("utf-8"))
    kinds = []
    for entry in data["kind"]:
        if entry["name"] not in get_args(ActorKind):
            raise ValueError(f"actor_kinds.toml: {entry['name']!r} is not an actor kind")
        kinds.append((cast(ActorKind, entry["name"]), tuple(entry["words"])))
    return tuple(kinds)


def classify(name: str, descriptors: list[str]) -> ActorKind:
    """The first kind whose words appear in the name, else in what the documents say about the actor."""
    lower_name = name.lower()
    context = " ".join(descriptors).lower()
    for text in (lower_name, context):
        for kind, words in _kind_words():
            if any(w in f" {text} " or text.endswith(w.strip()) for w in words):
                return kind
    return "partner"
