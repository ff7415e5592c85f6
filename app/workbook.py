"""The sheets of a spreadsheet workbook (XLSX, XLS, ODS, and XLSB too), read with
python-calamine, as rows of plain Python values (text, numbers, booleans, dates).

calamine (Rust) reads 100,000 rows in well under a second: several times faster than the
standard-library reader it replaces. It trusts the file more than we do, so before it sees
a zip-based file (XLSX, ODS):

- every part's uncompressed size and compression ratio are checked (a "zip bomb" is
  refused; calamine itself stops a part that inflates beyond its declared size);
- in an XLSX, how far the cells reach is looked for: calamine holds each sheet as one grid
  from its first to its last cell, and a file of a few kilobytes with a cell in A1 and one
  in XFD1048576 makes it ask for 550 GB and abort the whole process
  (https://github.com/tafia/calamine/issues/693).

A sheet's rows keep their place in the file (row ``i`` of the list is line ``i + 1``, column
``j`` is column ``j + 1``; leading blank rows and columns are kept), each row stops at its
last filled cell, and an empty cell is None.
"""

import re
import zipfile
import zlib
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from pathlib import Path
from typing import BinaryIO

from python_calamine import CalamineError, CalamineWorkbook, SheetTypeEnum, SheetVisibleEnum

from app.errors import KnownError
from app.xlsx import Cell, Progress

MAX_PART_BYTES = 512 * 1024 * 1024  # uncompressed size of one part
MAX_RATIO = 200  # uncompressed / compressed: above, it is a zip bomb
MAX_CELLS = 20_000_000  # a sheet's grid, first to last cell: about 640 MB in calamine
_ZIP = b"PK\x03\x04"
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # .xls (and any other Office 97 file)
_WORKBOOK_PARTS = ("xl/workbook.xml", "xl/workbook.bin", "content.xml")
_XLS_STREAMS = ("Workbook".encode("utf-16-le"), "Book".encode("utf-16-le"))
# A cell reference past column Z, or past row 99,999: the only ones that can make the grid big.
_FAR_CELL = re.compile(rb' r="([A-Z]{2,3}(?=[0-9])|[A-Z]{1,3}(?=[0-9]{6}))([0-9]+)')
_PROGRESS_EVERY = 5000
_MIDNIGHT = time()
_EXACT = 2.0**53  # a float above this is not a count of anything


class WorkbookError(KnownError):
    """``damaged`` (not a readable workbook, or cut short), ``no_sheet`` (not a workbook, or
    one without a worksheet), ``too_large``, ``too_many_rows`` (with ``limit``)."""


@dataclass(frozen=True)
class Sheet:
    name: str
    rows: list[list[Cell]]


def read_workbook(path: Path, max_rows: int, progress: Progress | None = None) -> list[Sheet]:
    """Every visible worksheet (all of them if all are hidden), in the workbook's order."""
    with open(path, "rb") as source:
        head = source.read(8)
        if head.startswith(_ZIP):
            _check_zip(source, max_rows)
        elif not head.startswith(_OLE):
            raise WorkbookError("no_sheet")
        source.seek(0)
        try:
            with CalamineWorkbook.from_filelike(source) as book:
                return _read_sheets(book, max_rows, progress)
        except CalamineError as error:
            reason = _why_ole_failed(source) if head.startswith(_OLE) else "damaged"
            raise WorkbookError(reason) from error
        except BaseException as error:
            # calamine panics on some damaged files (an .xls cut short, for one); pyo3
            # raises that as a PanicException, which derives from BaseException.
            if type(error).__name__ != "PanicException":
                raise
            raise WorkbookError("damaged") from error


def _check_zip(source: BinaryIO, max_rows: int) -> None:
    try:
        with zipfile.ZipFile(source) as book:
            parts = book.infolist()
            if not any(p.filename in _WORKBOOK_PARTS for p in parts):
                raise WorkbookError("no_sheet")
            for part in parts:
                floor = max(part.compress_size, 1 << 16)
                if part.file_size > MAX_PART_BYTES or part.file_size > MAX_RATIO * floor:
                    raise WorkbookError("too_large")
            if "xl/workbook.xml" in book.NameToInfo:
                for part in parts:
                    if part.filename.endswith(".xml") and "sharedStrings" not in part.filename:
                        _check_extent(book, part, max_rows)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, zlib.error) as error:
        raise WorkbookError("damaged") from error
    except (NotImplementedError, RuntimeError) as error:  # unknown compression, encrypted
        raise WorkbookError("damaged") from error


def _check_extent(book: zipfile.ZipFile, part: zipfile.ZipInfo, max_rows: int) -> None:
    """Refuse a sheet whose cells reach too far, before calamine makes a grid of them."""
    last_row, last_column, tail = 0, 0, b""
    with book.open(part) as stream:  # stops at the declared size, checks the CRC
        while chunk := stream.read(1 << 20):
            text = tail + chunk
            for match in _FAR_CELL.finditer(text):
                last_row = max(last_row, int(match[2]))
                last_column = max(last_column, _column_number(match[1]))
            tail = text[-24:]  # a reference cut between two chunks is seen whole next time
    if last_row > max_rows:
        raise WorkbookError("too_many_rows", limit=max_rows)
    if max(last_row, 99_999) * max(last_column, 26) > MAX_CELLS:
        raise WorkbookError("too_large")


def _column_number(letters: bytes) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + letter - 64
    return number


def _why_ole_failed(source: BinaryIO) -> str:
    """``no_sheet`` for a whole Office 97 file that names no workbook stream (a .doc, for
    one); ``damaged`` for anything else, an .xls cut short first of all."""
    source.seek(0)
    data = source.read()
    sector = 1 << int.from_bytes(data[30:32], "little") if len(data) >= 512 else 512
    directory = int.from_bytes(data[48:52], "little")
    if len(data) % sector or (directory + 2) * sector > len(data):
        return "damaged"
    return "damaged" if any(name in data for name in _XLS_STREAMS) else "no_sheet"


def _read_sheets(book: CalamineWorkbook, max_rows: int, progress: Progress | None) -> list[Sheet]:
    sheets = [
        (index, meta)
        for index, meta in enumerate(book.sheets_metadata)
        if meta.typ == SheetTypeEnum.WorkSheet
    ]
    if not sheets:
        raise WorkbookError("no_sheet")
    visible = [(i, m) for i, m in sheets if m.visible == SheetVisibleEnum.Visible]
    found: list[Sheet] = []
    done = 0
    for index, meta in visible or sheets:
        sheet = book.get_sheet_by_index(index)
        start, end = sheet.start, sheet.end
        if start is None or end is None:
            found.append(Sheet(meta.name, []))
            continue
        total = end[0] + 1
        if total > max_rows:
            raise WorkbookError("too_many_rows", limit=max_rows)
        if total * (end[1] - start[1] + 1) > MAX_CELLS:
            raise WorkbookError("too_large")
        # calamine gives the blank rows above the first cell but not the blank columns to
        # its left: they are put back so that every cell keeps its column.
        pad = [None] * start[1]
        rows: list[list[Cell]] = []
        for raw in sheet.iter_rows():
            rows.append(_cells(pad + raw if pad else raw))
            if len(rows) % _PROGRESS_EVERY == 0 and progress:
                progress(done + len(rows), done + total)
        done += len(rows)
        found.append(Sheet(meta.name, rows))
    if progress:
        progress(done, done)
    return found


def _cells(row: list) -> list[Cell]:
    """calamine's values as ours, in place: "" is an empty cell (None), a whole number an
    int, a moment at midnight a date, a time of day or a duration its text; the row stops
    at its last filled cell."""
    end = 0
    for index, value in enumerate(row):
        kind = type(value)
        if kind is str:
            if not value:
                row[index] = None
                continue
        elif kind is float:
            if value.is_integer() and -_EXACT < value < _EXACT:
                row[index] = int(value)
        elif value is None:
            continue
        elif kind is datetime:
            if value.time() == _MIDNIGHT:  # as calamine gives serial dates: a date
                row[index] = value.date()
        elif kind is time:
            row[index] = value.isoformat(timespec="seconds" if value.second else "minutes")
        elif kind is timedelta:
            row[index] = _duration(value)
        end = index + 1
    del row[end:]
    return row


def _duration(value: timedelta) -> str:
    """``30:00:00`` for 30 hours, as Excel shows a duration."""
    seconds = round(value.total_seconds())
    sign, seconds = ("-", -seconds) if seconds < 0 else ("", seconds)
    return f"{sign}{seconds // 3600}:{seconds // 60 % 60:02d}:{seconds % 60:02d}"
