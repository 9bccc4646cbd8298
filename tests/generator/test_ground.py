"""Grounding: exact, normalised and fuzzy matches land on exact offsets; unfindable quotes are refused."""

from __future__ import annotations

import string

from hypothesis import given, settings
from hypothesis import strategies as st

from ecocanvas.generator.ground import Grounder, _normalise_quote
from ecocanvas.knowledge import Document


def doc(text: str, name: str = "a.md", doc_id: str = "d1") -> Document:
    return Document(id=doc_id, name=name, media_type="text/markdown", text=text)


TEXT = (
    "# Partner memo\n\nChargeCo leads site onboarding for all supermarket hosts.\n"
    "The utility   provides grid\nconnections to ChargeCo — at cost.\n"
    "“Fraud review” is owned by the Risk Office.\n"
)


def test_exact_quote_gets_exact_offsets() -> None:
    g = Grounder([doc(TEXT)])
    c = g.locate("ChargeCo leads site onboarding for all supermarket hosts.")
    assert c is not None
    assert TEXT[c.start : c.end] == c.quote == "ChargeCo leads site onboarding for all supermarket hosts."
    assert (c.document, c.document_id) == ("a.md", "d1")


def test_whitespace_case_and_quote_marks_are_normalised() -> None:
    g = Grounder([doc(TEXT)])
    c = g.locate("the utility provides grid connections to chargeco - at cost")
    assert c is not None
    assert c.quote == TEXT[c.start : c.end]
    assert c.quote.startswith("The utility") and c.quote.endswith("at cost")
    c2 = g.locate('"Fraud review" is owned by the Risk Office')
    assert c2 is not None and c2.quote == TEXT[c2.start : c2.end]
    assert "Risk Office" in c2.quote


def test_fuzzy_match_above_threshold_and_unfindable_dropped() -> None:
    g = Grounder([doc(TEXT)])
    near = g.locate("ChargeCo leads site onboarding for all supermarket host.")  # one letter off
    assert near is not None and near.quote == TEXT[near.start : near.end]
    assert "site onboarding" in near.quote
    assert g.locate("Acme Corp is the lead partner for every activity in the network.") is None
    assert g.locate("") is None
    assert g.locate("ok") is None  # too short to be evidence


def test_preferred_document_searched_first_and_hint_trusted_only_when_true() -> None:
    a, b = doc("Same sentence here in both.", "a.md", "A"), doc("Same sentence here in both.", "b.md", "B")
    g = Grounder([a, b])
    loc = g.locate("Same sentence here in both.", prefer=["B"])
    assert loc is not None and loc.document_id == "B"
    # A forged hint pointing at a place where the quote is not does not produce a citation there.
    forged = g.locate("Same sentence here in both.", hint=("A", 3))
    assert forged is not None and forged.start == 0


_words = st.text(alphabet=string.ascii_letters + "äéø’“”—", min_size=1, max_size=9)


@settings(max_examples=120, deadline=None)
@given(
    words=st.lists(_words, min_size=6, max_size=60),
    seps=st.lists(st.sampled_from([" ", "  ", "\n", "\t", " \n "]), min_size=60, max_size=60),
    data=st.data(),
)
def test_located_quote_is_always_the_text_at_its_offsets(
    words: list[str], seps: list[str], data: st.DataObject
) -> None:
    text = "".join(w + seps[i] for i, w in enumerate(words))
    i = data.draw(st.integers(0, len(words) - 3))
    j = data.draw(st.integers(i + 2, len(words)))
    quote = " ".join(words[i:j])  # whitespace collapsed, as a model would copy it
    if len(_normalise_quote(quote)) < 8:  # too short to be evidence: refused by design
        return
    c = Grounder([doc(text)]).locate(quote.upper() if data.draw(st.booleans()) else quote)
    assert c is not None
    assert c.quote == text[c.start : c.end]
    # What was found reads the same as what was asked for, once spacing, case and quote marks are folded.
    assert _normalise_quote(c.quote) == _normalise_quote(quote)


def test_a_fuzzy_citation_never_starts_mid_word() -> None:
    text = "Operators: VoltHaven Charging runs the public chargers across the city centre every day."
    c = Grounder([doc(text)]).locate("Haven Charging runs the public chargers across the city centre each day")
    assert c is not None
    assert c.quote.startswith("VoltHaven Charging") and c.quote == text[c.start : c.end]


def test_a_fuzzy_match_that_changes_a_number_is_refused() -> None:
    text = "The utility connects some 400 chargers to the grid in the first year of the programme."
    assert Grounder([doc(text)]).locate("The utility connects some 40 chargers to the grid in the first year") is None
