"""Read a pass'Sport code from what a volunteer typed, pasted or scanned.

Offline, only the format and the season can be checked: there is no check character, and
whether a code exists, is unused and belongs to this young person is known only nationally.
Only what is unambiguous is normalised (case, spaces, separators, surrounding text); the
rest is a :class:`CodeError` with a reason code, the data to explain it and, when the fix
is obvious, a suggestion that a person must confirm.
"""

from __future__ import annotations

import re
import string
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

from app.errors import KnownError
from app.seasons import SeasonTable

LETTERS = "ABCDEFGHJKLMNPQRSTUVWXYZ"  # A-Z without I and O
AEEH_LETTER = "I"  # may start the letters of AEEH codes in some seasons (data: aeeh_i_prefix)
YEAR_DIGITS = 2
LETTER_COUNT = 8
CODE_LENGTH = YEAR_DIGITS + LETTER_COUNT
FORMATTED_LENGTH = CODE_LENGTH + 2

_DIGITS = frozenset(string.digits)
_SIGNIFICANT = frozenset(string.digits + string.ascii_uppercase)
_UPPER = str.maketrans(string.ascii_lowercase, string.ascii_uppercase)
# Separators: they never change what a code says.
_DASHES = "-_.\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63\uff0d"
_INVISIBLE = "\u200b\u200c\u200d\u2060\ufeff"
_DROP_DASHES = str.maketrans("", "", _DASHES)
_INVISIBLE_TO_SPACE = str.maketrans(dict.fromkeys(_INVISIBLE, " "))
# Punctuation around a code in a sentence: a code never spans it.
_BREAK_RE = re.compile("[" + re.escape(":;,!?()[]{}<>«»\"'“”‘’`°#=…") + "]")
# Letters typed for a digit of the year, and digits typed for a letter (0 and 1 stand for
# letters that codes never have, O and I: no guess for them).
_YEAR_LOOKALIKES = {"O": "0", "I": "1", "L": "1", "Z": "2", "S": "5", "G": "6", "B": "8"}
_LETTER_LOOKALIKES = {"2": "Z", "5": "S", "6": "G", "8": "B"}
EXAMPLE_LETTERS = "ABCDEFGH"

_SEP = "[ -]?"
_CODE_RE = re.compile(
    r"(?<![A-Z0-9])(?<![A-Z0-9]-)"
    + _SEP.join(["([0-9])"] * YEAR_DIGITS + ["([A-Z])"] * LETTER_COUNT)
    + r"(?![A-Z0-9])(?!-[A-Z0-9])"
)
# A code with nothing to explain (the AEEH variant is left to ``_problems``).
_WELL_FORMED = re.compile(f"[0-9]{{{YEAR_DIGITS}}}[{LETTERS}]{{{LETTER_COUNT}}}")
_WELL_WRITTEN = re.compile(f"[0-9]{{{YEAR_DIGITS}}}-[{LETTERS}]{{4}}-[{LETTERS}]{{4}}")
# Tried only where a word starts, so that long texts stay linear.
_URL_RE = re.compile(r"(?<!\S)(?:\S*?://|WWW\.)\S*")


class CodeReason(StrEnum):
    """Why a text is not an acceptable pass'Sport code."""

    EMPTY = "empty"
    TOO_SHORT = "too_short"  # typed, needed
    TOO_LONG = "too_long"  # typed, needed
    MISSING_YEAR = "missing_year"  # eight characters without digits: the year was left out
    INVALID_CHARACTER = "invalid_character"  # char, position
    LETTER_IN_YEAR = "letter_in_year"  # char, position
    DIGIT_IN_LETTERS = "digit_in_letters"  # digit, position
    FORBIDDEN_LETTER = "forbidden_letter"  # letter, position
    UNKNOWN_SEASON = "unknown_season"  # prefix
    SEASON_WITHOUT_CODES = "season_without_codes"  # year
    SEASON_NOT_OPEN = "season_not_open"  # year, opens, code
    SEASON_CLOSED = "season_closed"  # year, deadline, last_day, code
    QR_URL = "qr_url"  # text: the scanned address, kept for the national side
    SEVERAL_CODES = "several_codes"  # count, codes


class CodeError(KnownError, ValueError):
    """A text that is not an acceptable code. The message is the reason code only: the
    typed text may be personal data and stays in ``details``.

    Positions are 1-based among the characters of the code, dashes and spaces left out;
    ``shown`` is then the code as the field shows it (dashes in) and ``shown_index`` the
    fault's place in it, counted from 0. ``example`` is a code of the season open for entry
    (from :func:`parse_code`). ``suggestion`` is a corrected code when the fix is obvious; a
    person must confirm it.
    """

    def __init__(
        self,
        reason: CodeReason,
        details: Mapping[str, Any] | None = None,
        suggestion: str | None = None,
    ) -> None:
        super().__init__(str(reason))
        self.reason = CodeReason(reason)
        self.details: dict[str, Any] = dict(details or {})
        self.suggestion = suggestion


@dataclass(frozen=True)
class PassCode:
    """A well-formed code: ``year`` 2025 and ``letters`` "ABCDEFGH" read "25-ABCD-EFGH"."""

    year: int
    letters: str
    aeeh: bool = False

    def __post_init__(self) -> None:
        first, rest = self.letters[:1], self.letters[1:]
        if (
            not 2000 <= self.year <= 2099
            or len(self.letters) != LETTER_COUNT
            or any(letter not in LETTERS for letter in rest)
            or self.aeeh != (first == AEEH_LETTER)
            or (first not in LETTERS and not self.aeeh)
        ):
            raise ValueError("not a well-formed pass'Sport code")

    @property
    def prefix(self) -> str:
        return f"{self.year % 100:02d}"

    @property
    def compact(self) -> str:
        """The ten characters without dashes, e.g. ``"25ABCDEFGH"``."""
        return self.prefix + self.letters

    def __str__(self) -> str:
        return _pretty(self.compact)


def parse_code(text: str, seasons: SeasonTable, now: datetime) -> PassCode:
    """The code in ``text``, if well formed and of a season open for entry at ``now``
    (aware). Raises :class:`CodeError`; a suggestion is kept only if its season takes codes.
    """
    if now.tzinfo is None or now.utcoffset() is None:
        raise ValueError("now must be a timezone-aware datetime")
    try:
        return _parse_in_season(text, seasons, now)
    except CodeError as error:
        error.details.setdefault("example", example_code(seasons, now))
        raise


def example_code(seasons: SeasonTable, now: datetime) -> str:
    """A made-up code of the season open for entry at ``now`` (else of the latest season
    with codes), to show what a code looks like."""
    open_now = seasons.for_date(now)
    with_codes = [season for season in seasons if season.has_codes]
    season = open_now if open_now is not None and open_now.has_codes else None
    season = season or (with_codes[-1] if with_codes else seasons.latest())
    return _pretty(season.prefix + EXAMPLE_LETTERS)


def _parse_in_season(text: str, seasons: SeasonTable, now: datetime) -> PassCode:
    try:
        code = parse_code_format(text, seasons.aeeh_years)
    except CodeError as error:
        if error.suggestion is None or _takes_codes(seasons, error.suggestion[:YEAR_DIGITS]):
            raise
        raise CodeError(error.reason, error.details) from None
    season = seasons.by_prefix(code.prefix)
    if season is None:
        raise CodeError(CodeReason.UNKNOWN_SEASON, {"prefix": code.prefix})
    if not season.has_codes:
        raise CodeError(CodeReason.SEASON_WITHOUT_CODES, {"year": season.year})
    if not season.has_opened(now):
        details = {"year": season.year, "opens": season.entry_opens, "code": str(code)}
        raise CodeError(CodeReason.SEASON_NOT_OPEN, details)
    if season.has_closed(now):
        details = {
            "year": season.year,
            "deadline": season.deadline,
            "last_day": season.entry_closes,
            "code": str(code),
        }
        raise CodeError(CodeReason.SEASON_CLOSED, details)
    return code


def parse_code_format(text: str, aeeh_years: Collection[int] = frozenset()) -> PassCode:
    """The code in ``text``, checking the format only. Codes of ``aeeh_years`` (pass
    ``SeasonTable.aeeh_years``) may start their letters with I. Two-digit years are 20YY.

    A code may sit inside a sentence; the same code twice counts once. A scanned address
    (the 2024 QR code) is ``QR_URL``; without any code, the most code-like part of the
    text is explained (each word holding a digit, with the words after it up to ten
    characters; the nearest to ten characters with the fewest faults wins).
    """
    normal = text.translate(_UPPER)  # ASCII only: positions stay those of ``text``
    urls = list(_URL_RE.finditer(normal))
    # A URL never hides a code: its fragment is encrypted data.
    normal = _URL_RE.sub(lambda url: " " * len(url.group()), normal)
    found = dict.fromkeys(
        compact
        for match in _CODE_RE.finditer(_flatten(normal))
        if not _problems(compact := "".join(match.groups()), aeeh_years)
    )
    if len(found) > 1:
        codes = tuple(_pretty(compact) for compact in found)
        raise CodeError(CodeReason.SEVERAL_CODES, {"count": len(codes), "codes": codes})
    if found:
        return _build(next(iter(found)))
    if urls:
        raise CodeError(CodeReason.QR_URL, {"text": text[urls[0].start() : urls[0].end()]})
    return _check(_best_candidate(_words(normal), aeeh_years), aeeh_years)


def parse_written_code(text: str, aeeh_years: Collection[int] = frozenset()) -> PassCode | None:
    """A code written alone, as in a cell of the portal's extract: the desk's grammar (no O,
    no I but in AEEH seasons), with case, spaces and dashes as the desk allows them. None
    when it is not a code: nothing is guessed."""
    chars = "".join(text.translate(_UPPER).translate(_DROP_DASHES).split())
    if len(chars) != CODE_LENGTH:
        return None
    if not _WELL_FORMED.fullmatch(chars) and _problems(chars, aeeh_years):
        return None
    return _build(chars)


def written_code(text: str, aeeh_years: Collection[int] = frozenset()) -> str | None:
    """What :func:`parse_written_code` reads, as its dashed text (a file of codes costs
    nothing more than a look at each when they are written as the portal writes them)."""
    if _WELL_WRITTEN.fullmatch(text):
        return text
    code = parse_written_code(text, aeeh_years)
    return None if code is None else str(code)


def format_as_typed(text: str) -> str:
    """Format a code field as the user types: uppercase, separators replaced by dashes
    after the 2nd and 6th characters. Never adds nor drops a typed character other than
    separators; an address being scanned (``http…``) is left untouched. Idempotent."""
    if _looks_like_url(text):
        return text
    kept = "".join(ch for ch in text.translate(_UPPER) if not _is_separator(ch))
    groups = (kept[:YEAR_DIGITS], kept[YEAR_DIGITS:6], kept[6:])
    return "-".join(group for group in groups if group)


def _pretty(compact: str) -> str:
    return f"{compact[:YEAR_DIGITS]}-{compact[YEAR_DIGITS:6]}-{compact[6:]}"


def _takes_codes(seasons: SeasonTable, prefix: str) -> bool:
    season = seasons.by_prefix(prefix)
    return season is not None and season.has_codes


def _is_separator(ch: str) -> bool:
    return ch.isspace() or ch in _INVISIBLE or ch in _DASHES


def _looks_like_url(text: str) -> bool:
    start = text.strip().lower()
    return bool(start) and (
        start.startswith(("http", "www."))
        or "://" in start
        or any(prefix.startswith(start) for prefix in ("https://", "http://", "www."))
    )


def _flatten(normal: str) -> str:
    """Each run of separators becomes one character: a space if it holds a space (a gap
    between words), else a dash (a join inside a word)."""
    out: list[str] = []
    gap = ""
    for ch in normal:
        if ch.isspace() or ch in _INVISIBLE:
            gap = " "
        elif ch in _DASHES:
            gap = gap or "-"
        else:
            out.append(gap + ch)
            gap = ""
    return "".join(out) + gap


def _words(normal: str) -> list[str | None]:
    """The words of the text without separators; ``None`` where punctuation or the end
    of a sentence stands between two words."""
    words: list[str | None] = []
    for raw in normal.translate(_INVISIBLE_TO_SPACE).split():
        for index, part in enumerate(_BREAK_RE.split(raw)):
            if index:
                words.append(None)
            if kept := part.translate(_DROP_DASHES):
                words.append(kept)
        if raw.endswith("."):
            words.append(None)
    return words


def _best_candidate(words: list[str | None], aeeh_years: Collection[int]) -> str:
    """The most code-like stretch of words (see :func:`parse_code_format`)."""
    candidates: list[str] = []
    for start, word in enumerate(words):
        if word is None or _DIGITS.isdisjoint(word):
            continue
        chars, end = word, start + 1
        while len(chars) < CODE_LENGTH and end < len(words) and words[end] is not None:
            chars += words[end]  # type: ignore[operator]
            end += 1
        candidates.append(chars)
    if not candidates:
        return "".join(word for word in words if word)
    return min(
        candidates,
        key=lambda chars: (abs(len(chars) - CODE_LENGTH), len(_problems(chars, aeeh_years))),
    )


def _problems(chars: str, aeeh_years: Collection[int]) -> list[tuple[CodeReason, dict]]:
    """Every wrong character of ``chars`` (separators removed), in order."""
    year = chars[:YEAR_DIGITS]
    aeeh_allowed = len(year) == YEAR_DIGITS and set(year) <= _DIGITS
    aeeh_allowed = aeeh_allowed and 2000 + int(year) in aeeh_years
    problems: list[tuple[CodeReason, dict]] = []
    for index, ch in enumerate(chars):
        position = index + 1
        if ch not in _SIGNIFICANT:
            problems.append((CodeReason.INVALID_CHARACTER, {"char": ch, "position": position}))
        elif index < YEAR_DIGITS:
            if ch not in _DIGITS:
                problems.append((CodeReason.LETTER_IN_YEAR, {"char": ch, "position": position}))
        elif ch in _DIGITS:
            problems.append((CodeReason.DIGIT_IN_LETTERS, {"digit": ch, "position": position}))
        elif ch not in LETTERS and not (
            index == YEAR_DIGITS and ch == AEEH_LETTER and aeeh_allowed
        ):
            problems.append((CodeReason.FORBIDDEN_LETTER, {"letter": ch, "position": position}))
    return problems


def _check(chars: str, aeeh_years: Collection[int]) -> PassCode:
    """Explain the first fault of one candidate: characters, length, then year and letters."""
    problems = _problems(chars, aeeh_years)
    for reason, details in problems:
        if reason is CodeReason.INVALID_CHARACTER:
            raise CodeError(reason, _shown(chars, details))
    length = {"typed": len(chars), "needed": CODE_LENGTH}
    if not chars:
        raise CodeError(CodeReason.EMPTY)
    if len(chars) == LETTER_COUNT and _DIGITS.isdisjoint(chars):
        raise CodeError(CodeReason.MISSING_YEAR, length)
    if len(chars) < CODE_LENGTH:
        raise CodeError(CodeReason.TOO_SHORT, length)
    if len(chars) > CODE_LENGTH:
        raise CodeError(CodeReason.TOO_LONG, length, _suggest_short_year(chars, aeeh_years))
    if problems:
        reason, details = problems[0]
        raise CodeError(reason, _shown(chars, details), _suggest(chars, aeeh_years))
    return _build(chars)


def _shown(chars: str, details: dict) -> dict:
    """``details`` of a fault at ``position`` with where it is in the code as shown."""
    position = details["position"]
    dashes = (position > YEAR_DIGITS) + (position > YEAR_DIGITS + 4)
    return details | {"shown": format_as_typed(chars), "shown_index": position - 1 + dashes}


def _suggest(chars: str, aeeh_years: Collection[int]) -> str | None:
    """The code meant, when every fault is a look-alike: S for 5 in the year, 5 for S among
    the letters, or 1 for the I that starts AEEH codes."""
    year = "".join(_YEAR_LOOKALIKES.get(ch, ch) for ch in chars[:YEAR_DIGITS])
    letters = chars[YEAR_DIGITS:]
    if letters.startswith("1"):
        letters = AEEH_LETTER + letters[1:]
    letters = "".join(_LETTER_LOOKALIKES.get(ch, ch) for ch in letters)
    fixed = year + letters
    return _pretty(fixed) if not _problems(fixed, aeeh_years) else None


def _suggest_short_year(chars: str, aeeh_years: Collection[int]) -> str | None:
    """The year typed in full: "2025ABCDEFGH" means 25-ABCD-EFGH."""
    fixed = chars[YEAR_DIGITS:]
    if (
        len(chars) == CODE_LENGTH + 2
        and chars.startswith("20")
        and not _problems(fixed, aeeh_years)
    ):
        return _pretty(fixed)
    return None


def _build(compact: str) -> PassCode:
    letters = compact[YEAR_DIGITS:]
    return PassCode(2000 + int(compact[:YEAR_DIGITS]), letters, letters[0] == AEEH_LETTER)
