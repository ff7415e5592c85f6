"""Find registrations by name, code, receipt number or date; suggest names already known.

Names and codes are sealed in the file (app/vault.py), so SQL cannot look inside
them. The searchable words of every registration are opened once and kept in
memory only, as one long text scanned by C code: a search over 100,000
registrations stays well under the 50 ms a desk can wait.
"""

import bisect
import sqlite3
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from app.people import parse_birth_date, search_words
from app.validations import Validation, from_row

PARIS = ZoneInfo("Europe/Paris")
LIMIT = 100


@dataclass(frozen=True)
class _Entry:
    id: int
    recorded_at: str
    birth_date: str
    last_name: str


def _words(v: sqlite3.Row | Validation) -> str:
    if isinstance(v, Validation):
        last, first, code, receipt = v.last_name, v.first_name, v.code, v.receipt_no
    else:
        last, first, code, receipt = v["last_name"], v["first_name"], v["code"], v["receipt_no"]
    last_words, first_words = search_words(last), search_words(first)
    # Each name also in one piece, so that "ndiaye" finds N'Diaye.
    return " ".join(
        (
            *last_words,
            *first_words,
            "".join(last_words),
            "".join(first_words),
            (code or "").replace("-", "").lower(),
            receipt.replace("-", "").lower(),
        )
    )


class SearchIndex:
    """The searchable words of the registrations of one database, in memory."""

    def __init__(self) -> None:
        self._entries: dict[int, _Entry] | None = None
        self._text = ""
        self._starts: list[int] = []
        self._order: list[int] = []
        self._recent: dict[int, str] = {}  # changed since the long text was built
        self._noted_early: list[Validation] = []  # saved before an adopted index arrives

    @classmethod
    def built(cls, conn: sqlite3.Connection) -> "SearchIndex":
        """A loaded index, e.g. made on a background thread with a connection of its own
        and then handed over with :meth:`adopt`."""
        index = cls()
        index._load(conn)
        return index

    def adopt(self, other: "SearchIndex") -> None:
        """Take over a loaded index, keeping what was noted here in the meantime."""
        if self._entries is not None:
            return  # a search came first and loaded everything already
        noted = self._noted_early
        self.__dict__.update(other.__dict__)
        for v in noted:
            self.note(v)

    def _load(self, conn: sqlite3.Connection) -> None:
        rows = conn.execute(
            "SELECT id, last_name, first_name, code, receipt_no, recorded_at, birth_date"
            " FROM validation_rows"
        ).fetchall()
        self._noted_early: list[Validation] = []
        self._entries = {
            r["id"]: _Entry(r["id"], r["recorded_at"], r["birth_date"], r["last_name"])
            for r in rows
        }
        lines = [(r["id"], _words(r)) for r in rows]
        self._order = [i for i, _ in lines]
        self._starts, offset = [], 0
        for _, words in lines:
            self._starts.append(offset)
            offset += len(words) + 1
        self._text = "\n".join(words for _, words in lines) + "\n"
        self._recent = {}

    def _ready(self, conn: sqlite3.Connection) -> dict[int, _Entry]:
        if self._entries is None or len(self._recent) > 2000:
            self._load(conn)
        return self._entries

    def note(self, v: Validation) -> None:
        """A registration was saved or corrected: search its new words."""
        if self._entries is None:
            self._noted_early.append(v)  # for an index being built elsewhere
            return
        self._entries[v.id] = _Entry(
            v.id, v.recorded_at.isoformat(), v.birth_date.isoformat(), v.last_name
        )
        self._recent[v.id] = _words(v)

    def _matching(self, tokens: list[str]) -> set[int]:
        first, rest = max(tokens, key=len), tokens
        found: set[int] = set()
        start = self._text.find(first)
        while start >= 0:
            line = bisect.bisect_right(self._starts, start) - 1
            line_end = self._text.find("\n", start)
            words = self._text[self._starts[line] : line_end]
            identifier = self._order[line]
            if identifier not in self._recent and all(t in words for t in rest):
                found.add(identifier)
            start = self._text.find(first, line_end)
        found.update(i for i, words in self._recent.items() if all(t in words for t in rest))
        return found

    def search(
        self, conn: sqlite3.Connection, query: str, today: date, limit: int = LIMIT
    ) -> list[Validation]:
        """Most recent first. A date finds the registrations of that day (Paris time) and
        the young people born that day; other words must all appear in the name, code or
        receipt number."""
        entries = self._ready(conn)
        text = query.strip()
        day, reason = parse_birth_date(text, today) if text else (None, "required")
        if day is not None and reason is None:
            start = datetime.combine(day, time(), PARIS).astimezone(UTC).isoformat()
            end = datetime.combine(day + timedelta(days=1), time(), PARIS).astimezone(UTC)
            born = day.isoformat()
            ids = {
                e.id
                for e in entries.values()
                if start <= e.recorded_at < end.isoformat() or e.birth_date == born
            }
        elif text:
            words = search_words(text)
            # With a digit, it is a code or a receipt number: its characters follow each other.
            tokens = ["".join(words)] if any(c.isdigit() for c in text) else words
            ids = self._matching(tokens) if tokens and tokens[0] else set()
        else:
            ids = set(entries)
        chosen = sorted(ids, key=lambda i: (entries[i].recorded_at, i), reverse=True)[:limit]
        if not chosen:
            return []
        marks = ",".join("?" * len(chosen))
        rows = conn.execute(
            f"SELECT * FROM validation_rows WHERE id IN ({marks})",  # noqa: S608 (placeholders)
            chosen,
        ).fetchall()
        by_id = {r["id"]: from_row(r) for r in rows}
        return [by_id[i] for i in chosen if i in by_id]

    def name_suggestions(self, conn: sqlite3.Connection, limit: int = 500) -> list[str]:
        """Family names already registered here, most recent first, for brothers and sisters."""
        entries = sorted(self._ready(conn).values(), key=lambda e: e.recorded_at, reverse=True)
        names: dict[str, None] = {}
        for entry in entries:
            names.setdefault(entry.last_name)
            if len(names) >= limit:
                break
        return list(names)


def by_state(conn: sqlite3.Connection, state: str, limit: int = 1000) -> list[Validation]:
    rows = conn.execute(
        "SELECT * FROM validation_rows WHERE state = ? ORDER BY recorded_at DESC, id DESC LIMIT ?",
        (state, limit),
    )
    return [from_row(r) for r in rows]
