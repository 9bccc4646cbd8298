"""The date a document states about itself ("held on 18 June 2025", "Date: 2025-03-02"), or None.

Only the top of the document counts, and only lines that present a date as the document's own:
a date field, a "held on"/"dated" phrase, or a title/heading line. Deadlines and due dates in the
body are other facts, never the document's date; the file's mtime is never used.
"""

from __future__ import annotations

import datetime as dt
import re

# Month names and their abbreviations, to their numbers; the offline extractor reads dates with it too.
MONTHS = {
    name: number
    for number, names in enumerate(
        [
            ("january", "jan"), ("february", "feb"), ("march", "mar"), ("april", "apr"), ("may",),
            ("june", "jun"), ("july", "jul"), ("august", "aug"), ("september", "sep", "sept"),
            ("october", "oct"), ("november", "nov"), ("december", "dec"),
        ],
        start=1,
    )
    for name in names
}  # fmt: skip
_MONTH = r"(?P<month>" + "|".join(sorted(MONTHS, key=len, reverse=True)) + r")\.?"
_DAY = r"(?P<day>\d{1,2})(?:st|nd|rd|th)?"
_YEAR = r"(?P<year>(?:19|20)\d{2})"

_PATTERNS = [
    re.compile(r"\b(?P<year>(?:19|20)\d{2})-(?P<month>\d{1,2})-(?P<day>\d{1,2})\b"),
    re.compile(rf"\b{_DAY}\s+(?:of\s+)?{_MONTH},?\s+{_YEAR}\b", re.IGNORECASE),
    re.compile(rf"\b{_MONTH}\s+{_DAY},?\s+{_YEAR}\b", re.IGNORECASE),
    # Numeric day/month/year: read day first (the European convention of most ecosystem papers).
    re.compile(r"\b(?P<day>\d{1,2})[./](?P<month>\d{1,2})[./](?P<year>(?:19|20)\d{2})\b"),
]

_FIELD = re.compile(
    r"^\W*(?:date|dated|date of (?:meeting|issue)|meeting date|issue date|issued(?: on)?|"
    r"publication date|published(?: on)?|last updated|version date)\W*[:\-–—]",
    re.IGNORECASE,
)
_SELF_PHRASE = re.compile(
    r"\b(?:held on|held|dated|meeting of|meeting on|signed on|made on|issued on|entered into on|as of)\W*$",
    re.IGNORECASE,
)
_OTHER_DATE = re.compile(
    r"\b(?:due|deadline|until|by|before|after|from|next|target|launch|expires?|ends?|starts?|"
    r"effective from|no later than)\W*(?:on\W*)?$",
    re.IGNORECASE,
)

_TOP_LINES = 12
_TOP_CHARS = 1500


def _to_date(match: re.Match[str]) -> dt.date | None:
    month_text = match.group("month")
    month = int(month_text) if month_text.isdigit() else MONTHS.get(month_text.lower().rstrip("."))
    if month is None:
        return None
    try:
        return dt.date(int(match.group("year")), month, int(match.group("day")))
    except ValueError:
        return None


def _dates_in(line: str) -> list[tuple[int, dt.date]]:
    found: list[tuple[int, dt.date]] = []
    taken: list[tuple[int, int]] = []
    for pattern in _PATTERNS:
        for match in pattern.finditer(line):
            if any(s < match.end() and match.start() < e for s, e in taken):
                continue
            value = _to_date(match)
            if value is not None:
                taken.append(match.span())
                found.append((match.start(), value))
    return sorted(found, key=lambda item: item[0])


def _score(line: str, position: int, line_number: int) -> int:
    """3: stated as the document's date; 2: in a title or heading line; 0: some other date."""
    before = line[:position]
    if _OTHER_DATE.search(before):
        return 0
    if _FIELD.match(line) or _SELF_PHRASE.search(before):
        return 3
    if line.lstrip().startswith("#") or line_number < 2:
        return 2
    return 0


def document_date(text: str) -> dt.date | None:
    """Best self-stated date near the top of `text`; ties go to the earliest line."""
    best: tuple[int, dt.date] | None = None
    lines = [line for line in text[:_TOP_CHARS].split("\n") if line.strip()][:_TOP_LINES]
    for number, line in enumerate(lines):
        for position, value in _dates_in(line):
            score = _score(line, position, number)
            if score and (best is None or score > best[0]):
                best = (score, value)
    return best[1] if best else None
