"""On-disk cache of validated LLM answers, so a re-run with the same inputs sends nothing.

One JSON file per answer under `<cache_dir>/llm/<2 hex>/<sha256>.json`. The key covers everything
that decides the answer: model, the server it is reached at (the same model name on another
`api_base` is another model), prompt version, the response model's JSON schema, the messages and
the temperature. Files are written atomically (temp file + rename), so concurrent sections
and interrupted runs never leave a half-written entry; an unreadable entry counts as a miss and
is overwritten by the next successful call.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from pathlib import Path
from typing import Any

from pydantic import ValidationError, model_validator

from ecocanvas.canvas.model import Usage
from ecocanvas.logs import get_logger

log = get_logger(__name__)

# Bump when the entry layout or the key recipe changes: old entries then simply stop matching.
CACHE_FORMAT = 2


class CacheEntry(Usage):
    """A validated answer and what obtaining it originally cost (the `Usage` counters, flat as
    format 2 stores them)."""

    format: int = CACHE_FORMAT
    model: str
    prompt_version: str
    value: dict[str, Any]

    @model_validator(mode="after")
    def _counts_not_negative(self) -> CacheEntry:
        # A negative count is a damaged file: failing validation makes it a miss.
        if any(getattr(self, name) < 0 for name in Usage.model_fields):
            raise ValueError("a cache entry's counts cannot be negative")
        return self


def cache_key(
    *,
    model: str,
    api_base: str | None,
    prompt_version: str,
    schema: dict[str, Any],
    messages: list[dict[str, str]],
    temperature: float | None,
) -> str:
    payload = {
        "format": CACHE_FORMAT,
        "model": model,
        "api_base": (api_base or "").rstrip("/"),
        "prompt_version": prompt_version,
        "schema": schema,
        "messages": messages,
        "temperature": temperature,
    }
    canonical = json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


class ResponseCache:
    def __init__(self, root: Path) -> None:
        self.root = root

    def path_for(self, key: str) -> Path:
        return self.root / key[:2] / f"{key}.json"

    def get(self, key: str) -> CacheEntry | None:
        path = self.path_for(key)
        try:
            raw = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return None
        except OSError as exc:
            log.warning("llm_cache_unreadable", path=str(path), error=str(exc))
            return None
        try:
            entry = CacheEntry.model_validate_json(raw)
        except ValidationError:
            log.warning("llm_cache_corrupt", path=str(path))
            return None
        return entry if entry.format == CACHE_FORMAT else None

    def put(self, key: str, entry: CacheEntry) -> None:
        path = self.path_for(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp_name = tempfile.mkstemp(prefix=f".{key[:8]}-", suffix=".tmp", dir=path.parent)
        tmp = Path(tmp_name)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                handle.write(entry.model_dump_json())
                handle.flush()
                os.fsync(handle.fileno())
            tmp.replace(path)
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise
