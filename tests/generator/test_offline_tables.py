"""Tables read whole: who a "Party | Gives | Receives" row deals with when its cell names nobody,
and which rows a "Depends on" column points at."""

from __future__ import annotations

import datetime as dt

from support.offline_draft import document
from support.offline_draft import draft as offline_draft

from ecocanvas.generator.drafts import CanvasDraft

CAST = (
    'Harbourline Ltd ("the Platform") runs the booking platform. Ostra Ferries (Ostra) and Pellin Buses (Pellin) '
    "sell their trips through it. Corvex Pay (Corvex) processes payments. The Regional Council (the Council) "
    "commissions the platform.\n\n"
)


_DATE = dt.date(2025, 5, 1)


def draft(text: str) -> CanvasDraft:
    return offline_draft(text, date=_DATE)


def flows(text: str) -> set[tuple[str, str, str]]:
    return {(x.provider, x.receiver, x.value) for x in draft(text).value_exchanges.value_exchanges}


def owners(text: str) -> dict[str, str | None]:
    return {a.name: a.owner for a in draft(text).activities.activities}


def metrics(text: str) -> dict[str, tuple[str | None, str | None]]:
    return {k.name: (k.owner, k.target) for k in draft(text).metrics.metrics}


TABLE = (
    "| Party | Gives | Receives |\n|---|---|---|\n"
    "| Ostra Ferries | Ferry timetables and seat inventory "
    "| 90% of ferry ticket revenue, paid monthly by the Platform |\n"
    "| Pellin Buses | Bus timetables | 90% of bus ticket revenue, paid monthly by the Platform |\n"
    "| Corvex Pay | Card payment processing | Fee of 1.2% + EUR 0.05 per payment, paid by the Platform |\n"
    "| The Regional Council | Annual fee of EUR 300,000 | Quarterly usage report from the Platform |\n"
)


def test_the_party_other_rows_name_is_the_counterparty_of_cells_that_name_nobody() -> None:
    # The document is the Council's ("we" = the Council), but the rows all deal with the Platform.
    found = flows("We, the Regional Council, write this schedule.\n\n" + CAST + TABLE)
    assert ("Ostra Ferries", "Harbourline Ltd", "Ferry timetables and seat inventory") in found
    assert ("Pellin Buses", "Harbourline Ltd", "Bus timetables") in found
    assert ("The Regional Council", "Harbourline Ltd", "Annual fee of EUR 300,000") in found or (
        "Regional Council",
        "Harbourline Ltd",
        "Annual fee of EUR 300,000",
    ) in found
    assert not {f for f in found if f[0] == "Ostra Ferries" and f[1] != "Harbourline Ltd"}


def test_a_price_in_two_parts_stays_one_value() -> None:
    found = flows(CAST + TABLE)
    assert ("Harbourline Ltd", "Corvex Pay", "Fee of 1.2% + EUR 0.05 per payment") in found, found


def test_a_table_naming_one_counterparty_once_keeps_the_writer_as_the_hub() -> None:
    table = (
        "| Party | Gives | Receives |\n|---|---|---|\n"
        "| Ostra Ferries | Ferry timetables | Ticket revenue |\n"
        "| Pellin Buses | Bus timetables | Ticket revenue |\n"
        "| Corvex Pay | Card payment processing | Fees, paid by Harbourline |\n"
    )
    found = flows("We, Harbourline Ltd, keep this table.\n\n" + CAST + table)
    assert ("Ostra Ferries", "Harbourline Ltd", "Ferry timetables") in found, found


def test_a_depends_on_column_links_rows_by_number_and_a_loop_is_found() -> None:
    from ecocanvas.generator.assemble import assemble
    from ecocanvas.generator.resolve import resolve
    from ecocanvas.rules.engine import check

    text = CAST + (
        "| # | Activity | Lead | Depends on |\n|---|---|---|---|\n"
        "| 1 | Timetable import | Ostra Ferries | - |\n"
        "| 2 | Seat map publication | Harbourline | 3 |\n"
        "| 3 | Fare rule validation | Corvex Pay | 2, 1 |\n"
        "| 4 | Payout reconciliation | Corvex Pay | row 9 |\n"
    )
    result = draft(text)
    depends = {a.name: a.depends_on for a in result.activities.activities}
    assert depends["Seat map publication"] == ["Fare rule validation"]
    assert depends["Fare rule validation"] == ["Seat map publication", "Timetable import"]
    assert depends["Payout reconciliation"] == []  # row 9 is no row of the table
    findings = check(assemble(resolve(result, [document(text, date=_DATE)], tainted=set())))
    assert [f for f in findings if f.rule == "circular-dependency"], [f.rule for f in findings]


def test_a_primary_column_names_the_owner_only_when_it_names_a_party() -> None:
    table = (
        "| Service | Primary | Backup |\n|---|---|---|\n"
        "| Card payment support | Corvex Pay | Harbourline Ltd |\n"
        "| Night duty | Jan Peeters | Marta Olsen |\n"
    )
    found = draft(CAST + table)
    owners = {a.name: a.owner for a in found.activities.activities}
    assert owners.get("Card payment support") == "Corvex Pay", owners
    # A rota of people is no activity, and its names are no actors.
    assert "Night duty" not in owners
    assert not {a.name for a in found.actors.actors} & {"Jan Peeters", "Marta Olsen"}


def test_the_numbered_rungs_of_an_escalation_ladder_are_no_activities() -> None:
    table = (
        "| Step | Owner | When to move on |\n|---|---|---|\n"
        "| 1 | Ostra Ferries | after 5 working days |\n| 2 | The Regional Council | - |\n"
    )
    names = {a.name for a in draft(CAST + table).activities.activities}
    assert not {"1", "2"} & names, names


def test_a_members_title_in_a_flow_table_stands_for_its_group() -> None:
    text = (
        "Meridel Institute (MCI) runs the exams. Its courses are taught by authorised training partners, and "
        "authorised training partners sign the partner agreement.\n\n"
        "| Item | Provided by | Provided to |\n|---|---|---|\n"
        "| Exam vouchers | MCI | Partner |\n| Voucher payments | Partner | MCI |\n"
    )
    found = flows(text)
    assert ("Meridel Institute", "training partners", "Exam vouchers") in found, found
    assert ("training partners", "Meridel Institute", "Voucher payments") in found, found


def test_a_flow_drawn_as_an_arrow_is_an_exchange_quoted_as_written() -> None:
    lines = (
        "- Corvex -> Harbourline Ltd: card payment processing (24/7)\n* Harbourline Ltd → Corvex – settlement files\n"
    )
    found = draft(CAST + lines)
    flows = {(x.provider, x.receiver, x.value): x.quote for x in found.value_exchanges.value_exchanges}
    assert flows.get(("Corvex Pay", "Harbourline Ltd", "card payment processing")) == (
        "Corvex -> Harbourline Ltd: card payment processing (24/7)"
    ), flows
    assert ("Harbourline Ltd", "Corvex Pay", "settlement files") in flows, flows


def test_arrows_pointing_back_in_table_cells_and_both_ways() -> None:
    text = CAST + (
        "Corvex <- Harbourline Ltd: processing fee\n\nCorvex <-> Harbourline Ltd: reconciliation files\n\n"
        "| Flow | What | When |\n|---|---|---|\n| Harbourline Ltd → Corvex | payment instructions | daily |\n"
    )
    found = flows(text)
    assert ("Harbourline Ltd", "Corvex Pay", "processing fee") in found, found
    assert ("Harbourline Ltd", "Corvex Pay", "payment instructions") in found, found
    # A two-way arrow does not say which way the files go.
    assert not {f for f in found if f[2] == "reconciliation files"}, found


def test_a_cell_names_a_defined_role_without_its_article() -> None:
    text = (
        'This agreement is between Carrow Hospital ("the Sponsor") and Meridian Research Ltd ("the CRO").\n\n'
        "| Activity | Lead |\n|---|---|\n| Site monitoring visits | CRO |\n\n"
        "| KPI | Target | Reported by |\n|---|---|---|\n| Site activation time | 90 days | Sponsor |\n"
    )
    found = draft(text)
    assert {a.name: a.owner for a in found.activities.activities}.get(
        "Site monitoring visits"
    ) == "Meridian Research Ltd"
    assert {k.name: k.owner for k in found.metrics.metrics}.get("Site activation time") == "Carrow Hospital"


def test_the_column_after_the_activity_leads_when_the_table_names_approvers_in_other_words() -> None:
    # No header says "lead" or "owner": the doer's column comes right after the activity's.
    text = CAST + (
        "| Activity | Does the work | Signs off | Kept in the loop |\n|---|---|---|---|\n"
        "| Timetable publication | Harbourline Ltd | Regional Council | Corvex Pay |\n"
        "| Payment reconciliation | Corvex Pay | - | Harbourline Ltd |\n"
    )
    found = {a.name: (a.owner, a.approvers) for a in draft(text).activities.activities}
    assert found["Timetable publication"] == ("Harbourline Ltd", ["Regional Council"])
    assert found["Payment reconciliation"] == ("Corvex Pay", [])


def test_a_table_that_names_no_helper_or_approver_gives_its_second_column_no_lead() -> None:
    text = CAST + (
        "| Service | Host | Opening hours |\n|---|---|---|\n"
        "| Harbour terminal | Harbourline Ltd | 06:00-22:00 |\n"
        "| Payment office | Corvex Pay | 05:30-23:30 |\n"
    )
    names = {a.name for a in draft(text).activities.activities}
    assert not names & {"Harbour terminal", "Payment office"}


def test_a_cell_still_to_be_agreed_gives_no_exchange() -> None:
    table = (
        "| Party | Gives | Receives |\n|---|---|---|\n"
        "| Ostra Ferries | Ferry timetables | Ticket revenue |\n"
        "| Pellin Buses | To be agreed | Pending |\n"
    )
    found = flows("We, Harbourline Ltd, keep this table.\n\n" + CAST + table)
    assert ("Ostra Ferries", "Harbourline Ltd", "Ferry timetables") in found, found
    assert not [f for f in found if "Pellin Buses" in f], found


def test_a_value_one_row_gives_and_another_row_gets_flows_between_them_once() -> None:
    # Three parties, none the writer's hub: what Ostra gets ("seat inventory updates") is what
    # Pellin gives ("Seat inventory updates for connections"), so it flows from Pellin to Ostra,
    # stated once, in the giver's words.
    table = (
        "| Party | Provides | Receives in return |\n|---|---|---|\n"
        "| Ostra Ferries | Ferry timetables; connection guarantees | Seat inventory updates |\n"
        "| Pellin Buses | Seat inventory updates for connections | Connection guarantees for bus travellers |\n"
        "| Corvex Pay | Card payment processing | Processing fee |\n"
    )
    found = flows("We, the Regional Council, write this schedule.\n\n" + CAST + table)
    assert ("Pellin Buses", "Ostra Ferries", "Seat inventory updates for connections") in found, found
    assert ("Ostra Ferries", "Pellin Buses", "connection guarantees") in found, found
    assert not {f for f in found if f[2].lower() == "seat inventory updates"}, found


def test_under_a_two_level_header_the_measure_is_the_kpi_and_the_area_only_groups_it() -> None:
    text = CAST + (
        "| KPI Area | KPI Measure | Owner | Target |\n|---|---|---|---|\n"
        "| Audience | Ferry seats sold | Ostra Ferries | 18,000 |\n"
        "| Audience | Bus seats sold | Pellin Buses | 9,000 |\n"
    )
    assert metrics(text) == {
        "Ferry seats sold": ("Ostra Ferries", "18,000"),
        "Bus seats sold": ("Pellin Buses", "9,000"),
    }


def test_a_table_of_jobs_is_a_table_of_work() -> None:
    text = CAST + (
        "| Job | Lead | Helps |\n|---|---|---|\n"
        "| Timetable import | Ostra Ferries | Pellin Buses |\n"
        "| Payout reconciliation | Corvex Pay | Harbourline |\n"
    )
    found = owners(text)
    assert found.get("Timetable import") == "Ostra Ferries", found
    assert found.get("Payout reconciliation") == "Corvex Pay", found


def test_side_by_side_kpi_groups_are_one_metric_each() -> None:
    text = CAST + (
        "| Quality Metric | Quality Owner | Quality Target | Flow Metric | Flow Owner | Flow Target |\n"
        "|---|---|---|---|---|---|\n"
        "| Complaints answered in 5 days | Harbourline | 95% | Trips sold online | Ostra Ferries | 40,000 |\n"
    )
    found_metrics = metrics(text)
    assert found_metrics == {
        "Complaints answered in 5 days": ("Harbourline Ltd", "95%"),
        "Trips sold online": ("Ostra Ferries", "40,000"),
    }, found_metrics


def test_a_team_or_office_in_a_lead_column_is_a_party() -> None:
    text = CAST + (
        "| Job | Lead | Helps |\n|---|---|---|\n"
        "| Site licences and plot agreements | Parks team | Ostra Ferries |\n"
        "| Volunteer induction | Network office | Pellin Buses |\n"
    )
    found = owners(text)
    assert found.get("Site licences and plot agreements") == "Parks team", found
    assert found.get("Volunteer induction") == "Network office", found


def test_headers_in_the_writers_own_language_name_the_roles_and_the_owner() -> None:
    text = CAST + (
        "| Attività / Activity | Responsabile | Supporto | Approva |\n|---|---|---|---|\n"
        "| Timetable import | Ostra Ferries | Pellin Buses | The Regional Council |\n\n"
        "| KPI / Indicatore | Responsabile | Target 2027 | Actual YTD |\n|---|---|---|---|\n"
        "| Trips sold online | Ostra Ferries | 40,000 | 31,200 |\n"
    )
    activity = draft(text).activities.activities[0]
    assert (activity.owner, activity.supporters, activity.approvers) == (
        "Ostra Ferries",
        ["Pellin Buses"],
        ["Regional Council"],
    ), activity
    assert metrics(text) == {"Trips sold online": ("Ostra Ferries", "40,000")}


def test_a_row_of_figures_with_no_owner_and_no_target_is_no_kpi() -> None:
    text = CAST + (
        "| KPI | Owner | Target | Actual |\n|---|---|---|---|\n"
        "| Trips sold online | Ostra Ferries | 40,000 | 31,200 |\n"
        "| Tickets scanned - October | | | 12,400 |\n"
        "| Complaints answered in 5 days | TBD | 95% | 91% |\n"
    )
    assert set(metrics(text)) == {"Trips sold online", "Complaints answered in 5 days"}, metrics(text)
