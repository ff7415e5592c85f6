"""The extracts downloaded from Le Compte Asso, read whatever their shape.

Two extracts exist ("bénéficiaires inscrits", "état de paiement"), as CSV (``;`` or ``,``,
UTF-8 or Windows-1252) or XLSX. Their exact columns are not published and change: the
header row is looked for among the first rows and each column is recognised by its
meaning (n° pass'Sport, nom, prénom, état, montant, date de paiement...), whatever the
accents, case, spacing or order. Title rows above, blank lines and totals rows are
skipped. The guessed mapping is only a proposal: the user can change it.
"""

import csv
import io
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from pathlib import Path

from app.errors import KnownError
from app.people import fold
from app.xlsx import Cell
from app.xlsx_reader import XlsxError, read_xlsx

Progress = Callable[[int, int], None]
MAX_BYTES = 64 * 1024 * 1024  # a season of the largest club is a few megabytes
MAX_ROWS = 300_000
HEADER_SEARCH_ROWS = 30
PREVIEW_ROWS = 8


class ExtractError(KnownError):
    """``unreadable`` (cannot be opened), ``empty``, ``not_a_table`` (not a spreadsheet),
    ``old_excel`` (.xls), ``damaged`` (cut short or broken), ``too_large``,
    ``too_many_rows`` (with ``limit``)."""


class Field(StrEnum):
    CODE = "code"
    LAST_NAME = "last_name"
    FIRST_NAME = "first_name"
    BIRTH_DATE = "birth_date"
    STATE = "state"
    AMOUNT = "amount"
    PAID_ON = "paid_on"


class PortalState(StrEnum):
    """What the portal says of a registration, in the program's words."""

    REGISTERED = "confirmed"  # "En cours de traitement", "Inscrit"
    IN_PAYMENT = "in_processing"  # "En cours de paiement"
    PAID = "paid"  # "Remboursé", "Payé"
    CANCELLED = "cancelled"  # "Annulé", "Refusé"


@dataclass
class Table:
    """A file read as rows of cells, with where its header is and what each column means."""

    rows: list[list[Cell]]
    header_row: int  # index in ``rows``
    mapping: dict[Field, int] = field(default_factory=dict)  # field -> column index
    kind: str = "csv"  # "csv" or "xlsx"

    @property
    def headers(self) -> list[str]:
        width = max((len(r) for r in self.rows[self.header_row : self.header_row + 50]), default=0)
        head = self.rows[self.header_row] if self.rows else []
        return [_text(head[i]) if i < len(head) else "" for i in range(width)]

    def samples(self, column: int, count: int = 3) -> list[str]:
        """A few values of ``column`` below the header, for the preview."""
        found = []
        for row in self.rows[self.header_row + 1 :]:
            if column < len(row) and _text(row[column]):
                found.append(_shown(row[column]))
                if len(found) >= count:
                    break
        return found

    @property
    def data_rows(self) -> int:
        return sum(1 for r in self.rows[self.header_row + 1 :] if any(_text(c) for c in r))


@dataclass(frozen=True)
class PortalLine:
    """One registration as the portal lists it. ``row`` is its line number in the file."""

    row: int
    code: str
    last_name: str = ""
    first_name: str = ""
    birth_date: date | None = None
    state: PortalState | None = None
    amount_cents: int | None = None
    paid_on: date | None = None


@dataclass(frozen=True)
class Lines:
    lines: list[PortalLine]
    unreadable: list[int]  # line numbers whose code cannot be read


# -- Reading the file ----------------------------------------------------------------------------


def read_table(path: Path, progress: Progress | None = None, max_rows: int = MAX_ROWS) -> Table:
    """Read a CSV or XLSX file and guess its header and columns."""
    try:
        size = Path(path).stat().st_size
        if size > MAX_BYTES:
            raise ExtractError("too_large")
        with open(path, "rb") as source:
            head = source.read(8)
            if not head:
                raise ExtractError("empty")
            if head.startswith(b"PK\x03\x04"):
                try:
                    rows = read_xlsx(path, max_rows, progress)
                except XlsxError as error:
                    reason = "not_a_table" if error.reason == "no_sheet" else error.reason
                    raise ExtractError(reason, **error.details) from error
                kind = "xlsx"
            elif head.startswith(b"\xd0\xcf\x11\xe0"):
                raise ExtractError("old_excel")
            else:
                source.seek(0)
                rows = _read_csv(source.read(), max_rows)
                kind = "csv"
    except OSError as error:
        raise ExtractError("unreadable") from error
    if not any(any(_text(c) for c in row) for row in rows):
        raise ExtractError("empty")
    header, mapping = guess_layout(rows)
    return Table(rows, header, mapping, kind)


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


# -- Guessing the columns ------------------------------------------------------------------------


def normalise_title(title: str) -> str:
    """``N° Pass'Sport`` -> ``numero pass sport``: folded, punctuation as spaces."""
    text = fold(title).replace("°", " numero ").replace("n º", "numero")
    text = re.sub(r"[^a-z0-9]+", " ", text)
    words = ["numero" if w in ("n", "no", "num", "nr", "numero") else w for w in text.split()]
    return " ".join(words)


_NOT_A_PERSON = {"structure", "club", "association", "responsable", "representant", "organisme"}


def field_of(title: str) -> Field | None:
    """The meaning of a column from its title, or None."""
    words = normalise_title(title).split()
    if not words:
        return None
    joined = " ".join(words)
    if _NOT_A_PERSON & set(words):
        return None
    names_code = {"pass", "passsport"} & set(words) or joined in ("code", "code beneficiaire")
    if names_code and not {"date", "montant", "statut", "etat"} & set(words):
        return Field.CODE
    if "prenom" in words or "prenoms" in words:
        return Field.FIRST_NAME
    if "naissance" in words:
        return Field.BIRTH_DATE
    if "date" in words and {"paiement", "remboursement", "virement", "versement", "paye"} & set(
        words
    ):
        return Field.PAID_ON
    if words[0] in ("etat", "statut", "status", "situation"):
        return Field.STATE
    if words[0] in ("montant", "somme") or joined in ("montant rembourse", "remboursement"):
        return Field.AMOUNT
    if words[0] == "nom" or joined in ("beneficiaire", "nom du beneficiaire"):
        return Field.LAST_NAME
    return None


def guess_mapping(titles: list[str]) -> dict[Field, int]:
    mapping: dict[Field, int] = {}
    for index, title in enumerate(titles):
        meaning = field_of(title)
        if meaning is not None and meaning not in mapping:
            mapping[meaning] = index
    return mapping


def guess_layout(rows: list[list[Cell]]) -> tuple[int, dict[Field, int]]:
    """The header row (the first rows are titles, dates, club names...) and its mapping."""
    best, best_mapping, best_score = None, {}, (0, 0)
    for index, row in enumerate(rows[:HEADER_SEARCH_ROWS]):
        mapping = guess_mapping([_text(c) for c in row])
        score = (len(mapping), sum(1 for c in row if _text(c)))
        if Field.CODE in mapping and score > best_score:
            best, best_mapping, best_score = index, mapping, score
    if best is None:  # no code column: show the first full row, the user chooses
        filled = [sum(1 for c in r if _text(c)) for r in rows[:HEADER_SEARCH_ROWS]]
        best = filled.index(max(filled)) if filled else 0
        best_mapping = guess_mapping([_text(c) for c in rows[best]]) if rows else {}
    return best, best_mapping


# -- Reading the lines ---------------------------------------------------------------------------

_CODE = re.compile(r"(\d{2})([A-Z]{4})([A-Z]{4})")
_STATES = (  # the first words found decide, so the most precise come first
    ("attente", PortalState.REGISTERED),
    ("cours de rembours", PortalState.IN_PAYMENT),
    ("cours de paiement", PortalState.IN_PAYMENT),
    ("rembours", PortalState.PAID),
    ("paye", PortalState.PAID),
    ("verse", PortalState.PAID),
    ("vire", PortalState.PAID),
    ("paiement", PortalState.IN_PAYMENT),
    ("annul", PortalState.CANCELLED),
    ("refus", PortalState.CANCELLED),
    ("rejet", PortalState.CANCELLED),
    ("supprim", PortalState.CANCELLED),
    ("traitement", PortalState.REGISTERED),
    ("inscrit", PortalState.REGISTERED),
    ("valid", PortalState.REGISTERED),
)
_MONEY = re.compile(r"(-?\d+)(?:[.,](\d{1,2}))?")
_DATE = re.compile(r"(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})|(\d{4})-(\d{2})-(\d{2})")


def _text(cell: Cell) -> str:
    if cell is None:
        return ""
    return cell.strip() if isinstance(cell, str) else str(cell)


def _shown(cell: Cell) -> str:
    if isinstance(cell, datetime | date):
        day = cell.date() if isinstance(cell, datetime) else cell
        return f"{day.day:02d}/{day.month:02d}/{day.year}"
    return _text(cell)


def read_code(cell: Cell) -> str | None:
    """``25-ABCD-EFGH`` from what the portal wrote (spaces, no dashes, lowercase...)."""
    compact = re.sub(r"[\s\-_.]", "", _text(cell)).upper()
    match = _CODE.fullmatch(compact)
    return f"{match[1]}-{match[2]}-{match[3]}" if match else None


def read_state(cell: Cell) -> PortalState | None:
    words = fold(_text(cell))
    for start, state in _STATES:
        if start in words:
            return state
    return None


def read_money(cell: Cell) -> int | None:
    if isinstance(cell, bool) or cell is None:
        return None
    if isinstance(cell, int | float):
        return round(cell * 100)
    text = re.sub(r"[\s\u00a0\u202f€]|EUR", "", _text(cell), flags=re.IGNORECASE)
    match = _MONEY.fullmatch(text)
    if not match:
        return None
    return int(match[1]) * 100 + int((match[2] or "0").ljust(2, "0"))


def read_date(cell: Cell) -> date | None:
    if isinstance(cell, datetime):
        return cell.date()
    if isinstance(cell, date):
        return cell
    match = _DATE.match(_text(cell))
    if not match:
        return None
    try:
        if match[1]:
            return date(int(match[3]), int(match[2]), int(match[1]))
        return date(int(match[4]), int(match[5]), int(match[6]))
    except ValueError:
        return None


def _name(cell: Cell) -> str:
    return " ".join(_text(cell).split())


def read_lines(table: Table, mapping: Mapping[Field, int] | None = None) -> Lines:
    """The registrations of the table under ``mapping`` (default: the guessed one). Rows
    with no code at all are skipped (blank lines, totals, notes); rows whose code cell
    holds something else are reported as unreadable."""
    mapping = dict(table.mapping if mapping is None else mapping)
    if Field.CODE not in mapping:
        return Lines([], [])
    code_at = mapping[Field.CODE]
    lines, unreadable = [], []

    def cell(row: list[Cell], key: Field) -> Cell:
        index = mapping.get(key)
        return row[index] if index is not None and index < len(row) else None

    for index in range(table.header_row + 1, len(table.rows)):
        row = table.rows[index]
        raw = row[code_at] if code_at < len(row) else None
        if not _text(raw):
            continue
        code = read_code(raw)
        if code is None:
            if not _looks_like_total(row):
                unreadable.append(index + 1)
            continue
        lines.append(
            PortalLine(
                row=index + 1,
                code=code,
                last_name=_name(cell(row, Field.LAST_NAME)),
                first_name=_name(cell(row, Field.FIRST_NAME)),
                birth_date=read_date(cell(row, Field.BIRTH_DATE)),
                state=read_state(cell(row, Field.STATE)),
                amount_cents=read_money(cell(row, Field.AMOUNT)),
                paid_on=read_date(cell(row, Field.PAID_ON)),
            )
        )
    return Lines(lines, unreadable)


def _looks_like_total(row: list[Cell]) -> bool:
    first = next((fold(_text(c)) for c in row if _text(c)), "")
    return first.startswith(("total", "sous-total", "sous total", "nombre", "somme", "montant"))
