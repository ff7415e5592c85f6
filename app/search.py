"""Find registrations by code, name, receipt number or date; suggest names already known."""

import sqlite3
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from app.people import parse_birth_date, search_words
from app.validations import Validation, from_row

PARIS = ZoneInfo("Europe/Paris")
LIMIT = 100


def _like(token: str) -> str:
    escaped = token.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def search(
    conn: sqlite3.Connection, query: str, today: date, limit: int = LIMIT
) -> list[Validation]:
    """Most recent first. A date finds the registrations of that day (Paris time) and the
    young people born that day; other words must all appear in the name, code or receipt."""
    text = query.strip()
    if not text:
        rows = conn.execute(
            "SELECT * FROM validation_rows ORDER BY recorded_at DESC, id DESC LIMIT ?",
            (limit,),
        )
        return [from_row(r) for r in rows]
    day, reason = parse_birth_date(text, today)
    if day is not None and reason is None:
        start = datetime.combine(day, time(), PARIS).astimezone(UTC)
        end = datetime.combine(day + timedelta(days=1), time(), PARIS).astimezone(UTC)
        rows = conn.execute(
            "SELECT * FROM validation_rows WHERE (recorded_at >= ? AND recorded_at < ?)"
            " OR birth_date = ? ORDER BY recorded_at DESC, id DESC LIMIT ?",
            (start.isoformat(), end.isoformat(), day.isoformat(), limit),
        )
        return [from_row(r) for r in rows]
    words = search_words(text) or [""]
    # With a digit, it is a code or a receipt number: its characters must follow each other.
    tokens = ["".join(words)] if any(c.isdigit() for c in text) else words
    where = " AND ".join("search_text LIKE ? ESCAPE '\\'" for _ in tokens)
    # The matching ids come from the narrow search index alone (a covering scan).
    # Only a chain of placeholders is put into the text of the query.
    sql = (
        "SELECT * FROM validation_rows WHERE id IN (SELECT id FROM validations"  # noqa: S608
        f" INDEXED BY validations_search WHERE {where}"
        " ORDER BY recorded_at DESC, id DESC LIMIT ?) ORDER BY recorded_at DESC, id DESC"
    )
    rows = conn.execute(
        sql,
        (*[_like(t) for t in tokens], limit),
    )
    return [from_row(r) for r in rows]


def name_suggestions(conn: sqlite3.Connection, limit: int = 500) -> list[str]:
    """Family names already registered here, for brothers and sisters."""
    rows = conn.execute(
        "SELECT last_name FROM validations GROUP BY last_name"
        " ORDER BY max(recorded_at) DESC LIMIT ?",
        (limit,),
    )
    return [r[0] for r in rows]


def by_state(conn: sqlite3.Connection, state: str, limit: int = 1000) -> list[Validation]:
    rows = conn.execute(
        "SELECT * FROM validation_rows WHERE state = ? ORDER BY recorded_at DESC, id DESC LIMIT ?",
        (state, limit),
    )
    return [from_row(r) for r in rows]
