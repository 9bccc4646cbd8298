"""Activity names a reviewer would keep, whichever reader found them: fragments are dropped, a
leading date is not part of the name."""

from __future__ import annotations

import datetime as dt

from support.offline_draft import draft as offline_draft

from ecocanvas.generator.drafts import CanvasDraft

CAST = (
    "Harbourline Ltd (Harbourline) runs the platform. Ostra Ferries (Ostra) sails the routes. "
    "The Booking Desk (BD) answers travellers.\n\n"
)


def draft(text: str) -> CanvasDraft:
    return offline_draft(text, date=dt.date(2025, 5, 1))


def test_table_rows_that_are_fragments_or_measures_name_no_activity() -> None:
    text = CAST + (
        "| Activity | Lead |\n|---|---|\n"
        "| Timetable publication | Ostra Ferries |\n"
        "| Returns KPI | Harbourline |\n"
        "| LOI only | Harbourline |\n"
        "| Personal data is not | Harbourline |\n"
        "| [Ruben's correction | Harbourline |\n"
        "| Merchant onboarding and KYB checks | Harbourline |\n"
    )
    names = {a.name for a in draft(text).activities.activities}
    assert "Timetable publication" in names
    assert "Merchant onboarding and KYB checks" in names  # "checks" tagged as a verb is still a noun here
    assert not names & {"Returns KPI", "LOI only", "Personal data is not", "[Ruben's correction"}, names


def test_a_leading_date_is_cut_from_a_name_whichever_reader_made_it() -> None:
    from ecocanvas.generator.drafts import ActivityDraft, Evidence
    from ecocanvas.generator.offline.activities import well_named

    at = Evidence(document_id="n", start=0)
    drafts = [
        ActivityDraft(quote="q", at=at, name="From 1 May 2025 the mock recall exercise", owner="Harbourline Ltd"),
        ActivityDraft(quote="q", at=at, name="Q3 2025 fare review", owner="Ostra Ferries"),
        ActivityDraft(quote="q", at=at, name="Timetable publication", owner="Ostra Ferries"),
    ]
    assert [(a.name, a.owner) for a in well_named(drafts)] == [
        ("Mock recall exercise", "Harbourline Ltd"),
        ("Fare review", "Ostra Ferries"),
        ("Timetable publication", "Ostra Ferries"),
    ]


def test_action_items_and_meeting_rows_are_no_activities_and_role_headers_come_from_the_vocabulary() -> None:
    text = CAST + (
        "| Activity | Lead | Backup | Endorses |\n|---|---|---|---|\n"
        "| Timetable publication | Ostra Ferries | Harbourline | Booking Desk |\n\n"
        "| Action | Owner | Due |\n|---|---|---|\n"
        "| Circulate the revised fare table | Harbourline | 4 June |\n\n"
        "| Activity | Lead | When |\n|---|---|---|\n"
        "| Operations sync | Harbourline | Weekly, Tuesdays |\n"
    )
    acts = {a.name: a for a in draft(text).activities.activities}
    assert set(acts) == {"Timetable publication"}, set(acts)
    row = acts["Timetable publication"]
    assert (row.owner, row.supporters, row.approvers) == ("Ostra Ferries", ["Harbourline Ltd"], ["Booking Desk"])


def test_one_word_is_a_name_only_as_a_whole_table_cell() -> None:
    text = CAST + (
        "| Activity | Lead |\n|---|---|\n"
        "| Billing | Harbourline |\n"
        "| Hosting, distribution, malware scanning | Ostra Ferries |\n"
    )
    names = {a.name for a in draft(text).activities.activities}
    assert "Billing" in names, names
    # The first of the items a cell lists is not the piece of work the row is about.
    assert "Hosting" not in names, names


def test_a_kpi_named_as_work_elsewhere_is_a_metric_only() -> None:
    text = CAST + (
        "| Activity | Lead |\n|---|---|\n| Timetable publication | Ostra Ferries |\n"
        "| Booking response time | Harbourline |\n\n"
        "| KPI | Target | Owner |\n|---|---|---|\n| Booking response time | under 2 hours | Harbourline |\n"
    )
    found = draft(text)
    assert "Booking response time" in {k.name for k in found.metrics.metrics}
    names = {a.name for a in found.activities.activities}
    assert "Timetable publication" in names
    assert "Booking response time" not in names, names


def test_chairing_a_forum_is_governance_not_an_activity() -> None:
    from ecocanvas.generator.drafts import ActivityDraft, Evidence
    from ecocanvas.generator.offline.activities import well_named

    at = Evidence(document_id="n", start=0)
    names = ["Codeshare Working Group chairing", "Pilot Steering Board chairing", "Timetable coordination"]
    drafts = [ActivityDraft(quote="q", at=at, name=name, owner="Ostra Ferries") for name in names]
    assert [a.name for a in well_named(drafts)] == ["Timetable coordination"]


def test_a_metric_name_shows_no_markup() -> None:
    text = CAST + (
        "| KPI | Target | Owner |\n|---|---|---|\n| **Booking response time** | under 2 hours | Harbourline |\n\n"
        "## KPIs\n\n_Timetable accuracy_: target 99%, owned by Ostra Ferries.\n"
    )
    names = {k.name for k in draft(text).metrics.metrics}
    assert {"Booking response time", "Timetable accuracy"} <= names, names


def test_work_handed_over_is_named_like_any_activity() -> None:
    text = CAST + "From March, Ostra Ferries takes over **timetable publication** from Harbourline.\n"
    owners = {a.name: a.owner for a in draft(text).activities.activities}
    assert owners.get("Timetable publication") == "Ostra Ferries", owners
    assert not [n for n in owners if "*" in n or n[:1].islower()], owners
