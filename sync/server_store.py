"""The reference server's database and rules: devices, codes, redemptions and their changes.

One SQLite file and one connection, shared by the HTTP threads behind one lock: SQLite
serialises writers anyway, and a batch is one transaction (all its items or none). The
rules follow ``docs/api/openapi.yaml``: the identity check ignores case, accents, spacing,
hyphens and apostrophes; a key seen with the same payload is replayed, with another one it
is refused; a cancelled code can be redeemed again. Every state change gives the row the
next change number, which is what the pull cursor counts.

Request bodies are checked against the contract here too (an item that breaks it is
``invalid``, a request that does is a :class:`Problem`), and so is the rate limit. WAL with
``synchronous = normal`` survives a killed process, which is what the crash tests do.

Tokens are kept only as SHA-256 hashes. Nothing here logs names, birth dates or codes.
"""

from __future__ import annotations

import base64
import hashlib
import re
import secrets
import sqlite3
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from app.codes import LETTERS
from app.people import fold
from app.seasons import Season, SeasonTable
from sync.training import TRAINING_ENROLMENT_CODE, CodeCategory, training_data

SCHEMA_VERSION = 1
MAX_BATCH = 100
ENROLMENT_CODE_DAYS = 7  # a generated enrolment code expires after a week
CODE_RE = re.compile(r"[0-9]{2}-(?:[A-HJ-NP-Z]{4}|I[A-HJ-NP-Z]{3})-[A-HJ-NP-Z]{4}")
_KEY_RE = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
_NAME_MAX = 60
_DATE_RE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_PAYLOAD = ("club_id", "code", "last_name", "first_name", "birth_date")  # what a key stands for
_SEPARATORS = str.maketrans({"-": " ", "'": " ", "\u2019": " ", "\u2010": " ", "\u2011": " "})
_INSERT_REDEMPTION = (
    "INSERT INTO redemptions VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
)
_SCHEMA = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE clubs (club_id INTEGER PRIMARY KEY, siret TEXT NOT NULL UNIQUE,
    rna TEXT NOT NULL, name TEXT NOT NULL);
CREATE TABLE enrolment_codes (code TEXT PRIMARY KEY, club_id INTEGER NOT NULL REFERENCES clubs,
    reusable INTEGER NOT NULL, expires_at TEXT, used_at TEXT);
CREATE TABLE devices (device_id TEXT PRIMARY KEY, club_id INTEGER NOT NULL REFERENCES clubs,
    name TEXT NOT NULL, token_hash TEXT NOT NULL UNIQUE, enrolled_at TEXT NOT NULL,
    revoked_at TEXT);
CREATE TABLE codes (code TEXT PRIMARY KEY, last_name TEXT, first_name TEXT, birth_date TEXT,
    revoked INTEGER NOT NULL DEFAULT 0);
CREATE TABLE redemptions (redemption_id TEXT PRIMARY KEY, idempotency_key TEXT UNIQUE,
    club_id INTEGER NOT NULL REFERENCES clubs, device_id TEXT, source TEXT NOT NULL,
    code TEXT NOT NULL, last_name TEXT NOT NULL, first_name TEXT NOT NULL,
    birth_date TEXT NOT NULL, recorded_at TEXT, state TEXT NOT NULL,
    amount_cents INTEGER NOT NULL, paid_on TEXT, received_at TEXT NOT NULL,
    updated_at TEXT NOT NULL, seq INTEGER NOT NULL UNIQUE);
CREATE UNIQUE INDEX redemptions_live_code ON redemptions (code) WHERE state != 'cancelled';
CREATE INDEX redemptions_club_seq ON redemptions (club_id, seq);
"""


class Problem(Exception):
    """A request the server refuses as a whole; the HTTP layer turns it into problem+json."""

    def __init__(
        self, status: int, slug: str, title: str, detail: str = "", retry_after: int | None = None
    ) -> None:
        super().__init__(slug)
        self.status = status
        self.headers = {} if retry_after is None else {"Retry-After": str(retry_after)}
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


class TokenBuckets:
    """The rate limit: a token bucket per caller, ``rate`` requests a second in bursts of
    ``burst``; a rate of 0 is no limit."""

    def __init__(self, rate: float, burst: int) -> None:
        self._rate, self._burst = rate, float(burst)
        self._buckets: dict[str, tuple[float, float]] = {}
        self._lock = threading.Lock()

    def wait_needed(self, caller: str) -> float:
        """0 if the request may go now (it is counted), else the seconds to wait."""
        if self._rate <= 0:  # no limit
            return 0.0
        now = time.monotonic()
        with self._lock:
            tokens, last = self._buckets.get(caller, (self._burst, now))
            tokens = min(self._burst, tokens + (now - last) * self._rate)
            self._buckets[caller] = (tokens - 1 if tokens >= 1 else tokens, now)
        return 0.0 if tokens >= 1 else (1 - tokens) / self._rate


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
    """The server's state. Every public method is thread-safe."""

    def __init__(
        self,
        path: Path,
        *,
        seed: int,
        open_codes: bool,
        seasons: SeasonTable,
        clock: Callable[[], datetime],
    ) -> None:
        self._open_codes, self._seasons, self._clock = open_codes, seasons, clock
        self._lock = threading.Lock()
        self._db = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
        self._db.row_factory = sqlite3.Row
        for pragma in ("journal_mode = wal", "synchronous = normal", "foreign_keys = on"):
            self._db.execute(f"PRAGMA {pragma}")
        self._db.execute("PRAGMA busy_timeout = 5000")
        try:
            self._create_or_check(seed)
        except BaseException:
            self._db.close()
            raise

    def close(self) -> None:
        with self._lock:
            self._db.close()

    def _create_or_check(self, seed: int) -> None:
        with self._write():
            version = self._db.execute("PRAGMA user_version").fetchone()[0]
            if version == 0:
                for statement in _SCHEMA.split(";")[:-1]:
                    self._db.execute(statement)
                self._db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
                self._seed(seed)
            elif version != SCHEMA_VERSION:
                raise ValueError(f"unknown server database version {version}")
            row = self._db.execute("SELECT value FROM meta WHERE key = 'seed'").fetchone()
            if row[0] != str(seed):
                raise ValueError(f"this database holds the data of seed {row[0]}")

    # -- devices ---------------------------------------------------------------------------

    def enrol(self, request: dict[str, Any]) -> dict[str, Any]:
        """The contract's Enrolment: a new device of the code's club. Problem 400 for a bad
        request, 403 if the code is unknown, expired or already used."""
        code, name = request.get("enrolment_code"), request.get("device_name")
        if not isinstance(code, str) or not 4 <= len(code) <= 40:
            raise Problem(400, "bad-request", "Invalid enrolment", "enrolment_code: 4 to 40")
        if not isinstance(name, str) or not 1 <= len(name.strip()) <= 60:
            raise Problem(400, "bad-request", "Invalid enrolment", "device_name: 1 to 60")
        now = self._clock()
        with self._write():
            row = self._db.execute(
                "SELECT * FROM enrolment_codes WHERE code = ?", (code.strip().upper(),)
            ).fetchone()
            if (
                row is None
                or (row["used_at"] and not row["reusable"])
                or (row["expires_at"] and row["expires_at"] <= stamp(now))
            ):
                raise Problem(403, "enrolment-refused", "Enrolment code refused")
            if not row["reusable"]:
                self._db.execute(
                    "UPDATE enrolment_codes SET used_at = ? WHERE code = ?",
                    (stamp(now), row["code"]),
                )
            device_id, token = str(uuid.uuid4()), secrets.token_urlsafe(32)
            self._db.execute(
                "INSERT INTO devices VALUES (?, ?, ?, ?, ?, NULL)",
                (device_id, row["club_id"], name.strip(), hash_token(token), stamp(now)),
            )
            return {"device_id": device_id, "token": token, "club": self._club(row["club_id"])}

    def authenticate(self, token: str) -> Device | None:
        with self._lock:
            row = self._db.execute(
                "SELECT device_id, club_id FROM devices WHERE token_hash = ?"
                " AND revoked_at IS NULL",
                (hash_token(token),),
            ).fetchone()
        return Device(row["device_id"], row["club_id"]) if row else None

    def club(self, device: Device) -> dict[str, str]:
        with self._lock:
            return self._club(device.club_id)

    def new_enrolment_code(self, *, other_club: bool = False) -> str:
        """A single-use code valid for a week, for the training club (or the other one)."""
        code = "-".join("".join(secrets.choice(LETTERS) for _ in range(4)) for _ in range(2))
        expires = stamp(self._clock() + timedelta(days=ENROLMENT_CODE_DAYS))
        with self._write():
            self._db.execute(
                "INSERT INTO enrolment_codes VALUES (?, ?, 0, ?, NULL)",
                (code, 2 if other_club else 1, expires),
            )
        return code

    def revoke_device(self, device_id: str) -> None:
        with self._write():
            self._db.execute(
                "UPDATE devices SET revoked_at = ? WHERE device_id = ?",
                (stamp(self._clock()), device_id),
            )

    # -- codes and redemptions -------------------------------------------------------------

    def check_code(self, device: Device, request: dict[str, Any]) -> dict[str, Any]:
        """The contract's CodeState; Problem 400 for a code not in the contract's format."""
        code = request.get("code")
        if not isinstance(code, str) or not CODE_RE.fullmatch(code):
            raise Problem(400, "bad-request", "Invalid code", "code: YY-XXXX-XXXX")
        now = self._clock()
        with self._lock:
            row, season = self._code(code, now)
            if row is None or season is None:
                return {"code": code, "state": "unknown"}
            state: dict[str, Any] = {"code": code}
            if row["last_name"]:
                state["holder_hint"] = holder_hint(row["first_name"], row["last_name"])
            live = self._live(code)
            if row["revoked"]:
                state["state"] = "revoked"
            elif live is not None:
                state |= {"state": "redeemed", "by_this_club": live["club_id"] == device.club_id}
            elif season.has_closed(now):
                state["state"] = "season_closed"
            else:
                state["state"] = "available"
            return state

    def redeem_batch(self, device: Device, request: dict[str, Any]) -> tuple[list[dict], int]:
        """One result per item, in order, all in one transaction; and how many replays.
        Problem 400 without items, 413 beyond 100."""
        raw_items = request.get("items")
        if not isinstance(raw_items, list) or not raw_items:
            raise Problem(400, "bad-request", "Invalid batch", "items: 1 to 100 items")
        if len(raw_items) > MAX_BATCH:
            raise Problem(413, "batch-too-large", "Batch too large", "items: 100 at most")
        now = self._clock()
        results: list[dict[str, Any]] = []
        with self._write():
            for raw in raw_items:
                item, error = parse_item(raw)
                if item is None:
                    key = raw.get("idempotency_key") if isinstance(raw, dict) else None
                    key = key if isinstance(key, str) else ""
                    results.append({"idempotency_key": key, "status": "invalid", "detail": error})
                    continue
                result = self._redeem(device.club_id, device.device_id, item, now)
                results.append({"idempotency_key": item.key} | result)
        return results, sum(result["status"] == "replayed" for result in results)

    def cancel(self, device: Device, redemption_id: str) -> dict[str, Any]:
        """Cancel (idempotent). Problem 404 if not this club's, 409 if already paid."""
        with self._write():
            row = self._redemption(redemption_id)
            if row is None or row["club_id"] != device.club_id:
                raise Problem(404, "not-found", "No such redemption for this club")
            if row["state"] == "paid":
                raise Problem(409, "already-paid", "Already paid: contact the national service")
            if row["state"] != "cancelled":
                self._change(redemption_id, state="cancelled")
            return redemption_json(self._redemption(redemption_id))

    def changes(self, device: Device, cursor: str, limit: int) -> tuple[list[dict], str]:
        """This club's redemptions changed since ``cursor`` ("" for all), in change order,
        and the cursor to ask with next time. Problem 400 for a cursor never given."""
        after = decode_cursor(cursor) if cursor else 0
        with self._lock:
            rows = self._db.execute(
                "SELECT * FROM redemptions WHERE club_id = ? AND seq > ? ORDER BY seq LIMIT ?",
                (device.club_id, after, limit),
            ).fetchall()
        return [redemption_json(row) for row in rows], encode_cursor(
            rows[-1]["seq"] if rows else after
        )

    # -- what the national portal does (test helpers) --------------------------------------

    def portal_redeem(self, code: str, last: str, first: str, birth: date | str) -> str:
        """A code typed on the portal for the training club; ValueError(status) if refused."""
        item = _Item(None, code, last, first, str(birth), None)
        with self._write():
            result = self._redeem(1, None, item, self._clock())
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
        with self._write():
            row = self._redemption(redemption_id)
            if row is None:
                raise KeyError(redemption_id)
            amount = row["amount_cents"] if amount_cents is None else amount_cents
            day = None if paid_on is None else str(paid_on)
            self._change(redemption_id, state=state, amount_cents=amount, paid_on=day)

    def redemptions(self) -> list[dict[str, Any]]:
        """Every row the server holds, every club, in change order."""
        with self._lock:
            rows = self._db.execute(
                "SELECT r.*, c.siret AS club_siret FROM redemptions r"
                " JOIN clubs c USING (club_id) ORDER BY seq"
            ).fetchall()
        return [dict(row) for row in rows]

    # -- inside the lock -------------------------------------------------------------------

    @contextmanager
    def _write(self) -> Iterator[None]:
        """The lock and one transaction: everything inside commits together, or nothing."""
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                yield
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            self._db.execute("COMMIT")

    def _club(self, club_id: int) -> dict[str, str]:
        row = self._db.execute(
            "SELECT siret, rna, name FROM clubs WHERE club_id = ?", (club_id,)
        ).fetchone()
        return dict(row)

    def _code(self, code: str, now: datetime) -> tuple[sqlite3.Row | None, Season | None]:
        """The code's row (a blank one for an unseen code in open-codes mode) and its season;
        None for a code that does not exist, or not yet (season not opened)."""
        season = self._seasons.by_prefix(code[:2])
        if season is None or not season.has_codes or not season.has_opened(now):
            return None, None
        row = self._db.execute("SELECT * FROM codes WHERE code = ?", (code,)).fetchone()
        if row is None and self._open_codes and (code[3] != "I" or season.aeeh_i_prefix):
            row = self._db.execute(
                "SELECT ? AS code, NULL AS last_name, NULL AS first_name,"
                " NULL AS birth_date, 0 AS revoked",
                (code,),
            ).fetchone()
        return row, season if row is not None else None

    def _live(self, code: str) -> sqlite3.Row | None:
        return self._db.execute(
            "SELECT club_id, received_at FROM redemptions WHERE code = ? AND state != 'cancelled'",
            (code,),
        ).fetchone()

    def _redemption(self, redemption_id: str) -> sqlite3.Row | None:
        return self._db.execute(
            "SELECT * FROM redemptions WHERE redemption_id = ?", (redemption_id,)
        ).fetchone()

    def _max_seq(self) -> int:
        return self._db.execute("SELECT COALESCE(MAX(seq), 0) FROM redemptions").fetchone()[0]

    def _redeem(self, club_id: int, device_id: str | None, item: _Item, now: datetime) -> dict:
        """The rules for one item, in order: key, existence, revocation, earlier redemption,
        deadline, identity. Inside the caller's transaction."""
        if item.key is not None:
            first = self._db.execute(
                "SELECT * FROM redemptions WHERE idempotency_key = ?", (item.key,)
            ).fetchone()
            if first is not None:
                sent = (club_id, item.code, item.last_name, item.first_name, item.birth_date)
                if sent != tuple(first[name] for name in _PAYLOAD):
                    return {"status": "key_reused"}
                return {
                    "status": "replayed",
                    "redemption_id": first["redemption_id"],
                    "received_at": first["received_at"],
                }
        row, season = self._code(item.code, now)
        if row is None or season is None:
            return {"status": "unknown_code"}
        if row["revoked"]:
            return {"status": "revoked"}
        live = self._live(item.code)
        if live is not None:
            return {
                "status": "already_redeemed",
                "by_this_club": live["club_id"] == club_id,
                "redeemed_at": live["received_at"],
            }
        if season.has_closed(now):
            return {"status": "season_closed"}
        if row["last_name"] is None:  # open-codes mode: the first to redeem is the holder
            self._db.execute(
                "INSERT OR IGNORE INTO codes VALUES (?, ?, ?, ?, 0)",
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
            redemption_id, item.key, club_id, device_id, "device" if device_id else "portal",
            item.code, item.last_name, item.first_name, item.birth_date, item.recorded_at,
            "accepted", season.amount_cents, None, received, received, self._max_seq() + 1,
        )  # fmt: skip
        return {"status": "accepted", "redemption_id": redemption_id, "received_at": received}

    def _insert(self, *values: Any) -> None:
        self._db.execute(_INSERT_REDEMPTION, values)

    def _change(self, redemption_id: str, **values: Any) -> None:
        """Set ``values`` (trusted column names) and give the row the next change number."""
        columns = ", ".join(f"{name} = ?" for name in values)
        self._db.execute(
            f"UPDATE redemptions SET {columns}, updated_at = ?, seq = ?"  # noqa: S608
            " WHERE redemption_id = ?",
            (*values.values(), stamp(self._clock()), self._max_seq() + 1, redemption_id),
        )

    def _seed(self, seed: int) -> None:
        data = training_data(seed)
        self._db.execute("INSERT INTO meta VALUES ('seed', ?)", (str(seed),))
        for club_id, club in ((1, data.club), (2, data.other_club)):
            self._db.execute(
                "INSERT INTO clubs VALUES (?, ?, ?, ?)", (club_id, club.siret, club.rna, club.name)
            )
        for code in (TRAINING_ENROLMENT_CODE, *data.enrolment_codes):
            reusable = code == TRAINING_ENROLMENT_CODE
            self._db.execute(
                "INSERT INTO enrolment_codes VALUES (?, 1, ?, NULL, NULL)", (code, reusable)
            )
        for item in data.codes:
            person = (item.last_name, item.first_name, str(item.birth_date))
            revoked = item.category is CodeCategory.REVOKED
            self._db.execute(
                "INSERT INTO codes VALUES (?, ?, ?, ?, ?)", (item.code, *person, revoked)
            )
            if item.code in data.redeemed_at:  # by the other club, on the portal
                at = stamp(data.redeemed_at[item.code])
                season = self._seasons.by_prefix(item.code[:2])
                amount = season.amount_cents if season else 0
                self._insert(str(uuid.uuid4()), None, 2, None, "portal", item.code, *person, None,
                             "accepted", amount, None, at, at, self._max_seq() + 1)  # fmt: skip


def parse_item(raw: Any) -> tuple[_Item | None, str]:
    """A RedemptionItem checked against the contract, or None and what is wrong with it."""
    raw = raw if isinstance(raw, dict) else {}
    key, code, person = raw.get("idempotency_key"), raw.get("code"), raw.get("young_person")
    person = person if isinstance(person, dict) else {}
    last, first, birth = (person.get(name) for name in ("last_name", "first_name", "birth_date"))
    recorded = raw.get("recorded_at")
    if not isinstance(key, str) or not _KEY_RE.fullmatch(key.lower()):
        return None, "idempotency_key: not a UUID"
    if not isinstance(code, str) or not CODE_RE.fullmatch(code):
        return None, "code: not in the YY-XXXX-XXXX format"
    for name, value in (("last_name", last), ("first_name", first)):
        if not isinstance(value, str) or not 1 <= len(value.strip()) <= _NAME_MAX:
            return None, f"young_person.{name}: 1 to {_NAME_MAX} characters"
    if not isinstance(birth, str) or not _DATE_RE.fullmatch(birth) or not _parses(date, birth):
        return None, "young_person.birth_date: not a date (YYYY-MM-DD)"
    moment = _parses(datetime, recorded) if isinstance(recorded, str) else None
    if moment is None or moment.utcoffset() is None:
        return None, "recorded_at: not a date-time with an offset"
    return _Item(key.lower(), code, last, first, birth, recorded), ""  # type: ignore[arg-type]


def _parses(kind: type[date] | type[datetime], text: str) -> Any:
    try:
        return kind.fromisoformat(text)
    except ValueError:
        return None


def redemption_json(row: sqlite3.Row) -> dict[str, Any]:
    """The contract's Redemption."""
    names = ("redemption_id", "idempotency_key", "code", "source", "device_id", "state")
    names += ("amount_cents", "paid_on", "received_at", "updated_at")
    person = {name: row[name] for name in ("last_name", "first_name", "birth_date")}
    return {name: row[name] for name in names} | {"young_person": person}


def encode_cursor(seq: int) -> str:
    """An opaque cursor: the last change number seen."""
    return base64.urlsafe_b64encode(f"seq:{seq}".encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> int:
    try:
        prefix, seq = base64.urlsafe_b64decode(cursor + "==").decode().split(":")
        if prefix == "seq" and seq.isdigit():
            return int(seq)
    except ValueError:
        pass
    raise Problem(400, "bad-cursor", "Unknown cursor", "Start again without a cursor.")


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
