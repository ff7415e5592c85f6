"""Reading pass'Sport codes: a table of what volunteers type, paste and scan, then
properties over generated codes and arbitrary text."""

import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.codes import (
    LETTERS,
    CodeError,
    CodeReason,
    PassCode,
    format_as_typed,
    parse_code,
    parse_code_format,
)
from app.seasons import load_seasons
from ui.texts.codes import describe_code_error

PARIS = ZoneInfo("Europe/Paris")
NOW = datetime(2025, 10, 15, 12, 0, tzinfo=PARIS)
SEASONS = load_seasons()


@dataclass(frozen=True)
class Err:
    reason: CodeReason
    details: dict = field(default_factory=dict)
    suggestion: str | None = None


def err(reason, suggestion=None, **details):
    return Err(reason, details, suggestion)


R = CodeReason
CASES = [
    # Accepted as typed, pasted or scanned.
    ("25-ABCD-EFGH", "25-ABCD-EFGH"),
    ("25-abcd-efgh", "25-ABCD-EFGH"),
    ("25AbCdEfGh", "25-ABCD-EFGH"),
    ("25abcdefgh", "25-ABCD-EFGH"),
    ("25 ABCD EFGH", "25-ABCD-EFGH"),
    ("   25-ABCD-EFGH  ", "25-ABCD-EFGH"),
    ("25\u00a0ABCD\u00a0EFGH", "25-ABCD-EFGH"),  # non-breaking spaces
    ("25\u202fABCD\u202fEFGH", "25-ABCD-EFGH"),  # narrow non-breaking spaces
    ("25\tABCD\tEFGH", "25-ABCD-EFGH"),
    ("25-ABCD-\nEFGH", "25-ABCD-EFGH"),
    ("25-ABCD-EF\r\nGH", "25-ABCD-EFGH"),  # line break inside a group
    ("25ABCD-EFGH", "25-ABCD-EFGH"),  # a missing dash
    ("25--ABCD---EFGH", "25-ABCD-EFGH"),  # extra dashes
    ("2 5 A B C D E F G H", "25-ABCD-EFGH"),
    ("25\u2013ABCD\u2013EFGH", "25-ABCD-EFGH"),  # en dash
    ("25\u2014ABCD\u2014EFGH", "25-ABCD-EFGH"),  # em dash
    ("25\u2212ABCD\u2212EFGH", "25-ABCD-EFGH"),  # minus sign
    ("25_ABCD_EFGH", "25-ABCD-EFGH"),
    ("25.ABCD.EFGH", "25-ABCD-EFGH"),
    ("\u200b25-ABCD-EFGH\ufeff", "25-ABCD-EFGH"),  # invisible characters from a web page
    ("Votre code : 25-ABCD-EFGH.", "25-ABCD-EFGH"),
    ("(25-abcd-efgh)", "25-ABCD-EFGH"),
    ("Bonjour,\nvoici le code pass'Sport : 25 abcd efgh\nCordialement", "25-ABCD-EFGH"),
    ("25-ABCD-EFGH et encore 25abcdefgh", "25-ABCD-EFGH"),  # the same code twice
    ("Infos sur https://pass.sports.gouv.fr ; code 25-ABCD-EFGH", "25-ABCD-EFGH"),
    ("25-IBCD-EFGH", "25-IBCD-EFGH"),  # AEEH code of 2025
    ("25-ibcd-efgh", "25-IBCD-EFGH"),
    ("25-ZYXW-VUTS", "25-ZYXW-VUTS"),
    # Length.
    ("", err(R.EMPTY)),
    (" \n\t\u00a0", err(R.EMPTY)),
    ("- – .", err(R.EMPTY)),
    ("25-ABCD-EFG", err(R.TOO_SHORT, typed=9, needed=10)),
    ("25", err(R.TOO_SHORT, typed=2, needed=10)),
    ("Votre code : 25-ABCD-EFG. Merci", err(R.TOO_SHORT, typed=9, needed=10)),
    ("25-ABCD-EFGHJ", err(R.TOO_LONG, typed=11, needed=10)),
    ("25-ABCD-EFGH-J", err(R.TOO_LONG, typed=11, needed=10)),
    ("2025-ABCD-EFGH", err(R.TOO_LONG, "25-ABCD-EFGH", typed=12, needed=10)),
    ("ABCD-EFGH", err(R.MISSING_YEAR, typed=8, needed=10)),
    # Characters.
    ("25-AB*D-EFGH", err(R.INVALID_CHARACTER, char="*", position=5)),
    ("25-abéd-efgh", err(R.INVALID_CHARACTER, char="é", position=5)),
    ("25/ABCD/EFGH", err(R.INVALID_CHARACTER, char="/", position=3)),
    ("2S-ABCD-EFGH", err(R.LETTER_IN_YEAR, "25-ABCD-EFGH", char="S", position=2)),
    ("zs-abcd-efgh", err(R.LETTER_IN_YEAR, "25-ABCD-EFGH", char="Z", position=1)),
    ("Le 12 mars, code 2S-ABCD-EFGH", err(R.LETTER_IN_YEAR, "25-ABCD-EFGH", position=2)),
    # O for 0 is never fixed silently; 2020 has no season, so nothing is suggested.
    ("2O-ABCD-EFGH", err(R.LETTER_IN_YEAR, None, char="O", position=2)),
    ("25-ABC0-EFGH", err(R.DIGIT_IN_LETTERS, None, digit="0", position=6)),
    ("25-1BCD-EFGH", err(R.DIGIT_IN_LETTERS, "25-IBCD-EFGH", digit="1", position=3)),
    ("24-1BCD-EFGH", err(R.DIGIT_IN_LETTERS, None, digit="1", position=3)),
    ("25-ABCO-EFGH", err(R.FORBIDDEN_LETTER, letter="O", position=6)),
    ("25-abcd-efih", err(R.FORBIDDEN_LETTER, letter="I", position=9)),
    ("25-AIBC-DEFG", err(R.FORBIDDEN_LETTER, letter="I", position=4)),
    ("24-IBCD-EFGH", err(R.FORBIDDEN_LETTER, letter="I", position=3)),  # no AEEH I in 2024
    ("Votre code : 25-ABCO-EFGH.", err(R.FORBIDDEN_LETTER, letter="O", position=6)),
    # Seasons, on 15 October 2025.
    ("19-ABCD-EFGH", err(R.UNKNOWN_SEASON, prefix="19")),
    ("21-ABCD-EFGH", err(R.SEASON_WITHOUT_CODES, year=2021)),
    ("26-ABCD-EFGH", err(R.SEASON_NOT_OPEN, year=2026, opens=date(2026, 9, 1))),
    (
        "24-ABCD-EFGH",
        err(R.SEASON_CLOSED, year=2024, deadline=datetime(2025, 1, 1, tzinfo=PARIS)),
    ),
    ("22-abcd-efgh", err(R.SEASON_CLOSED, year=2022, last_day=date(2022, 12, 31))),
    # Scanned and pasted oddities.
    (
        "https://pass.sports.gouv.fr/qr#k7Fq-25ABCDEFGH_x9",
        err(R.QR_URL, text="https://pass.sports.gouv.fr/qr#k7Fq-25ABCDEFGH_x9"),
    ),
    ("HTTPS://PASS.SPORTS.GOUV.FR/QR#AB12", err(R.QR_URL)),
    (
        "25-ABCD-EFGH\n25-JKLM-NPQR",
        err(R.SEVERAL_CODES, count=2, codes=("25-ABCD-EFGH", "25-JKLM-NPQR")),
    ),
]


@pytest.mark.parametrize(("text", "expected"), CASES)
def test_table(text, expected):
    if isinstance(expected, str):
        assert str(parse_code(text, SEASONS, NOW)) == expected
        return
    with pytest.raises(CodeError) as caught:
        parse_code(text, SEASONS, NOW)
    error = caught.value
    assert error.reason == expected.reason
    assert error.details | expected.details == error.details, error.details
    assert error.suggestion == expected.suggestion
    assert str(error) == error.reason.value  # never the typed text


def test_table_covers_every_reason():
    covered = {expected.reason for _, expected in CASES if isinstance(expected, Err)}
    assert covered == set(CodeReason)
    assert len(CASES) >= 40


def test_format_only_suggests_o_for_zero():
    with pytest.raises(CodeError) as caught:
        parse_code_format("2O-ABCD-EFGH")
    assert caught.value.suggestion == "20-ABCD-EFGH"


def test_aeeh_letter_depends_on_the_data():
    assert parse_code_format("25-IBCD-EFGH", frozenset({2025})).aeeh
    with pytest.raises(CodeError) as caught:
        parse_code_format("25-IBCD-EFGH")
    assert caught.value.reason == CodeReason.FORBIDDEN_LETTER


def test_code_shapes():
    code = PassCode(2025, "IBCDEFGH", aeeh=True)
    assert (str(code), code.compact, code.prefix) == ("25-IBCD-EFGH", "25IBCDEFGH", "25")
    with pytest.raises(ValueError):
        PassCode(2025, "ABCDEFGO")


def test_naive_now_is_a_bug_not_a_code_error():
    with pytest.raises(ValueError, match="timezone-aware"):
        parse_code("25-ABCD-EFGH", SEASONS, datetime(2025, 10, 15, 12))


@pytest.mark.parametrize(
    ("typed", "shown"),
    [
        ("", ""),
        ("2", "2"),
        ("25", "25"),
        ("25a", "25-A"),
        ("25abcd", "25-ABCD"),
        ("25-abcd-", "25-ABCD"),
        ("25abcdefgh", "25-ABCD-EFGH"),
        ("25 ABCD efgh", "25-ABCD-EFGH"),
        ("25abcdefghj", "25-ABCD-EFGHJ"),  # never drops what was typed
        ("https://pass.sports.gouv.fr/#aB", "https://pass.sports.gouv.fr/#aB"),
    ],
)
def test_format_as_typed(typed, shown):
    assert format_as_typed(typed) == shown


# Properties.

CODE_SEASONS = [season for season in SEASONS if season.has_codes]


@st.composite
def valid_codes(draw):
    season = draw(st.sampled_from(CODE_SEASONS))
    letters = draw(st.text(alphabet=LETTERS, min_size=8, max_size=8))
    if season.aeeh_i_prefix and draw(st.booleans()):
        letters = "I" + letters[1:]
    return season, PassCode(season.year, letters, letters[0] == "I")


DRESSINGS = [
    lambda s: s,
    str.lower,
    lambda s: " ".join(s.replace("-", "")),
    lambda s: s.replace("-", "\u2013"),
    lambda s: f"Votre code pass'Sport : {s.lower()}. Merci !",
    lambda s: s.replace("-", "\n"),
    lambda s: s.replace("-", ""),
]


@given(valid_codes(), st.sampled_from(DRESSINGS))
def test_valid_codes_round_trip(drawn, dressing):
    season, code = drawn
    now = datetime.combine(season.entry_opens, time(12), PARIS)
    assert parse_code(dressing(str(code)), SEASONS, now) == code
    assert parse_code_format(str(code), SEASONS.aeeh_years) == code


CODE_LIKE = st.text(
    alphabet="0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabio -–.:/*é\n\u00a0", max_size=40
)
ANY_TEXT = st.one_of(st.text(max_size=200), CODE_LIKE)


@given(ANY_TEXT)
def test_no_input_crashes(text):
    try:
        parse_code(text, SEASONS, NOW)
    except CodeError as error:
        assert describe_code_error(error)


@given(ANY_TEXT)
def test_a_code_is_never_invented(text):
    try:
        code = parse_code_format(text, SEASONS.aeeh_years)
    except CodeError:
        return
    haystack = iter(re.sub("[^A-Z0-9]", "", text.upper()))
    assert all(char in haystack for char in code.compact)  # in order


@given(ANY_TEXT)
def test_format_as_typed_is_idempotent(text):
    once = format_as_typed(text)
    assert format_as_typed(once) == once


@given(st.text(min_size=10, max_size=10))
def test_format_as_typed_stays_short(text):
    assert len(format_as_typed(text)) <= 12


# The French wording (ui/texts/codes.py).


@pytest.mark.parametrize("reason", list(CodeReason))
def test_every_reason_has_plain_french(reason):
    for text, expected in CASES:
        if isinstance(expected, Err) and expected.reason == reason:
            with pytest.raises(CodeError) as caught:
                parse_code(text, SEASONS, NOW)
            message = describe_code_error(caught.value)
            sentences = [s for s in re.split(r"(?<=[.!?])\s+", message) if s]
            assert 1 <= len(sentences) <= 2, message
            assert len(message.split()) <= 20, message
            words = re.findall(r"\w+", re.sub(r"\d\d-\u2060?[A-Z]{4}-\u2060?[A-Z]{4}", "", message))
            assert not [word for word in words if len(word) > 2 and word.isupper()], message


def test_wording_examples():
    closed = CodeError(
        CodeReason.SEASON_CLOSED,
        {"year": 2025, "deadline": datetime(2026, 1, 1, 0, 1), "example": "26-ABCD-EFGH"},
    )
    # What to do, not only what is wrong; the example is of the open season.
    assert describe_code_error(closed) == (
        "Ce code de 2025 ne sert plus. Demandez à la famille le code de cette saison, "
        "qui ressemble à 26-\u2060ABCD-\u2060EFGH."
    )
    short = CodeError(CodeReason.TOO_SHORT, {"typed": 9, "needed": 10})
    assert describe_code_error(short).startswith("Ce code a 9 caractères. Il en faut 10")


def test_a_fault_is_placed_as_the_volunteer_counts_on_screen():
    """26-XAHE-TVOS: the O is the 11th character a volunteer counts, dashes included."""
    with pytest.raises(CodeError) as caught:
        parse_code_format("26-XAHE-TVOS")
    error = caught.value
    assert error.details["shown"] == "26-XAHE-TVOS"
    assert error.details["shown"][error.details["shown_index"]] == "O"
    assert describe_code_error(error) == (
        "Le 11e caractère, O, n'existe pas dans les codes. C'est peut-être un D ou un Q."
    )
    with pytest.raises(CodeError) as caught:
        parse_code_format("26xahe tv€s")
    assert describe_code_error(caught.value).startswith(
        "Le signe « € » ne va pas dans un code (11e"
    )


def test_a_digit_among_the_letters_is_offered_as_its_look_alike():
    with pytest.raises(CodeError) as caught:
        parse_code_format("26-XAHE-TV5S")
    assert caught.value.suggestion == "26-XAHE-TVSS"
    with pytest.raises(CodeError) as caught:
        parse_code_format("26-XAHE-TV0S")  # 0 stands for O, which codes never have
    assert caught.value.suggestion is None


def test_examples_follow_the_season_open_for_entry():
    for when, prefix in (
        (datetime(2025, 10, 1, 12, tzinfo=UTC), "25"),
        (datetime(2026, 10, 1, 12, tzinfo=UTC), "26"),
    ):
        with pytest.raises(CodeError) as caught:
            parse_code("", load_seasons(), when)
        assert caught.value.details["example"] == f"{prefix}-ABCD-EFGH"
        assert f"{prefix}-\u2060ABCD" in describe_code_error(caught.value)
