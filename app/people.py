"""What the desk asks about a young person: names, birth date, fee. Checked, never guessed.

Only the data the receipt and the national check need (DOMAIN.md, personal data).
"""

import re
import unicodedata
from dataclasses import dataclass
from datetime import date

from app.errors import FormError
from app.seasons import Season

NAME_MAX = 60
ACTIVITY_MAX = 60
FEE_MAX_CENTS = 1_000_000  # 10 000 €: anything above is a typing slip
_APOSTROPHES = str.maketrans({"\u2019": "'", "\u02bc": "'", "\u2018": "'", "`": "'"})
_DASHES = str.maketrans({"\u2010": "-", "\u2011": "-", "\u2013": "-", "\u2014": "-"})
_DATE_DIGITS = re.compile(r"(\d{2})(\d{2})(\d{4})")
_DATE_PARTS = re.compile(r"(\d{1,2})\s*[/.\- ]\s*(\d{1,2})\s*[/.\- ]\s*(\d{4})")
_MONEY = re.compile(r"(\d{1,7})(?:[.,](\d{1,2}))?")


@dataclass(frozen=True)
class Person:
    last_name: str
    first_name: str
    birth_date: date


def clean_name(value: str) -> tuple[str, str | None]:
    """A name in one Unicode form, single spaces, typographic marks made plain; or a reason.

    Letters of every alphabet are accepted, with spaces, hyphens, apostrophes and dots.
    """
    text = unicodedata.normalize("NFC", value).translate(_APOSTROPHES).translate(_DASHES)
    text = " ".join(text.split())  # tabs, line breaks, non-breaking spaces
    if not text:
        return "", "required"
    if len(text) > NAME_MAX:
        return text[:NAME_MAX], "too_long"
    for char in text:
        kind = unicodedata.category(char)
        if kind.startswith("C"):
            return text, "control_character"
        if not (kind.startswith(("L", "M")) or char in " -'."):
            return text, "name_character"
    if not any(unicodedata.category(c).startswith("L") for c in text):
        return text, "name_character"
    return text, None


def same_name(a: str, b: str) -> bool:
    """Equal names whatever the case, accents or spacing (as the national check does)."""
    return fold(a) == fold(b)


def fold(text: str) -> str:
    """Lowercase, without accents, single spaces: the form used to compare and search."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(plain.split())


def search_words(text: str) -> list[str]:
    """The words of ``text`` as searched: folded, split at spaces, dashes and apostrophes."""
    return fold(text.replace("-", " ").replace("'", " ")).split()


def parse_birth_date(value: str, today: date) -> tuple[date | None, str | None]:
    """``15032012``, ``15/03/2012``, ``15.3.2012``... as a real past date; or a reason."""
    text = value.strip()
    if not text:
        return None, "required"
    match = _DATE_DIGITS.fullmatch(text) or _DATE_PARTS.fullmatch(text)
    if not match:
        return None, "date_format"
    day, month, year = (int(part) for part in match.groups())
    try:
        born = date(year, month, day)
    except ValueError:
        return None, "date_not_in_calendar"
    if born > today:
        return None, "date_future"
    if year < 1900:
        return None, "date_format"
    return born, None


def parse_money(value: str) -> tuple[int | None, str | None]:
    """Euros as typed (``120``, ``120,50``, ``120 €``) in cents; empty is ``None``."""
    text = value.replace("€", "").replace("\u00a0", "").replace(" ", "").strip()
    if not text:
        return None, None
    match = _MONEY.fullmatch(text)
    if not match:
        return None, "money_format"
    cents = int(match.group(1)) * 100 + int((match.group(2) or "0").ljust(2, "0"))
    if cents > FEE_MAX_CENTS:
        return None, "money_too_large"
    return cents, None


def check_person(
    last_name: str, first_name: str, birth: str, season: Season, today: date
) -> Person:
    """A checked person for ``season``, or :class:`FormError` naming each wrong field."""
    errors: dict[str, str] = {}
    last, reason = clean_name(last_name)
    if reason:
        errors["last_name"] = reason
    first, reason = clean_name(first_name)
    if reason:
        errors["first_name"] = reason
    born, reason = parse_birth_date(birth, today)
    if reason:
        errors["birth_date"] = reason
    elif born is not None and not season.age_allowed(born):
        errors["birth_date"] = "age_out_of_range"
    if errors:
        raise FormError(errors)
    return Person(last, first, born)


def check_extras(activity: str, fee: str) -> tuple[str, int | None]:
    """The optional activity and membership fee, or :class:`FormError`."""
    errors: dict[str, str] = {}
    activity = " ".join(unicodedata.normalize("NFC", activity).split())
    if len(activity) > ACTIVITY_MAX:
        errors["activity"] = "too_long"
    elif any(unicodedata.category(c).startswith("C") for c in activity):
        errors["activity"] = "control_character"
    fee_cents, reason = parse_money(fee)
    if reason:
        errors["fee"] = reason
    if errors:
        raise FormError(errors)
    return activity, fee_cents
