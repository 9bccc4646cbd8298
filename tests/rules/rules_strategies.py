"""A hypothesis strategy for any valid Canvas, biased towards what breaks rule code.

Ids come from small pools shared across sections, so references hit, miss, point at rejected
entries, collide across sections and repeat; names include empty and odd unicode strings;
dependencies form chains, loops and self-loops; document dates are valid, missing or garbage.
"""

from __future__ import annotations

from typing import get_args

from hypothesis import strategies as st

from ecocanvas.canvas.model import (
    ACTOR_KINDS,
    EXCHANGE_KINDS,
    MECHANISM_KINDS,
    Activity,
    Actor,
    Canvas,
    Citation,
    DocumentRef,
    Exchange,
    GeneratorInfo,
    Item,
    Mechanism,
    Metric,
    Review,
    Scope,
    Status,
)

_ACTOR_IDS = st.sampled_from(["a0", "a1", "a2", "a3", "a4", "t0", "ghost", " ", "Ä-1"])
_ACTIVITY_IDS = st.sampled_from(["t0", "t1", "t2", "t3", "t4", "a0", "nowhere"])
_OTHER_IDS = st.sampled_from(["e0", "e1", "m0", "m1", "g0", "i0", "t1", "a2"])
_DOCS = st.sampled_from(["d1", "d2", "d3", "d-missing"])
_TEXT = st.one_of(st.sampled_from(["", " ", "Org", "org", "ORG!", "Onboarding", "Ωmega ✓"]), st.text(max_size=15))
_OPTIONAL_TEXT = st.one_of(st.none(), _TEXT)


@st.composite
def _citation(draw: st.DrawFn) -> Citation:
    doc = draw(_DOCS)
    quote = draw(st.text(max_size=10))
    start = draw(st.integers(0, 500))
    return Citation(document=f"{doc}.md", document_id=doc, start=start, end=start + len(quote), quote=quote)


_SOURCES = st.lists(_citation(), max_size=2)
_STATUS = st.sampled_from(get_args(Status))
_COMMON = {"sources": _SOURCES, "status": _STATUS}


def _ids(pool: st.SearchStrategy[str], size: int = 3) -> st.SearchStrategy[list[str]]:
    return st.lists(pool, max_size=size)


_ITEM = st.builds(Item, id=_OTHER_IDS, text=_TEXT, **_COMMON)
_ACTOR = st.builds(
    Actor,
    id=_ACTOR_IDS,
    name=_TEXT,
    aliases=st.lists(_TEXT, max_size=2),
    kind=st.sampled_from(ACTOR_KINDS),
    role=_TEXT,
    **_COMMON,
)
_EXCHANGE = st.builds(
    Exchange,
    id=_OTHER_IDS,
    provider=_ACTOR_IDS,
    receiver=_ACTOR_IDS,
    value=_TEXT,
    kind=st.sampled_from(EXCHANGE_KINDS),
    **_COMMON,
)
_ACTIVITY = st.builds(
    Activity,
    id=_ACTIVITY_IDS,
    name=_TEXT,
    owner=st.one_of(st.none(), _ACTOR_IDS),
    supporters=_ids(_ACTOR_IDS),
    approvers=_ids(_ACTOR_IDS),
    depends_on=_ids(_ACTIVITY_IDS),
    **_COMMON,
)
_MECHANISM = st.builds(
    Mechanism,
    id=_OTHER_IDS,
    kind=st.sampled_from(MECHANISM_KINDS),
    description=_TEXT,
    owner=st.one_of(st.none(), _ACTOR_IDS),
    participants=_ids(_ACTOR_IDS),
    cadence=_OPTIONAL_TEXT,
    **_COMMON,
)
_METRIC = st.builds(
    Metric,
    id=_OTHER_IDS,
    name=_TEXT,
    owner=st.one_of(st.none(), _ACTOR_IDS),
    target=_OPTIONAL_TEXT,
    cadence=_OPTIONAL_TEXT,
    data_source=_OPTIONAL_TEXT,
    actors=_ids(_ACTOR_IDS),
    **_COMMON,
)
_DATE = st.one_of(st.none(), st.dates().map(lambda d: d.isoformat()), _TEXT, st.just("2024-02-30"))
_GENERATOR = st.builds(
    GeneratorInfo,
    documents=st.lists(st.builds(DocumentRef, document_id=_DOCS, name=_TEXT, date=_DATE), max_size=4),
)

canvases: st.SearchStrategy[Canvas] = st.builds(
    Canvas,
    title=_TEXT,
    scope=st.builds(
        Scope,
        summary=_TEXT,
        objectives=st.lists(_ITEM, max_size=2),
        in_scope=st.lists(_ITEM, max_size=2),
        out_of_scope=st.lists(_ITEM, max_size=2),
    ),
    actors=st.lists(_ACTOR, max_size=7),
    value_exchanges=st.lists(_EXCHANGE, max_size=6),
    activities=st.lists(_ACTIVITY, max_size=8),
    governance=st.lists(_MECHANISM, max_size=5),
    metrics=st.lists(_METRIC, max_size=4),
    review=st.builds(
        Review,
        cadence=_OPTIONAL_TEXT,
        stakeholders=_ids(_ACTOR_IDS),
        open_questions=st.lists(_ITEM, max_size=2),
    ),
    generator=_GENERATOR,
)
