"""Support: does the passage an entry cites state what the entry says?

Grounding proves a quote exists in the documents; it says nothing about whether the quote is about
the entry. A model can pair a real quote about one organisation with an invented actor, or a real
quote saying "97%" with a target of ">= 99.9%". These checks compare an entry's fields with its
quote (or the passage around it) as text: names must be mentioned, every number must appear, and
enough of the content words must be there. They are deliberately literal: a paraphrase that keeps
the words passes, an invented figure or name does not.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable

from ecocanvas.canvas.ids import normalise_key

# "1,150", "0.49", "99.9", "2025": digits with their decimal and thousands separators.
_NUMBER = re.compile(r"(?<![\w.])\d+(?:[.,]\d+)*")
_NUMBER_WORDS = {
    "one": "1",
    "two": "2",
    "three": "3",
    "four": "4",
    "five": "5",
    "six": "6",
    "seven": "7",
    "eight": "8",
    "nine": "9",
    "ten": "10",
    "eleven": "11",
    "twelve": "12",
    "fifteen": "15",
    "twenty": "20",
    "thirty": "30",
    "fifty": "50",
    "hundred": "100",
}
_STOP = frozenset(
    (  # noqa: SIM905 - a word list reads better as text
        "a an the of for to in on at by and or with from into per as is are be been was were it its this that these "
        "those their our we us they them all any each every other which who whom whose what when where how than then "
        "not no nor only also both either but if so such via under over between within without about after before "
        "during up down out off will shall may must can could should would has have had do does did"
    ).split()
)
_PRONOUN = re.compile(r"\b(?:we|our|ours|us|it|its|they|their|them|he|she|his|her)\b", re.I)
_STEM = 5


def _words(text: str) -> list[str]:
    return normalise_key(text).split()


def _stem(word: str) -> str:
    if len(word) > _STEM:
        return word[:_STEM]
    for suffix in ("es", "s"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            return word[: -len(suffix)]
    return word


def content_words(text: str) -> list[str]:
    """The words of `text` that carry meaning: three letters or more, not a stop word, not a number."""
    return [w for w in _words(text) if len(w) >= 3 and w not in _STOP and not w.isdigit()]


def numbers(text: str) -> set[str]:
    """Every number in `text`, thousands separators removed ("1,150" -> "1150"); small number words count."""
    found: set[str] = set()
    for match in _NUMBER.finditer(text):
        raw = match.group()
        # "1,150" is a thousand-separated number, "0,49" a decimal comma: three digits after a comma.
        raw = re.sub(r",(?=\d{3}(?:\D|$))", "", raw).replace(",", ".")
        if "." in raw:
            raw = raw.rstrip("0").rstrip(".")
        found.add(re.sub(r"^0+(?=\d)", "", raw))
    for word in _words(text):
        if word in _NUMBER_WORDS:
            found.add(_NUMBER_WORDS[word])
    return found


def numbers_supported(value: str, text: str) -> bool:
    """Every number of `value` appears in `text`."""
    return numbers(value) <= numbers(text)


def missing_numbers(value: str, text: str) -> list[str]:
    return sorted(numbers(value) - numbers(text))


def words_supported(value: str, text: str, share: float = 0.5) -> bool:
    """At least `share` of the content words of `value` appear in `text` (a shared 5-letter stem counts)."""
    wanted = content_words(value)
    if not wanted:
        return True
    present = {_stem(w) for w in _words(text)}
    hits = sum(1 for w in wanted if _stem(w) in present)
    return hits >= math.ceil(share * len(wanted))


def name_forms(name: str) -> set[str]:
    """The normalised forms under which `name` counts as mentioned: as written, without "the",
    without a legal suffix, and both halves of "X (ABC)"."""
    forms: set[str] = set()
    outer, _, inner = name.partition("(")
    for form in (name, outer, inner.rstrip(") ")):
        key = normalise_key(form)
        if not key:
            continue
        forms.add(key)
        if key.startswith("the ") and len(key) > 4:
            key = key[4:]
            forms.add(key)
        words = key.split()
        while len(words) > 1 and words[-1] in {"ltd", "limited", "inc", "llc", "plc", "gmbh", "ag", "sa", "bv", "nv"}:
            words.pop()
        forms.add(" ".join(words))
    return {f for f in forms if len(f) >= 2}


def mentions(text: str, names: Iterable[str]) -> bool:
    """Whether `text` mentions any of `names` as whole words (case, accents and punctuation folded)."""
    haystack = f" {normalise_key(text)} "
    for name in names:
        for form in name_forms(name):
            if f" {form} " in haystack:
                return True
            # Plurals of group actors: "site hosts" for "site host", "drivers" for "driver".
            if f" {form}s " in haystack or (form.endswith("s") and f" {form[:-1]} " in haystack):
                return True
    return False


def refers_indirectly(quote: str) -> bool:
    """The quote names its actor by a pronoun ("we", "it", "their"), so the passage around it must name it."""
    return bool(_PRONOUN.search(quote))
