"""Registrations at the desk: record, find, cancel, correct, deposit cheques.

Every change is one transaction that writes the registration, its outbox entry
for the national sync and a journal event together: after a crash either all
three are there or none is.
"""

import sqlite3
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from types import MappingProxyType
from typing import NamedTuple

from app.codes import PassCode
from app.errors import KnownError
from app.people import Person
from app.seasons import Season
from app.store import transaction


class State(StrEnum):
    TO_SEND = "to_send"  # recorded here, not yet accepted by the national service
    CONFIRMED = "confirmed"  # accepted by the national service
    IN_PROCESSING = "in_processing"  # reimbursement being processed
    PAID = "paid"  # reimbursed to the club
    TO_CHECK = "to_check"  # refused by the national service: a person must look
    AWAITING_CODE = "awaiting_code"  # registered with a deposit cheque, code to come
    CANCELLED = "cancelled"


# Where a registration may go from each state. Every change of state, at the desk, from the
# national service or from an extract of the portal, goes through :func:`move`, which
# refuses any other. Money only moves forward (to send, confirmed, in payment, paid); a
# refusal or a cancellation from outside goes to "to check", a person decides; a recorded
# payment is never erased (see ``move``).
TRANSITIONS: dict[State, frozenset[State]] = {
    State.AWAITING_CODE: frozenset({State.TO_SEND, State.CANCELLED}),
    State.TO_SEND: frozenset(
        {State.CONFIRMED, State.IN_PROCESSING, State.PAID, State.TO_CHECK, State.CANCELLED}
    ),
    State.CONFIRMED: frozenset({State.IN_PROCESSING, State.PAID, State.TO_CHECK, State.CANCELLED}),
    State.IN_PROCESSING: frozenset({State.PAID, State.TO_CHECK, State.CANCELLED}),
    State.PAID: frozenset({State.TO_CHECK, State.CANCELLED}),
    State.TO_CHECK: frozenset({State.CONFIRMED, State.IN_PROCESSING, State.PAID, State.CANCELLED}),
    State.CANCELLED: frozenset(),
}
# The states a registration is created in: at the desk (with a code or a deposit cheque),
# or from the portal's extract (already known nationally).
INITIAL = frozenset(
    {State.TO_SEND, State.AWAITING_CODE, State.CONFIRMED, State.IN_PROCESSING, State.PAID}
)
# How far along the money is: a state never moves back down this scale.
PROGRESS = {State.TO_SEND: 0, State.CONFIRMED: 1, State.IN_PROCESSING: 2, State.PAID: 3}
# Alive and known to the national side: what the State owes the club for.
CLAIMED = (State.TO_SEND, State.CONFIRMED, State.IN_PROCESSING, State.PAID)


def allowed(before: State, after: State) -> bool:
    """Whether a registration in ``before`` may be put in ``after`` (staying is allowed)."""
    return after is before or after in TRANSITIONS[before]


class ChequeState(StrEnum):
    HELD = "held"
    RETURNED = "returned"
    CASHED = "cashed"


class ValidationError(KnownError):
    """``duplicate_code`` (with ``existing``), ``not_found``, ``already_cancelled``,
    ``already_sent`` (too late to correct), ``has_code``, ``no_cheque``."""


@dataclass(frozen=True)
class Validation:
    id: int
    receipt_no: str
    code: str | None
    season: int
    last_name: str
    first_name: str
    birth_date: date | None  # None once erased at the end of the retention period
    activity: str
    fee_cents: int | None
    amount_cents: int
    state: State
    recorded_at: datetime
    recorded_by: str
    cheque_number: str | None = None
    cheque_bank: str | None = None
    cheque_cents: int | None = None
    cheque_state: ChequeState | None = None
    cancelled_at: datetime | None = None
    cancel_reason: str | None = None
    national_at: datetime | None = None
    national_id: str | None = None
    national_reason: str | None = None
    paid_cents: int | None = None
    paid_on: date | None = None
    sent: bool = False

    @property
    def remaining_cents(self) -> int | None:
        """What the family still pays, when the fee is known."""
        if self.fee_cents is None:
            return None
        return max(0, self.fee_cents - self.amount_cents)


@dataclass(frozen=True)
class Cheque:
    number: str
    bank: str
    cents: int


@dataclass(frozen=True)
class KnownNationally:
    """A registration made on the portal itself, brought in from its extract: the national
    side already has it, nothing is sent."""

    state: State
    paid_cents: int | None = None
    paid_on: date | None = None
    source: str = ""


def deduction(season: Season, fee_cents: int | None) -> int:
    """What the aid takes off the membership: the season's amount, or the whole fee when
    the fee is smaller (the aid pays "tout ou partie" of it)."""
    if fee_cents is None:
        return season.amount_cents
    return max(0, min(season.amount_cents, fee_cents))


def _when(text: str | None) -> datetime | None:
    return datetime.fromisoformat(text) if text else None


def from_row(row: sqlite3.Row) -> Validation:
    return Validation(
        id=row["id"],
        receipt_no=row["receipt_no"],
        code=row["code"],
        season=row["season"],
        last_name=row["last_name"],
        first_name=row["first_name"],
        birth_date=date.fromisoformat(row["birth_date"]) if row["birth_date"] else None,
        activity=row["activity"],
        fee_cents=row["fee_cents"],
        amount_cents=row["amount_cents"],
        state=State(row["state"]),
        recorded_at=datetime.fromisoformat(row["recorded_at"]),
        recorded_by=row["recorded_by"],
        cheque_number=row["cheque_number"],
        cheque_bank=row["cheque_bank"],
        cheque_cents=row["cheque_cents"],
        cheque_state=ChequeState(row["cheque_state"]) if row["cheque_state"] else None,
        cancelled_at=_when(row["cancelled_at"]),
        cancel_reason=row["cancel_reason"],
        national_at=_when(row["national_at"]),
        national_id=row["national_id"],
        national_reason=row["national_reason"],
        paid_cents=row["paid_cents"],
        paid_on=date.fromisoformat(row["paid_on"]) if row["paid_on"] else None,
        sent=bool(row["sent"]),
    )


def get(conn: sqlite3.Connection, validation_id: int) -> Validation:
    row = conn.execute("SELECT * FROM validation_rows WHERE id = ?", (validation_id,)).fetchone()
    if row is None:
        raise ValidationError("not_found")
    return from_row(row)


def find_live_by_code(conn: sqlite3.Connection, code: PassCode | str) -> Validation | None:
    """The registration holding this code, unless it was cancelled."""
    row = conn.execute(
        "SELECT * FROM validation_rows WHERE id = (SELECT id FROM validations"
        " WHERE code_hash = pii_hash(?) AND state != 'cancelled')",
        (str(code),),
    ).fetchone()
    return from_row(row) if row else None


def next_receipt_no(conn: sqlite3.Connection) -> str:
    seq = conn.execute(
        "UPDATE meta SET value = CAST(value AS INTEGER) + 1 WHERE key = 'receipt_seq'"
        " RETURNING value"
    ).fetchone()[0]
    device = conn.execute("SELECT value FROM meta WHERE key = 'device'").fetchone()[0]
    return f"{device}-{int(seq):05d}"


_JOURNAL = "INSERT INTO journal(at, kind, validation_id, actor, detail) VALUES (?, ?, ?, ?, ?)"


def journal_event(
    conn: sqlite3.Connection,
    now: datetime,
    kind: str,
    validation_id: int | None,
    actor: str,
    detail: str = "",
) -> None:
    conn.execute(
        _JOURNAL,
        (now.isoformat(), kind, validation_id, actor, detail),
    )


def enqueue(conn: sqlite3.Connection, now: datetime, validation_id: int, kind: str) -> None:
    conn.execute(
        "INSERT INTO outbox(validation_id, kind, created_at) VALUES (?, ?, ?)",
        (validation_id, kind, now.isoformat()),
    )


class Move(NamedTuple):
    """One change of state: registration ``validation_id``, still in ``before``, goes to
    ``after`` with ``columns`` (national_id, national_at, national_reason, paid_cents,
    paid_on), journalled as ``event``."""

    validation_id: int
    before: State
    after: State
    event: str
    columns: Mapping[str, object] = MappingProxyType({})
    detail: str = ""


def move_many(
    conn: sqlite3.Connection, moves: Iterable[Move], now: datetime, actor: str = ""
) -> list[int]:
    """Make the moves the transition table allows, for registrations still in their
    ``before`` state; returns the ids moved. A payment already recorded is kept: it is
    never erased nor replaced. Each registration at most once per call; call inside a
    transaction. The one way the state of a registration changes."""
    wanted = [m for m in moves if allowed(m.before, m.after)]
    ids = [m.validation_id for m in wanted]
    if len(set(ids)) != len(ids):
        raise ValueError("a registration moves at most once per call")
    current: dict[int, str] = {}
    for start in range(0, len(ids), _CHUNK):
        chunk = ids[start : start + _CHUNK]
        marks = ", ".join("?" * len(chunk))
        current.update(
            conn.execute(
                f"SELECT id, state FROM validations WHERE id IN ({marks})",  # noqa: S608 (marks)
                chunk,
            ).fetchall()
        )
    ready = [m for m in wanted if current.get(m.validation_id) == m.before]
    by_columns: dict[tuple[str, ...], list[Move]] = {}
    for m in ready:
        unknown = set(m.columns) - _MOVABLE
        if unknown:
            raise ValueError(f"not a column a move sets: {sorted(unknown)}")
        by_columns.setdefault(tuple(sorted(m.columns)), []).append(m)
    for names, group in by_columns.items():
        sets = ["state = :after"] + [
            f"{n} = coalesce({n}, :{n})" if n in ("paid_cents", "paid_on") else f"{n} = :{n}"
            for n in names
        ]
        conn.executemany(
            f"UPDATE validations SET {', '.join(sets)} WHERE id = :id AND state = :before",  # noqa: S608 (names from _MOVABLE)
            [
                {
                    **{n: _stored(v) for n, v in m.columns.items()},
                    "after": m.after,
                    "id": m.validation_id,
                    "before": m.before,
                }
                for m in group
            ],
        )
    stamp = now.isoformat()
    conn.executemany(
        _JOURNAL,
        [(stamp, m.event, m.validation_id, actor, m.detail) for m in ready],
    )
    return [m.validation_id for m in ready]


def move(
    conn: sqlite3.Connection,
    validation_id: int,
    before: State,
    after: State,
    now: datetime,
    event: str,
    actor: str = "",
    detail: str = "",
    **columns: object,
) -> bool:
    """One :class:`Move`; False when it was not made (see :func:`move_many`)."""
    made = move_many(conn, [Move(validation_id, before, after, event, columns, detail)], now, actor)
    return bool(made)


_CHUNK = 500
_MOVABLE = frozenset({"national_id", "national_at", "national_reason", "paid_cents", "paid_on"})


def _stored(value: object) -> object:
    return value.isoformat() if isinstance(value, date | datetime) else value


def record(
    conn: sqlite3.Connection,
    code: PassCode | None,
    person: Person,
    season: Season,
    now: datetime,
    volunteer: str = "",
    activity: str = "",
    fee_cents: int | None = None,
    cheque: Cheque | None = None,
    known: KnownNationally | None = None,
) -> Validation:
    """Save a registration: with its code (sent to the national service later), or,
    with no code yet, with a deposit cheque; or, with ``known``, one made on the portal
    itself (nothing is sent). The only way a registration is created. Saved when this
    returns."""
    if (code is None) == (cheque is None):
        raise ValueError("a registration has either a code or a deposit cheque")
    if known is not None and (code is None or known.state not in INITIAL):
        raise ValueError("a registration known nationally has a code and a national state")
    state = known.state if known else State.TO_SEND if code else State.AWAITING_CODE
    paid = known is not None and state is State.PAID
    with transaction(conn):
        if code is not None:
            existing = find_live_by_code(conn, code)
            if existing is not None:
                raise ValidationError("duplicate_code", existing=existing)
        receipt_no = next_receipt_no(conn)
        code_text = str(code) if code else None
        amount = deduction(season, fee_cents)
        # The row's id is chosen here, as SQLite would: each sealed value is bound to it.
        row_id = conn.execute("SELECT coalesce(max(id), 0) + 1 FROM validations").fetchone()[0]
        cursor = conn.execute(
            "INSERT INTO validations(id, receipt_no, idempotency_key, code, code_hash, season,"
            " last_name, first_name, birth_date, activity, fee_cents, amount_cents, state,"
            " recorded_at, recorded_by, cheque_number, cheque_bank, cheque_cents, cheque_state,"
            " national_at, paid_cents, paid_on)"
            " VALUES (:id, :receipt_no, :key, pii_seal(:code, 'validations.code', :id),"
            " pii_hash(:code), :season, pii_seal(:last, 'validations.last_name', :id),"
            " pii_seal(:first, 'validations.first_name', :id),"
            " pii_seal(:born, 'validations.birth_date', :id), :activity, :fee, :amount, :state,"
            " :at, :by,"
            " :cheque_number, :cheque_bank, :cheque_cents, :cheque_state, :national_at,"
            " :paid, :paid_on)",
            {
                "id": row_id,
                "receipt_no": receipt_no,
                "key": str(uuid.uuid4()),
                "code": code_text,
                "season": season.year,
                "last": person.last_name,
                "first": person.first_name,
                "born": person.birth_date.isoformat(),
                "activity": activity,
                "fee": fee_cents,
                "amount": amount,
                "state": state,
                "at": now.isoformat(),
                "by": volunteer,
                "cheque_number": cheque.number if cheque else None,
                "cheque_bank": cheque.bank if cheque else None,
                "cheque_cents": cheque.cents if cheque else None,
                "cheque_state": ChequeState.HELD if cheque else None,
                "national_at": now.isoformat() if known else None,
                "paid": (known.paid_cents if known.paid_cents is not None else amount)
                if paid
                else None,
                "paid_on": known.paid_on.isoformat() if paid and known.paid_on else None,
            },
        )
        validation_id = cursor.lastrowid
        if known is not None:
            journal_event(conn, now, "portal_added", validation_id, volunteer, known.source)
        elif code is not None:
            enqueue(conn, now, validation_id, "redeem")
            journal_event(conn, now, "validated", validation_id, volunteer)
        else:
            journal_event(conn, now, "deposit_taken", validation_id, volunteer)
    return get(conn, validation_id)


def attach_code(
    conn: sqlite3.Connection, validation_id: int, code: PassCode, now: datetime, volunteer: str = ""
) -> Validation:
    """The code of a registration taken with a deposit cheque has arrived."""
    with transaction(conn):
        current = get(conn, validation_id)
        if current.state != State.AWAITING_CODE:
            raise ValidationError("has_code")
        existing = find_live_by_code(conn, code)
        if existing is not None:
            raise ValidationError("duplicate_code", existing=existing)
        conn.execute(
            "UPDATE validations SET code = pii_seal(:code, 'validations.code', id),"
            " code_hash = pii_hash(:code) WHERE id = :id",
            {"code": str(code), "id": validation_id},
        )
        move(conn, validation_id, current.state, State.TO_SEND, now, "code_attached", volunteer)
        enqueue(conn, now, validation_id, "redeem")
    return get(conn, validation_id)


def settle_cheque(
    conn: sqlite3.Connection,
    validation_id: int,
    outcome: ChequeState,
    now: datetime,
    volunteer: str = "",
) -> Validation:
    """The deposit cheque was given back to the family, or cashed."""
    with transaction(conn):
        current = get(conn, validation_id)
        if current.cheque_state is None:
            raise ValidationError("no_cheque")
        conn.execute(
            "UPDATE validations SET cheque_state = ? WHERE id = ?", (outcome, validation_id)
        )
        journal_event(conn, now, f"cheque_{outcome}", validation_id, volunteer)
    return get(conn, validation_id)


def cancel(
    conn: sqlite3.Connection, validation_id: int, reason: str, now: datetime, volunteer: str = ""
) -> Validation:
    """Cancel a registration. Nothing is erased: the cancellation is recorded, and the
    national service is told if it already knew. The code may then be validated again."""
    with transaction(conn):
        current = get(conn, validation_id)
        if current.state == State.CANCELLED:
            raise ValidationError("already_cancelled")
        conn.execute(
            "UPDATE validations SET cancelled_at = ?,"
            " cancel_reason = pii_seal(?, 'validations.cancel_reason', id) WHERE id = ?",
            (now.isoformat(), reason, validation_id),
        )
        move(conn, validation_id, current.state, State.CANCELLED, now, "cancelled", volunteer)
        # A redeem that never left this computer is withdrawn. One already tried may have
        # reached the service with its answer lost: it is sent again (replayed), and its
        # answer brings the cancellation along (app/national.py).
        withdrawn = conn.execute(
            "UPDATE outbox SET withdrawn_at = ? WHERE validation_id = ? AND kind = 'redeem'"
            " AND sent_at IS NULL AND withdrawn_at IS NULL AND attempts = 0",
            (now.isoformat(), validation_id),
        ).rowcount
        in_flight = conn.execute(
            "SELECT count(*) FROM outbox WHERE validation_id = ? AND kind = 'redeem'"
            " AND sent_at IS NULL AND withdrawn_at IS NULL",
            (validation_id,),
        ).fetchone()[0]
        if current.code and not withdrawn and not in_flight:
            enqueue(conn, now, validation_id, "cancel")
    return get(conn, validation_id)


def correct_person(
    conn: sqlite3.Connection,
    validation_id: int,
    person: Person,
    now: datetime,
    volunteer: str = "",
) -> Validation:
    """Fix a typing slip in the young person's details, while not yet sent."""
    with transaction(conn):
        current = get(conn, validation_id)
        if current.sent:
            raise ValidationError("already_sent")
        if current.state == State.CANCELLED:
            raise ValidationError("already_cancelled")
        conn.execute(
            "UPDATE validations SET last_name = pii_seal(?, 'validations.last_name', id),"
            " first_name = pii_seal(?, 'validations.first_name', id),"
            " birth_date = pii_seal(?, 'validations.birth_date', id) WHERE id = ?",
            (person.last_name, person.first_name, person.birth_date.isoformat(), validation_id),
        )
        journal_event(conn, now, "person_corrected", validation_id, volunteer)
    return get(conn, validation_id)


def was_printed(conn: sqlite3.Connection, validation_id: int) -> bool:
    """Whether a receipt was already printed: the next one is a duplicate."""
    return (
        conn.execute(
            "SELECT EXISTS (SELECT 1 FROM journal WHERE validation_id = ?"
            " AND kind = 'receipt_printed')",
            (validation_id,),
        ).fetchone()[0]
        == 1
    )


def note_printed(
    conn: sqlite3.Connection, validation_id: int, now: datetime, volunteer: str = ""
) -> None:
    """Record that a receipt was printed (or saved as a PDF)."""
    with transaction(conn):
        journal_event(conn, now, "receipt_printed", validation_id, volunteer)
