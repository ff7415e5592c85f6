"""Plain French, checked on every string the interface can show (UX.md): short sentences,
no word in capitals only, no abbreviations. Each string of ui/texts.py is read, and each
function of it is called with sample values, so that sentences built at run time are read
as well."""

import ast
import enum
import importlib
import inspect
import re
from datetime import date, datetime
from pathlib import Path

import pytest

from app.codes import CodeError, CodeReason

# Modules whose strings the interface shows. A new one (ui/treasurer_texts.py) joins here.
TEXT_MODULES = ["ui.texts"]
MAX_WORDS = 20
# Words in capitals that are names, not shouting: the receipt's word, official numbers.
ALLOWED_CAPITALS = {"DUPLICATA", "SIRET", "RNA", "PDF", "QR", "USB", "CSV"}
# Short forms a reader meets everywhere and that screen readers say well.
ALLOWED_SHORT = {"h"}  # 14 h 32
ABBREVIATIONS = {
    "av", "bd", "cf", "cm", "coord", "dr", "env", "etc", "ex", "hr", "kg", "km", "max",
    "min", "mlle", "mm", "mme", "nb", "no", "num", "p", "qté", "réf", "sec", "st", "ste",
    "tél", "vol",
}  # fmt: skip
ELISION = re.compile(r"\b(?:jusqu|lorsqu|puisqu|presqu|qu|[cdjlmnst])['’]", re.IGNORECASE)
CODE = re.compile(r"\b\d\d-?[A-Z]{4}-?[A-Z]{4}\b")
TIME = re.compile(r"\d+ h \d\d")
VOWELS = set("aeiouyàâäéèêëîïôöùûüÿœæ")
SAMPLE_DETAILS = {
    "typed": 9,
    "needed": 10,
    "char": "O",
    "digit": "0",
    "letter": "O",
    "position": 7,
    "prefix": "19",
    "year": 2025,
    "opens": date(2025, 9, 1),
    "deadline": datetime(2026, 1, 1, 0, 1),
    "count": 2,
}


def sentences(text: str) -> list[str]:
    return [s for s in re.split(r"(?<=[.!?…])\s+|\n+", text) if s.strip()]


def words(sentence: str) -> list[str]:
    return [w for w in sentence.split() if re.search(r"\w", w)]


def problems(text: str) -> list[str]:
    """What makes ``text`` hard to read, in words; empty when it is plain."""
    found = []
    for sentence in sentences(text):
        if len(words(sentence)) > MAX_WORDS:
            found.append(f"{len(words(sentence))} words: {sentence}")
    plain = TIME.sub("", CODE.sub("", text))
    if "°" in plain:
        found.append(f"abbreviation with °: {text}")
    plain = ELISION.sub(" ", plain)
    for token in plain.split():
        if any(c.isdigit() for c in token) or "://" in token or "/" in token:
            continue
        for word in re.findall(r"[^\W\d_]+", token):
            lower = word.lower()
            if len(word) >= 2 and word.isupper() and word not in ALLOWED_CAPITALS:
                found.append(f"capitals only: {word} in {text}")
            elif word in ALLOWED_CAPITALS or word in ALLOWED_SHORT:
                continue
            elif lower in ABBREVIATIONS or (word.islower() and not VOWELS & set(lower)):
                found.append(f"abbreviation: {word} in {text}")
    return found


def _sample(parameter: inspect.Parameter) -> list:
    kind = parameter.annotation
    name = parameter.name
    if kind is int or name in ("count", "minutes", "year", "position", "age_min", "age_max"):
        return [1, 3]
    if kind is float or name == "seconds":
        return [30.0, 60.0, 400.0]
    if kind is CodeError or name == "error":
        return [CodeError(reason, SAMPLE_DETAILS, "25-ABCD-EFGH") for reason in CodeReason]
    if "path" in name or name == "log_file":
        return ["C:/Utilisateurs/club/journal.txt"]
    if getattr(kind, "__origin__", None) is list:
        item = kind.__args__[0] if getattr(kind, "__args__", None) else str
        return [[2, 5] if item is int else ["Martin", "Lefèvre"]]
    return ["Martin"]


def _calls(function) -> list[str]:
    params = list(inspect.signature(function).parameters.values())
    choices = [_sample(p) for p in params]
    results = []
    for index in range(max((len(c) for c in choices), default=1)):
        args = [c[min(index, len(c) - 1)] for c in choices]
        try:
            result = function(*args)
        except (TypeError, AttributeError, KeyError):
            continue  # the function takes something else than our samples (an error object)
        if isinstance(result, str):
            results.append(result)
    return results


def strings(value, depth: int = 0) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for v in value.values() for s in strings(v, depth)]
    if isinstance(value, list | tuple | set | frozenset):
        return [s for v in value for s in strings(v, depth)]
    if callable(value) and depth == 0 and not isinstance(value, type):
        return _calls(value)
    return []


def every_text() -> list[str]:
    found = []
    for module_name in TEXT_MODULES:
        module = importlib.import_module(module_name)
        for name, value in vars(module).items():
            if name.startswith("__") or inspect.ismodule(value) or isinstance(value, type):
                continue
            if callable(value) and getattr(value, "__module__", module_name) != module_name:
                continue  # imported helpers: long_date, Callable
            if isinstance(value, enum.Enum):
                continue
            found += strings(value)
        for function in getattr(module, "CODE_ERRORS", {}).values():
            found.append(function(SAMPLE_DETAILS))
    return found


TEXTS = every_text()


def test_the_walk_reads_the_sentences_built_at_run_time():
    assert len(TEXTS) > 200
    assert "Ce code a 9 caractères. Il en faut 10, sans compter les tirets." in TEXTS
    assert "3 inscriptions à envoyer." in TEXTS
    assert "Nouvel essai dans 7 minutes." in TEXTS


@pytest.mark.parametrize("text", sorted(set(TEXTS)))
def test_each_text_is_plain_french(text):
    assert problems(text) == []


# Every sentence of the interface lives in ui/texts.py: the screens hold none.
SCREEN_MODULES = [
    "club_form", "desk_flow", "desk_pages", "home", "national_pages", "records",
    "records_flow", "settings_page", "status", "training", "widgets", "accessibility",
]  # fmt: skip


def _literals(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docstrings = {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef)
        and node.body
        and isinstance(node.body[0], ast.Expr)
        and isinstance(node.body[0].value, ast.Constant)
    }
    return [
        node.value
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and id(node) not in docstrings
        and re.search(r"[a-zàâçéèêëîïôûùüÿœ]{2,} [a-zàâçéèêëîïôûùüÿœ]{2,}", node.value)
    ]


@pytest.mark.parametrize("module", SCREEN_MODULES)
def test_screens_take_their_words_from_texts(module):
    path = Path(__file__).parent.parent / "ui" / f"{module}.py"
    # Phrases of the checks' own reports (in English) are for developers, not users.
    french = [
        s
        for s in _literals(path)
        if re.search(r"[àâçéèêëîïôûùüœ]| (le|la|les|de|du|des|un|une) ", s)
    ]
    assert french == []
