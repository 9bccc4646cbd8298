"""Value exchanges stated in tables and drawn as arrows ("A -> B: meter data"); sentences are
read in `relations`.

Two table shapes: one row per flow (Provider | Receiver | Value), and one row per party with what
it gives and what it gets (Party | Gives | Gets, "Provides / Receives", "Contributes / Benefits").
In the second, a cell lists several values ("apples to Brackwater; subscription to Tracewell");
each names its counterparty ("to X", "from X"), or the counterparty is the organisation the
table is written for (the document's writer, the hub of a Gives/Gets table).
"""

from __future__ import annotations

import re

from ecocanvas.generator.drafts import ExchangeDraft
from ecocanvas.generator.offline import patterns as p
from ecocanvas.generator.offline.context import Context, evidence_of, quote_of
from ecocanvas.generator.offline.lexicon import ActorEntry
from ecocanvas.generator.offline.phrases import content_words
from ecocanvas.generator.offline.vocabulary import header_is, vocabulary, words
from ecocanvas.generator.units import Unit, tables

_MARK = re.compile(r"[RACIS](?:\s*[/,]\s*[RACIS])*|[xX✓✔✗-]+|yes|no", re.I)
# "+" joins two items ("hosting + payouts") but not the parts of one price ("1.4% + EUR 0.10").
_ITEMS = re.compile(r"\s*(?:;|\n|•|\u2022|\s-\s|\+(?!\s*(?:EUR|USD|GBP|CHF|[$€£])?\s*\d))\s*")
_TAIL = re.compile(r"\s*(?:,\s*)?\b(?:to|for|from|with|towards|by)\s+(?:the\s+|all\s+|each\s+)?[^,;]*$", re.I)
# What cutting "by the Operator" leaves dangling: "Fee of 1.2%, paid".
_DANGLING = re.compile(r",?\s+(?:paid|sent|provided|given|made|delivered)$", re.I)


def read_exchanges(ctx: Context) -> list[ExchangeDraft]:
    out: list[ExchangeDraft] = []
    for table in tables(ctx.units):
        hub = _hub(ctx, table)
        offers = _offers(ctx, table)
        for unit in table:
            out += _flow_row(ctx, unit) or _party_row(ctx, unit, hub, offers) or _column_row(ctx, unit)
    for unit in ctx.units:
        if unit.kind == "sentence":
            m = _ARROW_LINE.match(unit.text.strip())
            out += _arrow(ctx, unit, m["ends"], m["value"]) if m else []
        elif unit.kind == "row":
            out += _arrow_row(ctx, unit)
    return out


# "Tavra -> Norvik: meter data", "Partners → MCI – voucher payments", "Norvik <- Tavra: data": a flow
# drawn as an arrow, on a line of its own or in a table cell beside what flows.
_ENDS = r"(?P<ends>[^:\n]{2,60}?\s*(?:->|→|=>|⟶|➔|➝|<-|←)\s*[^:\n]{2,60}?)"
_ARROW_LINE = re.compile(rf"^\W*{_ENDS}\s*(?::|\s[-–—]\s)\s*(?P<value>\S.*)$")
_ARROW_CELL = re.compile(rf"^\W*{_ENDS}\W*$")
_ARROW_SPLIT = re.compile(r"\s*(->|→|=>|⟶|➔|➝|<-|←)\s*")


def _arrow(ctx: Context, unit: Unit, ends: str, value: str) -> list[ExchangeDraft]:
    parts = _ARROW_SPLIT.split(ends)
    if len(parts) != 3 or "<->" in ends or "<=>" in ends:
        return []  # a two-way arrow says nothing of which way the value goes
    first, arrow, second = parts
    providers = ctx.resolve_cell(first if arrow not in ("<-", "←") else second, groups=True)
    receivers = ctx.resolve_cell(second if arrow not in ("<-", "←") else first, groups=True)
    if len(providers) != 1 or len(receivers) != 1 or providers[0] is receivers[0]:
        return []
    value = re.sub(r"\s*\([^)]*\)\s*$", "", value).strip(" .;")
    return [_draft(unit, providers[0], receivers[0], value)] if len(value) > 2 else []


def _arrow_row(ctx: Context, unit: Unit) -> list[ExchangeDraft]:
    """A table row with a "Tavra → Norvik" cell: the row's value cell (or its other cell) flows."""
    cells = list(unit.cells.items())
    for i, (_, cell) in enumerate(cells):
        m = _ARROW_CELL.match(cell.strip())
        if m is None:
            continue
        others = [(h, v) for j, (h, v) in enumerate(cells) if j != i and not p.EMPTY_CELL.match(v)]
        value = next((v for h, v in others if header_is(h, vocabulary().columns.value)), None)
        if value is None and len(others) == 1:
            value = others[0][1]
        return _arrow(ctx, unit, m["ends"], value) if value else []
    return []


def _hub(ctx: Context, table: list[Unit]) -> ActorEntry | None:
    """The party a Gives/Gets table is centred on: the one other rows' cells name as their
    counterparty ("paid monthly by the Operator", "trip data from the Operator"), if half the
    rows do (two at least); the table's rows then deal with it where a cell names nobody."""
    columns = vocabulary().columns
    counts: dict[int, int] = {}
    entries: dict[int, ActorEntry] = {}
    for unit in table:
        own = _party_of(ctx, unit)[:1]
        named = {
            id(m[2]): m[2]
            for cell in (_cell(unit.cells, columns.gives), _cell(unit.cells, columns.gets))
            if cell
            for m in ctx.mentions(cell)
            if m[2] not in own
        }
        for key, entry in named.items():
            counts[key] = counts.get(key, 0) + 1
            entries[key] = entry
    if not counts:
        return None
    best = max(counts, key=lambda k: counts[k])
    return entries[best] if counts[best] >= max(2, len(table) / 2) else None


# What each party of a Gives/Gets table gives and gets, item by item, by content words.
Offers = list[tuple[ActorEntry, bool, set[str]]]


def _offers(ctx: Context, table: list[Unit]) -> Offers:
    columns = vocabulary().columns
    out: Offers = []
    for unit in table:
        party = _party_of(ctx, unit)[:1]
        if not party:
            continue
        for cell, giving in ((_cell(unit.cells, columns.gives), True), (_cell(unit.cells, columns.gets), False)):
            out += [(party[0], giving, _meaning(item)) for item in _items(cell)]
    return out


def _meaning(item: str) -> set[str]:
    """An item's content words without its figures and currencies: two fees are not one value."""
    return {w for w in content_words(item) if not re.search(r"\d", w) and w not in _CURRENCIES}


_CURRENCIES = frozenset({"eur", "usd", "gbp", "chf", "€", "$", "£", "%"})


def _mirror(offers: Offers, party: ActorEntry, giving: bool, item: str) -> ActorEntry | None:
    """The one other party whose opposite column names the same value ("insurance API and policy
    documents" received by Tessaly, "Insurance API and policy issuance" provided by Brokerlink):
    in a table of several parties, that is the value's counterparty."""
    words = _meaning(item)
    best: dict[int, tuple[int, ActorEntry]] = {}
    for other, gives, other_words in offers:
        shared = len(words & other_words)
        if other is party or gives == giving or shared < max(2, len(words) / 2):
            continue
        if shared > best.get(id(other), (0, other))[0]:
            best[id(other)] = (shared, other)
    if not best:
        return None
    top = max(n for n, _ in best.values())
    found = [e for n, e in best.values() if n == top]
    return found[0] if len(found) == 1 else None


def _party_of(ctx: Context, unit: Unit) -> list[ActorEntry]:
    """The party a Gives/Gets row is about: its Party column, or else its first cell."""
    party_cell = _cell(unit.cells, vocabulary().columns.party)
    if party_cell is None:
        party_cell = next(iter(unit.cells.values()), "")
    return ctx.resolve_cell(party_cell, groups=True)


def _cell(cells: dict[str, str], names: frozenset[str]) -> str | None:
    return next((value for header, value in cells.items() if header_is(header, names)), None)


def _flow_row(ctx: Context, unit: Unit) -> list[ExchangeDraft]:
    columns = vocabulary().columns
    provider_cell = _cell(unit.cells, columns.provider - columns.party)
    receiver_cell = _cell(unit.cells, columns.receiver)
    value = _cell(unit.cells, columns.value)
    if not (provider_cell and receiver_cell and value) or p.EMPTY_CELL.match(value):
        return []
    # Groups give and receive value: a "Partner" cell in a table of what flows is the partners.
    providers, receivers = ctx.resolve_cell(provider_cell, groups=True), ctx.resolve_cell(receiver_cell, groups=True)
    if not providers or not receivers or providers[0] is receivers[0]:
        return []
    return [_draft(unit, providers[0], receivers[0], value)]


def _party_row(ctx: Context, unit: Unit, table_hub: ActorEntry | None, offers: Offers) -> list[ExchangeDraft]:
    columns = vocabulary().columns
    gives = _cell(unit.cells, columns.gives)
    gets = _cell(unit.cells, columns.gets)
    if gives is None and gets is None:
        return []
    parties = _party_of(ctx, unit)
    if not parties:
        return []
    party = parties[0]
    hub = table_hub or ctx.writers.get(id(unit))
    out: list[ExchangeDraft] = []
    for text, giving in ((gives, True), (gets, False)):
        for item in _items(text):
            named = [m for m in ctx.mentions(item) if m[2] is not party]
            counterparty: ActorEntry | None = named[-1][2] if named else None
            if counterparty is None:
                mirror = _mirror(offers, party, giving, item)
                if mirror is not None and not giving:
                    continue  # the giver's row states this flow, in its own words
                counterparty = mirror or hub
            if counterparty is None or counterparty is party:
                continue
            value = _DANGLING.sub("", _TAIL.sub("", item)).strip(" .,;:") if named else item.strip(" .,;:")
            if not value or p.EMPTY_CELL.match(value):
                continue
            provider, receiver = (party, counterparty) if giving else (counterparty, party)
            out.append(_draft(unit, provider, receiver, value))
    return out


def _column_row(ctx: Context, unit: Unit) -> list[ExchangeDraft]:
    """A table with one column per party and a row per direction of value: "What the host provides
    | car-park space | 30 bays", "What VoltHaven pays | 8% revenue share | fixed rent". The row's
    label says who gives: the party it names, else the column's party; the other side is the
    party the label names or the organisation the table is written for."""
    cells = list(unit.cells.items())
    if len(cells) < 2:
        return []
    label = cells[0][1] or cells[0][0]
    direction = _direction(label)
    if direction is None:
        return []
    named = [m[2] for m in ctx.mentions(label)]
    other = named[0] if named else ctx.writers.get(id(unit))
    out: list[ExchangeDraft] = []
    for header, value in cells[1:]:
        columns = ctx.resolve_cell(header)
        if not columns or p.EMPTY_CELL.match(value) or len(value.strip()) < 3 or _MARK.fullmatch(value.strip()):
            continue  # a RACI letter or a tick says who takes part, not what is given
        party = columns[0]
        if other is None or other is party:
            continue
        # "What VoltHaven pays": the named party gives to the column's; "What the host provides":
        # the column's party gives; "What X receives" turns either round.
        gives = (direction == "give") != bool(named)
        provider, receiver = (party, other) if gives else (other, party)
        out.append(_draft(unit, provider, receiver, value.strip(" .;")))
    return out


def _direction(label: str) -> str | None:
    v = vocabulary()
    for word in words(label).split():
        for stem in {word, word.removesuffix("s"), word.removesuffix("es"), re.sub(r"ies$", "y", word)}:
            if stem in v.give or stem in v.pay:
                return "give"
            if stem in v.receive:
                return "get"
    return None


def _items(text: str | None) -> list[str]:
    if not text or p.EMPTY_CELL.match(text):
        return []
    return [item for item in _ITEMS.split(text) if len(item.strip()) > 2]


def _draft(unit: Unit, provider: ActorEntry, receiver: ActorEntry, value: str) -> ExchangeDraft:
    return ExchangeDraft(
        quote=quote_of(unit),
        at=evidence_of(unit),
        provider=provider.name,
        receiver=receiver.name,
        value=value.strip()[:200],
        kind=vocabulary().exchange_kind(value),
    )
