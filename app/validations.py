"""Registrations at the desk: record, find, cancel, correct, deposit cheques.

Every change is one transaction that writes the registration, its outbox entry
for the national sync and a journal event together: after a crash either all
three are there or none is.
"""

import sqlite3
import uuid
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

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


def journal_event(
    conn: sqlite3.Connection,
    now: datetime,
    kind: str,
    validation_id: int | None,
    actor: str,
    detail: str = "",
) -> None:
    conn.execute(
        "INSERT INTO journal(at, kind, validation_id, actor, detail) VALUES (?, ?, ?, ?, ?)",
        (now.isoformat(), kind, validation_id, actor, detail),
    )


def enqueue(conn: sqlite3.Connection, now: datetime, validation_id: int, kind: str) -> None:
    conn.execute(
        "INSERT INTO outbox(validation_id, kind, created_at) VALUES (?, ?, ?)",
        (validation_id, kind, now.isoformat()),
    )


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
) -> Validation:
    """Save a registration: with its code (sent to the national service later), or,
    with no code yet, with a deposit cheque. Saved when this returns."""
    if (code is None) == (cheque is None):
        raise ValueError("a registration has either a code or a deposit cheque")
    with transaction(conn):
        if code is not None:
            existing = find_live_by_code(conn, code)
            if existing is not None:
                raise ValidationError("duplicate_code", existing=existing)
        receipt_no = next_receipt_no(conn)
        state = State.TO_SEND if code else State.AWAITING_CODE
        code_text = str(code) if code else None
        cursor = conn.execute(
            "INSERT INTO validations(receipt_no, idempotency_key, code, code_hash, season,"
            " last_name, first_name, birth_date, activity, fee_cents, amount_cents, state,"
            " recorded_at, recorded_by, cheque_number, cheque_bank, cheque_cents, cheque_state)"
            " VALUES (:receipt_no, :key, pii_seal(:code, 'code'), pii_hash(:code), :season,"
            " pii_seal(:last, 'last_name'), pii_seal(:first, 'first_name'),"
            " pii_seal(:born, 'birth_date'), :activity, :fee, :amount, :state, :at, :by,"
            " :cheque_number, :cheque_bank, :cheque_cents, :cheque_state)",
            {
                "receipt_no": receipt_no,
                "key": str(uuid.uuid4()),
                "code": code_text,
                "season": season.year,
                "last": person.last_name,
                "first": person.first_name,
                "born": person.birth_date.isoformat(),
                "activity": activity,
                "fee": fee_cents,
                "amount": season.amount_cents,
                "state": state,
                "at": now.isoformat(),
                "by": volunteer,
                "cheque_number": cheque.number if cheque else None,
                "cheque_bank": cheque.bank if cheque else None,
                "cheque_cents": cheque.cents if cheque else None,
                "cheque_state": ChequeState.HELD if cheque else None,
            },
        )
        validation_id = cursor.lastrowid
        if code is not None:
            enqueue(conn, now, validation_id, "redeem")
        journal_event(conn, now, "validated" if code else "deposit_taken", validation_id, volunteer)
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
            "UPDATE validations SET code = pii_seal(:code, 'code'), code_hash = pii_hash(:code),"
            " state = :state WHERE id = :id",
            {"code": str(code), "state": State.TO_SEND, "id": validation_id},
        )
        enqueue(conn, now, validation_id, "redeem")
        journal_event(conn, now, "code_attached", validation_id, volunteer)
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
            "UPDATE validations SET state = 'cancelled', cancelled_at = ?,"
            " cancel_reason = pii_seal(?, 'cancel_reason') WHERE id = ?",
            (now.isoformat(), reason, validation_id),
        )
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
        journal_event(conn, now, "cancelled", validation_id, volunteer)
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
            "UPDATE validations SET last_name = pii_seal(?, 'last_name'),"
            " first_name = pii_seal(?, 'first_name'), birth_date = pii_seal(?, 'birth_date')"
            " WHERE id = ?",
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
