"""Partner CSVs: reading (delimiters, BOM, quoting, money, dates), column mapping, bad rows, and
matching the rows to a canvas's actors by name and alias."""

from __future__ import annotations

from datetime import date

import pytest

from ecocanvas.canvas.model import Actor, Canvas
from ecocanvas.canvas.partners import (
    Money,
    PartnerRecord,
    auto_mapping,
    match_partners,
    money_text,
    parse_money,
    read_partner_csv,
)
from ecocanvas.errors import InputError, InvalidFieldsError


@pytest.mark.parametrize(
    ("text", "amount", "currency"),
    [
        ("€2.4m annual revenue share", 2_400_000, "EUR"),
        ("USD 250k", 250_000, "USD"),
        ("1.200.000,50 EUR", 1_200_000.5, "EUR"),
        ("1,200,000", 1_200_000, None),
        ("$1.5 million in licence fees", 1_500_000, "USD"),
        ("£300k", 300_000, "GBP"),
        ("1 250 000 SEK", 1_250_000, "SEK"),
        ("12,5", 12.5, None),
    ],
)
def test_money_amounts_are_read_with_scale_and_currency(text: str, amount: float, currency: str | None) -> None:
    assert parse_money(text) == Money(amount=amount, currency=currency)


@pytest.mark.parametrize("text", ["15% of net sales", "renewed in 2025", "merchant data", ""])
def test_percentages_years_and_words_are_not_money(text: str) -> None:
    assert parse_money(text) is None


def test_money_text_is_short() -> None:
    assert money_text(Money(amount=1_200_000, currency="EUR")) == "€1.2M"
    assert money_text(Money(amount=250_000, currency="SEK")) == "SEK 250k"
    assert money_text(Money(amount=950, currency=None)) == "950"


def test_common_headers_map_themselves() -> None:
    headers = ["Partner Name", "Partner Tier", "Co-sell pipeline", "ARR", "Shared accounts", "Contract end date", "X"]
    assert auto_mapping(headers) == {
        "Partner Name": "name",
        "Partner Tier": "tier",
        "Co-sell pipeline": "pipeline",
        "ARR": "revenue",
        "Shared accounts": "overlapping_accounts",
        "Contract end date": "contract_end",
        "X": "-",
    }


def test_semicolon_file_with_a_bom_and_quoted_fields() -> None:
    data = (
        "\ufeffPartner;Tier;Pipeline;Revenue;Contract end;Aliases\r\n"
        '"Brenmark Bank; Retail";Gold;"€1.200.000";"300.000 EUR";30/06/2026;"BB|Brenmark"\r\n'
        '"Volta ""Grid""";Silver;250k;;2027-01-30;\r\n'
    ).encode("utf-8")
    table = read_partner_csv(data)
    assert table.delimiter == ";"
    first, second = table.records
    assert first == PartnerRecord(
        row=1,
        name="Brenmark Bank; Retail",
        aliases=["BB", "Brenmark"],
        tier="Gold",
        pipeline=Money(amount=1_200_000, currency="EUR"),
        revenue=Money(amount=300_000, currency="EUR"),
        contract_end=date(2026, 6, 30),
    )
    assert (second.name, second.pipeline, second.revenue) == ('Volta "Grid"', Money(amount=250_000), None)


def test_a_quoted_cell_may_span_lines() -> None:
    table = read_partner_csv('name,tier\n"Nordhavn\nHarbour",Gold\nVolta,Silver\n')
    assert [(r.row, r.name) for r in table.records] == [(1, "Nordhavn\nHarbour"), (2, "Volta")]


def test_the_users_mapping_overrides_the_automatic_one() -> None:
    data = "Account,Partner,Value,Level\nBrenmark Bank,ignored,€5k,Gold\n"
    table = read_partner_csv(data, {"Account": "name", "value": "revenue", "Level": "tier"})
    assert table.columns == {"Account": "name", "Partner": "-", "Value": "revenue", "Level": "tier"}
    (record,) = table.records
    assert (record.name, record.revenue, record.tier) == ("Brenmark Bank", Money(amount=5000, currency="EUR"), "Gold")


def test_a_mapping_to_an_unknown_column_or_field_is_refused() -> None:
    with pytest.raises(InputError, match="no column 'Acount'"):
        read_partner_csv("Account,Tier\nA,Gold\n", {"Acount": "name"})
    with pytest.raises(InputError, match="unknown field 'tierr'"):
        read_partner_csv("Account,Tier\nA,Gold\n", {"Account": "name", "Tier": "tierr"})


def test_without_a_name_column_the_file_is_refused_with_its_columns() -> None:
    with pytest.raises(InputError, match=r"no column names the partner.*Account, Tier"):
        read_partner_csv("Account,Tier\nA,Gold\n")


def test_every_bad_row_is_reported_and_none_is_returned() -> None:
    data = (
        "name,revenue,contract end,overlap\nGood Co,1000,2026-01-01,3\nBad Co,lots,2026-13-01,2.5\n,5,,\n"
        "Good Co,1,,\nLong,1,,,extra\n"
    )
    with pytest.raises(InvalidFieldsError) as caught:
        read_partner_csv(data)
    errors = [(e["loc"], e["msg"]) for e in caught.value.fields]
    locs = [loc for loc, _ in errors]
    assert locs == [
        ["row", 2, "revenue"],
        ["row", 2, "contract end"],
        ["row", 2, "overlap"],
        ["row", 3, "name"],
        ["row", 4, "name"],
        ["row", 5],
    ]
    messages = dict((tuple(loc), msg) for loc, msg in errors)
    assert "'lots' is not an amount" in messages[("row", 2, "revenue")]
    assert "repeats the partner of row 1" in messages[("row", 4, "name")]
    assert "has 5 cells but the header has 4 columns" in messages[("row", 5)]
    assert str(caught.value).startswith("nothing was imported: row 2, column 'revenue'")


@pytest.mark.parametrize("cell", ["5 apples", "about 5k", "5k-ish", "1.2.3"])
def test_a_money_cell_must_be_an_amount_and_nothing_else(cell: str) -> None:
    with pytest.raises(InvalidFieldsError, match="is not an amount"):
        read_partner_csv(f"name,revenue\nAcme,{cell}\n")


def test_a_year_like_money_cell_is_an_amount() -> None:
    (record,) = read_partner_csv("name,revenue\nAcme,2025\n").records
    assert record.revenue == Money(amount=2025)


def test_empty_and_header_only_files_are_refused() -> None:
    with pytest.raises(InputError, match="empty"):
        read_partner_csv(b"")
    with pytest.raises(InputError, match="no partner rows"):
        read_partner_csv("name,tier\n\n")


def _canvas() -> Canvas:
    return Canvas(
        actors=[
            Actor(id="bank", name="Brenmark Bank", aliases=["BB"], kind="partner"),
            Actor(id="volta", name="Volta Grid Ltd", kind="partner"),
            Actor(id="old", name="Harbour Mobility", kind="partner", status="rejected"),
            Actor(id="nhm", name="Nordhavn Harbour Mobility", aliases=["NHM"], kind="partner"),
        ]
    )


def _rec(row: int, name: str, aliases: list[str] | None = None) -> PartnerRecord:
    return PartnerRecord(row=row, name=name, aliases=aliases or [])


def test_rows_match_actors_by_name_alias_and_without_legal_suffixes() -> None:
    records = [_rec(1, "brenmark bank"), _rec(2, "Volta Grid"), _rec(3, "N.H.M.", ["NHM"])]
    match = match_partners(_canvas(), records)
    assert [(m.actor_id, m.how) for m in match.matched] == [("bank", "name"), ("volta", "name"), ("nhm", "alias")]
    assert match.unmatched == []


def test_the_csvs_alias_column_matches_an_actors_alias() -> None:
    (m,) = match_partners(_canvas(), [_rec(1, "Brenmark Banking Group", ["BB"])]).matched
    assert (m.actor_id, m.how) == ("bank", "alias")


def test_unmatched_rows_come_with_candidates_and_rejected_actors_are_not_matched() -> None:
    match = match_partners(_canvas(), [_rec(1, "Harbour Mobility"), _rec(2, "Zephyr Labs")])
    first, second = match.unmatched
    assert first.reason == "no actor of the canvas has this name or alias"
    assert [c.actor_id for c in first.candidates] == ["nhm"]
    assert second.candidates == []


def test_a_persons_decision_maps_or_skips_a_row() -> None:
    records = [_rec(1, "Harbour Mobility"), _rec(2, "Zephyr Labs"), _rec(3, "Brenmark Bank")]
    decisions: dict[str, str | None] = {"harbour mobility": "nhm", "zephyr labs": None, "brenmark bank": "gone"}
    match = match_partners(_canvas(), records, decisions)
    assert [(m.actor_id, m.how) for m in match.matched] == [("nhm", "decision"), ("bank", "name")]
    assert [r.row for r in match.skipped] == [2]


def test_two_rows_for_one_actor_send_the_second_to_review() -> None:
    match = match_partners(_canvas(), [_rec(1, "Brenmark Bank"), _rec(2, "BB Payments", ["BB"])])
    assert [m.record.row for m in match.matched] == [1]
    (second,) = match.unmatched
    assert second.reason == "row 1 is already matched to this actor"
