"""The reference server's HTTP layer as an independent client meets it: raw bytes on a socket
where the framing matters (smuggling, chunked bodies, slow and idle clients, bad headers),
httpx elsewhere. Each test says what a client would notice. Only 127.0.0.1 is ever dialled
(3,000 callers of the pruning test come from other 127.0.0.0/8 addresses, which Linux binds).
"""

import base64
import contextlib
import json
import random
import secrets
import select
import socket
import threading
import time
import uuid
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit

import httpx
import pytest

from app.codes import LETTERS
from sync.server import ReferenceServer
from sync.training import TRAINING_ENROLMENT_CODE
from tests.factories import Clock

TODAY = datetime(2026, 11, 26, 10, 0, tzinfo=UTC)  # season 2026 open
TIMEOUT = 10.0  # a socket's patience: generous for a loaded machine, reached only on a fault
PROBLEM = "application/problem+json"
WRONG_ENROLMENT = {"enrolment_code": "NOPE-0000", "device_name": "Test"}


# -- helpers -------------------------------------------------------------------------------


def serve(tmp_path, **options):
    """A server that takes any well-formed open code, on a fixed day, with no rate limit
    unless a test asks for one."""
    options = {"open_codes": True, "clock": Clock(TODAY), "rate_per_second": 0} | options
    return ReferenceServer(tmp_path / "n.sqlite3", **options)


def address(server):
    url = urlsplit(server.url)
    return url.hostname, url.port


def new_code():
    """A well-formed code of the open 2026 season no one has redeemed yet."""
    letters = random.choices(LETTERS, k=8)
    return f"26-{''.join(letters[:4])}-{''.join(letters[4:])}"


def item(code, *, key=None, last="Martin"):
    return {
        "idempotency_key": key or str(uuid.uuid4()),
        "code": code,
        "young_person": {"last_name": last, "first_name": "Paul", "birth_date": "2012-01-01"},
        "recorded_at": "2026-11-26T11:00:00+01:00",
    }


def enrol(http):
    answer = http.post(
        "/v1/devices", json={"enrolment_code": TRAINING_ENROLMENT_CODE, "device_name": "Test"}
    )
    assert answer.status_code == 201, answer.text
    return answer.json()["token"]


def bearer(token):
    return {"Authorization": f"Bearer {token}"}


def redeem(http, token, *items):
    answer = http.post("/v1/redemptions:batch", json={"items": list(items)}, headers=bearer(token))
    assert answer.status_code == 200, answer.text
    return answer.json()["results"]


def pulled(http, token):
    answer = http.get("/v1/redemptions", headers=bearer(token))
    assert answer.status_code == 200, answer.text
    return answer.json()["items"]


def assert_problem(answer, status, kind=None):
    """An RFC 9457 problem; works on an httpx response and on a :class:`Reply`."""
    assert answer.status_code == status, (answer.status_code, answer.content[:300])
    assert answer.headers["content-type"].split(";")[0].strip() == PROBLEM
    body = answer.json()
    assert body["status"] == status and body["type"].startswith("urn:") and body["title"]
    if kind is not None:
        assert body["type"] == f"urn:passsport:problem:{kind}"
    return body


def allowed(answer):
    return {method.strip() for method in answer.headers.get("allow", "").split(",")}


def request(method, target, *, token=None, body=None, headers=(), close=False):
    """The bytes of one HTTP/1.1 request; a body gets a JSON type and its Content-Length."""
    lines = [f"{method} {target} HTTP/1.1", "Host: 127.0.0.1"]
    if token:
        lines.append(f"Authorization: Bearer {token}")
    if body is not None:
        lines += ["Content-Type: application/json", f"Content-Length: {len(body)}"]
    if close:
        lines.append("Connection: close")
    head = "\r\n".join([*lines, *headers, "", ""]).encode("latin-1")
    return head + (body or b"")


@dataclass
class Reply:
    """One response read off the socket: names of headers in lower case."""

    status_code: int
    headers: dict[str, str]
    content: bytes

    def json(self):
        return json.loads(self.content.decode("utf-8"))  # strict: invalid UTF-8 fails


class Raw:
    """A client's own socket, read byte-exact; a context manager."""

    def __init__(self, server, *, source="127.0.0.1", timeout=TIMEOUT):
        self.sock = socket.create_connection(
            address(server), timeout=timeout, source_address=(source, 0)
        )
        self.buffer = b""

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.sock.close()

    def send(self, data):
        self.sock.sendall(data)

    def _more(self):
        """Read what came; b"" once the server has closed (a reset counts as closed)."""
        try:
            data = self.sock.recv(65536)
        except ConnectionResetError:
            data = b""
        self.buffer += data
        return data

    def _until(self, marker, limit=65536):
        while marker not in self.buffer:
            if len(self.buffer) > limit or not self._more():
                raise AssertionError(f"no {marker!r} before the end: {self.buffer[:300]!r}")
        head, _, self.buffer = self.buffer.partition(marker)
        return head

    def _exactly(self, size):
        while len(self.buffer) < size:
            if not self._more():
                raise AssertionError(f"closed inside a body: {self.buffer[:300]!r}")
        data, self.buffer = self.buffer[:size], self.buffer[size:]
        return data

    def response(self):
        """The next response: status line, headers, and its body (RFC 9112, 6.3)."""
        status_line, *lines = self._until(b"\r\n\r\n").decode("latin-1").split("\r\n")
        version, status = status_line.split(" ")[:2]
        assert version.startswith("HTTP/1."), status_line
        headers = {}
        for line in lines:
            name, _, value = line.partition(":")
            headers[name.strip().lower()] = value.strip()
        if headers.get("transfer-encoding", "").lower() == "chunked":
            body = b""
            while size := int(self._until(b"\r\n").split(b";")[0], 16):
                body += self._exactly(size)
                self._exactly(2)
            self._until(b"\r\n")
        elif "content-length" in headers:
            body = self._exactly(int(headers["content-length"]))
        else:  # a 204 has no body; any other runs until the server closes
            body = b"" if status == "204" else self.rest()
        return Reply(int(status), headers, body)

    def rest(self, limit=1_000_000):
        """Everything else the server sends until it closes the connection."""
        while len(self.buffer) < limit and self._more():
            pass
        data, self.buffer = self.buffer, b""
        return data


@pytest.fixture
def server(tmp_path):
    with serve(tmp_path) as running:
        yield running


@pytest.fixture
def http(server):
    with httpx.Client(base_url=server.url, timeout=TIMEOUT) as client:
        yield client


@pytest.fixture
def token(http):
    return enrol(http)


# -- 1. connections ------------------------------------------------------------------------


def test_200_clients_connecting_at_once_are_all_answered_quickly(server, token):
    """A club's devices and a national pilot's crowd meet no refused or stalled connection."""
    clients = 200
    barrier = threading.Barrier(clients, timeout=60)
    outcomes = [None] * clients

    def client(index):
        barrier.wait()
        start = time.monotonic()
        try:
            with Raw(server, timeout=15) as raw:
                raw.send(request("GET", "/v1/club", token=token, close=True))
                outcome = raw.response().status_code
        except (OSError, AssertionError) as error:  # a timeout is an OSError
            outcome = type(error).__name__
        outcomes[index] = (outcome, time.monotonic() - start)

    threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads)
    assert None not in outcomes  # every client ran
    assert Counter(outcome for outcome, _ in outcomes) == {200: clients}
    assert max(seconds for _, seconds in outcomes) < 15


# -- 2. framing ----------------------------------------------------------------------------


def test_a_request_smuggled_in_a_chunk_is_refused_and_never_served(server, token):
    """Content-Length 4 covers only the chunk's size line; a server that believed it would
    read the chunk's data as a second request, from the same connection."""
    inner = request("GET", "/v1/club", token=token)
    assert 16 <= len(inner) < 256  # its size is two hex digits: "XX\r\n" is 4 bytes
    framing = ["Content-Type: application/json", "Content-Length: 4", "Transfer-Encoding: chunked"]
    smuggler = request("POST", "/v1/redemptions:batch", token=token, headers=framing)
    with Raw(server) as raw:
        raw.send(smuggler + f"{len(inner):x}\r\n".encode() + inner + b"\r\n0\r\n\r\n")
        first = raw.response()
        rest = raw.rest()
    assert_problem(first, 400)
    assert b"siret" not in first.content + rest, "the smuggled GET /v1/club was served"
    assert rest == b"", f"more came after the 400 instead of the end: {rest[:300]!r}"


def test_a_chunked_batch_is_read_whole(server, token):
    """A client that streams its body in chunks, with no Content-Length, is understood."""
    items = [item(new_code()) for _ in range(3)]
    body = json.dumps({"items": items}).encode()
    chunks = [body[:50], body[50:200], body[200:]]
    head = request(
        "POST",
        "/v1/redemptions:batch",
        token=token,
        headers=["Content-Type: application/json", "Transfer-Encoding: chunked"],
    )
    with Raw(server) as raw:
        raw.send(head)
        for chunk in chunks:
            raw.send(f"{len(chunk):x}\r\n".encode() + chunk + b"\r\n")
        raw.send(b"0\r\n\r\n")
        answer = raw.response()
    assert answer.status_code == 200, answer.content[:300]
    results = answer.json()["results"]
    assert [r["status"] for r in results] == ["accepted"] * 3
    assert [r["idempotency_key"] for r in results] == [i["idempotency_key"] for i in items]


# -- 3. rate limit -------------------------------------------------------------------------


@pytest.mark.parametrize("made_up_token", [True, False], ids=["made-up-tokens", "no-token"])
def test_unverified_callers_share_their_address_bucket(tmp_path, made_up_token):
    """A caller cannot buy a fresh bucket with a random Authorization header. (Each request
    in one write on a connection of its own: the 40 go in far less than the 5 s in which
    the bucket would refill 5 tokens.)"""
    body = json.dumps(WRONG_ENROLMENT).encode()
    answers = []
    with serve(tmp_path, rate_per_second=1, burst=5) as server:
        for _ in range(40):
            token = secrets.token_urlsafe(32) if made_up_token else None
            with Raw(server) as raw:
                raw.send(request("POST", "/v1/devices", token=token, body=body, close=True))
                answers.append(raw.response())
    limited = [answer for answer in answers if answer.status_code == 429]
    assert len(limited) >= 30, Counter(answer.status_code for answer in answers)
    for answer in limited:
        assert_problem(answer, 429)
        assert int(answer.headers["retry-after"]) >= 0


def exhaust(http, token, most=40):
    """Ask for the club until the device is told to wait; the statuses seen."""
    statuses = []
    while len(statuses) < most and 429 not in statuses:
        statuses.append(http.get("/v1/club", headers=bearer(token)).status_code)
    assert statuses[-1] == 429, statuses
    return statuses


def test_a_device_that_used_its_bucket_does_not_hold_back_another(tmp_path):
    """Two desks of a club share an address, not a bucket."""
    with (
        serve(tmp_path, rate_per_second=0.1, burst=5) as server,
        httpx.Client(base_url=server.url, timeout=TIMEOUT) as http,
    ):
        device_a, device_b = enrol(http), enrol(http)
        exhaust(http, device_a)
        assert http.get("/v1/club", headers=bearer(device_b)).status_code == 200


def test_a_device_cannot_refill_its_bucket_by_respelling_its_header(tmp_path):
    """The bucket is the verified device's, not the header's bytes: "bearer" and "BEARER"
    name the same device (or no device at all), never a fresh bucket. (A token comes back
    every 10 s: none while the test runs.)"""
    with (
        serve(tmp_path, rate_per_second=0.1, burst=5) as server,
        httpx.Client(base_url=server.url, timeout=TIMEOUT) as http,
    ):
        device = enrol(http)
        exhaust(http, device)
        statuses = [
            http.get("/v1/club", headers={"Authorization": f"{scheme} {device}"}).status_code
            for scheme in ("bearer", "BEARER", "BeArEr", "bEaReR", "beaRER", "BEARer")
        ]
    assert 200 not in statuses, statuses


def test_buckets_of_callers_gone_quiet_are_pruned(tmp_path):
    """3,000 callers, each from its own address, each once: the server keeps no bucket of
    a caller whose bucket is full again, once it holds 1,024."""
    body = json.dumps(WRONG_ENROLMENT).encode()
    with serve(tmp_path, rate_per_second=1000, burst=2) as server:

        def enrol_from(index):
            high, low = divmod(index, 250)
            with Raw(server, source=f"127.77.{high}.{low + 1}") as raw:
                raw.send(request("POST", "/v1/devices", body=body, close=True))
                return raw.response().status_code

        with ThreadPoolExecutor(8) as pool:
            statuses = Counter(pool.map(enrol_from, range(3000)))
        assert statuses == {403: 3000}  # each its own bucket: none was limited
        assert server.tracked_callers <= 1100


# -- 4. 400, not 500 -----------------------------------------------------------------------


def test_a_limit_that_is_a_superscript_digit_is_a_400(http, token):
    answer = http.get("/v1/redemptions?limit=%C2%B9", headers=bearer(token))  # "¹"
    assert_problem(answer, 400)


def cursor_of(text):
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


def test_a_cursor_beyond_64_bits_is_a_bad_cursor(http, token):
    too_far = cursor_of("seq:18446744073709551616")  # 2**64
    answer = http.get("/v1/redemptions", params={"cursor": too_far}, headers=bearer(token))
    assert_problem(answer, 400, "bad-cursor")


def test_a_cursor_with_any_one_character_changed_is_a_bad_cursor(http, token):
    """A cursor is taken back only as it was given: an altered one (even one whose base64
    decodes to the same bytes) is never read as some other place in the changes."""
    redeem(http, token, item(new_code()))
    cursor = http.get("/v1/redemptions", headers=bearer(token)).json()["next_cursor"]
    assert http.get("/v1/redemptions", params={"cursor": cursor}, headers=bearer(token)).is_success
    refused = []
    for position, char in enumerate(cursor):
        changed = cursor[:position] + ("B" if char == "A" else "A") + cursor[position + 1 :]
        answer = http.get("/v1/redemptions", params={"cursor": changed}, headers=bearer(token))
        refused.append((answer.status_code, answer.json().get("type")))
    assert refused == [(400, "urn:passsport:problem:bad-cursor")] * len(cursor)


def test_a_content_length_that_is_a_superscript_digit_is_a_400_then_closed(server, token):
    with Raw(server) as raw:
        raw.send(
            b"POST /v1/redemptions:batch HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            + f"Authorization: Bearer {token}\r\n".encode()
            + b"Content-Type: application/json\r\nContent-Length: \xc2\xb9\r\n\r\n{}"
        )
        answer = raw.response()  # never silence
        rest = raw.rest()
    assert answer.status_code == 400, answer.content[:300]
    assert rest == b""


def test_a_lone_surrogate_key_is_an_invalid_item_and_the_answer_stays_utf8(http, token):
    """JSON may escape a lone surrogate, UTF-8 cannot carry one: the item is refused, its
    neighbour is redeemed (then replayed), and the answer is still valid UTF-8."""
    broken, valid = item(new_code(), key="KEY"), item(new_code())
    text = json.dumps({"items": [broken, valid]}).replace('"KEY"', '"\\ud800"')
    assert '"idempotency_key": "\\ud800"' in text  # the escape itself, as a client wrote it
    headers = bearer(token) | {"Content-Type": "application/json"}
    statuses = []
    for _ in range(2):
        answer = http.post("/v1/redemptions:batch", content=text.encode(), headers=headers)
        assert answer.status_code == 200, answer.content[:300]
        results = json.loads(answer.content.decode("utf-8"))["results"]
        assert results[0]["idempotency_key"] is None
        assert results[1]["idempotency_key"] == valid["idempotency_key"]
        statuses.append([r["status"] for r in results])
    assert statuses == [["invalid", "accepted"], ["invalid", "replayed"]]


# -- 5. contract ---------------------------------------------------------------------------


def test_a_key_first_refused_as_unknown_code_is_not_free_for_another_code(http, token):
    """A key stands for one payload from its first use, even a refused one."""
    key = str(uuid.uuid4())
    (unknown,) = redeem(http, token, item("99-ABCD-EFGH", key=key))  # no season 2099
    assert unknown["status"] == "unknown_code"
    (again,) = redeem(http, token, item(new_code(), key=key))
    assert again["status"] == "key_reused"


def test_a_name_padded_with_500_spaces_is_invalid_and_nothing_is_redeemed(http, token):
    (result,) = redeem(http, token, item(new_code(), last=" " * 500 + "Dupont"))
    assert result["status"] == "invalid" and "last_name" in result["detail"]
    assert pulled(http, token) == []


def test_an_invalid_item_with_a_key_that_is_no_uuid_gets_a_null_key(http, token):
    """The server echoes only keys of the contract's form (a UUID), never what it refused."""
    (result,) = redeem(http, token, item(new_code(), key="abc"))
    assert result["status"] == "invalid"
    assert result["idempotency_key"] is None


# -- 6. deadlines --------------------------------------------------------------------------


def send_slowly(sock, data, pause):
    """Send ``data`` a byte every ``pause`` seconds while watching for the server to close.
    Returns how many bytes were still to send when it closed (None if it never did) and
    what it answered."""
    answer = b""
    for sent in range(len(data) + 1):
        if select.select([sock], [], [], pause)[0]:
            try:
                chunk = sock.recv(65536)
            except ConnectionResetError:
                chunk = b""
            if not chunk:
                return len(data) - sent, answer
            answer += chunk
        if sent < len(data):
            try:
                sock.sendall(data[sent : sent + 1])
            except (BrokenPipeError, ConnectionResetError):
                return len(data) - sent, answer
    return None, answer


def test_a_client_sending_a_byte_at_a_time_is_cut_off_at_the_deadline(tmp_path):
    """A request must arrive whole within its deadline, however steadily its bytes trickle."""
    headers = b"Host: 127.0.0.1\r\nX-Slow: " + b"z" * 20 + b"\r\n\r\n"  # 12 s at 0.3 s a byte
    with serve(tmp_path, request_deadline_s=1.0) as server, Raw(server) as raw:
        start = time.monotonic()
        raw.send(b"GET /v1/club HTTP/1.1\r\n")
        left, answer = send_slowly(raw.sock, headers, 0.3)
        seconds = time.monotonic() - start
    assert left is not None, f"never closed; it answered {answer[:100]!r}"
    assert left > 0 and seconds < 5, (left, seconds)
    assert answer == b"" or answer.startswith(b"HTTP/1.1 408"), answer[:100]


def test_300_idle_connections_cost_no_threads_and_hold_back_no_one(server, http, token):
    """Connections that say nothing take no thread each (the server runs in this process)."""
    assert http.get("/v1/club", headers=bearer(token)).status_code == 200  # warmed up
    before = threading.active_count()
    opened, give_up = [], time.monotonic() + 10
    with contextlib.ExitStack() as idle:
        while len(opened) < 300 and time.monotonic() < give_up:
            sock = socket.create_connection(address(server), timeout=TIMEOUT)
            opened.append(idle.enter_context(sock))
        start = time.monotonic()
        with Raw(server) as raw:  # accepted after the others: they have all been taken in
            raw.send(request("GET", "/v1/club", token=token))
            answer = raw.response()
        seconds = time.monotonic() - start
        grown = threading.active_count() - before
    assert grown < 20, f"{grown} more threads for {len(opened)} idle connections"
    assert len(opened) == 300, f"only {len(opened)} connections opened in 10 s"
    assert answer.status_code == 200 and seconds < 5, (answer.status_code, seconds)


# -- 7. methods and types ------------------------------------------------------------------


def test_options_tells_the_allowed_method(http, token):
    answer = http.options("/v1/club", headers=bearer(token))
    assert answer.status_code == 204 and allowed(answer) == {"GET", "HEAD", "OPTIONS"}
    assert_problem(http.options("/v1/nothing", headers=bearer(token)), 404)


@pytest.mark.parametrize(
    ("method", "path", "allow"),
    [("TRACE", "/v1/club", "GET"), ("DELETE", "/v1/redemptions:batch", "POST")],
)
def test_a_method_not_allowed_is_a_405_problem_with_allow(http, token, method, path, allow):
    answer = http.request(method, path, headers=bearer(token))
    assert_problem(answer, 405)  # never an HTML page
    assert allowed(answer) - {"HEAD", "OPTIONS"} == {allow}


def test_a_batch_sent_as_text_plain_is_a_415(http, token):
    batch = json.dumps({"items": [item(new_code())]})
    headers = bearer(token) | {"Content-Type": "text/plain"}
    assert_problem(http.post("/v1/redemptions:batch", content=batch, headers=headers), 415)
    assert pulled(http, token) == []


def test_a_missing_token_is_a_bearer_challenge_without_error(http):
    answer = http.get("/v1/club")
    assert_problem(answer, 401, "token-missing")
    challenge = answer.headers.get("WWW-Authenticate", "")
    assert challenge.startswith("Bearer") and "error=" not in challenge


def test_an_unknown_token_is_a_bearer_challenge_with_invalid_token(http):
    answer = http.get("/v1/club", headers=bearer("nope"))
    assert_problem(answer, 401, "token-revoked")
    assert 'error="invalid_token"' in answer.headers.get("WWW-Authenticate", "")


def test_the_deadline_holds_for_each_request_on_a_kept_alive_connection(tmp_path):
    """The second request of a connection has its deadline too: a client that sends half
    of it, then trickles the rest or says nothing more, is cut off."""
    with serve(tmp_path, request_deadline_s=1.0) as server:
        token = httpx.post(
            f"{server.url}/v1/devices",
            json={"enrolment_code": TRAINING_ENROLMENT_CODE, "device_name": "Test"},
        ).json()["token"]
        for trickle in (b"z" * 20 + b"\r\n\r\n", b""):  # 6 s of bytes, then none
            with Raw(server) as raw:
                raw.send(request("GET", "/v1/club", token=token))
                assert raw.response().status_code == 200
                start = time.monotonic()
                raw.send(b"GET /v1/club HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ")
                left, _ = send_slowly(raw.sock, trickle, 0.3)
                while left is None and raw._more():  # all sent: the server must close
                    pass
                seconds = time.monotonic() - start
                assert b"200 OK" not in raw.buffer
            assert seconds < 5, (trickle[:3], left, seconds)


@pytest.mark.parametrize(
    ("path", "body", "field"),
    [
        ("/v1/devices", {"enrolment_code": "DEMO-2026", "device_name": "\ud800"}, "device_name"),
        ("/v1/devices", {"enrolment_code": "DEMO-2026", "device_name": "a\u0000b"}, "device_name"),
        ("/v1/devices", {"enrolment_code": "DEMO\u0000", "device_name": "PC"}, "enrolment_code"),
    ],
)
def test_text_that_cannot_be_kept_is_a_400_naming_its_field(http, path, body, field):
    answer = http.post(path, content=json.dumps(body), headers={"Content-Type": "application/json"})
    assert field in assert_problem(answer, 400, "bad-request")["detail"]


def test_a_cancel_reason_that_cannot_be_kept_is_a_400(http, token):
    (accepted,) = redeem(http, token, item(new_code()))
    url = f"/v1/redemptions/{accepted['redemption_id']}/cancel"
    answer = http.post(
        url,
        content='{"reason": "\\ud800"}',
        headers=bearer(token) | {"Content-Type": "application/json"},
    )
    assert_problem(answer, 400, "bad-request")
    assert pulled(http, token)[0]["state"] == "accepted"  # nothing done


def test_a_code_with_a_final_newline_is_not_a_code(http, token):
    answer = http.post("/v1/codes:check", json={"code": new_code() + "\n"}, headers=bearer(token))
    assert_problem(answer, 400, "bad-request")


def test_an_idempotency_key_must_be_a_uuid(http):
    body = {"enrolment_code": TRAINING_ENROLMENT_CODE, "device_name": "PC"}
    answer = http.post("/v1/devices", json=body, headers={"Idempotency-Key": "-" * 36})
    assert_problem(answer, 400, "bad-request")


def test_an_enrolment_key_is_honoured_a_quarter_of_an_hour_only(tmp_path):
    clock = Clock(TODAY)
    with serve(tmp_path, clock=clock) as server, httpx.Client(base_url=server.url) as http:
        body = {"enrolment_code": server.new_enrolment_code(), "device_name": "PC"}
        key = {"Idempotency-Key": str(uuid.uuid4())}
        assert http.post("/v1/devices", json=body, headers=key).status_code == 201
        clock.now = TODAY + timedelta(minutes=14)
        assert http.post("/v1/devices", json=body, headers=key).status_code == 201
        clock.now = TODAY + timedelta(minutes=16)  # a key found later takes no device over
        assert_problem(http.post("/v1/devices", json=body, headers=key), 403)


def test_a_service_too_busy_says_so_in_a_problem_with_retry_after(server, http, monkeypatch):
    monkeypatch.setattr("sync.service.REQUESTS_MAX", 0)
    answer = http.get("/v1/club")
    assert_problem(answer, 503, "unavailable")
    assert answer.headers["retry-after"] == "1"
