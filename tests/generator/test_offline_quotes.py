"""Property: whatever Markdown or text file it reads, every quote the offline extractor cites is
the file's own text at its offsets (newlines normalised, nothing else), table rows included."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ecocanvas.generator.offline import extract_offline
from ecocanvas.knowledge import chunk_document, parse_bytes
from ecocanvas.knowledge.parsing import ParseLimits

ACTORS = ["Nordhavn Motors", "Vellmar Energi", "Kestrel Logistics", "the Risk Office", "member farmers"]
WORK = ["site onboarding", "fraud review", "charger installation", "tariff changes", "driver helpdesk"]
VALUES = ["grid connections", "a connection fee", "monthly session data", "spare parts"]

actor, work, value = st.sampled_from(ACTORS), st.sampled_from(WORK), st.sampled_from(VALUES)
sentence = st.one_of(
    st.builds(lambda a, w: f"{a} leads {w}.", actor, work),
    st.builds(lambda w, a: f"{w.capitalize()} is owned by {a}.", work, actor),
    st.builds(lambda a, v, b: f"{a} provides {v} to {b}.", actor, value, actor),
    st.builds(lambda a, w: f"{a} does not run {w}; it approves it.", actor, work),
    st.builds(lambda w: f"Nobody owns {w} yet — “ünïcode” quotes.", work),
)
paragraph = st.lists(sentence, min_size=1, max_size=3).map(" ".join)
heading = st.builds(lambda w, level: f"{'#' * level} {w.title()}", work, st.integers(1, 3))
bullets = st.lists(st.builds(lambda s: f"- {s}", sentence), min_size=1, max_size=3).map("\n".join)
table = st.lists(st.tuples(work, actor, actor), min_size=1, max_size=4).map(
    lambda rows: (
        "| Activity | Lead | Signs off |\n|---|---|---|\n" + "\n".join(f"| {w} | {a} | {b} |" for w, a, b in rows)
    )
)
tab_table = st.lists(st.tuples(work, actor), min_size=1, max_size=3).map(
    lambda rows: "Activity\tOwner\n" + "\n".join(f"{w}\t{a}" for w, a in rows)
)
block = st.one_of(paragraph, heading, bullets, table, tab_table)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    blocks=st.lists(block, min_size=1, max_size=6),
    newline=st.sampled_from(["\n", "\r\n"]),
    suffix=st.sampled_from([".md", ".txt"]),
)
def test_every_quote_is_the_files_text_at_its_offsets(blocks: list[str], newline: str, suffix: str) -> None:
    raw = "\n\n".join(blocks).replace("\n", newline) + newline
    doc = parse_bytes(f"notes{suffix}", raw.encode("utf-8"), ParseLimits())
    file_text = raw.replace("\r\n", "\n")
    assert doc.text == file_text
    draft = extract_offline([doc], chunk_document(doc, 1200))
    entries = [
        *draft.actors.actors,
        *draft.activities.activities,
        *draft.value_exchanges.value_exchanges,
        *draft.governance.governance,
        *draft.metrics.metrics,
    ]
    if any(b.startswith("| Activity |") for b in blocks):
        assert draft.activities.activities, "a RACI table always gives activities"
    for entry in entries:
        assert entry.at is not None
        assert file_text[entry.at.start : entry.at.start + len(entry.quote)] == entry.quote
