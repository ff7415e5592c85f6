"""The main window, driven through its widgets with the keyboard."""

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from tests.factories import VALID_SIRET, open_desk
from tests.ui_helpers import open_window, type_text
from ui.club_form import ClubForm
from ui.home import HomePage
from ui.recovery_sheet import RecoverySheetPage


@pytest.fixture
def desk():
    d = open_desk(with_club=False)
    yield d
    d.close()


def type_into(qtbot, widget, text):
    widget.setFocus()
    qtbot.keyClicks(widget, text)


def test_first_start_asks_for_the_club_and_explains_each_error(qtbot, desk):
    window = open_window(qtbot, desk)
    form = window.stack.currentWidget()
    assert isinstance(form, ClubForm)
    assert "Bienvenue" in form.title.text()
    assert not window.home_button.isVisible(), "there is no home before the club exists"
    assert QApplication.focusWidget() is form.fields["name"].edit

    type_text(qtbot, form.fields["name"].edit, "Étoile sportive d'Hérouville")
    type_into(qtbot, form.fields["siret"].edit, "732 829 320 00075")
    type_into(qtbot, form.fields["rna"].edit, "W12345")
    qtbot.keyClick(form.fields["rna"].edit, Qt.Key.Key_Return)

    assert window.stack.currentWidget() is form, "nothing is saved while a field is wrong"
    assert form.fields["siret"].error.isVisible()
    assert "mal tapé" in form.fields["siret"].error.text()
    assert "W suivi" in form.fields["rna"].error.text() or "W751234567" in (
        form.fields["rna"].error.text()
    )
    assert not form.fields["name"].error.isVisible()
    assert QApplication.focusWidget() is form.fields["siret"].edit, "focus goes to the first error"
    assert desk.club_profile() is None

    form.fields["siret"].edit.clear()
    qtbot.keyClicks(form.fields["siret"].edit, VALID_SIRET)
    form.fields["rna"].edit.clear()
    type_into(qtbot, form.fields["rna"].edit, "w751234567")
    qtbot.keyClick(form.fields["rna"].edit, Qt.Key.Key_Return)

    # The last step of setting up: the recovery sheet, made with one key press.
    sheet = window.stack.currentWidget()
    assert isinstance(sheet, RecoverySheetPage)
    assert window.message.isVisible() and "enregistré" in window.message.text()
    assert "feuille de secours" in window.message.text()
    assert window.club_label.text() == "Étoile sportive d'Hérouville"
    assert desk.club_profile().rna == "W751234567"
    assert QApplication.focusWidget() is sheet.make_button
    qtbot.keyClick(sheet.make_button, Qt.Key.Key_Return)
    assert desk.has_recovery_phrase() and QApplication.focusWidget() is sheet.print_button
    qtbot.keyClick(sheet.print_button, Qt.Key.Key_Escape)
    assert isinstance(window.stack.currentWidget(), HomePage)


def test_home_offers_only_tasks_that_work_and_escape_leads_back(qtbot, desk):
    desk.save_club_profile("Club", VALID_SIRET, "W751234567")
    window = open_window(qtbot, desk)
    home = window.stack.currentWidget()
    assert isinstance(home, HomePage)
    assert list(home.buttons) == ["validate", "find", "treasurer", "forum", "admin"]
    assert all(b.height() >= 48 for b in home.buttons.values())
    assert QApplication.focusWidget() is home.buttons["validate"]

    for _ in range(4):
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is home.buttons["admin"]
    qtbot.keyClick(home.buttons["admin"], Qt.Key.Key_Return)
    admin = window.stack.currentWidget()
    assert list(admin.buttons) == ["club", "enrol", "lock", "seasons", "display", "about"]
    assert QApplication.focusWidget() is admin.buttons["club"]
    qtbot.keyClick(admin.buttons["club"], Qt.Key.Key_Return)
    form = window.stack.currentWidget()
    assert isinstance(form, ClubForm)
    assert form.fields["siret"].text() == "732 829 320 00074"
    assert window.home_button.isVisible()

    qtbot.keyClick(form.fields["name"].edit, Qt.Key.Key_Escape)
    assert window.stack.currentWidget() is home


def test_the_status_area_says_what_waits_to_be_sent(qtbot, desk):
    desk.save_club_profile("Club", VALID_SIRET, "W751234567")
    window = open_window(qtbot, desk)
    assert window.status.pending.text() == "Aucune inscription à envoyer."
    assert "compte national" in window.status.connection.text()


def test_the_window_carries_the_programs_own_icon(qtbot, desk):
    window = open_window(qtbot, desk)
    assert not window.windowIcon().isNull()
    assert not window.windowIcon().pixmap(64, 64).toImage().isNull()
    assert QApplication.desktopFileName() == "passsport-club"  # the installed desktop entry
