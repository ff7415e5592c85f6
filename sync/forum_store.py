"""The forum's main desk holds the registrations of every desk: the redemption service's
store (:mod:`sync.server_store`) for one club, with what forwarding to the national
service needs.

A registration accepted here is ``awaiting_national``: the forum holds its code (no other
desk can take it), the national service has not said yet. The forwarder
(:mod:`sync.forum`) sends it there with the desk's own idempotency key, so that a desk
sending it again itself later is told ``replayed``; the national answer becomes the
registration's state here (``accepted``, ``refused`` with its reason, then
``in_processing``, ``paid``, ``cancelled``), which the desks pull as any change.

A code that a desk recorded while out of range, and that the forum already holds from
another desk, is kept as a conflict: the desk gets ``already_redeemed`` (its registration
turns "à vérifier") and the main desk lists it.
"""

from __future__ import annotations

import base64
import json
import re
import secrets
import uuid
from typing import Any

from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from app.migrations import DEVICE_ALPHABET
from app.people import fold
from sync.server_db import Transaction
from sync.server_store import ServerStore, hash_token, holder_hint, stamp

CLUB_ID = 1
_FORUM_SCHEMA = """
CREATE TABLE forwarding (redemption_id TEXT PRIMARY KEY, national_id TEXT, refusal TEXT,
    cancel_sent INTEGER NOT NULL DEFAULT 0);
CREATE TABLE receipts (redemption_id TEXT PRIMARY KEY, receipt_no TEXT NOT NULL);
CREATE TABLE desk_reports (device_id TEXT PRIMARY KEY, report TEXT NOT NULL, at TEXT NOT NULL);
CREATE TABLE receipt_prefixes (prefix TEXT PRIMARY KEY, device_id TEXT NOT NULL UNIQUE);
CREATE TABLE conflicts (code TEXT NOT NULL, device_id TEXT NOT NULL, idempotency_key TEXT,
    last_name TEXT NOT NULL, first_name TEXT NOT NULL, recorded_at TEXT, kept_id TEXT NOT NULL,
    seen_at TEXT NOT NULL, PRIMARY KEY (code, device_id, idempotency_key));
"""
_SEALED = "s1:"  # a sealed value: the nonce and the ciphertext, in base64
_PERSON = ("last_name", "first_name", "birth_date")
_PREFIX_RE = re.compile(f"[{DEVICE_ALPHABET}]{{3}}")
# What the national service answered that refuses a registration, as the desks name it.
_REFUSED = {"already_redeemed": "other_club"}
_NATIONAL_STATES = ("accepted", "in_processing", "paid")


class ForumStore(ServerStore):
    """One club's forum: ``club`` is the club profile (``siret``, ``rna``, ``name``).
    ``seal_key`` (32 bytes) seals the young people's names and birth dates at rest, as
    the desks' own databases do (AES-256-GCM, each value bound to its column)."""

    ACCEPTED = "awaiting_national"
    REMEMBERS_HOLDERS = False

    def __init__(
        self, where: Any, *, club: dict[str, str], seal_key: bytes, **options: Any
    ) -> None:
        self._forum_club = club
        self._aead = AESGCM(seal_key)
        options |= {"seed": 0, "open_codes": True}
        super().__init__(where, **options)

    def _sealed(self, column: str, value: Any) -> Any:
        if value is None:
            return None
        nonce = secrets.token_bytes(12)
        sealed = self._aead.encrypt(nonce, str(value).encode(), column.encode())
        return _SEALED + base64.b64encode(nonce + sealed).decode()

    def _open(self, column: str, value: Any) -> Any:
        if not isinstance(value, str) or not value.startswith(_SEALED):
            return value
        raw = base64.b64decode(value[len(_SEALED) :])
        return self._aead.decrypt(raw[:12], raw[12:], column.encode()).decode()

    def _opened(self, row: Any) -> dict[str, Any]:
        opened = dict(row)
        for column in _PERSON:
            if column in opened:
                opened[column] = self._open(column, opened[column])
        return opened

    def _seed(self, tx: Transaction, seed: int) -> None:
        for statement in _FORUM_SCHEMA.split(";")[:-1]:
            tx.execute(statement)
        club = self._forum_club
        tx.execute("INSERT INTO meta VALUES ('seed', ?)", (str(seed),))
        tx.execute("INSERT INTO meta VALUES ('forum_club', ?)", (json.dumps(club),))
        tx.execute(
            "INSERT INTO clubs VALUES (?, ?, ?, ?, 0)",
            (CLUB_ID, club["siret"], club["rna"], club["name"]),
        )

    # -- desks -----------------------------------------------------------------------------

    def add_device(self, name: str, receipt_prefix: str | None = None) -> dict[str, Any]:
        """A desk joined by pairing: its id, token, the club, and the prefix of its receipt
        numbers: its own if no other desk of the forum has it, else a new one, so that
        receipt numbers are unique across the forum."""
        token, device_id = secrets.token_urlsafe(32), str(uuid.uuid4())

        def work(tx: Transaction) -> dict[str, Any]:
            tx.execute(
                "INSERT INTO devices VALUES (?, ?, ?, ?, ?, NULL, NULL, 'pairing')",
                (device_id, CLUB_ID, name[:60] or "poste", hash_token(token), stamp(self._clock())),
            )
            prefix = receipt_prefix if _PREFIX_RE.fullmatch(receipt_prefix or "") else None
            while prefix is None or tx.one(
                "SELECT 1 AS taken FROM receipt_prefixes WHERE prefix = ?", (prefix,)
            ):
                prefix = "".join(secrets.choice(DEVICE_ALPHABET) for _ in range(3))
            tx.execute("INSERT INTO receipt_prefixes VALUES (?, ?)", (prefix, device_id))
            return {
                "device_id": device_id, "token": token, "club": self._club(tx, CLUB_ID),
                "receipt_prefix": prefix,
            }  # fmt: skip

        return self._db.run(work, write=True)

    def devices(self) -> list[dict[str, Any]]:
        """The desks joined, first joined first, with how many registrations each sent."""
        rows = self._db.run(
            lambda tx: tx.execute(
                "SELECT d.device_id, d.name, d.enrolled_at, d.revoked_at,"
                " (SELECT count(*) FROM redemptions r WHERE r.device_id = d.device_id"
                "  AND r.state <> 'cancelled') AS registrations"
                " FROM devices d ORDER BY d.enrolled_at, d.name"
            )
        )
        return [dict(row) for row in rows]

    def device_secret(self, device_id: str) -> dict[str, Any] | None:
        """A desk's token hash and whether it was withdrawn (a USB bundle's seal)."""
        row = self._db.run(
            lambda tx: tx.one(
                "SELECT device_id, token_hash, revoked_at FROM devices"
                " WHERE device_id = ? AND club_id = ?",
                (device_id, CLUB_ID),
            )
        )
        return dict(row) if row else None

    # -- the codes at the desks ------------------------------------------------------------

    def check_code(self, device: Any, code: str) -> dict[str, Any]:
        """The contract's CodeState; a code the forum holds also says at which desk, when
        and whose (the holder's initials), for the desk's duplicate screen."""
        state = super().check_code(device, code)
        if state.get("state") != "redeemed" or not state.get("by_this_club"):
            return state

        def work(tx: Transaction) -> Any:
            return tx.one(
                "SELECT r.redemption_id, r.received_at, r.recorded_at, r.first_name,"
                " r.last_name, d.name AS desk FROM redemptions r"
                " LEFT JOIN devices d ON d.device_id = r.device_id"
                " WHERE r.code = ? AND r.state <> 'cancelled'",
                (code,),
            )

        row = self._db.run(work)
        if row is not None:
            row = self._opened(row)
            state |= {
                "redemption_id": row["redemption_id"],
                "recorded_at": row["recorded_at"] or row["received_at"],
                "desk": row["desk"] or "poste principal",
                "holder_hint": holder_hint(row["first_name"], row["last_name"]),
            }
        return state

    def _judge(self, tx: Transaction, club_id: int, device_id: str | None, item, now) -> dict:
        result = super()._judge(tx, club_id, device_id, item, now)
        if result["status"] == "already_redeemed" and result.get("by_this_club") and device_id:
            tx.execute(
                "INSERT INTO conflicts VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
                (
                    item.code, device_id, item.key, self._sealed("last_name", item.last_name),
                    self._sealed("first_name", item.first_name), item.recorded_at,
                    result["redemption_id"], stamp(now),
                ),
            )  # fmt: skip
        return result

    def redeem_batch(
        self, device: Any, raw_items: list[Any], schema_errors: list[str | None]
    ) -> tuple[list[dict], int]:
        """As the service's; the receipt number each desk gave is kept beside, so that any
        desk of the forum can find and reprint it."""
        results, replays = super().redeem_batch(device, raw_items, schema_errors)
        receipts = [
            (result["redemption_id"], raw["receipt_no"][:40])
            for raw, result in zip(raw_items, results, strict=True)
            if result.get("status") in ("accepted", "replayed")
            and isinstance(raw, dict)
            and isinstance(raw.get("receipt_no"), str)
            and raw["receipt_no"].isprintable()
        ]
        if receipts:
            self._db.run(
                lambda tx: [
                    tx.execute("INSERT INTO receipts VALUES (?, ?) ON CONFLICT DO NOTHING", pair)
                    for pair in receipts
                ],
                write=True,
            )
        return results, replays

    def search(self, text: str, limit: int = 50) -> list[dict[str, Any]]:
        """The forum's registrations whose name or code holds every word of ``text``
        (case, accents and hyphens ignored), latest first."""
        words = fold(text).split()
        if not words:
            return []
        rows = self._db.run(
            lambda tx: tx.execute(
                "SELECT r.redemption_id, r.code, r.last_name, r.first_name, r.birth_date,"
                " r.recorded_at, r.received_at, r.state, r.amount_cents, p.receipt_no,"
                " d.name AS desk FROM redemptions r LEFT JOIN receipts p USING (redemption_id)"
                " LEFT JOIN devices d ON d.device_id = r.device_id"
                " WHERE r.club_id = ? ORDER BY r.received_at DESC",
                (CLUB_ID,),
            )
        )
        found = []
        for row in map(self._opened, rows):
            haystack = fold(f"{row['last_name']} {row['first_name']} {row['code']}")
            if all(word in haystack for word in words):
                found.append(row)
                if len(found) == limit:
                    break
        return found

    def save_report(self, device: Any, report: dict[str, Any]) -> None:
        """A desk's last word on what it holds (for the closing summary)."""
        self._db.run(
            lambda tx: tx.execute(
                "INSERT INTO desk_reports VALUES (?, ?, ?) ON CONFLICT (device_id)"
                " DO UPDATE SET report = excluded.report, at = excluded.at",
                (device.device_id, json.dumps(report), stamp(self._clock())),
            ),
            write=True,
        )

    def closing_summary(self) -> list[dict[str, Any]]:
        """Per desk: registrations held here and their amount, and what it last said it
        holds (registrations not sent, deposit cheques), with when it said so."""
        rows = self._db.run(
            lambda tx: tx.execute(
                "SELECT d.device_id, d.name, d.revoked_at, r.report, r.at AS reported_at,"
                " (SELECT count(*) FROM redemptions x WHERE x.device_id = d.device_id"
                "  AND x.state NOT IN ('cancelled', 'refused')) AS registrations,"
                " (SELECT coalesce(sum(x.amount_cents), 0) FROM redemptions x"
                "  WHERE x.device_id = d.device_id AND x.state NOT IN ('cancelled', 'refused'))"
                "  AS amount_cents"
                " FROM devices d LEFT JOIN desk_reports r USING (device_id)"
                " ORDER BY d.enrolled_at, d.name"
            )
        )
        summary = []
        for row in rows:
            report = json.loads(row["report"]) if row["report"] else {}
            summary.append({
                "device_id": row["device_id"], "name": row["name"],
                "revoked": row["revoked_at"] is not None,
                "registrations": row["registrations"], "amount_cents": row["amount_cents"],
                "pending": report.get("pending"), "to_check": report.get("to_check"),
                "cheques": report.get("cheques", []), "reported_at": row["reported_at"],
            })  # fmt: skip
        return summary

    def conflicts(self) -> list[dict[str, Any]]:
        """Codes recorded at two desks: the one kept, the other to look at."""
        rows = self._db.run(
            lambda tx: tx.execute(
                "SELECT c.code, c.last_name, c.first_name, c.recorded_at, c.seen_at,"
                " c.device_id, d.name AS desk, k.device_id AS kept_device, kd.name AS kept_desk,"
                " k.recorded_at AS kept_recorded_at"
                " FROM conflicts c LEFT JOIN devices d ON d.device_id = c.device_id"
                " JOIN redemptions k ON k.redemption_id = c.kept_id"
                " LEFT JOIN devices kd ON kd.device_id = k.device_id ORDER BY c.seen_at"
            )
        )
        return [self._opened(row) for row in rows]

    def changes(self, device: Any, cursor: str, limit: int) -> dict[str, Any]:
        """The contract's changes, each with ``national_id``, the national service's id of
        it once it has one (a desk keeps that one: it is what counts after the forum), and
        a refused registration with its reason (``refusal``)."""
        page = super().changes(device, cursor, limit)
        ids = [item["redemption_id"] for item in page["items"]]
        forwarded = {}
        if ids:
            marks = ", ".join("?" * len(ids))
            rows = self._db.run(
                lambda tx: tx.execute(
                    "SELECT redemption_id, national_id, refusal FROM forwarding"  # noqa: S608
                    f" WHERE redemption_id IN ({marks})",
                    ids,
                )
            )
            forwarded = {row["redemption_id"]: row for row in rows}
        for item in page["items"]:
            row = forwarded.get(item["redemption_id"])
            item["national_id"] = row["national_id"] if row else None
            if item["state"] == "refused" and row is not None and row["refusal"]:
                item["refusal"] = row["refusal"]
        return page

    # -- forwarding to the national service ------------------------------------------------

    def to_forward(self, limit: int = 100) -> list[dict[str, Any]]:
        """Registrations the national service has not answered, oldest first."""
        rows = self._db.run(
            lambda tx: tx.execute(
                "SELECT redemption_id, idempotency_key, code, last_name, first_name,"
                " birth_date, recorded_at FROM redemptions WHERE state = ? ORDER BY seq LIMIT ?",
                (self.ACCEPTED, limit),
            )
        )
        return [self._opened(row) for row in rows]

    def waiting_count(self) -> int:
        return self._db.run(
            lambda tx: tx.one(
                "SELECT count(*) AS n FROM redemptions WHERE state = ?", (self.ACCEPTED,)
            )["n"]
        )

    def record_national(self, answers: list[tuple[str, dict[str, Any]]]) -> int:
        """The national answers to a batch, each with the forum's redemption it answers,
        in one transaction; how many were answered. Any refusal, ``invalid`` included, is
        ``refused`` with its reason (a person looks at it; it must not hold back the
        others). A registration cancelled at a desk meanwhile keeps its state: its
        national id is kept for the cancel to forward."""
        now = stamp(self._clock())

        def work(tx: Transaction) -> int:
            self._hold_club(tx, CLUB_ID)
            done = 0
            for redemption_id, answer in answers:
                row = self._redemption(tx, redemption_id)
                status = answer.get("status")
                if row is None or not isinstance(status, str):
                    continue  # not answered for itself: sent again next time
                national_id, refusal, state = None, None, None
                if status in ("accepted", "replayed") or (
                    status == "already_redeemed" and answer.get("by_this_club")
                ):
                    national_id = answer.get("redemption_id")
                    state = answer.get("state")
                    state = state if state in (*_NATIONAL_STATES, "cancelled") else "accepted"
                else:
                    refusal = _REFUSED.get(status, status)
                    state = "refused"
                tx.execute(
                    "INSERT INTO forwarding VALUES (?, ?, ?, 0) ON CONFLICT (redemption_id)"
                    " DO UPDATE SET national_id = excluded.national_id, refusal = excluded.refusal",
                    (redemption_id, national_id, refusal),
                )
                done += 1
                if row["state"] != self.ACCEPTED:
                    continue
                if state == "cancelled":
                    self._change(tx, row, state="cancelled", cancelled_at=now,
                                 cancel_reason="annulé au niveau national")  # fmt: skip
                else:
                    self._change(tx, row, state=state)
            return done

        return self._db.run(work, write=True)

    def cancels_to_forward(self) -> list[dict[str, Any]]:
        """Registrations cancelled at a desk that the national service had accepted."""
        rows = self._db.run(
            lambda tx: tx.execute(
                "SELECT r.redemption_id, f.national_id, r.cancel_reason FROM redemptions r"
                " JOIN forwarding f USING (redemption_id) WHERE r.state = 'cancelled'"
                " AND f.national_id IS NOT NULL AND f.cancel_sent = 0"
            )
        )
        return [dict(row) for row in rows]

    def cancel_forwarded(self, redemption_id: str) -> None:
        self._db.run(
            lambda tx: tx.execute(
                "UPDATE forwarding SET cancel_sent = 1 WHERE redemption_id = ?", (redemption_id,)
            ),
            write=True,
        )

    def national_cursor(self) -> str:
        row = self._db.run(
            lambda tx: tx.one("SELECT value FROM meta WHERE key = 'national_cursor'")
        )
        return row["value"] if row else ""

    def apply_national(self, items: list[Any], cursor: str) -> int:
        """What the national service decided since the last pull, onto the forum's
        registrations it matches by key; the cursor saved in the same transaction."""
        now = stamp(self._clock())

        def work(tx: Transaction) -> int:
            self._hold_club(tx, CLUB_ID)
            changed = 0
            for item in items:
                if not isinstance(item, dict) or not item.get("idempotency_key"):
                    continue
                row = tx.one(
                    "SELECT * FROM redemptions WHERE club_id = ? AND idempotency_key = ?"
                    " ORDER BY seq DESC",
                    (CLUB_ID, item["idempotency_key"]),
                )
                state = item.get("state")
                if row is None or row["state"] in ("cancelled", state):
                    continue
                if state in _NATIONAL_STATES:
                    amount = item.get("amount_cents")
                    self._change(
                        tx, row, state=state, paid_on=item.get("paid_on"),
                        amount_cents=amount if isinstance(amount, int) else row["amount_cents"],
                    )  # fmt: skip
                elif state == "cancelled":
                    self._change(tx, row, state="cancelled", cancelled_at=now,
                                 cancel_reason="annulé au niveau national")  # fmt: skip
                else:
                    continue
                changed += 1
            tx.execute(
                "INSERT INTO meta VALUES ('national_cursor', ?)"
                " ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                (cursor,),
            )
            return changed

        return self._db.run(work, write=True)
