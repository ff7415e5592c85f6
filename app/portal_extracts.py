"""The extracts downloaded from Le Compte Asso, read whatever their shape.

Two extracts exist ("bénéficiaires inscrits", "état de paiement"), as CSV (``;``, ``,``,
tab or ``|``; UTF-8 or Windows-1252) or as a workbook (XLSX, XLS, ODS). Their exact
columns are not published and change: the sheet holding the codes, its header row and the
meaning of each column are guessed (``app.extract_columns``), each cell is read by
``app.extract_values``, and each state wording by ``app.portal_states``. Title rows, blank
lines, totals, headers printed again and payment-wave titles are skipped. Every guess is
only a proposal: the user can change it.
"""

import csv
import io
import re
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from app.errors import KnownError
from app.extract_columns import (
    HEADER_SEARCH_ROWS,
    Field,
    guess_layout,
    guess_mapping,
    normalise_title,
)
from app.extract_values import (
    cell_shown,
    cell_text,
    read_code,
    read_date,
    read_money,
    read_name,
)
from app.people import fold
from app.portal_states import PortalState, meaning
from app.workbook import WorkbookError, read_workbook
from app.xlsx import Cell

Progress = Callable[[int, int], None]
MAX_BYTES = 64 * 1024 * 1024  # a season of the largest club is a few megabytes
MAX_ROWS = 300_000
PREVIEW_ROWS = 8


class ExtractError(KnownError):
    """``unreadable`` (cannot be opened), ``empty``, ``not_a_table`` (not a spreadsheet),
    ``damaged`` (cut short or broken), ``too_large``,
    ``too_many_rows`` (with ``limit``)."""


@dataclass
class Table:
    """A file read as rows of cells, with where its header is and what each column means.
    A workbook may hold several sheets: ``rows`` are those of sheet ``sheet``, the one
    that holds the most codes unless the user chose another (:meth:`on_sheet`)."""

    rows: list[list[Cell]]
    header_row: int  # index in ``rows``
    mapping: dict[Field, int] = field(default_factory=dict)  # field -> column index
    kind: str = "csv"  # "csv" or "workbook"
    sheets: list[str] = field(default_factory=list)  # the workbook's sheet names, in order
    sheet: int = 0
    book: list[list[list[Cell]]] = field(default_factory=list, repr=False)  # every sheet
    aeeh_years: frozenset[int] = frozenset()  # seasons whose codes may start with I
    _wordings: dict[tuple[int, int], dict[str, int]] = field(default_factory=dict, repr=False)

    def on_sheet(self, index: int) -> "Table":
        """The same file, read from another of its sheets (its state wordings counted
        at once: call it off the interface thread)."""
        rows = self.book[index]
        header, mapping = guess_layout(rows)
        table = Table(
            rows, header, mapping, self.kind, self.sheets, index, self.book, self.aeeh_years
        )
        table.wordings()
        return table

    def wordings(self, mapping: Mapping[Field, int] | None = None) -> dict[str, int]:
        """The different words of the state column (as first written) and how many lines
        with a code hold each, in the order they first appear. Counted once per pair of
        code and state columns."""
        mapping = self.mapping if mapping is None else mapping
        column, code_at = mapping.get(Field.STATE), mapping.get(Field.CODE)
        if column is None or code_at is None:
            return {}
        if (code_at, column) not in self._wordings:
            self._wordings[code_at, column] = self._count_wordings(code_at, column)
        return self._wordings[code_at, column]

    def _count_wordings(self, code_at: int, column: int) -> dict[str, int]:
        found: dict[str, int] = {}
        shown: dict[str, str] = {}
        for row in self.rows[self.header_row + 1 :]:
            if code_at >= len(row) or read_code(row[code_at], self.aeeh_years) is None:
                continue  # not a registration: a title, a header again, a total
            text = cell_text(row[column]) if column < len(row) else ""
            if text:
                key = wording_key(text)
                first = shown.setdefault(key, " ".join(text.split()))
                found[first] = found.get(first, 0) + 1
        return found

    @property
    def headers(self) -> list[str]:
        width = max((len(r) for r in self.rows[self.header_row : self.header_row + 50]), default=0)
        head = self.rows[self.header_row] if self.rows else []
        return [cell_text(head[i]) if i < len(head) else "" for i in range(width)]

    def samples(self, column: int, count: int = 3) -> list[str]:
        """A few values of ``column`` below the header, for the preview."""
        found = []
        for row in self.rows[self.header_row + 1 :]:
            if column < len(row) and cell_text(row[column]):
                found.append(cell_shown(row[column]))
                if len(found) >= count:
                    break
        return found

    @property
    def data_rows(self) -> int:
        return sum(1 for r in self.rows[self.header_row + 1 :] if any(cell_text(c) for c in r))


@dataclass(frozen=True)
class PortalLine:
    """One registration as the portal lists it. ``row`` is its line number in the file."""

    row: int
    code: str
    last_name: str = ""
    first_name: str = ""
    birth_date: date | None = None
    state: PortalState | None = None  # None: the state column is empty or absent
    amount_cents: int | None = None
    paid_on: date | None = None
    changed_on: date | None = None  # the date of the state, when the file gives it
    wording: str = ""  # the state as the file writes it


@dataclass(frozen=True)
class Lines:
    lines: list[PortalLine]
    unreadable: list[int]  # line numbers whose code cannot be read
    # Lines whose state wording is unknown and was not given a meaning: they change nothing.
    ignored: list[PortalLine] = field(default_factory=list)


def wording_key(text: str) -> str:
    """Two wordings that differ only by case, accents or spaces are the same."""
    return " ".join(fold(text).split())


# -- Reading the file ----------------------------------------------------------------------------


def read_table(
    path: Path,
    progress: Progress | None = None,
    max_rows: int = MAX_ROWS,
    aeeh_years: frozenset[int] = frozenset(),
) -> Table:
    """Read a CSV file or a workbook (XLSX, XLS, ODS) and guess its sheet, header and
    columns."""
    try:
        size = Path(path).stat().st_size
        if size > MAX_BYTES:
            raise ExtractError("too_large")
        with open(path, "rb") as source:
            head = source.read(8)
            if not head:
                raise ExtractError("empty")
            is_book = head.startswith((b"PK\x03\x04", b"\xd0\xcf\x11\xe0"))
            if not is_book:
                source.seek(0)
                data = source.read()
        if is_book:
            try:
                sheets = read_workbook(path, max_rows, progress)
            except WorkbookError as error:
                reason = "not_a_table" if error.reason == "no_sheet" else error.reason
                raise ExtractError(reason, **error.details) from error
            names, book = [s.name for s in sheets], [s.rows for s in sheets]
        else:
            names, book = [], [_read_csv(data, max_rows)]
    except OSError as error:
        raise ExtractError("unreadable") from error
    if not any(any(cell_text(c) for c in row) for rows in book for row in rows):
        raise ExtractError("empty")
    table = Table([], 0, {}, "workbook" if is_book else "csv", names, 0, book, aeeh_years)
    return table.on_sheet(_sheet_with_codes(book, aeeh_years))


def _sheet_with_codes(book: list[list[list[Cell]]], aeeh_years: frozenset[int]) -> int:
    """The sheet with the most cells that read as codes among its first rows (the first
    sheet of a workbook is often a summary)."""

    def codes(rows: list[list[Cell]]) -> int:
        return sum(1 for row in rows[:200] for c in row if read_code(c, aeeh_years) is not None)

    counts = [codes(rows) for rows in book]
    return counts.index(max(counts)) if counts else 0


_BINARY = re.compile(rb"[\x00-\x08\x0e-\x1a\x1c-\x1f]")


def _decode(data: bytes) -> str:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as error:
            raise ExtractError("damaged") from error
    if _BINARY.search(data[:65536]):
        raise ExtractError("not_a_table")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        if error.start >= len(data) - 3 and error.reason == "unexpected end of data":
            raise ExtractError("damaged") from error  # cut in the middle of a letter
    # Windows-1252 ("ANSI" in Excel); with one of its five unused bytes, Latin-1.
    return data.decode("cp1252") if _is_cp1252(data) else data.decode("latin-1")


def _is_cp1252(data: bytes) -> bool:
    return not any(b in data for b in (b"\x81", b"\x8d", b"\x8f", b"\x90", b"\x9d"))


def _delimiter(lines: list[str]) -> str:
    """The separator that cuts the first lines into the most regular number of cells."""
    best, best_score = ";", 0
    for candidate in (";", ",", "\t", "|"):
        counts = [len(r) for r in csv.reader(lines, delimiter=candidate) if len(r) > 1]
        if not counts:
            continue
        usual = max(set(counts), key=counts.count)
        score = counts.count(usual) * usual
        if score > best_score:
            best, best_score = candidate, score
    return best


def _read_csv(data: bytes, max_rows: int) -> list[list[Cell]]:
    text = _decode(data)
    if not text.strip():
        raise ExtractError("empty")
    sample = [line for line in text[:65536].splitlines() if line.strip()][:60]
    delimiter = _delimiter(sample)
    rows: list[list[Cell]] = []
    try:
        for row in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True):
            rows.append(row)
            if len(rows) > max_rows:
                raise ExtractError("too_many_rows", limit=max_rows)
    except csv.Error as error:  # a quote never closed: the file was cut short
        raise ExtractError("damaged") from error
    if len(rows) > 1 and not text.endswith(("\n", "\r")):
        header = max(len(r) for r in rows[:HEADER_SEARCH_ROWS])
        if 1 < len(rows[-1]) < header:
            raise ExtractError("damaged")  # the last line stops half way
    return rows


# -- Reading the lines ---------------------------------------------------------------------------


def read_lines(
    table: Table,
    mapping: Mapping[Field, int] | None = None,
    states: Mapping[str, PortalState | None] | None = None,
    aeeh_years: Collection[int] = frozenset(),
) -> Lines:
    """The registrations of the table under ``mapping`` (default: the guessed one). Rows
    with no code at all are skipped (blank lines, totals, notes); rows whose code cell
    holds something else are reported as unreadable. ``states`` gives the meaning the
    user chose for state wordings (by :func:`wording_key`), over the program's reading;
    a line whose wording has no meaning is put aside in ``ignored``."""
    mapping = dict(table.mapping if mapping is None else mapping)
    if Field.CODE not in mapping:
        return Lines([], [])
    code_at = mapping[Field.CODE]
    lines, unreadable, ignored = [], [], []
    chosen = {wording_key(k): v for k, v in (states or {}).items()}
    meanings: dict[str, PortalState | None] = {}
    wordings: dict[str, tuple[str, str]] = {}  # as written -> (spaces tidied, key)

    at = {key: mapping.get(key) for key in Field}
    width = max(i for i in at.values() if i is not None) + 1
    last, first, born, state_at, amount, paid_on, changed_on = (
        at[key]
        for key in (Field.LAST_NAME, Field.FIRST_NAME, Field.BIRTH_DATE, Field.STATE,
                    Field.AMOUNT, Field.PAID_ON, Field.CHANGED_ON)
    )  # fmt: skip
    for index in range(table.header_row + 1, len(table.rows)):
        row = table.rows[index]
        raw = row[code_at] if code_at < len(row) else None
        if not cell_text(raw):
            continue
        code = read_code(raw, aeeh_years)
        if code is None:
            if not _skippable(row, table, mapping):
                unreadable.append(index + 1)
            continue
        if len(row) < width:
            row = [*row, *([None] * (width - len(row)))]
        raw_state = "" if state_at is None else cell_text(row[state_at])
        known = wordings.get(raw_state)
        if known is None:
            wording = " ".join(raw_state.split())
            key = wording_key(wording)
            if key not in meanings:
                meanings[key] = chosen[key] if key in chosen else meaning(wording)
            known = wordings[raw_state] = (wording, key)
        wording, key = known
        line = PortalLine(
            index + 1,
            code,
            "" if last is None else read_name(row[last]),
            "" if first is None else read_name(row[first]),
            None if born is None else read_date(row[born]),
            meanings[key] if key else None,
            None if amount is None else read_money(row[amount]),
            None if paid_on is None else read_date(row[paid_on]),
            None if changed_on is None else read_date(row[changed_on]),
            wording,
        )
        (ignored if key and line.state is None else lines).append(line)
    return Lines(lines, unreadable, ignored)


def _skippable(row: list[Cell], table: Table, mapping: Mapping[Field, int]) -> bool:
    """Whether a row whose code cell holds no code is no registration, to skip without a
    word: a totals row, the header printed again (on every page, or above a second block),
    a title such as "Vague de paiement du 15/10/2025". A row that looks like a registration
    (a name, a state, a birth date) or whose code cell looks like a mistyped code is not:
    it is reported as unreadable."""
    if _looks_like_total(row) or _repeats_header(row, table):
        return True
    code_at = mapping[Field.CODE]
    if _CODE_LIKE.fullmatch(cell_text(row[code_at]).upper()):
        return False
    return not _registration_like(row, code_at, mapping)


# A code typed wrong: "25-ABCD-EFG", "2S ABCD EFGH", "ABCD-EFGH", "25ABCDEFG".
_CODE_LIKE = re.compile(
    r"(?=.*\d)[A-Z0-9]{1,3}[\s_.-]+[A-Z0-9]{3,5}[\s_.-]+[A-Z0-9]{3,5}"
    r"|[A-Z0-9]{4}-[A-Z0-9]{4}|(?=.*[A-Z])\d{1,2}[A-Z0-9]{6,11}",
    re.ASCII,
)


def _repeats_header(row: list[Cell], table: Table) -> bool:
    texts = [cell_text(c) for c in row]
    header = [cell_text(c) for c in table.rows[table.header_row]] if table.rows else []
    if _titles(texts) == _titles(header):
        return True
    titles = guess_mapping(texts)
    return Field.CODE in titles and len(titles) >= 2  # the header of another block


def _titles(texts: list[str]) -> list[str]:
    return [normalise_title(t) for t in texts if t]


def _registration_like(row: list[Cell], code_at: int, mapping: Mapping[Field, int]) -> bool:
    def at(key: Field) -> str:
        index = mapping.get(key)
        return cell_text(row[index]) if index is not None and index < len(row) else ""

    if Field.LAST_NAME in mapping or Field.FIRST_NAME in mapping:
        named = any(_has_letters(at(key)) for key in (Field.LAST_NAME, Field.FIRST_NAME))
    else:  # no name column chosen: any other cell of words may be one
        named = any(_has_letters(cell_text(c)) for i, c in enumerate(row) if i != code_at)
    # A state of any wording (the portal's words change), a birth date.
    return named or _has_letters(at(Field.STATE)) or read_date(at(Field.BIRTH_DATE)) is not None


def _has_letters(text: str) -> bool:
    return re.search(r"[^\W\d_]", text) is not None


def _looks_like_total(row: list[Cell]) -> bool:
    first = next((fold(cell_text(c)) for c in row if cell_text(c)), "")
    return first.startswith(("total", "sous-total", "sous total", "nombre", "somme", "montant"))
