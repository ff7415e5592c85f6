"""Every user action that writes, under a real fault of the data folder: a full disk, a
read-only database or folder, a database another program holds. The user reads the
sentence for it on the screen, nothing typed is lost (the same action works once the
fault is gone), the focus is back where it was, and the crash dialog never appears."""

import os
import sqlite3
import subprocess
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QPushButton

from app import store
from app.paths import default_paths
from app.settings import Settings
from app.treasury import Treasury
from app.validations import ChequeState, State
from tests.extracts import Entry, write_csv
from tests.factories import open_desk
from tests.test_treasurer_ui import Answers
from tests.ui_helpers import PdfPrinters, open_window, type_text
from ui.club_form import ClubForm
from ui.desk_pages import ResultPage, ReviewPage
from ui.import_page import AddPage, PreviewPage
from ui.import_page import ResultPage as ImportResult
from ui.lock import LockSettingsPage
from ui.portal_assistant import PortalAssistantPage
from ui.settings_page import SettingsPage
from ui.texts import errors as errors_texts
from ui.texts import lock as lock_texts
from ui.treasurer_flow import TreasurerFlow

ROOT = os.geteuid() == 0


def _run(*command: str) -> bool:
    return subprocess.run(command, capture_output=True).returncode == 0


class Fault:
    """One real fault, switched on around the action only; ``sentence`` is what the user
    must read for a write to the database."""

    name = ""
    sentence = ""

    def __init__(self, home: Path, connections: Callable[[], list[sqlite3.Connection]]):
        self.home = home
        self.connections = connections  # the program's open connections to its database

    def prepare(self) -> None:
        """Before the program opens its data."""

    def finish(self) -> None:
        """After the program let go of its data."""

    @contextmanager
    def on(self) -> Iterator[None]:
        yield


class DiskFull(Fault):
    """A real small filesystem under the home folder, filled to the last byte. The
    write-ahead log is emptied first, so that any write must take new room."""

    name = "full"
    sentence = errors_texts.STORE_ERRORS["disk_full"]

    def prepare(self) -> None:
        if not ROOT:
            pytest.skip("a real small filesystem needs root to be mounted here")
        self.home.mkdir(parents=True, exist_ok=True)
        if not _run("mount", "-t", "tmpfs", "-o", "size=32m", "tmpfs", str(self.home)):
            pytest.skip("no small filesystem can be mounted here")

    def finish(self) -> None:
        assert _run("umount", "--lazy", str(self.home))

    @contextmanager
    def on(self) -> Iterator[None]:
        for conn in self.connections():
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        filler = self.home / "filler"
        fd = os.open(filler, os.O_WRONLY | os.O_CREAT)
        try:
            for size in (1 << 20, 4096, 1):
                try:
                    while True:
                        os.write(fd, b"\0" * size)
                except OSError:
                    pass
        finally:
            os.close(fd)
        try:
            yield
        finally:
            filler.unlink()


class ReadOnly(Fault):
    """The database refuses writes (SQLite's own ``query_only``, on every connection,
    also those the program opens meanwhile) and the folders cannot be written: a
    read-only mount for root (for whom permissions do not count), else permissions."""

    name = "read_only"
    sentence = errors_texts.STORE_ERRORS["read_only"]

    def __init__(self, home, connections, monkeypatch):
        super().__init__(home, connections)
        self._monkeypatch = monkeypatch
        self._active = False
        plain = store.connect

        def connect(path, vault=None):
            conn = plain(path, vault)
            if self._active:
                conn.execute("PRAGMA query_only = ON")
            return conn

        monkeypatch.setattr(store, "connect", connect)

    @contextmanager
    def on(self) -> Iterator[None]:
        folders = [default_paths().config, self.home / "exports"]
        for conn in self.connections():
            conn.execute("PRAGMA query_only = ON")
        for folder in folders:
            if ROOT:
                assert _run("mount", "--bind", str(folder), str(folder))
                assert _run("mount", "-o", "remount,bind,ro", str(folder), str(folder))
            else:
                folder.chmod(0o555)
        self._active = True
        try:
            yield
        finally:
            self._active = False
            for folder in folders:
                if ROOT:
                    assert _run("umount", str(folder))
                else:
                    folder.chmod(0o755)
            for conn in self.connections():
                conn.execute("PRAGMA query_only = OFF")


class Locked(Fault):
    """Another program holds the database (a real second connection in an exclusive
    transaction). The program's connections do not wait for it, to keep the test short."""

    name = "locked"
    sentence = errors_texts.STORE_ERRORS["locked"]

    def __init__(self, home, connections, monkeypatch):
        super().__init__(home, connections)
        plain = store.connect
        self._active = False

        def connect(path, vault=None):
            conn = plain(path, vault)
            if self._active:
                conn.execute("PRAGMA busy_timeout = 0")
            return conn

        monkeypatch.setattr(store, "connect", connect)

    @contextmanager
    def on(self) -> Iterator[None]:
        other = sqlite3.connect(default_paths().database, isolation_level=None)
        other.execute("BEGIN EXCLUSIVE")
        for conn in self.connections():
            conn.execute("PRAGMA busy_timeout = 0")
        self._active = True
        try:
            yield
        finally:
            self._active = False
            other.execute("ROLLBACK")
            other.close()
            for conn in self.connections():
                conn.execute(f"PRAGMA busy_timeout = {store.BUSY_TIMEOUT_MS}")


@dataclass
class Program:
    qtbot: object
    window: object
    desk: object
    treasury: Treasury
    treasurer: TreasurerFlow
    answers: Answers
    fault: Fault
    tmp_path: Path
    expected: set[str]  # the sentences the user may read

    def page(self):
        return self.window.stack.currentWidget()

    def type(self, text: str) -> None:
        for char in text:
            type_text(self.qtbot, QApplication.focusWidget(), char)

    def key(self, key: Qt.Key) -> None:
        self.qtbot.keyClick(QApplication.focusWidget(), key)

    def click(self, button) -> None:
        self.qtbot.mouseClick(button, Qt.MouseButton.LeftButton)

    def said(self) -> str:
        """The error sentence on the screen: the window's message line or the page's own."""
        error = getattr(self.page(), "error", None)
        if error is not None and error.isVisible():
            return error.text()
        assert self.window.message.isVisible(), "no message shown"
        assert self.window.message.property("kind") == "error"
        return self.window.message.accessibleName()


@contextmanager
def counted_crashes() -> Iterator[list]:
    """Every exception that reached the crash hook (``sys.excepthook``) meanwhile."""
    reached: list = []
    saved = sys.excepthook
    sys.excepthook = lambda kind, value, tb: reached.append(value)
    try:
        yield reached
    finally:
        sys.excepthook = saved


def registered(program: Program, code: str | None = "25-ABCD-EFGH", last: str = "Martin"):
    desk = program.desk
    if code is None:
        return desk.take_deposit(
            desk.check_person(last, "Paul", "15/03/2013", desk.open_season()),
            desk.open_season(),
            "0001234",
            "La Banque Postale",
            "70",
            "",
            None,
        )
    parsed, _ = desk.read_code(code)
    return desk.validate(parsed, desk.check_person(last, "Léa", "15/03/2012", desk.open_season()))


# The actions. Each prepares its screen, runs the action under the fault (the helper
# ``faulty``), checks what a user sees, then runs it again without the fault.


def faulty(program: Program, target, key: Qt.Key | None = None, background: bool = False) -> None:
    """Under the fault, Enter in ``target`` (``key``) or a click on it (a button): the
    sentence is shown and the focus is back on ``target``. ``background``: the action
    runs on the background helper; its end is waited for."""
    if QApplication.activeWindow() is not program.window:
        # Offscreen, the window loses its activation when the import's pages change.
        program.window.activateWindow()
        program.qtbot.waitUntil(lambda: QApplication.activeWindow() is program.window)
    target.setFocus()
    with program.fault.on():
        if key is None:
            program.qtbot.mouseClick(target, Qt.MouseButton.LeftButton)
        else:
            program.qtbot.keyClick(target, key)
        if background:
            program.qtbot.waitUntil(lambda: not program.window.tasks.busy(), timeout=15000)
    assert program.said() in program.expected
    assert QApplication.focusWidget() is target, "the focus is back where it was"


def desk_registration(program: Program) -> None:
    program.window.start_validation()
    program.type("25abcdefgh")
    program.type("Plantévoix")
    program.key(Qt.Key.Key_Tab)
    program.type("Zébulon")
    program.key(Qt.Key.Key_Tab)
    program.type("15032012")
    program.key(Qt.Key.Key_Return)
    review = program.page()
    assert isinstance(review, ReviewPage)
    faulty(program, review.confirm_button, Qt.Key.Key_Return)
    assert program.page() is review and program.desk.find("") == []
    program.key(Qt.Key.Key_Return)  # « Confirmer » again, the fault gone
    assert isinstance(program.page(), ResultPage)
    (saved,) = program.desk.find("")
    assert (saved.last_name, saved.first_name) == ("Plantévoix", "Zébulon")


def desk_deposit(program: Program) -> None:
    program.window.start_validation()
    program.click(program.page().no_code_button)
    page = program.page()
    for key, value in (
        ("last_name", "Diallo"),
        ("first_name", "Awa"),
        ("birth_date", "02022014"),
        ("cheque_number", "0001234"),
        ("cheque_bank", "Banque"),
    ):
        page.fields[key].edit.setText(value)
    page.fields["cheque_bank"].edit.setFocus()
    program.key(Qt.Key.Key_Return)
    faulty(program, program.page().confirm_button, Qt.Key.Key_Return)
    program.click(program.page().modify_button)  # the form, as it was typed
    assert program.page() is page and page.value("cheque_number") == "0001234"
    program.key(Qt.Key.Key_Return)
    program.key(Qt.Key.Key_Return)
    assert program.desk.find("diallo")[0].cheque_state is ChequeState.HELD


def cancel(program: Program) -> None:
    saved = registered(program)
    program.window.open_record(saved.id)
    program.click(program.page().buttons["cancel"])
    program.type("Erreur de code")
    reason = QApplication.focusWidget()
    faulty(program, reason, Qt.Key.Key_Return)
    assert reason.text() == "Erreur de code"
    assert program.desk.get(saved.id).state is State.TO_SEND
    program.key(Qt.Key.Key_Return)
    assert program.desk.get(saved.id).state is State.CANCELLED


def correction(program: Program) -> None:
    saved = registered(program, last="Martn")
    program.window.open_record(saved.id)
    program.click(program.page().buttons["correct"])
    page = program.page()
    page.fields["last_name"].edit.setText("Martin")
    faulty(program, page.fields["last_name"].edit, Qt.Key.Key_Return)
    assert program.page() is page and page.value("last_name") == "Martin"
    program.key(Qt.Key.Key_Return)
    assert program.desk.get(saved.id).last_name == "Martin"


def code_added(program: Program) -> None:
    saved = registered(program, code=None)
    program.window.open_record(saved.id)
    program.click(program.page().buttons["add_code"])
    program.type("25-BCDE-FGHJ")
    code = QApplication.focusWidget()
    faulty(program, code, Qt.Key.Key_Return)
    assert code.text() == "25-BCDE-FGHJ"
    program.key(Qt.Key.Key_Return)
    assert program.desk.get(saved.id).state is State.TO_SEND


def cheque_returned(program: Program) -> None:
    saved = registered(program, code=None)
    program.window.open_record(saved.id)
    record = program.page()
    faulty(program, record.buttons["returned"])
    assert program.desk.get(saved.id).cheque_state is ChequeState.HELD
    program.click(record.buttons["returned"])
    assert program.desk.get(saved.id).cheque_state is ChequeState.RETURNED


def receipt_printed(program: Program) -> None:
    saved = registered(program)
    program.window.open_record(saved.id)
    record = program.page()
    faulty(program, record.buttons["reprint"])
    assert not program.desk.was_printed(saved.id)
    program.click(program.page().buttons["reprint"])
    assert program.desk.was_printed(saved.id)


def club_profile(program: Program) -> None:
    program.window.edit_club()
    form = program.page()
    assert isinstance(form, ClubForm)
    form.fields["name"].edit.setText("Étoile sportive de Caen")
    faulty(program, form.fields["name"].edit, Qt.Key.Key_Return)
    assert program.page() is form and form.fields["name"].text() == "Étoile sportive de Caen"
    program.key(Qt.Key.Key_Return)
    assert program.desk.club_profile().name == "Étoile sportive de Caen"


def lock_pin(program: Program) -> None:
    program.window.lock_settings()
    page = program.page()
    assert isinstance(page, LockSettingsPage)
    program.type("4821")
    faulty(program, page.pin.edit, Qt.Key.Key_Return)
    assert program.page() is page and page.pin.text() == "4821"
    assert program.desk.lock_minutes() is None
    program.key(Qt.Key.Key_Return)
    assert program.desk.lock_minutes() == 5


def lock_removed(program: Program) -> None:
    program.desk.set_lock("4821", 5)
    program.window.lock_settings()
    page = program.page()
    (remove,) = (b for b in page.findChildren(QPushButton) if b.text() == lock_texts.LOCK_REMOVE)
    faulty(program, remove)
    assert program.desk.lock_minutes() == 5
    program.click(remove)
    assert program.desk.lock_minutes() is None


def portal_entered(program: Program) -> None:
    saved = registered(program)
    program.treasurer.open()
    program.treasurer.portal_assistant()
    page = program.page()
    assert isinstance(page, PortalAssistantPage)
    faulty(program, page.done)
    assert page.current.id == saved.id and program.desk.get(saved.id).state is State.TO_SEND
    program.click(page.done)
    assert program.desk.get(saved.id).state is State.CONFIRMED


def _import_result(program: Program) -> ImportResult:
    registered(program, "25-BCDE-FGHJ", "Lefèvre")
    program.answers.to_open = write_csv(
        program.tmp_path / "extrait.csv",
        [
            Entry(
                "25-BCDE-FGHJ",
                "Lefèvre",
                "Léa",
                date(2012, 3, 15),
                "Remboursé",
                "70,00",
                date(2025, 11, 5),
            ),
            Entry("25-PQRS-TUVW", "Lambert", "Adèle", date(2012, 9, 14)),
        ],
        ",",
        "cp1252",
    )
    program.treasurer.imports.start()
    program.click(program.page().button)
    program.qtbot.waitUntil(lambda: isinstance(program.page(), PreviewPage), timeout=5000)
    program.click(program.page().compare_button)
    program.qtbot.waitUntil(lambda: isinstance(program.page(), ImportResult), timeout=5000)
    return program.page()


def import_applied(program: Program) -> None:
    result = _import_result(program)
    faulty(program, result.apply_button, background=True)
    assert program.page() is result and result.apply_button.isEnabled()
    assert program.desk.find("Lefèvre")[0].state is State.TO_SEND
    program.click(result.apply_button)
    program.qtbot.waitUntil(lambda: program.desk.find("Lefèvre")[0].state is State.PAID)


def import_added(program: Program) -> None:
    result = _import_result(program)
    program.click(result.add_button)
    confirm = program.page()
    assert isinstance(confirm, AddPage)
    faulty(program, confirm.confirm_button, background=True)
    assert program.page() is confirm and program.desk.find("Lambert") == []
    program.click(confirm.confirm_button)
    program.qtbot.waitUntil(lambda: len(program.desk.find("Lambert")) == 1, timeout=5000)


def setting_changed(program: Program) -> None:
    page = SettingsPage(program.window.settings)
    program.window.show_page(page)

    def saved(key: str):  # as the next start reads it
        return Settings(default_paths().settings_file).get(key)

    faulty(program, page.sounds, Qt.Key.Key_Space)
    assert page.sounds.isChecked() and saved("sounds") is False  # the choice stays shown
    program.key(Qt.Key.Key_Space)
    program.key(Qt.Key.Key_Space)
    assert page.sounds.isChecked() and saved("sounds") is True


def exported(program: Program, kind: str) -> None:
    registered(program)
    page = program.treasurer.open()
    button = page.buttons[kind]
    faulty(program, button, background=kind != "pdf")
    assert list(program.answers.folder.iterdir()) == []
    program.click(button)
    program.qtbot.waitUntil(lambda: not program.window.tasks.busy(), timeout=5000)
    assert len(list(program.answers.folder.iterdir())) == 1


DATABASE = ("full", "read_only", "locked")
FILES = ("full", "read_only")  # a file has no lock to hold
ACTIONS = {
    "desk_registration": (desk_registration, DATABASE),
    "desk_deposit": (desk_deposit, DATABASE),
    "cancel": (cancel, DATABASE),
    "correction": (correction, DATABASE),
    "code_added": (code_added, DATABASE),
    "cheque_returned": (cheque_returned, DATABASE),
    "receipt_printed": (receipt_printed, DATABASE),
    "club_profile": (club_profile, DATABASE),
    "lock_pin": (lock_pin, DATABASE),
    "lock_removed": (lock_removed, DATABASE),
    "portal_entered": (portal_entered, DATABASE),
    "import_applied": (import_applied, DATABASE),
    "import_added": (import_added, DATABASE),
    "setting_changed": (setting_changed, FILES),
    "export_csv": (lambda program: exported(program, "csv"), FILES),
    "export_xlsx": (lambda program: exported(program, "xlsx"), FILES),
    "export_pdf": (lambda program: exported(program, "pdf"), FILES),
}
ON_FILES = {"setting_changed", "export_csv", "export_xlsx", "export_pdf"}
FILE_REASONS = {"full": "disk_full", "read_only": "write_failed"}
FAULTS = {"full": DiskFull, "read_only": ReadOnly, "locked": Locked}


@pytest.fixture
def program(request, qtbot, home, clock, tmp_path, monkeypatch, expected_warnings):
    name = request.param[1]
    holder: dict = {}

    def connections() -> list[sqlite3.Connection]:
        return [holder["desk"]._conn, holder["treasury"]._conn]

    kind = FAULTS[name]
    fault = kind(home, connections) if kind is DiskFull else kind(home, connections, monkeypatch)
    fault.prepare()
    try:
        desk = holder["desk"] = open_desk(clock)
        treasury = holder["treasury"] = Treasury(
            default_paths().database, desk.vault, desk.seasons, clock
        )
        (home / "exports").mkdir()
        window = holder["window"] = open_window(qtbot, desk, PdfPrinters(tmp_path))
        answers = Answers(home / "exports")
        treasurer = TreasurerFlow(
            treasury, window.tasks, window, answers, on_added=desk.reload_search
        )
        expected = {fault.sentence}
        if request.param[0] in ON_FILES:  # the export's own words for its file
            expected.add(errors_texts.EXPORT_ERRORS[FILE_REASONS[name]])
        yield Program(qtbot, window, desk, treasury, treasurer, answers, fault, tmp_path, expected)
    finally:
        if "window" in holder:
            holder["window"].tasks.wait()
            holder["window"].close_now()
        for opened in ("treasury", "desk"):
            if opened in holder:
                holder[opened].close()
        fault.finish()


@pytest.mark.parametrize(
    "program",
    [(action, fault) for action, (_, faults) in ACTIONS.items() for fault in faults],
    ids=lambda param: f"{param[0]}-{param[1]}",
    indirect=True,
)
def test_a_fault_at_a_user_action_is_said_in_its_sentence_and_loses_nothing(program, request):
    action, _ = ACTIONS[request.node.callspec.params["program"][0]]
    with counted_crashes() as crashes:
        action(program)
    assert crashes == [], "the crash dialog was shown"
