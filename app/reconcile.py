"""Compare an extract of Le Compte Asso with the registrations recorded here.

Four outcomes: matched (the national state is brought in: registered, in payment, paid
with its date and amount), in the portal but not here (can be added), here but not in
the portal (to enter), and conflicts (same code, another name; or cancelled here but
alive there). Comparing changes nothing; :func:`apply` writes the matched changes in one
transaction, through the transition table (``validations.move``).

A code may have several lines (payment waves, a cancellation, an entry made again): the
latest by its date, or by its place in the file when there is none, says where it
stands; progress never goes backwards (an older file cannot undo a payment). A recorded
payment is never undone: a cancellation, a refusal or "unpaid" after it puts the
registration in "to check" with the payment kept, for a person to look at. Importing the
same file twice changes nothing the second time.
"""

import sqlite3
from dataclasses import dataclass, field
from datetime import date, datetime

from app.codes import parse_code_format
from app.errors import KnownError
from app.people import Person, clean_name, same_name
from app.portal_extracts import PortalLine
from app.portal_states import NEGATIVE, PortalState
from app.seasons import SeasonTable
from app.store import transaction
from app.validations import (
    PROGRESS,
    KnownNationally,
    Move,
    State,
    ValidationError,
    move_many,
    record,
)

_STATES = {state.value: state for state in State}
# A line with no state says the code is listed: registered at least.
_PORTAL_RANK = {
    None: 0,
    PortalState.REGISTERED: 1,
    PortalState.UNPAID: 1,
    PortalState.IN_PAYMENT: 2,
    PortalState.PAID: 3,
}
# What a line says, in the states of a registration here, when it is alive there.
_ALIVE = {
    None: State.CONFIRMED,
    PortalState.REGISTERED: State.CONFIRMED,
    PortalState.UNPAID: State.CONFIRMED,
    PortalState.IN_PAYMENT: State.IN_PROCESSING,
    PortalState.PAID: State.PAID,
}
# Why a registration goes to "to check" after a line of the portal; with a payment
# recorded (here or in the file), the reason says both facts.
_REASONS = {
    PortalState.CANCELLED: ("cancelled_nationally", "cancelled_after_payment"),
    PortalState.REFUSED: ("refused_nationally", "refused_after_payment"),
    PortalState.UNPAID: (None, "unpaid_after_payment"),
}
# Alive here and expected in a list of registrations: missing from it means "to enter".
_EXPECTED = (State.TO_SEND, State.CONFIRMED, State.IN_PROCESSING, State.TO_CHECK)


class ReconcileError(KnownError):
    """``already_here`` (the code is registered here), ``no_birth_date``, ``bad_name``,
    ``unknown_season``, ``cancelled`` (the portal cancelled it); each with ``row``."""


@dataclass(frozen=True)
class Local:
    """What the comparison needs of a registration recorded here."""

    id: int
    code: str
    last_name: str
    first_name: str
    state: State
    season: int
    receipt_no: str
    amount_cents: int
    paid_cents: int | None
    paid_on: date | None
    national_reason: str | None
    national_at: str | None = None


@dataclass(frozen=True)
class Update:
    local: Local
    after: State
    paid_cents: int | None
    paid_on: date | None
    reason: str | None
    line: PortalLine


@dataclass(frozen=True)
class Conflict:
    kind: str  # "name": same code, another young person; "cancelled_here"
    local: Local
    line: PortalLine


@dataclass
class Plan:
    updates: list[Update] = field(default_factory=list)
    unchanged: int = 0
    conflicts: list[Conflict] = field(default_factory=list)
    portal_only: list[PortalLine] = field(default_factory=list)
    here_only: list[Local] = field(default_factory=list)
    unreadable: list[int] = field(default_factory=list)
    duplicates: int = 0
    ignored: list[PortalLine] = field(default_factory=list)  # state wording left unknown

    @property
    def matched(self) -> int:
        return len(self.updates) + self.unchanged


def load_locals(conn: sqlite3.Connection) -> tuple[dict[str, Local], dict[str, Local]]:
    """Registrations with a code: (alive by code, cancelled by code)."""
    rows = conn.execute(
        "SELECT id, code, last_name, first_name, state, season, receipt_no, amount_cents,"
        " paid_cents, paid_on, national_reason, national_at FROM validation_rows"
        " WHERE id IN (SELECT id FROM validations WHERE code_hash IS NOT NULL)"
        " ORDER BY id"
    )
    alive: dict[str, Local] = {}
    cancelled: dict[str, Local] = {}
    for r in rows:
        local = Local(r[0], r[1], r[2], r[3], _STATES[r[4]], r[5], r[6], r[7], r[8],
                      date.fromisoformat(r[9]) if r[9] else None, r[10], r[11])  # fmt: skip
        (cancelled if local.state is State.CANCELLED else alive)[local.code] = local
    return alive, cancelled


def _plain(name: str) -> str:
    return name.replace("-", " ").replace("'", " ").replace("\u2019", " ")


def names_match(local: Local, line: PortalLine) -> bool:
    """The same young person, as far as the file says (a column left out is not compared)."""
    if (line.last_name.casefold(), line.first_name.casefold()) == (
        local.last_name.casefold(),
        local.first_name.casefold(),
    ):
        return True  # written the same way, but for upper case: the usual case
    if line.last_name and not same_name(_plain(local.last_name), _plain(line.last_name)):
        return False
    return not line.first_name or same_name(_plain(local.first_name), _plain(line.first_name))


def _in_time_order(lines: list[PortalLine]) -> list[PortalLine]:
    """By the date of each line's state when every line has one, else by file order."""
    dates = [line.changed_on or (line.paid_on if line.state is PortalState.PAID else None)
             for line in lines]  # fmt: skip
    if all(dates):
        return [
            line for _, _, line in sorted(zip(dates, (x.row for x in lines), lines, strict=True))
        ]
    return sorted(lines, key=lambda line: line.row)


def decide(lines: list[PortalLine]) -> tuple[PortalLine, PortalLine | None]:
    """Of the lines of one code: the one that says where it stands now, and the latest
    payment the file still stands by. After the latest cancellation, refusal or "unpaid",
    the line furthest along decides (a payment wave listed before an older line still
    counts); with nothing after it, that negative line decides. A payment listed before
    such a line is taken back by it: it is not a payment."""
    if len(lines) == 1:
        (line,) = lines
        return line, line if line.state is PortalState.PAID else None
    ordered = _in_time_order(lines)
    last_negative = max((i for i, x in enumerate(ordered) if x.state in NEGATIVE), default=-1)
    after = ordered[last_negative + 1 :]
    paid = next((x for x in reversed(after) if x.state is PortalState.PAID), None)
    if not after:
        return ordered[-1], paid
    best = max(range(len(after)), key=lambda i: (_PORTAL_RANK[after[i].state], i))
    return after[best], paid


def _payment(local: Local, paid: PortalLine | None) -> tuple[int | None, date | None]:
    """The payment known for this code: the one recorded here stands; else the file's."""
    if local.paid_cents is not None:
        return local.paid_cents, local.paid_on or (paid.paid_on if paid else None)
    if paid is None:
        return None, None
    cents = paid.amount_cents if paid.amount_cents is not None else local.amount_cents
    return cents, paid.paid_on


def _target(local: Local, line: PortalLine, paid: PortalLine | None) -> Update | None:
    before = local.state
    if before is State.CANCELLED or before is State.AWAITING_CODE:
        return None  # handled as conflicts, or not yet a code
    paid_cents, paid_on = _payment(local, paid)
    if line.state in NEGATIVE:
        plain, with_payment = _REASONS[line.state]
        reason = with_payment if paid_cents is not None else plain
    else:
        reason = None
    if reason is not None:
        after = State.TO_CHECK
    else:
        after = State.PAID if paid_cents is not None else _ALIVE[line.state]
        if before in PROGRESS and PROGRESS[after] < PROGRESS[before]:
            return None  # an older file: what is known here is more recent
        if after is not State.PAID:
            paid_cents = paid_on = None
    same = (after, reason, paid_cents, paid_on) == (
        before,
        local.national_reason if before is State.TO_CHECK else None,
        local.paid_cents,
        local.paid_on,
    )
    return None if same else Update(local, after, paid_cents, paid_on, reason, line)


def plan(
    lines: list[PortalLine],
    unreadable: list[int],
    conn: sqlite3.Connection,
    ignored: list[PortalLine] | None = None,
) -> Plan:
    """What importing ``lines`` would change; nothing is written. ``ignored`` lines (a
    state nobody gave a meaning to) change nothing, but their codes count as listed."""
    result = Plan(unreadable=list(unreadable), ignored=list(ignored or []))
    by_code: dict[str, list[PortalLine]] = {}
    for line in lines:
        by_code.setdefault(line.code, []).append(line)
    alive, cancelled = load_locals(conn)
    result.duplicates = len(lines) - len(by_code)
    decided: dict[str, PortalLine] = {}
    for code, its_lines in by_code.items():
        line, paid = decide(its_lines)
        decided[code] = line
        gone = line.state in (PortalState.CANCELLED, PortalState.REFUSED)
        local = alive.get(code)
        if local is None:
            if gone:
                continue  # cancelled or refused there, not alive here: nothing to do
            if code in cancelled:
                result.conflicts.append(Conflict("cancelled_here", cancelled[code], line))
            else:
                result.portal_only.append(line)
            continue
        if not names_match(local, line):
            result.conflicts.append(Conflict("name", local, line))
            continue
        update = _target(local, line, paid)
        if update is None:
            result.unchanged += 1
        else:
            result.updates.append(update)
    listed = set(by_code) | {line.code for line in result.ignored}
    seasons = {2000 + int(code[:2]) for code in listed}
    lists_registrations = any(
        line.state in (None, PortalState.REGISTERED) for line in decided.values()
    )
    # A payment extract lists only what is in payment: only those are missed when absent.
    expected = _EXPECTED if lists_registrations else (State.IN_PROCESSING, State.PAID)
    result.here_only = sorted(
        (
            local
            for code, local in alive.items()
            if code not in listed and local.season in seasons and local.state in expected
        ),
        key=lambda local: (local.last_name.casefold(), local.first_name.casefold()),
    )
    result.portal_only.sort(key=lambda line: line.row)
    return result


def apply(conn: sqlite3.Connection, changes: list[Update], now: datetime, source: str) -> int:
    """Write the matched changes; returns how many registrations changed. A registration
    changed by someone else since the comparison is left alone."""
    stamp = now.isoformat()
    moves = [
        Move(
            u.local.id,
            u.local.state,
            u.after,
            f"portal_{u.after}",
            {
                "national_reason": u.reason,
                "national_at": u.local.national_at or stamp,
                "paid_cents": u.paid_cents,
                "paid_on": u.paid_on,
            },
            source,
        )
        for u in changes
    ]
    before = {u.local.id: u.local.state for u in changes}
    with transaction(conn):
        moved = move_many(conn, moves, now)
        withdraw_redeems(conn, [i for i in moved if before[i] is State.TO_SEND], now)
    return len(moved)


def withdraw_redeems(conn: sqlite3.Connection, validation_ids: list[int], now: datetime) -> None:
    """The national side already has them (entered on the portal): never send them again."""
    conn.executemany(
        "UPDATE outbox SET withdrawn_at = ? WHERE validation_id = ? AND kind = 'redeem'"
        " AND sent_at IS NULL AND withdrawn_at IS NULL",
        [(now.isoformat(), i) for i in validation_ids],
    )


def can_add(line: PortalLine, seasons: SeasonTable) -> str | None:
    """None when this portal line can be added here, else the reason why not."""
    if line.state in (PortalState.CANCELLED, PortalState.REFUSED):
        return "cancelled"
    if seasons.by_prefix(line.code[:2]) is None:
        return "unknown_season"
    if line.birth_date is None:
        return "no_birth_date"
    if clean_name(line.last_name)[1] or clean_name(line.first_name)[1]:
        return "bad_name"
    return None


def add_from_portal(
    conn: sqlite3.Connection,
    lines: list[PortalLine],
    seasons: SeasonTable,
    now: datetime,
    source: str,
    actor: str = "",
) -> list[int]:
    """Record registrations entered directly on the portal, in one transaction, the way
    the desk records them (``validations.record``). They are already known nationally:
    nothing is sent. Returns the new ids."""
    made = []
    with transaction(conn):
        for line in lines:
            reason = can_add(line, seasons)
            if reason:
                raise ReconcileError(reason, row=line.row)
            season = seasons.by_prefix(line.code[:2])
            state = _ALIVE[line.state]
            person = Person(clean_name(line.last_name)[0], clean_name(line.first_name)[0],
                            line.birth_date)  # fmt: skip
            known = KnownNationally(state, line.amount_cents, line.paid_on, source)
            try:
                saved = record(
                    conn, parse_code_format(line.code, seasons.aeeh_years), person, season,
                    now, actor, known=known,
                )  # fmt: skip
            except ValidationError as error:
                raise ReconcileError("already_here", row=line.row) from error
            made.append(saved.id)
    return made
