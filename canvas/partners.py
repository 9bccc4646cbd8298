"""Partner data from outside the documents (PRM exports, account-overlap tools), read from CSV and
matched to a canvas's actors.

- `read_partner_csv(data, mapping)`: the rows of a CSV as `PartnerRecord`s. The columns are mapped to
  fields automatically from common header names (`Partner`, `Tier`, `Co-sell pipeline`, `ARR`...),
  and a mapping the user gives overrides that. Every bad row is reported (row, column, why) in one
  `InvalidFieldsError`; a file with any bad row gives no records at all, so nothing is half-imported.
- `match_partners(canvas, records, decisions)`: each record to the actor whose name or alias it names
  (the same `normalise_key` identity the ids use, legal suffixes such as "Ltd" dropped), else to the
  review list with candidate actors; a person's decision (this actor, or skip) wins.
- `parse_money(text)`: an amount in `€1.2m`, `USD 250k`, `1.200.000,50 EUR`, for figures in CSV cells
  and in an exchange's value.
"""

from __future__ import annotations

import csv
import io
import re
from datetime import date, datetime
from typing import Literal, get_args

from pydantic import BaseModel, ConfigDict, Field
from rapidfuzz import fuzz, process

from ecocanvas.canvas.ids import normalise_key
from ecocanvas.canvas.model import Actor, Canvas
from ecocanvas.errors import InputError, InvalidFieldsError

PartnerField = Literal["name", "aliases", "tier", "overlapping_accounts", "pipeline", "revenue", "contract_end"]
PARTNER_FIELDS: tuple[PartnerField, ...] = get_args(PartnerField)
# The mapping value that leaves a column out.
IGNORE: Literal["-"] = "-"
ColumnField = PartnerField | Literal["-"]
_CHOICES: dict[str, ColumnField] = {f: f for f in (*PARTNER_FIELDS, IGNORE)}
MAX_ROWS = 10_000
MAX_CSV_BYTES = 5_000_000

# Header names (normalised) that mean a field, so the usual PRM exports map themselves.
HEADER_NAMES: dict[PartnerField, tuple[str, ...]] = {
    "name": ("name", "partner", "partner name", "actor", "actor name", "company", "company name", "account name",
             "organisation", "organization", "organisation name", "organization name", "partner account"),
    "aliases": ("alias", "aliases", "aka", "also known as", "other names", "short name", "abbreviation"),
    "tier": ("tier", "partner tier", "level", "partner level", "program tier", "programme tier", "status tier"),
    "overlapping_accounts": ("overlapping accounts", "overlap", "account overlap", "shared accounts", "overlaps",
                             "overlapping customers", "shared customers", "mutual customers", "common accounts"),
    "pipeline": ("pipeline", "co sell pipeline", "cosell pipeline", "co selling pipeline", "joint pipeline",
                 "open pipeline", "pipeline value", "sourced pipeline", "influenced pipeline"),
    "revenue": ("revenue", "partner revenue", "annual revenue", "arr", "revenue per partner", "sourced revenue",
                "closed revenue", "bookings", "revenue share", "revenue usd", "revenue eur"),
    "contract_end": ("contract end", "contract end date", "end date", "contract expiry", "expiry", "expiry date",
                     "expires", "renewal date", "contract renewal", "agreement end", "term end"),
}  # fmt: skip
_AUTO: dict[str, PartnerField] = {header: field for field, names in HEADER_NAMES.items() for header in names}

# The least token-set ratio (0-100) at which an actor is offered as a candidate for an unmatched row.
_CANDIDATE_SCORE = 60.0
_LEGAL = re.compile(
    r"\s+(?:ltd|limited|inc|incorporated|plc|llc|gmbh|ag|sa|nv|bv|oy|ab|as|co|corp|corporation|group|holding|holdings)$"
)


class _Model(BaseModel):
    model_config = ConfigDict(extra="ignore")


class Money(_Model):
    amount: float
    currency: str | None = Field(None, description="ISO code when the text named one (`€` reads as EUR).")


class PartnerRecord(_Model):
    """One partner row: what the CSV says, typed. `row` is the data row's number (the header is row 0)."""

    row: int = Field(ge=1)
    name: str = Field(min_length=1, max_length=1_000)
    aliases: list[str] = Field(default_factory=list)
    tier: str | None = None
    overlapping_accounts: int | None = Field(None, ge=0)
    pipeline: Money | None = None
    revenue: Money | None = None
    contract_end: date | None = None


class PartnerTable(_Model):
    """A parsed CSV: its records and which column became which field."""

    records: list[PartnerRecord]
    columns: dict[str, ColumnField] = Field(
        description="Every header of the file and the field it was read as (`-`: left out)."
    )
    delimiter: str


class Candidate(_Model):
    actor_id: str
    name: str
    score: float = Field(description="How close the names are, 0 to 1.")


class MatchedPartner(_Model):
    actor_id: str
    record: PartnerRecord
    how: Literal["name", "alias", "decision"]


class UnmatchedPartner(_Model):
    record: PartnerRecord
    candidates: list[Candidate] = Field(default_factory=list)
    reason: str


class PartnerMatch(_Model):
    """A partner import matched to one canvas: figures per actor, rows a person must map or skip."""

    matched: list[MatchedPartner] = Field(default_factory=list)
    unmatched: list[UnmatchedPartner] = Field(default_factory=list)
    skipped: list[PartnerRecord] = Field(default_factory=list)

    def by_actor(self) -> dict[str, PartnerRecord]:
        return {m.actor_id: m.record for m in self.matched}


class PartnerData(_Model):
    """What the rules and the exports read: the imported figures per actor id, and as of when."""

    version: int = 0
    imported_at: date
    source: str = ""
    by_actor: dict[str, PartnerRecord] = Field(default_factory=dict)


class PartnerImport(_Model):
    """One stored import of a workspace's partner CSV, and what a person decided about its rows."""

    version: int = Field(ge=1, description="1 for the workspace's first import; a re-import adds one.")
    source: str = Field("", description="The file's name, as the importer gave it.")
    created_at: datetime
    columns: dict[str, ColumnField] = Field(default_factory=dict)
    rows: int = 0
    records: list[PartnerRecord] = Field(default_factory=list)
    decisions: dict[str, str | None] = Field(
        default_factory=dict, description="Row name key (`decision_key`) -> the actor id chosen, or null: skipped."
    )

    def match(self, canvas: Canvas) -> PartnerMatch:
        return match_partners(canvas, self.records, self.decisions)

    def data(self, canvas: Canvas) -> PartnerData:
        """The figures per actor of `canvas`, as of the import's day (the rules' "today")."""
        return PartnerData(
            version=self.version,
            imported_at=self.created_at.date(),
            source=self.source,
            by_actor=match_partners(canvas, self.records, self.decisions, with_candidates=False).by_actor(),
        )


# -- keys ------------------------------------------------------------------------------------------


def name_key(name: str) -> str:
    """The identity of an organisation's name: `normalise_key` with a trailing legal suffix dropped."""
    key = normalise_key(name)
    stripped = _LEGAL.sub("", key)
    return stripped or key


def decision_key(record: PartnerRecord) -> str:
    """What a person's decision about a row is remembered by: the row's name, so a re-import keeps it."""
    return name_key(record.name)


# -- money, counts, dates --------------------------------------------------------------------------

_CURRENCY_SIGNS = {"€": "EUR", "$": "USD", "£": "GBP", "¥": "JPY", "₹": "INR", "kr": "SEK", "chf": "CHF"}
_CODES = ("EUR", "USD", "GBP", "JPY", "INR", "SEK", "NOK", "DKK", "CHF", "CAD", "AUD", "PLN", "CNY")
_SCALES = {"k": 1e3, "thousand": 1e3, "m": 1e6, "mn": 1e6, "mm": 1e6, "million": 1e6, "b": 1e9, "bn": 1e9,
           "billion": 1e9}  # fmt: skip
_MONEY = re.compile(
    r"(?P<pre>[€$£¥₹]|\b(?:" + "|".join(_CODES) + r")\b)?\s*"
    r"(?P<num>\d[\d.,' \u00a0]*\d|\d)"
    r"(?:\s*(?P<scale>thousand|million|billion|bn|mn|mm|[kmb])\b)?"
    r"\s*(?P<post>[€$£¥₹]|\b(?:" + "|".join(_CODES) + r")\b)?",
    re.IGNORECASE,
)


def _number(text: str) -> float | None:
    """`1,234,567.89`, `1.234.567,89`, `1 234 567`, `1'234` or `12,5` as a float; None when it is none."""
    digits = re.sub(r"[' \u00a0]", "", text)
    if "," in digits and "." in digits:
        decimal = "," if digits.rfind(",") > digits.rfind(".") else "."
        thousands = "." if decimal == "," else ","
        digits = digits.replace(thousands, "").replace(decimal, ".")
    elif "," in digits or "." in digits:
        sep = "," if "," in digits else "."
        parts = digits.split(sep)
        # One separator followed by exactly three digits groups thousands (1,200 / 1.200); otherwise a decimal.
        if len(parts) > 2 or (len(parts[-1]) == 3 and len(parts) == 2 and parts[0] != "0"):
            if not all(len(p) == 3 for p in parts[1:]):
                return None
            digits = "".join(parts)
        else:
            digits = digits.replace(",", ".")
    try:
        return float(digits)
    except ValueError:
        return None


def _currency(sign: str | None) -> str | None:
    if not sign:
        return None
    return _CURRENCY_SIGNS.get(sign.lower(), sign.upper())


def _amount(match: re.Match[str]) -> Money | None:
    amount = _number(match.group("num").strip())
    if amount is None:
        return None
    scale = match.group("scale")
    if scale:
        amount *= _SCALES[scale.lower()]
    return Money(amount=amount, currency=_currency(match.group("pre") or match.group("post")))


def parse_money(text: str) -> Money | None:
    """The first amount in `text` with its scale and currency (`€2.4m` -> 2_400_000 EUR), else None.

    A bare year or percentage is not money: `2025`, `15%` read as None unless a currency or scale
    goes with them.
    """
    for match in _MONEY.finditer(text):
        marked = match.group("pre") or match.group("post") or match.group("scale")
        after = text[match.end() : match.end() + 1]
        if after == "%" or (not marked and re.fullmatch(r"(?:19|20)\d{2}", match.group("num"))):
            continue
        money = _amount(match)
        if money is not None:
            return money
    return None


def _money_cell(text: str) -> Money:
    """A cell that is an amount and nothing else (`€1.2m`, `250 000`, `USD 90k`)."""
    clean = text.strip()
    match = _MONEY.fullmatch(clean.removeprefix("-").strip())
    money = _amount(match) if match else None
    if money is None:
        raise ValueError(f"{text!r} is not an amount (write e.g. 250000, 250k, €1.2m or 1.200.000 EUR)")
    if clean.startswith("-"):
        raise ValueError(f"{text!r} is negative")
    return money


def _count_cell(text: str) -> int:
    value = _number(text.strip())
    if value is None or value != int(value) or value < 0:
        raise ValueError(f"{text!r} is not a whole number of accounts")
    return int(value)


_DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y", "%d.%m.%Y", "%d-%m-%Y", "%Y/%m/%d", "%d %b %Y", "%d %B %Y", "%b %d, %Y",
                 "%B %d, %Y")  # fmt: skip


def _date_cell(text: str) -> date:
    clean = text.strip()
    for fmt in _DATE_FORMATS:
        try:
            return datetime.strptime(clean, fmt).date()
        except ValueError:
            continue
    raise ValueError(f"{text!r} is not a date (write 2026-06-30 or 30/06/2026)")


# -- CSV -------------------------------------------------------------------------------------------


def decode_csv(data: bytes | str) -> str:
    """The CSV's text: UTF-8 (a BOM dropped) or, failing that, Windows-1252 (what spreadsheet exports write)."""
    if isinstance(data, str):
        return data.removeprefix("\ufeff")
    if len(data) > MAX_CSV_BYTES:
        raise InputError(f"the CSV is over the limit of {MAX_CSV_BYTES:,} bytes")
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise InputError("the CSV is neither UTF-8 nor Windows-1252 text")


def _delimiter(text: str) -> str:
    header = text.split("\n", 1)[0]
    try:
        return csv.Sniffer().sniff(header, delimiters=",;\t|").delimiter
    except csv.Error:
        return ","


def auto_mapping(headers: list[str]) -> dict[str, ColumnField]:
    """Each header and the field its name means (`-` when none), each field taken by its first column."""
    out: dict[str, ColumnField] = {}
    taken: set[str] = set()
    for header in headers:
        field = _AUTO.get(normalise_key(header))
        if field is None or field in taken:
            out[header] = IGNORE
        else:
            out[header] = field
            taken.add(field)
    return out


def resolve_mapping(headers: list[str], mapping: dict[str, str] | None) -> dict[str, ColumnField]:
    """The automatic mapping with the user's `column -> field` (or `-`) on top; a field the user gives a
    column is taken from whichever column the header names had given it."""
    columns = auto_mapping(headers)
    if not mapping:
        return columns
    by_key = {normalise_key(h): h for h in headers}
    problems: list[str] = []
    chosen: dict[str, ColumnField] = {}
    for column, field in mapping.items():
        header = column if column in columns else by_key.get(normalise_key(column))
        if header is None:
            problems.append(f"no column {column!r} in the CSV (its columns: {', '.join(headers)})")
            continue
        choice = _CHOICES.get(field)
        if choice is None:
            known = ", ".join(PARTNER_FIELDS)
            problems.append(f"unknown field {field!r} for column {column!r} (fields: {known}, or -)")
            continue
        chosen[header] = choice
    if problems:
        raise InputError("invalid column mapping: " + "; ".join(problems))
    claimed = {f for f in chosen.values() if f != IGNORE}
    for header, field in columns.items():
        if header in chosen:
            columns[header] = chosen[header]
        elif field in claimed:
            columns[header] = IGNORE
    twice = [f for f in PARTNER_FIELDS if list(columns.values()).count(f) > 1]
    if twice:
        raise InputError(f"invalid column mapping: more than one column is mapped to {', '.join(twice)}")
    return columns


def _split_aliases(text: str) -> list[str]:
    return [a.strip() for a in re.split(r"[;|]|,(?!\d)", text) if a.strip()]


def read_partner_csv(data: bytes | str, mapping: dict[str, str] | None = None) -> PartnerTable:
    """The CSV's rows as records, or one InvalidFieldsError listing every bad row (nothing is returned
    for a file with any): `fields` holds `{"loc": ["row", n, column], "msg": why, "type": "partner_row"}`."""
    text = decode_csv(data)
    if not text.strip():
        raise InputError("the CSV is empty: it needs a header row and at least one partner")
    delimiter = _delimiter(text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        headers = [h.strip() for h in next(reader)]
    except csv.Error as exc:
        raise InputError(f"the CSV header cannot be read: {exc}") from exc
    if len(set(headers)) != len(headers):
        raise InputError("the CSV has two columns with the same header")
    columns = resolve_mapping(headers, mapping)
    if "name" not in columns.values():
        raise InputError(
            "no column names the partner: map one with name (e.g. --map 'Account=name'); the columns are "
            + ", ".join(headers)
        )
    records: list[PartnerRecord] = []
    errors: list[dict[str, object]] = []
    seen: dict[str, int] = {}
    row = 0
    try:
        for cells in reader:
            if not any(c.strip() for c in cells):
                continue
            row += 1
            if row > MAX_ROWS:
                raise InputError(f"the CSV has more than {MAX_ROWS:,} partner rows")
            record, row_errors = _record(row, headers, columns, cells)
            if record is not None:
                key = decision_key(record)
                if key in seen:
                    why = f"repeats the partner of row {seen[key]}"
                    row_errors.append(_error(row, _column_of(columns, "name"), why))
                else:
                    seen[key] = row
            errors += row_errors
            if record is not None and not row_errors:
                records.append(record)
    except csv.Error as exc:
        errors.append(_error(row + 1, None, f"cannot be read as CSV: {exc}"))
    if errors:
        first = errors[0]["msg"]
        more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
        raise InvalidFieldsError(f"nothing was imported: {first}{more}", errors)
    if not records:
        raise InputError("the CSV has a header but no partner rows")
    return PartnerTable(records=records, columns=columns, delimiter=delimiter)


def _column_of(columns: dict[str, ColumnField], field: PartnerField) -> str | None:
    return next((h for h, f in columns.items() if f == field), None)


def _error(row: int, column: str | None, why: str) -> dict[str, object]:
    where = f"row {row}" + (f", column {column!r}" if column else "")
    return {"loc": ["row", row, *([column] if column else [])], "msg": f"{where}: {why}", "type": "partner_row"}


def _record(
    row: int, headers: list[str], columns: dict[str, ColumnField], cells: list[str]
) -> tuple[PartnerRecord | None, list[dict[str, object]]]:
    if len(cells) > len(headers):
        return None, [_error(row, None, f"has {len(cells)} cells but the header has {len(headers)} columns")]
    values: dict[str, object] = {"row": row}
    errors: list[dict[str, object]] = []
    for header, cell in zip(headers, cells, strict=False):
        field = columns[header]
        value = cell.strip()
        if field == IGNORE or not value:
            continue
        try:
            if field in ("pipeline", "revenue"):
                values[field] = _money_cell(value)
            elif field == "overlapping_accounts":
                values[field] = _count_cell(value)
            elif field == "contract_end":
                values[field] = _date_cell(value)
            elif field == "aliases":
                values[field] = _split_aliases(value)
            else:
                values[field] = value
        except ValueError as exc:
            errors.append(_error(row, header, str(exc)))
    if not values.get("name"):
        errors.append(_error(row, _column_of(columns, "name"), "names no partner"))
    if errors:
        return None, errors
    return PartnerRecord.model_validate(values), []


# -- matching --------------------------------------------------------------------------------------


def _actor_keys(actor: Actor) -> list[tuple[str, Literal["name", "alias"]]]:
    out: list[tuple[str, Literal["name", "alias"]]] = [(name_key(actor.name), "name")]
    out += [(name_key(alias), "alias") for alias in actor.aliases]
    return [(k, how) for k, how in out if k]


class _Names:
    """Every live actor's name keys, once per match, for `candidates` to score against."""

    def __init__(self, actors: list[Actor]) -> None:
        self.keys: list[str] = []
        self.owners: list[Actor] = []
        for actor in actors:
            for key in dict.fromkeys(name_key(n) for n in (actor.name, *actor.aliases)):
                if key:
                    self.keys.append(key)
                    self.owners.append(actor)

    def candidates(self, record: PartnerRecord, limit: int = 3) -> list[Candidate]:
        """The actors whose names come closest to the record's, best first (for a person to choose from).

        rapidfuzz's token-set ratio: word order and extra words ("Harbour Mobility" in "Nordhavn Harbour
        Mobility") count little; in C++, so a file of thousands of unknown names against hundreds of actors
        takes a fraction of a second.
        """
        best: dict[str, tuple[float, Actor]] = {}
        for query in dict.fromkeys(name_key(n) for n in (record.name, *record.aliases)):
            if not query:
                continue
            for _, score, i in process.extract(query, self.keys, scorer=fuzz.token_set_ratio, limit=limit * 2):
                if score < _CANDIDATE_SCORE:
                    continue
                actor = self.owners[i]
                if actor.id not in best or best[actor.id][0] < score:
                    best[actor.id] = (score, actor)
        ranked = sorted(best.values(), key=lambda pair: -pair[0])[:limit]
        return [Candidate(actor_id=a.id, name=a.name, score=round(score / 100, 2)) for score, a in ranked]


def candidates(record: PartnerRecord, actors: list[Actor], limit: int = 3) -> list[Candidate]:
    """The actors whose names come closest to the record's, best first."""
    return _Names(actors).candidates(record, limit)


def match_partners(
    canvas: Canvas,
    records: list[PartnerRecord],
    decisions: dict[str, str | None] | None = None,
    *,
    with_candidates: bool = True,
) -> PartnerMatch:
    """Each record to the live actor it names (name before alias), or to the review list.

    `with_candidates=False` leaves the review list's candidates out: what the rules and exports need,
    on every re-check, costs no name comparisons.

    `decisions` (by `decision_key`) hold what a person chose: an actor id, or None to skip the row; a
    decision naming an actor the canvas no longer has counts as none. One actor takes one record: a
    second record for it goes to review.
    """
    decisions = decisions or {}
    actors = [a for a in canvas.actors if a.status != "rejected"]
    ids = {a.id for a in actors}
    by_key: dict[str, tuple[str, Literal["name", "alias"]]] = {}
    for how in ("name", "alias"):
        for actor in actors:
            for key, kind in _actor_keys(actor):
                if kind == how:
                    by_key.setdefault(key, (actor.id, kind))
    result = PartnerMatch()
    names = _Names(actors) if with_candidates else None
    taken: dict[str, PartnerRecord] = {}
    for record in records:
        key = decision_key(record)
        if key in decisions:
            chosen = decisions[key]
            if chosen is None:
                result.skipped.append(record)
                continue
            if chosen in ids and chosen not in taken:
                taken[chosen] = record
                result.matched.append(MatchedPartner(actor_id=chosen, record=record, how="decision"))
                continue
        hit = next((by_key[k] for k in (name_key(n) for n in (record.name, *record.aliases)) if k in by_key), None)
        if hit is None:
            reason = "no actor of the canvas has this name or alias"
        elif hit[0] in taken:
            reason = f"row {taken[hit[0]].row} is already matched to this actor"
        else:
            taken[hit[0]] = record
            result.matched.append(MatchedPartner(actor_id=hit[0], record=record, how=hit[1]))
            continue
        options = names.candidates(record) if names is not None else []
        result.unmatched.append(UnmatchedPartner(record=record, candidates=options, reason=reason))
    return result


# -- showing the figures ---------------------------------------------------------------------------


def money_text(money: Money | None) -> str:
    """`€1.2M`, `USD 250k`, `1,500`: short enough for a card or an arrow."""
    if money is None:
        return ""
    amount = money.amount
    for scale, suffix in ((1e9, "B"), (1e6, "M"), (1e3, "k")):
        if amount >= scale:
            figure = f"{amount / scale:.1f}".removesuffix(".0") + suffix
            break
    else:
        figure = f"{amount:,.0f}"
    signs = {"EUR": "€", "USD": "$", "GBP": "£"}
    if money.currency in signs:
        return signs[money.currency] + figure
    return f"{money.currency} {figure}" if money.currency else figure


def record_summary(record: PartnerRecord) -> str:
    """One line: `Tier Gold · pipeline €1.2M · revenue €300k · 12 shared accounts · contract to 2026-06-30`."""
    parts = []
    if record.tier:
        parts.append(f"tier {record.tier}")
    if record.pipeline:
        parts.append(f"pipeline {money_text(record.pipeline)}")
    if record.revenue:
        parts.append(f"revenue {money_text(record.revenue)}")
    if record.overlapping_accounts is not None:
        parts.append(f"{record.overlapping_accounts} shared accounts")
    if record.contract_end:
        parts.append(f"contract to {record.contract_end.isoformat()}")
    return " · ".join(parts)
