"""Render a canvas and its findings for people: Markdown and self-contained HTML.

Citations become numbered footnotes that show the quote and where it stands, so a reader can
check every entry against its source without opening the file. What an export leaves out
(rejected entries by default, drafts on request) and whether it is marked as a draft is an
`ExportOptions`. Everything a person or a document wrote is escaped for the target format:
names and quotes come from uploaded files.

HTML stays f-strings rather than a jinja2 template: both renderers walk the same `_tables` and number
citations in that one walk, which a template would split across two files and two languages.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from ecocanvas.canvas.exports import ExportOptions, selected
from ecocanvas.canvas.health import ActorHealth, DimensionHealth, EntryPart, HealthSummary
from ecocanvas.canvas.model import Canvas, CanvasResult, Citation, Entry, Finding
from ecocanvas.canvas.partners import PartnerData, money_text
from ecocanvas.canvas.registry import SECTION_SPECS

_SECTION_TITLES: dict[str, str] = {s.id: f"{s.number}. {s.title}" for s in SECTION_SPECS}
_SEVERITY_ORDER = ("error", "warning", "info")


class _Notes:
    """Numbers citations in order of first use; the same citation keeps its number."""

    def __init__(self) -> None:
        self.items: list[Citation] = []
        self._index: dict[tuple[str, int, int], int] = {}

    def refs(self, sources: Iterable[Citation]) -> list[int]:
        out = []
        for c in sources:
            key = (c.document_id, c.start, c.end)
            if key not in self._index:
                self.items.append(c)
                self._index[key] = len(self.items)
            out.append(self._index[key])
        return out


@dataclass
class _Cell:
    text: str
    gap: bool = False  # a gap worth seeing (nobody leads): bold in both renderers


@dataclass
class _Table:
    """One table of a section: an optional sub-heading, column labels, and (entry, cells) rows."""

    title: str | None
    labels: list[str]
    rows: list[tuple[Entry, list[_Cell]]]
    found: int  # entries the canvas has for this table, before the export options left some out


def _tables(shown: Canvas, full: Canvas) -> dict[str, list[_Table]]:
    """Every section as tables of the entries in `shown`; names come from `full`, so an actor left out
    of the export still has its name where an entry that stays mentions it."""
    names = {a.id: a.name for a in full.actors}
    acts = {a.id: a.name for a in full.activities}

    def who(ids: Iterable[str | None]) -> str:
        return ", ".join(names.get(i, f"{i} (unknown)") for i in ids if i) or "—"

    def opt(value: str | None) -> _Cell:
        return _Cell(value if value else "—")

    def table(title: str | None, labels: list[str], rows: Sequence[tuple[Entry, list[_Cell]]], found: int) -> _Table:
        return _Table(title, labels, list(rows), found)

    scope, whole = shown.scope, full.scope
    return {
        "scope": [
            table("Objectives", ["Objective"], [(o, [_Cell(o.text)]) for o in scope.objectives], len(whole.objectives)),
            table("In scope", ["In scope"], [(o, [_Cell(o.text)]) for o in scope.in_scope], len(whole.in_scope)),
            table(
                "Out of scope",
                ["Out of scope"],
                [(o, [_Cell(o.text)]) for o in scope.out_of_scope],
                len(whole.out_of_scope),
            ),
        ],
        "actors": [
            table(
                None,
                ["Actor", "Also called", "Kind", "Role"],
                [
                    (a, [_Cell(a.name), _Cell(", ".join(a.aliases) or "—"), _Cell(a.kind), opt(a.role)])
                    for a in shown.actors
                ],
                len(full.actors),
            )
        ],
        "value_exchanges": [
            table(
                None,
                ["From", "To", "Value", "Kind"],
                [
                    (x, [_Cell(who([x.provider])), _Cell(who([x.receiver])), _Cell(x.value), _Cell(x.kind)])
                    for x in shown.value_exchanges
                ],
                len(full.value_exchanges),
            )
        ],
        "activities": [
            table(
                None,
                ["Activity", "Leads", "Supports", "Approves", "Depends on"],
                [
                    (
                        a,
                        [
                            _Cell(a.name),
                            _Cell(who([a.owner])) if a.owner else _Cell("nobody named", gap=True),
                            _Cell(who(a.supporters)),
                            _Cell(who(a.approvers)),
                            _Cell(", ".join(acts.get(d, d) for d in a.depends_on) or "—"),
                        ],
                    )
                    for a in shown.activities
                ],
                len(full.activities),
            )
        ],
        "governance": [
            table(
                None,
                ["Kind", "Mechanism", "Owner", "Cadence"],
                [
                    (g, [_Cell(g.kind.replace("_", " ")), _Cell(g.description), _Cell(who([g.owner])), opt(g.cadence)])
                    for g in shown.governance
                ],
                len(full.governance),
            )
        ],
        "metrics": [
            table(
                None,
                ["Metric", "Owner", "Target", "Source", "Cadence"],
                [
                    (m, [_Cell(m.name), _Cell(who([m.owner])), opt(m.target), opt(m.data_source), opt(m.cadence)])
                    for m in shown.metrics
                ],
                len(full.metrics),
            )
        ],
        "review": [
            table(
                None,
                ["Open question"],
                [(q, [_Cell(q.text)]) for q in shown.review.open_questions],
                len(full.review.open_questions),
            )
        ],
    }


def _empty_note(t: _Table) -> str | None:
    """What to say instead of an empty table, or None when it has rows."""
    if t.rows:
        return None
    if not t.found:
        return "Nothing found in the documents."
    return f"No entries in this export ({t.found} left out by the export options)."


def _title(canvas: Canvas) -> str:
    return canvas.title or "Execution canvas"


# -- Markdown ------------------------------------------------------------------------------------

# Inline characters Markdown or HTML would read as markup; each is written as a literal.
_MD_INLINE = re.compile(r"([\\`*_\[\]|~])")
# A line that would start a heading, quote, list, rule or numbered list.
_MD_BLOCK_START = re.compile(r"^(\s*)([#>+\-=]|\d+(?=[.)]))")


def _md(text: str) -> str:
    """`text` as literal Markdown on one line: HTML-significant characters as entities, markup escaped."""
    flat = " ".join(text.split())
    return _MD_INLINE.sub(r"\\\1", html.escape(flat, quote=False))


def _md_block(text: str) -> str:
    """A paragraph of literal text: line breaks kept, no line read as a heading, list or quote."""
    lines = []
    for line in text.strip().splitlines():
        escaped = _MD_INLINE.sub(r"\\\1", html.escape(line.strip(), quote=False))
        lines.append(_MD_BLOCK_START.sub(lambda m: m.group(1) + "\\" + m.group(2), escaped))
    return "\n".join(lines)


_PARTNER_LABELS = ["Actor", "Tier", "Co-sell pipeline", "Revenue", "Shared accounts", "Contract end"]


def _partner_rows(canvas: Canvas, partners: PartnerData | None) -> tuple[str, list[list[str]]]:
    """The imported partner figures of the actors shown, and a line saying where they come from."""
    if partners is None:
        return "", []
    rows = []
    for actor in canvas.actors:
        r = partners.by_actor.get(actor.id)
        if r is None:
            continue
        accounts = "" if r.overlapping_accounts is None else str(r.overlapping_accounts)
        end = r.contract_end.isoformat() if r.contract_end else ""
        rows.append([actor.name, r.tier or "", money_text(r.pipeline), money_text(r.revenue), accounts, end])
    source = f" from {partners.source}" if partners.source else ""
    when = partners.imported_at.isoformat()
    note = f"Imported partner data{source} (import {partners.version}, {when}); not from the documents."
    return note, rows


def _md_cell(cell: _Cell) -> str:
    text = _md(cell.text)
    return f"**{text}**" if cell.gap else text


def to_markdown(
    result: CanvasResult,
    options: ExportOptions | None = None,
    partners: PartnerData | None = None,
    health: HealthSummary | None = None,
) -> str:
    """The canvas as Markdown.

    `health` (from `ecocanvas.rules.health_summary`) adds a "Health" section before the findings.
    """
    options = options or ExportOptions()
    full = result.canvas
    canvas, notes = selected(full, options), _Notes()
    mark = "" if options.final else " (draft)"
    out = [f"# {_md(_title(canvas))}{mark}", ""]
    if canvas.scope.summary:
        out += [_md_block(canvas.scope.summary), ""]
    gen = canvas.generator
    out += [
        f"_Generated by {_md(gen.backend)} ({_md(gen.model)}), status {_md(gen.status)}; "
        "every entry cites its source._",
        "",
    ]
    names = {a.id: a.name for a in full.actors}
    for section, tables in _tables(canvas, full).items():
        out += [f"## {_SECTION_TITLES[section]}", ""]
        if section == "review":
            stakeholders = ", ".join(names.get(s, s) for s in canvas.review.stakeholders) or "—"
            out += [
                f"Review cadence: {_md(canvas.review.cadence or 'not stated')}"
                + "".join(f"[^{n}]" for n in notes.refs(canvas.review.cadence_sources))
                + "  ",
                f"Stakeholders: {_md(stakeholders)}",
                "",
            ]
        for t in tables:
            if t.title and len(tables) > 1:
                out += [f"### {t.title}", ""]
            empty = _empty_note(t)
            if empty:
                out += [f"_{empty}_", ""]
                continue
            out += ["| " + " | ".join([*t.labels, "Status", "Sources"]) + " |", "|" + "---|" * (len(t.labels) + 2)]
            for entry, cells in t.rows:
                refs = "".join(f"[^{n}]" for n in notes.refs(entry.sources))
                out.append("| " + " | ".join([*(_md_cell(c) for c in cells), entry.status, refs or "—"]) + " |")
            out.append("")
        note, partner_rows = _partner_rows(canvas, partners) if section == "actors" else ("", [])
        if partner_rows:
            out += ["### Partner data", "", f"_{_md(note)}_", ""]
            out += ["| " + " | ".join(_PARTNER_LABELS) + " |", "|" + "---|" * len(_PARTNER_LABELS)]
            out += ["| " + " | ".join(_md(c) or "—" for c in row) + " |" for row in partner_rows]
            out.append("")
    if health is not None:
        out += _md_health(health)
    out += _md_findings(result.findings)
    if notes.items:
        out += ["## Sources", ""]
        for i, c in enumerate(notes.items, 1):
            out.append(f'[^{i}]: {_md(c.document)} (chars {c.start}-{c.end}): "{_md(c.quote)}"')
        out.append("")
    return "\n".join(out)


_HEALTH_ACTOR_LABELS = ["Actor", "Gives", "Gets", "Activities", "Metrics", "Forums"]
_HEALTH_DIMENSION_LABELS = ["Dimension", "Status", "What the canvas covers", "Findings against it"]
_HEALTH_NOTE = (
    "What the canvas evidences of a healthy ecosystem (executive involvement, touch points at several levels, "
    "feedback loops, clear metrics, controlled overlap, give and get) and of the co-build, co-market, co-sell "
    "and co-retain motions; derived from the canvas and its findings."
)
_DIMENSION_STATUS = {"covered": "covered", "gaps": "gaps", "not_evidenced": "not evidenced"}


def _flows(count: int, kinds: Sequence[str]) -> str:
    return f"{count} ({', '.join(k.replace('_', ' ') for k in kinds)})" if kinds else str(count)


def _health_actor_row(a: ActorHealth) -> list[str]:
    def parts(items: list[EntryPart]) -> str:
        return "; ".join(f"{p.label} ({p.detail})" if p.detail else p.label for p in items) or "—"

    name = a.name + (f" [{a.tier}]" if a.tier else "") + (f", revenue {a.revenue}" if a.revenue else "")
    return [name, _flows(a.gives, a.gives_kinds), _flows(a.gets, a.gets_kinds), parts(a.activities),
            parts(a.metrics), parts(a.forums)]  # fmt: skip


def _health_dimension_row(d: DimensionHealth) -> list[str]:
    covered = "; ".join(f"{p.label} ({p.detail})" if p.detail else p.label for p in d.covered[:8])
    if len(d.covered) > 8:
        covered += f"; and {len(d.covered) - 8} more"
    against = "; ".join(f"{f.rule} ({f.status}): {f.message}" for f in d.findings)
    return [d.title, _DIMENSION_STATUS[d.status], covered or "—", against or "—"]


def _md_health(health: HealthSummary) -> list[str]:
    out = ["## Health", "", f"_{_HEALTH_NOTE}_", ""]
    out += ["### Per dimension", ""]
    out += ["| " + " | ".join(_HEALTH_DIMENSION_LABELS) + " |", "|" + "---|" * len(_HEALTH_DIMENSION_LABELS)]
    out += ["| " + " | ".join(_md(c) for c in _health_dimension_row(d)) + " |" for d in health.dimensions]
    out += ["", "### Per actor", ""]
    if not health.actors:
        return [*out, "_No actors._", ""]
    out += ["| " + " | ".join(_HEALTH_ACTOR_LABELS) + " |", "|" + "---|" * len(_HEALTH_ACTOR_LABELS)]
    out += ["| " + " | ".join(_md(c) for c in _health_actor_row(a)) + " |" for a in health.actors]
    return [*out, ""]


def _md_findings(findings: list[Finding]) -> list[str]:
    out = ["## Findings", ""]
    if not findings:
        return [*out, "_No gaps found._", ""]
    for f in sorted(findings, key=lambda f: _SEVERITY_ORDER.index(f.severity)):
        line = f"- **{f.severity}** `{f.rule}` ({f.status}): {_md(f.message)} _Suggestion:_ {_md(f.suggestion)}"
        if f.reason:
            line += f" _Note:_ {_md(f.reason)}"
        out.append(line)
    return [*out, ""]


# -- HTML ----------------------------------------------------------------------------------------

_CSS = """
body{font-family:system-ui,sans-serif;margin:2rem auto;max-width:1100px;color:#1b1f24;line-height:1.45}
table{border-collapse:collapse;width:100%;margin:.5rem 0 1.5rem}
th,td{border:1px solid #d0d7de;padding:.35rem .5rem;text-align:left;vertical-align:top}
th{background:#f3f5f7} sup a{text-decoration:none} .sev-error{color:#b42318}.sev-warning{color:#9a6700}
.sev-info{color:#0550ae} .muted{color:#57606a} blockquote{margin:.2rem 0 .6rem 1rem;color:#3d444d}
.summary{white-space:pre-line}
"""


def _html_health(health: HealthSummary) -> str:
    e = html.escape

    def table(cls: str, labels: list[str], rows: list[list[str]]) -> str:
        head = "".join(f"<th scope=col>{e(x)}</th>" for x in labels)
        trs = "".join("<tr>" + "".join(f"<td>{e(c)}</td>" for c in row) + "</tr>" for row in rows)
        return f"<table class={cls}><thead><tr>{head}</tr></thead><tbody>{trs}</tbody></table>"

    body = [
        f"<h2>Health</h2><p class=muted>{e(_HEALTH_NOTE)}</p>",
        "<h3>Per dimension</h3>",
        table("health-dimensions", _HEALTH_DIMENSION_LABELS, [_health_dimension_row(d) for d in health.dimensions]),
        "<h3>Per actor</h3>",
    ]
    if health.actors:
        body.append(table("health-actors", _HEALTH_ACTOR_LABELS, [_health_actor_row(a) for a in health.actors]))
    else:
        body.append("<p class=muted>No actors.</p>")
    return "".join(body)


def to_html(
    result: CanvasResult,
    options: ExportOptions | None = None,
    partners: PartnerData | None = None,
    health: HealthSummary | None = None,
) -> str:
    """The canvas as one self-contained page; `health` adds a "Health" section before the findings."""
    options = options or ExportOptions()
    full = result.canvas
    canvas, notes = selected(full, options), _Notes()
    e = html.escape
    names = {a.id: a.name for a in full.actors}
    mark = "" if options.final else " <small class=muted>(draft)</small>"
    body = [f"<h1>{e(_title(canvas))}{mark}</h1>"]
    if canvas.scope.summary:
        body.append(f"<p class=summary>{e(canvas.scope.summary.strip())}</p>")
    gen = canvas.generator
    body.append(f"<p class=muted>Generated by {e(gen.backend)} ({e(gen.model)}), status {e(gen.status)}.</p>")

    def sup(sources: Iterable[Citation]) -> str:
        return "".join(f'<sup><a href="#src-{n}">[{n}]</a></sup>' for n in notes.refs(sources))

    def td(cell: _Cell) -> str:
        return f"<td><strong>{e(cell.text)}</strong></td>" if cell.gap else f"<td>{e(cell.text)}</td>"

    for section, tables in _tables(canvas, full).items():
        body.append(f"<h2>{e(_SECTION_TITLES[section])}</h2>")
        if section == "review":
            stakeholders = ", ".join(names.get(s, s) for s in canvas.review.stakeholders) or "—"
            body.append(
                f"<p>Review cadence: {e(canvas.review.cadence or 'not stated')}"
                f"{sup(canvas.review.cadence_sources)}<br>Stakeholders: {e(stakeholders)}</p>"
            )
        for t in tables:
            if t.title and len(tables) > 1:
                body.append(f"<h3>{e(t.title)}</h3>")
            empty = _empty_note(t)
            if empty:
                body.append(f"<p class=muted>{e(empty)}</p>")
                continue
            head = "".join(f"<th scope=col>{e(x)}</th>" for x in [*t.labels, "Status", "Sources"])
            lines = [f"<table><thead><tr>{head}</tr></thead><tbody>"]
            for entry, cells in t.rows:
                tds = "".join(td(c) for c in cells)
                lines.append(
                    f"<tr id='{e(entry.id)}'>{tds}<td>{e(entry.status)}</td><td>{sup(entry.sources)}</td></tr>"
                )
            body.append("".join(lines) + "</tbody></table>")
        note, partner_rows = _partner_rows(canvas, partners) if section == "actors" else ("", [])
        if partner_rows:
            head = "".join(f"<th scope=col>{e(x)}</th>" for x in _PARTNER_LABELS)
            trs = "".join("<tr>" + "".join(f"<td>{e(c) or '—'}</td>" for c in row) + "</tr>" for row in partner_rows)
            body.append(
                f"<h3>Partner data</h3><p class=muted>{e(note)}</p>"
                f"<table class=partners><thead><tr>{head}</tr></thead><tbody>{trs}</tbody></table>"
            )
    if health is not None:
        body.append(_html_health(health))
    body.append("<h2>Findings</h2>")
    if result.findings:
        items = "".join(
            f"<li><strong class='sev-{e(f.severity)}'>{e(f.severity)}</strong> <code>{e(f.rule)}</code> "
            f"({e(f.status)}): {e(f.message)} <em>Suggestion:</em> {e(f.suggestion)}"
            + (f" <em>Note:</em> {e(f.reason)}" if f.reason else "")
            + "</li>"
            for f in sorted(result.findings, key=lambda f: _SEVERITY_ORDER.index(f.severity))
        )
        body.append(f"<ul>{items}</ul>")
    else:
        body.append("<p class=muted>No gaps found.</p>")
    if notes.items:
        body.append("<h2>Sources</h2><ol>")
        for i, c in enumerate(notes.items, 1):
            body.append(
                f"<li id='src-{i}'>{e(c.document)} <span class=muted>(chars {c.start}-{c.end})</span>"
                f"<blockquote>{e(c.quote)}</blockquote></li>"
            )
        body.append("</ol>")
    title = e(_title(canvas))
    return (
        f"<!doctype html><html lang=en><head><meta charset=utf-8><title>{title}</title>"
        f"<style>{_CSS}</style></head><body>{''.join(body)}</body></html>"
    )
