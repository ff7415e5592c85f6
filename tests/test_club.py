"""The club's identity: SIRET and RNA checks, saved only when right; an association of
Alsace-Moselle under local law has no RNA number."""

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from app.club import LOCAL_LAW, check_rna, check_siret, make_profile
from app.errors import FormError
from tests.factories import open_desk
from tests.ui_helpers import open_window
from ui.club_form import ClubForm
from ui.recovery_sheet import RecoverySheetPage

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
        # Corsica: the department is 2A or 2B.
        ("W2A1002345", "W2A1002345", None),
        ("w2b 200 456 7", "W2B2004567", None),
        ("W2C1002345", "W2C1002345", "rna_format"),
        ("W2A100234", "W2A100234", "rna_format"),
        ("WA21002345", "WA21002345", "rna_format"),
        ("", "", "rna_required"),
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


def test_an_association_under_local_law_has_no_rna_number():
    profile = make_profile("SC Sarreguemines", VALID_SIRET, LOCAL_LAW)
    assert profile.rna == "" and profile.local_law
    assert not make_profile("US Ajaccio", VALID_SIRET, "W2A1002345").local_law
    with pytest.raises(FormError) as caught:
        make_profile("SC Sarreguemines", VALID_SIRET, "")
    assert caught.value.fields == {"rna": "rna_required"}


def test_the_form_takes_a_corsican_number_and_the_local_law_box(qtbot):
    desk = open_desk(with_club=False)
    try:
        window = open_window(qtbot, desk)
        form = window.stack.currentWidget()
        assert isinstance(form, ClubForm)
        form.fields["name"].edit.setText("SC Sarreguemines")
        form.fields["siret"].edit.setText(VALID_SIRET)
        qtbot.keyClick(form.fields["rna"].edit, Qt.Key.Key_Return)
        error = form.fields["rna"].error
        assert error.isVisible() and "droit local" in error.text(), "the way out is said"
        assert QApplication.focusWidget() is form.fields["rna"].edit

        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
        assert QApplication.focusWidget() is form.local_law, "the box comes right after"
        qtbot.keyClick(form.local_law, Qt.Key.Key_Space)
        assert not form.fields["rna"].edit.isEnabled() and not error.isVisible()
        qtbot.mouseClick(form.save_button, Qt.MouseButton.LeftButton)
        assert isinstance(window.stack.currentWidget(), RecoverySheetPage)  # set-up's end
        assert desk.club_profile().rna == "" and desk.club_profile().local_law

        window.edit_club()
        form = window.stack.currentWidget()
        assert form.local_law.isChecked() and not form.fields["rna"].edit.isEnabled()
        qtbot.keyClick(form.local_law, Qt.Key.Key_Space)  # in fact, in Corsica
        form.fields["rna"].edit.setText("w2b2004567")
        qtbot.keyClick(form.fields["rna"].edit, Qt.Key.Key_Return)
        assert desk.club_profile().rna == "W2B2004567" and not desk.club_profile().local_law
    finally:
        desk.close()
