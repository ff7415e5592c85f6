"""The desk lock hides the screen after inactivity, never loses what was typed, and holds:
steady typing never locks, wrong PINs cost growing waits, and neither closing nor killing
the program while locked opens the desk."""

import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import keyring
from keyring.backends import fail
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QWheelEvent
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QLabel

from app.desk_lock import wait_after
from app.errors import FormError
from app.paths import default_paths
from app.settings import Settings
from tests.factories import VALID_SIRET, Clock, open_desk
from tests.screens import wait_until
from tests.ui_helpers import desk_opener, open_window, start_shell, type_text
from ui.app import make_application
from ui.desk_pages import ResultPage
from ui.records import FindPage
from ui.shell import Shell
from ui.texts import lock as lock_texts

ROOT = Path(__file__).resolve().parent.parent
PIN = "2468"
PHRASE = "Le vélo rouge du club"


def locked_desk(qtbot, clock, minutes: int = 1) -> Shell:
    """The program started over a club whose desk locks after ``minutes`` without use;
    its countdown is looked at every few milliseconds (on the test's clock)."""
    if not default_paths().database.exists():
        desk = open_desk(clock)
        desk.set_lock(PIN, minutes)
        desk.close()
    shell = start_shell(qtbot, clock)
    window = shell.window
    window.desk_lock.tick.setInterval(10)
    window.show()
    window.activateWindow()
    qtbot.waitUntil(lambda: _focus_in(window))
    return shell


def _focus_in(window) -> bool:
    focus = QApplication.focusWidget()
    return focus is not None and focus.window() is window


def stop(shell: Shell) -> None:
    """The program gone without closing its window (as when it is killed)."""
    shell.work_backups.stop()
    shell.window.release()
    shell.window.hide()


def later(qtbot, window, clock, seconds: float) -> None:
    """Time passes on the desk's clock; the lock looks at it at least once."""
    clock.now += timedelta(seconds=seconds)
    with qtbot.waitSignal(window.desk_lock.tick.timeout):
        pass


def type_pin(qtbot, window, pin: str) -> str:
    """Type a PIN at the locked desk and press Enter; what the field says after."""
    edit = window.desk_lock.overlay.pin.edit
    assert QApplication.focusWidget() is edit
    qtbot.keyClicks(edit, pin)
    qtbot.keyClick(edit, Qt.Key.Key_Return)
    return window.desk_lock.overlay.pin.error.text()


def test_steady_typing_through_a_registration_never_locks_and_a_pause_does(qtbot, clock):
    shell = locked_desk(qtbot, clock)
    window = shell.window
    keys = [Qt.Key.Key_F2, *"25abcdefgh", *"Martin", Qt.Key.Key_Tab, *"Léa", Qt.Key.Key_Tab]
    keys += [*"15032012", Qt.Key.Key_Return, Qt.Key.Key_Return]
    for key in keys:  # 40 seconds between keys: 22 minutes of typing a one-minute lock
        if isinstance(key, str):
            type_text(qtbot, QApplication.focusWidget(), key)
        else:
            qtbot.keyClick(QApplication.focusWidget(), key)
        later(qtbot, window, clock, 40)
        assert not window.desk_lock.locked, f"locked while typing, after {key!r}"
    result = window.stack.currentWidget()
    assert isinstance(result, ResultPage) and "Enregistré" in result.text()
    assert [v.first_name for v in window.desk.find("")] == ["Léa"]
    focus = QApplication.focusWidget()

    later(qtbot, window, clock, 21)  # one minute since the last key
    assert window.desk_lock.locked
    assert not window.centralWidget().isEnabled()
    assert QApplication.focusWidget() is window.desk_lock.overlay.pin.edit
    assert type_pin(qtbot, window, PIN) == ""
    assert not window.desk_lock.locked
    assert window.stack.currentWidget() is result and QApplication.focusWidget() is focus
    later(qtbot, window, clock, 59)
    assert not window.desk_lock.locked, "the countdown starts again after unlocking"
    stop(shell)


def test_clicks_and_the_wheel_in_screens_opened_later_count_as_use(qtbot, clock):
    shell = locked_desk(qtbot, clock)
    window = shell.window
    window.find()  # a screen made after the lock started watching
    page = window.stack.currentWidget()
    assert isinstance(page, FindPage)
    later(qtbot, window, clock, 50)
    qtbot.mouseClick(page.query.edit, Qt.MouseButton.LeftButton)
    later(qtbot, window, clock, 50)
    assert not window.desk_lock.locked, "a click is use"
    target = page.viewport()
    centre = QPointF(target.rect().center())
    wheel = QWheelEvent(
        centre,
        QPointF(target.mapToGlobal(centre)),
        QPoint(),
        QPoint(0, -120),
        Qt.MouseButton.NoButton,
        Qt.KeyboardModifier.NoModifier,
        Qt.ScrollPhase.NoScrollPhase,
        False,
    )
    QApplication.sendEvent(target, wheel)
    later(qtbot, window, clock, 50)
    assert not window.desk_lock.locked, "the wheel is use"
    later(qtbot, window, clock, 10)
    assert window.desk_lock.locked
    stop(shell)


def test_the_locked_desk_ignores_the_shortcuts_that_would_leave_the_screen(qtbot, clock):
    shell = locked_desk(qtbot, clock)
    window = shell.window
    window.start_validation()
    page = window.stack.currentWidget()
    qtbot.keyClicks(page.code.edit, "25ABC")
    later(qtbot, window, clock, 61)
    assert window.desk_lock.locked
    edit = window.desk_lock.overlay.pin.edit
    for key in (Qt.Key.Key_Escape, Qt.Key.Key_F2, Qt.Key.Key_F3):
        qtbot.keyClick(edit, key)
    assert window.stack.currentWidget() is page and page.code.text() == "25-ABC"
    assert QApplication.focusWidget() is edit
    stop(shell)


def test_wrong_pins_cost_growing_waits_that_a_restart_keeps(qtbot, clock):
    shell = locked_desk(qtbot, clock)
    window = shell.window
    later(qtbot, window, clock, 61)
    assert window.desk_lock.locked
    for left in (4, 3, 2, 1):
        assert type_pin(qtbot, window, "1111") == f"✖ {lock_texts.lock_wrong(left, 0)}"
    said = type_pin(qtbot, window, "1357")
    assert said == "✖ Ce code ne convient pas. Trop d'essais à la suite : attendez 30 secondes."
    wait = window.desk_lock.overlay.wait
    assert wait.isVisible() and wait.text() == "Vous pourrez taper le code dans 30 secondes."
    later(qtbot, window, clock, 12)
    assert wait.text() == "Vous pourrez taper le code dans 18 secondes.", "the time left, live"
    said = type_pin(qtbot, window, PIN)
    assert window.desk_lock.locked, "even the right PIN waits"
    assert said == "✖ Vous pourrez taper le code dans 18 secondes."
    stop(shell)

    shell = locked_desk(qtbot, clock)  # the program started again
    window = shell.window
    assert window.desk_lock.locked
    assert window.desk_lock.overlay.wait.text() == "Vous pourrez taper le code dans 18 secondes."
    later(qtbot, window, clock, 18)
    assert not window.desk_lock.overlay.wait.isVisible()
    waited = []
    for seconds in (60, 300, 900, 900):  # each wrong PIN waited out, then another
        said = type_pin(qtbot, window, "9999")
        waited.append(window.desk_lock.overlay.wait.text())
        later(qtbot, window, clock, seconds)
    assert waited == [
        "Vous pourrez taper le code dans 1 minute.",
        "Vous pourrez taper le code dans 5 minutes.",
        "Vous pourrez taper le code dans 15 minutes.",
        "Vous pourrez taper le code dans 15 minutes.",
    ], "longer each time, never more than a quarter of an hour"
    assert type_pin(qtbot, window, PIN) == ""
    assert not window.desk_lock.locked
    later(qtbot, window, clock, 61)
    assert window.desk_lock.locked
    assert type_pin(qtbot, window, "1111") == f"✖ {lock_texts.lock_wrong(4, 0)}", "counted afresh"
    stop(shell)


def test_closing_the_window_while_locked_is_refused_with_the_reason(qtbot, clock):
    shell = locked_desk(qtbot, clock)
    window = shell.window
    later(qtbot, window, clock, 61)
    assert window.desk_lock.locked
    window.close()  # the window's cross, or Alt+F4
    assert window.isVisible()
    notice = window.desk_lock.overlay.notice
    assert notice.isVisible() and notice.text() == lock_texts.LOCK_NO_CLOSE
    assert QApplication.focusWidget() is window.desk_lock.overlay.pin.edit
    type_pin(qtbot, window, PIN)
    window.close()
    qtbot.waitUntil(lambda: not window.isVisible(), timeout=10_000)
    window.release()


def locked_child() -> None:
    """Run as a process of its own by the test below: the program over the test's folder,
    left alone until its desk locks; then it waits, locked, to be killed."""
    keyring.set_keyring(fail.Keyring())
    clock = Clock()
    make_application([])
    paths = default_paths().create()
    opener = desk_opener(clock)
    shell = Shell(paths, Settings(paths.settings_file), lambda _asked: opener(PHRASE))
    assert shell.open()
    window = shell.window
    window.desk_lock.tick.setInterval(10)
    window.show()
    window.start_validation()
    QTest.keyClicks(window.stack.currentWidget().code.edit, "25ABCD")
    clock.now += timedelta(minutes=6)  # the lock is set at 5
    wait_until(lambda: window.desk_lock.locked, 10_000)
    print("locked", flush=True)
    sys.stdin.read()


def test_a_program_killed_while_locked_starts_locked(qtbot, clock, home):
    keyring.set_keyring(fail.Keyring())  # a passphrase: both processes can open the data
    paths = default_paths().create()
    desk = desk_opener(clock)(PHRASE)
    desk.save_club_profile("Étoile sportive d'Hérouville", VALID_SIRET, "W751234567")
    desk.set_lock(PIN, 5)
    desk.close()
    child = subprocess.Popen(
        [sys.executable, "-c", "from tests.test_lock import locked_child; locked_child()"],
        cwd=ROOT,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert child.stdout.readline().strip() == "locked"
    finally:
        child.kill()  # SIGKILL: nothing of the program's own runs after this
        child.wait()
        child.stdin.close()
        child.stdout.close()

    desk = desk_opener(clock)(PHRASE)
    try:
        window = open_window(qtbot, desk, settings=Settings(paths.settings_file))
        assert window.desk_lock.locked, "started locked"
        assert not window.centralWidget().isEnabled()
        assert QApplication.focusWidget() is window.desk_lock.overlay.pin.edit
        assert type_pin(qtbot, window, PIN) == ""
        assert not window.desk_lock.locked
        assert Settings(paths.settings_file).get("lock_locked") is False
    finally:
        window.close_now()
        desk.close()


def test_the_waits_grow_then_stay_at_a_quarter_of_an_hour():
    assert [wait_after(n) for n in range(12)] == [0] * 5 + [30, 60, 300] + [900] * 4


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


def test_a_forgotten_pin_gives_way_to_the_recovery_sheet(qtbot, clock):
    desk = open_desk(clock)
    desk.set_lock(PIN, 1)
    phrase = desk.new_recovery_phrase()  # printed at set-up
    desk.close()
    shell = locked_desk(qtbot, clock)
    window = shell.window
    later(qtbot, window, clock, 61)
    assert window.desk_lock.locked
    overlay = window.desk_lock.overlay
    assert lock_texts.LOCK_FORGOTTEN in [label.text() for label in overlay.findChildren(QLabel)]
    wrong = "ABCD " * 7 + "ABCD"  # the shape of a phrase, not the club's
    assert type_pin(qtbot, window, wrong) == f"✖ {lock_texts.lock_wrong(4, 0)}"
    spaced = " ".join(phrase[i : i + 4] for i in range(0, len(phrase), 4)).lower()
    assert type_pin(qtbot, window, spaced) == ""  # as read on the sheet, any case
    assert not window.desk_lock.locked
    stop(shell)
