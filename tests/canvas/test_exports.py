"""Exports: the RACI CSV reads back into the right cells, and the value-flow diagram (Mermaid, SVG) has one
node per live actor, one edge per live exchange, and escapes whatever the documents named things."""

from __future__ import annotations

import csv
import io
import itertools
import math
import random
import re
import xml.etree.ElementTree as ET
from itertools import combinations

import pytest

from ecocanvas.canvas.diagram import layout, svg, text_width
from ecocanvas.canvas.exports import mermaid, raci_csv
from ecocanvas.canvas.model import ACTOR_KINDS, Activity, Actor, Canvas, Exchange

HOSTILE = '<script>alert(1)</script> & "x"'
NS = {"svg": "http://www.w3.org/2000/svg"}


def build() -> Canvas:
    return Canvas(
        title="Lumio",
        actors=[
            Actor(id="lumio", name="Lumio Pay", kind="platform", role="runs the platform"),
            Actor(id="bank", name='Brenmark Bank, "the bank"', kind="partner"),
            Actor(id="care", name="Merchant Care", kind="internal_team"),
            Actor(id="gone", name="Old Vendor", kind="supplier", status="rejected"),
        ],
        value_exchanges=[
            Exchange(id="x1", provider="bank", receiver="lumio", value="card acquiring | settlement [T+1]"),
            Exchange(id="x2", provider="lumio", receiver="bank", value="merchant data", kind="data"),
            Exchange(id="x3", provider="lumio", receiver="bank", value="fees", kind="revenue"),
            Exchange(id="x4", provider="care", receiver="lumio", value="support", status="rejected"),
            Exchange(id="x5", provider="gone", receiver="lumio", value="tokens"),  # its provider was rejected
            Exchange(id="x6", provider="nobody", receiver="lumio", value="ghost"),
        ],
        activities=[
            Activity(id="onb", name="Onboarding", owner="lumio", supporters=["care"], approvers=["bank", "lumio"]),
            Activity(id="kyc", name="=KYC review", owner="bank", supporters=["gone"]),
            Activity(id="old", name="Fax intake", owner="care", status="rejected"),
        ],
    )


LIVE_EXCHANGES = ["x1", "x2", "x3"]


# -- RACI --------------------------------------------------------------------------------------


def test_raci_csv_reads_back_into_the_right_cells() -> None:
    rows = list(csv.reader(io.StringIO(raci_csv(build()))))
    assert rows[0] == ["activity_id", "activity", "Lumio Pay", 'Brenmark Bank, "the bank"', "Merchant Care"]
    table = {row[0]: dict(zip(rows[0], row, strict=True)) for row in rows[1:]}
    assert list(table) == ["onb", "kyc"], "rejected activities are left out"
    onb = table["onb"]
    assert (onb["Lumio Pay"], onb['Brenmark Bank, "the bank"'], onb["Merchant Care"]) == (
        "lead+approve",
        "approve",
        "support",
    )
    kyc = table["kyc"]
    assert kyc["activity"] == "'=KYC review", "a leading = must not run as a spreadsheet formula"
    assert (kyc["Lumio Pay"], kyc['Brenmark Bank, "the bank"'], kyc["Merchant Care"]) == ("", "lead", "")


def test_raci_csv_tells_apart_actors_that_share_a_name() -> None:
    canvas = Canvas(
        actors=[Actor(id="a1", name="Ops"), Actor(id="a2", name="Ops")],
        activities=[Activity(id="run", name="Run", owner="a2", supporters=["a1"])],
    )
    header, row = list(csv.reader(io.StringIO(raci_csv(canvas))))
    assert len(set(header)) == len(header)
    assert dict(zip(header, row, strict=True))[header[3]] == "lead" and "a2" in header[3]


def test_raci_csv_of_a_canvas_without_activities_is_just_the_header() -> None:
    assert list(csv.reader(io.StringIO(raci_csv(Canvas())))) == [["activity_id", "activity"]]


# -- Mermaid -----------------------------------------------------------------------------------

EDGE = re.compile(r'^\s*(\w+) -->\|"([^"]*)"\| (\w+)$')
NODE = re.compile(r'^\s*(\w+)\["([^"]*)"\]$')


def test_mermaid_has_one_node_per_live_actor_and_one_edge_per_live_exchange() -> None:
    canvas = build()
    canvas.actors[0].name = HOSTILE
    lines = mermaid(canvas).splitlines()
    assert lines[0] == "flowchart LR"
    nodes = {m[1]: m[2] for line in lines if (m := NODE.match(line))}
    edges = [m.groups() for line in lines if (m := EDGE.match(line))]
    assert len(nodes) == 3 and len(edges) == len(LIVE_EXCHANGES)
    assert sum("-->" in line for line in lines) == len(LIVE_EXCHANGES)
    assert all(src in nodes and dst in nodes for src, _, dst in edges)
    label_of = {label: (src, dst) for src, label, dst in edges}
    assert "card acquiring #124; settlement #91;T+1#93;" in label_of
    hostile = next(label for label in nodes.values() if "script" in label)
    assert hostile == "#60;script#62;alert(1)#60;/script#62; #38; #34;x#34;"
    assert not any(ch in label for label in [*nodes.values(), *label_of] for ch in '"<>[]|')


def test_mermaid_node_ids_are_safe_and_distinct() -> None:
    canvas = Canvas(
        actors=[Actor(id="a-1", name="A"), Actor(id="a_1", name="B"), Actor(id="end", name="C")],
        value_exchanges=[Exchange(id="x", provider="a-1", receiver="a_1", value="v\nw")],
    )
    text = mermaid(canvas)
    ids = [m[1] for line in text.splitlines() if (m := NODE.match(line))]
    assert len(set(ids)) == 3 and all(re.fullmatch(r"[A-Za-z][A-Za-z0-9_]*", i) for i in ids) and "end" not in ids
    (edge,) = [m.groups() for line in text.splitlines() if (m := EDGE.match(line))]
    assert edge == (ids[0], "v w", ids[1])


# -- SVG ---------------------------------------------------------------------------------------


def parse(text: str) -> ET.Element:
    return ET.fromstring(text)


def groups(root: ET.Element, cls: str) -> list[ET.Element]:
    return [g for g in root.iter(f"{{{NS['svg']}}}g") if g.get("class") == cls]


def test_svg_has_one_node_per_actor_and_one_edge_per_exchange() -> None:
    root = parse(svg(build()))
    assert root.get("viewBox") and root.get("width") and root.get("height")
    assert root.get("role") == "img" and "3 actors" in (root.get("aria-label") or "")
    nodes = groups(root, "actor")
    assert [g.get("data-actor-id") for g in nodes] == ["lumio", "bank", "care"]
    assert all(g.get("role") == "img" and g.get("aria-label") for g in nodes)
    assert nodes[0].findtext("svg:title", namespaces=NS) == "Lumio Pay — runs the platform"
    edges = groups(root, "exchange")
    assert [g.get("data-exchange-id") for g in edges] == LIVE_EXCHANGES
    paths = [g.find("svg:path", NS) for g in edges]
    assert all(p is not None and p.get("marker-end") == "url(#ecocanvas-arrow)" for p in paths)
    assert len({p.get("d") for p in paths if p is not None}) == 3, "parallel edges must not overlap"
    ends = [(p.get("d") or "").split()[-1] for p in paths if p is not None]
    assert ends[1] != ends[2], "two arrows into the same actor must not end on the same spot"


def test_svg_escapes_hostile_names_and_links_nothing_outside() -> None:
    canvas = build()
    canvas.actors[0].name = HOSTILE + "\x07"
    canvas.value_exchanges[0].value = HOSTILE
    text = svg(canvas)
    assert "<script" not in text and "&lt;script&gt;" in text
    root = parse(text)
    assert not [el for el in root.iter() if el.tag.endswith("script") or el.tag.endswith("foreignObject")]
    assert not [k for el in root.iter() for k in el.attrib if k.endswith("href") or k.startswith("on")]
    assert re.findall(r"https?://[^\"' ]+", text) == ["http://www.w3.org/2000/svg"]
    node = groups(root, "actor")[0]
    assert (node.findtext("svg:title", namespaces=NS) or "").startswith(HOSTILE)
    edge = groups(root, "exchange")[0]
    assert HOSTILE in (edge.findtext("svg:title", namespaces=NS) or "")


def label_lines(edge: ET.Element) -> list[str]:
    return [t.text or "" for t in edge.iterfind("svg:text/svg:tspan", NS)]


def test_svg_shortens_long_labels_but_keeps_the_full_text_in_the_title() -> None:
    canvas = build()
    long_value = "a monthly settlement file covering every card transaction, refund and chargeback"
    canvas.value_exchanges[1].value = long_value
    edge = groups(parse(svg(canvas)), "exchange")[1]
    lines = label_lines(edge)
    label = " ".join(lines)  # a wrapped label breaks at spaces
    assert 1 <= len(lines) <= 2 and all(len(line) <= 40 for line in lines)
    assert label.endswith("…") and long_value.startswith(label[:-1])
    assert long_value in (edge.findtext("svg:title", namespaces=NS) or "")


def test_svg_is_deterministic_and_draws_self_loops() -> None:
    canvas = build()
    canvas.value_exchanges.append(Exchange(id="self", provider="lumio", receiver="lumio", value="budget"))
    assert svg(canvas) == svg(canvas.model_copy(deep=True))
    edges = groups(parse(svg(canvas)), "exchange")
    assert [g.get("data-exchange-id") for g in edges] == [*LIVE_EXCHANGES, "self"]


def test_svg_with_no_actors_says_there_is_nothing_to_draw() -> None:
    root = parse(svg(Canvas(actors=[Actor(id="a", name="A", status="rejected")])))
    assert groups(root, "actor") == [] and root.get("viewBox")
    assert "Nothing to draw" in "".join(root.itertext())


def boxes(root: ET.Element) -> list[tuple[float, float, float, float]]:
    out = []
    for g in groups(root, "actor"):
        rect = g.find("svg:rect", NS)
        assert rect is not None
        x, y, w, h = (float(rect.get(k) or 0) for k in ("x", "y", "width", "height"))
        out.append((x, y, x + w, y + h))
    return out


def inside(view_box: str, box: tuple[float, float, float, float]) -> bool:
    x, y, w, h = map(float, view_box.split())
    return x <= box[0] and y <= box[1] and box[2] <= x + w and box[3] <= y + h


@pytest.mark.parametrize(("n_actors", "n_exchanges"), [(1, 0), (2, 6), (7, 20), (30, 80)])
def test_svg_actor_boxes_never_overlap_and_fit_the_view(n_actors: int, n_exchanges: int) -> None:
    rng = random.Random(n_actors)
    actors = [
        Actor(id=f"actor-{i}", name=f"Organisation number {i} of the ecosystem", kind=rng.choice(ACTOR_KINDS))
        for i in range(n_actors)
    ]
    exchanges = [
        Exchange(id=f"x{j}", provider=rng.choice(actors).id, receiver=rng.choice(actors).id, value=f"value {j} " * 8)
        for j in range(n_exchanges)
    ]
    root = parse(svg(Canvas(actors=actors, value_exchanges=exchanges)))
    assert len(groups(root, "actor")) == n_actors and len(groups(root, "exchange")) == n_exchanges
    placed = boxes(root)
    for a, b in combinations(placed, 2):
        assert a[2] <= b[0] or b[2] <= a[0] or a[3] <= b[1] or b[3] <= a[1], f"{a} overlaps {b}"
    assert all(inside(root.get("viewBox") or "", box) for box in placed)


# -- SVG label layout: checked on the SVG itself ----------------------------------------------

Box = tuple[float, float, float, float]
HUB_VALUES = [
    "charging session data",
    "monthly settlement payments for every site",
    "grid capacity reservations",
    "roaming authorisation tokens",
    "hardware warranty and replacement service",
    "site access",
    "compliance reports",
    "tariff updates",
]


def hub_canvas(n_actors: int = 12, n_exchanges: int = 30, seed: int = 12) -> Canvas:
    """Every exchange touches one of two hubs, which sit next to each other on the circle."""
    rng = random.Random(seed)
    actors = [
        Actor(id=f"a{i}", name=f"Organisation {i} of the ecosystem", kind=ACTOR_KINDS[i % len(ACTOR_KINDS)])
        for i in range(n_actors)
    ]
    exchanges = []
    for j in range(n_exchanges):
        hub = actors[j % 2].id
        other = rng.choice([a.id for a in actors if a.id != hub])
        provider, receiver = (hub, other) if rng.random() < 0.5 else (other, hub)
        exchanges.append(Exchange(id=f"x{j}", provider=provider, receiver=receiver, value=rng.choice(HUB_VALUES)))
    return Canvas(title="Hubs", actors=actors, value_exchanges=exchanges)


def self_loops() -> Canvas:
    return Canvas(
        actors=[Actor(id="a", name="Solo Org"), Actor(id="b", name="Other")],
        value_exchanges=[
            *(Exchange(id=f"s{i}", provider="a", receiver="a", value=f"internal budget line {i}") for i in range(4)),
            Exchange(id="y", provider="a", receiver="b", value="x"),
        ],
    )


def random_canvas(n_actors: int, n_exchanges: int, seed: int) -> Canvas:
    rng = random.Random(seed)
    actors = [Actor(id=f"actor-{i}", name=f"Organisation number {i}") for i in range(n_actors)]
    exchanges = [
        Exchange(id=f"x{j}", provider=rng.choice(actors).id, receiver=rng.choice(actors).id, value=f"value {j} " * 5)
        for j in range(n_exchanges)
    ]
    return Canvas(actors=actors, value_exchanges=exchanges)


def rect_of(el: ET.Element) -> Box:
    x, y, w, h = (float(el.get(k) or 0) for k in ("x", "y", "width", "height"))
    return (x, y, x + w, y + h)


def apart(a: Box, b: Box) -> bool:
    return a[2] <= b[0] or b[2] <= a[0] or a[3] <= b[1] or b[3] <= a[1]


def text_box(edge: ET.Element) -> Box:
    """Where the label's text lies, from its tspans' positions and the width estimate the layout uses."""
    boxes = []
    for tspan in edge.iterfind("svg:text/svg:tspan", NS):
        x, y, half = float(tspan.get("x") or 0), float(tspan.get("y") or 0), text_width(tspan.text or "", 11) / 2
        boxes.append((x - half, y - 11 * 0.75, x + half, y + 11 * 0.25))  # cap height above, descenders below
    return (min(b[0] for b in boxes), min(b[1] for b in boxes), max(b[2] for b in boxes), max(b[3] for b in boxes))


def curve_points(d: str) -> list[tuple[float, float]]:
    """Points along an `M.. Q..` or `M.. C..` path, closely spaced."""
    ctrl = [(float(x), float(y)) for x, y in re.findall(r"(-?[\d.]+),(-?[\d.]+)", d)]
    out = []
    for k in range(401):
        pts, t = list(ctrl), k / 400
        while len(pts) > 1:
            pts = [(a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t) for a, b in itertools.pairwise(pts)]
        out.append(pts[0])
    return out


def gap(box: Box, point: tuple[float, float]) -> float:
    dx = max(box[0] - point[0], 0.0, point[0] - box[2])
    dy = max(box[1] - point[1], 0.0, point[1] - box[3])
    return math.hypot(dx, dy)


@pytest.mark.parametrize(
    "canvas",
    [build(), hub_canvas(), hub_canvas(30, 80, seed=3), random_canvas(3, 30, seed=5), self_loops()],
    ids=["small", "two-hubs-12-30", "two-hubs-30-80", "dense-3-30", "self-loops"],
)
def test_svg_labels_overlap_nothing_and_sit_by_their_own_edge(canvas: Canvas) -> None:
    root = parse(svg(canvas))
    view = root.get("viewBox") or ""
    actors = boxes(root)
    labels: list[Box] = []
    for edge in groups(root, "exchange"):
        rect = edge.find("svg:rect", NS)
        path = edge.find("svg:path", NS)
        assert rect is not None and path is not None
        label, text = rect_of(rect), text_box(edge)
        assert label[0] <= text[0] and label[1] <= text[1] and text[2] <= label[2] and text[3] <= label[3], (
            f"the text of {edge.get('data-exchange-id')} spills out of its background"
        )
        assert all(apart(label, actor) for actor in actors), f"{edge.get('data-exchange-id')} covers an actor"
        assert inside(view, label)
        curve = curve_points(path.get("d") or "")
        leader = edge.find("svg:line", NS)
        if leader is None:
            assert min(gap(label, p) for p in curve) <= 6, f"{edge.get('data-exchange-id')} strays from its edge"
        else:
            start = (float(leader.get("x1") or 0), float(leader.get("y1") or 0))
            end = (float(leader.get("x2") or 0), float(leader.get("y2") or 0))
            assert min(math.dist(start, p) for p in curve) <= 1.5 and gap(label, end) <= 0.1
            assert math.dist(start, end) <= 60, "a label standing off its edge stays close to it"
        labels.append(label)
    for a, b in combinations(labels, 2):
        assert apart(a, b), f"labels {a} and {b} overlap"
    reported = [e.label for e in layout(canvas).edges]
    assert len(reported) == len(labels), "one label per live exchange"
    for drawn, planned in zip(labels, reported, strict=True):  # the SVG writes one decimal
        assert all(abs(a - b) <= 0.11 for a, b in zip(drawn, planned, strict=True)), "svg draws what layout() reports"
