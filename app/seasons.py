"""pass'Sport seasons: amount, entry window, deadline and ages of each campaign.

Every figure comes from data: ``resources/seasons.json`` as shipped, then the national
``GET /v1/seasons`` or a signed season file (app/season_files.py), all read by
:meth:`SeasonTable.from_document` with the same checks. Deadlines are local wall times
in the table's time zone (Europe/Paris). A table carries the date it was published and
where the one in force came from (:class:`TableOrigin`).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import asdict, dataclass
from datetime import UTC, date, datetime, time, tzinfo
from enum import StrEnum
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from app.errors import KnownError
from app.resources import resource_path

DATA_FORMAT = 1
DEFAULT_TIMEZONE = "Europe/Paris"
# A code carries two digits of the year, so a table can only hold one century.
FIRST_YEAR, LAST_YEAR = 2000, 2099


class SeasonDataReason(StrEnum):
    """Why season data was refused."""

    UNREADABLE = "unreadable"
    NOT_JSON = "not_json"
    BAD_DOCUMENT = "bad_document"
    UNSUPPORTED_FORMAT = "unsupported_format"
    BAD_TIMEZONE = "bad_timezone"
    NO_SEASONS = "no_seasons"
    MISSING_FIELD = "missing_field"
    BAD_TYPE = "bad_type"
    BAD_DATE = "bad_date"
    BAD_YEAR = "bad_year"
    BAD_AMOUNT = "bad_amount"
    BAD_AGES = "bad_ages"
    CLOSES_BEFORE_OPENS = "closes_before_opens"
    DEADLINE_BEFORE_CLOSE = "deadline_before_close"
    DUPLICATE_YEAR = "duplicate_year"
    NO_DATE = "no_date"  # a table that must say when it was published does not


class SeasonDataError(KnownError, ValueError):
    """Season data is malformed; ``reason`` says how, ``year`` and ``field`` say where."""

    def __init__(
        self, reason: SeasonDataReason, *, year: object = None, field: str | None = None
    ) -> None:
        super().__init__(str(reason), year=year, field=field)
        self.reason = SeasonDataReason(reason)
        self.year = year
        self.field = field
        where = [f"season {year}"] if year is not None else []
        where += [f"field {field}"] if field else []
        self.args = (f"{self.reason} ({', '.join(where)})" if where else str(self.reason),)


def _require_aware(now: datetime) -> None:
    if now.tzinfo is None or now.utcoffset() is None:
        raise ValueError("now must be a timezone-aware datetime")


@dataclass(frozen=True)
class Season:
    """One pass'Sport campaign. ``deadline`` is aware: the first instant codes are refused."""

    year: int
    amount_cents: int
    entry_opens: date
    entry_closes: date
    deadline: datetime
    age_min: int
    age_max: int
    has_codes: bool
    aeeh_i_prefix: bool = False
    provisional: bool = False
    note: str = ""

    def __post_init__(self) -> None:
        def fail(reason: SeasonDataReason, field: str) -> SeasonDataError:
            return SeasonDataError(reason, year=self.year, field=field)

        if not FIRST_YEAR <= self.year <= LAST_YEAR:
            raise fail(SeasonDataReason.BAD_YEAR, "year")
        if self.amount_cents <= 0:
            raise fail(SeasonDataReason.BAD_AMOUNT, "amount_cents")
        if not 0 <= self.age_min <= self.age_max:
            raise fail(SeasonDataReason.BAD_AGES, "age_max")
        if self.entry_closes < self.entry_opens:
            raise fail(SeasonDataReason.CLOSES_BEFORE_OPENS, "entry_closes")
        zone = self.deadline.tzinfo
        if zone is None or self.deadline.utcoffset() is None:
            raise fail(SeasonDataReason.BAD_DATE, "deadline")
        if self.deadline.replace(tzinfo=None) <= datetime.combine(self.entry_closes, time()):
            raise fail(SeasonDataReason.DEADLINE_BEFORE_CLOSE, "deadline")

    @property
    def prefix(self) -> str:
        """The two digits that start this season's codes, e.g. ``"25"``."""
        return f"{self.year % 100:02d}"

    @property
    def timezone(self) -> tzinfo:
        """The zone in which dates and the deadline of this season are judged."""
        assert self.deadline.tzinfo is not None
        return self.deadline.tzinfo

    def local_date(self, now: datetime) -> date:
        """The calendar date of ``now`` (aware) in the season's time zone."""
        _require_aware(now)
        return now.astimezone(self.timezone).date()

    def has_opened(self, now: datetime) -> bool:
        """Whether the entry window has started at ``now`` (local date)."""
        return self.entry_opens <= self.local_date(now)

    def has_closed(self, now: datetime) -> bool:
        """Whether the deadline has passed at ``now`` (compared as instants)."""
        _require_aware(now)
        return now.astimezone(UTC) >= self.deadline.astimezone(UTC)

    def is_open(self, now: datetime) -> bool:
        """Whether codes of this season can be entered at ``now`` (aware)."""
        return self.has_opened(now) and not self.has_closed(now)

    def days_left(self, now: datetime) -> int:
        """Whole days until the deadline, counted on local wall clocks (a DST day counts
        as one day); 0 on the last day and once the deadline has passed."""
        if self.has_closed(now):
            return 0
        local = now.astimezone(self.timezone).replace(tzinfo=None)
        return max(0, (self.deadline.replace(tzinfo=None) - local).days)

    def age_allowed(self, birth: date) -> bool:
        """Whether the age reached during the season year (age on 31 December of
        ``year``) is within ``age_min``..``age_max``."""
        return self.age_min <= self.year - birth.year <= self.age_max


class TableSource(StrEnum):
    """Where the table in force came from."""

    SHIPPED = "shipped"  # resources/seasons.json, with the program
    NATIONAL = "national"  # GET /v1/seasons
    FILE = "file"  # a signed season file, imported by hand


class ChangeKind(StrEnum):
    """How a new table contradicts registrations already recorded in a season."""

    REMOVED = "removed"  # the season is no longer in the table
    AMOUNT = "amount"  # its amount changes
    DATES = "dates"  # some were recorded outside its new entry window
    AGES = "ages"  # some young people are outside its new ages
    DEADLINE = "deadline"  # its codes must be sent sooner than the table in force said


@dataclass(frozen=True)
class SeasonChange:
    """One contradiction: ``count`` registrations of ``year`` hit by ``kind``; the old and
    new amounts for an amount change."""

    year: int
    kind: ChangeKind
    count: int
    old_cents: int | None = None
    new_cents: int | None = None


@dataclass(frozen=True)
class TableOrigin:
    """Where the table in force came from and since when (``since`` is None for the
    shipped one). ``notice``: what it changed under recorded registrations, kept for the
    treasurer when the national service imposed it."""

    source: TableSource = TableSource.SHIPPED
    since: datetime | None = None
    notice: tuple[SeasonChange, ...] = ()


class SeasonTable:
    """The known seasons, in year order; ``published``: the date the table bears, if any."""

    def __init__(
        self,
        seasons: Iterable[Season],
        *,
        published: date | None = None,
        origin: TableOrigin | None = None,
    ) -> None:
        self.published = published
        self.origin = origin or TableOrigin()
        ordered = sorted(seasons, key=lambda season: season.year)
        if not ordered:
            raise SeasonDataError(SeasonDataReason.NO_SEASONS)
        by_year: dict[int, Season] = {}
        for season in ordered:
            if season.year in by_year:
                raise SeasonDataError(SeasonDataReason.DUPLICATE_YEAR, year=season.year)
            by_year[season.year] = season
        self._seasons = tuple(ordered)
        self._by_year = by_year
        self._by_prefix = {season.prefix: season for season in ordered}

    @classmethod
    def from_dicts(
        cls, items: Iterable[Mapping[str, Any]], timezone: str = DEFAULT_TIMEZONE
    ) -> SeasonTable:
        """Build a table from plain dicts shaped like the entries of ``seasons.json``."""
        zone = _zone(timezone)
        if isinstance(items, str | bytes | Mapping):
            raise SeasonDataError(SeasonDataReason.BAD_DOCUMENT, field="seasons")
        return cls(_season_from_dict(item, zone) for item in items)

    @classmethod
    def from_document(cls, document: Any) -> SeasonTable:
        """Build a table from the whole JSON document (``format``, ``timezone``, ``seasons``)."""
        if not isinstance(document, Mapping):
            raise SeasonDataError(SeasonDataReason.BAD_DOCUMENT)
        data_format = document.get("format")
        if type(data_format) is not int or data_format != DATA_FORMAT:
            raise SeasonDataError(SeasonDataReason.UNSUPPORTED_FORMAT, field="format")
        seasons = document.get("seasons")
        if not isinstance(seasons, list):
            raise SeasonDataError(SeasonDataReason.BAD_DOCUMENT, field="seasons")
        published = document.get("published")
        if published is not None:
            try:
                published = date.fromisoformat(published)
            except (TypeError, ValueError) as error:
                raise SeasonDataError(SeasonDataReason.BAD_DATE, field="published") from error
        table = cls.from_dicts(seasons, document.get("timezone"))  # type: ignore[arg-type]
        table.published = published
        return table

    def to_document(self) -> dict[str, Any]:
        """The table as the JSON document :meth:`from_document` reads (``seasons.json``,
        ``GET /v1/seasons``, a season file)."""
        seasons = []
        for season in self._seasons:
            fields = asdict(season)
            for name in ("entry_opens", "entry_closes"):
                fields[name] = fields[name].isoformat()
            fields["deadline"] = season.deadline.replace(tzinfo=None).isoformat("T", "minutes")
            if not fields["note"]:
                del fields["note"]
            seasons.append(fields)
        document: dict[str, Any] = {"format": DATA_FORMAT}
        if self.published is not None:
            document["published"] = self.published.isoformat()
        return document | {"timezone": str(self.latest().timezone), "seasons": seasons}

    def with_origin(self, origin: TableOrigin) -> SeasonTable:
        """The same seasons, said to come from ``origin``."""
        return SeasonTable(self._seasons, published=self.published, origin=origin)

    def same_seasons(self, other: SeasonTable) -> bool:
        return self._seasons == other._seasons

    def __iter__(self) -> Iterator[Season]:
        return iter(self._seasons)

    def __len__(self) -> int:
        return len(self._seasons)

    def by_year(self, year: int) -> Season | None:
        return self._by_year.get(year)

    def by_prefix(self, prefix: str) -> Season | None:
        """The season whose codes start with ``prefix`` (two digits), if any."""
        return self._by_prefix.get(prefix)

    def for_date(self, now: datetime) -> Season | None:
        """The season open for entry at ``now`` (the latest one if several), else None."""
        open_now = [season for season in self._seasons if season.is_open(now)]
        return open_now[-1] if open_now else None

    def latest(self) -> Season:
        """The season with the highest year (it may be provisional)."""
        return self._seasons[-1]

    @property
    def aeeh_years(self) -> frozenset[int]:
        """Years whose AEEH codes may start with the letter I."""
        return frozenset(season.year for season in self._seasons if season.aeeh_i_prefix)


def load_seasons(path: Path | str | None = None) -> SeasonTable:
    """Read and check a seasons file (default: the shipped ``seasons.json``)."""
    try:
        source = Path(path) if path is not None else resource_path("seasons.json")
        text = source.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise SeasonDataError(SeasonDataReason.UNREADABLE) from error
    try:
        document = json.loads(text)
    except (ValueError, RecursionError) as error:
        raise SeasonDataError(SeasonDataReason.NOT_JSON) from error
    return SeasonTable.from_document(document)


def _zone(name: object) -> ZoneInfo:
    if not isinstance(name, str) or not name:
        raise SeasonDataError(SeasonDataReason.BAD_TIMEZONE, field="timezone")
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as error:
        raise SeasonDataError(SeasonDataReason.BAD_TIMEZONE, field="timezone") from error


_INT_FIELDS = ("year", "amount_cents", "age_min", "age_max")
_BOOL_FIELDS = ("has_codes", "aeeh_i_prefix", "provisional")
_DATE_FIELDS = ("entry_opens", "entry_closes")


def _season_from_dict(raw: object, zone: ZoneInfo) -> Season:
    """Check types and parse dates; ``Season`` itself checks the values. Unknown keys
    are ignored so that newer data keeps loading."""
    if not isinstance(raw, Mapping):
        raise SeasonDataError(SeasonDataReason.BAD_DOCUMENT, field="seasons")
    year = raw.get("year")

    def get(name: str, kind: type) -> Any:
        if name not in raw:
            raise SeasonDataError(SeasonDataReason.MISSING_FIELD, year=year, field=name)
        value = raw[name]
        # bool is an int in Python: never accept true for a number or 1 for a flag.
        if type(value) is not kind:
            raise SeasonDataError(SeasonDataReason.BAD_TYPE, year=year, field=name)
        return value

    values: dict[str, Any] = {name: get(name, int) for name in _INT_FIELDS}
    values |= {name: get(name, bool) for name in _BOOL_FIELDS}
    for name in _DATE_FIELDS:
        text = get(name, str)
        try:
            values[name] = date.fromisoformat(text)
        except ValueError as error:
            raise SeasonDataError(SeasonDataReason.BAD_DATE, year=year, field=name) from error
    text = get("deadline", str)
    try:
        deadline = datetime.fromisoformat(text)
    except ValueError as error:
        raise SeasonDataError(SeasonDataReason.BAD_DATE, year=year, field="deadline") from error
    if deadline.tzinfo is not None:  # local wall time only: the zone comes from the table
        raise SeasonDataError(SeasonDataReason.BAD_DATE, year=year, field="deadline")
    note = raw.get("note", "")
    if not isinstance(note, str):
        raise SeasonDataError(SeasonDataReason.BAD_TYPE, year=year, field="note")
    return Season(deadline=deadline.replace(tzinfo=zone), note=note, **values)
