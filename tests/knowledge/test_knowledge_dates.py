"""The date a document states about itself: found near the top, never confused with a deadline."""

from __future__ import annotations

import datetime as dt

import pytest

from ecocanvas.knowledge.dates import document_date


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("# Steering committee\n\nMinutes of the meeting held on 18 June 2025 in Utrecht.", dt.date(2025, 6, 18)),
        ("MEMO\nTo: Partners\nFrom: Programme office\nDate: March 2, 2025\n\nBody.", dt.date(2025, 3, 2)),
        ("Date: 2025-03-02\nSubject: tariffs", dt.date(2025, 3, 2)),
        ("**Date:** 2nd of April 2024\n\nText", dt.date(2024, 4, 2)),
        ("# Partner board minutes, 7 Sept 2025\n\nAttendees: all", dt.date(2025, 9, 7)),
        ("Quarterly review 03/11/2025\n\nNotes", dt.date(2025, 11, 3)),
        ("This agreement is dated 1 January 2026 between A and B.", dt.date(2026, 1, 1)),
    ],
)
def test_self_stated_dates(text: str, expected: dt.date) -> None:
    assert document_date(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "# Plan\n\nThe pilot must be live by 1 September 2025.",
        "# Roadmap\n\nDeadline: 2025-10-01 for onboarding.",
        "# Notes\n\nNo dates at all here.",
        "# Report\n\n" + "filler line\n" * 40 + "Meeting held on 4 May 2025.",
        "Date: 2025-02-30\n\nAn impossible date is no date.",
    ],
)
def test_no_date_when_none_is_stated_about_the_document(text: str) -> None:
    assert document_date(text) is None


def test_a_stated_date_beats_a_date_in_the_title() -> None:
    text = "# Roadmap 2025-01-01 to 2025-12-31\n\nDate: 2025-02-14\n\nBody"
    assert document_date(text) == dt.date(2025, 2, 14)
