"""The offline extractor on documents whose parties have invented names, agreements and tables.

Invented names ("Modspire", "Supply Planning") make the small parser read the verb after them as a
noun; each case here was lost that way, or by a reader that did not know the construction, before
the sentence was parsed with the names standing in as words the parser knows.
"""

from __future__ import annotations

import pytest
from support.offline_draft import draft

CAST = (
    "Modspire (MSP) hosts the mods. Vexmoor Compressors (VXC) makes the parts. "
    "Supply Planning (SPL) is the planning team of the network.\n\n"
)


def flows(text: str) -> set[tuple[str, str, str]]:
    return {(x.provider, x.receiver, x.value) for x in draft(text).value_exchanges.value_exchanges}


def owners(text: str) -> dict[str, str | None]:
    return {a.name: a.owner for a in draft(text).activities.activities}


@pytest.mark.parametrize(
    ("sentence", "flow"),
    [
        # "Supply Planning shares": read as a plural noun ("shares") after an unknown name
        (
            "Supply Planning shares a 13-week rolling forecast with Vexmoor Compressors every Monday.",
            ("Supply Planning", "Vexmoor Compressors", "13-week rolling forecast"),
        ),
        (
            "Modspire shares download and crash analytics with Supply Planning.",
            ("Modspire", "Supply Planning", "download and crash analytics"),
        ),
        # a dative the parser sees only when the recipient is a name it knows
        (
            "Modspire gives Vexmoor Compressors access to the mod catalogue.",
            ("Modspire", "Vexmoor Compressors", "access to the mod catalogue"),
        ),
    ],
)
def test_verbs_after_invented_names_are_read(sentence: str, flow: tuple[str, str, str]) -> None:
    assert flow in flows(CAST + sentence)


def test_a_price_on_what_is_provided_flows_back() -> None:
    read = flows(
        CAST + "Vexmoor Compressors provides rotary compressors to Modspire at a fixed fee of EUR 90 per unit."
    )
    assert ("Vexmoor Compressors", "Modspire", "rotary compressors") in read
    assert ("Modspire", "Vexmoor Compressors", "fixed fee of EUR 90 per unit") in read


def test_what_is_given_back_goes_to_the_other_party_of_the_clause_before() -> None:
    read = flows(
        CAST
        + "Modspire pays Vexmoor Compressors a scoring fee, and Vexmoor Compressors gives back weekly fraud labels."
    )
    assert ("Vexmoor Compressors", "Modspire", "weekly fraud labels") in read


def test_declining_to_share_is_no_exchange() -> None:
    assert flows(CAST + "Vexmoor Compressors has declined to share sell-through data with Modspire.") == set()


def test_a_clause_of_a_two_party_agreement_deals_with_the_other_party() -> None:
    text = (
        'Programme agreement between Lumio Pay B.V. ("Lumio") and Brenmark Bank N.V. ("the Bank")\n\n'
        "The Bank shares with Lumio the daily settlement files.\n\n"
        "Lumio receives a monthly chargeback report.\n\n"
        "Lumio offers card acceptance to merchants in the retail segment.\n"
    )
    read = flows(text)
    # the defined term with its dotted legal form ("N.V.") is the bank's alias
    assert ("Brenmark Bank N.V", "Lumio Pay B.V", "daily settlement files") in read
    # no counterparty named: the other party of the agreement
    assert ("Brenmark Bank N.V", "Lumio Pay B.V", "monthly chargeback report") in read
    # a counterparty named, but not a party: not turned into the other party
    assert not any(v == "card acceptance" or v.startswith("card acceptance") for _, _, v in read)


def test_a_role_term_defined_as_currently_one_party_is_that_party() -> None:
    text = CAST + (
        '"Exam-Delivery Provider" means the organisation appointed by Modspire to deliver exams, '
        "currently Vexmoor Compressors.\n\n"
        "Score reports are sent to Supply Planning by the Exam-Delivery Provider.\n"
    )
    assert ("Vexmoor Compressors", "Supply Planning", "Score reports") in flows(text)


def test_hyphenated_first_words_name_work() -> None:
    found = owners(CAST + "First-line maintenance is run by Vexmoor Compressors.")
    assert found.get("First-line maintenance") == "Vexmoor Compressors"


def test_a_row_code_is_no_part_of_the_name() -> None:
    table = (
        "| Activity | Lead |\n|---|---|\n"
        "| A6 Investigator training | Modspire |\n| 3. Site audits | Supply Planning |\n"
    )
    found = owners(CAST + table)
    assert found.get("Investigator training") == "Modspire"
    assert found.get("Site audits") == "Supply Planning"


def test_a_service_table_names_who_runs_each_service_and_a_flow_table_no_work() -> None:
    services = (
        "| Service | Provided by | What it means for you |\n|---|---|---|\n"
        "| Warehousing and order fulfilment | Vexmoor Compressors | Storage and dispatch of your stock |\n"
    )
    assert owners(CAST + services).get("Warehousing and order fulfilment") == "Vexmoor Compressors"
    items = (
        "| Item | Provided by | Provided to |\n|---|---|---|\n| Courseware licences | Modspire | Supply Planning |\n"
    )
    result = draft(CAST + items)
    assert not any(a.name == "Courseware licences" for a in result.activities.activities)
    assert ("Modspire", "Supply Planning", "Courseware licences") in {
        (x.provider, x.receiver, x.value) for x in result.value_exchanges.value_exchanges
    }
