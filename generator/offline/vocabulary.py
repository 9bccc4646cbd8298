"""The offline extractor's vocabulary (`vocabulary.toml`), loaded once into typed, frozen sets.

Verb entries are lemmas, optionally with the particle or preposition the parser attaches
("sign off", "take over"); `verb_key` reads the same key off a parsed verb so a lookup is one
set membership. Table headers and phrases are matched as lower-case words.
"""

from __future__ import annotations

import functools
import re
import tomllib
from dataclasses import dataclass
from importlib import resources
from typing import TYPE_CHECKING, get_args

from ecocanvas.canvas.model import ExchangeKind, MechanismKind

if TYPE_CHECKING:
    from spacy.tokens import Token

_WORDS = re.compile(r"[a-z0-9%€$£/&+-]+")


def words(text: str) -> str:
    """Lower-case words joined by single spaces: the form every phrase list is compared in."""
    return " ".join(_WORDS.findall(text.lower()))


@dataclass(frozen=True)
class Columns:
    activity: frozenset[str]
    lead: frozenset[str]
    weak_lead: frozenset[str]
    support: frozenset[str]
    approve: frozenset[str]
    metric: frozenset[str]
    target: frozenset[str]
    metric_owner: frozenset[str]
    source: frozenset[str]
    cadence: frozenset[str]
    provider: frozenset[str]
    receiver: frozenset[str]
    value: frozenset[str]
    gives: frozenset[str]
    gets: frozenset[str]
    party: frozenset[str]
    depends: frozenset[str]


@dataclass(frozen=True)
class Vocabulary:
    lead: frozenset[str]
    work: frozenset[str]
    work_nouns: frozenset[str]
    light_work: frozenset[str]
    not_work_heads: frozenset[str]
    support: frozenset[str]
    approve: frozenset[str]
    lead_adjectives: frozenset[str]
    lead_nouns: frozenset[str]
    approve_nouns: frozenset[str]
    support_nouns: frozenset[str]
    seat_nouns: frozenset[str]
    sits_with: frozenset[str]
    transfer: frozenset[str]
    take_over: frozenset[str]
    responsibility_nouns: frozenset[str]
    give: frozenset[str]
    flow: frozenset[str]
    rely: frozenset[str]
    receive: frozenset[str]
    buy: frozenset[str]
    charge: frozenset[str]
    pay: frozenset[str]
    access_nouns: frozenset[str]
    needs_recipient: frozenset[str]
    reciprocal: tuple[str, ...]
    exchange_kinds: tuple[tuple[ExchangeKind, tuple[str, ...]], ...]
    group_heads: frozenset[str]
    group_modifiers: frozenset[str]
    org_words: frozenset[str]
    unit_words: frozenset[str]
    given_names: frozenset[str]
    places: frozenset[str]
    forum_heads: frozenset[str]
    forum_modifiers: frozenset[str]
    count_modifiers: frozenset[str]
    synonyms: dict[str, tuple[str, ...]]
    columns: Columns
    governance: tuple[tuple[MechanismKind, tuple[str, ...]], ...]
    forum_active: frozenset[str]
    effective_from: tuple[str, ...]
    past: tuple[str, ...]
    hedge_aux: frozenset[str]
    hedge_heads: frozenset[str]
    negating_heads: frozenset[str]
    price_nouns: frozenset[str]
    affirm: frozenset[str]
    nominal: dict[str, str]

    def exchange_kind(self, value: str) -> ExchangeKind:
        text = f" {words(value)} "
        for kind, cues in self.exchange_kinds:
            if any(f" {cue} " in text or (not cue[0].isalnum() and cue in text) for cue in cues):
                return kind
        return "other"


def _set(values: list[str]) -> frozenset[str]:
    return frozenset(words(v) if " " in v or v.isalpha() else v.lower() for v in values)


@functools.cache
def vocabulary() -> Vocabulary:
    raw = tomllib.loads(resources.files("ecocanvas.generator.offline").joinpath("vocabulary.toml").read_text("utf-8"))
    roles, exchange, actors, time = raw["roles"], raw["exchange"], raw["actors"], raw["time"]
    exchange_kinds = tuple((kind, tuple(raw["exchange_kinds"][kind])) for kind in raw["exchange_kinds"])
    if {k for k, _ in exchange_kinds} - set(get_args(ExchangeKind)):
        raise ValueError("vocabulary.toml names an exchange kind the contract does not have")
    governance = tuple((kind, tuple(words(w) for w in raw["governance"][kind])) for kind in get_args(MechanismKind))
    columns = Columns(**{name: _set(values) for name, values in raw["columns"].items()})
    return Vocabulary(
        lead=_set(roles["lead"]),
        work=_set(roles["work"]),
        work_nouns=_set(roles["work_nouns"]),
        light_work=_set(roles["light_work"]),
        not_work_heads=_set(roles["not_work_heads"]),
        support=_set(roles["support"]),
        approve=_set(roles["approve"]),
        lead_adjectives=_set(roles["lead_adjectives"]),
        lead_nouns=_set(roles["lead_nouns"]),
        approve_nouns=_set(roles["approve_nouns"]),
        support_nouns=_set(roles["support_nouns"]),
        seat_nouns=_set(roles["seat_nouns"]),
        sits_with=_set(roles["sits_with"]),
        transfer=_set(roles["transfer"]),
        take_over=_set(roles["take_over"]),
        responsibility_nouns=_set(roles["responsibility_nouns"]),
        give=_set(exchange["give"]),
        flow=_set(exchange["flow"]),
        rely=_set(exchange["rely"]),
        receive=_set(exchange["receive"]),
        buy=_set(exchange["buy"]),
        charge=_set(exchange["charge"]),
        pay=_set(exchange["pay"]),
        access_nouns=_set(exchange["access_nouns"]),
        needs_recipient=_set(exchange["needs_recipient"]),
        reciprocal=tuple(words(w) for w in exchange["reciprocal"]),
        exchange_kinds=exchange_kinds,
        group_heads=_set(actors["group_heads"]),
        group_modifiers=_set(actors["group_modifiers"]),
        org_words=_set(actors["org_words"]),
        unit_words=_set(actors["unit_words"]),
        given_names=_set(actors["given_names"]),
        places=_set(actors["places"]),
        forum_heads=_set(actors["forum_heads"]),
        forum_modifiers=_set(actors["forum_modifiers"]),
        count_modifiers=_set(actors["count_modifiers"]),
        synonyms={word: tuple(forms) for word, forms in actors["synonyms"].items()},
        columns=columns,
        governance=governance,
        forum_active=_set(raw["governance"]["forum_active"]),
        effective_from=tuple(words(w) for w in time["effective_from"]),
        past=tuple(words(w) for w in time["past"]),
        hedge_aux=_set(time["hedge_aux"]),
        hedge_heads=_set(time["hedge_heads"]),
        negating_heads=_set(time["negating_heads"]),
        price_nouns=_set(raw["exchange"]["price_nouns"]),
        affirm=_set(time["affirm"]),
        nominal={verb.replace("_", " "): noun for verb, noun in raw["nominal"].items()},
    )


def verb_keys(token: Token) -> list[str]:
    """The keys a verb may be listed under: its lemma, and the lemma with each particle or
    preposition the parser hangs on it ("sign off", "take over", "contribute to")."""
    lemma = token.lemma_.lower()
    keys = [lemma]
    for child in token.children:
        if child.dep_ in ("prt", "prep", "dative") and child.i > token.i:
            keys.append(f"{lemma} {child.lower_}")
            if child.dep_ == "prt":
                for grand in child.children:
                    if grand.dep_ == "prep":
                        keys.append(f"{lemma} {child.lower_} {grand.lower_}")
    return keys


def header_is(header: str, names: frozenset[str]) -> bool:
    """A table header matches a column name: equal, or the name as its first or last word(s)."""
    key = words(header)
    if not key:
        return False
    if key in names:
        return True
    return any(len(n) > 2 and (key.startswith(n + " ") or key.endswith(" " + n)) for n in names)
