"""Plain French, checked on every string the program can show (UX.md): short sentences,
no word in capitals only, no abbreviations.

Nothing is listed by hand, so that a new module cannot escape: every French string written
in a module of app/, sync/ or ui/ is read (a receipt's words as much as a screen's), and
every text module of ui/ (the modules of ``ui/texts/``, and any module named for its texts) is walked:
its functions are called with sample values, so that sentences built at run time are read
as well."""

import ast
import dataclasses
import enum
import importlib
import inspect
import re
from datetime import date, datetime
from pathlib import Path

import pytest

from app.codes import CodeError, CodeReason

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("app", "sync", "ui")  # the program
MAX_WORDS = 20
# Words in capitals that are names, not shouting: the receipt's word, official numbers.
ALLOWED_CAPITALS = {"DUPLICATA", "SIRET", "RNA", "PDF", "QR", "USB", "CSV", "GNU", "GPL", "SIL"}
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
# A string in French: an accented letter, or an article between words.
FRENCH = re.compile(r"[àâçéèêëîïôûùüœ]| (le|la|les|de|du|des|un|une) ")
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
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        fields = dataclasses.fields(value)  # e.g. the export's column titles
        return [s for f in fields for s in strings(getattr(value, f.name), depth)]
    if callable(value) and depth == 0 and not isinstance(value, type):
        return _calls(value)
    return []


def modules(root: Path = ROOT) -> dict[str, Path]:
    """Every module of the program, by its dotted name."""
    found = {}
    for package in PACKAGES:
        for path in sorted((root / package).rglob("*.py")):
            parts = path.relative_to(root).with_suffix("").parts
            found[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return found


def text_modules(root: Path = ROOT) -> list[str]:
    """The modules of ui/ that hold the interface's words: those of the package ui.texts,
    and any module or package named for its texts (ui.treasurer_texts...)."""
    return [
        name
        for name in modules(root)
        if name.startswith("ui.") and any("texts" in part.split("_") for part in name.split("."))
    ]


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


def french_literals(path: Path) -> list[str]:
    """The French strings written in a module, docstrings apart."""
    return [s for s in _literals(path) if FRENCH.search(s)]


def every_text() -> list[str]:
    found = [s for path in modules().values() for s in french_literals(path)]
    for module_name in text_modules():
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
    package = sorted(f"ui.texts.{path.stem}" for path in (ROOT / "ui" / "texts").glob("[!_]*.py"))
    assert len(package) > 10 and set(package) <= set(text_modules())
    assert len(TEXTS) > 200
    assert "Ce code a 9 caractères. Il en faut 10, sans compter les tirets." in TEXTS
    assert "3 inscriptions à envoyer." in TEXTS
    assert "Nouvel essai dans 7 minutes." in TEXTS


def test_the_walk_reads_every_module_with_words_without_a_list():
    # The receipt writes its own words; the export's column titles sit in a record.
    assert "Pas encore confirmé par le service national." in TEXTS
    assert "Signature du responsable" in TEXTS
    assert "chèque de caution numéro" in TEXTS
    assert "Numéro de reçu" in strings(importlib.import_module("ui.texts.treasurer").EXPORT_LABELS)


def test_a_new_module_is_read_as_soon_as_it_exists(tmp_path):
    for package in PACKAGES:
        (tmp_path / package).mkdir()
    (tmp_path / "ui" / "badge.py").write_text(
        'CAPTION = "Cliquez sur OK pour imprimer le badge."\n', encoding="utf-8"
    )
    (tmp_path / "ui" / "badge_texts.py").write_text("", encoding="utf-8")
    assert text_modules(tmp_path) == ["ui.badge_texts"]
    [caption] = french_literals(modules(tmp_path)["ui.badge"])
    assert problems(caption) == [f"capitals only: OK in {caption}"]


@pytest.mark.parametrize("text", sorted(set(TEXTS)))
def test_each_text_is_plain_french(text):
    assert problems(text) == []


# Every sentence of the interface lives in the text modules: the screens hold none. These
# still write their own words (read for plain French all the same): the printed receipt,
# one line of the portal assistant, and the self-check's sample club (ui/smoke.py).
OWN_WORDS = {"ui.receipt", "ui.portal_assistant", "ui.smoke"}
SCREEN_MODULES = [
    name
    for name in modules()
    if name.partition(".")[0] == "ui" and name not in text_modules() and name not in OWN_WORDS
]


@pytest.mark.parametrize("module", SCREEN_MODULES)
def test_screens_take_their_words_from_texts(module):
    assert french_literals(modules()[module]) == []
