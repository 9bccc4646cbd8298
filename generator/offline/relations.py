"""Sentences to drafts: each clause the parse yields becomes an activity role or a value exchange.

A clause that is negated, hedged or history gives nothing (it may still say an activity has no
owner, which `unowned` reads). "A and B jointly lead X" makes A the owner and B a supporter; a
hand-over ("from Q3 B takes over X", "X moves to B") makes the new holder the owner with the
date it takes effect, so resolution can let the latest decision win. "In return" clauses pay back
the other party of the clause before.
"""

from __future__ import annotations

from ecocanvas.generator.drafts import ActivityDraft, ExchangeDraft
from ecocanvas.generator.offline.clauses import NOT_WORK_NOMINALS, Clause, ClauseReader, activity_like, singular
from ecocanvas.generator.offline.context import Context, evidence_of, quote_of
from ecocanvas.generator.offline.lexicon import ActorEntry
from ecocanvas.generator.offline.vocabulary import vocabulary, words
from ecocanvas.generator.units import Unit


def read_relations(ctx: Context) -> tuple[list[ActivityDraft], list[ExchangeDraft]]:
    activities: list[ActivityDraft] = []
    exchanges: list[ExchangeDraft] = []
    sentences = [u for u in ctx.units if u.kind == "sentence"]
    previous: list[ActorEntry] = []
    last_exchange: Clause | None = None
    # The last exchange clause, when it named nobody to give to ("A pays an annual fee"), and its unit.
    unanswered: tuple[Clause, Unit] | None = None
    for i, unit in enumerate(sentences):
        doc = ctx.parse_of(unit)
        if doc is None:
            continue
        nxt = sentences[i + 1] if i + 1 < len(sentences) else None
        answered = nxt is not None and nxt.document is unit.document and _affirms(nxt.text)
        speaker = ctx.writers.get(id(unit)) if id(unit) in ctx.addressed else None
        reader = ClauseReader(doc, ctx.unit_mentions(unit), unit.date, previous, answered, speaker)
        # "Payment processing: A, supported by B" is read as a whole before its parts.
        clauses = reader.topic_clauses() or reader.read()
        for clause in clauses:
            if clause.agents:
                previous = clause.agents[:1]
            if not clause.usable:
                continue
            if clause.role in ("lead", "support", "approve"):
                draft = _activity(ctx, unit, clause)
                if draft is not None:
                    activities.append(draft)
            else:
                found = _exchanges(ctx, unit, clause, last_exchange)
                exchanges.extend(found)
                # "A pays an annual fee; in return B provides the trademark": each is the other's counterparty.
                if unanswered is not None and clause.reciprocal and clause.role == "give" and clause.agents:
                    before, at = unanswered
                    if before.agents[0] is not clause.agents[0]:
                        exchanges.extend(_exchanges(ctx, at, before, None, to=clause.agents[:1]))
                gave_to_nobody = clause.role == "give" and clause.agents and not found
                unanswered = (clause, unit) if gave_to_nobody else None
                last_exchange = clause
    return activities, exchanges


def _affirms(text: str) -> bool:
    first = words(text).split(" ", 3)[:3]
    return any(w in vocabulary().affirm for w in first)


def _activity(ctx: Context, unit: Unit, clause: Clause) -> ActivityDraft | None:
    name = ctx.activity_name(_named(clause))
    # A one-word object read from prose is a topic ("Decision", "Release"), not a piece of work a
    # reviewer would keep; a gerund ("Routing") still names work.
    if not name or (" " not in name and not name.lower().endswith("ing")):
        return None
    lead = clause.agents[0]
    draft = ActivityDraft(quote=quote_of(unit), at=evidence_of(unit), name=name)
    if clause.role == "lead":
        draft.owner = lead.name
        draft.supporters = _names([*clause.partners, *clause.supporters], exclude=lead)
        draft.approvers = _names(clause.approvers, exclude=None)
    elif clause.role == "support":
        draft.supporters = _names([lead, *clause.partners], exclude=None)
    else:
        draft.approvers = _names([lead, *clause.partners], exclude=None)
    if clause.role != "lead":
        ctx.helper_only.add(id(draft))
    if clause.effective is not None:
        ctx.effective[id(draft)] = clause.effective
    if clause.transfer:
        ctx.transfers.add(id(draft))
    return draft


def _named(clause: Clause) -> str:
    """What the activity is called: its object when that names work ("site onboarding"), else the
    object with the noun of the verb ("coordinates codeshare schedules" -> "Codeshare schedule
    coordination")."""
    theme = clause.theme
    nominal = vocabulary().nominal.get(clause.verb)
    if clause.role != "lead" or clause.transfer or activity_like(theme) or nominal is None:
        return theme
    if nominal in NOT_WORK_NOMINALS:
        # "owns the hardware" names a thing, not work; "owns the demand forecast" is the forecast.
        return theme
    if nominal == "operation" and len(theme.split()) <= 1:
        return theme
    return f"{singular(theme)} {nominal}"


def _exchanges(
    ctx: Context, unit: Unit, clause: Clause, before: Clause | None, to: list[ActorEntry] | None = None
) -> list[ExchangeDraft]:
    """The drafts one clause gives; `to` names the receivers of a giving clause that names none."""
    v = vocabulary()
    value = clause.theme
    # "Both A and B provide X to C": each party of a coordinated subject gives (or gets) the value.
    parties = [*clause.agents[:1], *clause.partners]
    if clause.role == "receive":
        providers = clause.sources
        receivers = parties
        if not providers and clause.reciprocal and before is not None:
            providers = _counterparty(before, receivers)
    elif clause.role == "charge":
        providers = [clause.theme_actor] if clause.theme_actor else clause.recipients[:1]
        receivers = clause.agents[:1]
    else:
        providers = parties
        receivers = to or clause.recipients
        if not receivers and clause.reciprocal and before is not None:
            receivers = _counterparty(before, providers)
    # In a two-party agreement, a clause that names one side and no counterparty deals with the other.
    if not clause.counterparty_named and providers and not receivers:
        receivers = [p for p in [ctx.other_party(unit, providers[0])] if p is not None]
    elif not clause.counterparty_named and receivers and not providers:
        providers = [p for p in [ctx.other_party(unit, receivers[0])] if p is not None]
    # A speaker's line that names no counterparty deals with the organisation the document is by.
    addressed = ctx.addressed.get(id(unit))
    if not clause.counterparty_named and addressed is not None:
        if providers and not receivers and addressed not in providers:
            receivers = [addressed]
        elif receivers and not providers and addressed not in receivers:
            providers = [addressed]
    out: list[ExchangeDraft] = []
    kind = "revenue" if clause.verb in v.pay or clause.role == "charge" else v.exchange_kind(value)
    if clause.price and providers and receivers:
        # What was bought is paid for: the price flows back from buyer to seller.
        out.append(_exchange_draft(unit, receivers[0], providers[0], clause.price, "revenue"))
    for provider in providers[:3]:
        for receiver in receivers[:3]:
            if receiver is provider:
                continue
            out.append(_exchange_draft(unit, provider, receiver, value, kind))
    return out


def _exchange_draft(unit: Unit, provider: ActorEntry, receiver: ActorEntry, value: str, kind: str) -> ExchangeDraft:
    return ExchangeDraft(
        quote=quote_of(unit),
        at=evidence_of(unit),
        provider=provider.name,
        receiver=receiver.name,
        value=value[:200],
        kind=kind,  # type: ignore[arg-type]
    )


def _counterparty(before: Clause, these: list[ActorEntry]) -> list[ActorEntry]:
    """'A pays B ...; in return B gets ...': the party of the clause before that is not this one."""
    parties = [*before.agents[:1], *before.recipients, *([before.theme_actor] if before.theme_actor else [])]
    return [p for p in parties if p not in these][:1]


def _names(entries: list[ActorEntry], exclude: ActorEntry | None) -> list[str]:
    out: list[str] = []
    for e in entries:
        if e is not exclude and e.name not in out:
            out.append(e.name)
    return out
