"""Print a receipt (system print dialog) or save it as a PDF; the first is the original,
every later one a duplicate."""

from collections.abc import Callable
from pathlib import Path

from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import QFileDialog, QWidget

from app.desk import Desk
from app.settings import Settings
from ui.receipt import Layout, ReceiptInput, print_receipt, write_pdf


def ask_printer(parent: QWidget | None) -> QPrinter | None:
    """The system's print dialog; None when the user cancels."""
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    dialog = QPrintDialog(printer, parent)
    return printer if dialog.exec() == QPrintDialog.DialogCode.Accepted else None


def ask_pdf_path(parent: QWidget | None, suggested: str) -> Path | None:
    path, _ = QFileDialog.getSaveFileName(parent, "", suggested, "PDF (*.pdf)")
    if not path:
        return None
    return Path(path if path.lower().endswith(".pdf") else f"{path}.pdf")


class ReceiptPrinter:
    def __init__(
        self,
        desk: Desk,
        settings: Settings,
        choose_printer: Callable[[QWidget | None], QPrinter | None] = ask_printer,
        choose_pdf: Callable[[QWidget | None, str], Path | None] = ask_pdf_path,
    ) -> None:
        self._desk = desk
        self._settings = settings
        self._choose_printer = choose_printer
        self._choose_pdf = choose_pdf

    @property
    def layout(self) -> Layout:
        return Layout(self._settings.get("receipt_layout"))

    def _input(self, validation_id: int) -> ReceiptInput:
        return ReceiptInput(
            club=self._desk.club_profile(),
            validation=self._desk.get(validation_id),
            printed_at=self._desk.now(),
            volunteer=self._desk.volunteer,
            duplicate=self._desk.was_printed(validation_id),
        )

    def print(self, validation_id: int, parent: QWidget | None = None) -> bool:
        """Ask for a printer and print; False when the user cancelled."""
        printer = self._choose_printer(parent)
        if printer is None:
            return False
        print_receipt(printer, self._input(validation_id), self.layout)
        self._desk.note_printed(validation_id)
        return True

    def save_pdf(self, validation_id: int, parent: QWidget | None = None) -> Path | None:
        receipt_no = self._desk.get(validation_id).receipt_no
        path = self._choose_pdf(parent, str(Path.home() / f"recu-{receipt_no}.pdf"))
        if path is None:
            return None
        written = write_pdf(path, self._input(validation_id), self.layout)
        self._desk.note_printed(validation_id)
        return written
