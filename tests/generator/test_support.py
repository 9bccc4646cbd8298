"""Support checks: names, numbers and words of an entry against the passage it cites."""

from __future__ import annotations

from ecocanvas.generator.support import mentions, missing_numbers, numbers, refers_indirectly, words_supported

QUOTE = "In return, VoltHaven pays Korbin a revenue share of 8% of net charging revenue, paid quarterly."


def test_numbers_are_read_as_written_and_compared_as_values() -> None:
    assert numbers("EUR 1,150 per bay; 0.49/kWh; >= 99.9%; 2025") == {"1150", "0.49", "99.9", "2025"}
    assert numbers("eight stores and 12 bays") == {"12"} | {"8"}
    assert missing_numbers("EUR 5m per year guaranteed revenue", QUOTE) == ["5"]
    assert missing_numbers(">= 99.9%", "Target: 97%") == ["99.9"]
    assert missing_numbers("8% revenue share", QUOTE) == []


def test_words_must_mostly_be_in_the_quote() -> None:
    assert words_supported("Revenue share of 8% of net charging revenue", QUOTE)
    assert not words_supported("guaranteed minimum income per year", QUOTE)
    assert words_supported("Site host onboarding", "VoltHaven leads onboarding of new site hosts.")


def test_a_name_is_mentioned_as_whole_words_in_any_of_its_forms() -> None:
    assert mentions(QUOTE, ["VoltHaven Charging GmbH", "VoltHaven"])
    assert mentions("The operator (VHC) installs chargers.", ["VoltHaven Charging", "VHC"])
    assert mentions("Drivers pay per kWh.", ["EV drivers", "drivers"])
    assert not mentions("Ferrowatt installs chargers.", ["VoltHaven Charging"])
    assert not mentions("Korbinsson stores", ["Korbin"])


def test_pronouns_send_the_check_to_the_passage() -> None:
    assert refers_indirectly("We provide the roaming hub.") and refers_indirectly("It leads onboarding.")
    assert not refers_indirectly("Chargemesh provides the roaming hub.")
