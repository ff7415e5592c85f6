"""The reference server of the national redemption API (``docs/api/openapi.yaml``).

It speaks real HTTP so that the client, the sync engine and the program's training mode meet
the same bytes a national service would send. It is built on the standard library
(``http.server.ThreadingHTTPServer``) on purpose: no new dependency in the program that
ships it for training mode, it starts in-process on 127.0.0.1 in a background thread (port 0
picks any free port), and :meth:`ReferenceServer.stop` joins every thread it started.

For the client's tests it injects faults (:class:`Faults`: latency, 503 or 429 answers,
connections dropped before or after the work) and rate-limits each token with a token
bucket. Alone: ``python -m sync.server --port 8765 --db FILE [--seed N] [--open-codes]``.

The database and the rules live in :mod:`sync.server_store`. Nothing here logs names,
birth dates or codes: they travel only in request bodies, and bodies are never logged.
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import json
import math
import signal
import socket
import sys
import threading
from collections.abc import Callable
from dataclasses import dataclass, fields
from datetime import UTC, date, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

from app.logs import get_logger
from app.seasons import SeasonTable, load_seasons
from sync.server_store import (
    Device,
    Problem,
    ServerStore,
    TokenBuckets,
    stamp,
)
from sync.training import training_sheet

log = get_logger("server")

MAX_BODY = 1_000_000
PULL_LIMIT, PULL_LIMIT_MAX = 200, 500
_GET = ("/v1/club", "/v1/seasons", "/v1/redemptions")
_POST = ("/v1/devices", "/v1/codes:check", "/v1/redemptions:batch")  # and .../{id}/cancel


_FAULTS_LOCK = threading.RLock()


def _utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass(eq=False, slots=True)  # slots: a misspelt fault is an error, not a no-op
class Faults:
    """Failures to inject, settable from any thread; each counter goes down by one a request.

    ``drop_next``: close the connection without answering. ``fail_next``: answer
    ``status_code`` (503 if None) with ``Retry-After: retry_after``. ``lose_response_next``:
    do the work and commit it, then close without answering. ``latency_s``: wait first.
    """

    latency_s: float = 0.0
    fail_next: int = 0
    status_code: int | None = None
    retry_after: int = 1
    drop_next: int = 0
    lose_response_next: int = 0

    def __setattr__(self, name: str, value: Any) -> None:
        with _FAULTS_LOCK:
            object.__setattr__(self, name, value)

    def reset_all(self) -> None:
        with _FAULTS_LOCK:
            for each in fields(self):
                setattr(self, each.name, each.default)

    def take(self) -> tuple[float, str | None]:
        """For one request: the latency, and "drop", "fail", "lose" or None."""
        with _FAULTS_LOCK:
            for action in ("drop", "fail", "lose_response"):
                if (left := getattr(self, f"{action}_next")) > 0:
                    setattr(self, f"{action}_next", left - 1)
                    return self.latency_s, action.removesuffix("_response")
            return self.latency_s, None


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive: a batch opens no new connection
    server_version = "passsport-reference/1"
    disable_nagle_algorithm = True  # headers and body are two writes: send both at once
    timeout = 60  # an idle kept-alive connection is closed after a minute
    server: _HTTPServer

    def do_GET(self) -> None:
        self._serve()

    def do_POST(self) -> None:
        self._serve()

    do_PUT = do_PATCH = do_DELETE = do_POST  # 405 on the contract's paths, 404 elsewhere

    def log_message(self, format: str, *args: Any) -> None:  # no query, no body
        log.debug("%s %s", self.command, urlsplit(self.path).path)

    def _serve(self) -> None:
        answer = self.server.reference._answer(self)
        if answer is None:  # an injected fault: close without a word
            self.close_connection = True
            return
        status, body, headers = answer
        data = json.dumps(body, ensure_ascii=False).encode()
        self.send_response(status)
        kind = "application/problem+json" if status >= 400 else "application/json"
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(data)))
        for name, value in headers.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(data)

    def _read_body(self) -> bytes:
        length = self.headers.get("Content-Length") or "0"
        if not length.isdigit() or int(length) > MAX_BODY:
            self.close_connection = True  # the rest of the stream cannot be trusted
            raise Problem(413, "body-too-large", "Request body too large")
        return self.rfile.read(int(length))


class _HTTPServer(ThreadingHTTPServer):
    daemon_threads = False  # server_close() joins every connection thread

    def __init__(self, address: tuple[str, int], reference: ReferenceServer) -> None:
        self.reference = reference
        self._connections: set[socket.socket] = set()
        self._connections_lock = threading.Lock()
        super().__init__(address, _Handler)

    def process_request(self, request: Any, client_address: Any) -> None:
        with self._connections_lock:
            self._connections.add(request)
        super().process_request(request, client_address)

    def shutdown_request(self, request: Any) -> None:
        with self._connections_lock:
            self._connections.discard(request)
        super().shutdown_request(request)

    def close_connections(self) -> None:
        """Wake every thread waiting on a kept-alive connection, so that it ends."""
        with self._connections_lock:
            for connection in self._connections:
                with contextlib.suppress(OSError):
                    connection.shutdown(socket.SHUT_RDWR)

    def handle_error(self, request: Any, client_address: Any) -> None:
        if not isinstance(sys.exc_info()[1], OSError):  # a client leaving is not a bug
            log.exception("reference server bug")


class ReferenceServer:
    """The national API on 127.0.0.1 with its own SQLite file; a context manager.

    ``clock`` gives the server's time (aware); ``rate_per_second`` 0 turns the rate limit off.
    """

    def __init__(
        self,
        db_path: Path,
        *,
        seed: int = 1,
        open_codes: bool = False,
        clock: Callable[[], datetime] = _utc_now,
        rate_per_second: float = 50.0,
        burst: int = 100,
        port: int = 0,
        seasons: SeasonTable | None = None,
    ) -> None:
        self.seasons = seasons or load_seasons()
        self._open_store = lambda: ServerStore(
            Path(db_path), seed=seed, open_codes=open_codes, seasons=self.seasons, clock=clock
        )
        self._store: ServerStore | None = self._open_store()
        self.faults = Faults()
        self._clock, self._port = clock, port
        self._buckets = TokenBuckets(rate_per_second, burst)
        self._counters = {"requests": 0, "replays": 0}
        self._counter_lock = threading.Lock()
        self._stopping = threading.Event()
        self._httpd: _HTTPServer | None = None
        self._thread: threading.Thread | None = None

    def start(self) -> str:
        """Listen and serve in a background thread; returns the base URL."""
        if self._httpd is None:
            self._stopping.clear()
            self._httpd = _HTTPServer(("127.0.0.1", self._port), self)
            self._thread = threading.Thread(
                target=self._httpd.serve_forever, args=(0.01,), name="reference-server"
            )
            self._thread.start()
        return self.url

    def stop(self) -> None:
        """Stop serving, end every connection, join every thread, then close the database."""
        if self._httpd is not None and self._thread is not None:
            self._stopping.set()
            self._httpd.shutdown()
            self._httpd.close_connections()
            self._httpd.server_close()
            self._thread.join()
            self._httpd = self._thread = None
        if self._store is not None:
            self._store.close()
            self._store = None

    def __enter__(self) -> ReferenceServer:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def url(self) -> str:
        if self._httpd is None:
            raise RuntimeError("the server is not started")
        host, port = self._httpd.server_address[:2]
        return f"http://{host}:{port}"

    @property
    def store(self) -> ServerStore:
        """The database; opened again if a test helper is called after :meth:`stop`."""
        if self._store is None:
            self._store = self._open_store()
        return self._store

    # -- test helpers (not HTTP) -----------------------------------------------------------

    @property
    def request_count(self) -> int:
        """HTTP requests received, faulty ones included."""
        with self._counter_lock:
            return self._counters["requests"]

    def count_replays(self) -> int:
        """How many ``replayed`` results the server gave."""
        with self._counter_lock:
            return self._counters["replays"]

    def new_enrolment_code(self, *, other_club: bool = False) -> str:
        return self.store.new_enrolment_code(other_club=other_club)

    def revoke_device(self, device_id: str) -> None:
        self.store.revoke_device(device_id)

    def redemptions(self) -> list[dict[str, Any]]:
        return self.store.redemptions()

    def portal_redeem(self, code: str, last: str, first: str, birth: date | str) -> str:
        return self.store.portal_redeem(code, last, first, birth)

    def set_payment(
        self,
        redemption_id: str,
        state: str,
        amount_cents: int | None = None,
        paid_on: date | str | None = None,
    ) -> None:
        self.store.set_payment(redemption_id, state, amount_cents, paid_on)

    # -- HTTP ------------------------------------------------------------------------------

    def _answer(self, request: _Handler) -> tuple[int, dict, dict[str, str]] | None:
        """Status, body and headers for one request; None to close without answering."""
        with self._counter_lock:
            self._counters["requests"] += 1
        latency, fault = self.faults.take()
        if latency > 0:
            self._stopping.wait(latency)
        if fault == "drop":
            return None
        try:
            body = request._read_body()
            if fault == "fail":
                status = self.faults.status_code or 503
                title = "Too many requests" if status == 429 else "Temporarily unavailable"
                raise Problem(status, "unavailable", title, retry_after=self.faults.retry_after)
            caller = request.headers.get("Authorization") or f"ip:{request.client_address[0]}"
            wait = self._buckets.wait_needed(hashlib.sha256(caller.encode()).hexdigest())
            if wait > 0:
                raise Problem(429, "rate-limited", "Too many requests", retry_after=math.ceil(wait))
            answer = (*self._route(request.command, request.path, request.headers, body), {})
        except Problem as refused:
            answer = (refused.status, refused.body, refused.headers)
        except Exception:
            log.exception("reference server bug")
            answer = (500, Problem(500, "server-error", "Server error").body, {})
        return None if fault == "lose" else answer

    def _route(self, method: str, target: str, headers: Any, body: bytes) -> tuple[int, dict]:
        url = urlsplit(target)
        path = url.path
        cancel = path.startswith("/v1/redemptions/") and path.endswith("/cancel")
        if path not in _GET + _POST and not cancel:
            raise Problem(404, "not-found", "No such resource")
        allowed = "GET" if path in _GET else "POST"
        if method != allowed:
            refused = Problem(405, "method-not-allowed", "Method not allowed")
            refused.headers["Allow"] = allowed
            raise refused
        if path == "/v1/devices":
            return 201, self.store.enrol(_json_object(body))
        device = self._device(headers.get("Authorization", ""))
        now = stamp(self._clock())
        if path == "/v1/club":
            return 200, self.store.club(device)
        if path == "/v1/seasons":
            return 200, self.seasons.to_document()
        if path == "/v1/redemptions":
            return 200, self._pull(device, parse_qs(url.query)) | {"server_time": now}
        payload = _json_object(body, optional=cancel)
        if cancel:
            reason = payload.get("reason")
            if reason is not None and (not isinstance(reason, str) or len(reason) > 200):
                raise Problem(400, "bad-request", "Invalid reason", "reason: 200 characters")
            redemption_id = path.removeprefix("/v1/redemptions/").removesuffix("/cancel")
            return 200, self.store.cancel(device, redemption_id)
        if path == "/v1/codes:check":
            return 200, self.store.check_code(device, payload)
        results, replays = self.store.redeem_batch(device, payload)
        with self._counter_lock:
            self._counters["replays"] += replays
        return 200, {"results": results, "server_time": now}

    def _device(self, authorization: str) -> Device:
        scheme, _, token = authorization.partition(" ")
        device = self.store.authenticate(token.strip()) if scheme.lower() == "bearer" else None
        if device is None:
            raise Problem(401, "token-revoked", "Unknown or revoked token", "Enrol again.")
        return device

    def _pull(self, device: Device, query: dict[str, list[str]]) -> dict[str, Any]:
        limit = query.get("limit", [str(PULL_LIMIT)])[-1]
        if not limit.isdigit() or not 1 <= int(limit) <= PULL_LIMIT_MAX:
            raise Problem(400, "bad-request", "Invalid limit", "limit: 1 to 500")
        items, cursor = self.store.changes(device, query.get("cursor", [""])[-1], int(limit))
        return {"items": items, "next_cursor": cursor}


def _json_object(body: bytes, *, optional: bool = False) -> dict[str, Any]:
    if optional and not body.strip():
        return {}
    try:
        payload = json.loads(body)
    except (ValueError, RecursionError):
        raise Problem(400, "invalid-json", "Invalid JSON", "The body is not JSON.") from None
    if not isinstance(payload, dict):
        raise Problem(400, "invalid-json", "Invalid JSON", "The body must be a JSON object.")
    return payload


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m sync.server", description=__doc__)
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--db", type=Path, required=True, help="the server's SQLite file")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--open-codes", action="store_true", help="any unseen code exists")
    args = parser.parse_args(argv)
    server = ReferenceServer(args.db, seed=args.seed, open_codes=args.open_codes, port=args.port)
    # Ctrl+C, or a stop asked by the system, ends it cleanly: asked for here, because a
    # process started in the background of a script inherits Ctrl+C ignored.
    stop = threading.Event()
    for name in ("SIGINT", "SIGTERM", "SIGBREAK"):  # SIGBREAK: Ctrl+Break on Windows
        if hasattr(signal, name):
            signal.signal(getattr(signal, name), lambda *_: stop.set())
    try:
        print(f"Serveur de référence : {server.start()}", flush=True)
        print(training_sheet(args.seed))
        print("Ctrl+C pour arrêter.", flush=True)
        while not stop.wait(1):  # in slices: Windows delivers the signal between them
            pass
        return 0
    finally:
        server.stop()


if __name__ == "__main__":
    sys.exit(main())
