"""The ecosystem-health vocabulary (`health.toml`): forum levels, sponsors, feedback words, the four
orchestration motions and the summary's dimensions, loaded once and matched as whole words.

Both the health rules (`ecocanvas.rules.health`) and the health summary (`ecocanvas.rules.health_summary`) read it, so a
forum the rules call executive is the one the summary lists as executive.
"""

from __future__ import annotations

import functools
import tomllib
from dataclasses import dataclass
from importlib import resources
from typing import Literal, get_args

from ecocanvas.canvas.ids import normalise_key

Level = Literal["executive", "management", "field"]
Motion = Literal["co_build", "co_market", "co_sell", "co_retain"]
LEVELS: tuple[Level, ...] = get_args(Level)
MOTIONS: tuple[Motion, ...] = get_args(Motion)
MOTION_LABELS: dict[Motion, str] = {
    "co_build": "co-build",
    "co_market": "co-market",
    "co_sell": "co-sell",
    "co_retain": "co-retain",
}


@dataclass(frozen=True, slots=True)
class Dimension:
    id: str
    title: str
    rules: tuple[str, ...]
    motion: Motion | None = None


@dataclass(frozen=True, slots=True)
class HealthWords:
    levels: dict[Level, tuple[str, ...]]
    sponsor: tuple[str, ...]
    feedback: tuple[str, ...]
    feedback_cadence: tuple[str, ...]
    motions: dict[Motion, tuple[str, ...]]
    dimensions: tuple[Dimension, ...]


def _phrases(values: list[str], where: str) -> tuple[str, ...]:
    out = tuple(dict.fromkeys(normalise_key(v) for v in values))
    if not all(out):
        raise ValueError(f"health.toml: an empty phrase in {where}")
    return out


@functools.cache
def health_words() -> HealthWords:
    raw = tomllib.loads(resources.files("ecocanvas.rules").joinpath("health.toml").read_text("utf-8"))
    if set(raw["levels"]) != set(LEVELS) or set(raw["motions"]) != set(MOTIONS):
        raise ValueError("health.toml: [levels] must name executive, management and field; [motions] the four motions")
    dimensions = []
    for entry in raw["dimension"]:
        motion = entry.get("motion")
        if motion is not None and motion not in MOTIONS:
            raise ValueError(f"health.toml: dimension {entry['id']!r} names an unknown motion {motion!r}")
        dimensions.append(Dimension(id=entry["id"], title=entry["title"], rules=tuple(entry["rules"]), motion=motion))
    return HealthWords(
        levels={level: _phrases(raw["levels"][level], f"levels.{level}") for level in LEVELS},
        sponsor=_phrases(raw["sponsor"]["words"], "sponsor"),
        feedback=_phrases(raw["feedback"]["words"], "feedback"),
        feedback_cadence=_phrases(raw["feedback"]["cadence_words"], "feedback.cadence_words"),
        motions={motion: _phrases(raw["motions"][motion], f"motions.{motion}") for motion in MOTIONS},
        dimensions=tuple(dimensions),
    )


def _holds(padded: str, phrases: tuple[str, ...]) -> bool:
    return any(f" {phrase} " in padded for phrase in phrases)


def mentions(text: str | None, phrases: tuple[str, ...]) -> bool:
    """Whether `text` holds one of `phrases` as whole words (case, accents and punctuation ignored)."""
    if not text:
        return False
    return _holds(f" {normalise_key(text)} ", phrases)


def forum_levels(description: str) -> tuple[Level, ...]:
    """The levels a forum's description says it meets at, in LEVELS order (none when it does not say)."""
    if not description:
        return ()
    # Normalised once for all the levels: a review's re-check asks this of every forum.
    padded, words = f" {normalise_key(description)} ", health_words()
    return tuple(level for level in LEVELS if _holds(padded, words.levels[level]))


def motions_in(text: str | None) -> tuple[Motion, ...]:
    """The orchestration motions a text mentions, in MOTIONS order."""
    if not text:
        return ()
    # Normalised once for all the motions: a review's re-check asks this of every entry.
    padded, words = f" {normalise_key(text)} ", health_words()
    return tuple(m for m in MOTIONS if _holds(padded, words.motions[m]))
