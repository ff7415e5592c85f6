"""Print a receipt (system print dialog) or save it as a PDF; the first is the original,
every later one a duplicate. Brothers and sisters: several receipts in one print job or
one PDF. In training every receipt is marked as worthless."""

from collections.abc import Callable, Sequence
from pathlib import Path

from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import QApplication, QWidget

from app.desk import Desk
from app.settings import Settings
from app.validations import Validation
from ui import files
from ui.receipt import Layout, ReceiptInput, print_receipts, write_pdf_many


def ask_printer(parent: QWidget | None) -> QPrinter | None:
    """The system's print dialog; None when the user cancels."""
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    dialog = QPrintDialog(printer, parent)
    return printer if dialog.exec() == QPrintDialog.DialogCode.Accepted else None


def ask_pdf_path(parent: QWidget | None, suggested: str) -> Path | None:
    """The one file dialog of the program (ui/files.py), in the last folder used; a file
    that exists is replaced only if the user says so."""
    parent = parent or QApplication.activeWindow()
    path = files.chooser_for(parent).save_path(parent, Path(suggested).name, "pdf")
    if path is not None and path.exists() and not files.ask_replace(parent, path):
        return None
    return path


class ReceiptPrinter:
    """Receipts of the desk's registrations. ``training``: the desk is the training desk,
    and every receipt says "FORMATION — SANS VALEUR"."""

    def __init__(
        self,
        desk: Desk,
        settings: Settings,
        choose_printer: Callable[[QWidget | None], QPrinter | None] = ask_printer,
        choose_pdf: Callable[[QWidget | None, str], Path | None] = ask_pdf_path,
        training: bool = False,
    ) -> None:
        self._desk = desk
        self._settings = settings
        self._choose_printer = choose_printer
        self._choose_pdf = choose_pdf
        self.training = training

    @property
    def layout(self) -> Layout:
        return Layout(self._settings.get("receipt_layout"))

    def _input(self, validation_id: int) -> ReceiptInput:
        return self._input_of(self._desk.get(validation_id), self._desk.was_printed(validation_id))

    def _input_of(self, validation: Validation, duplicate: bool) -> ReceiptInput:
        return ReceiptInput(
            club=self._desk.club_profile(),
            validation=validation,
            printed_at=self._desk.now(),
            volunteer=self._desk.volunteer,
            duplicate=duplicate,
            training=self.training,
        )

    def print(self, validation_id: int, parent: QWidget | None = None) -> bool:
        """Ask for a printer and print; False when the user cancelled."""
        return self.print_many([validation_id], parent)

    def save_pdf(self, validation_id: int, parent: QWidget | None = None) -> Path | None:
        """Ask where and write the receipt as a PDF; None when the user cancelled."""
        return self.save_pdf_many([validation_id], parent)

    def print_many(self, validation_ids: Sequence[int], parent: QWidget | None = None) -> bool:
        """The receipts of several registrations (brothers and sisters) as ONE print job:
        one A5 page each, or one continuous ticket with a cut line between two. Asks for
        the printer once; False when the user cancelled. Each receipt that was printed
        before says "DUPLICATA"."""
        ids = _distinct(validation_ids)
        printer = self._choose_printer(parent)
        if printer is None:
            return False
        print_receipts(printer, [self._input(i) for i in ids], self.layout)
        self._noted(ids)
        return True

    def save_pdf_many(
        self, validation_ids: Sequence[int], parent: QWidget | None = None
    ) -> Path | None:
        """The receipts of several registrations in ONE PDF (pages as for
        :meth:`print_many`); asks where once, None when the user cancelled."""
        ids = _distinct(validation_ids)
        numbers = "-".join(self._desk.get(i).receipt_no for i in ids)
        name = f"recu-{numbers}.pdf" if len(ids) == 1 else f"recus-{numbers}.pdf"
        path = self._choose_pdf(parent, str(Path.home() / name))
        if path is None:
            return None
        written = write_pdf_many(path, [self._input(i) for i in ids], self.layout)
        self._noted(ids)
        return written

    def print_duplicate(self, validation: Validation, parent: QWidget | None = None) -> bool:
        """The receipt of a registration this desk does not hold (made at another desk of
        the forum, as the main desk holds it): always a duplicate, with its own receipt
        number; nothing is noted here. False when the user cancelled."""
        printer = self._choose_printer(parent)
        if printer is None:
            return False
        print_receipts(printer, [self._input_of(validation, duplicate=True)], self.layout)
        return True

    def save_duplicate_pdf(
        self, validation: Validation, parent: QWidget | None = None
    ) -> Path | None:
        """The same duplicate as a PDF; None when the user cancelled."""
        path = self._choose_pdf(parent, str(Path.home() / f"recu-{validation.receipt_no}.pdf"))
        if path is None:
            return None
        return write_pdf_many(path, [self._input_of(validation, duplicate=True)], self.layout)

    def _noted(self, validation_ids: Sequence[int]) -> None:
        for validation_id in validation_ids:
            self._desk.note_printed(validation_id)


def _distinct(validation_ids: Sequence[int]) -> list[int]:
    """The ids in order, each once: a child clicked twice gets one receipt."""
    ids = list(dict.fromkeys(validation_ids))
    if not ids:
        raise ValueError("no registration to print")
    return ids
