"""Compare an extract of Le Compte Asso with the registrations recorded here.

Four outcomes: matched (the national state is brought in: registered, in payment, paid
with its date and amount), in the portal but not here (can be added), here but not in
the portal (to enter), and conflicts (same code, another name; or cancelled here but
alive there). Comparing changes nothing; :func:`apply` writes the matched changes in one
transaction, each with a journal event. States never go backwards (an older file cannot
undo a payment), so importing the same file twice changes nothing the second time.
"""

import sqlite3
import uuid
from dataclasses import dataclass, field
from datetime import date, datetime

from app.errors import KnownError
from app.people import clean_name, same_name
from app.portal_extracts import PortalLine, PortalState
from app.seasons import SeasonTable
from app.store import transaction
from app.validations import State, journal_event, next_receipt_no

RANK = {State.TO_SEND: 0, State.CONFIRMED: 1, State.IN_PROCESSING: 2, State.PAID: 3}
_PORTAL_RANK = {None: 0, PortalState.REGISTERED: 1, PortalState.IN_PAYMENT: 2, PortalState.PAID: 3}
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

    @property
    def matched(self) -> int:
        return len(self.updates) + self.unchanged


def load_locals(conn: sqlite3.Connection) -> tuple[dict[str, Local], dict[str, Local]]:
    """Registrations with a code: (alive by code, cancelled by code)."""
    rows = conn.execute(
        "SELECT id, code, last_name, first_name, state, season, receipt_no, amount_cents,"
        " paid_cents, paid_on, national_reason FROM validation_rows WHERE code IS NOT NULL"
        " ORDER BY id"
    )
    alive: dict[str, Local] = {}
    cancelled: dict[str, Local] = {}
    for r in rows:
        local = Local(
            r[0],
            r[1],
            r[2],
            r[3],
            State(r[4]),
            r[5],
            r[6],
            r[7],
            r[8],
            date.fromisoformat(r[9]) if r[9] else None,
            r[10],
        )
        (cancelled if local.state is State.CANCELLED else alive)[local.code] = local
    return alive, cancelled


def _plain(name: str) -> str:
    return name.replace("-", " ").replace("'", " ").replace("\u2019", " ")


def names_match(local: Local, line: PortalLine) -> bool:
    """The same young person, as far as the file says (a column left out is not compared)."""
    if line.last_name and not same_name(_plain(local.last_name), _plain(line.last_name)):
        return False
    return not line.first_name or same_name(_plain(local.first_name), _plain(line.first_name))


def _target(local: Local, line: PortalLine) -> Update | None:
    if line.state is PortalState.CANCELLED:
        if local.state is State.TO_CHECK and local.national_reason == "cancelled_nationally":
            return None
        return Update(local, State.TO_CHECK, None, None, "cancelled_nationally", line)
    after = State((line.state or PortalState.REGISTERED).value)
    before = local.state
    if before in RANK and RANK[after] < RANK[before]:
        return None  # an older file: what is known here is more recent
    if before not in RANK and before is not State.TO_CHECK:
        return None  # awaiting a code, cancelled: handled elsewhere
    paid_cents = paid_on = None
    if after is State.PAID:
        paid_cents = next(
            c for c in (line.amount_cents, local.paid_cents, local.amount_cents) if c is not None
        )
        paid_on = line.paid_on or local.paid_on
    if after is before and (paid_cents, paid_on) == (local.paid_cents, local.paid_on):
        return None
    return Update(local, after, paid_cents, paid_on, None, line)


def plan(lines: list[PortalLine], unreadable: list[int], conn: sqlite3.Connection) -> Plan:
    """What importing ``lines`` would change; nothing is written."""
    alive, cancelled = load_locals(conn)
    result = Plan(unreadable=list(unreadable))
    by_code: dict[str, PortalLine] = {}
    for line in lines:
        seen = by_code.get(line.code)
        if seen is not None:
            result.duplicates += 1
            if _PORTAL_RANK.get(line.state, 4) <= _PORTAL_RANK.get(seen.state, 4):
                continue  # a line repeated (several payment waves): the furthest one counts
        by_code[line.code] = line
    for code, line in by_code.items():
        local = alive.get(code)
        if local is None:
            if line.state is PortalState.CANCELLED:
                continue  # cancelled there, not alive here: nothing to do
            if code in cancelled:
                result.conflicts.append(Conflict("cancelled_here", cancelled[code], line))
            else:
                result.portal_only.append(line)
            continue
        if not names_match(local, line):
            result.conflicts.append(Conflict("name", local, line))
            continue
        update = _target(local, line)
        if update is None:
            result.unchanged += 1
        else:
            result.updates.append(update)
    seasons = {2000 + int(code[:2]) for code in by_code}
    lists_registrations = any(
        line.state in (None, PortalState.REGISTERED) for line in by_code.values()
    )
    # A payment extract lists only what is in payment: only those are missed when absent.
    expected = _EXPECTED if lists_registrations else (State.IN_PROCESSING, State.PAID)
    result.here_only = sorted(
        (
            local
            for code, local in alive.items()
            if code not in by_code and local.season in seasons and local.state in expected
        ),
        key=lambda local: (local.last_name.casefold(), local.first_name.casefold()),
    )
    result.portal_only.sort(key=lambda line: line.row)
    return result


def apply(conn: sqlite3.Connection, changes: list[Update], now: datetime, source: str) -> int:
    """Write the matched changes; returns how many registrations changed. A registration
    changed by someone else since the comparison is left alone."""
    stamp = now.isoformat()
    changed = 0
    with transaction(conn):
        for update in changes:
            local = update.local
            done = conn.execute(
                "UPDATE validations SET state = ?, national_reason = ?, paid_cents = ?,"
                " paid_on = ?, national_at = coalesce(national_at, ?)"
                " WHERE id = ? AND state = ? AND paid_cents IS ? AND paid_on IS ?",
                (
                    update.after,
                    update.reason,
                    update.paid_cents,
                    update.paid_on.isoformat() if update.paid_on else None,
                    stamp,
                    local.id,
                    local.state,
                    local.paid_cents,
                    local.paid_on.isoformat() if local.paid_on else None,
                ),
            ).rowcount
            if not done:
                continue
            if local.state is State.TO_SEND:
                withdraw_redeem(conn, local.id, now)
            changed += 1
            journal_event(conn, now, f"portal_{update.after}", local.id, "", source)
    return changed


def withdraw_redeem(conn: sqlite3.Connection, validation_id: int, now: datetime) -> None:
    """The national side already has it (entered on the portal): never send it again."""
    conn.execute(
        "UPDATE outbox SET withdrawn_at = ? WHERE validation_id = ? AND kind = 'redeem'"
        " AND sent_at IS NULL AND withdrawn_at IS NULL",
        (now.isoformat(), validation_id),
    )


def can_add(line: PortalLine, seasons: SeasonTable) -> str | None:
    """None when this portal line can be added here, else the reason why not."""
    if line.state is PortalState.CANCELLED:
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
    """Record registrations entered directly on the portal, in one transaction. They are
    already known nationally: no 'redeem' is queued. Returns the new ids."""
    made = []
    with transaction(conn):
        for line in lines:
            reason = can_add(line, seasons)
            if reason:
                raise ReconcileError(reason, row=line.row)
            taken = conn.execute(
                "SELECT 1 FROM validations WHERE code_hash = pii_hash(?) AND state != 'cancelled'",
                (line.code,),
            ).fetchone()
            if taken:
                raise ReconcileError("already_here", row=line.row)
            season = seasons.by_prefix(line.code[:2])
            state = State((line.state or PortalState.REGISTERED).value)
            paid = state is State.PAID
            cursor = conn.execute(
                "INSERT INTO validations(receipt_no, idempotency_key, code, code_hash, season,"
                " last_name, first_name, birth_date, activity, amount_cents, state, recorded_at,"
                " recorded_by, national_at, paid_cents, paid_on) VALUES (:receipt_no, :key,"
                " pii_seal(:code, 'code'), pii_hash(:code), :season,"
                " pii_seal(:last, 'last_name'), pii_seal(:first, 'first_name'),"
                " pii_seal(:born, 'birth_date'), '', :amount, :state, :at, :by, :at, :paid,"
                " :paid_on)",
                {
                    "receipt_no": next_receipt_no(conn),
                    "key": str(uuid.uuid4()),
                    "code": line.code,
                    "season": season.year,
                    "last": clean_name(line.last_name)[0],
                    "first": clean_name(line.first_name)[0],
                    "born": line.birth_date.isoformat(),
                    "amount": season.amount_cents,
                    "state": state,
                    "at": now.isoformat(),
                    "by": actor,
                    "paid": (
                        (
                            line.amount_cents
                            if line.amount_cents is not None
                            else season.amount_cents
                        )
                        if paid
                        else None
                    ),
                    "paid_on": line.paid_on.isoformat() if paid and line.paid_on else None,
                },
            )
            journal_event(conn, now, "portal_added", cursor.lastrowid, actor, source)
            made.append(cursor.lastrowid)
    return made
