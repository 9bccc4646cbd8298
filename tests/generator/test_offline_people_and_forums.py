"""Who is an actor and what an activity is called, on constructions written by outside writers.

People in owner columns and as subjects, a consortium's own boards, work-package codes, two companies
named in one breath, a count of users and a "Party | Gives | Receives" table all made actors that no
reviewer would keep.
"""

from __future__ import annotations

import datetime as dt

from ecocanvas.generator.drafts import CanvasDraft
from ecocanvas.generator.offline import extract_offline
from ecocanvas.knowledge import Chunk, Document

CAST = (
    "Voltara GmbH (Voltara) builds the pilot line. Brightcell Oy (Brightcell) supplies the cells. "
    "Kessler University (KU) coordinates the consortium.\n\n"
)


def draft(text: str) -> CanvasDraft:
    doc = Document(id="m", name="m.md", media_type="text/markdown", text=text, date=dt.date(2025, 2, 3))
    chunk = Chunk(id="m-0", document_id="m", document="m.md", start=0, end=len(text), text=text)
    return extract_offline([doc], [chunk])


def actors(text: str) -> set[str]:
    return {a.name for a in draft(text).actors.actors}


def test_people_in_an_action_list_and_as_subjects_are_not_actors() -> None:
    text = CAST + (
        "| Action | Owner | Due |\n|---|---|---|\n"
        "| Update the RACI for triage | Tom Reyes | April |\n"
        "| Letter of thanks to the charity | Hannah Okafor | 4 April |\n\n"
        "Aisha owns the data protection impact assessment and updates it. Voltara runs the pilot line; "
        "Tom Reyes chairs the call. Hannah Okafor reports to Kessler University.\n"
    )
    found = actors(text)
    assert "Kessler University" in found
    assert not found & {"Tom Reyes", "Hannah Okafor", "Aisha"}


def test_a_consortium_board_and_a_work_package_code_are_not_actors_but_a_named_outside_body_is() -> None:
    text = CAST + (
        "| Work package | Lead | Approval |\n|---|---|---|\n"
        "| WP4 Pilot-line scale-up | Voltara GmbH | Steering Board |\n"
        "| WP2 Cell chemistry | Brightcell Oy | Technical Management Committee (TMC) |\n\n"
        "The Technical Management Committee (TMC) meets monthly. The Steering Board approves WP4. "
        "The Regional Research Ethics Committee (RREC) approves every trial protocol. "
        "The Regional Research Ethics Committee publishes its opinions.\n"
    )
    found = actors(text)
    assert not found & {"Steering Board", "Technical Management Committee", "WP4"}
    assert "Regional Research Ethics Committee" in found


def test_two_companies_named_together_are_two_actors_and_no_alias() -> None:
    text = CAST + (
        "The pilot results belong to Voltara GmbH and Brightcell Oy jointly. "
        "Voltara GmbH and Brightcell Oy share the test data with Kessler University.\n"
    )
    result = draft(text).actors.actors
    names = {a.name for a in result} | {alias for a in result for alias in a.aliases}
    assert not any(" and " in n for n in names), names


def test_what_a_party_gives_and_receives_is_a_value_not_an_actor() -> None:
    text = (
        "MoveNow Ltd (the Operator) runs the app for the City Transport Department (the Department).\n\n"
        "| Party | Gives | Receives |\n|---|---|---|\n"
        "| City Transport Department | Service Fee of EUR 420,000 per year | Monthly anonymised trip data |\n"
        "| MoveNow Ltd | Monthly anonymised trip data | Service Fee |\n"
    )
    result = draft(text)
    assert not {a.name for a in result.actors.actors} & {"Service Fee", "Monthly anonymised trip data"}
    flows = {(x.provider, x.receiver) for x in result.value_exchanges.value_exchanges}
    assert ("City Transport Department", "MoveNow Ltd") in flows or ("City Transport Department", "MoveNow") in flows


def test_a_count_of_users_is_not_a_group_actor() -> None:
    text = (
        "MoveNow Ltd (the Operator) runs the app for the City Transport Department (the Department).\n\n"
        "We reached 11,800 monthly active users in January (the H1 target is 15,000, so we are on the way). "
        "MoveNow sends the Department the count of monthly active users every month.\n\n"
        "| KPI | Owner | Target |\n|---|---|---|\n| Monthly active users | MoveNow | 15,000 |\n"
    )
    assert "monthly active users" not in {a.name.lower() for a in draft(text).actors.actors}
