"""Words for a pass'Sport code typed or scanned wrong: what is wrong, then what to do."""

from collections.abc import Callable

from app.codes import CodeError, CodeReason
from ui import french
from ui.french import long_date


# Codes as typed or scanned: what is wrong, then what to do.
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


def _example(d: dict) -> str:
    return french.unbroken(d.get("example", "26-ABCD-EFGH"))


def _place(d: dict) -> str:
    """Where the fault is, counted as the volunteer counts on screen (dashes too)."""
    return f"{ordinal(d['shown_index'] + 1)} caractère" if "shown_index" in d else "caractère"


_LOOKALIKE_HINTS = {"O": "C'est peut-être un D ou un Q.", "I": "C'est peut-être un J ou un L."}
CODE_ERRORS: dict[CodeReason, Callable[[dict], str]] = {
    CodeReason.EMPTY: lambda d: f"Le code est vide. Tapez le code reçu, par exemple {_example(d)}.",
    CodeReason.TOO_SHORT: lambda d: (
        f"Ce code a {_characters(d['typed'])}. Il en faut {d['needed']}, sans compter les tirets."
    ),
    CodeReason.TOO_LONG: lambda d: (
        f"Ce code a {_characters(d['typed'])}. Il en faut {d['needed']}, sans compter les tirets."
    ),
    CodeReason.MISSING_YEAR: lambda d: (
        f"Il manque les deux chiffres du début. Un code ressemble à {_example(d)}."
    ),
    CodeReason.INVALID_CHARACTER: lambda d: (
        f"{_sign(d['char'])} ne va pas dans un code ({_place(d)}). "
        "Tapez seulement des lettres et des chiffres."
    ),
    CodeReason.LETTER_IN_YEAR: lambda d: (
        f"Le {_place(d)} est la lettre {d['char']}. Un code commence par deux chiffres."
    ),
    CodeReason.DIGIT_IN_LETTERS: lambda d: (
        f"Le {_place(d)} est le chiffre {d['digit']}. "
        "Après les deux premiers chiffres, un code n'a que des lettres."
    ),
    CodeReason.FORBIDDEN_LETTER: lambda d: (
        f"Le {_place(d)}, {d['letter']}, n'existe pas dans les codes. "
        + _LOOKALIKE_HINTS.get(d["letter"], "Vérifiez-le.")
    ),
    CodeReason.UNKNOWN_SEASON: lambda d: (
        f"Aucun pass'Sport ne commence par {d['prefix']}. "
        f"Vérifiez les deux premiers chiffres : un code de cette saison ressemble à {_example(d)}."
    ),
    CodeReason.SEASON_WITHOUT_CODES: lambda d: (
        f"Les pass'Sport de {d['year']} n'avaient pas de code. "
        f"Un code de cette saison ressemble à {_example(d)}."
    ),
    CodeReason.SEASON_NOT_OPEN: lambda d: (
        f"La saisie des codes {d['year']} ouvre le {long_date(d['opens'])}. "
        "Gardez ce code jusque-là."
    ),
    CodeReason.SEASON_CLOSED: lambda d: (
        f"Ce code de {d['year']} ne sert plus. "
        f"Demandez à la famille le code de cette saison, qui ressemble à {_example(d)}."
    ),
    CodeReason.QR_URL: lambda d: (
        "Ce QR code ne peut pas être lu sans connexion. Tapez le code imprimé sous le QR code."
    ),
    CodeReason.SEVERAL_CODES: lambda d: (
        f"Le texte contient {d['count']} codes différents. Tapez un seul code à la fois."
    ),
}


def describe_code_error(error: CodeError) -> str:
    """One or two plain French sentences: what is wrong and what to do."""
    return CODE_ERRORS[error.reason](error.details)


def use_suggestion(code: str) -> str:
    return f"Prendre {code}"
