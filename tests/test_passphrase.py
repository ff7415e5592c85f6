"""The passphrase on a computer without a keyring, as a volunteer meets it: chosen once
with feedback as it is typed, asked at each start with the reason and what to do when
it is forgotten, and asked no more once the computer has a keyring. Real dialogs, real
files, real keys."""

import importlib
import pkgutil
from dataclasses import dataclass

import keyring
import pytest
from keyring.backends import fail
from PySide6.QtCore import QPoint, QRect, Qt, QTimer
from PySide6.QtWidgets import QAbstractButton, QApplication, QLabel, QLineEdit, QWidget

from app.keys import KeyProblem, open_encrypted
from app.paths import default_paths
from tests.a11y import cut_off_problems, small_targets, widget_problems
from tests.factories import MemoryKeyring
from tests.ui_helpers import start_shell, type_text
from ui import accessibility
from ui.app import make_application
from ui.passphrase import PassphraseDialog
from ui.style import apply_design
from ui.texts import keys as keys_texts

PHRASE = "Le vélo du club 1987"


@pytest.fixture
def no_keyring():
    keyring.set_keyring(fail.Keyring())


@pytest.fixture
def spoken(monkeypatch):
    """What screen readers were told."""
    said = []
    monkeypatch.setattr(accessibility, "_post", lambda event: said.append(event.message()))
    return said


def shown_dialog(qtbot, *args, scale: float = 1.0) -> PassphraseDialog:
    make_application([], scale)
    dialog = PassphraseDialog(*args)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.activateWindow()
    qtbot.waitUntil(dialog.isActiveWindow)
    return dialog


def everything_said(dialog: QWidget) -> list[str]:
    """Every text a user can see or hear in the dialog, apart from the fields' content."""
    found = [dialog.windowTitle()]
    for widget in [dialog, *dialog.findChildren(QWidget)]:
        found += [widget.accessibleName(), widget.accessibleDescription(), widget.toolTip()]
        if isinstance(widget, (QLabel, QAbstractButton)):
            found.append(widget.text())
    return found


def test_the_first_choice_is_checked_as_it_is_typed(qtbot, no_keyring):
    dialog = shown_dialog(qtbot, True)
    assert dialog.first.edit.echoMode() is QLineEdit.EchoMode.Password
    assert dialog.second.edit.echoMode() is QLineEdit.EchoMode.Password
    assert dialog.first_state.text() == "Encore 8 caractères."
    assert not dialog.confirm_button.isEnabled()
    type_text(qtbot, dialog.first.edit, "Le vél")
    assert dialog.first_state.text() == "Encore 2 caractères."
    assert dialog.confirm_button.accessibleDescription() == "Encore 2 caractères.", (
        "the reason the button cannot be pressed is said, not hidden"
    )
    qtbot.keyClicks(dialog.first.edit, "o")
    assert dialog.first_state.text() == "Encore 1 caractère."
    qtbot.keyClicks(dialog.first.edit, " du club 1987")
    assert dialog.first_state.text() == keys_texts.PASSPHRASE_LONG_ENOUGH
    assert not dialog.confirm_button.isEnabled(), "not before the second field matches"
    qtbot.keyClick(dialog.first.edit, Qt.Key.Key_Return)
    assert dialog.second.edit.hasFocus(), "Enter goes on to the second field"
    type_text(qtbot, dialog.second.edit, "Le vélo")
    assert dialog.second_state.text() == keys_texts.PASSPHRASE_NOT_YET_SAME
    qtbot.keyClicks(dialog.second.edit, " du CLUB")
    assert dialog.second_state.text() == keys_texts.PASSPHRASE_DIFFERENT
    assert not dialog.confirm_button.isEnabled()
    for _ in range(4):
        qtbot.keyClick(dialog.second.edit, Qt.Key.Key_Backspace)
    qtbot.keyClicks(dialog.second.edit, "club 1987")
    assert dialog.second_state.text() == keys_texts.PASSPHRASE_SAME
    assert dialog.confirm_button.isEnabled()
    with qtbot.waitSignal(dialog.accepted):
        qtbot.keyClick(dialog.second.edit, Qt.Key.Key_Return)
    assert dialog.passphrase() == "Le vélo du club 1987"


def test_the_choice_says_why_it_is_asked_and_what_a_keyring_changes(qtbot, no_keyring):
    dialog = shown_dialog(qtbot, True)
    words = " ".join(everything_said(dialog))
    assert "n'a pas de trousseau de mots de passe" in words
    assert "protège les noms des jeunes" in words
    assert "ne serait plus demandée à chaque démarrage" in words
    assert "gnome-keyring" in words and "KWallet" in words
    assert "coffre" not in words


def test_the_passphrase_is_never_shown_nor_spoken(qtbot, no_keyring, spoken):
    dialog = shown_dialog(qtbot, True)
    type_text(qtbot, dialog.first.edit, PHRASE)
    type_text(qtbot, dialog.second.edit, PHRASE[:-1] + "X")
    dialog.second.edit.backspace()
    type_text(qtbot, dialog.second.edit, PHRASE[-1])
    assert dialog.confirm_button.isEnabled()
    assert spoken, "the changes of state were announced"
    for text in everything_said(dialog) + spoken:
        for piece in ("vélo", "club 1987", PHRASE):
            assert piece not in text, f"the passphrase leaks through: {text!r}"


@dataclass
class Shown:
    """A passphrase dialog as the volunteer saw it, before answering (the program lets go
    of each dialog once answered)."""

    new: bool
    words: str
    error: str  # the error under the field, "" when none is shown


def answer(qtbot, *actions):
    """Answer the passphrase dialogs the program shows (each waits in its own exec), one
    action per dialog, in turn."""
    answered: list[PassphraseDialog] = []
    seen: list[Shown] = []

    def look() -> None:
        dialog = QApplication.activeModalWidget()
        if isinstance(dialog, PassphraseDialog) and dialog not in answered and dialog.isVisible():
            answered.append(dialog)
            error = dialog.first.error.text() if dialog.first.error.isVisibleTo(dialog) else ""
            seen.append(Shown(dialog.new, " ".join(everything_said(dialog)), error))
            actions[len(seen) - 1](dialog)
        if len(seen) < len(actions):
            QTimer.singleShot(10, look)

    QTimer.singleShot(0, look)
    return seen


def choose(qtbot, phrase):
    def act(dialog):
        type_text(qtbot, dialog.first.edit, phrase)
        type_text(qtbot, dialog.second.edit, phrase)
        qtbot.keyClick(dialog.second.edit, Qt.Key.Key_Return)

    return act


def give(qtbot, phrase):
    def act(dialog):
        type_text(qtbot, dialog.first.edit, phrase)
        qtbot.keyClick(dialog.first.edit, Qt.Key.Key_Return)

    return act


def stop(shell):
    shell.work_backups.stop()
    shell.window.release()


def test_without_a_keyring_the_start_asks_with_the_reason_and_the_help(qtbot, clock, no_keyring):
    seen = answer(qtbot, choose(qtbot, PHRASE))
    stop(start_shell(qtbot, clock))
    assert seen[0].new
    seen = answer(qtbot, give(qtbot, "pas la bonne phrase"), give(qtbot, PHRASE))
    shell = start_shell(qtbot, clock)
    first, second = seen
    assert not first.new and not first.error
    words = first.words
    assert "n'a pas de trousseau de mots de passe" in words
    assert keys_texts.PASSPHRASE_FORGOTTEN_TITLE in words
    assert "Une sauvegarde n'aide pas" in words, "a backup opens with the same phrase"
    assert "la personne qui a préparé cet ordinateur" in words
    assert second.error.endswith(keys_texts.KEY_PROBLEMS["wrong_passphrase"])
    assert shell.window.desk.club_profile() is None, "the data is open"
    stop(shell)


def test_once_the_computer_has_a_keyring_the_passphrase_is_asked_one_last_time(
    qtbot, clock, no_keyring
):
    paths = default_paths().create()
    conn, _ = open_encrypted(paths.database, paths.backups, PHRASE)
    conn.close()
    with pytest.raises(KeyProblem) as caught:
        open_encrypted(paths.database, paths.backups)
    assert not caught.value.details["remembered"]
    memory = MemoryKeyring()
    keyring.set_keyring(memory)  # gnome-keyring was installed
    seen = answer(qtbot, give(qtbot, PHRASE))
    stop(start_shell(qtbot, clock))
    words = seen[0].words
    assert keys_texts.KEYRING_NOW in words and "n'a pas de trousseau" not in words
    assert memory.secrets, "the keyring keeps the key now"
    conn, _ = open_encrypted(paths.database, paths.backups)  # no passphrase asked
    conn.close()
    keyring.set_keyring(fail.Keyring())  # the data still opens with the passphrase alone
    conn, _ = open_encrypted(paths.database, paths.backups, PHRASE)
    conn.close()
    assert all(PHRASE not in kept for kept in memory.secrets.values()), "the key, not the phrase"


def test_no_interface_word_speaks_of_a_secure_vault():
    package = importlib.import_module("ui.texts")
    values = [
        value
        for found in pkgutil.iter_modules(package.__path__)
        for value in vars(importlib.import_module(f"ui.texts.{found.name}")).values()
    ]
    strings = [v for v in values if isinstance(v, str)]
    strings += [v for d in values if isinstance(d, dict) for v in d.values()]
    assert not [s for s in strings if "coffre" in str(s)]


@pytest.mark.parametrize("scale", [1.0, 2.0])
@pytest.mark.parametrize("new", [True, False])
def test_both_dialogs_read_well_at_every_text_size(qtbot, no_keyring, scale, new):
    try:
        problem = "" if new else keys_texts.KEY_PROBLEMS["wrong_passphrase"]
        dialog = shown_dialog(qtbot, new, problem, scale=scale)
        assert dialog.width() >= 640 * scale or dialog.width() == dialog.screen().size().width()
        assert widget_problems(dialog) == []
        assert cut_off_problems(dialog) == []
        assert small_targets(dialog) == []
        bottom = dialog.confirm_button.mapTo(dialog, dialog.confirm_button.rect().bottomLeft())
        assert bottom.y() <= dialog.height(), "the buttons are in sight without scrolling"
        if scale == 1.0:
            qtbot.waitUntil(lambda: dialog.page.viewport().height() > 0)
            assert dialog.page.verticalScrollBar().maximum() == 0, "all in sight at 100 %"
    finally:
        apply_design(make_application([]), 1.0)


def in_sight(dialog: PassphraseDialog, widget: QWidget) -> bool:
    viewport = dialog.page.viewport()
    return viewport.rect().contains(QRect(widget.mapTo(viewport, QPoint(0, 0)), widget.size()))


def test_at_double_size_the_field_that_gets_the_focus_comes_into_sight(qtbot, no_keyring):
    try:
        dialog = shown_dialog(qtbot, True, scale=2.0)
        dialog.resize(1100, 720)  # the screen of a small laptop
        qtbot.waitUntil(lambda: dialog.page.viewport().height() < 640)
        type_text(qtbot, dialog.first.edit, PHRASE)
        qtbot.waitUntil(lambda: in_sight(dialog, dialog.first.edit))
        assert not in_sight(dialog, dialog.second_state), "below the fold at first"
        qtbot.keyClick(dialog.first.edit, Qt.Key.Key_Return)
        qtbot.waitUntil(lambda: in_sight(dialog, dialog.second_state))
        assert in_sight(dialog, dialog.second.edit) and in_sight(dialog, dialog.second.label)
    finally:
        apply_design(make_application([]), 1.0)


def test_a_forgotten_passphrase_gives_way_to_the_recovery_sheet(qtbot, clock, no_keyring):
    from app.keys import make_recovery_phrase
    from tests.test_recovery import answer as answer_any
    from tests.test_recovery import type_phrase

    paths = default_paths().create()
    conn, vault = open_encrypted(paths.database, paths.backups, PHRASE)
    sheet = make_recovery_phrase(conn, vault)
    conn.close()
    offered = []

    def use_the_sheet(dialog):
        offered.append(dialog.sheet_button.isVisibleTo(dialog) and dialog.sheet_button.text())
        dialog.sheet_button.click()

    renewed = "une nouvelle phrase du club"
    seen = answer_any(use_the_sheet, type_phrase(qtbot, sheet), choose(qtbot, renewed))
    shell = start_shell(qtbot, clock)
    (first_kind, _), (_, second), (third_kind, third) = seen
    assert first_kind is PassphraseDialog and offered == [keys_texts.PASSPHRASE_USE_SHEET]
    assert keys_texts.PASSPHRASE_LOST_WHY in second
    assert third_kind is PassphraseDialog and keys_texts.PASSPHRASE_NEW_TITLE in third
    assert shell.window.desk.club_profile() is None, "the data is open"
    stop(shell)
    with pytest.raises(KeyProblem) as caught:
        open_encrypted(paths.database, paths.backups, PHRASE)
    assert caught.value.reason == "wrong_passphrase", "the forgotten one opens no more"
    conn, _ = open_encrypted(paths.database, paths.backups, renewed)
    conn.close()
