"""The club's identity: SIRET and RNA checks, saved only when right."""

import pytest

from app.club import check_rna, check_siret, make_profile
from app.errors import FormError
from tests.factories import open_desk

VALID_SIRET = "73282932000074"


@pytest.mark.parametrize(
    ("typed", "expected", "reason"),
    [
        ("73282932000074", VALID_SIRET, None),
        ("732 829 320 00074", VALID_SIRET, None),
        ("732.829.320.00074", VALID_SIRET, None),
        ("732\u00a0829\u00a0320\u00a000074", VALID_SIRET, None),
        ("", "", "required"),
        ("7328293200007", "7328293200007", "siret_length"),
        ("732829320000745", "732829320000745", "siret_length"),
        ("73282932000075", "73282932000075", "siret_checksum"),
        ("7328293200007A", "7328293200007A", "siret_not_digits"),
    ],
)
def test_siret(typed, expected, reason):
    assert check_siret(typed) == (expected, reason)


@pytest.mark.parametrize(
    ("typed", "expected", "reason"),
    [
        ("W751234567", "W751234567", None),
        ("w751234567", "W751234567", None),
        ("W 751 234 567", "W751234567", None),
        ("751234567", "751234567", "rna_format"),
        ("W75123456", "W75123456", "rna_format"),
        ("W7512345678", "W7512345678", "rna_format"),
        ("", "", "required"),
    ],
)
def test_rna(typed, expected, reason):
    assert check_rna(typed) == (expected, reason)


def test_every_wrong_field_is_named_at_once():
    with pytest.raises(FormError) as caught:
        make_profile("   ", "123", "X", "f" * 200)
    assert caught.value.fields == {
        "name": "required",
        "siret": "siret_length",
        "rna": "rna_format",
        "federation": "too_long",
    }


def test_the_profile_survives_a_restart_and_can_be_changed():
    desk = open_desk(with_club=False)
    assert desk.club_profile() is None
    desk.save_club_profile("  US  Jeunesse\tBelleville ", "732 829 320 00074", "w751234567")
    desk.close()
    desk = open_desk(with_club=False)
    profile = desk.club_profile()
    assert profile.name == "US Jeunesse Belleville"
    assert profile.siret == VALID_SIRET
    assert profile.siret_display == "732 829 320 00074"
    desk.save_club_profile("US Belleville", VALID_SIRET, "W751234567", "Football")
    assert desk.club_profile().federation == "Football"
    desk.close()
