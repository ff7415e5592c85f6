"""The treasurer's actions in the window: the screen, the exports, the portal assistant and
the import of the portal's extracts. Slow work runs on the background helper with a
progress bar; the files are chosen in the program's one file dialog (ui/files.py), which
the tests replace."""

from collections.abc import Callable
from pathlib import Path

from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication, QWidget

from app.filenames import safe_file_name
from app.treasury import Treasury
from ui import files, french
from ui.actions import attempt, report
from ui.desk_flow import Navigator
from ui.import_page import ImportFlow
from ui.portal_assistant import PortalAssistantPage
from ui.progress import ProgressRelay
from ui.tasks import Tasks
from ui.texts import treasurer as treasurer_texts
from ui.treasurer import TreasurerPage
from ui.treasury_pdf import SummaryInput, write_summary_pdf


class Dialogs:
    """The questions asked in dialogs; the tests give answers of their own. Files are
    chosen in the program's one file dialog (ui/files.py), which remembers the folder in
    the window's settings; ``folder``, when given, is where it opens instead."""

    def __init__(self, folder: Path | None = None) -> None:
        self.folder = folder

    def _chooser(self, parent: QWidget | None) -> files.FileChooser:
        if self.folder is not None:
            return files.FileChooser(folder=self.folder)
        return files.chooser_for(parent)

    def save_path(self, parent: QWidget | None, name: str, kind: str) -> Path | None:
        """The file to write; whether to replace it is asked by ``replace`` after."""
        return self._chooser(parent).save_path(parent, name, kind)

    def open_path(self, parent: QWidget | None) -> Path | None:
        return self._chooser(parent).open_path(parent, (files.TABLES, files.EVERYTHING))

    def replace(self, parent: QWidget | None, path: Path) -> bool:
        return files.ask_replace(parent, path)

    def copy(self, text: str) -> None:
        QGuiApplication.clipboard().setText(text)


class TreasurerFlow:
    def __init__(
        self,
        treasury: Treasury,
        tasks: Tasks,
        nav: Navigator,
        dialogs: Dialogs | None = None,
        portal_offered: Callable[[], bool] = lambda: True,
        on_added: Callable[[], None] | None = None,
        training: bool = False,
    ) -> None:
        self._treasury = treasury
        self._training = training  # practice data: the summary sheet says so
        self._tasks = tasks
        self._nav = nav
        self.dialogs = dialogs or Dialogs()
        self._portal_offered = portal_offered  # the assistant is for clubs without the API
        self.page: TreasurerPage | None = None
        self.imports = ImportFlow(treasury, tasks, nav, self.dialogs, on_finished=self.open)
        if on_added is not None:
            self.imports.on_added = on_added

    def open(self) -> TreasurerPage:
        page = TreasurerPage(self._treasury, self._portal_offered())
        page.export_csv.connect(lambda: self._export(page, "csv"))
        page.export_xlsx.connect(lambda: self._export(page, "xlsx"))
        page.export_pdf.connect(lambda: self._export_pdf(page))
        page.portal_assistant.connect(self.portal_assistant)
        page.portal_import.connect(self.imports.start)
        page.open_record.connect(self._nav.open_record)
        self.page = page
        self._nav.show_page(page)
        return page

    # Exports
    def _target(self, page: TreasurerPage, kind: str) -> tuple[Path, bool] | None:
        """The file chosen and whether the user agreed to replace it; None if cancelled."""
        club = self._treasury.club_profile()
        today = self._treasury.now().astimezone(french.PARIS).date()
        name = safe_file_name(
            treasurer_texts.file_stem(club.name if club else "", page.year(), today), kind
        )
        path = self.dialogs.save_path(page, name, kind)  # a name Windows takes (ui/files.py)
        if path is None:
            return None
        overwrite = path.exists()
        if overwrite and not self.dialogs.replace(page, path):
            return None
        return path, overwrite

    def _export(self, page: TreasurerPage, kind: str) -> None:
        chosen = self._target(page, kind)
        if chosen is None:
            return
        path, overwrite = chosen
        year, state = page.year(), page.state()
        relay = ProgressRelay(page)
        relay.connect_to(page.show_progress)
        export = self._treasury.export_csv if kind == "csv" else self._treasury.export_xlsx

        def work() -> int:
            return export(path, year, state, treasurer_texts.EXPORT_LABELS, overwrite, relay.report)

        def done(count: int) -> None:
            page.set_busy(False)
            page.show_notice(treasurer_texts.PERSONAL_DATA)
            self._nav.show_message(treasurer_texts.exported(str(path), count), "success")

        focus = QApplication.focusWidget()  # the button, disabled while the work runs
        page.set_busy(True, treasurer_texts.WORKING)
        page.show_notice("")
        self._nav.clear_message()
        self._tasks.run(work, done, lambda error: self._failed(page, error, focus))

    def _export_pdf(self, page: TreasurerPage) -> None:
        chosen = self._target(page, "pdf")
        if chosen is None:
            return
        path, overwrite = chosen
        club = self._treasury.club_profile()
        summary = self._treasury.summary(page.year())
        data = SummaryInput(club, summary, self._treasury.now(), training=self._training)

        def written(_) -> None:
            page.show_notice("")
            self._nav.show_message(treasurer_texts.pdf_written(str(path)), "success")

        attempt(self._nav, lambda: write_summary_pdf(path, data, overwrite), written)

    def _failed(self, page: TreasurerPage, error: BaseException, focus=None) -> None:
        page.set_busy(False)
        report(self._nav, error, focus)

    # Le Compte Asso, by hand
    def portal_assistant(self) -> PortalAssistantPage:
        def mark(validation_id: int) -> None:
            self._treasury.mark_entered(validation_id)
            self._nav.refresh_status()

        page = PortalAssistantPage(self._treasury.to_enter, mark, self.dialogs.copy)
        page.finished.connect(self.open)
        self._nav.clear_message()
        self._nav.show_page(page)
        return page
