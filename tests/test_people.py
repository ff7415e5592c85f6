"""What the desk accepts as a name, a birth date or an amount, and what it explains."""

import unicodedata
from datetime import date

import pytest

from app.people import clean_name, parse_birth_date, parse_money, same_name

TODAY = date(2025, 10, 15)


@pytest.mark.parametrize(
    ("typed", "kept", "reason"),
    [
        ("Lefèvre", "Lefèvre", None),
        ("  N'Diaye  ", "N'Diaye", None),
        ("N’Diaye", "N'Diaye", None),  # typographic apostrophe
        ("Saint–Exupéry", "Saint-Exupéry", None),  # en dash
        ("Jean-Pierre", "Jean-Pierre", None),
        ("Ngũgĩ", "Ngũgĩ", None),
        ("Ørsted", "Ørsted", None),
        ("Łukasz", "Łukasz", None),
        ("Zoë\u00a0Marie", "Zoë Marie", None),  # non-breaking space
        ("Anne\tMarie\n", "Anne Marie", None),  # pasted tab and line break
        ("", "", "required"),
        ("   ", "", "required"),
        ("Martin😀", "Martin😀", "name_character"),
        ("Martin3", "Martin3", "name_character"),
        ("'-.", "'-.", "name_character"),
        ("Mar\u0000tin", "Mar\u0000tin", "control_character"),
        ("Mar\u200btin", "Mar\u200btin", "control_character"),  # zero-width space
    ],
)
def test_names(typed, kept, reason):
    assert clean_name(typed) == (kept, reason)


def test_a_ten_thousand_character_name_is_refused_with_the_limit():
    kept, reason = clean_name("a" * 10_000)
    assert reason == "too_long" and len(kept) == 60


def test_accents_typed_in_either_unicode_form_are_the_same_name():
    composed = unicodedata.normalize("NFC", "Hélène Lefèvre")
    decomposed = unicodedata.normalize("NFD", "Hélène Lefèvre")
    assert composed != decomposed
    assert clean_name(decomposed)[0] == composed
    assert same_name(composed, decomposed)
    assert same_name("LEFEVRE  helene", "Lefèvre Hélène")


@pytest.mark.parametrize(
    ("typed", "expected", "reason"),
    [
        ("15032012", date(2012, 3, 15), None),
        ("15/03/2012", date(2012, 3, 15), None),
        ("5/3/2012", date(2012, 3, 5), None),
        ("15.03.2012", date(2012, 3, 15), None),
        ("15-03-2012", date(2012, 3, 15), None),
        (" 15 / 03 / 2012 ", date(2012, 3, 15), None),
        ("29/02/2012", date(2012, 2, 29), None),
        ("29/02/2013", None, "date_not_in_calendar"),
        ("31/04/2012", None, "date_not_in_calendar"),
        ("00/01/2012", None, "date_not_in_calendar"),
        ("16/10/2025", None, "date_future"),
        ("2012-03-15", None, "date_format"),
        ("15/03/12", None, "date_format"),
        ("quinze mars", None, "date_format"),
        ("", None, "required"),
    ],
)
def test_birth_dates(typed, expected, reason):
    assert parse_birth_date(typed, TODAY) == (expected, reason)


@pytest.mark.parametrize(
    ("typed", "cents", "reason"),
    [
        ("150", 15000, None),
        ("150,5", 15050, None),
        ("150,50 €", 15050, None),
        ("1 250", 125000, None),
        ("", None, None),
        ("cent", None, "money_format"),
        ("-20", None, "money_format"),
        ("99999999", None, "money_format"),
        ("20000", None, "money_too_large"),
    ],
)
def test_amounts(typed, cents, reason):
    assert parse_money(typed) == (cents, reason)
