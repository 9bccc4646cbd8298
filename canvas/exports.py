"""Exports for other tools: the RACI matrix as CSV, and the value-flow diagram as Mermaid and as SVG.

Rejected entries are left out of every export: a person said they are wrong. Everything taken from
the documents is escaped for its target format, since names come from uploaded files.
"""

from __future__ import annotations

import csv
import html
import io
import math
import re

from canvas.model import ACTOR_KINDS, Actor, ActorKind, Canvas, Exchange

# (fill, stroke) per actor kind; light fills keep dark text readable.
KIND_COLOURS: dict[ActorKind, tuple[str, str]] = {
    "partner": ("#ddf4ff", "#0969da"),
    "internal_team": ("#dafbe1", "#1a7f37"),
    "platform": ("#fbefff", "#8250df"),
    "supplier": ("#fff8c5", "#9a6700"),
    "customer": ("#ffebe9", "#cf222e"),
    "regulator": ("#eaeef2", "#57606a"),
    "third_party": ("#e0f7f7", "#1b7c83"),
}
_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _live_actors(canvas: Canvas) -> list[Actor]:
    seen: set[str] = set()
    out = []
    for a in canvas.actors:
        if a.status != "rejected" and a.id not in seen:
            seen.add(a.id)
            out.append(a)
    return out


def _live_exchanges(canvas: Canvas, actor_ids: set[str]) -> list[Exchange]:
    return [
        x
        for x in canvas.value_exchanges
        if x.status != "rejected" and x.provider in actor_ids and x.receiver in actor_ids
    ]


def _short(text: str, limit: int) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1].rstrip() + "…"


# -- RACI ----------------------------------------------------------------------------------------


def _csv_cell(text: str) -> str:
    # A leading = + - @ makes spreadsheets run the cell as a formula; names come from documents.
    return "'" + text if text.startswith(_FORMULA_START) else text


def raci_csv(canvas: Canvas) -> str:
    """One row per live activity; one column per live actor holding `lead`, `support`, `approve` (joined by +)."""
    actors = _live_actors(canvas)
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
    flat = " ".join(_XML_INVALID.sub(" ", text).split())
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
    actors = _live_actors(canvas)
    nodes = _node_ids(actors)
    lines = ["flowchart LR"]
    lines += [f'    {nodes[a.id]}["{_mermaid_text(a.name)}"]' for a in actors]
    for x in _live_exchanges(canvas, set(nodes)):
        lines.append(f'    {nodes[x.provider]} -->|"{_mermaid_text(x.value)}"| {nodes[x.receiver]}')
    for kind in ACTOR_KINDS:
        members = [nodes[a.id] for a in actors if a.kind == kind]
        if members:
            fill, stroke = KIND_COLOURS[kind]
            lines += [f"    classDef {kind} fill:{fill},stroke:{stroke}", f"    class {','.join(members)} {kind}"]
    return "\n".join(lines) + "\n"


# -- SVG -----------------------------------------------------------------------------------------

Point = tuple[float, float]
NODE_W, NODE_H = 168.0, 56.0
_ARC_PER_NODE = 185.0  # circle length per actor: neighbouring boxes never overlap at any angle
_MIN_RADIUS = 230.0  # room between two actors for a 40-character label
_PARALLEL_GAP = 34.0
_LABEL_CHARS, _CHAR_W = 40, 6.1  # 11px text, average glyph width
_EDGE_COLOUR = "#57606a"
_SPOTS = (0.5, 0.4, 0.6, 0.3, 0.7, 0.22, 0.78)  # where along an edge its label may sit, best first


def _x(text: str) -> str:
    return html.escape(_XML_INVALID.sub(" ", text), quote=True)


def _f(v: float) -> str:
    return f"{v:.1f}"


class _Scene:
    """Boxes already drawn: labels go where they overlap the fewest, and the viewBox fits them all."""

    def __init__(self) -> None:
        self.boxes: list[tuple[float, float, float, float]] = []

    def add(self, x: float, y: float, half_w: float, half_h: float) -> None:
        self.boxes.append((x - half_w, y - half_h, x + half_w, y + half_h))

    def place(self, spots: list[Point], half_w: float, half_h: float) -> Point:
        best, fewest = spots[0], math.inf
        for x, y in spots:
            hits = sum(
                x - half_w < b[2] and x + half_w > b[0] and y - half_h < b[3] and y + half_h > b[1] for b in self.boxes
            )
            if hits < fewest:
                best, fewest = (x, y), hits
            if not hits:
                break
        self.add(*best, half_w, half_h)
        return best

    def extent(self) -> tuple[float, float, float, float]:
        return (
            min(b[0] for b in self.boxes),
            min(b[1] for b in self.boxes),
            max(b[2] for b in self.boxes),
            max(b[3] for b in self.boxes),
        )


def _positions(n: int) -> list[Point]:
    if n == 1:
        return [(0.0, 0.0)]
    radius = max(_MIN_RADIUS, n * _ARC_PER_NODE / (2 * math.pi))
    start = math.pi if n == 2 else -math.pi / 2  # two actors side by side, more start at the top
    angles = [start + 2 * math.pi * i / n for i in range(n)]
    return [(radius * math.cos(a), radius * math.sin(a)) for a in angles]


def _clip(cx: float, cy: float, tx: float, ty: float) -> Point:
    """Where the ray from a node's centre towards (tx, ty) leaves its box (plus a small gap)."""
    dx, dy = tx - cx, ty - cy
    half_w, half_h = NODE_W / 2 + 3, NODE_H / 2 + 3
    t = min(half_w / abs(dx) if dx else math.inf, half_h / abs(dy) if dy else math.inf)
    return (cx + dx * t, cy + dy * t) if math.isfinite(t) else (cx, cy - half_h)


def _self_loop(x: float, y: float, i: int) -> tuple[str, list[Point]]:
    """A loop on the node's side away from the circle's centre; the i-th loop reaches further out."""
    norm = math.hypot(x, y)
    ux, uy = (x / norm, y / norm) if norm else (0.0, -1.0)
    bx, by = _clip(x, y, x + ux, y + uy)
    vx, vy, reach = -uy * 14, ux * 14, 46.0 + 22 * i
    p1, p2 = (bx + vx, by + vy), (bx - vx, by - vy)
    c1 = (p1[0] + ux * reach + vx, p1[1] + uy * reach + vy)
    c2 = (p2[0] + ux * reach - vx, p2[1] + uy * reach - vy)
    d = f"M{_f(p1[0])},{_f(p1[1])} C{_f(c1[0])},{_f(c1[1])} {_f(c2[0])},{_f(c2[1])} {_f(p2[0])},{_f(p2[1])}"
    return d, [(bx + ux * (reach * 0.75 + 12 + 16 * k), by + uy * (reach * 0.75 + 12 + 16 * k)) for k in range(4)]


def _curve(a: Point, b: Point, lo: Point, hi: Point, offset: float) -> tuple[str, list[Point]]:
    """A quadratic from a to b bowed by `offset` to one side of the lo->hi line, so a->b and b->a part ways."""
    length = math.hypot(hi[0] - lo[0], hi[1] - lo[1]) or 1.0
    nx, ny = -(hi[1] - lo[1]) / length, (hi[0] - lo[0]) / length
    # The curve passes through mid + n * offset when the control point sits twice as far out.
    cx, cy = (lo[0] + hi[0]) / 2 + nx * offset * 2, (lo[1] + hi[1]) / 2 + ny * offset * 2
    sx, sy = _clip(*a, cx, cy)
    ex, ey = _clip(*b, cx, cy)
    d = f"M{_f(sx)},{_f(sy)} Q{_f(cx)},{_f(cy)} {_f(ex)},{_f(ey)}"
    spots = [
        ((1 - t) ** 2 * sx + 2 * t * (1 - t) * cx + t**2 * ex, (1 - t) ** 2 * sy + 2 * t * (1 - t) * cy + t**2 * ey)
        for t in _SPOTS
    ]
    return d, spots


def _edges(actors: list[Actor], exchanges: list[Exchange], pos: dict[str, Point], scene: _Scene) -> list[str]:
    names = {a.id: a.name for a in actors}
    order = {a.id: i for i, a in enumerate(actors)}
    groups: dict[tuple[str, str], list[Exchange]] = {}
    for x in exchanges:
        ends = (x.provider, x.receiver)
        groups.setdefault(ends if order[ends[0]] <= order[ends[1]] else (ends[1], ends[0]), []).append(x)
    out = []
    for (lo, hi), group in groups.items():
        for i, x in enumerate(group):
            if lo == hi:
                d, spots = _self_loop(*pos[lo], i)
            else:
                offset = (i - (len(group) - 1) / 2) * _PARALLEL_GAP
                d, spots = _curve(pos[x.provider], pos[x.receiver], pos[lo], pos[hi], offset)
            short = _short(x.value, _LABEL_CHARS)
            half_w = len(short) * _CHAR_W / 2 + 3
            lx, ly = scene.place(spots, half_w, 8)
            title = f"{names[x.provider]} → {names[x.receiver]}: {x.value} ({x.kind})"
            out.append(
                f'<g class="exchange" data-exchange-id="{_x(x.id)}"><title>{_x(title)}</title>'
                f'<path d="{d}" fill="none" stroke="{_EDGE_COLOUR}" stroke-width="1.4" '
                'marker-end="url(#ecocanvas-arrow)"/>'
                f'<rect x="{_f(lx - half_w)}" y="{_f(ly - 8)}" width="{_f(2 * half_w)}" height="16" rx="3" '
                'fill="#ffffff" fill-opacity="0.85"/>'
                f'<text x="{_f(lx)}" y="{_f(ly + 4)}" text-anchor="middle" font-size="11" fill="#1b1f24">'
                f"{_x(short)}</text></g>"
            )
    return out


def _wrap(text: str, width: int, lines: int) -> list[str]:
    out: list[str] = []
    for word in text.split():
        if out and len(out[-1]) + 1 + len(word) <= width:
            out[-1] += " " + word
        else:
            out.append(word)
    if len(out) > lines:
        out = [*out[: lines - 1], _short(" ".join(out[lines - 1 :]), width)]
    return [_short(line, width) for line in out] or [""]


def _node(actor: Actor, x: float, y: float) -> str:
    fill, stroke = KIND_COLOURS[actor.kind]
    kind = actor.kind.replace("_", " ")
    title = f"{actor.name} — {actor.role}" if actor.role else f"{actor.name} ({kind})"
    lines = _wrap(_XML_INVALID.sub(" ", actor.name), 22, 2)
    top = y - 4 - 7 * (len(lines) - 1)
    names = "".join(
        f'<text x="{_f(x)}" y="{_f(top + 14 * i)}" text-anchor="middle" font-size="12" font-weight="600" '
        f'fill="#1b1f24">{_x(line)}</text>'
        for i, line in enumerate(lines)
    )
    return (
        f'<g class="actor" data-actor-id="{_x(actor.id)}" role="img" aria-label="{_x(f"{actor.name} ({kind})")}">'
        f"<title>{_x(title)}</title>"
        f'<rect x="{_f(x - NODE_W / 2)}" y="{_f(y - NODE_H / 2)}" width="{_f(NODE_W)}" height="{_f(NODE_H)}" '
        f'rx="8" fill="{fill}" stroke="{stroke}" stroke-width="1.5"/>{names}'
        f'<text x="{_f(x)}" y="{_f(top + 14 * len(lines) + 2)}" text-anchor="middle" font-size="10" '
        f'fill="{stroke}">{_x(kind)}</text></g>'
    )


def _legend(actors: list[Actor], x: float, y: float) -> tuple[str, float]:
    """A row of colour swatches for the kinds present; returns the markup and its width."""
    parts, cursor = [], x
    for kind in ACTOR_KINDS:
        if any(a.kind == kind for a in actors):
            fill, stroke = KIND_COLOURS[kind]
            label = kind.replace("_", " ")
            parts.append(
                f'<rect x="{_f(cursor)}" y="{_f(y - 6)}" width="12" height="12" rx="2" '
                f'fill="{fill}" stroke="{stroke}"/>'
                f'<text x="{_f(cursor + 17)}" y="{_f(y + 4)}" font-size="11" fill="#1b1f24">{_x(label)}</text>'
            )
            cursor += 17 + len(label) * 6.5 + 16
    return f'<g class="legend">{"".join(parts)}</g>', cursor - x


def _svg(x0: float, y0: float, width: float, height: float, label: str, body: str) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="{_f(x0)} {_f(y0)} {_f(width)} {_f(height)}" '
        f'width="{math.ceil(width)}" height="{math.ceil(height)}" role="img" aria-label="{_x(label)}" '
        f'font-family="system-ui, -apple-system, Segoe UI, Roboto, sans-serif"><title>{_x(label)}</title>{body}</svg>\n'
    )


def svg(canvas: Canvas) -> str:
    """The value-flow diagram as a self-contained SVG: actors on a circle, exchanges as labelled arrows."""
    actors = _live_actors(canvas)
    title = " ".join((canvas.title or "Execution canvas").split())
    if not actors:
        text = (
            '<text x="160" y="44" text-anchor="middle" font-size="13" fill="#57606a">Nothing to draw: no actors.</text>'
        )
        return _svg(0, 0, 320, 80, f"{title}: no value flows to draw", text)
    exchanges = _live_exchanges(canvas, {a.id for a in actors})
    pos = dict(zip((a.id for a in actors), _positions(len(actors)), strict=True))
    scene = _Scene()
    for x, y in pos.values():
        scene.add(x, y, NODE_W / 2, NODE_H / 2)
    marker = (
        '<defs><marker id="ecocanvas-arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="8" markerHeight="8" '
        f'orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="{_EDGE_COLOUR}"/></marker></defs>'
    )
    edges = _edges(actors, exchanges, pos, scene)
    nodes = [_node(a, *pos[a.id]) for a in actors]
    x0, y0, x1, y1 = scene.extent()
    pad = 24.0
    legend, legend_w = _legend(actors, x0, y1 + pad)
    x1, y1 = max(x1, x0 + legend_w), y1 + pad + 10
    label = f"{title}: value flows between {len(actors)} actors ({len(exchanges)} exchanges)"
    body = marker + "".join(edges) + "".join(nodes) + legend
    return _svg(x0 - pad, y0 - pad, x1 - x0 + 2 * pad, y1 - y0 + 2 * pad, label, body)
