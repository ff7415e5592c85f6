"""The treasurer's actions, one method each: what to claim, what came, what is missing;
the exports; the codes still to type on Le Compte Asso; the import of its extracts.

Quick reads use this object's own connection (interface thread). Slow work (exports,
imports) may run on a worker thread: each such method opens, and closes, a connection
of its own to the same database file.
"""

import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from app import club, exports, portal_extracts, reconcile, store
from app.club import ClubProfile
from app.errors import KnownError
from app.extract_columns import Field
from app.portal_extracts import Lines, PortalLine, Table
from app.portal_states import PortalState
from app.reconcile import Plan
from app.seasons import SeasonTable
from app.store import transaction
from app.validations import CLAIMED, State, Validation, from_row, move
from app.vault import Vault

PARIS = ZoneInfo("Europe/Paris")
LIST_LIMIT = 500
Progress = Callable[[int, int], None]
# A registration still "to send" once its season has closed: never accepted by the
# national service before the deadline, it will not be reimbursed.
LOST = "lost"


def utc_now() -> datetime:
    return datetime.now(UTC)


class TreasuryError(KnownError):
    """``not_to_enter``: this registration is no longer waiting to be typed on the portal."""


@dataclass(frozen=True)
class StateTotal:
    state: str  # a State value, or LOST
    count: int
    cents: int  # the amounts deducted at the desk


@dataclass(frozen=True)
class SeasonSummary:
    """A season's figures. Each registration is in exactly one line (its state, or
    "lost"), so the lines add up to :attr:`count`; the same rules make the columns of
    the exports (``Treasury.export_rows``), so their sums are these figures."""

    year: int
    totals: dict[str, StateTotal]  # every state and LOST, zeros included
    expected_cents: int  # what the State owes: deductions of the claimed registrations
    received_cents: int  # every payment recorded, whatever the registration's state
    missing_cents: int  # what is still owed, code by code (an overpayment hides nothing)
    overpaid_cents: int  # paid beyond the deduction, code by code
    cheques_held: int  # deposit cheques kept and not yet given back nor cashed
    cheques_held_cents: int
    deadline: datetime | None  # aware; None for a year the season table does not know
    days_left: int
    closed: bool

    @property
    def count(self) -> int:
        return sum(t.count for t in self.totals.values())

    @property
    def lost(self) -> StateTotal:
        return self.totals[LOST]


def claimed(state: str, closed: bool) -> bool:
    """Whether the State owes the club for a registration in ``state`` (a code still to
    send once the season has closed is lost)."""
    return state in CLAIMED and not (closed and state == State.TO_SEND)


def claim_cents(state: str, amount_cents: int, closed: bool) -> int | None:
    """What the State owes for one registration, or None when it owes nothing."""
    return amount_cents if claimed(state, closed) else None


def line_of(state: str, closed: bool) -> str:
    """The line of the summary a registration counts in."""
    return LOST if closed and state == State.TO_SEND else state


def last_day(deadline: datetime) -> date:
    """The last day codes can be entered. The deadline is the first instant refused: at
    00:01 on 1 January, the last day is 31 December."""
    local = deadline.astimezone(PARIS)
    return (local - timedelta(days=1)).date() if local.hour < 6 else local.date()


class Treasury:
    def __init__(
        self,
        database: Path,
        vault: Vault | None,
        seasons: SeasonTable,
        clock: Callable[[], datetime] = utc_now,
    ) -> None:
        self._database = Path(database)
        self._vault = vault
        self.seasons = seasons
        self._clock = clock
        self._conn = store.connect(self._database, vault)

    def close(self) -> None:
        self._conn.close()

    def now(self) -> datetime:
        return self._clock()

    @contextmanager
    def _worker_connection(self) -> Iterator[sqlite3.Connection]:
        conn = store.connect(self._database, self._vault)
        try:
            yield conn
        finally:
            conn.close()

    def club_profile(self) -> ClubProfile | None:
        return club.load_profile(self._conn)

    # The season's figures
    def years(self) -> list[int]:
        """Seasons with registrations, and the current one; the most recent first."""
        found = {r[0] for r in self._conn.execute("SELECT DISTINCT season FROM validations")}
        current = self.seasons.for_date(self.now())
        if current is not None:
            found.add(current.year)
        if not found:
            found.add(self.seasons.latest().year)
        return sorted(found, reverse=True)

    def summary(self, year: int) -> SeasonSummary:
        season = self.seasons.by_year(year)
        now = self.now()
        closed = self._closed(year)
        totals = {key: StateTotal(key, 0, 0) for key in (*State, LOST)}
        expected = received = missing = overpaid = 0
        for state, count, cents, paid, short, extra in self._conn.execute(
            "SELECT state, count(*), sum(amount_cents), sum(paid_cents),"
            " sum(max(0, amount_cents - coalesce(paid_cents, 0))),"
            " sum(max(0, coalesce(paid_cents, 0) - amount_cents))"
            " FROM validations WHERE season = ? GROUP BY state",
            (year,),
        ):
            key = line_of(state, closed)
            totals[key] = StateTotal(key, count, cents or 0)
            received += paid or 0
            if claimed(state, closed):
                expected += cents or 0
                missing += short or 0
                overpaid += extra or 0
        held, held_cents = self._conn.execute(
            "SELECT count(*), coalesce(sum(cheque_cents), 0) FROM validations WHERE season = ?"
            " AND cheque_state = 'held'",
            (year,),
        ).fetchone()
        return SeasonSummary(
            year=year,
            totals=totals,
            expected_cents=expected,
            received_cents=received,
            missing_cents=missing,
            overpaid_cents=overpaid,
            cheques_held=held,
            cheques_held_cents=held_cents,
            deadline=season.deadline if season else None,
            days_left=season.days_left(now) if season else 0,
            closed=closed,
        )

    def _closed(self, year: int) -> bool:
        """Whether the entry of this season's codes has closed (False when unknown)."""
        season = self.seasons.by_year(year)
        return season.has_closed(self.now()) if season else False

    def listing(
        self, year: int, state: State | None = None, limit: int = LIST_LIMIT
    ) -> tuple[list[Validation], int]:
        """The registrations of a season (of one state), most recent first, and how many
        there are in all."""
        where, args = "season = ?", [year]
        if state is not None:
            where += " AND state = ?"
            args.append(state)
        total = self._conn.execute(
            f"SELECT count(*) FROM validations WHERE {where}",  # noqa: S608 (fixed text)
            args,
        ).fetchone()[0]
        # Ids first from the plain table: only the rows shown have their names opened.
        rows = self._conn.execute(
            "SELECT * FROM validation_rows WHERE id IN (SELECT id FROM validations"  # noqa: S608
            f" WHERE {where} ORDER BY recorded_at DESC, id DESC LIMIT ?)"
            " ORDER BY recorded_at DESC, id DESC",
            [*args, limit],
        )
        return [from_row(r) for r in rows], total

    # Exports (worker thread)
    def _export_rows(
        self, conn: sqlite3.Connection, year: int, state: State | None
    ) -> tuple[Iterator[tuple], int]:
        """The rows of ``exports.FIELDS``: the state column says the summary's line, the
        money columns follow the summary's rules (their sums are its figures)."""
        where, args = "season = ?", [year]
        if state is not None:
            where += " AND state = ?"
            args.append(state)
        total = conn.execute(
            f"SELECT count(*) FROM validations WHERE {where}",  # noqa: S608 (fixed text)
            args,
        ).fetchone()[0]
        cursor = conn.execute(
            "SELECT receipt_no, code, last_name, first_name, activity, season, recorded_at,"  # noqa: S608
            f" state, amount_cents, paid_on, paid_cents FROM validation_rows WHERE {where}"
            " ORDER BY recorded_at, id",
            args,
        )
        closed = self._closed(year)

        def rows() -> Iterator[tuple]:
            days: dict[str, date] = {}
            paid_days: dict[str, date] = {}
            for receipt, code, last, first, activity, year_, at, st, cents, paid_on, paid in cursor:
                hour = at[:13]  # the day in Paris depends only on the UTC date and hour
                day = days.get(hour)
                if day is None:
                    day = days[hour] = datetime.fromisoformat(at).astimezone(PARIS).date()
                claim = claim_cents(st, cents, closed)
                yield (
                    receipt,
                    code,
                    last,
                    first,
                    activity,
                    year_,
                    day,
                    line_of(st, closed),
                    claim,
                    (
                        paid_days.get(paid_on)
                        or paid_days.setdefault(paid_on, date.fromisoformat(paid_on))
                    )
                    if paid_on
                    else None,
                    paid,
                    None if claim is None else max(0, claim - (paid or 0)),
                )

        return rows(), total

    def export_csv(
        self,
        path: Path,
        year: int,
        state: State | None,
        labels: exports.Labels,
        overwrite: bool = False,
        progress: Progress | None = None,
    ) -> int:
        return self._export(exports.export_csv, path, year, state, labels, overwrite, progress)

    def export_xlsx(
        self,
        path: Path,
        year: int,
        state: State | None,
        labels: exports.Labels,
        overwrite: bool = False,
        progress: Progress | None = None,
    ) -> int:
        return self._export(exports.export_xlsx, path, year, state, labels, overwrite, progress)

    def _export(self, write, path, year, state, labels, overwrite, progress) -> int:
        """The chosen registrations written by ``write``, read on a connection of their own."""
        with self._worker_connection() as conn:
            rows, total = self._export_rows(conn, year, state)
            return write(path, rows, total, labels, overwrite, progress)

    # Le Compte Asso, by hand
    def to_enter(self) -> list[Validation]:
        """Codes not yet entered on the portal, oldest first, of seasons still open."""
        rows = self._conn.execute(
            "SELECT * FROM validation_rows WHERE id IN (SELECT id FROM validations"
            " WHERE state = 'to_send') ORDER BY recorded_at, id"
        )
        now = self.now()
        found = []
        for row in rows:
            season = self.seasons.by_year(row["season"])
            if season is not None and not season.has_closed(now):
                found.append(from_row(row))
        return found

    def to_enter_count(self) -> int:
        """How many codes :meth:`to_enter` lists, without opening any of them."""
        now = self.now()
        return sum(
            count
            for year, count in self._conn.execute(
                "SELECT season, count(*) FROM validations WHERE state = 'to_send' GROUP BY season"
            )
            if (season := self.seasons.by_year(year)) is not None and not season.has_closed(now)
        )

    def mark_entered(self, validation_id: int, actor: str = "") -> None:
        """The code was typed on Le Compte Asso, which took it: the registration is known
        nationally (confirmed) and will never be sent again by this program."""
        now = self.now()
        with transaction(self._conn):
            done = move(
                self._conn, validation_id, State.TO_SEND, State.CONFIRMED, now,
                "portal_entered", actor, national_at=now.isoformat(),
            )  # fmt: skip
            if not done:
                raise TreasuryError("not_to_enter")
            reconcile.withdraw_redeems(self._conn, [validation_id], now)

    # Le Compte Asso's extracts (worker thread, except the preview's quick calls)
    def read_extract(self, path: Path, progress: Progress | None = None) -> Table:
        return portal_extracts.read_table(path, progress, aeeh_years=self.seasons.aeeh_years)

    def compare(
        self,
        table: Table,
        mapping: dict[Field, int],
        states: dict[str, PortalState | None] | None = None,
    ) -> tuple[Plan, Lines]:
        """What importing ``table`` would change; ``states`` are the meanings the treasurer
        gave to state wordings (the others are read by the program, or put aside)."""
        lines = portal_extracts.read_lines(table, mapping, states, self.seasons.aeeh_years)
        with self._worker_connection() as conn:
            return reconcile.plan(lines.lines, lines.unreadable, conn, lines.ignored), lines

    def apply(self, plan: Plan, source: str) -> int:
        """Write the matched changes of ``plan``; returns how many registrations changed."""
        with self._worker_connection() as conn:
            return reconcile.apply(conn, plan.updates, self.now(), Path(source).name)

    def addable(self, plan: Plan) -> list[PortalLine]:
        return [line for line in plan.portal_only if reconcile.can_add(line, self.seasons) is None]

    def add_from_portal(self, lines: list[PortalLine], source: str, actor: str = "") -> int:
        with self._worker_connection() as conn:
            made = reconcile.add_from_portal(
                conn, lines, self.seasons, self.now(), Path(source).name, actor
            )
        return len(made)
