"""Pairing a desk with the forum's main desk: a short code, checked by SPAKE2.

The main desk shows a six-digit code for ten minutes. The joining desk reaches the main
desk over TLS before it can trust its certificate, so the code must prove two things at
once: that the desk talking is one the volunteer gave the code to, and that the main desk
answering is the one that showed it. SPAKE2 (the ``spake2`` package, the PAKE of
magic-wormhole) gives both sides one key only if they used the same code; neither a
listener nor a fake main desk learns anything that lets it try codes offline, so each
guess costs one exchange, and the main desk allows :data:`ATTEMPTS` of them per code.

Each side then proves it holds the key with an HMAC over the exchange and the SHA-256 of
the certificate it sees on the connection. A main desk behind another certificate (a
look-alike in the middle) cannot make the main desk's proof for the certificate the desk
sees, and the desk stops there; the desk's own proof is checked before any token is given.
One exchange serves once: a message replayed starts an exchange whose key the replayer
does not have, and a proof sent again finds its exchange gone.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from spake2 import SPAKE2_A, SPAKE2_B
from spake2.ed25519_basic import NotOnCurve
from spake2.spake2 import SPAKEError

from app.errors import KnownError

CODE_MINUTES = 10  # a pairing code is shown for this long
ATTEMPTS = 5  # exchanges a code allows that did not end in a joined desk
EXCHANGE_SECONDS = 60  # between the two messages of one exchange
_DESK, _HUB = b"passsport-club desk", b"passsport-club main desk"
_MESSAGE_BYTES = 33  # a side's letter and a point of Ed25519
# What spake2 raises for a message that is not a point of its group, or not of the other side.
_BAD_MESSAGE = (SPAKEError, ValueError, NotOnCurve)


class PairingRefused(KnownError):
    """``wrong_code`` (or a main desk that is not the one shown), ``expired``, ``locked``
    (too many wrong codes), ``no_code`` (none shown now), ``unknown_exchange``."""


def certificate_fingerprint(der: bytes) -> str:
    """The SHA-256 of a certificate in DER, in hex: what both sides bind their proofs to."""
    return hashlib.sha256(der).hexdigest()


def _proof(key: bytes, role: bytes, exchange_id: str, fingerprint: str, transcript: bytes) -> str:
    message = b"|".join((role, exchange_id.encode(), fingerprint.encode(), transcript))
    return base64.b64encode(hmac.digest(key, message, "sha256")).decode()


def _decode(text: object) -> bytes:
    if not isinstance(text, str) or len(text) > 200:
        raise PairingRefused("wrong_code")
    try:
        message = base64.b64decode(text, validate=True)
    except ValueError:
        raise PairingRefused("wrong_code") from None
    if len(message) != _MESSAGE_BYTES:
        raise PairingRefused("wrong_code")
    return message


def format_code(code: str) -> str:
    """``482913`` as shown and read aloud: ``482 913``."""
    return f"{code[:3]} {code[3:]}"


def normalise_code(typed: str) -> str:
    """The digits of what was typed (spaces, dashes and dots left out)."""
    return "".join(ch for ch in typed if ch.isdigit())


@dataclass
class _Exchange:
    key: bytes
    transcript: bytes
    desk_name: str
    receipt_prefix: str | None
    code: str
    started: datetime


@dataclass(frozen=True)
class ShownCode:
    code: str  # six digits
    expires_at: datetime


class HubPairing:
    """The main desk's side: the code shown, its attempts, the exchanges under way.
    Thread-safe (the service answers from a pool of threads)."""

    def __init__(self, fingerprint: str, clock: Callable[[], datetime]) -> None:
        self._fingerprint, self._clock = fingerprint, clock
        self._lock = threading.Lock()
        self._shown: ShownCode | None = None
        self._failures = 0
        self._exchanges: dict[str, _Exchange] = {}

    def new_code(self) -> ShownCode:
        """A new code for :data:`CODE_MINUTES`; the one shown before stops working."""
        with self._lock:
            code = f"{secrets.randbelow(10**6):06d}"
            self._shown = ShownCode(code, self._clock() + timedelta(minutes=CODE_MINUTES))
            self._failures = 0
            self._exchanges.clear()
            return self._shown

    def withdraw(self) -> None:
        with self._lock:
            self._shown, self._exchanges = None, {}

    @property
    def shown(self) -> ShownCode | None:
        """The code to show now, None once it expired, was used or locked."""
        with self._lock:
            return self._usable()

    def _usable(self) -> ShownCode | None:
        if self._shown is None or self._clock() >= self._shown.expires_at:
            return None
        return self._shown if self._failures < ATTEMPTS else None

    def _refusal(self) -> PairingRefused:
        if self._shown is None:
            return PairingRefused("no_code")
        if self._failures >= ATTEMPTS:
            return PairingRefused("locked")
        return PairingRefused("expired")

    def start(self, desk_name: str, receipt_prefix: str | None, message: object) -> dict[str, str]:
        """The first message of a desk: the main desk's message and its proof. Every
        exchange counts against the code until a desk is joined by it."""
        desk_message = _decode(message)
        with self._lock:
            shown = self._usable()
            if shown is None:
                raise self._refusal()
            self._failures += 1  # given back only by a desk's right proof
            now = self._clock()
            for stale in [k for k, e in self._exchanges.items() if _expired(e, now)]:
                del self._exchanges[stale]
            side = SPAKE2_B(shown.code.encode(), idA=_DESK, idB=_HUB)
            hub_message = side.start()
            try:
                key = side.finish(desk_message)
            except _BAD_MESSAGE:
                raise PairingRefused("wrong_code") from None
            exchange_id = secrets.token_urlsafe(16)
            transcript = desk_message + hub_message
            self._exchanges[exchange_id] = _Exchange(
                key, transcript, desk_name, receipt_prefix, shown.code, now
            )
        return {
            "exchange_id": exchange_id,
            "message": base64.b64encode(hub_message).decode(),
            "proof": _proof(key, _HUB, exchange_id, self._fingerprint, transcript),
        }

    def finish(self, exchange_id: object, proof: object) -> tuple[str, str | None]:
        """The desk's proof: the desk's name and receipt prefix if right (the code is then
        spent), else PairingRefused. An exchange serves once, right or wrong."""
        with self._lock:
            exchange = (
                self._exchanges.pop(exchange_id, None) if isinstance(exchange_id, str) else None
            )
            if exchange is None or _expired(exchange, self._clock()):
                raise PairingRefused("unknown_exchange")
            shown = self._usable()
            if shown is None or shown.code != exchange.code:
                raise self._refusal()
            expected = _proof(
                exchange.key, _DESK, exchange_id, self._fingerprint, exchange.transcript
            )
            if not isinstance(proof, str) or not hmac.compare_digest(proof, expected):
                raise PairingRefused("wrong_code")
            self._shown, self._exchanges = None, {}  # one desk per code
            self._failures = 0
            return exchange.desk_name, exchange.receipt_prefix


def _expired(exchange: _Exchange, now: datetime) -> bool:
    return now - exchange.started > timedelta(seconds=EXCHANGE_SECONDS)


class DeskPairing:
    """The joining desk's side of one exchange."""

    def __init__(self, typed_code: str) -> None:
        code = normalise_code(typed_code)
        if len(code) != 6:
            raise PairingRefused("wrong_code")
        self._side = SPAKE2_A(code.encode(), idA=_DESK, idB=_HUB)
        self._message = self._side.start()
        self._key: bytes | None = None

    @property
    def message(self) -> str:
        return base64.b64encode(self._message).decode()

    def answer(self, answer: dict, fingerprint: str) -> str:
        """The main desk's answer checked against the certificate this desk saw; the desk's
        own proof to send back. PairingRefused("wrong_code") if the code differs or the
        main desk is not the one that showed it."""
        hub_message = _decode(answer.get("message"))
        exchange_id = answer.get("exchange_id")
        if not isinstance(exchange_id, str):
            raise PairingRefused("wrong_code")
        try:
            key = self._side.finish(hub_message)
        except _BAD_MESSAGE:
            raise PairingRefused("wrong_code") from None
        transcript = self._message + hub_message
        expected = _proof(key, _HUB, exchange_id, fingerprint, transcript)
        if not isinstance(answer.get("proof"), str) or not hmac.compare_digest(
            answer["proof"], expected
        ):
            raise PairingRefused("wrong_code")
        return _proof(key, _DESK, exchange_id, fingerprint, transcript)
