"""The first sheet of any .xlsx workbook, read with the standard library, as rows of plain
Python values (text, numbers, booleans, dates).

A workbook is a zip file of XML parts; each part read is checked for size before it is
opened (a "zip bomb" is refused) and parsed without any DTD or entity. It streams:
100,000 rows take a few seconds (openpyxl took 11 s on the reference machine).
"""

import re
import zipfile
from datetime import date, datetime, timedelta
from posixpath import dirname, join, normpath
from typing import BinaryIO
from xml.parsers import expat

from app.errors import KnownError
from app.xlsx import EPOCH, Cell, Progress

EPOCH_1904 = date(1904, 1, 1)
MAX_PART_BYTES = 512 * 1024 * 1024  # uncompressed size of one part
MAX_RATIO = 200  # uncompressed / compressed: above, it is a zip bomb


class XlsxError(KnownError):
    """``damaged`` (not a readable workbook, or cut short), ``no_sheet``, ``too_large``,
    ``too_many_rows`` (with ``limit``)."""


_BUILTIN_DATE_FORMATS = frozenset({*range(14, 23), 27, 30, 36, 45, 46, 47, 50, 57})
_QUOTED = re.compile(r'"[^"]*"|\\.|\[[^\]]*\]')
_CELL_REF = re.compile(r"([A-Z]+)(\d+)")


def _is_date_format(code: str) -> bool:
    plain = _QUOTED.sub("", code).lower()
    return any(letter in plain for letter in "dmy") and "General" not in code


class _Parser:
    """An expat parser that refuses DTDs and entities; elements come as local names."""

    def __init__(self, start=None, end=None, text=None) -> None:
        parser = expat.ParserCreate(namespace_separator="}")
        parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
        parser.StartDoctypeDeclHandler = self._refuse
        parser.EntityDeclHandler = self._refuse
        parser.buffer_text = True
        parser.buffer_size = 1 << 16
        if start:
            parser.StartElementHandler = start
        if end:
            parser.EndElementHandler = end
        if text:
            parser.CharacterDataHandler = text
        self.parser = parser

    @staticmethod
    def _refuse(*_args) -> None:
        raise XlsxError("damaged")

    def feed(self, stream: BinaryIO, size: int, progress: Progress | None = None) -> None:
        done = 0
        while chunk := stream.read(1 << 20):
            done += len(chunk)
            if done > MAX_PART_BYTES:
                raise XlsxError("too_large")
            self.parser.Parse(chunk, False)
            if progress:
                progress(min(done, size), size)
        self.parser.Parse(b"", True)


def _local(name: str) -> str:
    return name.rpartition("}")[2]


def _read_part(book: zipfile.ZipFile, name: str, handlers: dict, progress=None) -> None:
    info = book.getinfo(name)
    if info.file_size > MAX_PART_BYTES or info.file_size > MAX_RATIO * max(
        info.compress_size, 1 << 16
    ):
        raise XlsxError("too_large")
    with book.open(info) as stream:
        _Parser(**handlers).feed(stream, info.file_size, progress)


def _relations(book: zipfile.ZipFile, part: str) -> dict[str, tuple[str, str]]:
    """The relationships of ``part``: id -> (type, target path inside the zip)."""
    rels_name = join(dirname(part), "_rels", part.rpartition("/")[2] + ".rels")
    found: dict[str, tuple[str, str]] = {}
    if rels_name not in book.NameToInfo:
        return found

    def start(name, attrs):
        if _local(name) == "Relationship" and attrs.get("TargetMode") != "External":
            target = attrs.get("Target", "")
            path = target.lstrip("/") if target.startswith("/") else join(dirname(part), target)
            found[attrs.get("Id", "")] = (attrs.get("Type", ""), normpath(path))

    _read_part(book, rels_name, {"start": start})
    return found


def _first_sheet(book: zipfile.ZipFile) -> tuple[str, dict[str, tuple[str, str]], bool]:
    workbook = next(
        (t for kind, t in _relations(book, "").values() if kind.endswith("/officeDocument")),
        "xl/workbook.xml",
    )
    if workbook not in book.NameToInfo:
        raise XlsxError("no_sheet")
    sheets: list[str] = []
    flags = {"1904": False}

    def start(name, attrs):
        local = _local(name)
        if local == "sheet" and attrs.get("state", "visible") == "visible":
            sheets.append(next((v for k, v in attrs.items() if _local(k) == "id"), ""))
        elif local == "workbookPr":
            flags["1904"] = attrs.get("date1904") in ("1", "true")

    _read_part(book, workbook, {"start": start})
    relations = _relations(book, workbook)
    for rid in sheets:
        kind, target = relations.get(rid, ("", ""))
        if kind.endswith("/worksheet") and target in book.NameToInfo:
            return target, relations, flags["1904"]
    raise XlsxError("no_sheet")


def _shared_strings(book: zipfile.ZipFile, relations) -> list[str]:
    name = next((t for k, t in relations.values() if k.endswith("/sharedStrings")), None)
    strings: list[str] = []
    if name is None or name not in book.NameToInfo:
        return strings
    state = {"in_t": False, "skip": 0, "parts": []}

    def start(tag, _attrs):
        local = _local(tag)
        if local in ("rPh", "phoneticPr"):
            state["skip"] += 1  # Japanese reading aids: not part of the text
        elif local == "t" and not state["skip"]:
            state["in_t"] = True

    def end(tag):
        local = _local(tag)
        if local == "t":
            state["in_t"] = False
        elif local in ("rPh", "phoneticPr"):
            state["skip"] -= 1
        elif local == "si":
            strings.append("".join(state["parts"]))
            state["parts"] = []

    def text(data):
        if state["in_t"]:
            state["parts"].append(data)

    _read_part(book, name, {"start": start, "end": end, "text": text})
    return strings


def _date_styles(book: zipfile.ZipFile, relations) -> set[int]:
    name = next((t for k, t in relations.values() if k.endswith("/styles")), None)
    dates: set[int] = set()
    if name is None or name not in book.NameToInfo:
        return dates
    custom: dict[int, str] = {}
    state = {"in_xfs": False, "index": 0}

    def start(tag, attrs):
        local = _local(tag)
        if local == "numFmt":
            custom[int(attrs.get("numFmtId", "0"))] = attrs.get("formatCode", "")
        elif local == "cellXfs":
            state["in_xfs"] = True
        elif local == "xf" and state["in_xfs"]:
            fmt = int(attrs.get("numFmtId", "0"))
            if fmt in _BUILTIN_DATE_FORMATS or (fmt in custom and _is_date_format(custom[fmt])):
                dates.add(state["index"])
            state["index"] += 1

    def end(tag):
        if _local(tag) == "cellXfs":
            state["in_xfs"] = False

    _read_part(book, name, {"start": start, "end": end})
    return dates


def _column_index(ref: str) -> int:
    index = 0
    for char in ref:
        if "A" <= char <= "Z":
            index = index * 26 + ord(char) - 64
        else:
            break
    return index - 1


def read_xlsx(
    source: str | BinaryIO, max_rows: int, progress: Progress | None = None
) -> list[list[Cell]]:
    """The rows of the first visible sheet, as text, numbers, booleans and dates."""
    try:
        with zipfile.ZipFile(source) as book:
            sheet, relations, is_1904 = _first_sheet(book)
            strings = _shared_strings(book, relations)
            date_styles = _date_styles(book, relations)
            return _read_sheet(book, sheet, strings, date_styles, is_1904, max_rows, progress)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, expat.ExpatError, EOFError) as error:
        raise XlsxError("damaged") from error
    except (ValueError, IndexError, KeyError, OverflowError) as error:
        raise XlsxError("damaged") from error


def _read_sheet(book, sheet, strings, date_styles, is_1904, max_rows, progress):
    rows: list[list[Cell]] = []
    epoch = EPOCH_1904 if is_1904 else EPOCH
    cell = {"type": "n", "style": 0, "column": 0, "text": [], "in_value": False}
    state = {"row": [], "next_column": 0}

    def start(tag, attrs):
        local = _local(tag)
        if local == "c":
            ref = attrs.get("r")
            column = _column_index(ref) if ref else state["next_column"]
            cell.update(
                type=attrs.get("t", "n"),
                style=int(attrs.get("s", "0")),
                column=column,
                text=[],
                value=None,
            )
            state["next_column"] = column + 1
        elif local in ("v", "t"):
            cell["in_value"] = True
            cell["text"] = [] if local == "v" else cell["text"]
        elif local == "row":
            state["row"] = []
            state["next_column"] = 0
            number = attrs.get("r")
            if number is not None:  # rows left out of the file are empty rows
                if int(number) > max_rows + 1:
                    raise XlsxError("too_many_rows", limit=max_rows)
                while len(rows) < int(number) - 1:
                    rows.append([])

    def end(tag):
        local = _local(tag)
        if local in ("v", "t"):
            cell["in_value"] = False
        elif local == "c":
            value = _value(cell, strings, date_styles, epoch)
            if value is not None and value != "":
                row = state["row"]
                while len(row) < cell["column"]:
                    row.append(None)
                row.append(value)
        elif local == "row":
            rows.append(state["row"])
            if len(rows) > max_rows:
                raise XlsxError("too_many_rows", limit=max_rows)

    def text(data):
        if cell["in_value"]:
            cell["text"].append(data)

    _read_part(book, sheet, {"start": start, "end": end, "text": text}, progress)
    return rows


def _value(cell: dict, strings: list[str], date_styles: set[int], epoch: date) -> Cell:
    raw = "".join(cell["text"])
    kind = cell["type"]
    if kind == "s":
        return strings[int(raw)] if raw else None
    if kind in ("inlineStr", "str"):
        return raw
    if kind == "b":
        return raw == "1"
    if kind == "e" or not raw:
        return None
    number = float(raw)
    if cell["style"] in date_styles:
        moment = datetime.combine(epoch, datetime.min.time()) + timedelta(days=number)
        return moment.date() if number == int(number) else moment
    return int(number) if number.is_integer() and "." not in raw and "E" not in raw else number
