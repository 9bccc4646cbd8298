"""Canvases for the rule tests: a hand-built one a coordinator would recognise (`lumio`), and a
random one that every rule passes (`clean_canvas`), with rejected decoys that must stay unseen."""

from __future__ import annotations

import random
from typing import get_args

from ecocanvas.canvas.model import (
    Activity,
    Actor,
    ActorKind,
    Canvas,
    Citation,
    DocumentRef,
    Exchange,
    Finding,
    Item,
    Mechanism,
    MechanismKind,
    Metric,
    Review,
    Scope,
    Status,
)
from ecocanvas.rules import RULES, Policy, RuleOverride

Expected = tuple[str, frozenset[str]]

NEW_DOC, OLD_DOC = "doc-new", "doc-old"
OVERLAP_KINDS = ("capability", "service", "product")
LIVE: tuple[Status, ...] = ("draft", "accepted", "edited")
ALL_RULES_ON = Policy(
    rules={rule.id: RuleOverride(enabled=True) for rule in RULES if not rule.spec.enabled},
)


def cite(doc: str = NEW_DOC, quote: str = "as agreed") -> list[Citation]:
    return [Citation(document=f"{doc}.md", document_id=doc, start=10, end=10 + len(quote), quote=quote)]


def found(findings: list[Finding]) -> set[Expected]:
    return {(f.rule, frozenset(f.subjects)) for f in findings}


# -- a small hand-built canvas ----------------------------------------------------------------


def lumio() -> Canvas:
    """A payments ecosystem with no gaps: every rule passes it."""
    actors = [
        Actor(id="lumio", name="Lumio Pay", aliases=["Lumio"], kind="platform", sources=cite()),
        Actor(id="bank", name="Brenmark Bank", aliases=["the bank"], kind="partner", sources=cite()),
        Actor(id="tessaro", name="Tessaro Systems", kind="supplier", sources=cite()),
        Actor(id="care", name="Merchant Care", kind="internal_team", sources=cite()),
    ]
    exchanges = [
        Exchange(id="x1", provider="tessaro", receiver="lumio", value="VaultLine tokenisation", kind="capability"),
        Exchange(id="x2", provider="lumio", receiver="tessaro", value="licence fees", kind="revenue"),
        Exchange(id="x3", provider="bank", receiver="lumio", value="card acquiring", kind="product"),
        Exchange(id="x4", provider="lumio", receiver="bank", value="merchant data", kind="data"),
        Exchange(id="x5", provider="care", receiver="lumio", value="merchant support", kind="service"),
        Exchange(id="x6", provider="lumio", receiver="care", value="budget", kind="revenue"),
    ]
    for ex in exchanges:
        ex.sources = cite()
    activities = [
        Activity(id="onb", name="Merchant onboarding", owner="lumio", supporters=["care"], approvers=["bank"]),
        Activity(id="kyc", name="KYC review", owner="bank", approvers=["lumio"], depends_on=["onb"]),
        Activity(id="tok", name="Token vault operations", owner="tessaro", approvers=["lumio"]),
        Activity(id="sup", name="Merchant support", owner="care", approvers=["lumio"], depends_on=["onb", "tok"]),
    ]
    for act in activities:
        act.sources = cite()
    governance = [
        Mechanism(id=f"g-{kind}", kind=kind, description=f"{kind} rule", owner="lumio", participants=["bank"])
        for kind in ("decision_right", "escalation_path", "conflict_resolution", "change_management")
    ]
    governance.append(
        Mechanism(
            id="g-forum",
            kind="forum",
            # Executive and field level, and it reviews the metrics: the health rules pass it.
            description="Partner Steering Committee reviews the KPIs with field teams",
            owner="lumio",
            participants=["bank", "tessaro"],
            cadence="monthly",
        )
    )
    for mech in governance:
        mech.sources = cite()
    metrics = [
        Metric(
            id="m-act",
            name="Merchant activation rate",
            owner="lumio",
            target="80%",
            cadence="monthly",
            data_source="onboarding CRM",
            actors=["bank", "lumio"],
            sources=cite(),
        )
    ]
    canvas = Canvas(
        title="Lumio merchant acquiring",
        scope=Scope(objectives=[Item(id="o1", text="Onboard 5,000 merchants", sources=cite())]),
        actors=actors,
        value_exchanges=exchanges,
        activities=activities,
        governance=governance,
        metrics=metrics,
        review=Review(cadence="quarterly", stakeholders=["lumio", "bank"]),
    )
    canvas.generator.documents = [DocumentRef(document_id="doc-new", name="minutes.md", date="2025-02-12")]
    return canvas


def activity(c: Canvas, act_id: str) -> Activity:
    return next(a for a in c.activities if a.id == act_id)


# -- a clean canvas --------------------------------------------------------------------------

# The clean canvas's forum meets at two levels and reviews the metrics, so no health rule fires.
CLEAN_FORUM_ID = "mech-forum"
_CLEAN_FORUM = "Executive and field teams review the KPIs"


def clean_canvas(rng: random.Random, n_actors: int = 5, n_activities: int = 6, n_metrics: int = 3) -> Canvas:
    """A canvas no rule (with activity-without-approver on) finds anything in, plus rejected decoys."""
    assert n_actors >= 4 and n_activities >= 1 and n_metrics >= 1

    def status() -> Status:
        return rng.choice(LIVE)

    kinds: list[ActorKind] = ["partner", *rng.choices(get_args(ActorKind), k=n_actors - 1)]
    actors = [
        Actor(id=f"actor-{i}", name=f"Org {i}", aliases=[f"O{i}"], kind=k, sources=cite(), status=status())
        for i, k in enumerate(kinds)
    ]
    ids = [a.id for a in actors]
    exchanges = [
        Exchange(
            id=f"ex-{i}",
            provider=ids[i],
            receiver=ids[(i + 1) % n_actors],
            value=f"value {i}",
            kind=rng.choice(OVERLAP_KINDS),
            sources=cite(),
            status=status(),
        )
        for i in range(n_actors)
    ]
    activities: list[Activity] = []
    for i in range(n_activities):
        earlier = [a.id for a in activities]
        activities.append(
            Activity(
                id=f"act-{i}",
                name=f"Activity {i}",
                owner=ids[i % n_actors],
                supporters=rng.sample(ids, k=rng.randint(0, 2)),
                approvers=[ids[(i + 1) % n_actors]],
                depends_on=rng.sample(earlier, k=min(len(earlier), rng.randint(0, 2))),
                sources=cite(),
                status=status(),
            )
        )
    governance = [
        Mechanism(
            id=f"mech-{kind}",
            kind=kind,
            description=_CLEAN_FORUM if kind == "forum" else f"How the {kind} works",
            owner=ids[0],
            participants=ids[1:],
            cadence="monthly",
            sources=cite(),
            status=status(),
        )
        for kind in get_args(MechanismKind)
    ]
    metrics = [
        Metric(
            id=f"metric-{j}",
            name=f"Metric {j}",
            owner=ids[j % n_actors],
            target="90%",
            cadence="monthly",
            data_source="CRM",
            actors=[a for i, a in enumerate(ids) if i % n_metrics == j],
            sources=cite(),
            status=status(),
        )
        for j in range(n_metrics)
    ]
    canvas = Canvas(
        title="Clean ecosystem",
        scope=Scope(
            summary="A test ecosystem.",
            objectives=[Item(id="obj-0", text="Grow", sources=cite(), status=status())],
            in_scope=[Item(id=f"in-{i}", text=f"Market {i}", sources=cite()) for i in range(2)],
        ),
        actors=actors,
        value_exchanges=exchanges,
        activities=activities,
        governance=governance,
        metrics=metrics,
        review=Review(cadence="quarterly", stakeholders=[ids[0]]),
    )
    canvas.generator.documents = [DocumentRef(document_id=NEW_DOC, name="new.md", date="2025-01-10")]
    _add_rejected_decoys(canvas)
    return canvas


def _add_rejected_decoys(c: Canvas) -> None:
    """Entries that would break rules if a person had not rejected them."""
    first = c.actors[0]
    c.actors.append(Actor(id="rej-actor", name=first.name, kind="partner", status="rejected"))
    c.activities.append(Activity(id="rej-act", name="Ghost work", depends_on=["nowhere"], status="rejected"))
    c.metrics.append(Metric(id="rej-metric", name="Vanity", actors=["ghost"], status="rejected"))
    ring = c.value_exchanges[0]
    c.value_exchanges.append(
        Exchange(
            id="rej-ex",
            provider=c.actors[2].id,
            receiver=ring.receiver,
            value="dup",
            kind=ring.kind,
            status="rejected",
        )
    )
    c.governance.append(Mechanism(id="rej-forum", kind="forum", description="Old forum", status="rejected"))
    c.scope.in_scope.append(Item(id="in-0", text="A duplicate id, rejected", status="rejected"))
