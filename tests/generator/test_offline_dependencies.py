"""Prose that orders work links activities: each side of "X will not happen until Y" is matched to
an activity by the words of its name, and a side that names none gives no link."""

from __future__ import annotations

import pytest
from support.offline_draft import draft

CAST = (
    "Trelwyn Systems (Trelwyn) builds the platform. Axial Diagnostics (Axial) runs the laboratory. "
    "Corvel Health (Corvel) sponsors the study.\n\n"
    "| Activity | Lead | Support |\n|---|---|---|\n"
    "| eCRF build and validation | Trelwyn Systems | Corvel Health |\n"
    "| Lab data transfer specification | Axial Diagnostics | Trelwyn Systems |\n"
    "| Site onboarding | Corvel Health | |\n\n"
)


def _depends(text: str) -> dict[str, list[str]]:
    return {a.name: a.depends_on for a in draft(CAST + text).activities.activities}


@pytest.mark.parametrize(
    "sentence",
    [
        # a negated main clause with "until"
        "Trelwyn will not freeze the eCRF build until Axial has signed off the lab data transfer specification.",
        # "only after", the prerequisite as a clause
        "The eCRF build is frozen only after Axial signs off the transfer specification.",
        # "once" in front
        "Once the transfer specification is signed off, Trelwyn freezes the eCRF build.",
        # a plain "before": the work after it waits
        "Axial finalises the lab data transfer specification before Trelwyn validates the eCRF build.",
        # "depends on" and "is waiting for" with the work as their subject
        "The eCRF build depends on the lab data transfer specification.",
        "Work on the eCRF build is waiting for the lab data transfer specification.",
    ],
)
def test_an_ordering_in_one_sentence_links_the_activities_it_names(sentence: str) -> None:
    depends = _depends(sentence)
    assert depends["eCRF build and validation"] == ["Lab data transfer specification"], depends
    assert depends["Lab data transfer specification"] == [], depends


def test_two_sentences_that_wait_on_each_other_make_a_loop() -> None:
    depends = _depends(
        "Trelwyn will not freeze the eCRF build until Axial has signed off the lab data transfer specification. "
        "Axial will not finalise the transfer specification until the eCRF build is frozen."
    )
    assert depends["eCRF build and validation"] == ["Lab data transfer specification"], depends
    assert depends["Lab data transfer specification"] == ["eCRF build and validation"], depends


@pytest.mark.parametrize(
    "sentence",
    [
        # "until" without a negation says how long, not what waits
        "Trelwyn supports the eCRF build until the lab data transfer specification is archived.",
        # "after" without "only" is a sequence of events in a story, not a condition
        "After the eCRF build, the lab data transfer specification was discussed.",
        # the other side names no activity
        "Trelwyn will not freeze the eCRF build until the steering committee meets.",
        # a word both sides share is not which work: "data" is no lab data transfer specification
        "No site shall publish data before the eCRF build is frozen.",
        # a verb alone is no work: "before it is built" says nothing of the eCRF build
        "Axial signs off the lab data transfer specification before it is built.",
    ],
)
def test_no_link_without_an_ordering_between_two_named_activities(sentence: str) -> None:
    depends = _depends(sentence)
    assert all(not d for d in depends.values()), depends
