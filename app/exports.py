"""Files for the treasurer: CSV for French Excel and XLSX, written safely.

Every file is written to a temporary file in the same folder, flushed to the disk, then
renamed over the target in one step: a full disk or a USB key pulled out leaves the old
file (or none) and never half a file. An existing file is replaced only when the caller
says the user agreed.

The column titles and the words for the states come from the interface (all wording
lives in ``ui/``); this module knows only the columns' meaning and type.
"""

import contextlib
import csv
import io
import os
import uuid
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import BinaryIO

from app.errors import KnownError, storage_reason
from app.filenames import path_problem
from app.xlsx import DANGEROUS_START, Column, write_xlsx

Progress = Callable[[int, int], None]

# The columns of an export, in order: key and type. The ``state`` cell holds a State value.
FIELDS: tuple[tuple[str, str], ...] = (
    ("receipt_no", "text"),
    ("code", "text"),
    ("last_name", "text"),
    ("first_name", "text"),
    ("activity", "text"),
    ("season", "int"),
    ("recorded_on", "date"),
    ("state", "text"),
    ("claim", "money"),  # what the State owes for it (empty when it owes nothing)
    ("paid_on", "date"),
    ("paid", "money"),  # what it paid
    ("remaining", "money"),  # what it still owes
)
# The money columns: their totals are the treasurer screen's figures.
SUMMED = ("claim", "paid", "remaining")
WIDTHS = {"last_name": 22, "first_name": 18, "activity": 18, "state": 30, "season": 9}


class ExportError(KnownError):
    """``exists`` (the user must agree to replace it), ``disk_full``, ``write_failed``; or
    a name or path Windows or Excel would refuse (``app/filenames.py``: ``reserved``,
    ``forbidden_character``, ``path_too_long``...), refused on every system."""


@dataclass(frozen=True)
class Labels:
    """The words written in the files: column titles, states, the totals row, the sheet."""

    columns: Mapping[str, str]
    states: Mapping[str, str]
    total: str
    sheet: str


def neutralise(text: str) -> str:
    """A cell that a spreadsheet would take for a formula starts with an apostrophe."""
    return f"'{text}" if text.startswith(DANGEROUS_START) else text


def _fail(error: OSError) -> ExportError:
    return ExportError("disk_full" if storage_reason(error) == "disk_full" else "write_failed")


def write_file(path: Path, write: Callable[[Path], None], overwrite: bool = False) -> Path:
    """Make ``path`` by calling ``write`` on a temporary path beside it, then renaming.

    Raises :class:`ExportError` ``exists`` when the file is there and ``overwrite`` is
    false; ``disk_full`` or ``write_failed`` when the system refuses (nothing is left)."""
    path = Path(path)
    problem = path_problem(path)
    if problem is not None:
        raise ExportError(problem, path=str(path))
    if path.exists() and not overwrite:
        raise ExportError("exists", path=str(path))
    # Hidden, and removed at the next start if the program is killed while writing it
    # (``app/backups.py`` ``clean_leftovers`` knows this name).
    temporary = path.with_name(f".{path.name}.{uuid.uuid4().hex[:8]}.part")
    try:
        write(temporary)
        with open(temporary, "rb+") as written:
            os.fsync(written.fileno())
        os.replace(temporary, path)
    except OSError as error:
        _remove(temporary)
        raise _fail(error) from error
    except BaseException:
        _remove(temporary)
        raise
    _sync_folder(path.parent)
    return path


def write_stream(path: Path, write: Callable[[BinaryIO], None], overwrite: bool = False) -> Path:
    """Like :func:`write_file`, for a writer that takes an open binary file."""

    def to_file(temporary: Path) -> None:
        with open(temporary, "xb") as out:
            write(out)

    return write_file(path, to_file, overwrite)


def _remove(path: Path) -> None:
    # The key is gone: nothing more can be done, and nothing is left half-written.
    with contextlib.suppress(OSError):
        path.unlink(missing_ok=True)


def _sync_folder(folder: Path) -> None:
    """Make the rename itself durable where the system allows it (not on Windows)."""
    if os.name != "posix":
        return
    try:
        handle = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        with contextlib.suppress(OSError):
            os.fsync(handle)
    finally:
        os.close(handle)


def _french_date(value: date | None) -> str:
    return "" if value is None else f"{value.day:02d}/{value.month:02d}/{value.year}"


def _french_money(cents: int | None) -> str:
    if cents is None:
        return ""
    sign = "-" if cents < 0 else ""
    whole, part = divmod(abs(cents), 100)
    return f"{sign}{whole},{part:02d}"


_QUOTE_NEEDED = frozenset(';"\r\n')


def _csv_text(value: str | None) -> str:
    """A text cell: neutralised, quoted only when it holds a separator, quote or line break."""
    if not value:
        return ""
    if value.startswith(DANGEROUS_START):
        value = f"'{value}"
    if _QUOTE_NEEDED.isdisjoint(value):
        return value
    return '"' + value.replace('"', '""') + '"'


def _csv_lines(rows: Iterable[Sequence], labels: Labels) -> Iterable[str]:
    """The CSV lines of the export rows, written column by column in the order of
    ``FIELDS`` (checked below): the general csv module costs a third more per row."""
    states = {key: _csv_text(words) for key, words in labels.states.items()}
    text, money, day = _csv_text, _french_money, _french_date
    for (
        receipt,
        code,
        last,
        first,
        activity,
        season,
        recorded,
        state,
        claim,
        paid_on,
        paid,
        remaining,
    ) in rows:
        yield (
            f"{text(receipt)};{text(code)};{text(last)};{text(first)};{text(activity)};"
            f"{season};{day(recorded)};{states.get(state) or text(str(state))};{money(claim)};"
            f"{day(paid_on)};{money(paid)};{money(remaining)}\r\n"
        )


assert [key for key, _ in FIELDS] == [
    "receipt_no", "code", "last_name", "first_name", "activity", "season", "recorded_on",
    "state", "claim", "paid_on", "paid", "remaining",
]  # fmt: skip


def export_csv(
    path: Path,
    rows: Iterable[Sequence],
    total: int,
    labels: Labels,
    overwrite: bool = False,
    progress: Progress | None = None,
) -> int:
    """CSV that French Excel and LibreOffice open as they are: UTF-8 with a byte order
    mark, ``;`` between cells, dates 26/11/2026 and amounts 70,00. Returns the rows written."""
    written = 0

    def write(out: BinaryIO) -> None:
        nonlocal written
        text = io.TextIOWrapper(out, encoding="utf-8-sig", newline="")
        sheet = csv.writer(text, delimiter=";", lineterminator="\r\n")
        sheet.writerow([neutralise(labels.columns[key]) for key, _ in FIELDS])
        chunk: list[str] = []
        for written, line in enumerate(_csv_lines(rows, labels), start=1):
            chunk.append(line)
            if written % 5000 == 0:
                text.write("".join(chunk))
                chunk.clear()
                if progress:
                    progress(written, max(total, written))
        text.write("".join(chunk))
        text.flush()
        text.detach()
        if progress:
            progress(written, max(total, written))

    write_stream(path, write, overwrite)
    return written


def export_xlsx(
    path: Path,
    rows: Iterable[Sequence],
    total: int,
    labels: Labels,
    overwrite: bool = False,
    progress: Progress | None = None,
) -> int:
    """An Excel workbook: typed cells (dates, amounts in euros, numbers), a frozen and
    styled header with filters, and a totals row. Returns the rows written."""
    columns = [Column(labels.columns[key], kind, WIDTHS.get(key, 14)) for key, kind in FIELDS]
    state_index = [key for key, _ in FIELDS].index("state")
    sums = dict.fromkeys(SUMMED, 0)
    keys = [key for key, _ in FIELDS]

    def shown(row: Sequence) -> Sequence:
        for key in sums:
            value = row[keys.index(key)]
            sums[key] += value or 0
        values = list(row)
        values[state_index] = labels.states.get(row[state_index], str(row[state_index]))
        return values

    written = 0

    def write(out: BinaryIO) -> None:
        nonlocal written

        def totals_row() -> list:
            cells: list = [None] * len(FIELDS)
            cells[0] = labels.total
            for key, value in sums.items():
                cells[keys.index(key)] = value
            return cells

        # ``shown`` adds the amounts up as the rows go by; the totals row is made last.
        written = write_xlsx(
            out, labels.sheet, columns, (shown(r) for r in rows), total, totals_row, progress
        )

    write_stream(path, write, overwrite)
    return written
