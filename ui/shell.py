"""The program's outer shell: opens the data (key, damaged file, housekeeping), builds
the window, and can open everything again after a restore. Keeps one instance per
data folder."""

import contextlib
import hashlib
import shutil
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from PySide6.QtCore import QEvent, QLockFile, QObject, QThread, QTimer
from PySide6.QtNetwork import QLocalServer, QLocalSocket
from PySide6.QtWidgets import QMessageBox

from app import backups
from app.desk import Desk
from app.errors import KnownError, StoreError
from app.keys import KeyProblem, RecoveryPhrase
from app.logs import get_logger
from app.paths import Paths
from app.secrets import secure_keyring_available
from app.settings import Settings
from app.store import connect
from ui import french, recovery
from ui.backups_page import BackupsPage, ask_folder, restore_summary
from ui.passphrase import PassphraseDialog
from ui.recovery import ask_recovery
from ui.services import build_services
from ui.texts import backups as backups_texts
from ui.texts import common as common_texts
from ui.texts import errors as errors_texts
from ui.texts import keys as keys_texts
from ui.window import MainWindow

log = get_logger("shell")


def ask_yes_no(text: str) -> bool:
    answer = QMessageBox.question(None, common_texts.APP_TITLE, text)
    return answer == QMessageBox.StandardButton.Yes


def build_window(desk: Desk, settings: Settings, database: Path, shell=None) -> MainWindow:
    """The program's main window over ``desk``: its link to the national service starts
    if this computer is enrolled, and it offers training."""
    from ui.training import TrainingSession  # loads the reference server only when asked

    def start_training(window: MainWindow) -> None:
        window.training = TrainingSession(desk, settings, on_leave=window.show)
        window.training.start()
        window.hide()

    services = build_services(desk, settings, database)
    window = MainWindow(services, start_training, shell)
    if services.link.start():
        window.build_home()
    return window


def ask_passphrase(problem: KeyProblem) -> str | None:
    """Ask for the passphrase that protects the data (or, when the user has the recovery
    sheet, its phrase); None when the user gives up."""
    new = problem.details.get("new", False) or problem.reason == "passphrase_too_short"
    error = "" if problem.reason == "passphrase_needed" else errors_texts.describe(problem)
    dialog = PassphraseDialog(
        new,
        error,
        problem.details.get("remembered", False),
        has_sheet=problem.details.get("recovery", False),
    )
    try:
        answer = dialog.exec()
    finally:
        dialog.deleteLater()  # now, not whenever the collector passes
    if answer == PassphraseDialog.USE_SHEET:
        return ask_recovery(recovery.PASSPHRASE_FORGOTTEN)
    if answer != PassphraseDialog.DialogCode.Accepted:
        return None
    return dialog.passphrase()


def open_with_key(open_desk: Callable[[str | None], Desk]) -> Desk | None:
    """Open the data: ask for the passphrase when the computer has no secure keyring; for
    the recovery phrase when the keyring lost the key, or does not answer (then it can
    be asked again). None when the user gives up."""
    secret, case = None, None
    while True:
        try:
            desk = open_desk(secret)
        except KeyProblem as problem:
            if problem.reason in (recovery.KEY_MISSING, recovery.KEYRING_NOT_ANSWERING):
                case = problem.reason
            if problem.reason == "wrong_recovery":
                error = keys_texts.wrong_recovery(
                    problem.details["typed"], problem.details["needed"]
                )
                secret = ask_recovery(case or recovery.PASSPHRASE_FORGOTTEN, error)
            elif case is not None:
                secret = ask_recovery(case, has_sheet=problem.details.get("recovery", False))
            else:
                secret = ask_passphrase(problem)
            if secret is None:
                return None
            secret = secret or None  # "": ask the keyring again
            continue
        if case is None and isinstance(secret, RecoveryPhrase):
            choose_new_passphrase(desk)
        return desk


def choose_new_passphrase(desk: Desk) -> None:
    """The sheet opened data whose passphrase was forgotten: choose a new one now (closing
    the dialog leaves the old one, and the sheet, as they were)."""
    if secure_keyring_available():
        return  # the keyring keeps the key from now on: no passphrase is asked here
    dialog = PassphraseDialog(True)
    try:
        if dialog.exec() == PassphraseDialog.DialogCode.Accepted:
            # A disk that refuses the change leaves the old passphrase: the data is open.
            with contextlib.suppress(KnownError):
                desk.change_passphrase(dialog.passphrase())
    finally:
        dialog.deleteLater()


class SingleInstance(QObject):
    """One program per data folder: a second start shows the first window and stops.

    The data folder's lock file decides, atomically, which start is the first: two
    programs started within the same millisecond cannot both take it. The lock is the
    operating system's (``QLockFile``), so a program that crashed leaves none behind that
    counts. The first one also listens on a local socket, where a second start knocks to
    bring its window up."""

    KNOCK_TRIES = 10  # the first start may take the lock just before it listens

    def __init__(self, paths: Paths, parent=None) -> None:
        super().__init__(parent)
        digest = hashlib.sha256(str(paths.data).encode()).hexdigest()[:16]
        self.name = f"passsport-club-{digest}"
        self.server: QLocalServer | None = None
        self.on_raise: Callable[[], None] = lambda: None
        self._lock = QLockFile(str(paths.data / "instance.lock"))
        self._lock.setStaleLockTime(0)  # stale only when its program is gone

    def already_running(self) -> bool:
        """True if another program holds this data folder (it is asked to show its
        window)."""
        if not self._lock.tryLock(0):
            if self._lock.error() == QLockFile.LockError.LockFailedError:
                self._knock()
                return True
            # The folder cannot hold a lock file (read-only, say): opening the data
            # will say so in words.
            log.warning("no instance lock in the data folder: %s", self._lock.error())
        QLocalServer.removeServer(self.name)  # a stale name left by a crash
        self.server = QLocalServer(self)
        self.server.newConnection.connect(self._knocked)
        self.server.listen(self.name)
        return False

    def release(self) -> None:
        """Let the data folder go (the program stops)."""
        if self.server is not None:
            self.server.close()
        self._lock.unlock()

    def _knock(self) -> None:
        for _ in range(self.KNOCK_TRIES):
            socket = QLocalSocket()
            socket.connectToServer(self.name)
            if socket.waitForConnected(300):
                socket.write(b"raise\n")
                socket.flush()
                socket.waitForBytesWritten(300)
                socket.disconnectFromServer()
                return
            QThread.msleep(100)  # not listening yet: it is starting

    def _knocked(self) -> None:
        while self.server.hasPendingConnections():
            self.server.nextPendingConnection().deleteLater()
            self.on_raise()


class WorkBackups(QObject):
    """Backups after the day's work: after every ``every`` registrations saved at the
    desk, and on closing the window when something changed since the last backup.

    Each is made off the interface (the window's background tasks), on its own
    connection, checked like any backup. A failure loses nothing (the registrations are
    in the database already) and is said in words. Closing waits for the backup, with
    the window still answering, but never longer than ``CLOSE_WAIT_MS``.
    """

    CLOSE_WAIT_MS = 10_000

    def __init__(
        self,
        window: MainWindow,
        database: Path,
        folder: Path,
        keep_days: int,
        every: int = backups.BACKUP_EVERY,
    ) -> None:
        super().__init__(window)
        self.window = window
        self._database = database
        self._folder = folder
        self._keep_days = keep_days
        self._every = every
        self.saves = 0  # saved at the desk since the last backup
        self.running = False
        self._closing = False  # a close waits for the backup
        self._may_close = False
        self._mark: str | None = None  # what the newest good backup holds ...
        self._mark_known = False  # ... read when first needed: nothing more at start-up
        self._timer = QTimer(self, singleShot=True, interval=self.CLOSE_WAIT_MS)
        self._timer.timeout.connect(self._close_now)
        window.desk.after_save.append(self._counted)
        window.installEventFilter(self)

    def stop(self) -> None:
        """The window's data is let go (a restore): no more backups from it."""
        self.window.removeEventFilter(self)
        self._timer.stop()
        if self._counted in self.window.desk.after_save:
            self.window.desk.after_save.remove(self._counted)

    def _counted(self, _saved) -> None:
        self.saves += 1
        if self.saves >= self._every:
            self.start(backups.AFTER_REGISTRATIONS)

    def changed(self) -> bool:
        """Whether the data holds something the newest backup does not."""
        if not self._mark_known:
            newest = backups.latest_good(self._folder)
            self._mark = backups.mark_of(newest.path) if newest else None
            self._mark_known = True
        current = backups.mark_of(self._database)
        return current is not None and current != self._mark

    def start(self, reason: str) -> None:
        if self.running:
            return  # the one running holds these too, or the next one will
        self.running = True
        counted = self.saves
        desk, database, folder, keep = (
            self.window.desk,
            self._database,
            self._folder,
            self._keep_days,
        )

        def work():
            conn = connect(database, desk.vault)
            try:
                return backups.work_backup(conn, folder, reason, desk.now(), keep)
            finally:
                conn.close()

        self.window.tasks.run(work, lambda made: self._made(made, counted), self._failed)

    def _made(self, made: tuple[backups.Backup, str], counted: int) -> None:
        self.running = False
        self._mark, self._mark_known = made[1], True
        self.saves = max(0, self.saves - counted)
        if self._closing:
            self._close_now()
        elif self.saves >= self._every:
            self.start(backups.AFTER_REGISTRATIONS)

    def _failed(self, error: BaseException) -> None:
        self.running = False
        self.saves = 0  # the next try after as many registrations again, or on closing
        reason = error.reason if isinstance(error, KnownError) else None
        log.warning("backup after work not made (%s)", reason or "bug")
        closing, self._closing = self._closing, False
        self._timer.stop()
        self._may_close = closing  # closing again closes at once
        self.window.show_message(backups_texts.work_backup_failed(reason, closing), "warning")

    def eventFilter(self, watched, event) -> bool:
        if watched is not self.window or event.type() != QEvent.Type.Close:
            return False
        if self._may_close or self._closing:
            self._may_close = True  # a second close does not wait
            return False
        if not self.changed():
            return False
        event.ignore()
        self._closing = True
        self.window.show_message(backups_texts.BACKUP_BEFORE_CLOSING, "info")
        self.start(backups.ON_CLOSING)
        self._timer.start()
        return True

    def _close_now(self) -> None:
        if self.running:  # CLOSE_WAIT_MS went by: the copy ends (or not) without us
            log.warning("closing before the backup ended")
        self._timer.stop()
        self._closing = False
        self._may_close = True
        self.window.close()
        if self.window.isVisible():  # the window asked to stay (something half typed)
            self._may_close = False


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
        shutil.rmtree(self.paths.training, ignore_errors=True)  # stopped in training
        # What killed copies, restores and exports left half-written (the last folder
        # chosen is where the last export or USB copy went).
        backups.clean_leftovers(
            self.paths.data, self.paths.backups, self.settings.get("last_folder")
        )
        try:
            desk.housekeeping(
                self.paths.backups,
                self.settings.get("backup_keep_days"),
                self.settings.get("retention_months"),
            )
        except KnownError as error:
            log.warning("daily backup not made (%s)", error.reason)
            problem = backups_texts.work_backup_failed(error.reason, closing=False)
        else:
            problem = None
        self.window = build_window(desk, self.settings, self.paths.database, self)
        self.work_backups = WorkBackups(
            self.window,
            self.paths.database,
            self.paths.backups,
            self.settings.get("backup_keep_days"),
        )
        if problem:
            self.window.show_message(problem, "warning")
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
        question = f"{backups_texts.DAMAGED_OFFER}\n\n{backups_texts.offer_backup(french.moment(good.made_at))}"
        if not self._confirm(question):
            return False
        backups.restore(good, self.paths.database, datetime.now(UTC))
        return True

    # The backups page
    def show_backups(self, window) -> None:
        page = BackupsPage(self.paths.backups, self.paths.database)
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
            lambda made: window.show_message(backups_texts.backup_made(str(made.path)), "success"),
            lambda error: (
                window.show_message(errors_texts.describe(error), "error")
                if isinstance(error, KnownError)
                else window.show_message(errors_texts.STORE_ERRORS["write_failed"], "error")
            ),
        )

    def restore(self, backup: backups.Backup) -> None:
        """Close the data, put the backup in place (the current file kept aside), reopen."""
        old = self.window
        self.work_backups.stop()  # the file the backup is about to replace is kept aside
        old.release()
        try:
            backups.restore(backup, self.paths.database, datetime.now(UTC))
            message = (backups_texts.RESTORED, "success")
        except KnownError as error:  # a damaged copy: the current data stays as it was
            message = (errors_texts.describe(error), "error")
        opened = self.open()
        old.close()
        if opened:
            self.window.show()
            self.window.show_message(*message)
