"""What a model answers: compact response models, the checks that make an answer trustworthy, and
their conversion to the `CanvasDraft` both backends share.

The model sees one small schema per call (only the sections it drafts, no descriptions: the prompt
defines every field once). Every entry carries the id of the passage it quotes and a verbatim quote;
actors are listed once with an id, and every other entry refers to actors by that id, so no
reference can create an actor. The answer is validated against the passages the call sent
(`AnswerContext`, the validation context of `LLMClient.extract`):

- the quote must stand in the passage it names;
- an actor's quote must name it; an owner, provider or receiver must be named in the entry's quote
  (or, when the quote says "we" or "it", in the passage); supporters and other participants in the
  passage; every alias somewhere in the evidence;
- every number of a value, target or cadence must appear in the quote, and enough of its words.

A quote from a table row is read with the column headers of the cells it covers, as the model
reads it (the passage marker carries them): a party or a year that only the header names counts.

A failed check is an error instructor sends back to the model (a re-ask). When the re-asks run
out, the client validates the last answer again with `lenient` set: the unsupported entries and
references are then dropped and counted, the rest is kept (see `ecocanvas.generator.llm`). What cannot be
wrong enough to re-ask for is handled per entry when converting (`to_draft`): over-long lists are
cut at their cap and unknown kinds are mapped or dropped, each with a note.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import cache
from typing import Annotated, Any, Self, TypeVar

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, WithJsonSchema, create_model, model_validator
from pydantic.json_schema import SkipJsonSchema

from ecocanvas.canvas.model import (
    ACTOR_KINDS,
    EXCHANGE_KINDS,
    MECHANISM_KINDS,
    ActorKind,
    ExchangeKind,
    MechanismKind,
    SectionName,
)
from ecocanvas.generator.drafts import (
    ActivitiesDraft,
    ActivityDraft,
    ActorDraft,
    ActorsDraft,
    CanvasDraft,
    EntryDraft,
    Evidence,
    ExchangeDraft,
    ExchangesDraft,
    ExclusionDraft,
    GovernanceDraft,
    ItemDraft,
    MechanismDraft,
    MetricDraft,
    MetricsDraft,
    ReviewDraft,
    ScopeDraft,
    max_items,
)
from ecocanvas.generator.evidence import Passage
from ecocanvas.generator.ground import Grounder
from ecocanvas.generator.llm import validation_context
from ecocanvas.generator.support import mentions, missing_numbers, refers_indirectly, words_supported
from ecocanvas.knowledge import Document

MAX_QUOTE = 600
D = TypeVar("D", bound=EntryDraft)
T = TypeVar("T")
_MAX_PROBLEMS_SHOWN = 15


# A string that may be absent: the schema says "string" (shorter than a string-or-null), and an
# answer may still send null or leave it out.
Text = Annotated[str | None, WithJsonSchema({"type": "string"})]


def _enum(values: Iterable[str], default: str | None = None) -> Any:
    """A string field whose schema lists the allowed values; an unknown value is mapped, not refused."""
    extra: dict[str, Any] = {"enum": list(values)}
    return Field(default, json_schema_extra=extra) if default is not None else Field(json_schema_extra=extra)


class _Answer(BaseModel):
    model_config = ConfigDict(extra="ignore")

    @classmethod
    def model_json_schema(cls, *args: Any, **kwargs: Any) -> dict[str, Any]:
        """The schema without what a model does not need: titles, defaults, `anyOf` for nullable types,
        `"type": "object"` beside `properties` (below the root), `"type": "array"` beside `items` and
        `"type": "string"` beside `enum`.

        The prompt defines every field once; the schema only says what is a string, a list or one
        of a few values. This roughly halves it, and it is sent with every request. A definition
        used once is written where it is used; only one used several times (an item of the scope's
        lists) stays in `$defs`, so no definition is written twice and no reference is paid for in vain.
        """
        schema: dict[str, Any] = _inline_single_use(_compact(super().model_json_schema(*args, **kwargs)))
        return {"type": "object", **schema}  # the root says it: response formats require it


def _short_ref(name: str) -> str:
    return name.removesuffix("Answer") or name


def _compact(node: Any) -> Any:
    if isinstance(node, list):
        return [_compact(x) for x in node]
    if not isinstance(node, dict):
        return node
    out: dict[str, Any] = {}
    for key, value in node.items():
        if key in ("title", "default") and not isinstance(value, dict):
            continue
        if key == "$defs":
            out[key] = {_short_ref(name): _compact(d) for name, d in value.items()}
        elif key == "$ref":
            prefix, _, name = value.rpartition("/")
            out[key] = f"{prefix}/{_short_ref(name)}"
        else:
            out[key] = value if key == "enum" else _compact(value)
    if "enum" in out or "properties" in out or "items" in out:
        out.pop("type", None)  # the values say it; properties make an object, items an array
    options = out.get("anyOf")
    if isinstance(options, list) and all(isinstance(o, dict) and set(o) == {"type"} for o in options):
        del out["anyOf"]
        out["type"] = [o["type"] for o in options]
    return out


def _inline_single_use(schema: dict[str, Any]) -> dict[str, Any]:
    """`schema` with every `$defs` entry referenced once replaced by its definition at that reference."""
    defs: dict[str, Any] = schema.get("$defs", {})
    uses: dict[str, int] = {}

    def count(node: Any) -> None:
        if isinstance(node, list):
            for x in node:
                count(x)
        elif isinstance(node, dict):
            ref = node.get("$ref")
            if isinstance(ref, str):
                uses[ref] = uses.get(ref, 0) + 1
            for value in node.values():
                count(value)

    count(schema)
    once = {name for name in defs if uses.get(f"#/$defs/{name}") == 1}

    def inline(node: Any) -> Any:
        if isinstance(node, list):
            return [inline(x) for x in node]
        if not isinstance(node, dict):
            return node
        ref = node.get("$ref")
        name = ref.rpartition("/")[2] if isinstance(ref, str) else ""
        if name in once and set(node) == {"$ref"}:
            return inline(defs[name])
        return {k: inline(v) for k, v in node.items() if k != "$defs"}

    out: dict[str, Any] = inline(schema)
    kept = {name: inline(d) for name, d in defs.items() if name not in once}
    return {"$defs": kept, **out} if kept else out


class Cited(_Answer):
    passage: str
    quote: str


class ItemAnswer(Cited):
    text: str


class ActorAnswer(Cited):
    id: str
    name: str
    aliases: list[str] = Field(default_factory=list)
    kind: str = _enum(ACTOR_KINDS, "partner")
    role: str = ""
    excluded: bool = False  # the documents say it does not (or no longer) take part


class ScopeAnswer(_Answer):
    passage: Text = None
    title: Text = None
    summary: str = ""
    objectives: list[ItemAnswer] = Field(default_factory=list)
    in_scope: list[ItemAnswer] = Field(default_factory=list)
    out_of_scope: list[ItemAnswer] = Field(default_factory=list)


class ActivityAnswer(Cited):
    name: str
    owner: Text = None
    supporters: list[str] = Field(default_factory=list)
    approvers: list[str] = Field(default_factory=list)
    depends_on: list[str] = Field(default_factory=list)


class ExchangeAnswer(Cited):
    provider: str
    receiver: str
    value: str
    kind: str = _enum(EXCHANGE_KINDS, "other")


class MechanismAnswer(Cited):
    kind: str = _enum(MECHANISM_KINDS)
    description: str
    owner: Text = None
    participants: list[str] = Field(default_factory=list)
    cadence: Text = None


class MetricAnswer(Cited):
    name: str
    owner: Text = None
    target: Text = None
    cadence: Text = None
    data_source: Text = None
    actors: list[str] = Field(default_factory=list)


class ReviewAnswer(_Answer):
    passage: Text = None
    quote: Text = None
    cadence: Text = None
    stakeholders: list[str] = Field(default_factory=list)


# -- the validation context --------------------------------------------------------------------


@dataclass
class AnswerContext:
    """What an answer is checked against: the passages its call sent, by id."""

    passages: dict[str, Passage]
    lenient: bool = False
    _grounders: dict[str, Grounder] = field(default_factory=dict, repr=False)
    _evidence: str | None = field(default=None, repr=False)

    @classmethod
    def of(cls, passages: Sequence[Passage]) -> AnswerContext:
        return cls({p.id: p for p in passages})

    def as_lenient(self) -> AnswerContext:
        return AnswerContext(self.passages, True, self._grounders, self._evidence)

    def text(self, passage_id: str) -> str:
        passage = self.passages[passage_id]
        return " ".join(passage.chunk.heading_path) + "\n" + passage.chunk.text

    @property
    def evidence(self) -> str:
        if self._evidence is None:
            self._evidence = "\n".join(self.text(pid) for pid in self.passages)
        return self._evidence

    def locate(self, passage_id: str, quote: str) -> tuple[int, int] | None:
        """Where `quote` stands in the passage, in the passage's own offsets."""
        if passage_id not in self.passages:
            return None
        grounder = self._grounders.get(passage_id)
        if grounder is None:
            chunk = self.passages[passage_id].chunk
            doc = Document(id=passage_id, name=chunk.document, media_type="text/plain", text=chunk.text)
            grounder = self._grounders[passage_id] = Grounder([doc])
        found = grounder.locate(quote)
        return (found.start, found.end) if found is not None else None

    def with_headers(self, passage_id: str, quote: str) -> str:
        """`quote` followed by the column headers of the table cells it covers in the passage.

        A table row states its facts with its headers: "8% of net charging revenue" under the column
        "Korbin Supermarkets" says who is paid, "below 6%" under "Target 2025" says when. The passage
        marker shows the headers to the model; the checks read them with the row the same way.
        """
        found = self.locate(passage_id, quote)
        chunk = self.passages[passage_id].chunk if passage_id in self.passages else None
        if found is None or chunk is None or not chunk.tables:
            return quote
        low, high = chunk.start + found[0], chunk.start + found[1]
        labels = [
            label
            for table in chunk.tables
            for row in table.rows
            if not row.header
            for cell in row.cells
            if cell.start < high and cell.end > low and (label := table.label(cell))
        ]
        return "\n".join([quote, *dict.fromkeys(labels)])

    def find(self, quote: str) -> str | None:
        """The id of a passage that holds `quote`, to tell a model where its quote really is."""
        return next((pid for pid in self.passages if self.locate(pid, quote) is not None), None)


# -- the answer and its checks -----------------------------------------------------------------


class Answer(_Answer):
    """Base of every call's response model; the sections are added per call by `answer_model`."""

    # Filled by validation, never by the model (and outside the schema it sees).
    notes: SkipJsonSchema[list[str]] = Field(default_factory=list)
    dropped: SkipJsonSchema[dict[str, int]] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _supported(self, info: ValidationInfo) -> Self:
        context = info.context if info.context is not None else validation_context()
        if not isinstance(context, AnswerContext):
            return self  # a cached or re-read answer was checked when it was first received
        self.notes, self.dropped = [], {}
        problems = _Checker(self, context).run()
        if problems and not context.lenient:
            shown = "\n".join(f"- {p.where}: {p.why}" for p in problems[:_MAX_PROBLEMS_SHOWN])
            more = f"\n- and {len(problems) - _MAX_PROBLEMS_SHOWN} more" if len(problems) > _MAX_PROBLEMS_SHOWN else ""
            raise ValueError(
                f"{len(problems)} entries are not supported by the passage they cite. Correct each one "
                f"(quote the passage that states it, use an actor id from `actors`) or leave it out:\n{shown}{more}"
            )
        for p in problems:
            p.drop()
            self.dropped[p.section] = self.dropped.get(p.section, 0) + 1
            self.notes.append(f"dropped {p.where}: {p.why}")
        return self

    def entry_count(self) -> int:
        """How many things the answer states: zero means the model said nothing at all."""
        count = 0
        for name in type(self).model_fields:
            value = getattr(self, name)
            if name in ("notes", "dropped"):
                continue
            if isinstance(value, list):
                count += len(value)
            elif isinstance(value, ScopeAnswer):
                count += len(value.objectives) + len(value.in_scope) + len(value.out_of_scope) + bool(value.title)
            elif isinstance(value, ReviewAnswer):
                count += bool(value.cadence) + len(value.stakeholders)
        return count


_SECTION_FIELDS: dict[SectionName, tuple[tuple[str, Any], ...]] = {
    "scope": (("scope", (ScopeAnswer, Field(default_factory=ScopeAnswer))),),
    "actors": (),
    "value_exchanges": (("value_exchanges", (list[ExchangeAnswer], Field(default_factory=list))),),
    "activities": (("activities", (list[ActivityAnswer], Field(default_factory=list))),),
    "governance": (("governance", (list[MechanismAnswer], Field(default_factory=list))),),
    "metrics": (("metrics", (list[MetricAnswer], Field(default_factory=list))),),
    "review": (("review", (ReviewAnswer, Field(default_factory=ReviewAnswer))),),
}


@cache
def answer_model(sections: tuple[SectionName, ...]) -> type[Answer]:
    """The response model of a call drafting `sections`. Every call lists the actors it refers to."""
    fields: dict[str, Any] = {"actors": (list[ActorAnswer], Field(default_factory=list))}
    for section in sections:
        fields.update(dict(_SECTION_FIELDS[section]))
    return create_model("Canvas" if len(sections) > 3 else "Sections", __base__=Answer, **fields)


@dataclass
class _Problem:
    section: str
    where: str
    why: str
    drop: Callable[[], None]


_PRIMARY = "is not named in its quote"


class _Checker:
    """Collects every unsupported entry and reference of one answer, with how to drop each."""

    def __init__(self, answer: Answer, context: AnswerContext) -> None:
        self.answer = answer
        self.ctx = context
        self.problems: list[_Problem] = []
        self.actors: dict[str, ActorAnswer] = {}

    def run(self) -> list[_Problem]:
        self._actors()
        scope = getattr(self.answer, "scope", None)
        if isinstance(scope, ScopeAnswer):
            self._scope(scope)
        for i, a in enumerate(getattr(self.answer, "activities", [])):
            where = f"activities[{i}] ({a.name})"
            if self._cited("activities", where, a, self._remover("activities", a)):
                self._words("activities", where, "name", a.name, self.ctx.text(a.passage), a, "activities")
                a.owner = self._primary("activities", where, "owner", a.owner, a)
                self._secondary("activities", where, "supporters", a.supporters, a)
                self._secondary("activities", where, "approvers", a.approvers, a)
        for i, x in enumerate(getattr(self.answer, "value_exchanges", [])):
            self._exchange(i, x)
        for i, g in enumerate(getattr(self.answer, "governance", [])):
            where = f"governance[{i}] ({g.description[:40]})"
            if self._cited("governance", where, g, self._remover("governance", g)):
                text = self.ctx.text(g.passage)
                self._words("governance", where, "description", g.description, text, g, "governance")
                self._value("governance", where, "cadence", g.cadence, text, g)
                g.owner = self._primary("governance", where, "owner", g.owner, g)
                self._secondary("governance", where, "participants", g.participants, g)
        for i, k in enumerate(getattr(self.answer, "metrics", [])):
            where = f"metrics[{i}] ({k.name})"
            if self._cited("metrics", where, k, self._remover("metrics", k)):
                text = self.ctx.text(k.passage)
                self._words("metrics", where, "name", k.name, text, k, "metrics")
                self._value("metrics", where, "target", k.target, self.ctx.with_headers(k.passage, k.quote), k)
                self._value("metrics", where, "cadence", k.cadence, text, k)
                self._value("metrics", where, "data_source", k.data_source, text, k)
                k.owner = self._primary("metrics", where, "owner", k.owner, k)
                self._secondary("metrics", where, "actors", k.actors, k)
        review = getattr(self.answer, "review", None)
        if isinstance(review, ReviewAnswer):
            self._review(review)
        return self.problems

    # -- helpers -------------------------------------------------------------------------------

    def _add(self, section: str, where: str, why: str, drop: Callable[[], None]) -> None:
        self.problems.append(_Problem(section, where, why, drop))

    def _remover(self, name: str, item: object) -> Callable[[], None]:
        def drop() -> None:
            items = getattr(self.answer, name)
            setattr(self.answer, name, [x for x in items if x is not item])

        return drop

    def _cited(self, section: str, where: str, item: Cited, drop: Callable[[], None]) -> bool:
        """The quote stands in the passage it names; False (and a problem) when not."""
        if item.passage not in self.ctx.passages:
            self._add(section, where, f"passage {item.passage!r} is not one of the passages sent", drop)
            return False
        if len(item.quote) > MAX_QUOTE:
            self._add(section, where, f"the quote has {len(item.quote)} characters; quote one sentence or row", drop)
            return False
        if self.ctx.locate(item.passage, item.quote) is None:
            elsewhere = self.ctx.find(item.quote)
            hint = f" (it is in {elsewhere})" if elsewhere else " (copy it character for character)"
            self._add(section, where, f"the quote is not in {item.passage}{hint}", drop)
            return False
        return True

    def _words(self, section: str, where: str, label: str, value: str, text: str, item: object, name: str) -> None:
        if not value.strip():
            self._add(section, where, f"{label} is empty", self._remover(name, item))
        elif not words_supported(value, text):
            self._add(section, where, f"{label} {value!r} is not what its passage says", self._remover(name, item))

    def _value(self, section: str, where: str, label: str, value: str | None, text: str, item: object) -> None:
        """A value's numbers must all be in `text`, and half its words; unsupported values become null."""
        if not value:
            return

        def clear() -> None:
            setattr(item, label, None)

        missing = missing_numbers(value, text)
        if missing:
            self._add(section, where, f"{label} {value!r}: {', '.join(missing)} is not in its quote", clear)
        elif not words_supported(value, text):
            self._add(section, where, f"{label} {value!r} is not what its quote says", clear)

    def _actors(self) -> None:
        for i, actor in enumerate(self.answer.actors):  # type: ignore[attr-defined]
            where = f"actors[{i}] ({actor.name})"
            drop = self._remover("actors", actor)
            if actor.id in self.actors:
                self._add("actors", where, f"the id {actor.id!r} is used twice", drop)
                continue
            if not self._cited("actors", where, actor, drop):
                continue
            if not mentions(actor.quote, [actor.name, *actor.aliases]):
                self._add("actors", where, f"its quote does not name {actor.name}", drop)
                continue
            self.actors[actor.id] = actor
            for alias in list(actor.aliases):
                if not mentions(self.ctx.evidence, [alias]):

                    def drop_alias(actor: ActorAnswer = actor, alias: str = alias) -> None:
                        actor.aliases = [a for a in actor.aliases if a != alias]

                    self._add("actors", where, f"the alias {alias!r} is not in the documents", drop_alias)

    def _actor(self, ref: str) -> ActorAnswer | None:
        """The listed actor `ref` names: its id, or (forgivingly) its exact name or alias."""
        if ref in self.actors:
            return self.actors[ref]
        folded = ref.strip().lower()
        return next(
            (a for a in self.actors.values() if folded in (n.lower() for n in (a.name, *a.aliases))),
            None,
        )

    def _primary(self, section: str, where: str, label: str, ref: str | None, item: Cited) -> str | None:
        """An owner, provider or receiver: a listed actor named in the entry's own quote."""
        if not ref:
            return None
        actor = self._actor(ref)

        def clear() -> None:
            setattr(item, label, None)

        if actor is None:
            self._add(section, where, f"{label} {ref!r} is not an id in `actors`", clear)
            return ref
        names = [actor.name, *actor.aliases]
        named = mentions(self.ctx.with_headers(item.passage, item.quote), names) or (
            refers_indirectly(item.quote) and mentions(self.ctx.text(item.passage), names)
        )
        if not named:
            self._add(section, where, f"{label} {actor.id} ({actor.name}) {_PRIMARY}", clear)
        return actor.id

    def _secondary(self, section: str, where: str, label: str, refs: list[str], item: Cited) -> None:
        """Supporters, approvers, participants: listed actors named in the entry's passage."""
        text = self.ctx.text(item.passage)
        resolved: list[str] = []
        for ref in refs:
            actor = self._actor(ref)
            if actor is None:
                self._add(
                    section, where, f"{label}: {ref!r} is not an id in `actors`", self._ref_remover(item, label, ref)
                )
            elif not mentions(text, [actor.name, *actor.aliases]):
                why = f"{label}: {actor.id} ({actor.name}) is not named in its passage"
                self._add(section, where, why, self._ref_remover(item, label, actor.id))
            resolved.append(actor.id if actor is not None else ref)
        setattr(item, label, resolved)

    @staticmethod
    def _ref_remover(item: object, label: str, ref: str) -> Callable[[], None]:
        def drop() -> None:
            setattr(item, label, [r for r in getattr(item, label) if r != ref])

        return drop

    def _exchange(self, i: int, x: ExchangeAnswer) -> None:
        where = f"value_exchanges[{i}] ({x.value[:40]})"
        drop = self._remover("value_exchanges", x)
        if not self._cited("value_exchanges", where, x, drop):
            return
        quote = self.ctx.with_headers(x.passage, x.quote)
        missing = missing_numbers(x.value, quote)
        if missing:
            self._add("value_exchanges", where, f"value: {', '.join(missing)} is not in its quote", drop)
            return
        if not words_supported(x.value, quote):
            self._add("value_exchanges", where, f"value {x.value!r} is not what its quote says", drop)
            return
        ends = []
        for label in ("provider", "receiver"):
            ref = getattr(x, label)
            actor = self._actor(ref)
            if actor is None:
                self._add("value_exchanges", where, f"{label} {ref!r} is not an id in `actors`", drop)
                return
            names = [actor.name, *actor.aliases]
            named = mentions(quote, names) or (refers_indirectly(x.quote) and mentions(self.ctx.text(x.passage), names))
            if not named:
                self._add("value_exchanges", where, f"{label} {actor.id} ({actor.name}) {_PRIMARY}", drop)
                return
            setattr(x, label, actor.id)
            ends.append(actor.id)
        if ends[0] == ends[1]:
            self._add("value_exchanges", where, "provider and receiver are the same actor", drop)

    def _scope(self, scope: ScopeAnswer) -> None:
        for name in ("objectives", "in_scope", "out_of_scope"):
            for i, item in enumerate(getattr(scope, name)):
                where = f"scope.{name}[{i}] ({item.text[:40]})"

                def drop(name: str = name, item: ItemAnswer = item) -> None:
                    setattr(scope, name, [x for x in getattr(scope, name) if x is not item])

                if self._cited("scope", where, item, drop) and (
                    not item.text.strip() or not words_supported(item.text, self.ctx.text(item.passage))
                ):
                    self._add("scope", where, f"{item.text!r} is not what its passage says", drop)

        def clear_title() -> None:
            scope.title = None

        if scope.title:
            if not scope.passage or scope.passage not in self.ctx.passages:
                self._add("scope", "scope.title", "give the passage that names the ecosystem", clear_title)
            elif not words_supported(scope.title, self.ctx.text(scope.passage), 2 / 3):
                self._add("scope", "scope.title", f"{scope.title!r} is not in passage {scope.passage}", clear_title)
        if scope.summary and (
            missing_numbers(scope.summary, self.ctx.evidence) or not words_supported(scope.summary, self.ctx.evidence)
        ):

            def clear_summary() -> None:
                scope.summary = ""

            self._add("scope", "scope.summary", "the summary says what the documents do not", clear_summary)

    def _review(self, review: ReviewAnswer) -> None:
        if review.cadence:

            def clear() -> None:
                review.cadence = review.quote = review.passage = None

            if not review.passage or not review.quote:
                self._add("review", "review.cadence", "give the passage and quote that state the cadence", clear)
            elif self._cited("review", "review.cadence", _AsCited(review), clear):
                self._value("review", "review.cadence", "cadence", review.cadence, review.quote, review)
        kept: list[str] = []
        for ref in review.stakeholders:
            actor = self._actor(ref)
            if actor is None:
                why = f"stakeholders: {ref!r} is not an id in `actors`"
                self._add("review", "review.stakeholders", why, self._ref_remover(review, "stakeholders", ref))
            kept.append(actor.id if actor is not None else ref)
        review.stakeholders = kept


def _AsCited(review: ReviewAnswer) -> Cited:  # noqa: N802 - reads as the type it builds
    return Cited(passage=review.passage or "", quote=review.quote or "")


# -- conversion ----------------------------------------------------------------------------------


@dataclass
class Converted:
    draft: CanvasDraft
    notes: dict[str, list[str]]
    dropped: dict[str, int]


_ACTOR_KIND_WORDS: dict[str, ActorKind] = {
    "internal": "internal_team",
    "team": "internal_team",
    "department": "internal_team",
    "unit": "internal_team",
    "platform": "platform",
    "hub": "platform",
    "marketplace": "platform",
    "supplier": "supplier",
    "vendor": "supplier",
    "contractor": "supplier",
    "installer": "supplier",
    "customer": "customer",
    "client": "customer",
    "user": "customer",
    "consumer": "customer",
    "regulator": "regulator",
    "authority": "regulator",
    "agency": "regulator",
    "government": "regulator",
    "third": "third_party",
    "external": "third_party",
    "partner": "partner",
    "member": "partner",
}
_EXCHANGE_KIND_WORDS: dict[str, ExchangeKind] = {
    "revenue": "revenue",
    "fee": "revenue",
    "payment": "revenue",
    "money": "revenue",
    "financial": "revenue",
    "data": "data",
    "information": "data",
    "capability": "capability",
    "technology": "capability",
    "access": "customer_access",
    "customer": "customer_access",
    "referral": "customer_access",
    "service": "service",
    "product": "product",
    "goods": "product",
}
_MECHANISM_KIND_WORDS: dict[str, MechanismKind] = {
    "decision": "decision_right",
    "approval": "decision_right",
    "authority": "decision_right",
    "escalation": "escalation_path",
    "forum": "forum",
    "meeting": "forum",
    "committee": "forum",
    "board": "forum",
    "conflict": "conflict_resolution",
    "dispute": "conflict_resolution",
    "change": "change_management",
    "policy": "policy",
    "rule": "policy",
}


def _kind(value: str, allowed: tuple[str, ...], words: dict[str, Any]) -> Any:
    """`value` when allowed, else the kind its words point to ("Internal team" -> internal_team), else None."""
    key = re.sub(r"[^a-z]+", "_", value.lower()).strip("_")
    if key in allowed:
        return key
    return next((kind for word, kind in words.items() if word in key), None)


def _clip(text: str, model: type[BaseModel], name: str) -> str:
    limit = max_items(model, name)
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


class _Converter:
    def __init__(self, answer: Answer, context: AnswerContext) -> None:
        self.answer = answer
        self.ctx = context
        self.notes: dict[str, list[str]] = {}
        self.dropped: dict[str, int] = dict(answer.dropped)
        for note in answer.notes:
            section = _note_section(note)
            self.notes.setdefault(section, []).append(note)
        self.names: dict[str, str] = {}

    def note(self, section: str, text: str, dropped: int = 0) -> None:
        self.notes.setdefault(section, []).append(text)
        if dropped:
            self.dropped[section] = self.dropped.get(section, 0) + dropped

    def cite(self, item: D, passage_id: str, quote: str) -> D | None:
        """`item` with its quote replaced by the document's own text where it stands in the passage."""
        found = self.ctx.locate(passage_id, quote)
        if found is None:  # checked in validation; only a cached answer from older code gets here
            return None
        chunk = self.ctx.passages[passage_id].chunk
        item.quote = chunk.text[found[0] : found[1]]
        item.at = Evidence(document_id=chunk.document_id, start=chunk.start + found[0])
        return item

    def capped(self, section: str, label: str, items: list[T], model: type[BaseModel], name: str) -> list[T]:
        limit = max_items(model, name)
        if len(items) > limit:
            self.note(section, f"{len(items)} {label} answered, the first {limit} kept (the cap)", len(items) - limit)
        return items[:limit]

    def ref(self, ref: str | None) -> str | None:
        return self.names.get(ref) if ref else None

    def refs(self, refs: Iterable[str], cap: int) -> list[str]:
        return list(dict.fromkeys(n for r in refs if (n := self.names.get(r))))[:cap]

    def convert(self) -> Converted:
        a = self.answer
        draft = CanvasDraft()
        actors: list[ActorDraft] = []
        excluded: list[ExclusionDraft] = []
        for actor in a.actors:  # type: ignore[attr-defined]
            if actor.excluded:
                gone = self.cite(
                    ExclusionDraft(quote="", name=_clip(actor.name, ExclusionDraft, "name")), actor.passage, actor.quote
                )
                if gone is not None:
                    excluded.append(gone)
                    self.names[actor.id] = gone.name
                continue
            kind = _kind(actor.kind, ACTOR_KINDS, _ACTOR_KIND_WORDS) or "partner"
            if kind != actor.kind:
                self.note("actors", f"actor {actor.name}: kind {actor.kind!r} read as {kind!r}")
            made = ActorDraft(
                quote="",
                name=_clip(actor.name, ActorDraft, "name"),
                aliases=[_clip(x, ActorDraft, "name") for x in actor.aliases][: max_items(ActorDraft, "aliases")],
                kind=kind,
                role=_clip(actor.role, ActorDraft, "role"),
            )
            if self.cite(made, actor.passage, actor.quote) is not None:
                actors.append(made)
                self.names[actor.id] = made.name
        draft.actors = ActorsDraft(
            actors=self.capped("actors", "actors", actors, ActorsDraft, "actors"),
            excluded=self.capped("actors", "exclusions", excluded, ActorsDraft, "excluded"),
        )
        if isinstance(getattr(a, "scope", None), ScopeAnswer):
            draft.scope = self._scope(a.scope)  # type: ignore[attr-defined]
        activities = [x for x in (self._activity(x) for x in getattr(a, "activities", [])) if x]
        draft.activities = ActivitiesDraft(
            activities=self.capped("activities", "activities", activities, ActivitiesDraft, "activities")
        )
        exchanges = [x for x in (self._exchange(x) for x in getattr(a, "value_exchanges", [])) if x]
        draft.value_exchanges = ExchangesDraft(
            value_exchanges=self.capped("value_exchanges", "exchanges", exchanges, ExchangesDraft, "value_exchanges")
        )
        mechanisms = [x for x in (self._mechanism(x) for x in getattr(a, "governance", [])) if x]
        draft.governance = GovernanceDraft(
            governance=self.capped("governance", "mechanisms", mechanisms, GovernanceDraft, "governance")
        )
        metrics = [x for x in (self._metric(x) for x in getattr(a, "metrics", [])) if x]
        draft.metrics = MetricsDraft(metrics=self.capped("metrics", "metrics", metrics, MetricsDraft, "metrics"))
        if isinstance(getattr(a, "review", None), ReviewAnswer):
            draft.review = self._review(a.review)  # type: ignore[attr-defined]
        return Converted(draft, self.notes, self.dropped)

    def _scope(self, scope: ScopeAnswer) -> ScopeDraft:
        def items(name: str) -> list[ItemDraft]:
            made = [
                self.cite(ItemDraft(quote="", text=_clip(i.text, ItemDraft, "text")), i.passage, i.quote)
                for i in getattr(scope, name)
            ]
            return self.capped("scope", name.replace("_", " "), [m for m in made if m], ScopeDraft, name)

        out = ScopeDraft(
            title=_clip(scope.title, ScopeDraft, "title") if scope.title else None,
            summary=_clip(scope.summary, ScopeDraft, "summary"),
            objectives=items("objectives"),
            in_scope=items("in_scope"),
            out_of_scope=items("out_of_scope"),
        )
        return out

    def _activity(self, x: ActivityAnswer) -> ActivityDraft | None:
        made = ActivityDraft(
            quote="",
            name=_clip(x.name, ActivityDraft, "name"),
            owner=self.ref(x.owner),
            supporters=self.refs(x.supporters, max_items(ActivityDraft, "supporters")),
            approvers=self.refs(x.approvers, max_items(ActivityDraft, "approvers")),
            depends_on=[_clip(d, ActivityDraft, "name") for d in x.depends_on][
                : max_items(ActivityDraft, "depends_on")
            ],
        )
        return self.cite(made, x.passage, x.quote)

    def _exchange(self, x: ExchangeAnswer) -> ExchangeDraft | None:
        provider, receiver = self.ref(x.provider), self.ref(x.receiver)
        if not provider or not receiver:
            return None
        kind = _kind(x.kind, EXCHANGE_KINDS, _EXCHANGE_KIND_WORDS) or "other"
        if kind != x.kind:
            self.note("value_exchanges", f"exchange {x.value[:40]!r}: kind {x.kind!r} read as {kind!r}")
        made = ExchangeDraft(
            quote="", provider=provider, receiver=receiver, value=_clip(x.value, ExchangeDraft, "value"), kind=kind
        )
        return self.cite(made, x.passage, x.quote)

    def _mechanism(self, g: MechanismAnswer) -> MechanismDraft | None:
        kind = _kind(g.kind, MECHANISM_KINDS, _MECHANISM_KIND_WORDS)
        if kind is None:
            self.note("governance", f"mechanism {g.description[:40]!r}: unknown kind {g.kind!r}, left out", 1)
            return None
        if kind != g.kind:
            self.note("governance", f"mechanism {g.description[:40]!r}: kind {g.kind!r} read as {kind!r}")
        made = MechanismDraft(
            quote="",
            kind=kind,
            description=_clip(g.description, MechanismDraft, "description"),
            owner=self.ref(g.owner),
            participants=self.refs(g.participants, max_items(MechanismDraft, "participants")),
            cadence=_clip(g.cadence, MechanismDraft, "cadence") if g.cadence else None,
        )
        return self.cite(made, g.passage, g.quote)

    def _metric(self, k: MetricAnswer) -> MetricDraft | None:
        made = MetricDraft(
            quote="",
            name=_clip(k.name, MetricDraft, "name"),
            owner=self.ref(k.owner),
            target=_clip(k.target, MetricDraft, "target") if k.target else None,
            cadence=_clip(k.cadence, MetricDraft, "cadence") if k.cadence else None,
            data_source=_clip(k.data_source, MetricDraft, "data_source") if k.data_source else None,
            actors=self.refs(k.actors, max_items(MetricDraft, "actors")),
        )
        return self.cite(made, k.passage, k.quote)

    def _review(self, review: ReviewAnswer) -> ReviewDraft:
        out = ReviewDraft(stakeholders=self.refs(review.stakeholders, max_items(ReviewDraft, "stakeholders")))
        if review.cadence and review.passage and review.quote:
            found = self.ctx.locate(review.passage, review.quote)
            if found is not None:
                chunk = self.ctx.passages[review.passage].chunk
                out.cadence = _clip(review.cadence, ReviewDraft, "cadence")
                out.cadence_quote = chunk.text[found[0] : found[1]]
                out.cadence_at = Evidence(document_id=chunk.document_id, start=chunk.start + found[0])
        return out


def _note_section(note: str) -> str:
    """The section a validation note is about, from the path it starts with ("dropped activities[2] ...")."""
    head = note.removeprefix("dropped ").split("[", 1)[0].split(".", 1)[0]
    return head


def to_draft(answer: Answer, context: AnswerContext) -> Converted:
    """The answer as the draft both backends produce: actor ids become names, quotes the documents' text."""
    return _Converter(answer, context).convert()
