"""One piece of work named two ways is one activity: the offline draft gives both statements one
name, so resolution merges them and the later owner wins."""

from __future__ import annotations

import datetime as dt

from support.offline_draft import draft_documents

CAST = (
    "Kelm Motors Ltd (Kelm) assembles the units. Arno Logistics (Arno) stores and moves them. "
    "Veltra Components (Veltra) supplies the boards.\n\n"
)
RACI = (
    "| Activity | Lead | Support |\n|---|---|---|\n"
    "| Surge buffer operation | Arno Logistics | Kelm Motors |\n"
    "| Creator support | Veltra Components | |\n"
    "| Quarterly compliance report | Kelm Motors | |\n"
)


def _names(*docs: tuple[str, str, dt.date]) -> dict[str, str | None]:
    return {a.name: a.owner for a in draft_documents(*docs).activities.activities}


def test_work_framed_two_ways_in_two_documents_is_one_activity() -> None:
    later = (
        "| Activity | Lead |\n|---|---|\n"
        "| Surge buffer management | Kelm Motors |\n"
        "| First-line creator support | Arno Logistics |\n"
        "| Quarterly compliance reporting | Kelm Motors |\n"
    )
    found = _names(
        ("raci.md", CAST + RACI, dt.date(2025, 3, 1)),
        ("update.md", CAST + later, dt.date(2025, 6, 1)),
    )
    assert found == {
        "Surge buffer operation": "Kelm Motors Ltd",
        "Creator support": "Arno Logistics",
        "Quarterly compliance report": "Kelm Motors Ltd",
    }, found


def test_a_narrower_name_with_another_owner_in_the_same_document_stays_its_own_activity() -> None:
    # Within one table, "First-line creator support" led by someone else is a separate line of work.
    table = RACI + "| First-line creator support | Arno Logistics | |\n"
    found = _names(("raci.md", CAST + table, dt.date(2025, 3, 1)))
    assert found["Creator support"] == "Veltra Components"
    assert found["First-line creator support"] == "Arno Logistics"


def test_names_that_share_only_a_framing_word_stay_apart() -> None:
    later = "| Activity | Lead |\n|---|---|\n| Board operation | Kelm Motors |\n"
    found = _names(
        ("raci.md", CAST + RACI, dt.date(2025, 3, 1)),
        ("update.md", CAST + later, dt.date(2025, 6, 1)),
    )
    assert found["Surge buffer operation"] == "Arno Logistics"
    assert found["Board operation"] == "Kelm Motors Ltd"
