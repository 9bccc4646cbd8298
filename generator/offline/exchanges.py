"""Value exchanges: who gives what to whom, from table rows and from sentences.

In a sentence the provider is the last actor before the exchange verb in the same clause and the
receiver the first after it (or the one after "to" / "with"); for receive verbs the roles swap
and the provider is the one after "from".
"""

from __future__ import annotations

import re

from generator.drafts import ExchangeDraft
from generator.offline import patterns as p
from generator.offline.context import Context, evidence_of, quote_of
from generator.offline.phrases import phrase
from generator.offline.text import Unit


def read_exchanges(ctx: Context) -> list[ExchangeDraft]:
    out: list[ExchangeDraft] = []
    for unit in ctx.units:
        if unit.kind == "row":
            out += _exchange_row(ctx, unit)
            continue
        if unit.kind != "sentence" or p.NEGATION.search(unit.text):
            continue
        out += _exchange_sentence(ctx, unit)
    return out


def _exchange_row(ctx: Context, unit: Unit) -> list[ExchangeDraft]:
    cells = unit.cells
    provider_cell = p.column(cells, p.PROVIDER_COLUMNS)
    receiver_cell = p.column(cells, p.RECEIVER_COLUMNS)
    value = p.column(cells, p.VALUE_COLUMNS)
    if not (provider_cell and receiver_cell and value):
        return []
    providers, receivers = ctx.resolve_cell(provider_cell), ctx.resolve_cell(receiver_cell)
    if not providers or not receivers or providers[0] is receivers[0]:
        return []
    return [
        ExchangeDraft(
            quote=quote_of(unit),
            at=evidence_of(unit),
            provider=providers[0].name,
            receiver=receivers[0].name,
            value=value.strip()[:200],
            kind=p.exchange_kind(value),
        )
    ]


def _exchange_sentence(ctx: Context, unit: Unit) -> list[ExchangeDraft]:
    text = unit.text
    found = ctx.mentions(text)
    if len(found) < 2:
        return []
    out: list[ExchangeDraft] = []
    for v in p.EXCHANGE_VERB.finditer(text):
        spoken = " ".join(v.group("verb").lower().split())
        verb = spoken if spoken in p.RECEIVE_VERBS else spoken.split()[-1]
        before = [m for m in found if m[1] <= v.start() and _same_clause(text[m[1] : v.start()])]
        if not before:
            continue
        subject = before[-1]
        after = [m for m in found if m[0] >= v.end()]
        if not after:
            continue
        clause_end = _clause_end(text, v.end())
        after = [m for m in after if m[0] < clause_end]
        if not after:
            continue
        if verb in p.RECEIVE_VERBS:
            src = next((m for m in after if re.search(r"\bfrom\s+(?:the\s+)?$", text[v.end() : m[0]])), None)
            if src is None:
                continue
            value = phrase(text[v.end() : src[0]].rsplit(" from", 1)[0])
            provider, receiver = src[2], subject[2]
        else:
            first = after[0]
            gap = text[v.end() : first[0]]
            if re.fullmatch(r"\s*(?:the\s+|each\s+|every\s+|all\s+)?", gap):
                receiver = first[2]
                value = phrase(re.sub(r"^\s*(?:with|to)\s+", "", text[first[1] : clause_end]))
            else:
                target = next(
                    (
                        m
                        for m in after
                        if re.search(
                            r"\b(?:to|with|for|towards)\s+(?:the\s+|each\s+|all\s+)?$",
                            text[v.end() : m[0]],
                        )
                    ),
                    None,
                )
                if target is None:
                    continue
                receiver = target[2]
                value = phrase(
                    re.sub(
                        r"\s+(?:to|with|for|towards)\s+(?:the\s+|each\s+|all\s+)?$",
                        "",
                        text[v.end() : target[0]],
                    ),
                    max_words=14,
                )
            provider = subject[2]
        if not value or provider is receiver:
            continue
        kind = "revenue" if verb in p.PAY_VERBS else p.exchange_kind(value)
        out.append(
            ExchangeDraft(
                quote=quote_of(unit),
                at=evidence_of(unit),
                provider=provider.name,
                receiver=receiver.name,
                value=value,
                kind=kind,
            )
        )
    return out


def _same_clause(gap: str) -> bool:
    return len(gap) <= 60 and not re.search(r"[;.]", gap) and gap.count(",") <= 2


def _clause_end(text: str, start: int) -> int:
    m = re.compile(r"[;.]\s|[;.]$|\bwhile\b|\bwhereas\b|\bbut\b").search(text, start)
    return m.start() if m else len(text)
