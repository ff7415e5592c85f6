"""The desk lock hides the screen after inactivity and never loses what was typed."""

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from app.errors import FormError
from tests.ui_helpers import open_window


def test_the_lock_hides_the_screen_and_gives_it_back_as_it_was(qtbot, desk):
    desk.set_lock("2468", 5)
    window = open_window(qtbot, desk)
    window.start_validation()
    page = window.stack.currentWidget()
    qtbot.keyClicks(page.code.edit, "25ABC")
    window.desk_lock.lock()
    assert window.desk_lock.locked
    assert not window.stack.isEnabled() or not window.centralWidget().isEnabled()
    assert QApplication.focusWidget() is window.desk_lock.overlay.pin.edit

    qtbot.keyClicks(window.desk_lock.overlay.pin.edit, "1111")
    qtbot.keyClick(window.desk_lock.overlay.pin.edit, Qt.Key.Key_Return)
    assert window.desk_lock.locked
    assert "ne convient pas" in window.desk_lock.overlay.pin.error.text()

    qtbot.keyClicks(window.desk_lock.overlay.pin.edit, "2468")
    qtbot.keyClick(window.desk_lock.overlay.pin.edit, Qt.Key.Key_Return)
    assert not window.desk_lock.locked
    assert page.code.text() == "25-ABC", "what was typed is still there"
    assert QApplication.focusWidget() is page.code.edit


def test_only_the_pin_hash_is_kept(desk):
    desk.set_lock("97531", 10)
    stored = desk._conn.execute("SELECT value FROM meta WHERE key = 'lock_pin'").fetchone()[0]
    assert "97531" not in stored
    assert desk.pin_matches("97531") and not desk.pin_matches("97532")
    assert desk.lock_minutes() == 10
    desk.clear_lock()
    assert desk.lock_minutes() is None


def test_a_pin_must_be_four_to_eight_digits(desk):
    for pin in ("123", "123456789", "12a4", ""):
        try:
            desk.set_lock(pin, 5)
        except FormError as error:
            assert error.fields == {"pin": "pin_format"}
        else:
            raise AssertionError(f"{pin!r} was accepted")
