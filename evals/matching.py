"""How a canvas entry is judged to be the same thing as a gold entry.

Three primitives, shared by the scorer and the gold lint so both apply one definition:

- `name_variants`: the normalised forms under which an actor's name counts as equal.
- `keyword_hits` / `has_keywords`: whether a text mentions enough of a gold entry's keywords,
  with crude stemming so "onboard" and "onboarding" agree.
- `match_one_to_one`: a maximum matching, so one canvas entry never satisfies two gold entries.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from fractions import Fraction

from ecocanvas.canvas.ids import normalise_key

# "Nordhavn Motors (NHM)", "NHM (Nordhavn Motors)", 'the Utility ("GridCo")'.
_PARENTHESISED = re.compile(r"^(?P<outer>[^()]+?)\s*\((?P<inner>[^()]+)\)\s*$")
# Legal-form suffixes say nothing about which organisation is meant.
_LEGAL_SUFFIXES = frozenset(
    {
        "ltd",
        "limited",
        "inc",
        "llc",
        "plc",
        "gmbh",
        "ag",
        "sa",
        "bv",
        "nv",
        "co",
        "corp",
        "corporation",
        "oy",
        "ab",
        "spa",
        "srl",
        "sas",
        "pty",
        "se",
    }
)
# Shared prefix length that counts as the same word stem ("integrat-ion" / "integrat-e").
STEM_PREFIX = 5

TWO_THIRDS = Fraction(2, 3)
ONE_HALF = Fraction(1, 2)


def _strip_article(key: str) -> str:
    return key[4:] if key.startswith("the ") and len(key) > 4 else key


def _strip_legal(key: str) -> str:
    words = key.split()
    while len(words) > 1 and words[-1] in _LEGAL_SUFFIXES:
        words.pop()
    return " ".join(words)


def name_variants(*names: str) -> frozenset[str]:
    """Every normalised form of the given names: as written, without a leading "the", without a
    legal-form suffix, and for "X (ABC)" both X and ABC on their own."""
    out: set[str] = set()
    for name in names:
        forms = [name]
        m = _PARENTHESISED.match(name.strip())
        if m:
            forms += [m["outer"], m["inner"]]
        for form in forms:
            key = normalise_key(form)
            if not key:
                continue
            bare = _strip_article(key)
            out.update((key, bare, _strip_legal(bare)))
    out.discard("")
    return frozenset(out)


def same_name(a: Iterable[str], b: Iterable[str]) -> bool:
    """True when any name of one equals any name of the other under `name_variants`."""
    return not name_variants(*a).isdisjoint(name_variants(*b))


def tokens(text: str) -> list[str]:
    return normalise_key(text).split()


def word_matches(keyword: str, word: str) -> bool:
    """Exact, or a shared prefix of at least STEM_PREFIX characters (crude stemming)."""
    if keyword == word:
        return True
    if min(len(keyword), len(word)) < STEM_PREFIX:
        return False
    return _common_prefix(keyword, word) >= STEM_PREFIX


def _common_prefix(a: str, b: str) -> int:
    n = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        n += 1
    return n


def _phrase_in(phrase: Sequence[str], words: Sequence[str]) -> bool:
    """A multi-word keyword must appear as consecutive words, each matched by `word_matches`."""
    if not phrase:
        return False
    span = len(phrase)
    return any(
        all(word_matches(k, w) for k, w in zip(phrase, words[i : i + span], strict=True))
        for i in range(len(words) - span + 1)
    )


def keyword_hits(keywords: Sequence[str], text: str) -> list[str]:
    """The keywords (case-insensitive, stemmed) that occur in `text`."""
    words = tokens(text)
    return [k for k in keywords if _phrase_in(tokens(k), words)]


def required_hits(count: int, share: Fraction) -> int:
    """ceil(share * count), exactly (no float rounding): 2/3 of 3 is 2, 2/3 of 4 is 3."""
    return -((-count * share.numerator) // share.denominator)


def has_keywords(keywords: Sequence[str], text: str, share: Fraction) -> bool:
    if not keywords:
        return False
    return len(keyword_hits(keywords, text)) >= required_hits(len(keywords), share)


def match_one_to_one(left: int, right: int, candidates: Callable[[int], Sequence[int]]) -> dict[int, int]:
    """Maximum bipartite matching (Kuhn's augmenting paths): left index -> right index.

    `candidates(i)` lists the right indices left `i` may pair with, best first; earlier
    candidates are tried first, so among maximum matchings the preferred pairs tend to win.
    """
    owner: dict[int, int] = {}  # right -> left
    edges = [list(candidates(i)) for i in range(left)]

    def augment(i: int, seen: set[int]) -> bool:
        for j in edges[i]:
            if j in seen or not 0 <= j < right:
                continue
            seen.add(j)
            if j not in owner or augment(owner[j], seen):
                owner[j] = i
                return True
        return False

    for i in range(left):
        augment(i, set())
    return {i: j for j, i in owner.items()}


def ratio(numerator: int, denominator: int) -> float | None:
    return numerator / denominator if denominator else None


def precision_recall_f1(matched: int, predicted: int, gold: int) -> tuple[float | None, float | None, float | None]:
    """Precision, recall and F1 with the conventions of docs/evals.md:

    recall is None (not applicable) when gold is empty; precision is 0 when nothing was
    predicted but gold is not empty, and None when both are empty; F1 is 0 when either side
    is 0 and None only when both are None.
    """
    recall = ratio(matched, gold)
    if predicted:
        precision: float | None = matched / predicted
    else:
        precision = 0.0 if gold else None
    if precision is None and recall is None:
        return None, None, None
    p = precision or 0.0
    r = recall if recall is not None else (1.0 if not predicted else 0.0)
    f1 = 0.0 if p + r == 0 else 2 * p * r / (p + r)
    return precision, recall, f1


def invert(mapping: Mapping[int, int]) -> dict[int, int]:
    return {v: k for k, v in mapping.items()}
