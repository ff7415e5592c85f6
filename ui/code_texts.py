"""The French wording of pass'Sport code errors, in one place to be read for plain language.

One or two short sentences each: what is wrong, then what to do. Pure Python (no Qt).
"""

from collections.abc import Callable
from datetime import date, datetime

from app.codes import CodeError, CodeReason

MONTHS = (
    "janvier", "février", "mars", "avril", "mai", "juin",
    "juillet", "août", "septembre", "octobre", "novembre", "décembre",
)  # fmt: skip


def french_date(day: date | datetime) -> str:
    """``1er janvier 2026``, ``15 octobre 2025``."""
    number = "1er" if day.day == 1 else str(day.day)
    return f"{number} {MONTHS[day.month - 1]} {day.year}"


def ordinal(position: int) -> str:
    """``1er``, ``2e``, ``7e``."""
    return "1er" if position == 1 else f"{position}e"


def _characters(count: int) -> str:
    return "1 caractère" if count == 1 else f"{count} caractères"


def _sign(char: str) -> str:
    return (
        f"Le signe « {char} »"
        if char.isprintable() and not char.isspace()
        else "Un signe invisible"
    )


_TEXTS: dict[CodeReason, Callable[[dict], str]] = {
    CodeReason.EMPTY: lambda d: "Le code est vide. Tapez le code reçu, par exemple 25-ABCD-EFGH.",
    CodeReason.TOO_SHORT: lambda d: (
        f"Ce code a {_characters(d['typed'])}. Il en faut {d['needed']}, sans compter les tirets."
    ),
    CodeReason.TOO_LONG: lambda d: (
        f"Ce code a {_characters(d['typed'])}. Il en faut {d['needed']}, sans compter les tirets."
    ),
    CodeReason.MISSING_YEAR: lambda d: (
        "Il manque les deux chiffres du début. Un code ressemble à 25-ABCD-EFGH."
    ),
    CodeReason.INVALID_CHARACTER: lambda d: (
        f"{_sign(d['char'])} ne va pas dans un code ({ordinal(d['position'])} caractère). "
        "Tapez seulement des lettres et des chiffres."
    ),
    CodeReason.LETTER_IN_YEAR: lambda d: (
        f"Le {ordinal(d['position'])} caractère est la lettre {d['char']}. "
        "Un code commence par deux chiffres."
    ),
    CodeReason.DIGIT_IN_LETTERS: lambda d: (
        f"Le {ordinal(d['position'])} caractère est le chiffre {d['digit']}. "
        "Après les deux premiers chiffres, un code n'a que des lettres."
    ),
    CodeReason.FORBIDDEN_LETTER: lambda d: (
        f"La lettre {d['letter']} n'existe pas dans les codes "
        f"({ordinal(d['position'])} caractère). Vérifiez ce caractère."
    ),
    CodeReason.UNKNOWN_SEASON: lambda d: (
        f"Aucun pass'Sport ne commence par {d['prefix']}. Vérifiez les deux premiers chiffres."
    ),
    CodeReason.SEASON_WITHOUT_CODES: lambda d: (
        f"Les pass'Sport de {d['year']} n'avaient pas de code. Vérifiez les deux premiers chiffres."
    ),
    CodeReason.SEASON_NOT_OPEN: lambda d: (
        f"La saisie des codes {d['year']} ouvre le {french_date(d['opens'])}. "
        "Gardez ce code jusque-là."
    ),
    CodeReason.SEASON_CLOSED: lambda d: (
        f"Ce code date de {d['year']}. La saisie des codes {d['year']} est close "
        f"depuis le {french_date(d['deadline'])}."
    ),
    CodeReason.QR_URL: lambda d: (
        "Ce QR code ne peut pas être lu sans connexion. Tapez le code imprimé sous le QR code."
    ),
    CodeReason.SEVERAL_CODES: lambda d: (
        f"Le texte contient {d['count']} codes différents. Saisissez un seul code à la fois."
    ),
}


def describe_code_error(error: CodeError) -> str:
    """One or two plain French sentences: what is wrong and what to do."""
    return _TEXTS[error.reason](error.details)


def describe_suggestion(error: CodeError) -> str | None:
    """The question to ask when a corrected code is proposed, else None."""
    if error.suggestion is None:
        return None
    return f"Vouliez-vous taper {error.suggestion} ?"
