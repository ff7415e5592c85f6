"""Dates, times and amounts written the French way: 26 novembre 2026, 14 h 32, 70,00 €."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

PARIS = ZoneInfo("Europe/Paris")
NBSP = "\u00a0"
MONTHS = (
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
)


def euros(cents: int) -> str:
    """``7000`` -> ``70,00 €``; thousands grouped: ``1 250,00 €`` (non-breaking spaces)."""
    sign = "-" if cents < 0 else ""
    whole, part = divmod(abs(cents), 100)
    grouped = f"{whole:,}".replace(",", NBSP)
    return f"{sign}{grouped},{part:02d}{NBSP}€"


def long_date(day: date) -> str:
    """``1er janvier 2026``, ``26 novembre 2026``."""
    number = "1er" if day.day == 1 else str(day.day)
    return f"{number} {MONTHS[day.month - 1]} {day.year}"


def short_date(day: date) -> str:
    return day.strftime("%d/%m/%Y")


def clock(moment: datetime) -> str:
    """``14 h 32``, in Paris time."""
    local = moment.astimezone(PARIS)
    return f"{local.hour} h {local.minute:02d}"


def moment(when: datetime) -> str:
    """``26 novembre 2026 à 14 h 32``, in Paris time."""
    local = when.astimezone(PARIS)
    return f"{long_date(local.date())} à {clock(local)}"


def unbroken(code: str) -> str:
    """A code that never wraps at its dashes (a word joiner after each; readers and the
    code field ignore it)."""
    return code.replace("-", "-\u2060")
