"""Seasons: the shipped data, the Paris deadline and the checks on malformed data."""

import json
from datetime import UTC, date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from app.resources import resource_path
from app.seasons import SeasonDataError, SeasonTable, load_seasons

PARIS = ZoneInfo("Europe/Paris")


@pytest.fixture(scope="module")
def table():
    return load_seasons()


def shipped_dicts():
    return json.loads(resource_path("seasons.json").read_text(encoding="utf-8"))["seasons"]


def test_shipped_file_loads(table):
    assert [season.year for season in table] == [2021, 2022, 2023, 2024, 2025, 2026]
    assert table.by_year(2025).amount_cents == 7000
    assert table.by_year(2024).amount_cents == 5000
    assert not table.by_year(2021).has_codes
    assert table.aeeh_years == {2025}
    assert table.latest().year == 2026
    assert table.latest().provisional
    assert not table.by_year(2025).provisional
    assert table.by_year(2026).age_max == 17


def test_lookup_by_prefix_and_date(table):
    assert table.by_prefix("25").year == 2025
    assert table.by_prefix("19") is None
    assert table.by_year(2019) is None
    assert table.for_date(datetime(2025, 10, 15, 12, tzinfo=PARIS)).year == 2025
    assert table.for_date(datetime(2026, 3, 1, 12, tzinfo=PARIS)) is None
    assert table.for_date(datetime(2024, 6, 1, 0, 5, tzinfo=PARIS)).year == 2024


@pytest.mark.parametrize(
    ("moment", "is_open"),
    [
        (datetime(2025, 12, 31, 23, 59, tzinfo=PARIS), True),
        (datetime(2026, 1, 1, 0, 0, 30, tzinfo=PARIS), True),
        (datetime(2026, 1, 1, 0, 1, tzinfo=PARIS), False),
        # The same instants in UTC (Paris is UTC+1 in winter).
        (datetime(2025, 12, 31, 22, 59, tzinfo=UTC), True),
        (datetime(2025, 12, 31, 23, 0, 30, tzinfo=UTC), True),
        (datetime(2025, 12, 31, 23, 1, tzinfo=UTC), False),
        # And seen from Montreal (UTC-5): still 31 December there.
        (datetime(2025, 12, 31, 18, 0, 59, tzinfo=timezone(timedelta(hours=-5))), True),
        (datetime(2025, 12, 31, 18, 1, tzinfo=timezone(timedelta(hours=-5))), False),
        # Opening day in summer time (UTC+2): the Paris date counts, not the UTC one.
        (datetime(2025, 8, 31, 22, 30, tzinfo=UTC), True),
        (datetime(2025, 8, 31, 21, 59, tzinfo=UTC), False),
        (datetime(2025, 8, 31, 23, 59, tzinfo=PARIS), False),
    ],
)
def test_2025_window_is_judged_in_paris(table, moment, is_open):
    assert table.by_year(2025).is_open(moment) is is_open


@pytest.mark.parametrize(
    ("moment", "days"),
    [
        (datetime(2025, 10, 15, 12, tzinfo=PARIS), 77),
        (datetime(2025, 12, 30, 12, tzinfo=PARIS), 1),
        (datetime(2025, 12, 31, 0, 0, tzinfo=PARIS), 1),
        (datetime(2025, 12, 31, 23, 59, tzinfo=PARIS), 0),
        (datetime(2026, 1, 1, 0, 1, tzinfo=PARIS), 0),
        (datetime(2026, 5, 1, tzinfo=PARIS), 0),
        # 26 October 2025 has 25 hours: days are counted on the wall clock.
        (datetime(2025, 10, 26, 0, 30, tzinfo=PARIS), 66),
        (datetime(2025, 10, 25, 22, 30, tzinfo=UTC), 66),
    ],
)
def test_days_left(table, moment, days):
    assert table.by_year(2025).days_left(moment) == days


def test_naive_moment_is_refused(table):
    with pytest.raises(ValueError, match="timezone-aware"):
        table.by_year(2025).is_open(datetime(2025, 10, 15, 12))


@pytest.mark.parametrize(
    ("year", "birth", "allowed"),
    [
        (2025, date(2019, 12, 31), True),  # 6 on 31 December 2025
        (2025, date(2020, 1, 1), False),  # only 5
        (2025, date(1995, 1, 1), True),  # 30
        (2025, date(1994, 12, 31), False),  # 31
        (2026, date(2009, 1, 1), True),  # 17: provisional 2026 limit
        (2026, date(2008, 12, 31), False),  # 18
    ],
)
def test_age_on_31_december(table, year, birth, allowed):
    assert table.by_year(year).age_allowed(birth) is allowed


def test_from_dicts_matches_the_file(table):
    assert list(SeasonTable.from_dicts(shipped_dicts())) == list(table)


def broken(which, **changes):
    """The shipped seasons with one changed (a value of None removes the field)."""
    items = shipped_dicts()
    target = next(item for item in items if item["year"] == which)
    for key, value in changes.items():
        if value is None:
            target.pop(key)
        else:
            target[key] = value
    return items


@pytest.mark.parametrize(
    ("items", "reason", "field"),
    [
        (broken(2025, amount_cents=None), "missing_field", "amount_cents"),
        (broken(2025, deadline=None), "missing_field", "deadline"),
        (broken(2025, amount_cents=-7000), "bad_amount", "amount_cents"),
        (broken(2025, amount_cents="70"), "bad_type", "amount_cents"),
        (broken(2025, has_codes=1), "bad_type", "has_codes"),
        (broken(2025, year=True), "bad_type", "year"),
        (broken(2025, entry_closes="2025-08-31"), "closes_before_opens", "entry_closes"),
        (broken(2025, entry_opens="2025-13-01"), "bad_date", "entry_opens"),
        (broken(2025, deadline="2026-01-01T00:01+01:00"), "bad_date", "deadline"),
        (broken(2025, deadline="2025-12-30T00:00"), "deadline_before_close", "deadline"),
        (broken(2025, age_min=31), "bad_ages", "age_max"),
        (broken(2025, year=1999), "bad_year", "year"),
        (broken(2025, year=2024), "duplicate_year", None),
        ([], "no_seasons", None),
        (["2025"], "bad_document", "seasons"),
    ],
)
def test_malformed_seasons_are_refused(items, reason, field):
    with pytest.raises(SeasonDataError) as caught:
        SeasonTable.from_dicts(items)
    assert caught.value.reason == reason
    assert caught.value.field == field


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        ("{not json", "not_json"),
        ("[]", "bad_document"),
        ('{"format": 2, "timezone": "Europe/Paris", "seasons": []}', "unsupported_format"),
        ('{"format": 1, "timezone": "Mars/Olympus", "seasons": []}', "bad_timezone"),
        ('{"format": 1, "timezone": "Europe/Paris", "seasons": {}}', "bad_document"),
    ],
)
def test_malformed_file_is_refused(tmp_path, content, reason):
    path = tmp_path / "seasons.json"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(SeasonDataError) as caught:
        load_seasons(path)
    assert caught.value.reason == reason


def test_missing_file_is_unreadable(tmp_path):
    with pytest.raises(SeasonDataError) as caught:
        load_seasons(tmp_path / "absent.json")
    assert caught.value.reason == "unreadable"
