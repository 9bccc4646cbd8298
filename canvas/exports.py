"""Exports for other tools: the RACI matrix as CSV, and the value-flow diagram as Mermaid and as SVG;
and `ExportOptions`, what every export for people leaves out.

The SVG and its layout live in `ecocanvas.canvas.diagram`; `svg` is re-exported here so every export has one home.

Rejected entries are left out of every export: a person said they are wrong. Everything taken from
the documents is escaped for its target format, since names come from uploaded files.
"""

from __future__ import annotations

import csv
import io
import re

from pydantic import BaseModel, Field

from ecocanvas.canvas.diagram import svg
from ecocanvas.canvas.graph import KIND_COLOURS, XML_INVALID, live_actors, live_exchanges
from ecocanvas.canvas.model import ACTOR_KINDS, Actor, Canvas, Entry
from ecocanvas.canvas.review import ENTRY_SECTIONS, containers_copied, section_entries

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


class ExportOptions(BaseModel):
    """What an export for people holds. The JSON export is the contract and always holds everything."""

    rejected: bool = Field(False, description="Include rejected entries (struck out in the page).")
    drafts: bool = Field(True, description="Include draft entries nobody has reviewed yet.")
    final: bool = Field(False, description="A final version: the title is not marked (draft).")

    def keeps(self, entry: Entry) -> bool:
        if entry.status == "rejected":
            return self.rejected
        return self.drafts or entry.status != "draft"


def selected(canvas: Canvas, options: ExportOptions) -> Canvas:
    """A copy of `canvas` holding only the entries `options` keeps (the entries themselves are shared)."""
    out = containers_copied(canvas)
    for section in ENTRY_SECTIONS:
        entries = section_entries(out, section)
        entries[:] = [e for e in entries if options.keeps(e)]
    return out


# -- RACI ----------------------------------------------------------------------------------------


def _csv_cell(text: str) -> str:
    # A leading = + - @ makes spreadsheets run the cell as a formula; names come from documents.
    return "'" + text if text.startswith(_FORMULA_START) else text


def raci_csv(canvas: Canvas) -> str:
    """One row per live activity; one column per live actor holding `lead`, `support`, `approve` (joined by +)."""
    actors = live_actors(canvas)
    names = [a.name for a in actors]
    header = ["activity_id", "activity"]
    header += [f"{a.name} ({a.id})" if names.count(a.name) > 1 else a.name for a in actors]
    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow([_csv_cell(h) for h in header])
    for act in canvas.activities:
        if act.status == "rejected":
            continue
        cells = []
        for a in actors:
            roles = [
                ("lead", act.owner == a.id),
                ("support", a.id in act.supporters),
                ("approve", a.id in act.approvers),
            ]
            cells.append("+".join(word for word, has in roles if has))
        writer.writerow([_csv_cell(act.id), _csv_cell(act.name), *cells])
    return buf.getvalue()


# -- Mermaid -------------------------------------------------------------------------------------

_MERMAID_SPECIAL = set('"#&<>|[]{}`;\\')


def _mermaid_text(text: str) -> str:
    """A label safe inside mermaid quotes: specials as `#<code>;` entities, no line breaks."""
    flat = " ".join(XML_INVALID.sub(" ", text).split())
    return "".join(f"#{ord(ch)};" if ch in _MERMAID_SPECIAL else ch for ch in flat)


def _node_ids(actors: list[Actor]) -> dict[str, str]:
    out: dict[str, str] = {}
    used: set[str] = set()
    for a in actors:
        base = "a_" + re.sub(r"[^A-Za-z0-9_]", "_", a.id)
        node, n = base, 1
        while node in used:
            n += 1
            node = f"{base}_{n}"
        used.add(node)
        out[a.id] = node
    return out


def mermaid(canvas: Canvas) -> str:
    """The value-flow diagram as a Mermaid flowchart: actors as nodes, exchanges as labelled edges."""
    actors = live_actors(canvas)
    nodes = _node_ids(actors)
    lines = ["flowchart LR"]
    lines += [f'    {nodes[a.id]}["{_mermaid_text(a.name)}"]' for a in actors]
    for x in live_exchanges(canvas, set(nodes)):
        lines.append(f'    {nodes[x.provider]} -->|"{_mermaid_text(x.value)}"| {nodes[x.receiver]}')
    for kind in ACTOR_KINDS:
        members = [nodes[a.id] for a in actors if a.kind == kind]
        if members:
            fill, stroke = KIND_COLOURS[kind]
            lines += [f"    classDef {kind} fill:{fill},stroke:{stroke}", f"    class {','.join(members)} {kind}"]
    return "\n".join(lines) + "\n"


__all__ = ["ExportOptions", "mermaid", "raci_csv", "selected", "svg"]
