"""The forum: one laptop is the main desk, the others join it, one list for all.

The main desk runs the redemption service (:mod:`sync.service`) on the local network,
over TLS with a certificate it makes itself, with its store for one club
(:mod:`sync.forum_store`). Desks join it with a pairing code (:mod:`sync.pairing`), get a
device token of their own, and from then on send to it with the sync engine, as they
would to the national service: one contract, ``docs/api/openapi.yaml``, with two states
more (``awaiting_national``, ``refused``). The main desk's :class:`Forwarder` sends every
registration on to the national service whenever it has a connection, with the desk's own
idempotency key, and brings back what the national side decided.

Pairing, on the main desk's service (the desk cannot check the certificate yet; the
pairing code proves it, see :mod:`sync.pairing`)::

    POST /v1/forum/pairings                 {"desk_name", "receipt_prefix", "message"}
      -> 201 {"exchange_id", "message", "proof"}
    POST /v1/forum/pairings/{exchange_id}   {"proof"}
      -> 201 {"device_id", "token", "club", "receipt_prefix", "seasons", "main_desk"}

A refusal is a problem+json 403 whose type ends in ``pairing-<reason>``. Nothing here
logs names, birth dates or codes.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import logging
import os
import socket
import sqlite3
import ssl
import sys
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from app import backups
from app.errors import StoreError
from app.seasons import SeasonTable
from sync.client import ApiClient, ApiError, Refused, RetryLater
from sync.forum_store import ForumStore
from sync.pairing import (
    DeskPairing,
    HubPairing,
    PairingRefused,
    ShownCode,
    certificate_fingerprint,
)
from sync.server import ReferenceServer
from sync.server_store import Problem
from sync.service import Operation, Service

log = logging.getLogger("passsport.forum")

# Requests a second each desk may make: a desk of the forum is known and near, and its
# duplicate check must not wait behind its own sending (the national service allows 50).
RATE_PER_DESK = 200.0
PORT = 47820  # tried first, so that a main desk started again keeps its address
FORWARD_EVERY_S = 30.0  # the forwarder's pace when nothing wakes it
PAIRING_TIMEOUT_S = 10.0
LEAVE_TIMEOUT_S = 3.0  # leaving is told to the main desk when it answers within this
_PAIRING_TYPE = "urn:passsport:problem:pairing-"


def _utc_now() -> datetime:
    return datetime.now(UTC)


# -- the main desk's certificate ------------------------------------------------------------


def hub_certificate(folder: Path, club_name: str) -> tuple[Path, Path]:
    """The main desk's certificate and key in ``folder``, made on first use and kept, so
    that the desks that pinned it still trust the main desk after a restart. The key is
    readable by its owner only."""
    cert_path, key_path = folder / "certificate.pem", folder / "key.pem"
    if cert_path.exists() and key_path.exists():
        return cert_path, key_path
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    folder.mkdir(parents=True, exist_ok=True)
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([
        x509.NameAttribute(NameOID.COMMON_NAME, "pass'Sport Club, poste principal"),
        x509.NameAttribute(NameOID.ORGANIZATION_NAME, club_name[:64] or "club"),
    ])  # fmt: skip
    now = datetime.now(UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=5 * 365))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.SubjectAlternativeName([x509.DNSName("passsport-club.invalid")]), critical=False
        )
        .sign(key, hashes.SHA256())
    )
    key_bytes = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    descriptor = os.open(key_path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "wb") as out:
        out.write(key_bytes)
    cert_path.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    return cert_path, key_path


def pinned_context(certificate_pem: str) -> ssl.SSLContext:
    """TLS that trusts this one certificate and nothing else. Its name is not checked:
    the main desk is reached by whatever address the venue's network gave it."""
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    context.check_hostname = False
    context.verify_mode = ssl.CERT_REQUIRED
    context.load_verify_locations(cadata=certificate_pem)
    return context


def _der_to_pem(der: bytes) -> str:
    return ssl.DER_cert_to_PEM_cert(der)


def pem_fingerprint(certificate_pem: str) -> str:
    return certificate_fingerprint(ssl.PEM_cert_to_DER_cert(certificate_pem))


# -- the main desk's service ----------------------------------------------------------------


class ForumService(Service):
    """The redemption service, and pairing. ``on_record`` is told of each batch."""

    def __init__(
        self,
        store: ForumStore,
        seasons: SeasonTable,
        *,
        pairing: HubPairing,
        main_desk: dict[str, str],
        on_record: Callable[[], None],
        **options: Any,
    ) -> None:
        self._pairing, self._main_desk, self._on_record = pairing, main_desk, on_record
        super().__init__(store, seasons, **options)

    def operations(self) -> dict[str, Operation]:
        return super().operations() | {
            "/v1/forum/pairings": Operation("POST", self._pair_start),
            "/v1/forum/pairings/{exchange_id}": Operation("POST", self._pair_finish),
            "/v1/forum/registrations": Operation("GET", self._search),
            "/v1/forum/desk-report": Operation("POST", self._report),
            "/v1/forum/conflicts": Operation("GET", self._conflicts),
            "/v1/forum/leave": Operation("POST", self._leave),
        }

    async def _search(self, request: Request) -> Response:
        await self._device(request)
        text = request.query_params.get("q", "")
        if len(text) > 100 or not text.isprintable():
            raise Problem(400, "bad-request", "Invalid search", "q: up to 100 characters")
        return self._answer({"items": await self._work(self.store.search, text)})

    async def _conflicts(self, request: Request) -> Response:
        """The codes recorded at two desks, for every desk to show (no names: each desk
        has its own registration's)."""
        await self._device(request)
        conflicts = await self._work(self.store.conflicts)
        keep = ("code", "device_id", "desk", "recorded_at", "kept_device", "kept_desk",
                "kept_recorded_at", "seen_at")  # fmt: skip
        return self._answer({"items": [{k: c[k] for k in keep} for c in conflicts]})

    async def _leave(self, request: Request) -> Response:
        """A desk leaves the forum (or was of another club): its token is withdrawn, what
        it sent stays and is forwarded as before."""
        device = await self._device(request)
        await self._work(self.store.revoke_device, device.device_id)
        log.info("a desk left the forum")
        return Response(status_code=204)

    async def _report(self, request: Request) -> Response:
        device = await self._device(request)
        payload = await self._json(request, None)
        if not _valid_report(payload):
            raise Problem(400, "bad-request", "Invalid report")
        await self._work(self.store.save_report, device, payload)
        return Response(status_code=204)

    async def _pair_start(self, request: Request) -> Response:
        await self._limit(f"pairing:{request.client.host if request.client else ''}")
        payload = await self._json(request, None)
        name, prefix = payload.get("desk_name"), payload.get("receipt_prefix")
        if not isinstance(name, str) or not name.strip() or len(name) > 60:
            raise Problem(400, "bad-request", "Invalid pairing", "desk_name: 1 to 60")
        if not isinstance(prefix, str | None):
            raise Problem(400, "bad-request", "Invalid pairing", "receipt_prefix: text")
        try:
            answer = self._pairing.start(" ".join(name.split()), prefix, payload.get("message"))
        except PairingRefused as refused:
            raise _pairing_problem(refused) from None
        return self._answer(answer, 201)

    async def _pair_finish(self, request: Request) -> Response:
        await self._limit(f"pairing:{request.client.host if request.client else ''}")
        payload = await self._json(request, None)
        try:
            name, prefix = self._pairing.finish(
                request.path_params["exchange_id"], payload.get("proof")
            )
        except PairingRefused as refused:
            raise _pairing_problem(refused) from None
        joined = await self._work(self.store.add_device, name, prefix)
        log.info("a desk joined the forum")
        body = joined | {"seasons": self.seasons.to_document(), "main_desk": self._main_desk}
        return self._answer(body, 201)

    async def _batch(self, request: Request) -> Response:
        answer = await super()._batch(request)
        self._on_record()
        return answer


def _valid_report(report: Any) -> bool:
    """A desk report: two counts and at most 1,000 cheques of short text fields."""
    counts = ("pending", "to_check")
    if not all(isinstance(report.get(name), int) and report[name] >= 0 for name in counts):
        return False
    cheques = report.get("cheques")
    if not isinstance(cheques, list) or len(cheques) > 1000:
        return False
    texts = ("receipt_no", "last_name", "first_name", "number", "bank")
    return all(
        isinstance(cheque, dict)
        and all(isinstance(cheque.get(n), str) and len(cheque[n]) <= 60 for n in texts)
        and isinstance(cheque.get("cents"), int)
        for cheque in cheques
    )


def _pairing_problem(refused: PairingRefused) -> Problem:
    return Problem(403, f"pairing-{refused.reason}", "Pairing refused")


# -- forwarding to the national service ----------------------------------------------------


@dataclass(frozen=True)
class ForwardStatus:
    """``state``: ``idle`` (nothing waits), ``waiting`` (no connection yet), ``no_account``
    (this club has no national account on the main desk), ``sending``."""

    state: str
    waiting: int = 0
    last_sent_at: datetime | None = None


class Forwarder:
    """Sends the forum's registrations on to the national service, in a background
    thread: every :data:`FORWARD_EVERY_S`, and at once when :meth:`wake` is called."""

    def __init__(
        self,
        store: ForumStore,
        national: Callable[[], ApiClient | None],
        *,
        on_status: Callable[[ForwardStatus], None] = lambda status: None,
        clock: Callable[[], datetime] = _utc_now,
        every_s: float = FORWARD_EVERY_S,
    ) -> None:
        self._store, self._national, self._on_status = store, national, on_status
        self._clock, self._every = clock, every_s
        self._wake, self._stopping = threading.Event(), threading.Event()
        self._thread: threading.Thread | None = None
        self._last_sent: datetime | None = None
        self.status = ForwardStatus("idle")

    def start(self) -> None:
        if self._thread is None:
            self._stopping.clear()
            self._thread = threading.Thread(target=self._run, name="forum-forwarder", daemon=True)
            self._thread.start()

    def stop(self) -> None:
        if self._thread is not None:
            self._stopping.set()
            self._wake.set()
            self._thread.join()
            self._thread = None

    def wake(self) -> None:
        self._wake.set()

    def _run(self) -> None:
        while not self._stopping.is_set():
            self._wake.clear()
            try:
                self.run_once()
            except Exception:  # a bug must not end the forwarding of a forum day
                log.exception("forwarding bug")
            self._wake.wait(self._every)

    def run_once(self) -> ForwardStatus:
        """One pass: registrations, cancellations, then the national changes."""
        client = self._national()
        if client is None:
            return self._publish("no_account")
        try:
            with client:
                self._publish("sending")
                self._send(client)
                self._send_cancels(client)
                self._pull(client)
            self._last_sent = self._clock()
            return self._publish("idle")
        except (RetryLater, ApiError) as failed:
            log.info("forwarding stopped: %s", getattr(failed, "reason", failed))
            return self._publish("waiting")

    def _send(self, client: ApiClient) -> None:
        while batch := self._store.to_forward(100):
            items = [
                {
                    "idempotency_key": row["idempotency_key"] or row["redemption_id"],
                    "code": row["code"],
                    "young_person": {
                        "last_name": row["last_name"],
                        "first_name": row["first_name"],
                        "birth_date": row["birth_date"],
                    },
                    **({"recorded_at": row["recorded_at"]} if row["recorded_at"] else {}),
                }
                for row in batch
            ]
            answer = client.redeem_batch(items)
            results = answer.body["results"]
            by_key = {r.get("idempotency_key"): r for r in results if isinstance(r, dict)}
            answered = [
                (row["redemption_id"], by_key[item["idempotency_key"]])
                for row, item in zip(batch, items, strict=True)
                if item["idempotency_key"] in by_key
            ]
            if self._store.record_national(answered) == 0:
                return  # nothing moved: try again at the next pass, not in a loop

    def _send_cancels(self, client: ApiClient) -> None:
        for row in self._store.cancels_to_forward():
            # Not found or already paid: the national changes say what holds.
            with contextlib.suppress(Refused):
                client.cancel(row["national_id"], row["cancel_reason"] or "")
            self._store.cancel_forwarded(row["redemption_id"])

    def _pull(self, client: ApiClient) -> None:
        cursor = self._store.national_cursor()
        while True:
            body = client.changes(cursor or None, 500).body
            cursor = str(body.get("next_cursor") or cursor)
            self._store.apply_national(body["items"], cursor)
            if not body.get("has_more"):
                return

    def _publish(self, state: str) -> ForwardStatus:
        self.status = ForwardStatus(state, self._store.waiting_count(), self._last_sent)
        self._on_status(self.status)
        return self.status


# -- the main desk ----------------------------------------------------------------------


def local_addresses() -> list[str]:
    """This computer's IPv4 addresses on its networks, loopback and link-local left out:
    what a volunteer types on a desk where the network hides the main desk."""
    import ifaddr

    found = []
    for adapter in ifaddr.get_adapters():
        for ip in adapter.ips:
            if isinstance(ip.ip, str) and not ip.ip.startswith(("127.", "169.254.")):
                found.append(ip.ip)
    return sorted(set(found))


def _kept_key(folder: Path) -> bytes:
    """The sealing key of a main desk that has no vault (``passsport-club hub``): kept in
    its folder, readable by its owner only. The program's main desk derives its key from
    the club's vault instead, and keeps none on disk."""
    path = folder / "seal.key"
    with contextlib.suppress(OSError):
        key = path.read_bytes()
        if len(key) == 32:
            return key
    key = os.urandom(32)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "wb") as out:
        out.write(key)
    return key


def _free_port(host: str, wanted: int) -> int:
    """``wanted`` if nothing listens there, else 0 (any)."""
    with contextlib.closing(socket.socket(socket.AF_INET, socket.SOCK_STREAM)) as probe:
        if sys.platform != "win32":  # as the service's own listen(): a connection left
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # closing is no one
        try:
            probe.bind((host, wanted))
        except OSError:
            return 0
    return wanted


class Hub:
    """The forum's main desk in ``folder``: its service on the local network, pairing,
    the forwarder. ``club``: ``siret``, ``rna``, ``name``. ``national`` gives a client of
    the club's national account, or None when there is none."""

    def __init__(
        self,
        folder: Path,
        club: dict[str, str],
        seasons: SeasonTable,
        *,
        opened_by: str,
        national: Callable[[], ApiClient | None] = lambda: None,
        host: str = "0.0.0.0",
        port: int | None = None,
        clock: Callable[[], datetime] = _utc_now,
        forward_every_s: float = FORWARD_EVERY_S,
        on_forward: Callable[[ForwardStatus], None] = lambda status: None,
        seal_key: bytes | None = None,
    ) -> None:
        self.folder, self.club, self.opened_by = folder, club, opened_by
        self.database = folder / "forum.sqlite3"  # the forum's registrations (its backup too)
        folder.mkdir(parents=True, exist_ok=True)
        if seal_key is None:
            seal_key = _kept_key(folder)
        cert, key = hub_certificate(folder, club["name"])
        self.certificate_pem = cert.read_text()
        self.fingerprint = pem_fingerprint(self.certificate_pem)
        self.pairing = HubPairing(self.fingerprint, clock)
        settings = self._settings()
        if port is None:
            port = _free_port(host, int(settings.get("port", PORT)))
        main_desk = {"club": club["name"], "opened_by": opened_by}
        self._forward: Forwarder | None = None
        self.server = ReferenceServer(
            self.database, host=host, port=port, clock=clock, seasons=seasons,
            tls=(cert, key), store_class=ForumStore, club=club, seal_key=seal_key,
            rate_per_second=RATE_PER_DESK, burst=2 * int(RATE_PER_DESK),
            service=lambda store, seasons, **options: ForumService(
                store, seasons, pairing=self.pairing, main_desk=main_desk,
                on_record=self._recorded, **options,
            ),
        )  # fmt: skip
        self.store: ForumStore = self.server.store  # type: ignore[assignment]
        self._forward = Forwarder(
            self.store, national, clock=clock, every_s=forward_every_s, on_status=on_forward
        )

    def _settings(self) -> dict[str, Any]:
        try:
            return json.loads((self.folder / "hub.json").read_text())
        except (OSError, ValueError):
            return {}

    def _recorded(self) -> None:
        if self._forward is not None:
            self._forward.wake()

    @property
    def forwarder(self) -> Forwarder:
        assert self._forward is not None
        return self._forward

    def start(self) -> str:
        url = self.server.start()
        port = int(url.rsplit(":", 1)[1])
        (self.folder / "hub.json").write_text(json.dumps({"port": port}))
        self.forwarder.start()
        return url

    def stop(self) -> None:
        self.forwarder.stop()
        self.pairing.withdraw()
        self.server.stop()

    def __enter__(self) -> Hub:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def port(self) -> int:
        return int(self.server.url.rsplit(":", 1)[1])

    @property
    def local_url(self) -> str:
        """The address this computer reaches its own main desk at."""
        return f"https://127.0.0.1:{self.port}"

    def new_code(self) -> ShownCode:
        return self.pairing.new_code()

    def devices(self) -> list[dict[str, Any]]:
        return self.store.devices()

    def backup(self, folder: Path, now: datetime) -> backups.Backup | None:
        """A checked copy of the forum's file in ``folder`` (the closing backup), read
        while the main desk serves; None before the file exists."""
        if not self.database.exists():
            return None
        try:
            source = sqlite3.connect(f"{self.database.absolute().as_uri()}?mode=ro", uri=True)
        except sqlite3.Error as error:
            raise StoreError("unreadable") from error
        try:
            return backups.make_backup(source, folder, "forum", now)
        finally:
            source.close()

    def revoke(self, device_id: str) -> None:
        """ "Retirer ce poste": its token no longer works here."""
        self.store.revoke_device(device_id)

    def own_desk(self, receipt_prefix: str | None = None, name: str = "poste principal") -> Joined:
        """The main desk's own desk: it sends to its service as every desk does."""
        joined = self.store.add_device(name, receipt_prefix)
        return Joined(
            url=self.local_url, certificate_pem=self.certificate_pem,
            device_id=joined["device_id"], token=joined["token"], club=joined["club"],
            receipt_prefix=joined["receipt_prefix"], seasons=self.server.seasons.to_document(),
            main_desk={"club": self.club["name"], "opened_by": self.opened_by},
        )  # fmt: skip


# -- joining -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Joined:
    """What a desk keeps of the main desk it joined."""

    url: str
    certificate_pem: str
    device_id: str
    token: str
    club: dict[str, str]
    receipt_prefix: str  # this desk's receipt numbers start with it, unique at the forum
    seasons: dict[str, Any]
    main_desk: dict[str, str]


def hub_address(typed: str) -> str:
    """``192.168.1.20:47820`` (or a whole https:// address) as a base URL; ValueError if
    it is not an address."""
    text = typed.strip()
    if not text:
        raise ValueError("empty")
    if "://" not in text:
        text = "https://" + text
    if not text.startswith("https://"):
        raise ValueError("not https")
    host_port = text[len("https://") :].rstrip("/")
    if not host_port or "/" in host_port or " " in host_port:
        raise ValueError("not an address")
    if ":" not in host_port.rsplit("]", 1)[-1]:
        host_port += f":{PORT}"
    return "https://" + host_port


def join_hub(
    address: str, typed_code: str, desk_name: str, receipt_prefix: str | None = None
) -> Joined:
    """Join the main desk at ``address`` with the code it shows. PairingRefused if the
    code is wrong, expired or locked, or if the main desk is not the one that showed it
    (another certificate); RetryLater if it cannot be reached. Network: call it off the
    interface thread."""
    import httpx

    pairing = DeskPairing(typed_code)
    unverified = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    unverified.check_hostname = False
    unverified.verify_mode = ssl.CERT_NONE  # the pairing code checks it, below
    try:
        base = hub_address(address)
    except ValueError:
        raise RetryLater("bad_address") from None
    name = " ".join(desk_name.split())[:60] or "poste"
    with httpx.Client(base_url=base, verify=unverified, timeout=PAIRING_TIMEOUT_S) as http:
        request = {"desk_name": name, "receipt_prefix": receipt_prefix, "message": pairing.message}
        first, der = _pairing_call(http, "/v1/forum/pairings", request)
        fingerprint = certificate_fingerprint(der)
        proof = pairing.answer(first, fingerprint)
        path = f"/v1/forum/pairings/{first['exchange_id']}"
        body, again = _pairing_call(http, path, {"proof": proof})
        if certificate_fingerprint(again) != fingerprint:
            raise PairingRefused("wrong_code")
    try:
        return Joined(
            url=base, certificate_pem=_der_to_pem(der), device_id=str(body["device_id"]),
            token=str(body["token"]), club=dict(body["club"]),
            receipt_prefix=str(body["receipt_prefix"]), seasons=dict(body["seasons"]),
            main_desk=dict(body.get("main_desk") or {}),
        )  # fmt: skip
    except (KeyError, TypeError, ValueError):
        raise RetryLater("bad_answer") from None


def leave_hub(url: str, certificate_pem: str, token: str) -> None:
    """Tell the main desk at ``url`` that this desk leaves it, or will not stay (another
    club's): its token is withdrawn there. ApiError when it cannot be told."""
    import httpx

    timeout = httpx.Timeout(LEAVE_TIMEOUT_S, connect=LEAVE_TIMEOUT_S)
    with ApiClient(url, token, verify=pinned_context(certificate_pem), timeout=timeout) as client:
        client.forum_leave()


def _pairing_call(http: Any, path: str, body: dict[str, Any]) -> tuple[dict[str, Any], bytes]:
    """The answer's JSON object and the certificate the connection carried it over, read
    while it is open (a peer may close it as soon as it has answered)."""
    import httpx

    try:
        with http.stream("POST", path, json=body) as response:
            ssl_object = response.extensions["network_stream"].get_extra_info("ssl_object")
            der = ssl_object.getpeercert(True) if ssl_object is not None else None
            response.read()
    except httpx.TimeoutException:
        raise RetryLater("timeout") from None
    except httpx.TransportError:
        raise RetryLater("unreachable") from None
    answer = _json_or_empty(response)
    if response.status_code == 403:
        kind = str(answer.get("type", ""))
        reason = kind[len(_PAIRING_TYPE) :] if kind.startswith(_PAIRING_TYPE) else "wrong_code"
        raise PairingRefused(reason)
    if response.status_code == 429:
        raise PairingRefused("locked")
    if response.status_code != 201 or not answer or not der:
        raise RetryLater("bad_answer")
    return answer, der


def _json_or_empty(response: Any) -> dict[str, Any]:
    try:
        body = response.json()
    except ValueError:
        return {}
    return body if isinstance(body, dict) else {}
