"""The redemption service, served: in-process for the tests, training mode and the forum hub,
or as its own process (``python -m sync.server``) for a national pilot.

:class:`ReferenceServer` runs the ASGI application (:mod:`sync.service`) under uvicorn in a
background thread, on 127.0.0.1 (port 0 picks any free one), optionally over TLS, with its
state in an SQLite file or a PostgreSQL database (:mod:`sync.server_store`).
:meth:`ReferenceServer.stop` ends every connection and joins every thread it started.

Alone::

    python -m sync.server --port 8765 --db FILE [--seed N] [--open-codes]
    python -m sync.server --db postgresql://... --workers 2 --host 127.0.0.1

With ``--workers`` above 1, uvicorn runs that many worker processes on one listening
socket; they share nothing but the database (PostgreSQL), the rate limit included.

For the client's tests the service injects faults (:class:`~sync.service.Faults`). Nothing
here logs names, birth dates or codes: they travel only in request bodies, never logged.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import signal
import socket
import sys
import threading
from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import uvicorn
from uvicorn.supervisors import Multiprocess

from app.seasons import SeasonTable, load_seasons
from sync.server_store import ServerStore
from sync.service import Faults, GuardedProtocol, Service
from sync.training import training_sheet

BACKLOG = 2048  # connections the system holds while the service is busy (it caps it itself)
KEEP_ALIVE_S = 60  # an idle kept-alive connection is closed after a minute
_ENV = "PASSSPORT_SERVICE_"  # how the worker processes get their settings


def _utc_now() -> datetime:
    return datetime.now(UTC)


class _Config(uvicorn.Config):
    """uvicorn's settings, and the deadline :class:`GuardedProtocol` reads."""

    def __init__(self, *args: Any, request_deadline_s: float = 10.0, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.request_deadline_s = request_deadline_s


def _uvicorn_config(app: Any, **settings: Any) -> _Config:
    return _Config(
        app,
        http=GuardedProtocol,
        ws="none",
        lifespan="off",
        loop="asyncio",
        interface="asgi3",
        log_config=None,
        access_log=False,
        server_header=False,
        backlog=BACKLOG,
        proxy_headers=False,  # the service is reached directly: the caller is the peer
        timeout_keep_alive=KEEP_ALIVE_S,
        timeout_graceful_shutdown=5,
        h11_max_incomplete_event_size=16 * 1024,  # the request line and headers
        **settings,
    )


def raise_open_files_limit(wanted: int = 8192) -> None:
    """Allow ``wanted`` open files (each connection is one) where the system caps it lower."""
    try:
        import resource
    except ImportError:  # Windows: no such per-process cap to raise
        return
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    target = wanted if hard == resource.RLIM_INFINITY else min(wanted, hard)
    if soft != resource.RLIM_INFINITY and soft < target:
        resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))


def listen(host: str, port: int) -> socket.socket:
    """A listening TCP socket with the service's backlog."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    # IPPROTO_TCP named: asyncio then turns Nagle off on each connection, and an answer's
    # headers and body go out at once instead of 40 ms apart.
    listener = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    if sys.platform != "win32":  # on Windows the option lets another take the port
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind((host, port))
    listener.listen(BACKLOG)
    return listener


class ReferenceServer:
    """The redemption API on 127.0.0.1 with its own database; a context manager.

    ``database``: an SQLite file, or a ``postgresql://`` URL. ``clock`` gives the service's
    time (aware); ``rate_per_second`` 0 turns the rate limit off. ``tls``: the certificate
    and key files to serve HTTPS with. ``request_deadline_s``: the time a client has to send
    a whole request. A forum's main desk serves its own store and service
    (``store_class`` with ``store_options``, ``service``: :mod:`sync.forum`).
    """

    def __init__(
        self,
        database: Path | str,
        *,
        seed: int = 1,
        open_codes: bool = False,
        clock: Callable[[], datetime] = _utc_now,
        rate_per_second: float = 50.0,
        burst: int = 100,
        port: int = 0,
        host: str = "127.0.0.1",
        seasons: SeasonTable | None = None,
        tls: tuple[Path, Path] | None = None,
        request_deadline_s: float = 10.0,
        store_class: type[ServerStore] = ServerStore,
        service: Callable[..., Service] = Service,
        **store_options: Any,
    ) -> None:
        self.seasons = seasons or load_seasons()
        self._open_store = lambda: store_class(
            database, seed=seed, open_codes=open_codes, seasons=self.seasons, clock=clock,
            rate_per_second=rate_per_second, burst=burst, **store_options,
        )  # fmt: skip
        self._make_service = service
        self._store: ServerStore | None = self._open_store()
        self._clock = clock
        self.faults = Faults()
        self._counters = {"requests": 0, "replays": 0}
        self._service: Service | None = None
        self._address = (host, port)
        self._tls, self._deadline = tls, request_deadline_s
        self._uvicorn: uvicorn.Server | None = None
        self._thread: threading.Thread | None = None
        self._socket: socket.socket | None = None

    def start(self) -> str:
        """Listen and serve in a background thread; returns the base URL. Connections made
        before the thread serves wait in the backlog: the URL works at once."""
        if self._uvicorn is None:
            raise_open_files_limit()
            listener = listen(*self._address)
            tls = {}
            if self._tls is not None:
                tls = {"ssl_certfile": str(self._tls[0]), "ssl_keyfile": str(self._tls[1])}
            self._service = self._make_service(
                self.store, self.seasons, clock=self._clock, faults=self.faults,
                counters=self._counters,
            )  # fmt: skip
            config = _uvicorn_config(self._service.app, request_deadline_s=self._deadline, **tls)
            self._socket, self._uvicorn = listener, uvicorn.Server(config)
            self._thread = threading.Thread(
                target=self._uvicorn.run, kwargs={"sockets": [listener]}, name="service"
            )
            self._thread.start()
        return self.url

    def stop(self) -> None:
        """Stop serving, end every connection, join every thread, then close the database."""
        if self._uvicorn is not None and self._thread is not None:
            self._uvicorn.should_exit = True
            self._thread.join()
            if self._socket is not None:
                self._socket.close()
            self._uvicorn = self._thread = self._socket = None
        if self._service is not None:
            self._service.close()
            self._service = None
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
        if self._socket is None:
            raise RuntimeError("the server is not started")
        host, port = self._socket.getsockname()[:2]
        scheme = "https" if self._tls else "http"
        return f"{scheme}://[{host}]:{port}" if ":" in host else f"{scheme}://{host}:{port}"

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
        return self._counters["requests"]

    def count_replays(self) -> int:
        """How many ``replayed`` results the server gave."""
        return self._counters["replays"]

    @property
    def tracked_callers(self) -> int:
        """How many callers the rate limit keeps a bucket for."""
        return self.store.tracked_callers

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


def worker_app() -> Any:
    """The application of one worker process, from the settings the command line left in
    the environment (``--workers``)."""
    seasons = load_seasons()
    fixed = os.environ[_ENV + "NOW"]
    clock = _utc_now if not fixed else (lambda: datetime.fromisoformat(fixed))
    store = ServerStore(
        os.environ[_ENV + "DATABASE"],
        seed=int(os.environ[_ENV + "SEED"]),
        open_codes=os.environ[_ENV + "OPEN_CODES"] == "1",
        seasons=seasons,
        clock=clock,
        rate_per_second=float(os.environ[_ENV + "RATE"]),
    )
    return Service(store, seasons, clock=clock).app


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m sync.server", description=__doc__)
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--host", default="127.0.0.1", help="the address to listen on")
    parser.add_argument(
        "--db", required=True, help="the service's SQLite file, or a postgresql:// URL"
    )
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--open-codes", action="store_true", help="any unseen code exists")
    parser.add_argument("--rate", type=float, default=50.0, help="requests a second a caller")
    parser.add_argument("--workers", type=int, default=1, help="processes (PostgreSQL only)")
    parser.add_argument(
        "--now", type=datetime.fromisoformat, help="a fixed time for the service (tests)"
    )
    parser.add_argument("--tls-cert", type=Path, help="certificate file, to serve HTTPS")
    parser.add_argument("--tls-key", type=Path, help="its private key file")
    args = parser.parse_args(argv)
    tls = (args.tls_cert, args.tls_key) if args.tls_cert and args.tls_key else None
    clock = _utc_now if args.now is None else (lambda: args.now)
    if args.workers > 1:
        return _serve_workers(args, tls)
    server = ReferenceServer(
        args.db, seed=args.seed, open_codes=args.open_codes, port=args.port, host=args.host,
        rate_per_second=args.rate, tls=tls, clock=clock,
    )  # fmt: skip
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


def _serve_workers(args: argparse.Namespace, tls: tuple[Path, Path] | None) -> int:
    """Several worker processes on one socket, each with its own pool of connections."""
    if not str(args.db).startswith(("postgresql://", "postgres://")):
        print(
            "Plusieurs processus demandent une base PostgreSQL : donnez son adresse postgresql://…"
        )
        return 2
    ServerStore(  # the schema, made once before the workers start
        args.db, seed=args.seed, open_codes=args.open_codes, seasons=load_seasons(),
        clock=_utc_now, rate_per_second=args.rate,
    ).close()  # fmt: skip
    os.environ.update({
        _ENV + "DATABASE": str(args.db), _ENV + "SEED": str(args.seed),
        _ENV + "OPEN_CODES": "1" if args.open_codes else "0", _ENV + "RATE": str(args.rate),
        _ENV + "NOW": args.now.isoformat() if args.now else "",
    })  # fmt: skip
    raise_open_files_limit()
    tls_settings = {}
    if tls is not None:
        tls_settings = {"ssl_certfile": str(tls[0]), "ssl_keyfile": str(tls[1])}
    config = _uvicorn_config(
        "sync.server:worker_app", factory=True, workers=args.workers, **tls_settings
    )
    listener = listen(args.host, args.port)
    host, port = listener.getsockname()[:2]
    scheme = "https" if tls else "http"
    print(f"Service : {scheme}://{host}:{port} ({args.workers} processus)", flush=True)
    with contextlib.suppress(KeyboardInterrupt):
        Multiprocess(config, sockets=[listener]).run()  # starts again a worker that dies
    return 0


if __name__ == "__main__":
    sys.exit(main())
