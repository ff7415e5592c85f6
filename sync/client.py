"""The client of the national redemption API (docs/api/openapi.yaml), over httpx.

It works against any server that honours the contract and knows nothing of the
reference server. Every failure becomes one of a few typed errors, so that the
sync engine can decide: wait and retry, stop and ask to enrol again, or give up on
one item.
"""

import ipaddress
import re
import ssl
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import TYPE_CHECKING

from app.errors import KnownError

if TYPE_CHECKING:  # httpx loads in 0.1 s: only when the program first talks to the service
    import httpx

CONNECT_TIMEOUT_S = 5.0
READ_TIMEOUT_S = 15.0
BATCH_MAX = 100
ENROL_ATTEMPTS = 3  # an enrolment whose answer was lost is asked again, at once
RETRY_AFTER_MAX_S = 86400.0  # a longer wish is read as a day; the engine caps it lower


class ApiError(KnownError):
    """Base of the client's errors; ``reason`` is a code for ``ui/texts/national.py``."""


class Unauthorized(ApiError):
    """The token is unknown or revoked (401): the device must be enrolled again."""


class RetryLater(ApiError):
    """Busy (429), unavailable (5xx), or the network failed: try again later."""

    def __init__(self, reason: str, retry_after: float | None = None) -> None:
        super().__init__(reason, retry_after=retry_after)
        self.retry_after = retry_after


class BadAddress(ApiError):
    """The national service's address is not one the program may talk to; ``reason`` says
    why: ``empty``, ``not_https``, ``userinfo``, ``bad_port``, ``bad_address``."""


class CertificateRefused(ApiError):
    """The server's certificate was refused: nothing is sent."""


class Refused(ApiError):
    """The server refused the request itself (4xx other than 401 and 429)."""

    def __init__(self, reason: str, status: int) -> None:
        super().__init__(reason, status=status)
        self.status = status


@dataclass(frozen=True)
class Enrolment:
    device_id: str
    token: str
    club_name: str
    club_siret: str


@dataclass(frozen=True)
class Answer:
    """A decoded JSON body with the server's clock, to measure the laptop's clock drift."""

    body: dict
    server_time: datetime | None


def system_trust() -> ssl.SSLContext:
    """Certificates checked against the operating system's own trust store (Windows,
    macOS, Linux), as a browser does; never switched off."""
    import truststore

    return truststore.SSLContext(ssl.PROTOCOL_TLS_CLIENT)


_HOST_NAME = re.compile(r"[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*")
_PATH = re.compile(r"[A-Za-z0-9._~!$&'()*+,;=:@%/-]*")


def api_address(text: str) -> str:
    """The national service's address, checked, in the one form the client uses.

    ``https://`` for any host. Plain ``http://`` only to this computer itself: the host
    written as ``localhost``, an address of 127.0.0.0/8 or ``[::1]`` (the reference server
    of training and tests), where nothing crosses a network. So ``http://127.0.0.2:8765``
    is accepted (it is this computer too), ``http://localhost.example.org`` is not. No user
    name before an ``@`` (``http://127.0.0.1@evil.example`` goes to evil.example), a port
    from 1 to 65535, no query, no fragment, nothing but plain ASCII. The address is rebuilt
    from the parts checked, so that no other parser can read it another way. Raises
    :class:`BadAddress`."""
    text = text.strip()
    if not text:
        raise BadAddress("empty")
    if not text.isascii() or any(c.isspace() or c in "\\?#" for c in text):
        raise BadAddress("bad_address")
    scheme, sep, rest = text.partition("://")
    scheme = scheme.lower()
    if not sep or scheme not in ("http", "https"):
        raise BadAddress("not_https")
    authority, _, path = rest.partition("/")
    if "@" in authority:
        raise BadAddress("userinfo")
    if authority.startswith("["):
        inside, closed, after = authority[1:].partition("]")
        if not closed or (after and not after.startswith(":")):
            raise BadAddress("bad_address")
        try:
            ip = ipaddress.IPv6Address(inside)
        except ValueError:
            raise BadAddress("bad_address") from None
        host, port = f"[{ip.compressed}]", after[1:] if after else None
        local = (ip.ipv4_mapped or ip).is_loopback  # ::ffff:127.0.0.1 is 127.0.0.1
    else:
        host, colon, port = authority.partition(":")
        host, port = host.lower(), port if colon else None
        if not _HOST_NAME.fullmatch(host):
            raise BadAddress("bad_address")
        local = host == "localhost" or _loopback_ipv4(host)
    if port is not None:
        if not (port.isdigit() and len(port) <= 5 and 1 <= int(port) <= 65535):
            raise BadAddress("bad_port")
        host += f":{int(port)}"
    if not _PATH.fullmatch(path):
        raise BadAddress("bad_address")
    if scheme == "http" and not local:
        raise BadAddress("not_https")
    return f"{scheme}://{host}/{path}".rstrip("/")


def _loopback_ipv4(host: str) -> bool:
    """Written as an address of 127.0.0.0/8, in the one dotted form (not ``127.1``)."""
    try:
        return ipaddress.IPv4Address(host).is_loopback
    except ValueError:
        return False


def _retry_after(response: "httpx.Response") -> float | None:
    """The server's ``Retry-After`` in seconds (RFC 9110: whole seconds or an HTTP date),
    between 0 and a day; None when absent or unreadable (the engine's own backoff then)."""
    value = (response.headers.get("Retry-After") or "").strip()
    if not value:
        return None
    if value.isascii() and value.isdigit():
        seconds = float(value)  # inf for absurdly long digit strings: capped below
    else:
        try:
            moment = parsedate_to_datetime(value)
        except (TypeError, ValueError, OverflowError):
            return None
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=UTC)  # "-0000": the time is UTC, the zone unsaid
        seconds = (moment - datetime.now(UTC)).total_seconds()
    return min(max(0.0, seconds), RETRY_AFTER_MAX_S)


def _server_time(response: "httpx.Response", body: object) -> datetime | None:
    if isinstance(body, dict) and isinstance(body.get("server_time"), str):
        try:
            return datetime.fromisoformat(body["server_time"])
        except ValueError:
            pass
    header = response.headers.get("Date")
    try:
        return parsedate_to_datetime(header) if header else None
    except (TypeError, ValueError):
        return None


class ApiClient:
    def __init__(
        self,
        base_url: str,
        token: str | None = None,
        transport: "httpx.BaseTransport | None" = None,
        verify: ssl.SSLContext | None = None,
        timeout: "httpx.Timeout | None" = None,
    ) -> None:
        import httpx

        headers = {"Accept": "application/json", "User-Agent": "passsport-club"}
        if token:
            headers["Authorization"] = f"Bearer {token}"
        self._http = httpx.Client(
            base_url=api_address(base_url),
            headers=headers,
            timeout=timeout or httpx.Timeout(READ_TIMEOUT_S, connect=CONNECT_TIMEOUT_S),
            transport=transport,
            verify=verify or system_trust(),
            follow_redirects=False,
        )

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> "ApiClient":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _call(
        self,
        method: str,
        path: str,
        *,
        json: object = None,
        params=None,
        headers=None,
        empty: bool = False,
    ) -> Answer:
        import httpx

        try:
            response = self._http.request(method, path, json=json, params=params, headers=headers)
        except httpx.ConnectError as exc:
            if isinstance(exc.__cause__, ssl.SSLCertVerificationError) or "CERTIFICATE" in str(exc):
                raise CertificateRefused("certificate_refused") from None
            raise RetryLater("unreachable") from None
        except httpx.TimeoutException:
            raise RetryLater("timeout") from None
        except httpx.TransportError:
            raise RetryLater("connection_lost") from None
        status = response.status_code
        if status == 401:
            raise Unauthorized("unauthorized")
        if status == 429:
            raise RetryLater("busy", _retry_after(response))
        if status >= 500:
            raise RetryLater("server_error", _retry_after(response))
        if empty and status == 204:
            return Answer({}, _server_time(response, {}))
        try:
            body = response.json()
        except ValueError:
            body = None  # a refusal may come from a proxy before the service, as a web page
        if status >= 400:
            raise Refused(
                str(body.get("type", "refused")) if isinstance(body, dict) else "refused", status
            )
        if not isinstance(body, dict):
            raise RetryLater("bad_answer")
        return Answer(body, _server_time(response, body))

    def enrol(self, enrolment_code: str, device_name: str) -> Enrolment:
        """Enrol this device. An answer lost on the way is asked for again with the same
        Idempotency-Key: the service gives the same device (a single-use code is not spent
        twice), with a new token."""
        request = {"enrolment_code": enrolment_code, "device_name": device_name}
        headers = {"Idempotency-Key": str(uuid.uuid4())}
        for attempt in range(ENROL_ATTEMPTS):
            try:
                body = self._call("POST", "/v1/devices", json=request, headers=headers).body
                break
            except RetryLater as lost:
                if (
                    lost.reason not in ("connection_lost", "timeout")
                    or attempt == ENROL_ATTEMPTS - 1
                ):
                    raise
        try:
            return Enrolment(
                body["device_id"], body["token"], body["club"]["name"], body["club"]["siret"]
            )
        except (KeyError, TypeError):
            raise RetryLater("bad_answer") from None

    def club(self) -> dict:
        return self._call("GET", "/v1/club").body

    def seasons(self) -> dict:
        """The national season table, as the whole document (``format``, ``published``,
        ``timezone``, ``seasons``): app/seasons.py checks it."""
        answer = self._call("GET", "/v1/seasons")
        if not isinstance(answer.body.get("seasons"), list):
            raise RetryLater("bad_answer")
        return answer.body

    def check_code(self, code: str) -> dict:
        return self._call("POST", "/v1/codes:check", json={"code": code}).body

    def redeem_batch(self, items: list[dict]) -> Answer:
        if not 1 <= len(items) <= BATCH_MAX:
            raise ValueError("a batch holds 1 to 100 items")
        answer = self._call("POST", "/v1/redemptions:batch", json={"items": items})
        if not isinstance(answer.body.get("results"), list):
            raise RetryLater("bad_answer")
        return answer

    def cancel(self, redemption_id: str, reason: str = "") -> Answer:
        return self._call(
            "POST", f"/v1/redemptions/{redemption_id}/cancel", json={"reason": reason[:200]}
        )

    def forum_search(self, text: str) -> list[dict]:
        """The registrations of the whole forum matching ``text`` (a main desk only)."""
        items = self._call("GET", "/v1/forum/registrations", params={"q": text}).body.get("items")
        if not isinstance(items, list):
            raise RetryLater("bad_answer")
        return [item for item in items if isinstance(item, dict)]

    def forum_conflicts(self) -> list[dict]:
        """The codes recorded at two desks of the forum (a main desk only)."""
        items = self._call("GET", "/v1/forum/conflicts").body.get("items")
        if not isinstance(items, list):
            raise RetryLater("bad_answer")
        return [item for item in items if isinstance(item, dict)]

    def forum_leave(self) -> None:
        """Tell the main desk this desk leaves: its token stops working there."""
        self._call("POST", "/v1/forum/leave", empty=True)

    def forum_report(self, report: dict) -> None:
        """Tell the main desk what this desk holds (its closing summary)."""
        self._call("POST", "/v1/forum/desk-report", json=report, empty=True)

    def changes(self, cursor: str | None, limit: int = 200) -> Answer:
        params = {"limit": limit}
        if cursor:
            params["cursor"] = cursor
        answer = self._call("GET", "/v1/redemptions", params=params)
        if not isinstance(answer.body.get("items"), list):
            raise RetryLater("bad_answer")
        return answer
