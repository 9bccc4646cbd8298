"""The matching primitives the scorer and the gold lint share."""

from __future__ import annotations

from fractions import Fraction

import pytest

from ecocanvas.evals.matching import (
    ONE_HALF,
    TWO_THIRDS,
    has_keywords,
    keyword_hits,
    match_one_to_one,
    name_variants,
    precision_recall_f1,
    required_hits,
    same_name,
    word_matches,
)


def test_name_variants_read_parentheses_articles_and_legal_forms() -> None:
    assert name_variants("Nordhavn Motors (NHM)") >= {"nordhavn motors nhm", "nordhavn motors", "nhm"}
    assert "utility" in name_variants("the Utility")
    assert "chargeco" in name_variants("ChargeCo Ltd.")
    assert same_name(["ChargeCo GmbH"], ["chargeco"])
    assert same_name(["Städtische Werke"], ["Stadtische Werke"])
    assert not same_name(["Charge"], ["ChargeCo"])
    # A lone legal form or article never becomes an empty name that matches everything.
    assert "" not in name_variants("The", "Ltd", "()")


@pytest.mark.parametrize(
    "keyword,word,expected",
    [
        ("onboarding", "onboard", True),
        ("integration", "integrate", True),
        ("partner", "partnership", True),
        ("data", "data", True),
        ("data", "dataset", False),  # short words match exactly only
        ("payment", "payout", False),
        ("pricing", "price", False),
    ],
)
def test_words_match_exactly_or_by_a_five_letter_stem(keyword: str, word: str, expected: bool) -> None:
    assert word_matches(keyword, word) is expected


def test_keywords_are_case_insensitive_and_phrases_need_consecutive_words() -> None:
    assert keyword_hits(["KPI", "Dashboards", "customer access"], "kpi dashboard for Customer-Access") == [
        "KPI",
        "Dashboards",
        "customer access",
    ]
    assert keyword_hits(["customer access"], "access for the customer") == []


@pytest.mark.parametrize(
    "n,share,need",
    [
        (1, TWO_THIRDS, 1),
        (2, TWO_THIRDS, 2),
        (3, TWO_THIRDS, 2),
        (4, TWO_THIRDS, 3),
        (6, TWO_THIRDS, 4),
        (2, ONE_HALF, 1),
        (3, ONE_HALF, 2),
        (4, ONE_HALF, 2),
        (5, Fraction(1), 5),
    ],
)
def test_required_hits_is_the_exact_ceiling(n: int, share: Fraction, need: int) -> None:
    assert required_hits(n, share) == need


def test_has_keywords_applies_the_share() -> None:
    assert has_keywords(["install", "charging", "stations"], "Charging station installation", TWO_THIRDS)
    assert not has_keywords(["approve", "permits"], "Site permit process", TWO_THIRDS)
    assert has_keywords(["approve", "permits"], "Site permit process", ONE_HALF)
    assert not has_keywords([], "anything", ONE_HALF)


def test_one_to_one_matching_is_maximum_where_greedy_is_not() -> None:
    # Greedy gives right 0 to left 0 and leaves left 1 unmatched; the maximum matching pairs both.
    edges = {0: [0, 1], 1: [0]}
    assert match_one_to_one(2, 2, lambda i: edges[i]) == {0: 1, 1: 0}
    assert match_one_to_one(3, 1, lambda i: [0]) == {0: 0}


def test_precision_recall_f1_conventions() -> None:
    assert precision_recall_f1(0, 0, 0) == (None, None, None)
    assert precision_recall_f1(0, 0, 3) == (0.0, 0.0, 0.0)
    assert precision_recall_f1(0, 2, 0) == (0.0, None, 0.0)
    assert precision_recall_f1(1, 2, 4) == pytest.approx((0.5, 0.25, 1 / 3))
