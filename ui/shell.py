"""The program's outer shell: opens the data (key, damaged file, housekeeping), builds
the window, and can open everything again after a restore. Keeps one instance per
data folder."""

import hashlib
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from PySide6.QtCore import QObject
from PySide6.QtNetwork import QLocalServer, QLocalSocket
from PySide6.QtWidgets import QInputDialog, QLabel, QLineEdit, QMessageBox

from app import backups
from app.desk import Desk
from app.errors import KnownError, StoreError
from app.keys import KeyProblem
from app.logs import get_logger
from app.paths import Paths
from app.settings import Settings
from app.store import connect
from app.treasury import Treasury
from sync.link import NationalLink
from ui import french, texts
from ui.backups_page import BackupsPage, ask_folder, restore_summary
from ui.printing import ReceiptPrinter
from ui.status import SyncBridge
from ui.window import MainWindow

log = get_logger("shell")


def ask_yes_no(text: str) -> bool:
    answer = QMessageBox.question(None, texts.APP_TITLE, text)
    return answer == QMessageBox.StandardButton.Yes


def build_window(desk: Desk, settings: Settings, database: Path, shell=None) -> MainWindow:
    """The main window with its link to the national service and the training mode."""
    from ui.training import TrainingSession  # loads the reference server only when asked

    bridge = SyncBridge()
    link = NationalLink(database, bridge.publish, vault=desk.vault)

    def start_training(window: MainWindow) -> None:
        window.training = TrainingSession(desk, settings, on_leave=window.show)
        window.training.start()
        window.hide()

    treasury = Treasury(database, desk.vault, desk.seasons, desk.now)
    window = MainWindow(
        desk,
        settings,
        ReceiptPrinter(desk, settings),
        link,
        bridge,
        start_training,
        shell,
        treasury,
    )
    if link.start():
        window.build_home()
    return window


def _secret(label: str) -> str | None:
    """A passphrase typed in a dialog whose sentence wraps: None when the user gives up."""
    dialog = QInputDialog()
    dialog.setWindowTitle(texts.APP_TITLE)
    dialog.setLabelText(label)
    dialog.setTextEchoMode(QLineEdit.EchoMode.Password)
    for child in dialog.findChildren(QLabel):
        child.setWordWrap(True)
    dialog.setMaximumWidth(640)
    if dialog.exec() != QInputDialog.DialogCode.Accepted:
        return None
    return dialog.textValue()


def ask_passphrase(problem: KeyProblem) -> str | None:
    """Ask for the passphrase that protects the data; None when the user gives up."""
    new = problem.details.get("new", False) or problem.reason == "passphrase_too_short"
    label = texts.PASSPHRASE_NEW if new else texts.PASSPHRASE_ASK
    if problem.reason in texts.KEY_PROBLEMS:
        label = f"{texts.KEY_PROBLEMS[problem.reason]}\n\n{label}"
    while True:
        first = _secret(label)
        if first is None or not new:
            return first
        again = _secret(texts.PASSPHRASE_AGAIN)
        if again is None:
            return None
        if again == first:
            return first
        label = f"{texts.PASSPHRASE_DIFFERENT}\n\n{texts.PASSPHRASE_NEW}"


def open_with_key(open_desk: Callable[[str | None], Desk]) -> Desk | None:
    """Open the data, asking for the passphrase when the computer has no secure keyring."""
    passphrase = None
    while True:
        try:
            return open_desk(passphrase)
        except KeyProblem as problem:
            if problem.reason == "key_missing":
                raise
            passphrase = ask_passphrase(problem)
            if passphrase is None:
                return None


class SingleInstance(QObject):
    """One program per data folder: a second start shows the first window and stops."""

    def __init__(self, paths: Paths, parent=None) -> None:
        super().__init__(parent)
        digest = hashlib.sha256(str(paths.data).encode()).hexdigest()[:16]
        self.name = f"passsport-club-{digest}"
        self.server: QLocalServer | None = None
        self.on_raise: Callable[[], None] = lambda: None

    def already_running(self) -> bool:
        """True if another instance answered (and was asked to show its window)."""
        socket = QLocalSocket()
        socket.connectToServer(self.name)
        if socket.waitForConnected(300):
            socket.write(b"raise\n")
            socket.flush()
            socket.waitForBytesWritten(300)
            socket.disconnectFromServer()
            return True
        QLocalServer.removeServer(self.name)  # a stale name left by a crash
        self.server = QLocalServer(self)
        self.server.newConnection.connect(self._knocked)
        self.server.listen(self.name)
        return False

    def _knocked(self) -> None:
        while self.server.hasPendingConnections():
            self.server.nextPendingConnection().deleteLater()
            self.on_raise()


class Shell(QObject):
    def __init__(
        self,
        paths: Paths,
        settings: Settings,
        open_desk: Callable[[str | None], Desk],
        confirm: Callable[[str], bool] = ask_yes_no,
        parent=None,
    ) -> None:
        super().__init__(parent)
        self.paths = paths
        self.settings = settings
        self._open_desk = open_desk
        self._confirm = confirm
        self.window = None

    # Opening
    def open(self) -> bool:
        try:
            desk = open_with_key(self._open_desk)
        except StoreError as error:
            if error.reason not in ("damaged", "unreadable") or not self._offer_backup():
                raise
            desk = open_with_key(self._open_desk)
        if desk is None:
            return False
        try:
            desk.housekeeping(
                self.paths.backups,
                self.settings.get("backup_keep_days"),
                self.settings.get("retention_months"),
            )
        except KnownError as error:
            log.warning("daily backup not made (%s)", error.reason)
        self.window = build_window(desk, self.settings, self.paths.database, self)
        self._prepare_search(desk)
        return True

    def _prepare_search(self, desk: Desk) -> None:
        """Open the names for searching in the background: no first search waits for it."""
        database = self.paths.database

        def work():
            conn = connect(database, desk.vault)
            try:
                return desk.prepare_search(conn)
            finally:
                conn.close()

        self.window.tasks.run(work, desk.use_search, lambda error: None)

    def _offer_backup(self) -> bool:
        """The database file is damaged: never overwrite it; offer the latest good backup."""
        good = backups.latest_good(self.paths.backups)
        if good is None:
            return False
        question = f"{texts.DAMAGED_OFFER}\n\n{texts.offer_backup(french.moment(good.made_at))}"
        if not self._confirm(question):
            return False
        backups.restore(good, self.paths.database, datetime.now(UTC))
        return True

    # The backups page
    def show_backups(self, window) -> None:
        page = BackupsPage(self.paths.backups)
        page.make_copy.connect(lambda: self.copy_to(window, ask_folder(window)))
        page.restore.connect(
            lambda backup: window.show_page(
                restore_summary(backup, lambda: self.restore(backup), window.go_home)
            )
        )
        window.show_page(page)

    def copy_to(self, window, folder) -> None:
        """A checked copy on a USB key, made on its own connection off the interface."""
        if folder is None:
            return
        desk, database = window.desk, self.paths.database

        def work():
            conn = connect(database, desk.vault)
            try:
                return backups.make_backup(conn, folder, "manuelle", desk.now())
            finally:
                conn.close()

        window.tasks.run(
            work,
            lambda made: window.show_message(texts.backup_made(str(made.path)), "success"),
            lambda error: (
                window.show_message(texts.describe(error), "error")
                if isinstance(error, KnownError)
                else window.show_message(texts.STORE_ERRORS["write_failed"], "error")
            ),
        )

    def restore(self, backup: backups.Backup) -> None:
        """Close the data, put the backup in place (the current file kept aside), reopen."""
        old = self.window
        old.release()
        try:
            backups.restore(backup, self.paths.database, datetime.now(UTC))
            message = (texts.RESTORED, "success")
        except KnownError as error:  # a damaged copy: the current data stays as it was
            message = (texts.describe(error), "error")
        opened = self.open()
        old.close()
        if opened:
            self.window.show()
            self.window.show_message(*message)
