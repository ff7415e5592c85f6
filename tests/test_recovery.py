"""The day the key is lost, as a club meets it: the program says which of the two things
happened, the recovery sheet printed beforehand opens the data and its backups, a wrong
phrase is refused in plain words, and a damaged file offers the backups instead of a
first start. Real dialogs, real files, real PDFs read back with pdftotext."""

import shutil
import subprocess
from datetime import UTC, datetime

import keyring
import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QDialog, QLabel, QPushButton

from app.backups import latest_good, make_backup, restore
from app.desk import Desk
from app.keys import RecoveryPhrase, open_encrypted
from app.paths import default_paths
from app.seasons import load_seasons
from app.settings import Settings
from tests.a11y import cut_off_problems, small_targets, widget_problems
from tests.factories import Clock, open_desk
from tests.test_keys import LockableKeyring, register
from tests.ui_helpers import PdfPrinters, desk_opener, open_window, start_shell, type_text
from ui.app import make_application
from ui.passphrase import PassphraseDialog
from ui.recovery import RecoveryDialog
from ui.recovery_sheet import RecoverySheetPage, SheetInput, write_sheet_pdf
from ui.settings_page import SettingsPage
from ui.shell import Shell
from ui.style import apply_design
from ui.texts import backups as backups_texts
from ui.texts import keys as keys_texts

needs_pdftotext = pytest.mark.skipif(not shutil.which("pdftotext"), reason="needs pdftotext")


def pdf_text(path) -> str:
    result = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    )
    return " ".join(result.stdout.split())


def words_of(dialog: QDialog) -> str:
    found = [label.text() for label in dialog.findChildren(QLabel) if label.isVisibleTo(dialog)]
    return " ".join(" ".join(found).split())


def answer(*actions):
    """Answer the key dialogs the program shows (each waits in its own exec), one action
    per dialog, in turn; returns what each dialog said."""
    answered: list[QDialog] = []
    seen: list[tuple[type, str]] = []

    def look() -> None:
        dialog = QApplication.activeModalWidget()
        if (
            isinstance(dialog, (RecoveryDialog, PassphraseDialog))
            and dialog not in answered
            and dialog.isVisible()
        ):
            answered.append(dialog)
            seen.append((type(dialog), words_of(dialog)))
            actions[len(seen) - 1](dialog)
        if len(seen) < len(actions):
            QTimer.singleShot(10, look)

    QTimer.singleShot(0, look)
    return seen


def type_phrase(qtbot, phrase):
    def act(dialog):
        type_text(qtbot, dialog.field.edit, phrase)
        qtbot.keyClick(dialog.field.edit, Qt.Key.Key_Return)

    return act


def stop(shell):
    shell.work_backups.stop()
    shell.window.release()


def prepared_club(clock) -> tuple[str, object]:
    """A club's data with a recovery sheet, one backup made after Léa, then Tom."""
    desk = open_desk(clock)
    register(desk, "Martin", "Léa", "25-ABCD-EFGH")
    phrase = desk.new_recovery_phrase()
    backup = make_backup(desk._conn, default_paths().backups, "test", datetime.now(UTC))
    register(desk, "Dupont", "Tom", "25-BCDE-FGHJ")
    desk.close()
    return phrase, backup


def test_a_lost_key_is_found_again_with_the_recovery_sheet(qtbot, clock, memory_keyring):
    phrase, _ = prepared_club(clock)
    memory_keyring.secrets.clear()  # a new session, a keyring emptied: the key is gone
    typed = phrase.lower().replace("-", " ")  # as a volunteer copies it from the sheet
    seen = answer(
        type_phrase(qtbot, "ABCD-EFGH"),
        type_phrase(qtbot, "A" + phrase[1:] if phrase[0] != "A" else "B" + phrase[1:]),
        type_phrase(qtbot, typed),
    )
    shell = start_shell(qtbot, clock)
    (kind, first), (_, short), (_, wrong) = seen
    assert kind is RecoveryDialog
    assert keys_texts.KEY_MISSING_TITLE in first and "n'est plus sur cet ordinateur" in first
    assert "ne répond pas" not in first
    assert "Cette phrase a 8 caractères. Celle de la feuille en a 32" in short
    assert keys_texts.KEY_PROBLEMS["wrong_recovery"] in wrong, "a wrong phrase is refused plainly"
    assert sorted(v.first_name for v in shell.window.desk.find("")) == ["Léa", "Tom"]
    stop(shell)
    assert len(memory_keyring.secrets) == 1, "the keyring keeps a key for the data again"
    seen = answer()
    stop(start_shell(qtbot, clock))  # and the next start asks nothing
    assert seen == []


def test_the_recovery_phrase_opens_a_backup_too(clock, memory_keyring):
    phrase, backup = prepared_club(clock)
    memory_keyring.secrets.clear()
    paths = default_paths()
    restore(backup, paths.database, datetime.now(UTC))
    conn, vault = open_encrypted(paths.database, paths.backups, RecoveryPhrase(phrase))
    desk = Desk(conn, load_seasons(), Clock(), vault)
    assert [v.first_name for v in desk.find("")] == ["Léa"], "the data of the backup's day"
    desk.close()


def test_a_keyring_that_does_not_answer_is_said_so_and_asked_again(qtbot, clock):
    backend = LockableKeyring()
    keyring.set_keyring(backend)
    open_desk(clock).close()
    backend.locked = True

    def unlock_and_retry(dialog):
        backend.locked = False  # the volunteer opened the session's keyring
        qtbot.mouseClick(dialog.retry_button, Qt.MouseButton.LeftButton)

    seen = answer(lambda dialog: dialog.retry_button.click(), unlock_and_retry)
    shell = start_shell(qtbot, clock)
    (kind, first), (_, second) = seen
    assert kind is RecoveryDialog
    assert keys_texts.KEYRING_SILENT_TITLE in first and "Déverrouillez le trousseau" in first
    assert "n'est plus sur cet ordinateur" not in first
    assert second == first, "still locked: the same words again, nothing lost"
    assert shell.window.desk.club_profile() is not None, "the same data, opened"
    stop(shell)


def test_without_a_sheet_the_lost_key_says_who_can_help(qtbot, clock, memory_keyring):
    open_desk(clock).close()
    memory_keyring.secrets.clear()
    seen = answer(lambda dialog: dialog.quit_button.click())
    make_application([])
    paths = default_paths()
    shell = Shell(paths, Settings(paths.settings_file), desk_opener(clock))
    assert not shell.open(), "quitting stops the start, before any window"
    ((_, words),) = seen
    assert keys_texts.KEY_MISSING_NO_SHEET in words
    assert not memory_keyring.secrets, "no new key made for data that has one"


def test_an_emptied_file_offers_the_backup_not_a_first_start(qtbot, clock, memory_keyring):
    desk = open_desk(clock)
    register(desk, "Martin", "Léa", "25-ABCD-EFGH")
    make_backup(desk._conn, default_paths().backups, "test", datetime.now(UTC))
    desk.close()
    kept = dict(memory_keyring.secrets)
    default_paths().database.write_bytes(b"")  # the disk lost the file's content
    asked = []
    seen = answer()
    shell = start_shell(qtbot, clock, confirm=lambda question: asked.append(question) or True)
    assert len(asked) == 1 and backups_texts.DAMAGED_OFFER in asked[0]
    assert seen == [], "no passphrase to choose, no first-start question"
    assert [v.first_name for v in shell.window.desk.find("")] == ["Léa"]
    assert memory_keyring.secrets == kept, "no spare key in the keyring"
    stop(shell)
    assert latest_good(default_paths().backups) is not None


@needs_pdftotext
def test_the_recovery_sheet_is_printed_from_the_settings(qtbot, clock, memory_keyring, tmp_path):
    desk = open_desk(clock)
    register(desk, "Martin", "Léa", "25-ABCD-EFGH")
    window = open_window(qtbot, desk)
    settings = SettingsPage(window.settings)
    window.show_page(settings)
    qtbot.mouseClick(settings.recovery_sheet, Qt.MouseButton.LeftButton)
    page = window.stack.currentWidget()
    assert isinstance(page, RecoverySheetPage)
    assert page.state.text() == keys_texts.RECOVERY_SHEET_NONE
    printers = PdfPrinters(tmp_path)
    page._choose_pdf = printers.pdf_path
    qtbot.mouseClick(page.make_button, Qt.MouseButton.LeftButton)
    shown = page.phrase_label.text()
    assert len(shown.replace(" ", "")) == 32
    assert page.print_button.hasFocus(), "printing is the next step"
    assert widget_problems(window) == [] and small_targets(window) == []
    qtbot.mouseClick(page.pdf_button, Qt.MouseButton.LeftButton)
    (pdf,) = printers.files
    text = pdf_text(pdf)
    assert " ".join(shown.split()) in text, "the phrase as shown, in groups"
    assert "Étoile sportive d'Hérouville" in text
    assert "La clé n'est plus sur cet ordinateur" in text and "sous clé" in text
    assert keys_texts.recovery_sheet_saved(str(pdf)) == page.result.text()
    window.close_now()
    memory_keyring.secrets.clear()
    paths = default_paths()
    conn, vault = open_encrypted(paths.database, paths.backups, RecoveryPhrase(shown))
    assert [v.first_name for v in Desk(conn, load_seasons(), clock, vault).find("")] == ["Léa"]
    conn.close()
    desk.close()


@needs_pdftotext
def test_the_sheet_reads_as_a_sheet(tmp_path):
    data = SheetInput(
        "Club de judo", "ABCD-EFGH-JKLM-NPQR-STUV-WXYZ-2345-6789", datetime(2026, 9, 1)
    )
    text = pdf_text(write_sheet_pdf(tmp_path / "feuille.pdf", data))
    assert "Feuille de secours de pass'Sport Club" in text
    assert "ABCD EFGH JKLM NPQR STUV WXYZ 2345 6789" in text
    assert "Faite le 1er septembre 2026" in text and "Club : Club de judo" in text


@pytest.mark.parametrize("scale", [1.0, 2.0])
@pytest.mark.parametrize(
    ("case", "has_sheet"),
    [("key_missing", True), ("key_missing", False), ("keyring_not_answering", True)],
)
def test_the_key_dialogs_read_well_at_every_text_size(qtbot, scale, case, has_sheet):
    try:
        make_application([], scale)
        dialog = RecoveryDialog(case, keys_texts.KEY_PROBLEMS["wrong_recovery"], has_sheet)
        qtbot.addWidget(dialog)
        dialog.show()
        qtbot.waitExposed(dialog)
        assert widget_problems(dialog) == []
        assert cut_off_problems(dialog) == []
        assert small_targets(dialog) == []
        default = next(b for b in dialog.findChildren(QPushButton) if b.isDefault())
        expected = {"key_missing": dialog.open_button if has_sheet else dialog.quit_button}
        assert default is expected.get(case, dialog.retry_button), "Enter does the next step"
    finally:
        apply_design(make_application([]), 1.0)


def test_the_sheet_used_while_the_keyring_is_locked_leaves_the_keyring_key_working(clock):
    backend = LockableKeyring()
    keyring.set_keyring(backend)
    desk = open_desk(clock)
    phrase = desk.new_recovery_phrase()
    desk.close()
    paths = default_paths()
    backend.locked = True
    conn, _ = open_encrypted(paths.database, paths.backups, RecoveryPhrase(phrase))
    conn.close()
    backend.locked = False
    conn, _ = open_encrypted(paths.database, paths.backups)  # nothing asked: the key works
    conn.close()
