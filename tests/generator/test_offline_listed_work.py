"""Where a responsibility table lists the work, an owner read once from prose is a passing mention,
not an activity of its own; a short table does not make itself the whole list."""

from __future__ import annotations

from support.offline_draft import draft

CAST = (
    "Kelm Motors Ltd (Kelm) assembles the units. Arno Logistics (Arno) stores and moves them. "
    "Veltra Components (Veltra) supplies the boards.\n\n"
)
WORK = [
    "Surge buffer operation",
    "Board supply planning",
    "Final assembly",
    "Outbound haulage",
    "Warranty claims handling",
    "Supplier audits",
    "Demand forecasting",
    "Spare parts stocking",
    "Returns inspection",
    "Packaging design",
]
PROSE = (
    "\n\nArno also handles the customs paperwork for exports. "
    "Veltra leads the firmware updates, supported by Kelm. "
    "Nobody owns the recycling pilot yet.\n"
)


def _table(rows: list[str]) -> str:
    leads = ("Kelm Motors", "Arno Logistics", "Veltra Components")
    lines = [f"| {name} | {leads[i % 3]} |" for i, name in enumerate(rows)]
    return "| Activity | Lead |\n|---|---|\n" + "\n".join(lines) + "\n"


def _activities(text: str) -> dict[str, set[str | None]]:
    """Name -> the owners its drafts state (resolution later merges drafts of one name)."""
    found: dict[str, set[str | None]] = {}
    for a in draft(text).activities.activities:
        found.setdefault(a.name, set()).add(a.owner)
    return found


def test_a_full_table_is_the_list_and_a_passing_owner_in_prose_is_dropped() -> None:
    found = _activities(CAST + _table(WORK) + PROSE)
    assert set(WORK) <= set(found), found
    assert not any("customs" in name.lower() for name in found), found
    # Kept: work whose sentence also says who supports it, and work said to have no owner.
    firmware = [name for name in found if "firmware" in name.lower()]
    assert firmware and "Veltra Components" in found[firmware[0]], found
    recycling = [name for name in found if "recycling" in name.lower()]
    assert recycling and found[recycling[0]] == {None}, found


def test_a_short_table_leaves_prose_owners_in_place() -> None:
    found = _activities(CAST + _table(WORK[:4]) + PROSE)
    customs = [name for name in found if "customs" in name.lower()]
    assert customs and found[customs[0]] == {"Arno Logistics"}, found
