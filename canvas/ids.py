"""Stable ids: the same thing gets the same id on every run, so review decisions survive regeneration."""

from __future__ import annotations

import hashlib
import re
import unicodedata

_NON_WORD = re.compile(r"[^a-z0-9]+")


def normalise_key(text: str) -> str:
    """Lower-case, accents folded, punctuation collapsed: the identity of a name or phrase."""
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return _NON_WORD.sub(" ", folded.lower()).strip()


def slug(text: str, limit: int = 40) -> str:
    s = normalise_key(text).replace(" ", "-")
    if len(s) > limit:
        s = s[:limit].rsplit("-", 1)[0] or s[:limit]
    return s or "x"


def short_hash(*parts: str, length: int = 8) -> str:
    return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()[:length]


def stable_id(prefix: str, key: str) -> str:
    """`prefix-slug-hash`: readable, and unique for distinct keys even when slugs collide."""
    norm = normalise_key(key)
    return f"{prefix}-{slug(norm)}-{short_hash(prefix, norm, length=6)}"
