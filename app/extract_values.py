"""The values of an extract's cells, read whatever the way they were written: codes by the
desk's grammar, amounts in French or English writing, dates as text, as real dates or as
Excel's day numbers."""

import math
import re
from collections.abc import Collection
from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

from app.codes import written_code
from app.people import fold
from app.xlsx import Cell


def cell_text(cell: Cell) -> str:
    if cell is None:
        return ""
    return cell.strip() if isinstance(cell, str) else str(cell)


def cell_shown(cell: Cell) -> str:
    if isinstance(cell, datetime | date):
        day = cell.date() if isinstance(cell, datetime) else cell
        return f"{day.day:02d}/{day.month:02d}/{day.year}"
    return cell_text(cell)


def read_code(cell: Cell, aeeh_years: Collection[int] = frozenset()) -> str | None:
    """``25-ABCD-EFGH`` from what the portal wrote (spaces, no dashes, lowercase...), read
    by the desk's own grammar: what the desk refuses is never brought in."""
    return written_code(cell_text(cell), aeeh_years)


def read_money(cell: Cell) -> int | None:
    """Cents from ``70``, ``70,5``, ``1 400,00`` (any space), ``1.400,00``, ``1,400.00``,
    ``70 €``, ``70,00 EUR``, ``-70,00``, ``(70,00)``. In French files the dot groups
    thousands: ``1.400`` is 1 400 €. ``1,400`` (French decimals or English thousands?) and
    anything else that can be read two ways is None: no amount rather than a wrong one."""
    if isinstance(cell, bool) or cell is None:
        return None
    if isinstance(cell, int):
        return cell * 100
    if isinstance(cell, float):
        return round(cell * 100) if math.isfinite(cell) else None
    if not isinstance(cell, str):
        return None  # a date
    text = re.sub(r"€|euros?|eur", " ", fold(cell)).replace("\u2212", "-").replace("’", "'")
    text, negative = text.strip(), False
    if text.startswith("(") and text.endswith(")"):  # accounting: (70,00) is -70,00
        text, negative = text[1:-1].strip(), True
    if text[:1] in ("-", "+"):
        text, negative = text[1:].strip(), negative or text[0] == "-"
    elif text.endswith("-"):
        text, negative = text[:-1].strip(), True
    cents = _cents(text)
    return -cents if negative and cents is not None else cents


def _cents(number: str) -> int | None:
    if not re.fullmatch(r"\d+(?:[ .,']\d+)*", number):
        return None
    groups = re.split(r"[ .,']", number)
    marks = re.findall(r"[ .,']", number)
    decimals = ""
    last = marks[-1] if marks else ""
    if last in (".", ",") and marks.count(last) == 1:  # the last mark, once: decimals?
        if len(groups[-1]) == 3 and len(marks) > 1:
            return None  # "1.400,500": three decimals, no amount has them
        if len(groups[-1]) == 3 and last == ",":
            return None  # "1,400": 1,40 € in French, 1 400 € in English
        if len(groups[-1]) != 3:  # "1.400" (one dot, three digits) groups thousands
            decimals = groups.pop()
            marks.pop()
            if len(decimals) > 2 and decimals[2:].strip("0"):
                return None  # "70.125": not a whole number of cents
    grouped = all(len(g) == 3 for g in groups[1:]) and len(groups[0]) <= (3 if marks else 12)
    if len(set(marks)) > 1 or not grouped:
        return None  # "14 00", "1.400 000": not groups of thousands
    return int("".join(groups)) * 100 + int(decimals[:2].ljust(2, "0"))


_EXCEL_DAY_ZERO = date(1899, 12, 30)  # serial 61 is 1 March 1900 (Excel counts 29/02/1900)
FIRST_YEAR, LAST_YEAR = 1900, 2100  # a date outside is no date of this program
_MONTHS = {"janvier": 1, "janv": 1, "jan": 1, "fevrier": 2, "fevr": 2, "fev": 2, "mars": 3,
           "mar": 3, "avril": 4, "avr": 4, "mai": 5, "juin": 6, "juillet": 7, "juil": 7,
           "aout": 8, "septembre": 9, "sept": 9, "sep": 9, "octobre": 10, "oct": 10,
           "novembre": 11, "nov": 11, "decembre": 12, "dec": 12}  # fmt: skip
_TIME = (  # " 14:32", "T14:32:00.000Z", " à 14 h 32", "+01:00": the day is kept, the time not
    r"(?:(?:\s+|t)(?:a\s+)?(?P<hour>\d{1,2})\s*[:h]\s*(?P<minute>\d{2})?(?::\d{2}(?:[.,]\d+)?)?"
    r"\s*(?P<zone>z|utc|[+-]\d{2}:?\d{2})?)?"
)
_DATES = [
    re.compile(r"(?P<d>\d{1,2})(?P<s>[/.-])(?P<m>\d{1,2})(?P=s)(?P<y>\d{4}|\d{2})" + _TIME),
    re.compile(r"(?P<y>\d{4})(?P<s>[/.-])(?P<m>\d{1,2})(?P=s)(?P<d>\d{1,2})" + _TIME),
    re.compile(r"(?P<y>(?:19|20)\d{2})(?P<m>[01]\d)(?P<d>[0-3]\d)"),  # 20251105
    re.compile(
        r"(?:(?:lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche),?\s+)?(?P<d>\d{1,2})"
        r"(?:er)?\s+(?P<month>[a-z]+)\.?\s+(?P<y>\d{4})" + _TIME
    ),  # "5 novembre 2025", "mercredi 1er oct. 2025 à 14 h"
]
_PARIS = ZoneInfo("Europe/Paris")


def read_date(cell: Cell) -> date | None:
    """A day from a date cell, an Excel serial number (``45966``, ``"45966,5"``: days since
    1899, 1900 system) or a text: ``05/11/2025``, ``5-11-25`` (day first, French order: a
    year of two digits is 19xx from 70, 20xx below), ``2025-11-05T14:32:00``, ``20251105``,
    ``5 novembre 2025``. The time is dropped; a time with a zone is first taken to Paris.
    A day that does not exist, or outside 1900-2100, is None; so is a whole number from
    1900 to 2100 (a year, not a day of 1905)."""
    if isinstance(cell, datetime):
        return cell.date()
    if isinstance(cell, date):
        return cell
    if isinstance(cell, bool) or cell is None:
        return None
    if isinstance(cell, int | float):
        return _from_serial(cell)
    text = fold(cell_text(cell))
    if re.fullmatch(r"\d{1,5}(?:[.,]\d+)?", text):
        return _from_serial(float(text.replace(",", ".")))
    for pattern in _DATES:
        if match := pattern.fullmatch(text):
            return _day_of(match)
    return None


def _from_serial(number: float) -> date | None:
    if not math.isfinite(number) or number < 1:
        return None
    if number == int(number) and FIRST_YEAR <= number <= LAST_YEAR:
        return None  # "2012" alone is a year, not a day of 1905
    serial = int(number)  # the fraction is the time of day
    if serial == 60:
        return None  # 29 February 1900, a day Excel counts that never was
    if serial > (date(LAST_YEAR, 12, 31) - _EXCEL_DAY_ZERO).days:
        return None
    return _EXCEL_DAY_ZERO + timedelta(days=serial if serial > 60 else serial + 1)


def _day_of(match: re.Match[str]) -> date | None:
    parts = match.groupdict()
    year = int(parts["y"])
    if len(parts["y"]) == 2:
        year += 1900 if year >= 70 else 2000
    month = _MONTHS.get(parts["month"]) if parts.get("month") else int(parts["m"])
    if month is None or not FIRST_YEAR <= year <= LAST_YEAR:
        return None
    try:
        day = date(year, month, int(parts["d"]))
        if parts.get("zone") and parts.get("hour"):
            zone = parts["zone"]
            offset = timedelta(0)
            if zone not in ("z", "utc"):
                sign = -1 if zone[0] == "-" else 1
                offset = sign * timedelta(hours=int(zone[1:3]), minutes=int(zone[-2:]))
            moment = datetime.combine(day, datetime.min.time()).replace(
                hour=int(parts["hour"]), minute=int(parts["minute"] or 0), tzinfo=timezone(offset)
            )
            day = moment.astimezone(_PARIS).date()
    except ValueError:
        return None
    return day


def read_name(cell: Cell) -> str:
    return " ".join(cell_text(cell).split())
