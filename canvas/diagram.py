"""The value-flow diagram as SVG: actors on a circle, each exchange an arrow with its label beside it.

`layout` places each exchange's label against its own arrow, clear of every actor and every other
label, preferring spots where no other edge runs through or close by; `svg` only draws what
`layout` decided. Everything taken from the documents is escaped, since names come from uploads.
"""

from __future__ import annotations

import bisect
import html
import itertools
import math
import operator
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from ecocanvas.canvas.graph import KIND_COLOURS, XML_INVALID, live_actors, live_exchanges, short
from ecocanvas.canvas.model import ACTOR_KINDS, Actor, Canvas, Exchange
from ecocanvas.canvas.partners import PartnerData, PartnerRecord, money_text, record_summary

# -- SVG -----------------------------------------------------------------------------------------

Point = tuple[float, float]
Box = tuple[float, float, float, float]  # left, top, right, bottom
_Label = tuple[Box, tuple[str, ...], Point | None]  # box, lines, where its leader line meets the edge (if any)
NODE_W, NODE_H = 168.0, 56.0
_ARC_PER_NODE = 185.0  # circle length per actor: neighbouring boxes never overlap at any angle
_MIN_RADIUS = 230.0  # room between two actors for a 40-character label
_PAIR_ARC = 55.0  # extra arc between neighbours for each value exchange between them (up to three)
_GROWTH = (1.0, 1.15, 1.3, 1.5, 1.75, 2.0)  # radius factors tried in turn until every label fits beside its own edge
_PARALLEL_GAP, _END_SPREAD = 34.0, 18.0  # between parallel edges: mid-way, and where they meet a box
_LABEL_CHARS, _LABEL_SIZE, _LINE_H, _PAD = 40, 11.0, 13.0, 4.0
_NODE_MARGIN, _LABEL_MARGIN = 6.0, 2.0  # clear space kept around actor boxes and around labels
_EDGE_COLOUR = "#57606a"
_SPOTS = (0.5, 0.42, 0.58, 0.34, 0.66, 0.26, 0.74)  # where along an edge its label may sit, best first
_SPOT_COSTS = tuple(60 * abs(t - 0.5) for t in _SPOTS)
_REACH = (0.0, 16.0, 32.0, 48.0)  # how far off its edge a label may stand (with a leader line) before the circle grows
_TRIES = 2  # free candidates scored for crowding per side of the anchor
_CELL, _STEP = 48.0, 10.0  # grid cell for boxes; raster cell for edges, and the spacing of points along them
# Where a label sits against its anchor on the curve (in half-widths and half-heights) and what that costs:
# centred on the line first, then with the anchor at the middle of a side, then at a corner.
_ANCHORS = (
    (0, 0, 0.0),
    *((dx, dy, 10.0) for dx, dy in ((1, 0), (-1, 0), (0, 1), (0, -1))),
    *((dx, dy, 16.0) for dx, dy in ((1, 1), (-1, 1), (1, -1), (-1, -1))),
)
# Advance widths in em, rounded up from DejaVu Sans (the widest common sans-serif, and what Linux falls back to).
_NARROW, _WIDE = frozenset(" !'(),-./:;I[\\]`fijlrt|"), frozenset("#%+<=>@MW^mw~")


def _em(ch: str) -> float:
    if ch in _NARROW:
        return 0.4
    if ch in _WIDE or ord(ch) >= 0x2000:  # arrows, dashes, ellipsis, CJK: full width
        return 1.0
    return 0.79 if ch.isupper() or ch == "&" else 0.64


_EMS = {chr(c): _em(chr(c)) for c in range(32, 127)}


def text_width(text: str, size: float) -> float:
    """A generous estimate of how wide `text` renders at `size` px in the diagram's sans-serif font."""
    return size * sum([_EMS.get(ch) or _em(ch) for ch in text])


@dataclass(frozen=True)
class EdgeLayout:
    """One drawn exchange: its path, the label's lines and the box the label's background fills."""

    exchange: Exchange
    path: str
    lines: tuple[str, ...]
    label: Box
    leader: Point | None = None  # where a label that could not touch its edge points to on it


@dataclass(frozen=True)
class Diagram:
    """Where everything in the value-flow SVG goes; `svg` only turns this into markup."""

    actors: tuple[Actor, ...]
    centres: dict[str, Point]
    edges: tuple[EdgeLayout, ...]
    view: Box  # everything drawn except the legend

    def actor_box(self, actor_id: str) -> Box:
        x, y = self.centres[actor_id]
        return (x - NODE_W / 2, y - NODE_H / 2, x + NODE_W / 2, y + NODE_H / 2)


def _x(text: str) -> str:
    return html.escape(XML_INVALID.sub(" ", text), quote=True)


def _f(v: float) -> str:
    return f"{v:.1f}"


def _grow(b: Box, by: float) -> Box:
    return (b[0] - by, b[1] - by, b[2] + by, b[3] + by)


class _Edge:
    """An exchange's curve while the layout is worked out: the raster cells it passes, its bounding box, where its
    label may go and how it may be printed."""

    def __init__(self, exchange: Exchange, ctrl: tuple[Point, ...]) -> None:
        self.exchange, self.ctrl = exchange, ctrl
        self.pair = frozenset((exchange.provider, exchange.receiver))
        self.chord = math.dist(ctrl[0], ctrl[-1])
        n = max(8, math.ceil(sum(math.dist(p, q) for p, q in itertools.pairwise(ctrl)) / _STEP))
        ts, step = [k / n for k in range(n + 1)], _STEP
        if len(ctrl) == 3:  # the common case, as polynomials in t: this runs for every point of every edge
            (ax, ay), (bx, by), (cx, cy) = ctrl
            x1, x2, y1, y2 = 2 * (bx - ax), ax - 2 * bx + cx, 2 * (by - ay), ay - 2 * by + cy
            # Floored floats stand for the cell numbers: they hash and compare like the equal ints.
            cells = [((ay + t * (y1 + t * y2)) // step, (ax + t * (x1 + t * x2)) // step) for t in ts]
            turns = (-x1 / (2 * x2) if x2 else 0.0, -y1 / (2 * y2) if y2 else 0.0)
            extremes = [ctrl[0], ctrl[2], *(_bezier(ctrl, t) for t in turns if 0 < t < 1)]
        else:
            extremes = [_bezier(ctrl, t) for t in ts]
            cells = [(y // step, x // step) for x, y in extremes]
        self.cells = [cell for cell, _ in itertools.groupby(cells)]  # (row, column), each cell once
        xs, ys = [x for x, _ in extremes], [y for _, y in extremes]
        self.bbox = (min(xs), min(ys), max(xs), max(ys))
        self.head = [_bezier(ctrl, 1 - k / (2 * n)) for k in range(5)]  # the arrowhead's last two steps
        self.spots = [_bezier(ctrl, t) for t in _SPOTS]
        self.variants = _variants(exchange.value)
        self.bow = (0.0, 0.0)  # the side a curve bows to, away from its twin; straight lines and loops have none
        if len(ctrl) == 3:
            bx, by = ctrl[1][0] - (ctrl[0][0] + ctrl[2][0]) / 2, ctrl[1][1] - (ctrl[0][1] + ctrl[2][1]) / 2
            size = math.hypot(bx, by)
            self.bow = (bx / size, by / size) if size > 1 else self.bow


def _rows(cells: Iterable[tuple[float, float]]) -> dict[int, list[float]]:
    """Raster cells by row, each row's columns sorted, so those inside a box take a few bisections to count."""
    return {int(j): [c[1] for c in row] for j, row in itertools.groupby(sorted(cells), key=operator.itemgetter(0))}


def _inside(rows: dict[int, list[float]], i0: float, j0: int, i1: float, j1: int) -> int:
    total = 0
    for j in range(j0, j1 + 1):
        row = rows.get(j)
        if row:
            total += bisect.bisect_right(row, i1) - bisect.bisect_left(row, i0)
    return total


class _Index:
    """Actor and label boxes (hard obstacles) by grid cell; the raster cells edges pass through (soft ones)."""

    def __init__(self, edges: list[_Edge], centres: dict[str, Point]) -> None:
        self.boxes: dict[tuple[int, int], list[Box]] = defaultdict(list)
        for x, y in centres.values():
            self.add_box(_grow((x - NODE_W / 2, y - NODE_H / 2, x + NODE_W / 2, y + NODE_H / 2), _NODE_MARGIN))
        self.own = [_rows(edge.cells) for edge in edges]
        # Arrowheads go in twice: no label may hide one, its own edge's label included.
        heads = [(y // _STEP, x // _STEP) for e in edges for x, y in e.head]
        self.all = _rows(itertools.chain(*(e.cells for e in edges), heads, heads))
        # Edges joining the same two actors run side by side, so each is the easiest to mistake for the other.
        by_pair: dict[frozenset[str], list[int]] = defaultdict(list)
        for i, edge in enumerate(edges):
            by_pair[edge.pair].append(i)
        self.twins = [[self.own[j] for j in by_pair[edge.pair] if j != i] for i, edge in enumerate(edges)]

    @staticmethod
    def _cells(b: Box) -> Iterator[tuple[int, int]]:
        for i in range(math.floor(b[0] / _CELL), math.floor(b[2] / _CELL) + 1):
            for j in range(math.floor(b[1] / _CELL), math.floor(b[3] / _CELL) + 1):
                yield i, j

    def add_box(self, b: Box) -> None:
        for cell in self._cells(b):
            self.boxes[cell].append(b)

    def blocked(self, b: Box, margin: float) -> bool:
        """Whether the box, grown by `margin`, meets an actor or a label already placed."""
        left, top, right, bottom = b[0] - margin, b[1] - margin, b[2] + margin, b[3] + margin
        get = self.boxes.get
        for i in range(math.floor(left / _CELL), math.floor(right / _CELL) + 1):
            for j in range(math.floor(top / _CELL), math.floor(bottom / _CELL) + 1):
                for o in get((i, j), ()):
                    if left < o[2] and o[0] < right and top < o[3] and o[1] < bottom:
                        return True
        return False

    def crowding(self, b: Box, owner: int, centred: bool) -> float:
        """How much of other edges the box would hide or sit next to (so a reader could take it for theirs), in
        raster cells. Arrowheads and twin edges weigh most; the label's own line counts only when the label is meant
        to sit beside it."""
        i0, i1 = b[0] // _STEP, b[2] // _STEP  # floats, like the columns they are compared with
        j0, j1 = math.floor(b[1] / _STEP), math.floor(b[3] / _STEP)
        left, right = bisect.bisect_left, bisect.bisect_right
        get_all, get_own = self.all.get, self.own[owner].get
        inside = around = 0  # cells of other edges in the box, and in a one-cell ring round it
        own_inside = 0
        for j in range(j0 - 1, j1 + 2):
            row = get_all(j)
            if not row:
                continue
            mine = get_own(j)
            near = right(row, i1 + 1) - left(row, i0 - 1) - (right(mine, i1 + 1) - left(mine, i0 - 1) if mine else 0)
            if j0 <= j <= j1:
                found = right(row, i1) - left(row, i0)
                ours = right(mine, i1) - left(mine, i0) if mine else 0
                inside += found - ours
                around += near - (found - ours)
                own_inside += ours
            else:
                around += near
        twins = sum(_inside(twin, i0, j0, i1, j1) for twin in self.twins[owner])
        return 7.0 * inside + 5.0 * twins + around + (0.0 if centred else 2.0 * own_inside)


def _positions(actors: list[Actor], exchanges: list[Exchange], growth: float) -> dict[str, Point]:
    """Actors around a circle, in order; neighbours that exchange value get more arc, so their labels fit between."""
    n = len(actors)
    if n == 1:
        return {actors[0].id: (0.0, 0.0)}
    pairs = [frozenset((x.provider, x.receiver)) for x in exchanges]
    arcs = [
        _ARC_PER_NODE + _PAIR_ARC * min(3, pairs.count(frozenset((a.id, actors[(i + 1) % n].id))))
        for i, a in enumerate(actors)
    ]
    if n == 2:
        arcs = [max(arcs)] * 2
    radius = max(_MIN_RADIUS, sum(arcs) / (2 * math.pi)) * growth
    angle = math.pi if n == 2 else -math.pi / 2  # two actors side by side, more start at the top
    out = {}
    for a, arc in zip(actors, arcs, strict=True):
        out[a.id] = (radius * math.cos(angle), radius * math.sin(angle))
        angle += 2 * math.pi * arc / sum(arcs)
    return out


def _clip(centre: Point, target: Point, shift: Point = (0.0, 0.0)) -> Point:
    """Where the ray from a point of a node's box (its centre, moved by `shift`) towards `target` leaves the box."""
    ox, oy = centre[0] + shift[0], centre[1] + shift[1]
    dx, dy = target[0] - ox, target[1] - oy
    half_w, half_h = NODE_W / 2 + 3, NODE_H / 2 + 3  # a small gap between the box and the arrow
    tx = (centre[0] + math.copysign(half_w, dx) - ox) / dx if dx else math.inf
    ty = (centre[1] + math.copysign(half_h, dy) - oy) / dy if dy else math.inf
    t = min(tx, ty)
    return (ox + dx * t, oy + dy * t) if math.isfinite(t) else (centre[0], centre[1] - half_h)


def _bezier(ctrl: tuple[Point, ...], t: float) -> Point:
    """The point at t on a quadratic (three control points) or cubic (four) Bezier curve."""
    u = 1 - t
    if len(ctrl) == 3:
        (ax, ay), (bx, by), (cx, cy) = ctrl
        return u * u * ax + 2 * u * t * bx + t * t * cx, u * u * ay + 2 * u * t * by + t * t * cy
    (ax, ay), (bx, by), (cx, cy), (dx, dy) = ctrl
    wa, wb, wc, wd = u * u * u, 3 * u * u * t, 3 * u * t * t, t * t * t
    return wa * ax + wb * bx + wc * cx + wd * dx, wa * ay + wb * by + wc * cy + wd * dy


def _self_loop(x: float, y: float, i: int) -> tuple[Point, ...]:
    """A loop on the node's side away from the circle's centre; the i-th loop reaches further out."""
    norm = math.hypot(x, y)
    ux, uy = (x / norm, y / norm) if norm else (0.0, -1.0)
    bx, by = _clip((x, y), (x + ux, y + uy))
    vx, vy, reach = -uy * 14, ux * 14, 46.0 + 22 * i
    p1, p2 = (bx + vx, by + vy), (bx - vx, by - vy)
    c1 = (p1[0] + ux * reach + vx, p1[1] + uy * reach + vy)
    c2 = (p2[0] + ux * reach - vx, p2[1] + uy * reach - vy)
    return p1, c1, c2, p2


def _curve(a: Point, b: Point, lo: Point, hi: Point, offset: float) -> tuple[Point, ...]:
    """A quadratic from a to b bowed by `offset` to one side of the lo->hi line, so a->b and b->a part ways."""
    length = math.hypot(hi[0] - lo[0], hi[1] - lo[1]) or 1.0
    nx, ny = -(hi[1] - lo[1]) / length, (hi[0] - lo[0]) / length
    # The curve passes through mid + n * offset when the control point sits twice as far out.
    c = (lo[0] + hi[0]) / 2 + nx * offset * 2, (lo[1] + hi[1]) / 2 + ny * offset * 2
    # Parallel edges also leave and enter their boxes side by side, so their arrowheads do not pile up.
    spread = max(-_END_SPREAD, min(_END_SPREAD, offset * 0.4))
    shift = (nx * spread, ny * spread)
    return _clip(a, c, shift), c, _clip(b, c, shift)


def _path(ctrl: tuple[Point, ...]) -> str:
    points = [f"{_f(x)},{_f(y)}" for x, y in ctrl]
    return f"M{points[0]} {'Q' if len(ctrl) == 3 else 'C'}{' '.join(points[1:])}"


def _geometry(actors: list[Actor], exchanges: list[Exchange], growth: float) -> tuple[dict[str, Point], list[_Edge]]:
    """Actor centres, and per exchange (grouped by the pair it joins) its curve."""
    centres = _positions(actors, exchanges, growth)
    order = {a.id: i for i, a in enumerate(actors)}
    groups: dict[tuple[str, str], list[Exchange]] = {}
    for x in exchanges:
        ends = (x.provider, x.receiver)
        groups.setdefault(ends if order[ends[0]] <= order[ends[1]] else (ends[1], ends[0]), []).append(x)
    edges = []
    for (lo, hi), group in groups.items():
        for i, x in enumerate(group):
            if lo == hi:
                edges.append(_Edge(x, _self_loop(*centres[lo], i)))
            else:
                offset = (i - (len(group) - 1) / 2) * _PARALLEL_GAP
                ctrl = _curve(centres[x.provider], centres[x.receiver], centres[lo], centres[hi], offset)
                edges.append(_Edge(x, ctrl))
    return centres, edges


def _variants(value: str) -> list[tuple[float, tuple[str, ...], float, float]]:
    """Ways to print a label, with a cost (a second line costs a little, every hidden character a bit more) and the
    half width and half height of its box."""
    flat = " ".join(value.split())
    out = []
    for lines in ((short(flat, _LABEL_CHARS),), tuple(_wrap(flat, 24, 2)), (short(flat, 22),)):
        shown = sum(len(line.rstrip("…")) for line in lines) + len(lines) - 1
        cost = 5.0 * (len(lines) - 1) + 0.8 * max(0, len(flat) - shown)
        half_w = max(text_width(line, _LABEL_SIZE) for line in lines) / 2 + _PAD
        out.append((cost, lines, half_w, (len(lines) * _LINE_H + 3) / 2))
    return out


def _candidates(edge: _Edge, reach: float) -> list[tuple[float, int, int, int]]:
    """Where a label may go, `reach` px off a point of its own curve (0: touching it), cheapest first: mid-curve, on
    the line, in full; as (cost, spot, variant, anchor). A curve bowed away from a twin keeps its label on the outer
    side, where the twin cannot cross it."""
    bow_x, bow_y = edge.bow
    anchors = _ANCHORS[1:] if reach else _ANCHORS
    sides = [extra + (12.0 if dx * bow_x + dy * bow_y < -0.3 else 0.0) + reach for dx, dy, extra in anchors]
    return sorted(
        [
            (spot + variant[0] + side, k, v, a)
            for k, spot in enumerate(_SPOT_COSTS)
            for v, variant in enumerate(edge.variants)
            for a, side in enumerate(sides)
        ]
    )


def _choose(edge: _Edge, owner: int, index: _Index) -> _Label | None:
    """The cheapest free label for an edge, touching it if possible, else standing off it with a leader line.

    Only the first few free spots on each side of the anchor get their crowding counted: enough to find a quiet one,
    and it keeps dense diagrams fast.
    """
    for reach in _REACH:
        anchors = _ANCHORS[1:] if reach else _ANCHORS
        best: tuple[float, Box, tuple[str, ...], Point] | None = None
        tried = [0] * len(anchors)
        full = 0
        for cost, k, v, a in _candidates(edge, reach):
            if (best is not None and cost >= best[0]) or full == len(anchors):
                break  # sorted by cost, and crowding only adds to it
            if tried[a] == _TRIES:
                continue
            (px, py), (_, lines, half_w, half_h), (dx, dy, _) = edge.spots[k], edge.variants[v], anchors[a]
            out = math.sqrt(0.5) if dx and dy else 1.0
            cx, cy = px + dx * (half_w + 3 + out * reach), py + dy * (half_h + 3 + out * reach)
            box = (cx - half_w, cy - half_h, cx + half_w, cy + half_h)
            if index.blocked(box, _LABEL_MARGIN):
                continue
            tried[a] += 1
            full += tried[a] == _TRIES
            total = cost + index.crowding(box, owner, dx == dy == 0)
            if best is None or total < best[0]:
                best = (total, box, lines, (px, py))
        if best is not None:
            return best[1], best[2], best[3] if reach else None
    return None


def _fallback(edge: _Edge, index: _Index) -> _Label:
    """The free spot nearest the curve's middle, on widening rings; far enough out there is always one."""
    _, lines, half_w, half_h = _variants(edge.exchange.value)[-1]
    mx, my = _bezier(edge.ctrl, 0.5)
    ring = 0
    while True:
        ring += 1
        for k in range(8 * ring):
            angle = math.pi * k / (4 * ring)
            cx, cy = mx + 14 * ring * math.cos(angle), my + 14 * ring * math.sin(angle)
            box = (cx - half_w, cy - half_h, cx + half_w, cy + half_h)
            if not index.blocked(box, _LABEL_MARGIN):
                return box, lines, (mx, my)


def _place(edges: list[_Edge], centres: dict[str, Point], settle: bool) -> tuple[list[_Label], bool]:
    """A label per edge, clear of every actor and every other label, and whether each one is near its own curve.

    Without `settle` it stops at the first label with no free spot near its curve (the caller then widens the
    circle); with it, such a label goes to the nearest free spot instead.
    """
    index = _Index(edges, centres)
    placed: dict[int, _Label] = {}
    # Short edges have the fewest free spots, so they choose first.
    for owner in sorted(range(len(edges)), key=lambda i: edges[i].chord):
        label = _choose(edges[owner], owner, index)
        if label is None and not settle:
            return [], False
        label = label or _fallback(edges[owner], index)
        index.add_box(label[0])
        placed[owner] = label
    return [placed[i] for i in range(len(edges))], True


def layout(canvas: Canvas) -> Diagram:
    """Place the live actors on a circle and every exchange's label against its own arrow.

    No label overlaps another label or an actor box. Each touches its own edge where it can, else stands a little
    off it with a leader line; labels are shortened or wrapped onto two lines where that is what fits, and the circle
    widens step by step when some label finds no free spot near its edge. Rejected entries are left out.
    """
    actors = live_actors(canvas)
    exchanges = live_exchanges(canvas, {a.id for a in actors})
    if not actors:
        return Diagram((), {}, (), (0.0, 0.0, 0.0, 0.0))
    for growth in _GROWTH:
        centres, edges = _geometry(actors, exchanges, growth)
        labels, near = _place(edges, centres, settle=growth == _GROWTH[-1])
        if near:
            break
    drawn = tuple(
        EdgeLayout(e.exchange, _path(e.ctrl), lines, box, leader)
        for e, (box, lines, leader) in zip(edges, labels, strict=True)
    )
    boxes = [(x - NODE_W / 2, y - NODE_H / 2, x + NODE_W / 2, y + NODE_H / 2) for x, y in centres.values()]
    boxes += [e.label for e in drawn]
    boxes += [e.bbox for e in edges]
    view = (min(b[0] for b in boxes), min(b[1] for b in boxes), max(b[2] for b in boxes), max(b[3] for b in boxes))
    return Diagram(tuple(actors), centres, drawn, view)


def partner_weights(exchanges: Iterable[Exchange], partners: PartnerData | None) -> dict[str, tuple[float, str]]:
    """Per exchange id, the stroke width its partners' figures give it (1.4 to 6) and the figure's words.

    An exchange weighs what the partner at either end brings: its revenue, else its co-sell pipeline
    (the larger end counts). The widths grow with the square root of the figure, so one very large
    partner does not make every other arrow a hairline.
    """
    if partners is None:
        return {}
    figures: dict[str, tuple[float, str]] = {}
    for x in exchanges:
        best: tuple[float, str] | None = None
        for end in (x.provider, x.receiver):
            record = partners.by_actor.get(end)
            money = record and (record.revenue or record.pipeline)
            if record is not None and money:
                what = "revenue" if record.revenue else "pipeline"
                found = (money.amount, f"{record.name}: {what} {money_text(money)}")
                best = found if best is None or found[0] > best[0] else best
        if best is not None and best[0] > 0:
            figures[x.id] = best
    top = max((f for f, _ in figures.values()), default=0.0)
    return {i: (1.4 + 4.6 * math.sqrt(f / top), words) for i, (f, words) in figures.items()} if top else {}


def _edge(edge: EdgeLayout, names: dict[str, str], weight: tuple[float, str] | None = None) -> str:
    x = edge.exchange
    left, top, right, bottom = edge.label
    mid = (left + right) / 2
    first = (top + bottom) / 2 - (len(edge.lines) - 1) * _LINE_H / 2 + 4
    text = "".join(
        f'<tspan x="{_f(mid)}" y="{_f(first + k * _LINE_H)}">{_x(line)}</tspan>' for k, line in enumerate(edge.lines)
    )
    title = f"{names[x.provider]} → {names[x.receiver]}: {x.value} ({x.kind})"
    width = 1.4
    if weight is not None:
        width, figure = weight
        title += f" · {figure}"
    leader = ""
    if edge.leader:
        ax, ay = edge.leader
        bx, by = min(max(ax, left), right), min(max(ay, top), bottom)
        leader = (
            f'<line x1="{_f(ax)}" y1="{_f(ay)}" x2="{_f(bx)}" y2="{_f(by)}" stroke="{_EDGE_COLOUR}" '
            'stroke-width="0.8" stroke-dasharray="2 2"/>'
        )
    return (
        f'<g class="exchange" data-exchange-id="{_x(x.id)}"><title>{_x(title)}</title>'
        f'<path d="{edge.path}" fill="none" stroke="{_EDGE_COLOUR}" stroke-width="{_f(width)}" '
        f'marker-end="url(#ecocanvas-arrow)"/>{leader}'
        f'<rect x="{_f(left)}" y="{_f(top)}" width="{_f(right - left)}" height="{_f(bottom - top)}" rx="3" '
        'fill="#ffffff" fill-opacity="0.85"/>'
        f'<text text-anchor="middle" font-size="{_LABEL_SIZE:g}" fill="#1b1f24">{text}</text></g>'
    )


def _wrap(text: str, width: int, lines: int) -> list[str]:
    out: list[str] = []
    for word in text.split():
        if out and len(out[-1]) + 1 + len(word) <= width:
            out[-1] += " " + word
        else:
            out.append(word)
    if len(out) > lines:
        out = [*out[: lines - 1], short(" ".join(out[lines - 1 :]), width)]
    return [short(line, width) for line in out] or [""]


def _badge(record: PartnerRecord | None, x: float, y: float) -> str:
    """The partner's tier as a badge on the box's top-right corner, from the imported partner data."""
    if record is None or not record.tier:
        return ""
    label = short(XML_INVALID.sub(" ", record.tier), 14)
    w = text_width(label, 9) + 10
    left, top = x + NODE_W / 2 - w + 6, y - NODE_H / 2 - 8
    return (
        f'<g class="tier-badge"><rect x="{_f(left)}" y="{_f(top)}" width="{_f(w)}" height="15" rx="7" fill="#1b1f24"/>'
        f'<text x="{_f(left + w / 2)}" y="{_f(top + 11)}" text-anchor="middle" font-size="9" font-weight="600" '
        f'fill="#ffffff">{_x(label)}</text></g>'
    )


def _node(actor: Actor, x: float, y: float, record: PartnerRecord | None = None) -> str:
    fill, stroke = KIND_COLOURS[actor.kind]
    kind = actor.kind.replace("_", " ")
    title = f"{actor.name} — {actor.role}" if actor.role else f"{actor.name} ({kind})"
    if record is not None:
        title += f" · {record_summary(record)}"
    lines = _wrap(XML_INVALID.sub(" ", actor.name), 22, 2)
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
        f'fill="{stroke}">{_x(kind)}</text>{_badge(record, x, y)}</g>'
    )


def _legend(actors: tuple[Actor, ...], x: float, y: float) -> tuple[str, float]:
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
            cursor += 17 + text_width(label, 11) + 16
    return f'<g class="legend">{"".join(parts)}</g>', cursor - x


def _svg(x0: float, y0: float, width: float, height: float, label: str, body: str) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="{_f(x0)} {_f(y0)} {_f(width)} {_f(height)}" '
        f'width="{math.ceil(width)}" height="{math.ceil(height)}" role="img" aria-label="{_x(label)}" '
        f'font-family="system-ui, -apple-system, Segoe UI, Roboto, sans-serif"><title>{_x(label)}</title>{body}</svg>\n'
    )


def svg(canvas: Canvas, partners: PartnerData | None = None) -> str:
    """The value-flow diagram as a self-contained SVG: actors on a circle, exchanges as labelled arrows.

    With imported partner data, an arrow is as thick as the revenue (else pipeline) of the partner at its
    ends, and a partner's box carries its tier as a badge; the layout is the same either way.
    """
    title = " ".join((canvas.title or "Execution canvas").split())
    diagram = layout(canvas)
    if not diagram.actors:
        text = (
            '<text x="160" y="44" text-anchor="middle" font-size="13" fill="#57606a">Nothing to draw: no actors.</text>'
        )
        return _svg(0, 0, 320, 80, f"{title}: no value flows to draw", text)
    names = {a.id: a.name for a in diagram.actors}
    marker = (
        '<defs><marker id="ecocanvas-arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="8" markerHeight="8" '
        f'orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="{_EDGE_COLOUR}"/></marker></defs>'
    )
    weights = partner_weights((e.exchange for e in diagram.edges), partners)
    records = partners.by_actor if partners is not None else {}
    edges = [_edge(e, names, weights.get(e.exchange.id)) for e in diagram.edges]
    nodes = [_node(a, *diagram.centres[a.id], records.get(a.id)) for a in diagram.actors]
    x0, y0, x1, y1 = diagram.view
    pad = 24.0
    legend, legend_w = _legend(diagram.actors, x0, y1 + pad)
    x1, y1 = max(x1, x0 + legend_w), y1 + pad + 10
    label = f"{title}: value flows between {len(diagram.actors)} actors ({len(diagram.edges)} exchanges)"
    body = marker + "".join(edges) + "".join(nodes) + legend
    return _svg(x0 - pad, y0 - pad, x1 - x0 + 2 * pad, y1 - y0 + 2 * pad, label, body)
