"""The client of the national redemption API (docs/api/openapi.yaml), over httpx.

It works against any server that honours the contract and knows nothing of the
reference server. Every failure becomes one of a few typed errors, so that the
sync engine can decide: wait and retry, stop and ask to enrol again, or give up on
one item.
"""

import ssl
from dataclasses import dataclass
from datetime import datetime
from email.utils import parsedate_to_datetime
from typing import TYPE_CHECKING

from app.errors import KnownError

if TYPE_CHECKING:  # httpx loads in 0.1 s: only when the program first talks to the service
    import httpx

CONNECT_TIMEOUT_S = 5.0
READ_TIMEOUT_S = 15.0
BATCH_MAX = 100


class ApiError(KnownError):
    """Base of the client's errors; ``reason`` is a code for ``ui/texts.py``."""


class Unauthorized(ApiError):
    """The token is unknown or revoked (401): the device must be enrolled again."""


class RetryLater(ApiError):
    """Busy (429), unavailable (5xx), or the network failed: try again later."""

    def __init__(self, reason: str, retry_after: float | None = None) -> None:
        super().__init__(reason, retry_after=retry_after)
        self.retry_after = retry_after


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


def _retry_after(response: "httpx.Response") -> float | None:
    value = response.headers.get("Retry-After")
    if value is None:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        try:
            moment = parsedate_to_datetime(value)
        except (TypeError, ValueError):
            return None
        return max(0.0, (moment - datetime.now(moment.tzinfo)).total_seconds())


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
            base_url=base_url.rstrip("/"),
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

    def _call(self, method: str, path: str, *, json: object = None, params=None) -> Answer:
        import httpx

        try:
            response = self._http.request(method, path, json=json, params=params)
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
        try:
            body = response.json()
        except ValueError:
            raise RetryLater("bad_answer") from None
        if status >= 400:
            raise Refused(
                str(body.get("type", "refused")) if isinstance(body, dict) else "", status
            )
        if not isinstance(body, dict):
            raise RetryLater("bad_answer")
        return Answer(body, _server_time(response, body))

    def enrol(self, enrolment_code: str, device_name: str) -> Enrolment:
        body = self._call(
            "POST",
            "/v1/devices",
            json={"enrolment_code": enrolment_code, "device_name": device_name},
        ).body
        try:
            return Enrolment(
                body["device_id"], body["token"], body["club"]["name"], body["club"]["siret"]
            )
        except (KeyError, TypeError):
            raise RetryLater("bad_answer") from None

    def club(self) -> dict:
        return self._call("GET", "/v1/club").body

    def seasons(self) -> list[dict]:
        return self._call("GET", "/v1/seasons").body.get("seasons", [])

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

    def changes(self, cursor: str | None, limit: int = 200) -> Answer:
        params = {"limit": limit}
        if cursor:
            params["cursor"] = cursor
        answer = self._call("GET", "/v1/redemptions", params=params)
        if not isinstance(answer.body.get("items"), list):
            raise RetryLater("bad_answer")
        return answer
