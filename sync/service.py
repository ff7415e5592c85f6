"""The redemption API (``docs/api/openapi.yaml``) as an ASGI application, and its HTTP guard.

Built on Starlette: a small, well-kept toolkit (the base of FastAPI, by the authors of
uvicorn and httpx, which the program already uses) that gives routing, requests and
responses and nothing else. FastAPI would write the contract from the code; here the
contract is the one source: request bodies are checked against the schemas of
``docs/api/openapi.yaml`` itself (:class:`Contract`).

What an HTTP server on a volunteer's laptop, or a national pilot, must refuse is refused
before any work: a request that frames its body twice (``Content-Length`` and
``Transfer-Encoding``), a body over 1 MB, a wrong ``Content-Type``, a request that takes
longer than its deadline to arrive (:class:`GuardedProtocol`, below uvicorn's HTTP/1.1
parser), and more requests than a caller's share (a token bucket per verified device, or
per address before a device is known). Every refusal is RFC 9457 problem+json.

The work itself (:mod:`sync.server_store`) is blocking database code: it runs in a pool of
threads of bounded size, so a crowd of connections makes no more threads.
"""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import ipaddress
import json
import math
import re
import threading
from collections.abc import Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, fields
from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from typing import Any

import h11
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import ClientDisconnect, Request
from starlette.responses import Response
from starlette.routing import Route
from uvicorn.protocols.http.h11_impl import H11Protocol

from app.logs import get_logger
from app.seasons import SeasonTable
from sync.server_db import Unavailable
from sync.server_store import (
    CODE_RE,
    KEY_RE,
    MAX_BATCH,
    Device,
    Problem,
    ServerStore,
    stamp,
    text_ok,
)

log = get_logger("server")

MAX_BODY = 1_000_000
PULL_LIMIT, PULL_LIMIT_MAX = 200, 500
WORK_DEADLINE_S = 30.0  # a request whose work takes longer is answered 503
REQUESTS_MAX = 4000  # requests answered at once; beyond, 503 with Retry-After
SPEC = Path(__file__).resolve().parent.parent / "docs" / "api" / "openapi.yaml"
REALM = 'Bearer realm="passsport"'
_LIMIT_RE = re.compile(r"[0-9]{1,4}")
_JSON_TYPE = re.compile(r"application/(?:[\w.+-]+\+)?json\s*(?:;.*)?", re.IGNORECASE)
_FAULTS_LOCK = threading.RLock()
_TRANSPORT: contextvars.ContextVar[asyncio.Transport] = contextvars.ContextVar("transport")


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


class Contract:
    """The request schemas of ``docs/api/openapi.yaml``, as JSON Schema validators."""

    def __init__(self, spec_path: Path = SPEC) -> None:
        import yaml
        from jsonschema import Draft202012Validator, FormatChecker

        spec = yaml.safe_load(spec_path.read_text(encoding="utf-8"))
        checker = FormatChecker(("uuid", "date"))

        def validator(schema: dict) -> Any:
            return Draft202012Validator(schema, format_checker=checker)

        def body(path: str) -> Any:
            content = spec["paths"][path]["post"]["requestBody"]["content"]
            return validator(_inlined(content["application/json"]["schema"], spec))

        self.enrolment = body("/v1/devices")
        self.check = body("/v1/codes:check")
        self.cancel = body("/v1/redemptions/{redemption_id}/cancel")
        self.item = validator(_inlined({"$ref": "#/components/schemas/RedemptionItem"}, spec))
        self.version = spec["info"]["version"]

    @staticmethod
    def first_error(validator: Any, document: Any) -> str | None:
        """What is wrong with ``document``, named by place and rule, never by its value."""
        error = next(iter(sorted(validator.iter_errors(document), key=lambda e: e.path)), None)
        if error is None:
            return None
        parts = [str(part) for part in error.absolute_path]
        if error.validator == "required" and isinstance(error.instance, dict):
            parts.append(next(n for n in error.validator_value if n not in error.instance))
            return f"{'.'.join(parts)}: required"
        return f"{'.'.join(parts) or 'body'}: breaks the contract ({error.validator})"


def _inlined(schema: Any, spec: dict, depth: int = 0) -> Any:
    """``schema`` with each local ``$ref`` replaced by what it names, once, here: the
    validator then never looks a reference up (most of its time on a batch of items).
    A reference beside other keywords keeps them, through ``allOf``, as 2020-12 reads it."""
    if depth > 32:
        raise ValueError("the contract's schemas refer to each other in a loop")
    if isinstance(schema, list):
        return [_inlined(value, spec, depth) for value in schema]
    if not isinstance(schema, dict):
        return schema
    inner = {key: _inlined(value, spec, depth) for key, value in schema.items() if key != "$ref"}
    ref = schema.get("$ref")
    if not isinstance(ref, str) or not ref.startswith("#/"):
        return inner if ref is None else {**inner, "$ref": ref}
    target: Any = spec
    for part in ref[2:].split("/"):
        target = target[part.replace("~1", "/").replace("~0", "~")]
    named = _inlined(target, spec, depth + 1)
    return {**inner, "allOf": [named, *inner.get("allOf", [])]} if inner else named


@cache
def contract() -> Contract:
    return Contract()


class JSONAnswer(Response):
    """JSON that is always valid UTF-8: text that cannot be encoded is sent escaped."""

    media_type = "application/json"

    def render(self, content: Any) -> bytes:
        try:
            return json.dumps(content, ensure_ascii=False).encode()
        except UnicodeEncodeError:  # a lone surrogate: \\ud800 is still valid JSON
            return json.dumps(content).encode()


def problem_answer(refused: Problem) -> JSONAnswer:
    headers = refused.headers | {"Cache-Control": "no-store"}
    answer = JSONAnswer(refused.body, refused.status, headers=headers)
    answer.headers["Content-Type"] = "application/problem+json"
    return answer


def _problem_bytes(refused: Problem, reason: str) -> bytes:
    """A whole HTTP/1.1 problem answer, for the guard that answers below the application."""
    body = json.dumps(refused.body)
    head = (
        f"HTTP/1.1 {refused.status} {reason}\r\ncontent-type: application/problem+json\r\n"
        f"content-length: {len(body)}\r\nconnection: close\r\n\r\n"
    )
    return (head + body).encode()


class GuardedProtocol(H11Protocol):
    """uvicorn's HTTP/1.1 protocol with a deadline: from a connection's opening, or from the
    first byte of each next request, the whole request (headers and body) must arrive within
    ``config.request_deadline_s``, else 408 and the connection is closed. A request the parser
    refuses is answered in problem+json."""

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._deadline: asyncio.TimerHandle | None = None
        self._arm()

    def data_received(self, data: bytes) -> None:
        if self._deadline is None and (self.cycle is None or self.cycle.response_complete):
            self._arm()
        super().data_received(data)

    def handle_events(self) -> None:
        _TRANSPORT.set(self.transport)  # copied into the request's task, for the faults
        try:
            super().handle_events()
        except (UnicodeError, ValueError):  # a request line uvicorn cannot decode
            self.send_400_response("Invalid HTTP request received.")

    def on_response_complete(self) -> None:
        self._disarm()
        super().on_response_complete()

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm()
        super().connection_lost(exc)

    def shutdown(self) -> None:
        """The service stops: an idle connection is dropped at once. Closed, a TLS
        connection waits for the client's own closing message, which an idle client
        never sends, and stopping would wait the whole grace time."""
        idle = self.cycle is None or self.cycle.response_complete
        super().shutdown()
        if idle:
            self.transport.abort()

    def send_400_response(self, msg: str) -> None:
        self._disarm()
        if not self.transport.is_closing():
            refused = Problem(400, "bad-request", msg)
            self.transport.write(_problem_bytes(refused, "Bad Request"))
            self.transport.close()

    def _arm(self) -> None:
        deadline = getattr(self.config, "request_deadline_s", 10.0)
        self._deadline = self.loop.call_later(deadline, self._too_slow)

    def _disarm(self) -> None:
        if self._deadline is not None:
            self._deadline.cancel()
            self._deadline = None

    def _too_slow(self) -> None:
        self._deadline = None
        working = self.cycle is not None and not self.cycle.response_complete
        if working and self.conn.their_state is h11.DONE:
            return  # the whole request is in: the work has a deadline of its own
        if self.transport.is_closing():
            return
        started = self.cycle is not None and self.cycle.response_started
        if not started and self.conn.their_state is not None:
            self.transport.write(
                _problem_bytes(
                    Problem(408, "request-timeout", "Request too slow"), "Request Timeout"
                )
            )
        self.transport.close()


@dataclass(frozen=True)
class Operation:
    method: str
    handler: Callable[[Request], Awaitable[Response]]


class Service:
    """The API over a :class:`ServerStore`; ``app`` is the ASGI application to serve."""

    def __init__(
        self,
        store: ServerStore,
        seasons: SeasonTable,
        *,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
        threads: int = 8,
        faults: Faults | None = None,
        counters: dict[str, int] | None = None,
    ) -> None:
        self.store, self.seasons, self.faults = store, seasons, faults or Faults()
        self._clock = clock
        self._contract = contract()
        self._pool = ThreadPoolExecutor(threads, thread_name_prefix="service")
        self.counters = {"requests": 0, "replays": 0} if counters is None else counters
        self._active = 0  # requests being answered
        self._counter_lock = threading.Lock()
        routes = [
            Route(path, self._endpoint(op), methods=[op.method, "OPTIONS"])
            for path, op in self.operations().items()
        ]
        handlers = {HTTPException: _routing_problem}
        self._starlette = Starlette(routes=routes, exception_handlers=handlers)

    def operations(self) -> dict[str, Operation]:
        """Each path and what answers it (a forum's main desk adds its own)."""
        return {
            "/v1/devices": Operation("POST", self._enrol),
            "/v1/club": Operation("GET", self._club),
            "/v1/seasons": Operation("GET", self._seasons),
            "/v1/codes:check": Operation("POST", self._check),
            "/v1/redemptions:batch": Operation("POST", self._batch),
            "/v1/redemptions": Operation("GET", self._pull),
            "/v1/redemptions/{redemption_id}/cancel": Operation("POST", self._cancel),
        }

    def close(self) -> None:
        """Wait for the work in progress, then end the threads."""
        self._pool.shutdown(wait=True)

    # -- the ASGI application --------------------------------------------------------------

    async def app(self, scope: dict, receive: Callable, send: Callable) -> None:
        if scope["type"] != "http":  # lifespan and websockets: nothing to do
            return
        with self._counter_lock:
            self.counters["requests"] += 1
            busy = self._active >= REQUESTS_MAX
            self._active += not busy
        log.debug("%s %s", scope["method"], scope["path"])  # no query, no body
        if busy:
            refused = Problem(503, "unavailable", "Temporarily unavailable", retry_after=1)
            await problem_answer(refused)(scope, receive, send)
            return
        try:
            await self._guarded(scope, receive, send)
        finally:
            with self._counter_lock:
                self._active -= 1

    async def _guarded(self, scope: dict, receive: Callable, send: Callable) -> None:
        headers = {name: value for name, value in scope["headers"]}
        if b"transfer-encoding" in headers and b"content-length" in headers:
            refused = Problem(400, "bad-request", "Bad framing", "Content-Length and chunked")
            refused.headers["Connection"] = "close"  # the rest of the stream cannot be trusted
            await problem_answer(refused)(scope, receive, send)
            return
        latency, fault = self.faults.take()
        if latency > 0:
            await asyncio.sleep(latency)
        if fault == "drop":
            await _close_without_answer(receive)
            return
        if fault == "fail":
            status = self.faults.status_code or 503
            title = "Too many requests" if status == 429 else "Temporarily unavailable"
            refused = Problem(status, "unavailable", title, retry_after=self.faults.retry_after)
            await problem_answer(refused)(scope, receive, send)
            return
        if fault == "lose":

            async def swallow(message: dict) -> None:
                pass

            await self._starlette(scope, receive, swallow)
            await _close_without_answer(receive)
            return
        await self._starlette(scope, receive, send)

    def _endpoint(self, operation: Operation) -> Callable[[Request], Awaitable[Response]]:
        async def endpoint(request: Request) -> Response:
            if request.method == "OPTIONS":
                allowed = "GET, HEAD" if operation.method == "GET" else operation.method
                return Response(status_code=204, headers={"Allow": f"{allowed}, OPTIONS"})
            try:
                return await operation.handler(request)
            except Problem as refused:
                return problem_answer(refused)
            except Unavailable:
                log.warning("the database cannot be reached")
                return problem_answer(
                    Problem(503, "unavailable", "Temporarily unavailable", retry_after=1)
                )
            except TimeoutError:
                log.warning("a request's work took over %s s", WORK_DEADLINE_S)
                return problem_answer(
                    Problem(503, "unavailable", "Temporarily unavailable", retry_after=5)
                )
            except ClientDisconnect:
                return Response(status_code=400)  # nobody is there to read it
            except Exception:
                log.exception("redemption service bug")
                return problem_answer(Problem(500, "server-error", "Server error"))

        return endpoint

    # -- what every operation shares -------------------------------------------------------

    async def _work(self, function: Callable[..., Any], *args: Any) -> Any:
        """``function(*args)`` in the pool, within the work deadline."""
        loop = asyncio.get_running_loop()
        future = loop.run_in_executor(self._pool, function, *args)
        return await asyncio.wait_for(future, WORK_DEADLINE_S)

    async def _limit(self, caller: str) -> None:
        if self.store.rate_limit_in_memory:  # a few microseconds: no hop to a thread
            wait = self.store.rate_wait(caller)
        else:
            wait = await self._work(self.store.rate_wait, caller)
        if wait > 0:
            seconds = math.ceil(wait)
            raise Problem(
                429, "rate-limited", "Too many requests", retry_after=seconds,
                headers={
                    "RateLimit-Policy": self.store.rate_policy,
                    "RateLimit": f'"default";r=0;t={seconds}',
                },
            )  # fmt: skip

    async def _device(self, request: Request) -> Device:
        """The verified device, counted against its own share; 401 otherwise."""
        address = _address(request)
        scheme, _, token = request.headers.get("authorization", "").partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            await self._limit(address)
            raise Problem(
                401, "token-missing", "A device token is needed", "Enrol the device.",
                headers={"WWW-Authenticate": REALM},
            )  # fmt: skip
        device = await self._work(self.store.authenticate, token.strip())
        if device is None:
            await self._limit(address)
            raise Problem(
                401, "token-revoked", "Unknown or revoked token", "Enrol again.",
                headers={"WWW-Authenticate": f'{REALM}, error="invalid_token"'},
            )  # fmt: skip
        await self._limit(f"device:{device.device_id}")
        return device

    async def _json(self, request: Request, validator: Any, *, optional: bool = False) -> Any:
        """The body as JSON, checked against its contract schema."""
        length = request.headers.get("content-length")  # digits only: h11 checked it
        if length is not None and int(length) > MAX_BODY:
            raise Problem(413, "body-too-large", "Request body too large",
                          headers={"Connection": "close"})  # fmt: skip
        body = bytearray()
        async for chunk in request.stream():
            body += chunk
            if len(body) > MAX_BODY:
                raise Problem(413, "body-too-large", "Request body too large",
                              headers={"Connection": "close"})  # fmt: skip
        if optional and not body.strip():
            return {}
        kind = request.headers.get("content-type", "")
        if not _JSON_TYPE.fullmatch(kind):
            raise Problem(415, "unsupported-media-type", "Send application/json",
                          headers={"Accept-Post": "application/json"})  # fmt: skip
        try:
            payload = json.loads(bytes(body))
        except (ValueError, RecursionError):
            raise Problem(400, "invalid-json", "Invalid JSON", "The body is not JSON.") from None
        if not isinstance(payload, dict):
            raise Problem(400, "invalid-json", "Invalid JSON", "The body must be a JSON object.")
        if validator is not None and (error := self._contract.first_error(validator, payload)):
            raise Problem(400, "bad-request", "Invalid request", error)
        return payload

    def _answer(self, body: dict, status: int = 200) -> JSONAnswer:
        return JSONAnswer(body, status, headers={"Cache-Control": "no-store"})

    # -- the operations --------------------------------------------------------------------

    async def _enrol(self, request: Request) -> Response:
        await self._limit(_address(request))
        payload = await self._json(request, self._contract.enrolment)
        _check_text(payload, "enrolment_code", "device_name")
        key = request.headers.get("idempotency-key")
        if key is not None and not KEY_RE.fullmatch(key.lower()):
            raise Problem(400, "bad-request", "Invalid Idempotency-Key", "A UUID")
        return self._answer(await self._work(self.store.enrol, payload, key and key.lower()), 201)

    async def _club(self, request: Request) -> Response:
        device = await self._device(request)
        return self._answer(await self._work(self.store.club, device))

    async def _seasons(self, request: Request) -> Response:
        await self._device(request)
        return self._answer(self.seasons.to_document())

    async def _check(self, request: Request) -> Response:
        device = await self._device(request)
        payload = await self._json(request, self._contract.check)
        if not CODE_RE.fullmatch(payload["code"]):  # the schema's $ lets a final newline by
            raise Problem(400, "bad-request", "Invalid request", "code: breaks the contract")
        return self._answer(await self._work(self.store.check_code, device, payload["code"]))

    async def _batch(self, request: Request) -> Response:
        device = await self._device(request)
        payload = await self._json(request, None)
        items = payload.get("items")
        if not isinstance(items, list) or not items:
            raise Problem(400, "bad-request", "Invalid batch", "items: 1 to 100 items")
        if len(items) > MAX_BATCH:
            raise Problem(413, "batch-too-large", "Batch too large", "items: 100 at most")
        errors = [self._contract.first_error(self._contract.item, raw) for raw in items]
        results, replays = await self._work(self.store.redeem_batch, device, items, errors)
        with self._counter_lock:
            self.counters["replays"] += replays
        return self._answer({"results": results, "server_time": stamp(self._clock())})

    async def _cancel(self, request: Request) -> Response:
        device = await self._device(request)
        payload = await self._json(request, self._contract.cancel, optional=True)
        _check_text(payload, "reason")
        redemption_id = request.path_params["redemption_id"]
        reason = payload.get("reason")
        return self._answer(await self._work(self.store.cancel, device, redemption_id, reason))

    async def _pull(self, request: Request) -> Response:
        device = await self._device(request)
        limit = request.query_params.get("limit", str(PULL_LIMIT))
        if not _LIMIT_RE.fullmatch(limit) or not 1 <= int(limit) <= PULL_LIMIT_MAX:
            raise Problem(400, "bad-request", "Invalid limit", "limit: 1 to 500")
        cursor = request.query_params.get("cursor", "")
        page = await self._work(self.store.changes, device, cursor, int(limit))
        return self._answer(page | {"server_time": stamp(self._clock())})


def _address(request: Request) -> str:
    """The rate limit's caller before a device is known: the IPv4 address, or the IPv6
    /64 (one household or site gets a whole /64 to pick addresses from)."""
    host = request.client.host if request.client else ""
    with contextlib.suppress(ValueError):
        if ipaddress.ip_address(host).version == 6:
            return f"net:{ipaddress.ip_network(f'{host}/64', strict=False)}"
    return f"ip:{host}"


def _check_text(payload: dict, *names: str) -> None:
    """Problem 400 if a field among ``names`` holds text that cannot be kept (a lone
    surrogate, a NUL). Batches check their items one by one instead."""
    for name in names:
        value = payload.get(name)
        if isinstance(value, str) and not text_ok(value, one_line=False):
            raise Problem(400, "bad-request", "Invalid request", f"{name}: not valid text")


async def _routing_problem(request: Request, error: Exception) -> Response:
    """No such path (404), or a method the path does not take (405, with ``Allow``)."""
    assert isinstance(error, HTTPException)
    if error.status_code == 405:
        refused = Problem(405, "method-not-allowed", "Method not allowed")
    else:
        refused = Problem(error.status_code, "not-found", "No such resource")
    refused.headers |= dict(error.headers or {})
    return problem_answer(refused)


async def _close_without_answer(receive: Callable) -> None:
    """Close the connection, and wait until the server has seen it closed."""
    transport = _TRANSPORT.get(None)
    if transport is not None:
        transport.abort()
    while (await receive())["type"] != "http.disconnect":
        pass
