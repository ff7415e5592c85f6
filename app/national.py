"""What the national service was told and what it answered, kept in the local database.

The sync engine (``sync/engine.py``) reads the outbox through these functions and
writes each answer back in one transaction. Nothing that carries money is dropped:
a refusal turns the registration into ``to_check`` with its reason.
"""

import sqlite3
from dataclasses import dataclass
from datetime import datetime

from app.store import transaction
from app.validations import PROGRESS, State, allowed, enqueue, journal_event, move

# Answers to a redemption that need a person: reason codes kept in national_reason.
REFUSALS = frozenset(
    {"unknown_code", "identity_mismatch", "revoked", "season_closed", "key_reused", "invalid"}
)
# The state a forum's main desk gives a registration it holds for the national service.
FORUM_HELD = "awaiting_national"
# A registration the service would not even take in a batch (a 4xx for it alone), so it
# never got an answer of its own: set aside, never sent again, never blocking the others.
UNSENDABLE = "unsendable"


@dataclass(frozen=True)
class PendingRedeem:
    outbox_id: int
    validation_id: int
    idempotency_key: str
    code: str
    last_name: str
    first_name: str
    birth_date: str
    recorded_at: str
    receipt_no: str = ""  # kept by a forum's main desk, to reprint the receipt elsewhere


@dataclass(frozen=True)
class PendingCancel:
    outbox_id: int
    validation_id: int
    national_id: str | None
    reason: str


@dataclass(frozen=True)
class RedeemAnswer:
    idempotency_key: str
    status: str
    redemption_id: str | None = None
    received_at: str | None = None
    by_this_club: bool | None = None
    state: str | None = None  # awaiting_national: held by the forum's main desk


@dataclass(frozen=True)
class NationalChange:
    redemption_id: str
    idempotency_key: str | None
    code: str
    state: str  # accepted, in_processing, paid, cancelled; refused (from a main desk)
    amount_cents: int | None  # None when the service does not say
    paid_on: str | None
    refusal: str | None = None  # with refused: the national service's reason
    # The national service's id of it: redemption_id from the national service itself; from
    # a forum's main desk, the national id it learnt, None before (or when refused).
    national_id: str | None = None
    forum_id: str | None = None  # from a forum's main desk: its own id of it


def meta_get(conn: sqlite3.Connection, key: str) -> str | None:
    row = conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
    return row[0] if row else None


def meta_set(conn: sqlite3.Connection, key: str, value: str | None) -> None:
    with transaction(conn):
        if value is None:
            conn.execute("DELETE FROM meta WHERE key = ?", (key,))
        else:
            conn.execute(
                "INSERT INTO meta(key, value) VALUES (?, ?)"
                " ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                (key, value),
            )


def pending_redeems(conn: sqlite3.Connection, limit: int = 100) -> list[PendingRedeem]:
    rows = conn.execute(
        "SELECT o.id, v.id, v.idempotency_key, v.code, v.last_name, v.first_name,"
        " v.birth_date, v.recorded_at, v.receipt_no FROM outbox o JOIN validation_rows v"
        " ON v.id = o.validation_id"
        " WHERE o.kind = 'redeem' AND o.sent_at IS NULL AND o.withdrawn_at IS NULL"
        " ORDER BY o.id LIMIT ?",
        (limit,),
    )
    return [PendingRedeem(*row) for row in rows]


def pending_cancels(conn: sqlite3.Connection, limit: int = 100) -> list[PendingCancel]:
    """The cancels to send now, each with the id the service sent to knows: at a forum,
    the main desk's (a registration it does not hold waits for the national service);
    elsewhere the national one. A cancel waits while its registration is still to send."""
    at_forum = meta_get(conn, "forum_role") is not None
    rows = conn.execute(
        "SELECT o.id, v.id, CASE WHEN ? THEN w.forum_id ELSE v.national_id END,"
        " coalesce(v.cancel_reason, '') FROM outbox o"
        " JOIN validation_rows v ON v.id = o.validation_id"
        " JOIN validations w ON w.id = o.validation_id"
        " WHERE o.kind = 'cancel' AND o.sent_at IS NULL AND o.withdrawn_at IS NULL"
        " AND (NOT ? OR w.forum_id IS NOT NULL)"
        " AND NOT EXISTS (SELECT 1 FROM outbox r WHERE r.validation_id = o.validation_id"
        "  AND r.kind = 'redeem' AND r.sent_at IS NULL AND r.withdrawn_at IS NULL)"
        " ORDER BY o.id LIMIT ?",
        (at_forum, at_forum, limit),
    )
    return [PendingCancel(*row) for row in rows]


def forget_forum(conn: sqlite3.Connection, send_again: bool) -> int:
    """Leaving a forum: the main desk's ids are forgotten. With ``send_again`` (this
    computer has the club's national account), the registrations the main desk held
    without a national answer go back to the outbox, for the national service itself;
    returns how many. Without, they are the main desk's to forward."""
    with transaction(conn):
        again = 0
        if send_again:
            again = conn.execute(
                "UPDATE outbox SET sent_at = NULL, last_error = NULL WHERE kind = 'redeem'"
                " AND sent_at IS NOT NULL AND withdrawn_at IS NULL AND validation_id IN ("
                " SELECT id FROM validations WHERE forum_id IS NOT NULL AND national_id IS NULL"
                " AND state IN ('to_send', 'cancelled'))"
            ).rowcount
        conn.execute("UPDATE validations SET forum_id = NULL WHERE forum_id IS NOT NULL")
    return again


def pending_count(conn: sqlite3.Connection) -> int:
    return conn.execute(
        "SELECT count(*) FROM outbox WHERE sent_at IS NULL AND withdrawn_at IS NULL"
    ).fetchone()[0]


def forum_report(conn: sqlite3.Connection) -> dict:
    """What this desk tells the forum's main desk for the closing summary: how many
    registrations wait to be sent, how many are to check, and the deposit cheques it
    holds (``conn`` opened with the vault: the names are read in clear)."""
    cheques = conn.execute(
        "SELECT receipt_no, last_name, first_name, cheque_number, cheque_bank, cheque_cents"
        " FROM validation_rows WHERE cheque_state = 'held' AND state <> 'cancelled'"
        " ORDER BY receipt_no"
    ).fetchall()
    return {
        "pending": pending_count(conn),
        "to_check": to_check_count(conn),
        "cheques": [
            {
                "receipt_no": row["receipt_no"],
                "last_name": row["last_name"],
                "first_name": row["first_name"],
                "number": row["cheque_number"] or "",
                "bank": row["cheque_bank"] or "",
                "cents": row["cheque_cents"] or 0,
            }
            for row in cheques
        ],
    }


def to_check_count(conn: sqlite3.Connection) -> int:
    return conn.execute("SELECT count(*) FROM validations WHERE state = 'to_check'").fetchone()[0]


def note_attempt(
    conn: sqlite3.Connection, outbox_ids: list[int], error: str, now: datetime
) -> None:
    """A send failed for a reason that will pass (network, server busy): try again later."""
    with transaction(conn):
        conn.executemany(
            "UPDATE outbox SET attempts = attempts + 1, last_error = ? WHERE id = ?",
            [(error, i) for i in outbox_ids],
        )


def apply_redeem_answers(
    conn: sqlite3.Connection,
    sent: list[PendingRedeem],
    answers: list[RedeemAnswer],
    now: datetime,
) -> int:
    """Write the national service's answers to one batch, all in one transaction; returns
    how many registrations were answered."""
    by_key = {a.idempotency_key: a for a in answers}
    stamp = now.isoformat()
    answered = 0
    with transaction(conn):
        for item in sent:
            answer = by_key.get(item.idempotency_key)
            if answer is None:
                continue  # not answered: stays in the outbox, sent again next time
            answered += 1
            row = conn.execute(
                "SELECT o.withdrawn_at, v.state FROM outbox o JOIN validations v"
                " ON v.id = o.validation_id WHERE o.id = ?",
                (item.outbox_id,),
            ).fetchone()
            conn.execute(
                "UPDATE outbox SET sent_at = ?, last_error = ? WHERE id = ?",
                (
                    stamp,
                    None if answer.status in ("accepted", "replayed") else answer.status,
                    item.outbox_id,
                ),
            )
            before = State(row["state"])
            if answer.status in ("accepted", "replayed") and answer.state == FORUM_HELD:
                # The forum's main desk holds the code; the national service has not said:
                # still to send as far as money goes, its changes will tell.
                conn.execute(
                    "UPDATE validations SET forum_id = ? WHERE id = ?",
                    (answer.redemption_id, item.validation_id),
                )
                if before is State.CANCELLED:
                    enqueue(conn, now, item.validation_id, "cancel")
                journal_event(conn, now, "forum_accepted", item.validation_id, "")
                continue
            if answer.status in ("accepted", "replayed"):
                conn.execute(
                    "UPDATE validations SET national_id = ?, national_at = ? WHERE id = ?",
                    (answer.redemption_id, answer.received_at or stamp, item.validation_id),
                )
                if before is State.CANCELLED:
                    # Cancelled at the desk while it was on its way: tell the service too.
                    enqueue(conn, now, item.validation_id, "cancel")
                    journal_event(conn, now, "national_accepted", item.validation_id, "")
                else:
                    after = State.CONFIRMED if before is State.TO_SEND else before
                    move(
                        conn, item.validation_id, before, after, now, "national_accepted",
                        national_reason=None,
                    )  # fmt: skip
                continue
            if answer.status == "already_redeemed":
                reason = "duplicate_here" if answer.by_this_club else "other_club"
            else:
                reason = answer.status if answer.status in REFUSALS else "invalid"
            _refused(conn, item.validation_id, before, reason, now)
    return answered


def set_aside(conn: sqlite3.Connection, item: PendingRedeem, reason: str, now: datetime) -> None:
    """The service refuses this registration even alone in its batch: out of the outbox,
    into the list to check with ``reason``, in one transaction."""
    with transaction(conn):
        conn.execute(
            "UPDATE outbox SET sent_at = ?, last_error = ? WHERE id = ?",
            (now.isoformat(), reason, item.outbox_id),
        )
        before = conn.execute(
            "SELECT state FROM validations WHERE id = ?", (item.validation_id,)
        ).fetchone()[0]
        _refused(conn, item.validation_id, State(before), reason, now)


def _refused(
    conn: sqlite3.Connection, validation_id: int, before: State, reason: str, now: datetime
) -> None:
    """To check with its reason; journalled only when it cannot move (cancelled meanwhile)."""
    if not move(
        conn, validation_id, before, State.TO_CHECK, now, "national_refused",
        detail=reason, national_reason=reason, national_at=now.isoformat(),
    ):  # fmt: skip
        journal_event(conn, now, "national_refused", validation_id, "", reason)


def apply_cancel_answer(
    conn: sqlite3.Connection, item: PendingCancel, outcome: str, now: datetime
) -> None:
    """``cancelled``, ``not_found`` (nothing to cancel) or ``already_paid``."""
    with transaction(conn):
        conn.execute(
            "UPDATE outbox SET sent_at = ?, attempts = attempts + 1, last_error = ? WHERE id = ?",
            (now.isoformat(), None if outcome == "cancelled" else outcome, item.outbox_id),
        )
        journal_event(conn, now, f"national_cancel_{outcome}", item.validation_id, "")


_STATES = {
    "accepted": State.CONFIRMED,
    "in_processing": State.IN_PROCESSING,
    "paid": State.PAID,
    "cancelled": State.TO_CHECK,  # cancelled nationally: a person looks at it
    "refused": State.TO_CHECK,  # refused nationally, as the forum's main desk tells it
}


def apply_changes(
    conn: sqlite3.Connection, changes: list[NationalChange], cursor: str, now: datetime
) -> int:
    """Bring back what the national side decided since ``cursor``; returns how many
    local registrations changed. The new cursor is saved in the same transaction. States
    move as the transition table allows, never back down the scale of progress; a
    payment, once recorded, stays (and is recorded even on a registration that the desk
    cancelled meanwhile: the money came)."""
    changed = 0
    with transaction(conn):
        for change in changes:
            row = None
            if change.idempotency_key:
                row = conn.execute(
                    "SELECT id, state, paid_cents, amount_cents FROM validations"
                    " WHERE idempotency_key = ?",
                    (change.idempotency_key,),
                ).fetchone()
            if row is None:
                row = conn.execute(
                    "SELECT id, state, paid_cents, amount_cents FROM validations"
                    " WHERE national_id = ? OR forum_id = ?",
                    (change.redemption_id, change.redemption_id),
                ).fetchone()
            after = _STATES.get(change.state)
            if row is None or after is None:
                continue
            before = State(row["state"])
            paid = change.state == "paid"
            if row["paid_cents"] is not None and after in PROGRESS:
                after = State.PAID  # paid already: news of an earlier step changes nothing
            if (
                (after in PROGRESS and PROGRESS[after] < PROGRESS.get(before, 0))
                or (before is State.TO_CHECK and after is State.CONFIRMED)
                or not allowed(before, after)
            ):
                after = before  # older news, or a move the table refuses: nothing but the money
            if change.forum_id is not None:
                conn.execute(
                    "UPDATE validations SET forum_id = ? WHERE id = ?", (change.forum_id, row["id"])
                )
            columns: dict[str, object] = {}
            if change.national_id is not None:
                columns["national_id"] = change.national_id
            if after is State.TO_CHECK and before is not State.TO_CHECK:
                recorded = row["paid_cents"] is not None or paid
                columns["national_reason"] = (
                    "cancelled_after_payment" if recorded else "cancelled_nationally"
                )
                if change.state == "refused" and not recorded:
                    refusal = change.refusal
                    known = refusal in REFUSALS or refusal == "other_club"
                    columns["national_reason"] = refusal if known else "invalid"
            elif after is not before:
                columns["national_reason"] = None
            if paid:
                cents = change.amount_cents
                columns["paid_cents"] = row["amount_cents"] if cents is None else cents
                columns["paid_on"] = change.paid_on
            if after is before and (not paid or row["paid_cents"] is not None):
                conn.execute(
                    "UPDATE validations SET national_id = coalesce(?, national_id) WHERE id = ?",
                    (change.national_id, row["id"]),
                )
                continue
            if move(conn, row["id"], before, after, now, f"national_{change.state}", **columns):
                changed += after is not before
        conn.execute(
            "INSERT INTO meta(key, value) VALUES ('sync_cursor', ?)"
            " ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            (cursor,),
        )
    return changed
