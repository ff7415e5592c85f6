"""Realistic extracts of Le Compte Asso, written as the portal (or Excel) would write them:
title rows, a header in the portal's words, blank lines, a totals row; CSV with ``;`` or
``,`` in UTF-8 or Windows-1252, or XLSX made by openpyxl (an independent writer)."""

import csv
import io
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import openpyxl

HEADER = (
    "N° Pass'Sport",
    "Nom du bénéficiaire",
    "Prénom",
    "Date de naissance",
    "Statut",
    "Montant (€)",
    "Date de paiement",
)


@dataclass(frozen=True)
class Entry:
    code: str
    last: str
    first: str
    born: date
    state: str = "En cours de traitement"
    amount: str = "70,00"
    paid_on: date | None = None


def _cells(entry: Entry, shuffled: bool) -> list[str]:
    cells = [
        entry.code,
        entry.last.upper(),
        entry.first,
        entry.born.strftime("%d/%m/%Y"),
        entry.state,
        entry.amount,
        entry.paid_on.strftime("%d/%m/%Y") if entry.paid_on else "",
    ]
    return _order(cells) if shuffled else cells


def _order(cells: list) -> list:
    """The same columns in another order: status first, the code in the middle."""
    return [cells[4], cells[1], cells[2], cells[0], cells[6], cells[5], cells[3]]


def write_csv(
    path: Path,
    entries: list[Entry],
    delimiter: str = ";",
    encoding: str = "utf-8-sig",
    header: tuple[str, ...] = HEADER,
    shuffled: bool = False,
) -> Path:
    out = io.StringIO(newline="")
    sheet = csv.writer(out, delimiter=delimiter, lineterminator="\r\n")
    sheet.writerow(["Extraction des bénéficiaires inscrits - pass'Sport"])
    sheet.writerow(["Structure : Étoile sportive d'Hérouville", "", "SIRET 73282932000074"])
    sheet.writerow([])
    sheet.writerow(_order(list(header)) if shuffled else list(header))
    for index, entry in enumerate(entries):
        sheet.writerow(_cells(entry, shuffled))
        if index == 1:
            sheet.writerow([])  # a blank line in the middle
    sheet.writerow([])
    total = ["Total", "", "", "", "", f"{len(entries) * 70},00", ""]
    sheet.writerow(_order(total) if shuffled else total)
    path.write_bytes(out.getvalue().encode(encoding))
    return path


def write_xlsx(path: Path, entries: list[Entry], typed: bool = True) -> Path:
    """With ``typed``, dates are real dates and amounts numbers, as Excel saves them."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Bénéficiaires"
    sheet.append(["État de paiement pass'Sport"])
    sheet.append([])
    sheet.append(list(HEADER))
    for entry in entries:
        row = _cells(entry, False)
        if typed:
            row[3] = entry.born
            row[5] = float(entry.amount.replace(",", "."))
            row[6] = entry.paid_on
        sheet.append(row)
    sheet.append([])
    sheet.append(["Total", None, None, None, None, 70.0 * len(entries)])
    book.save(path)
    return path
