"""The sync engine against servers that misbehave, over real HTTP on 127.0.0.1: a
national address that is not what it looks like, a Retry-After no thread can wait, a
batch refused as a whole. Nothing stops the sending for good, nothing leaks."""

import http.client
import json
import socket
import threading
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from app import national
from app.validations import State
from sync.client import RETRY_AFTER_MAX_S, ApiClient, BadAddress, RetryLater, api_address
from sync.engine import SyncEngine, SyncStatus
from sync.link import NationalLink
from tests.test_sync import codes, database, enrolled_client, ours, record
from ui.app import make_application
from ui.national_pages import EnrolPage, ToCheckPage
from ui.texts import national as national_texts

# -- A front before the reference server ----------------------------------------------------


class Front:
    """An HTTP server on 127.0.0.1 that forwards every request to the reference server,
    except the ones its rules refuse: batches of more than ``max_items`` (413 with a web
    page, as a proxy such as nginx says it), batches
    holding a code of ``poisoned`` (answered ``poisoned_status``), and the next requests
    while ``retry_after`` holds header values (503 with that ``Retry-After``)."""

    def __init__(self, upstream_url: str) -> None:
        self.upstream_port = int(upstream_url.rsplit(":", 1)[1])
        self.max_items: int | None = None
        self.poisoned: set[str] = set()
        self.poisoned_status = 400
        self.retry_after: list[str] = []
        self.batches: list[tuple[int, int]] = []  # (items, status) of each batch asked
        self._lock = threading.Lock()
        front = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.0"  # one request a connection: no thread left waiting

            def log_message(self, format, *args):
                pass

            def do_GET(self):
                front._serve(self)

            do_POST = do_GET

        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._thread = threading.Thread(target=self._httpd.serve_forever, args=(0.01,))

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._httpd.server_address[1]}"

    def __enter__(self) -> "Front":
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()
        self._thread.join()

    def _refusal(self, path: str, body: bytes) -> tuple[int, dict[str, str]] | None:
        with self._lock:
            if self.retry_after:
                return 503, {"Retry-After": self.retry_after.pop(0)}
            if path != "/v1/redemptions:batch":
                return None
            items = json.loads(body)["items"]
            status = 200
            if self.max_items is not None and len(items) > self.max_items:
                status = 413
            elif self.poisoned & {item["code"] for item in items}:
                status = self.poisoned_status
            self.batches.append((len(items), status))
            return None if status == 200 else (status, {})

    def _serve(self, request: BaseHTTPRequestHandler) -> None:
        body = request.rfile.read(int(request.headers.get("Content-Length") or 0))
        refusal = self._refusal(request.path, body)
        if refusal is not None:
            status, headers = refusal
            data = json.dumps({"type": "urn:test:refused", "status": status}).encode()
            if status == 413 and not self.poisoned:
                data = b"<html><body><h1>413 Request Entity Too Large</h1></body></html>"
                headers = {"Content-Type": "text/html"}
        else:
            upstream = http.client.HTTPConnection("127.0.0.1", self.upstream_port, timeout=10)
            names = ("Authorization", "Content-Type", "Accept")
            upstream.request(
                request.command,
                request.path,
                body or None,
                {n: request.headers[n] for n in names if request.headers[n]},
            )
            answer = upstream.getresponse()
            status, data = answer.status, answer.read()
            headers = {n: answer.headers[n] for n in ("Date",) if answer.headers[n]}
            upstream.close()
        request.send_response(status)
        headers.setdefault("Content-Type", "application/json")
        request.send_header("Content-Length", str(len(data)))
        for name, value in headers.items():
            request.send_header(name, value)
        request.end_headers()
        request.wfile.write(data)


class Statuses:
    """What the engine reported, for a test to wait on (no sleep)."""

    def __init__(self) -> None:
        self.seen: list[SyncStatus] = []
        self._changed = threading.Condition()

    def __call__(self, status: SyncStatus) -> None:
        with self._changed:
            self.seen.append(status)
            self._changed.notify_all()

    def wait_for(self, done: Callable[[list[str]], bool], timeout: float = 15) -> None:
        with self._changed:
            reached = self._changed.wait_for(lambda: done([s.state for s in self.seen]), timeout)
        assert reached, [s.state for s in self.seen]


# -- 9. The national address -----------------------------------------------------------------

REFUSED_ADDRESSES = {
    "http://localhost.example.org": "not_https",
    "http://localhost.example.org:8765/api": "not_https",
    "http://localhost@example.org": "userinfo",
    "http://127.0.0.1@127.0.0.2:8765": "userinfo",
    "https://jean:secret@api.example.fr": "userinfo",
    "http://127.0.0.1.example.org": "not_https",
    "http://example.org/127.0.0.1": "not_https",
    "http://api.example.fr": "not_https",
    "http://127.1:8765": "not_https",  # not written as an address of 127.0.0.0/8
    "http://2130706433:8765": "not_https",
    "http://0.0.0.0:8765": "not_https",
    "http://[::2]:8765": "not_https",
    "ftp://api.example.fr": "not_https",
    "api.example.fr": "not_https",
    "": "empty",
    "https://": "bad_address",
    "https://:443": "bad_address",
    "https://api.example.fr:0": "bad_port",
    "https://api.example.fr:65536": "bad_port",
    "https://api.example.fr:": "bad_port",
    "https://api.example.fr:80:90": "bad_port",
    "http://localhost:+80": "bad_port",
    "https://api.example.fr/?next=1": "bad_address",
    "http://localhost#@example.org": "bad_address",
    "http://localhost\\@example.org": "bad_address",
    "https://api .example.fr": "bad_address",
    "http://[::1": "bad_address",
}
ACCEPTED_ADDRESSES = {
    "https://api.example.fr/v1/": "https://api.example.fr/v1",
    " HTTPS://Api.Example.FR ": "https://api.example.fr",
    "https://api.example.fr:8443": "https://api.example.fr:8443",
    "http://127.0.0.1:8765": "http://127.0.0.1:8765",
    "http://localhost:8765/": "http://localhost:8765",
    "http://LocalHost:8765": "http://localhost:8765",
    "http://[::1]:8765": "http://[::1]:8765",
    # The whole of 127.0.0.0/8 is this computer: nothing crosses a network.
    "http://127.0.0.2:8765": "http://127.0.0.2:8765",
}


def test_the_national_address_is_parsed_and_plain_http_stays_on_this_computer():
    for address, reason in REFUSED_ADDRESSES.items():
        with pytest.raises(BadAddress) as caught:
            api_address(address)
        assert caught.value.reason == reason, address
        assert national_texts.ENROL_URL_ERRORS[reason]
        with pytest.raises(BadAddress):  # nothing can go round the check
            ApiClient(address, "token")
    for address, written in ACCEPTED_ADDRESSES.items():
        assert api_address(address) == written, address
        with ApiClient(address, "token") as client:
            assert str(client._http.base_url).rstrip("/") == written


def test_a_relay_behind_an_at_sign_never_receives_the_enrolment_code(server, desk):
    """The issue's attack: http://127.0.0.1@127.0.0.2:PORT looks local and goes to 127.0.0.2."""
    relay = socket.create_server(("127.0.0.2", 0))
    relay.settimeout(0.5)
    link = NationalLink(database(desk), vault=desk.vault)
    enrolment_code = server.new_enrolment_code()
    try:
        with pytest.raises(BadAddress) as caught:
            link.enrol(f"http://127.0.0.1@127.0.0.2:{relay.getsockname()[1]}", enrolment_code)
        assert caught.value.reason == "userinfo"
        with pytest.raises(TimeoutError):
            relay.accept()  # no connection was ever made
    finally:
        relay.close()
    assert not link.configured()
    link.enrol(server.url, enrolment_code)  # the code was not spent: the real one takes it
    assert link.configured()


def test_the_link_page_refuses_a_lookalike_address_next_to_the_field(qtbot):
    make_application([])
    page = EnrolPage("", keyring_available=lambda: True)
    qtbot.addWidget(page)
    page.show()
    sent = []
    page.submitted.connect(lambda url, code: sent.append(url))
    page.code.edit.setText("ABCD-EFGH")
    for address in ("http://localhost.example.org", "http://127.0.0.1@127.0.0.2:8765"):
        page.url.edit.setText(address)
        page.code.edit.setFocus()
        qtbot.waitUntil(lambda: QApplication.focusWidget() is page.code.edit)
        qtbot.keyClick(page.code.edit, Qt.Key.Key_Return)
        reason = REFUSED_ADDRESSES[address]
        assert page.url.error.isVisible()
        assert page.url.error.accessibleName() == national_texts.ENROL_URL_ERRORS[reason]
        qtbot.waitUntil(lambda: QApplication.focusWidget() is page.url.edit)  # to the field
    assert sent == []
    page.url.edit.setText("http://[::1]:8765/")
    qtbot.keyClick(page.url.edit, Qt.Key.Key_Return)
    assert sent == ["http://[::1]:8765"]


def test_an_address_saved_by_an_older_version_is_never_used(server, desk, expected_warnings):
    """An older version let ``http://127.0.0.1@host`` through: the engine refuses to send
    there and asks to link this computer again."""
    unused, _ = enrolled_client(server, desk)
    unused.close()
    national.meta_set(desk._conn, "api_url", server.url.replace("//", "//127.0.0.1@"))
    saved = record(desk, codes(1)[0])
    asked = server.request_count
    statuses = Statuses()
    link = NationalLink(database(desk), statuses, vault=desk.vault)
    assert link.start()
    try:
        statuses.wait_for(lambda seen: "needs_enrolment" in seen)
    finally:
        link.stop()
    assert server.request_count == asked, "nothing was sent"
    assert desk.get(saved.id).state is State.TO_SEND and desk.pending_count() == 1
    assert [r.getMessage() for r in expected_warnings] == [
        "national service address refused: enrolment needed"
    ]


# -- 13. Retry-After that no thread can wait -------------------------------------------------

HUGE_WAITS = ["10000000000", "1e10", "inf", "9" * 400, "Thu, 31 Dec 2099 23:59:59 GMT"]


@pytest.mark.parametrize("retry_after", HUGE_WAITS)
def test_a_huge_retry_after_never_stops_the_sending(server, desk, clock, retry_after):
    unused, link = enrolled_client(server, desk)
    unused.close()
    first = record(desk, codes(1)[0])
    statuses = Statuses()
    with Front(server.url) as front:
        front.retry_after = [retry_after]
        engine = SyncEngine(
            database(desk),
            lambda: ApiClient(front.url, link._token()),
            vault=desk.vault,
            on_status=statuses,
            clock=clock,
            interval_s=600,  # nothing but the button starts the last round
            base_backoff_s=0.01,
            max_backoff_s=0.05,
            max_retry_after_s=0.2,
        )
        engine.start()
        try:
            statuses.wait_for(lambda seen: "online" in seen)
            offline = [s for s in statuses.seen if s.state == "offline"]
            assert offline and all(0 < s.retry_in_s <= 0.2 for s in offline)
            assert national_texts.next_try(offline[0].retry_in_s)  # the status line can say it
            assert desk.get(first.id).state is State.CONFIRMED
            second = record(desk, codes(1, start=1)[0], first="Tom")
            engine.wake()  # "Envoyer maintenant"
            statuses.wait_for(lambda seen: seen.count("online") >= 2)
        finally:
            engine.stop()
    assert desk.get(second.id).state is State.CONFIRMED


def test_the_client_reads_any_retry_after_as_a_wait_it_can_keep(server, desk):
    client, link = enrolled_client(server, desk)
    client.close()
    record(desk, codes(1)[0])
    expected = {
        "7": 7.0,
        " 7 ": 7.0,
        "10000000000": RETRY_AFTER_MAX_S,
        "9" * 400: RETRY_AFTER_MAX_S,
        "Thu, 31 Dec 2099 23:59:59 GMT": RETRY_AFTER_MAX_S,
        "Thu, 01 Jan 2015 00:00:00 GMT": 0.0,  # already past
        "1e10": None,  # whole seconds only (RFC 9110): the engine's own backoff then
        "inf": None,
        "nan": None,
        "-5": None,
        "1_000": None,
        "\u00b2": None,  # a digit to Python, not to HTTP
        "soon": None,
    }
    with Front(server.url) as front, ApiClient(front.url, link._token()) as client:
        for header, wait in expected.items():
            front.retry_after = [header]
            with pytest.raises(RetryLater) as caught:
                client.redeem_batch([{"code": "x"}])
            assert caught.value.retry_after == wait, header


# -- 14. A batch refused as a whole ----------------------------------------------------------


def paid_before(server, desk, engine, client) -> int:
    """One registration sent earlier and paid since: the pass must bring the payment back."""
    earlier = record(desk, codes(1, start=500)[0], first="Inès")
    engine.sync_once(desk._conn, client)
    server.set_payment(desk.get(earlier.id).national_id, "paid", 7000, "2025-11-20")
    return earlier.id


def test_a_server_with_a_smaller_batch_limit_gets_everything(server, desk, clock):
    direct, link = enrolled_client(server, desk)
    engine = SyncEngine(database(desk), lambda: direct, vault=desk.vault, clock=clock)
    with direct:
        earlier = paid_before(server, desk, engine, direct)
    saved = [record(desk, c, first="Tom") for c in codes(30)]
    with Front(server.url) as front, ApiClient(front.url, link._token()) as client:
        front.max_items = 7
        status = engine.sync_once(desk._conn, client)
        refused = [n for n, s in front.batches if s == 413]
        assert len(refused) <= 4, front.batches  # 30 > 7, 15 > 7, then the size is known
    assert status.state == "online" and status.pending == 0 and status.to_check == 0
    assert all(desk.get(v.id).state is State.CONFIRMED for v in saved)
    assert len(ours(server)) == 31
    assert desk.get(earlier).state is State.PAID, "the changes were brought back"


@pytest.mark.parametrize("refusal", [400, 413, 422])
def test_a_poisoned_registration_goes_to_check_and_never_blocks_the_others(
    qtbot, server, desk, clock, refusal
):
    direct, link = enrolled_client(server, desk)
    engine = SyncEngine(database(desk), lambda: direct, vault=desk.vault, clock=clock)
    with direct:
        earlier = paid_before(server, desk, engine, direct)
    saved = [record(desk, c, first="Tom") for c in codes(20)]
    poisoned = saved[13]
    with Front(server.url) as front, ApiClient(front.url, link._token()) as client:
        front.poisoned, front.poisoned_status = {poisoned.code}, refusal
        status = engine.sync_once(desk._conn, client)
        assert len(front.batches) < len(saved), front.batches  # halves, not one each
        asked = len(front.batches)
        engine.sync_once(desk._conn, client)
        assert len(front.batches) == asked, "the poisoned one is not sent again and again"
    assert status.state == "online" and status.pending == 0 and status.to_check == 1
    assert [v.id for v in desk.to_check()] == [poisoned.id]
    assert desk.get(poisoned.id).national_reason == "unsendable"
    make_application([])
    page = ToCheckPage(desk.to_check)  # what the treasurer reads
    qtbot.addWidget(page)
    assert page.results.count() == 1
    assert national_texts.NATIONAL_REASONS["unsendable"] in page.results.item(0).text()
    others = [v for v in saved if v is not poisoned]
    assert all(desk.get(v.id).state is State.CONFIRMED for v in others)
    assert sorted(r["code"] for r in ours(server)) == sorted(
        [desk.get(earlier).code] + [v.code for v in others]
    )
    assert desk.get(earlier).state is State.PAID, "the changes were brought back"
