"""`check`: run every enabled rule over a canvas and return its findings, most severe first."""

from __future__ import annotations

import gc
from collections.abc import Collection, Iterator
from contextlib import contextmanager

from ecocanvas.canvas.ids import short_hash
from ecocanvas.canvas.model import Canvas, Finding, FindingStatus, Severity
from ecocanvas.canvas.partners import PartnerData
from ecocanvas.rules.index import CanvasIndex
from ecocanvas.rules.policy import Policy
from ecocanvas.rules.registry import RULES
from ecocanvas.rules.spec import SEVERITY_RANK, Gap

_DEFAULT_POLICY = Policy()
# Separates subjects from the disambiguating key inside the hashed parts.
_KEY_MARK = "\x1e"


def finding_id(rule_id: str, subjects: tuple[str, ...], key: tuple[str, ...] = ()) -> str:
    """`<rule>-<hash>` of the rule and its sorted subjects: the same gap on the same entries, the same id.

    Subjects are sorted so that the order in which a rule happened to list them cannot change the id.
    """
    digest = short_hash(rule_id, *sorted(subjects), _KEY_MARK, *key, length=10)
    return f"{rule_id}-{digest}"


def _severity(rule_severity: Severity, cap: Severity | None) -> Severity:
    if cap is None or SEVERITY_RANK[cap] <= SEVERITY_RANK[rule_severity]:
        return rule_severity
    return cap


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while the findings are built.

    Each finding survives, so on a large canvas the collector's full passes re-scan the whole canvas
    over and over: at 100k entries they took more than half of the run and made it grow faster than
    linearly. The rules create no reference cycles, so pausing loses nothing; the previous state is
    restored (only re-enabled if it was enabled, which also keeps concurrent calls safe).
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def check(canvas: Canvas, policy: Policy | None = None, partners: PartnerData | None = None) -> list[Finding]:
    """The gaps in `canvas`: pure, deterministic, and defined for every valid Canvas.

    `partners` is the partner data imported for the canvas's workspace (figures per actor id); the
    rules about it find nothing without it, and every other rule ignores it.

    Order: severity (errors first), then catalogue order of the rules, then canvas order of the
    entries. Rejected entries are ignored (see `CanvasIndex`), and so are the sections the generator
    says it could not draft (`canvas.generator.sections[...].status` failed or skipped).
    """
    with _collector_paused():
        return _check(canvas, policy or _DEFAULT_POLICY, partners)


# A section the generator could not draft (its call failed or the budget stopped it) is not a gap in
# the documents: its findings ("no escalation path") would blame them for a model's failure.
_UNDRAFTED = frozenset({"failed", "skipped"})


def _check(canvas: Canvas, policy: Policy, partners: PartnerData | None) -> list[Finding]:
    index = CanvasIndex(canvas, partners)
    undrafted = {name for name, run in canvas.generator.sections.items() if run.status in _UNDRAFTED}
    ranked: dict[str, tuple[int, int, Finding]] = {}
    for position, rule in enumerate(RULES):
        resolved = policy.resolve(rule.spec)
        if not resolved.enabled:
            continue
        for gap in rule.run(index, resolved.params):
            fid = finding_id(rule.id, gap.subjects, gap.key)
            if fid in ranked or (gap.section or rule.spec.section) in undrafted:
                continue
            severity = _severity(resolved.severity, gap.severity_cap)
            ranked[fid] = (
                SEVERITY_RANK[severity],
                position,
                _finding(fid, rule.id, severity, rule.spec.section, gap),
            )
    # dicts keep insertion order and sorted() is stable, so ties stay in canvas order.
    return [f for _, _, f in sorted(ranked.values(), key=lambda t: (t[0], t[1]))]


_DECISIONS: tuple[FindingStatus, ...] = ("dismissed", "resolved")


def carry_over(
    findings: list[Finding], previous: list[Finding], keep: Collection[FindingStatus] = _DECISIONS
) -> list[Finding]:
    """`findings` with what a person said about `previous` kept where the same id reappears.

    Decisions (statuses in `keep`, with their reason) carry over, on a review edit and on a
    regeneration alike: a person who resolved a gap outside the documents must not see it reopen
    because the documents were read again. Comments carry over whatever the status.
    """
    before = {f.id: f for f in previous}
    out = []
    for f in findings:
        old = before.get(f.id)
        if old is None:
            out.append(f)
            continue
        update: dict[str, object] = {"comments": [*old.comments]} if old.comments else {}
        if old.status in keep:
            update |= {"status": old.status, "reason": old.reason}
        out.append(f.model_copy(update=update) if update else f)
    return out


def _finding(fid: str, rule_id: str, severity: Severity, spec_section: str, gap: Gap) -> Finding:
    section = gap.section or (spec_section if spec_section != "any" else "review")
    # Every field is already valid by construction (ids and messages are strings, the severity and
    # section come from the registry), and validating 100k findings would cost a third of the run.
    return Finding.model_construct(
        id=fid,
        rule=rule_id,
        severity=severity,
        section=section,
        subjects=list(gap.subjects),
        message=gap.message,
        suggestion=gap.suggestion,
        status="open",
        reason=None,
        # Given, not defaulted: pydantic's model_construct inspects a default factory's signature on
        # every call, which cost a quarter of a review's re-check.
        comments=[],
    )
