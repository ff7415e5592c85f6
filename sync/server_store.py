"""The redemption service's rules over its database: devices, codes, redemptions, changes.

The rules follow ``docs/api/openapi.yaml`` and run the same on SQLite and PostgreSQL
(:mod:`sync.server_db`): every method is one transaction, which the database runs again
if it lost a race. What must hold between several worker processes is the database's to
enforce, never a lock in memory:

- one live redemption per code: a unique index over the codes not cancelled;
- one payload per idempotency key and club: the ``idempotency_keys`` table, whose key is
  (club, key). A key is bound to the first payload it came with, whatever that item's
  result; a refused item sent again with the same key and payload is judged again (a
  refusal redeems nothing), an accepted one is replayed with its current state;
- the changes of a club in the order they were committed: each write of a club first takes
  the club's row (``UPDATE clubs SET last_seq = last_seq + 1``), which holds the next
  writer of that club until it commits. Change numbers are therefore committed in order,
  and a pull that has seen number n has seen every change before it.

The identity check ignores case, accents, spacing, hyphens and apostrophes. Tokens are
kept only as SHA-256 hashes. Nothing here logs names, birth dates or codes.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import math
import re
import secrets
import struct
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from app.codes import LETTERS
from app.people import fold
from app.seasons import Season, SeasonTable
from sync.server_db import Database, Transaction, open_database
from sync.training import TRAINING_ENROLMENT_CODE, CodeCategory, training_data

SCHEMA_VERSION = 2
MAX_BATCH = 100
ENROLMENT_CODE_DAYS = 7  # a generated enrolment code expires after a week
ENROLMENT_RETRY_MINUTES = 15  # an enrolment sent again with its key, within this time
CODE_RE = re.compile(r"[0-9]{2}-(?:[A-HJ-NP-Z]{4}|I[A-HJ-NP-Z]{3})-[A-HJ-NP-Z]{4}")
KEY_RE = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
_NAME_MAX = 60
_DATE_RE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_SEPARATORS = str.maketrans({"-": " ", "'": " ", "\u2019": " ", "\u2010": " ", "\u2011": " "})
_SEQ_MAX = 2**62  # far beyond any club; a cursor above it was never given
_SCHEMA = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE clubs (club_id BIGINT PRIMARY KEY, siret TEXT NOT NULL UNIQUE,
    rna TEXT NOT NULL, name TEXT NOT NULL, last_seq BIGINT NOT NULL DEFAULT 0);
CREATE TABLE enrolment_codes (code TEXT PRIMARY KEY, club_id BIGINT NOT NULL REFERENCES clubs,
    reusable INTEGER NOT NULL, expires_at TEXT, used_at TEXT);
CREATE TABLE devices (device_id TEXT PRIMARY KEY, club_id BIGINT NOT NULL REFERENCES clubs,
    name TEXT NOT NULL, token_hash TEXT NOT NULL UNIQUE, enrolled_at TEXT NOT NULL,
    revoked_at TEXT, enrolment_key TEXT UNIQUE, enrolment_code TEXT);
CREATE TABLE codes (code TEXT PRIMARY KEY, last_name TEXT, first_name TEXT, birth_date TEXT,
    revoked INTEGER NOT NULL DEFAULT 0);
CREATE TABLE idempotency_keys (club_id BIGINT NOT NULL REFERENCES clubs,
    idempotency_key TEXT NOT NULL, payload TEXT NOT NULL, redemption_id TEXT,
    first_seen TEXT NOT NULL, PRIMARY KEY (club_id, idempotency_key));
CREATE TABLE redemptions (redemption_id TEXT PRIMARY KEY, idempotency_key TEXT,
    club_id BIGINT NOT NULL REFERENCES clubs, device_id TEXT, source TEXT NOT NULL,
    code TEXT NOT NULL, last_name TEXT NOT NULL, first_name TEXT NOT NULL,
    birth_date TEXT NOT NULL, recorded_at TEXT, state TEXT NOT NULL,
    amount_cents INTEGER NOT NULL, paid_on TEXT, received_at TEXT NOT NULL,
    updated_at TEXT NOT NULL, seq BIGINT NOT NULL, cancelled_at TEXT, cancelled_by TEXT,
    cancel_reason TEXT);
CREATE UNIQUE INDEX redemptions_live_code ON redemptions (code) WHERE state <> 'cancelled';
CREATE UNIQUE INDEX redemptions_club_seq ON redemptions (club_id, seq);
CREATE TABLE rate_buckets (caller TEXT PRIMARY KEY, tokens DOUBLE PRECISION NOT NULL,
    at DOUBLE PRECISION NOT NULL, allowed INTEGER NOT NULL);
"""
# One caller's token bucket in PostgreSQL, taken and counted in one statement, on the
# database's clock (the worker processes share it).
_SHARED_BUCKET = """
INSERT INTO rate_buckets AS b VALUES (?, ?, extract(epoch FROM clock_timestamp()), 1)
ON CONFLICT (caller) DO UPDATE SET
    at = EXCLUDED.at,
    allowed = CASE WHEN LEAST(?, b.tokens + (EXCLUDED.at - b.at) * ?) >= 1 THEN 1 ELSE 0 END,
    tokens = LEAST(?, b.tokens + (EXCLUDED.at - b.at) * ?)
        - CASE WHEN LEAST(?, b.tokens + (EXCLUDED.at - b.at) * ?) >= 1 THEN 1 ELSE 0 END
RETURNING tokens, allowed
"""
_REDEMPTION_COLUMNS = (
    "redemption_id, idempotency_key, club_id, device_id, source, code, last_name, first_name,"
    " birth_date, recorded_at, state, amount_cents, paid_on, received_at, updated_at, seq"
)


_PERSON_AT = {6: "last_name", 7: "first_name", 8: "birth_date"}  # in _REDEMPTION_COLUMNS


class Problem(Exception):
    """A request the service refuses as a whole; the HTTP layer turns it into problem+json."""

    def __init__(
        self,
        status: int,
        slug: str,
        title: str,
        detail: str = "",
        retry_after: int | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(slug)
        self.status, self.slug = status, slug
        self.headers = dict(headers or {})
        if retry_after is not None:
            self.headers["Retry-After"] = str(retry_after)
        self.body: dict[str, Any] = {"type": f"urn:passsport:problem:{slug}", "title": title}
        self.body |= {"status": status, "detail": detail} if detail else {"status": status}


@dataclass(frozen=True)
class Device:
    device_id: str
    club_id: int


@dataclass(frozen=True)
class _Item:
    key: str | None
    code: str
    last_name: str
    first_name: str
    birth_date: str
    recorded_at: str | None

    def payload(self, club_id: int) -> str:
        """What the key stands for: the club, the code and the young person."""
        fields = (club_id, self.code, self.last_name, self.first_name, self.birth_date)
        return hashlib.sha256(json.dumps(fields, ensure_ascii=False).encode()).hexdigest()


class MemoryBuckets:
    """The rate limit of one process: a token bucket per caller, ``rate`` requests a second
    in bursts of ``burst``. Once it holds ``PRUNE_AT`` callers, a new one first drops the
    buckets that are full again (their callers have been quiet long enough)."""

    PRUNE_AT = 1024

    def __init__(self, rate: float, burst: int) -> None:
        self._rate, self._burst = rate, float(burst)
        self._buckets: dict[str, tuple[float, float]] = {}
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._buckets)

    def wait_needed(self, caller: str) -> float:
        """0 if the request may go now (it is counted), else the seconds to wait."""
        if self._rate <= 0:  # no limit
            return 0.0
        now = time.monotonic()
        with self._lock:
            if caller not in self._buckets and len(self._buckets) >= self.PRUNE_AT:
                self._prune(now)
            tokens, last = self._buckets.get(caller, (self._burst, now))
            tokens = min(self._burst, tokens + (now - last) * self._rate)
            self._buckets[caller] = (tokens - 1 if tokens >= 1 else tokens, now)
        return 0.0 if tokens >= 1 else (1 - tokens) / self._rate

    def _prune(self, now: float) -> None:
        refill = self._burst / self._rate
        self._buckets = {
            caller: (tokens, last)
            for caller, (tokens, last) in self._buckets.items()
            if tokens + (now - last) * self._rate < self._burst and now - last < refill
        }


def stamp(moment: datetime) -> str:
    """RFC 3339 in UTC, with its offset."""
    return moment.astimezone(UTC).isoformat(timespec="milliseconds")


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def same_identity(a: str, b: str) -> bool:
    """Names equal whatever the case, accents, spacing, hyphens and apostrophes."""
    return fold(a.translate(_SEPARATORS)) == fold(b.translate(_SEPARATORS))


def holder_hint(first_name: str, last_name: str) -> str:
    """``Léa D.``: enough to tell brothers and sisters apart, no more."""
    return f"{first_name} {last_name.strip()[:1].upper()}."


class ServerStore:
    """The service's state in ``where``: an SQLite file, or a ``postgresql://`` URL.

    Every public method is one transaction and may be called from any thread.
    ``rate_per_second`` 0 turns the rate limit off.
    """

    # The state of a redemption just accepted (a forum's main desk holds its own).
    ACCEPTED = "accepted"
    # Open-codes mode: the first to redeem an unseen code becomes its holder, checked
    # after. A forum's main desk leaves identities to the national service.
    REMEMBERS_HOLDERS = True

    def __init__(
        self,
        where: Path | str,
        *,
        seed: int,
        open_codes: bool,
        seasons: SeasonTable,
        clock: Callable[[], datetime],
        rate_per_second: float = 50.0,
        burst: int = 100,
    ) -> None:
        self._open_codes, self._seasons, self._clock = open_codes, seasons, clock
        self._rate, self._burst = rate_per_second, burst
        self._db: Database = open_database(where)
        self._memory_buckets = MemoryBuckets(rate_per_second, burst)
        self._shared_calls = 0
        try:
            self._secret = self._db.run(lambda tx: self._create_or_check(tx, seed), write=True)
        except BaseException:
            self._db.close()
            raise

    @property
    def dialect(self) -> str:
        return self._db.dialect

    def close(self) -> None:
        self._db.close()

    def _create_or_check(self, tx: Transaction, seed: int) -> bytes:
        """The schema made on first use, checked after; the cursor key."""
        if self._db.dialect == "postgresql":
            tx.execute("SELECT pg_advisory_xact_lock(7420)")  # workers starting together
            exists = tx.one("SELECT to_regclass('meta') IS NOT NULL AS present")["present"]
        else:
            exists = tx.one("SELECT count(*) AS n FROM sqlite_master WHERE name = 'meta'")["n"]
        if not exists:
            for statement in _SCHEMA.split(";")[:-1]:
                tx.execute(statement)
            tx.execute("INSERT INTO meta VALUES ('schema', ?)", (str(SCHEMA_VERSION),))
            tx.execute("INSERT INTO meta VALUES ('cursor_key', ?)", (secrets.token_hex(32),))
            self._seed(tx, seed)
        meta = {row["key"]: row["value"] for row in tx.execute("SELECT key, value FROM meta")}
        if meta.get("schema") != str(SCHEMA_VERSION):
            raise ValueError(f"unknown server database version {meta.get('schema')}")
        if meta.get("seed") != str(seed):
            raise ValueError(f"this database holds the data of seed {meta.get('seed')}")
        return bytes.fromhex(meta["cursor_key"])

    # -- the rate limit --------------------------------------------------------------------

    def rate_wait(self, caller: str) -> float:
        """0 if ``caller`` (a verified device, else an address) may go on now (counted),
        else the seconds to wait. One process keeps the buckets in memory; several share
        them through PostgreSQL."""
        if self._rate <= 0:
            return 0.0
        if self._db.dialect != "postgresql":
            return self._memory_buckets.wait_needed(caller)
        return self._db.run(lambda tx: self._shared_wait(tx, caller), write=True)

    @property
    def rate_policy(self) -> str:
        """The RateLimit-Policy field: ``burst`` requests in the seconds that refill them."""
        window = max(1, math.ceil(self._burst / self._rate)) if self._rate > 0 else 1
        return f'"default";q={self._burst};w={window}'

    @property
    def rate_limit_in_memory(self) -> bool:
        """True when :meth:`rate_wait` touches no database (one process, or no limit)."""
        return self._rate <= 0 or self._db.dialect != "postgresql"

    @property
    def tracked_callers(self) -> int:
        if self._db.dialect != "postgresql":
            return len(self._memory_buckets)
        return self._db.run(lambda tx: tx.one("SELECT count(*) AS n FROM rate_buckets")["n"])

    def _shared_wait(self, tx: Transaction, caller: str) -> float:
        refill = (self._burst, self._rate)  # LEAST(burst, tokens + elapsed * rate), 3 times
        row = tx.one(_SHARED_BUCKET, (caller, self._burst - 1.0, *refill, *refill, *refill))
        self._shared_calls += 1
        if self._shared_calls % 1000 == 0:  # forget the callers whose bucket is full again
            tx.execute(
                "DELETE FROM rate_buckets WHERE at < extract(epoch FROM clock_timestamp()) - ?",
                (self._burst / self._rate,),
            )
        return 0.0 if row["allowed"] else (1 - row["tokens"]) / self._rate

    # -- devices ---------------------------------------------------------------------------

    def enrol(self, request: dict[str, Any], key: str | None = None) -> dict[str, Any]:
        """The contract's Enrolment: a new device of the code's club. Problem 403 if the code
        is unknown, expired or already used. With ``key`` (the request's Idempotency-Key),
        the same request again gives the same device a new token (the answer may have been
        lost: nobody holds the first), and the key with another request is 422."""
        code = request["enrolment_code"].strip().upper()
        name = request["device_name"].strip()
        if not name:
            raise Problem(400, "bad-request", "Invalid enrolment", "device_name: 1 to 60")
        now = stamp(self._clock())
        window = stamp(self._clock() - timedelta(minutes=ENROLMENT_RETRY_MINUTES))

        def work(tx: Transaction) -> dict[str, Any]:
            token = secrets.token_urlsafe(32)
            if key is not None:
                device = tx.one("SELECT * FROM devices WHERE enrolment_key = ?", (key,))
                if device is not None:
                    if (device["enrolment_code"], device["name"]) != (code, name):
                        raise Problem(422, "key-reused", "Idempotency key used for another request")
                    if device["revoked_at"] is not None or device["enrolled_at"] < window:
                        raise Problem(403, "enrolment-refused", "Enrolment code refused")
                    tx.execute(
                        "UPDATE devices SET token_hash = ? WHERE device_id = ?",
                        (hash_token(token), device["device_id"]),
                    )
                    club = self._club(tx, device["club_id"])
                    return {"device_id": device["device_id"], "token": token, "club": club}
            row = tx.one("SELECT * FROM enrolment_codes WHERE code = ?", (code,))
            if (
                row is None
                or (row["used_at"] and not row["reusable"])
                or (row["expires_at"] and row["expires_at"] <= now)
            ):
                raise Problem(403, "enrolment-refused", "Enrolment code refused")
            if not row["reusable"]:  # spent once: the database checks it again, at the write
                spent = tx.one(
                    "UPDATE enrolment_codes SET used_at = ? WHERE code = ? AND used_at IS NULL"
                    " RETURNING code",
                    (now, code),
                )
                if spent is None:  # another enrolment took it meanwhile
                    raise Problem(403, "enrolment-refused", "Enrolment code refused")
            device_id = str(uuid.uuid4())
            tx.execute(
                "INSERT INTO devices VALUES (?, ?, ?, ?, ?, NULL, ?, ?)",
                (device_id, row["club_id"], name, hash_token(token), now, key, code),
            )
            return {"device_id": device_id, "token": token, "club": self._club(tx, row["club_id"])}

        return self._db.run(work, write=True)

    def authenticate(self, token: str) -> Device | None:
        row = self._db.run(
            lambda tx: tx.one(
                "SELECT device_id, club_id FROM devices WHERE token_hash = ?"
                " AND revoked_at IS NULL",
                (hash_token(token),),
            )
        )
        return Device(row["device_id"], row["club_id"]) if row else None

    def club(self, device: Device) -> dict[str, str]:
        return self._db.run(lambda tx: self._club(tx, device.club_id))

    def new_enrolment_code(self, *, other_club: bool = False) -> str:
        """A single-use code valid for a week, for the training club (or the other one)."""
        code = "-".join("".join(secrets.choice(LETTERS) for _ in range(4)) for _ in range(2))
        expires = stamp(self._clock() + timedelta(days=ENROLMENT_CODE_DAYS))
        self._db.run(
            lambda tx: tx.execute(
                "INSERT INTO enrolment_codes VALUES (?, ?, 0, ?, NULL)",
                (code, 2 if other_club else 1, expires),
            ),
            write=True,
        )
        return code

    def revoke_device(self, device_id: str) -> None:
        self._db.run(
            lambda tx: tx.execute(
                "UPDATE devices SET revoked_at = ? WHERE device_id = ?",
                (stamp(self._clock()), device_id),
            ),
            write=True,
        )

    # -- codes and redemptions -------------------------------------------------------------

    def check_code(self, device: Device, code: str) -> dict[str, Any]:
        """The contract's CodeState."""
        now = self._clock()

        def work(tx: Transaction) -> dict[str, Any]:
            row, season = self._code(tx, code, now)
            if row is None or season is None:
                return {"code": code, "state": "unknown"}
            state: dict[str, Any] = {"code": code}
            if row["last_name"]:
                state["holder_hint"] = holder_hint(row["first_name"], row["last_name"])
            live = self._live(tx, code)
            if row["revoked"]:
                state["state"] = "revoked"
            elif live is not None:
                state |= {"state": "redeemed", "by_this_club": live["club_id"] == device.club_id}
            elif season.has_closed(now):
                state["state"] = "season_closed"
            else:
                state["state"] = "available"
            return state

        return self._db.run(work)

    def redeem_batch(
        self, device: Device, raw_items: list[Any], schema_errors: list[str | None]
    ) -> tuple[list[dict], int]:
        """One result per item, in order, all in one transaction; and how many replays.
        ``raw_items`` holds 1 to 100 items; ``schema_errors`` says, for each, what breaks the
        contract's schema (None: nothing), and the rules beyond the schema are checked here."""
        now = self._clock()
        parsed = [
            (None, error) if error else parse_item(raw)
            for raw, error in zip(raw_items, schema_errors, strict=True)
        ]

        def work(tx: Transaction) -> list[dict[str, Any]]:
            self._hold_club(tx, device.club_id)
            results: list[dict[str, Any]] = []
            for raw, (item, error) in zip(raw_items, parsed, strict=True):
                if item is None:
                    results.append(
                        {"idempotency_key": _echo_key(raw), "status": "invalid", "detail": error}
                    )
                    continue
                result = self._redeem(tx, device.club_id, device.device_id, item, now)
                results.append({"idempotency_key": item.key} | result)
            return results

        results = self._db.run(work, write=True)
        return results, sum(result["status"] == "replayed" for result in results)

    def cancel(self, device: Device, redemption_id: str, reason: str | None) -> dict[str, Any]:
        """Cancel (idempotent). Problem 404 if not this club's, 409 if already paid."""

        def work(tx: Transaction) -> dict[str, Any]:
            self._hold_club(tx, device.club_id)  # the row is read as no other write leaves it
            row = self._redemption(tx, redemption_id)
            if row is None or row["club_id"] != device.club_id:
                raise Problem(404, "not-found", "No such redemption for this club")
            if row["state"] == "paid":
                raise Problem(409, "already-paid", "Already paid: contact the national service")
            if row["state"] != "cancelled":
                self._change(
                    tx, row, state="cancelled", cancelled_at=stamp(self._clock()),
                    cancelled_by=device.device_id, cancel_reason=reason or None,
                )  # fmt: skip
            return redemption_json(self._opened(self._redemption(tx, redemption_id)))

        return self._db.run(work, write=True)

    def changes(self, device: Device, cursor: str, limit: int) -> dict[str, Any]:
        """This club's redemptions changed since ``cursor`` ("" for all), in change order,
        the cursor to ask with next time, and whether more are waiting."""
        after = self._decode_cursor(device.club_id, cursor) if cursor else 0
        rows = self._db.run(
            lambda tx: tx.execute(
                f"SELECT {_REDEMPTION_COLUMNS}, cancelled_at, cancelled_by, cancel_reason"  # noqa: S608
                " FROM redemptions WHERE club_id = ? AND seq > ? ORDER BY seq LIMIT ?",
                (device.club_id, after, limit + 1),
            )
        )
        page = rows[:limit]
        last = page[-1]["seq"] if page else after
        return {
            "items": [redemption_json(self._opened(row)) for row in page],
            "next_cursor": self._encode_cursor(device.club_id, last),
            "has_more": len(rows) > limit,
        }

    def _encode_cursor(self, club_id: int, seq: int) -> str:
        """Opaque: the club's own change number, signed, so that it tells nothing of the
        national volume and a cursor never given is refused."""
        number = struct.pack(">Q", seq)
        mac = hmac.digest(self._secret, struct.pack(">Q", club_id) + number, "sha256")[:12]
        return base64.urlsafe_b64encode(number + mac).decode().rstrip("=")

    def _decode_cursor(self, club_id: int, cursor: str) -> int:
        refused = Problem(400, "bad-cursor", "Unknown cursor", "Start again without a cursor.")
        if len(cursor) != 27 or not re.fullmatch(r"[A-Za-z0-9_-]+", cursor):
            raise refused
        raw = base64.urlsafe_b64decode(cursor + "=")
        if base64.urlsafe_b64encode(raw).decode().rstrip("=") != cursor:
            raise refused  # the same bytes spelt another way: not a cursor given
        number, mac = raw[:8], raw[8:]
        expected = hmac.digest(self._secret, struct.pack(">Q", club_id) + number, "sha256")[:12]
        seq = struct.unpack(">Q", number)[0]
        if not hmac.compare_digest(mac, expected) or seq > _SEQ_MAX:
            raise refused
        return seq

    # -- what the national portal does (test helpers) --------------------------------------

    def portal_redeem(self, code: str, last: str, first: str, birth: date | str) -> str:
        """A code typed on the portal for the training club; ValueError(status) if refused."""
        item = _Item(None, code, last, first, str(birth), None)

        def work(tx: Transaction) -> dict[str, Any]:
            self._hold_club(tx, 1)
            return self._redeem(tx, 1, None, item, self._clock())

        result = self._db.run(work, write=True)
        if result["status"] != "accepted":
            raise ValueError(result["status"])
        return result["redemption_id"]

    def set_payment(
        self,
        redemption_id: str,
        state: str,
        amount_cents: int | None = None,
        paid_on: date | str | None = None,
    ) -> None:
        if state not in ("in_processing", "paid"):
            raise ValueError("state must be in_processing or paid")
        now = self._clock()
        if state == "paid" and paid_on is None:
            paid_on = now.date()

        def work(tx: Transaction) -> None:
            row = self._redemption(tx, redemption_id)
            if row is None:
                raise KeyError(redemption_id)
            self._hold_club(tx, row["club_id"])
            row = self._redemption(tx, redemption_id)  # as it is once the club is held
            if row["state"] == "cancelled":
                raise ValueError("a cancelled redemption is not paid")
            amount = row["amount_cents"] if amount_cents is None else amount_cents
            day = None if paid_on is None else str(paid_on)
            self._change(tx, row, state=state, amount_cents=amount, paid_on=day)

        self._db.run(work, write=True)

    def redemptions(self) -> list[dict[str, Any]]:
        """Every row the service holds, every club, in change order."""
        rows = self._db.run(
            lambda tx: tx.execute(
                "SELECT r.*, c.siret AS club_siret FROM redemptions r"
                " JOIN clubs c USING (club_id) ORDER BY r.updated_at, r.club_id, r.seq"
            )
        )
        return [self._opened(row) for row in rows]

    def device_token_hashes(self) -> list[str]:
        return [
            row["token_hash"]
            for row in self._db.run(lambda tx: tx.execute("SELECT token_hash FROM devices"))
        ]

    # -- inside a transaction --------------------------------------------------------------

    def _club(self, tx: Transaction, club_id: int) -> dict[str, str]:
        row = tx.one("SELECT siret, rna, name FROM clubs WHERE club_id = ?", (club_id,))
        return {"siret": row["siret"], "rna": row["rna"], "name": row["name"]}

    def _hold_club(self, tx: Transaction, club_id: int) -> None:
        """Take the club's row until the commit: its other writers wait (PostgreSQL; SQLite
        has only one writer at a time anyway)."""
        tx.execute("UPDATE clubs SET last_seq = last_seq WHERE club_id = ?", (club_id,))

    def _next_seq(self, tx: Transaction, club_id: int) -> int:
        """The club's next change number; its row stays taken until the commit."""
        row = tx.one(
            "UPDATE clubs SET last_seq = last_seq + 1 WHERE club_id = ? RETURNING last_seq",
            (club_id,),
        )
        return row["last_seq"]

    def _code(self, tx: Transaction, code: str, now: datetime) -> tuple[Any, Season | None]:
        """The code's row (a blank one for an unseen code in open-codes mode) and its season;
        None for a code that does not exist, or not yet (season not opened)."""
        season = self._seasons.by_prefix(code[:2])
        if season is None or not season.has_codes or not season.has_opened(now):
            return None, None
        row = tx.one("SELECT * FROM codes WHERE code = ?", (code,))
        if row is None and self._open_codes and (code[3] != "I" or season.aeeh_i_prefix):
            row = {"code": code, "last_name": None, "first_name": None, "birth_date": None}
            row["revoked"] = 0
        return row, season if row is not None else None

    def _live(self, tx: Transaction, code: str) -> Any:
        return tx.one(
            "SELECT redemption_id, club_id, received_at FROM redemptions"
            " WHERE code = ? AND state <> 'cancelled'",
            (code,),
        )

    def _redemption(self, tx: Transaction, redemption_id: str) -> Any:
        return tx.one("SELECT * FROM redemptions WHERE redemption_id = ?", (redemption_id,))

    def _redeem(
        self, tx: Transaction, club_id: int, device_id: str | None, item: _Item, now: datetime
    ) -> dict[str, Any]:
        """The rules for one item, in order: key, existence, revocation, earlier redemption,
        deadline, identity."""
        if item.key is not None:
            payload = item.payload(club_id)
            seen = tx.one(
                "SELECT payload, redemption_id FROM idempotency_keys"
                " WHERE club_id = ? AND idempotency_key = ?",
                (club_id, item.key),
            )
            if seen is None:
                tx.execute(
                    "INSERT INTO idempotency_keys VALUES (?, ?, ?, NULL, ?)",
                    (club_id, item.key, payload, stamp(now)),
                )
            elif seen["payload"] != payload:
                return {"status": "key_reused"}
            elif seen["redemption_id"] is not None:
                first = self._redemption(tx, seen["redemption_id"])
                return {
                    "status": "replayed",
                    "redemption_id": first["redemption_id"],
                    "received_at": first["received_at"],
                    "state": first["state"],
                }
        result = self._judge(tx, club_id, device_id, item, now)
        if item.key is not None and result["status"] == "accepted":
            tx.execute(
                "UPDATE idempotency_keys SET redemption_id = ?"
                " WHERE club_id = ? AND idempotency_key = ?",
                (result["redemption_id"], club_id, item.key),
            )
        return result

    def _judge(
        self, tx: Transaction, club_id: int, device_id: str | None, item: _Item, now: datetime
    ) -> dict[str, Any]:
        row, season = self._code(tx, item.code, now)
        if row is None or season is None:
            return {"status": "unknown_code"}
        if row["revoked"]:
            return {"status": "revoked"}
        live = self._live(tx, item.code)
        if live is not None:
            result = {
                "status": "already_redeemed",
                "by_this_club": live["club_id"] == club_id,
                "redeemed_at": live["received_at"],
            }
            if live["club_id"] == club_id:
                result["redemption_id"] = live["redemption_id"]
            return result
        if season.has_closed(now):
            return {"status": "season_closed"}
        if row["last_name"] is None:  # open-codes mode: the first to redeem is the holder
            if self.REMEMBERS_HOLDERS:
                tx.execute(
                    "INSERT INTO codes VALUES (?, ?, ?, ?, 0) ON CONFLICT DO NOTHING",
                    (item.code, item.last_name, item.first_name, item.birth_date),
                )
        elif not (
            same_identity(row["last_name"], item.last_name)
            and same_identity(row["first_name"], item.first_name)
            and row["birth_date"] == item.birth_date
        ):
            return {"status": "identity_mismatch"}
        redemption_id, received = str(uuid.uuid4()), stamp(now)
        self._insert(
            tx, redemption_id, item.key, club_id, device_id, "device" if device_id else "portal",
            item.code, item.last_name, item.first_name, item.birth_date, item.recorded_at,
            self.ACCEPTED, season.amount_cents, None, received, received,
            self._next_seq(tx, club_id),
        )  # fmt: skip
        return {
            "status": "accepted",
            "redemption_id": redemption_id,
            "received_at": received,
            "state": self.ACCEPTED,
        }

    def _insert(self, tx: Transaction, *values: Any) -> None:
        marks = ", ".join("?" * len(values))
        stored = list(values)
        for index, column in _PERSON_AT.items():
            stored[index] = self._sealed(column, stored[index])
        tx.execute(f"INSERT INTO redemptions ({_REDEMPTION_COLUMNS}) VALUES ({marks})", stored)  # noqa: S608

    # The young person's fields as the database keeps them: as they are here; sealed on a
    # forum's main desk (sync/forum_store.py), which opens them where it reads them.
    def _sealed(self, column: str, value: Any) -> Any:
        return value

    def _opened(self, row: Any) -> dict[str, Any]:
        return dict(row)

    def _change(self, tx: Transaction, row: Any, **values: Any) -> None:
        """Set ``values`` (trusted column names) and give the row its club's next number."""
        columns = ", ".join(f"{name} = ?" for name in values)
        seq = self._next_seq(tx, row["club_id"])
        tx.execute(
            f"UPDATE redemptions SET {columns}, updated_at = ?, seq = ?"  # noqa: S608
            " WHERE redemption_id = ?",
            (*values.values(), stamp(self._clock()), seq, row["redemption_id"]),
        )

    def _seed(self, tx: Transaction, seed: int) -> None:
        data = training_data(seed)
        tx.execute("INSERT INTO meta VALUES ('seed', ?)", (str(seed),))
        for club_id, club in ((1, data.club), (2, data.other_club)):
            tx.execute(
                "INSERT INTO clubs VALUES (?, ?, ?, ?, 0)",
                (club_id, club.siret, club.rna, club.name),
            )
        for code in (TRAINING_ENROLMENT_CODE, *data.enrolment_codes):
            reusable = int(code == TRAINING_ENROLMENT_CODE)
            tx.execute("INSERT INTO enrolment_codes VALUES (?, 1, ?, NULL, NULL)", (code, reusable))
        for item in data.codes:
            person = (item.last_name, item.first_name, str(item.birth_date))
            revoked = int(item.category is CodeCategory.REVOKED)
            tx.execute("INSERT INTO codes VALUES (?, ?, ?, ?, ?)", (item.code, *person, revoked))
            if item.code in data.redeemed_at:  # by the other club, on the portal
                at = stamp(data.redeemed_at[item.code])
                season = self._seasons.by_prefix(item.code[:2])
                amount = season.amount_cents if season else 0
                self._insert(tx, str(uuid.uuid4()), None, 2, None, "portal", item.code, *person,
                             None, "accepted", amount, None, at, at, self._next_seq(tx, 2))  # fmt: skip


def _echo_key(raw: Any) -> str | None:
    """The key of an invalid item as the result gives it back: only if it is a UUID."""
    key = raw.get("idempotency_key") if isinstance(raw, dict) else None
    return key.lower() if isinstance(key, str) and KEY_RE.fullmatch(key.lower()) else None


def text_ok(value: str, *, one_line: bool = True) -> bool:
    """Text that both databases can store and JSON can send back: no lone surrogate, no
    NUL; and for ``one_line`` (a name), no control character at all."""
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    if not one_line:
        return "\x00" not in value
    return not any(ord(ch) < 32 or 0x7F <= ord(ch) < 0xA0 for ch in value)


def parse_item(raw: Any) -> tuple[_Item | None, str]:
    """A RedemptionItem checked against the contract, or None and what is wrong with it."""
    raw = raw if isinstance(raw, dict) else {}
    key, code, person = raw.get("idempotency_key"), raw.get("code"), raw.get("young_person")
    person = person if isinstance(person, dict) else {}
    last, first, birth = (person.get(name) for name in ("last_name", "first_name", "birth_date"))
    recorded = raw.get("recorded_at")
    if not isinstance(key, str) or not KEY_RE.fullmatch(key.lower()):
        return None, "idempotency_key: not a UUID"
    if not isinstance(code, str) or not CODE_RE.fullmatch(code):
        return None, "code: not in the YY-XXXX-XXXX format"
    for name, value in (("last_name", last), ("first_name", first)):
        if not isinstance(value, str) or not 1 <= len(value) <= _NAME_MAX or not value.strip():
            return None, f"young_person.{name}: 1 to {_NAME_MAX} characters"
        if not text_ok(value):
            return None, f"young_person.{name}: not valid text"
    if not isinstance(birth, str) or not _DATE_RE.fullmatch(birth) or not _parses(date, birth):
        return None, "young_person.birth_date: not a date (YYYY-MM-DD)"
    moment = _parses(datetime, recorded) if isinstance(recorded, str) else None
    if moment is None or moment.utcoffset() is None or not recorded.isascii():
        return None, "recorded_at: not a date-time with an offset"
    return _Item(key.lower(), code, last, first, birth, recorded), ""  # type: ignore[arg-type]


def _parses(kind: type[date] | type[datetime], text: str) -> Any:
    try:
        return kind.fromisoformat(text)
    except ValueError:
        return None


def redemption_json(row: Any) -> dict[str, Any]:
    """The contract's Redemption."""
    names = ("redemption_id", "idempotency_key", "code", "source", "device_id", "state")
    names += ("amount_cents", "paid_on", "recorded_at", "received_at", "updated_at")
    names += ("cancelled_at", "cancelled_by", "cancel_reason")
    person = {name: row[name] for name in ("last_name", "first_name", "birth_date")}
    return {name: row[name] for name in names} | {"young_person": person}


def seasons_json(table: SeasonTable) -> dict[str, Any]:
    """The season table as ``GET /v1/seasons`` gives it: the fields of ``seasons.json``."""
    seasons = []
    for season in table:
        fields = asdict(season)
        for name in ("entry_opens", "entry_closes"):
            fields[name] = fields[name].isoformat()
        fields["deadline"] = season.deadline.replace(tzinfo=None).isoformat(timespec="minutes")
        if not fields["note"]:
            del fields["note"]
        seasons.append(fields)
    return {"timezone": str(table.latest().timezone), "seasons": seasons}
