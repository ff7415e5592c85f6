"""The sync engine: sends what waits in the outbox, brings back the national answers.

It runs on a thread of its own with its own database connection and never touches
the interface: it reports a :class:`SyncStatus` through a callback, which the
interface turns into a Qt signal. Failures that pass (network down, server busy)
are retried with exponential backoff and full jitter, never sooner than the
server's Retry-After (kept within a few minutes, whatever it says); a revoked token
stops it until the device is enrolled again. A batch the service refuses as a whole is
split until the one registration it refuses is alone, and that one goes to the list
to check: one bad registration never holds up the others.
Idempotency keys make every retry safe: nothing is lost, nothing is counted twice.
"""

import random
import threading
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from app import national
from app.logs import get_logger
from app.national import NationalChange, RedeemAnswer
from app.store import connect
from app.vault import Vault
from sync.client import (
    BATCH_MAX,
    ApiClient,
    BadAddress,
    CertificateRefused,
    Refused,
    RetryLater,
    Unauthorized,
)
from sync.status import SyncStatus

log = get_logger("sync")

# A batch the service refuses as a whole with one of these says something in it is wrong:
# too many items (413), or one it cannot read (400, 422). Anything else is not about items.
ITEM_REFUSALS = frozenset({400, 413, 422})


def utc_now() -> datetime:
    return datetime.now(UTC)


# Stopping (closing the program) never waits longer than this for a request on its way.
STOP_WAIT_S = 3.0
# The national season table is fetched at the start of a session, then once a day.
SEASONS_EVERY_S = 86400.0


class SyncEngine:
    def __init__(
        self,
        db_path: Path,
        make_client: Callable[[], ApiClient],
        *,
        on_status: Callable[[SyncStatus], None] = lambda status: None,
        clock: Callable[[], datetime] = utc_now,
        interval_s: float = 60.0,
        base_backoff_s: float = 2.0,
        max_backoff_s: float = 300.0,
        max_retry_after_s: float = 300.0,
        rng: random.Random | None = None,
        vault: Vault | None = None,
        after_pass: Callable[[Any, ApiClient], None] | None = None,
    ) -> None:
        self._after_pass = after_pass  # at a forum: tell the main desk what waits here
        self._db_path = db_path
        self._vault = vault
        self._make_client = make_client
        self._on_status = on_status
        self._clock = clock
        self._interval = interval_s
        self._base = base_backoff_s
        self._cap = max_backoff_s
        self._retry_after_cap = max_retry_after_s
        self._rng = rng or random.Random()
        self._batch_max = BATCH_MAX  # smaller once the server said 413, for one pass
        self._seasons_at: datetime | None = None  # when the season table was last fetched
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.requests = 0

    # The thread
    def start(self) -> None:
        if self._thread is None:
            self._stop.clear()
            self._thread = threading.Thread(target=self._run, name="passsport-sync", daemon=True)
            self._thread.start()

    def stop(self, wait_s: float = STOP_WAIT_S) -> None:
        """Stop sending. Waits ``wait_s`` at most: a request still on its way then ends
        alone (the thread is a daemon), and what it carried is sent again next time
        under the same idempotency keys."""
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout=wait_s)
            self._thread = None

    def wake(self) -> None:
        """Send now (a new registration, or the "Envoyer maintenant" button)."""
        self._wake.set()

    def _backoff(self, failures: int) -> float:
        return self._rng.uniform(0, min(self._cap, self._base * 2 ** min(failures, 20)))

    def _bounded(self, retry_after: float | None) -> float:
        """The server's wish to wait, between 0 and ``max_retry_after_s``: a thread wait
        of 1e10 s or of inf raises, and "Envoyer maintenant" must work again one day. NaN
        counts as 0 (``max`` keeps 0.0 when the other does not compare greater)."""
        return min(max(0.0, retry_after or 0.0), self._retry_after_cap)

    def _run(self) -> None:
        conn = connect(self._db_path, self._vault)
        client: ApiClient | None = None
        failures = 0
        offline_since: datetime | None = None
        try:
            while not self._stop.is_set():
                self._wake.clear()
                delay: float | None = self._interval
                honour = 0.0  # the server's Retry-After: not even a wake goes sooner
                try:
                    client = client or self._make_client()
                    self.sync_once(conn, client, with_seasons=self._seasons_due())
                    failures, offline_since = 0, None
                except RetryLater as error:
                    failures += 1
                    offline_since = offline_since or self._clock()
                    honour = self._bounded(error.retry_after)
                    delay = max(honour, self._backoff(failures))
                    log.info("sync postponed (%s), next try in %.1f s", error.reason, delay)
                    self._publish(conn, "offline", retry_in_s=delay, offline_since=offline_since)
                    client = _close(client)
                except Unauthorized:
                    log.warning("device token refused: enrolment needed")
                    self._publish(conn, "needs_enrolment")
                    client = _close(client)
                    delay = None
                except BadAddress:  # saved by an older version that let it through
                    log.warning("national service address refused: enrolment needed")
                    self._publish(conn, "needs_enrolment")
                    client = _close(client)
                    delay = None
                except CertificateRefused:
                    log.warning("server certificate refused")
                    self._publish(conn, "certificate_refused")
                    client = _close(client)
                except Exception:
                    failures += 1
                    delay = self._base + self._backoff(failures)
                    log.exception("sync failed unexpectedly")
                    self._publish(conn, "offline", retry_in_s=delay)
                    client = _close(client)
                if honour:
                    self._stop.wait(honour)
                    delay = max(0.0, delay - honour)
                self._wake.wait(delay)
        finally:
            _close(client)
            self._publish(conn, "stopped")
            conn.close()

    # One pass, also used directly by tests and benchmarks
    def _seasons_due(self) -> bool:
        last = self._seasons_at
        return last is None or (self._clock() - last).total_seconds() >= SEASONS_EVERY_S

    def _fetch_seasons(self, client: ApiClient) -> dict | None:
        """The national season table, or None when it cannot be had now (tried again at
        the next pass; a service without it is not asked again today)."""
        try:
            document = self._request(client.seasons)
        except RetryLater as error:
            log.info("season table not fetched (%s)", error.reason)
            return None
        except Refused as error:
            log.info("season table refused (%s)", error.status)
            document = None
        self._seasons_at = self._clock()
        return document

    def sync_once(self, conn, client: ApiClient, with_seasons: bool = False) -> SyncStatus:
        """Send, bring back the answers; ``with_seasons``: fetch the season table too,
        last, handed over on the status this returns."""
        self._publish(conn, "sending")
        # Learnt again each pass: one item too big alone must not shrink every later batch.
        self._batch_max = BATCH_MAX
        offset = None
        sent_any = False
        changed = 0
        while batch := national.pending_redeems(conn, self._batch_max):
            answered, seen = self._send_redeems(conn, client, batch)
            changed += answered
            offset = seen if seen is not None else offset
            sent_any = True
        for item in national.pending_cancels(conn, 100):
            outcome = "not_found"
            if item.national_id:
                try:
                    self._request(client.cancel, item.national_id, item.reason)
                    outcome = "cancelled"
                except Refused as error:
                    outcome = "already_paid" if error.status == 409 else "not_found"
            national.apply_cancel_answer(conn, item, outcome, self._clock())
            sent_any = True
        cursor = national.meta_get(conn, "sync_cursor")
        while True:
            answer = self._request(client.changes, cursor)
            offset = self._offset(answer.server_time) if offset is None else offset
            items = [c for c in map(_change, answer.body["items"]) if c is not None]
            cursor = str(answer.body.get("next_cursor") or cursor or "")
            changed += national.apply_changes(conn, items, cursor, self._clock())
            if not items or answer.body.get("has_more") is False:
                break
        now = self._clock()
        if sent_any:
            national.meta_set(conn, "last_sent_at", now.isoformat())
        if offset is not None:
            national.meta_set(conn, "clock_offset_s", f"{offset:.1f}")
        seasons = self._fetch_seasons(client) if with_seasons else None
        if self._after_pass is not None:
            self._after_pass(conn, client)
        return self._publish(conn, "online", changed=changed, seasons=seasons)

    def _send_redeems(self, conn, client: ApiClient, batch) -> tuple[int, float | None]:
        """Send one batch; returns how many registrations were answered and the clock
        offset seen. A batch the service refuses as a whole (``ITEM_REFUSALS``) is cut in
        halves until the one registration it refuses is alone: that one goes to the list
        to check, the others go on. After a 413 the pass goes on in smaller batches."""
        answered, offset = 0, None
        parts = [batch]
        while parts:
            part = parts.pop()
            half = len(part) // 2
            if len(part) > self._batch_max:
                parts += [part[half:], part[:half]]
                continue
            # Counted before sending: once tried, an answer may be lost on the way back.
            national.note_attempt(conn, [i.outbox_id for i in part], "sending", self._clock())
            try:
                answer = self._request(client.redeem_batch, [redemption_item(i) for i in part])
            except Refused as error:
                if error.status not in ITEM_REFUSALS:
                    raise
                if len(part) == 1:
                    log.info("one registration refused on its own (%s): to check", error.status)
                    national.set_aside(conn, part[0], national.UNSENDABLE, self._clock())
                    continue
                if error.status == 413:
                    self._batch_max = half
                parts += [part[half:], part[:half]]
                continue
            offset = self._offset(answer.server_time)
            answers = [_answer(r) for r in answer.body["results"] if isinstance(r, dict)]
            answered += national.apply_redeem_answers(conn, part, answers, self._clock())
            if not {a.idempotency_key for a in answers} & {i.idempotency_key for i in part}:
                raise RetryLater("bad_answer")
        return answered, offset

    def _request(self, call, *args):
        self.requests += 1
        return call(*args)

    def _offset(self, server_time: datetime | None) -> float | None:
        if server_time is None or server_time.tzinfo is None:
            return None
        return (server_time - self._clock()).total_seconds()

    def _publish(self, conn, state: str, **extra) -> SyncStatus:
        last = national.meta_get(conn, "last_sent_at")
        offset = national.meta_get(conn, "clock_offset_s")
        status = SyncStatus(
            state=state,
            pending=national.pending_count(conn),
            to_check=national.to_check_count(conn),
            last_sent_at=datetime.fromisoformat(last) if last else None,
            clock_offset_s=float(offset) if offset else None,
        )
        status = replace(status, **extra)
        self._on_status(status)
        return status


def _close(client: ApiClient | None) -> None:
    if client is not None:
        client.close()


def redemption_item(item: national.PendingRedeem) -> dict:
    """A registration as the contract's RedemptionItem (a batch, a USB bundle)."""
    return {
        "idempotency_key": item.idempotency_key,
        "code": item.code,
        "young_person": {
            "last_name": item.last_name,
            "first_name": item.first_name,
            "birth_date": item.birth_date,
        },
        "recorded_at": item.recorded_at,
        "receipt_no": item.receipt_no,
    }


def _answer(raw: dict) -> RedeemAnswer:
    return RedeemAnswer(
        idempotency_key=str(raw.get("idempotency_key") or ""),
        status=str(raw.get("status", "invalid")),
        redemption_id=raw.get("redemption_id"),
        received_at=raw.get("received_at"),
        by_this_club=raw.get("by_this_club"),
        state=raw.get("state") if isinstance(raw.get("state"), str) else None,
    )


def _ids(raw: dict) -> tuple[str | None, str | None]:
    """The national service's id of a change, and a forum's main desk's own id of it. The
    national service gives its redemption_id; a main desk gives its own, with
    ``national_id``, what it learnt (null until the national service answered)."""
    if "national_id" not in raw:
        return str(raw["redemption_id"]), None
    national_id = raw["national_id"] if isinstance(raw["national_id"], str) else None
    return national_id, str(raw["redemption_id"])


def _change(raw: object) -> NationalChange | None:
    if not isinstance(raw, dict):
        return None
    try:
        national_id, forum_id = _ids(raw)
        return NationalChange(
            redemption_id=str(raw["redemption_id"]),
            idempotency_key=raw.get("idempotency_key"),
            code=str(raw["code"]),
            state=str(raw["state"]),
            amount_cents=None if raw.get("amount_cents") is None else int(raw["amount_cents"]),
            paid_on=raw.get("paid_on"),
            refusal=raw.get("refusal") if isinstance(raw.get("refusal"), str) else None,
            national_id=national_id,
            forum_id=forum_id,
        )
    except (KeyError, TypeError, ValueError):
        return None
