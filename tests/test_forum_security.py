"""Who may join a forum and what a stranger gets, over real TLS on 127.0.0.1: wrong pairing
codes (locked after :data:`sync.pairing.ATTEMPTS`), an expired code, a look-alike main
desk in the middle with a certificate of its own, a pinned desk facing another certificate,
a revoked desk, replayed pairing messages, the desk of another club; no personal data in
the main desk's log, its key readable by its owner only, pairing over TLS only."""

import contextlib
import json
import socket
import ssl
import threading
import uuid
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx
import pytest

from app.seasons import load_seasons
from sync.client import ApiClient, RetryLater, Unauthorized
from sync.forum import Hub, hub_certificate, join_hub, pinned_context
from sync.pairing import (
    ATTEMPTS,
    CODE_MINUTES,
    DeskPairing,
    PairingRefused,
    certificate_fingerprint,
)
from tests.factories import Clock
from tests.forum_desk_child import CLUB, NOW, PEOPLE, STEP_S, code_text, join, start_desk, start_hub

pytestmark = pytest.mark.timeout(120)
OTHER_CLUB = {"name": "Aviron de Caen", "siret": "35600000000048", "rna": "W141000017"}


@pytest.fixture
def clock():
    return Clock(NOW)


@pytest.fixture
def hub(tmp_path, clock):
    with Hub(tmp_path / "hub", CLUB, load_seasons(), opened_by="Marie", host="127.0.0.1",
             port=0, clock=clock) as started:  # fmt: skip
        yield started


def unverified() -> ssl.SSLContext:
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    context.check_hostname, context.verify_mode = False, ssl.CERT_NONE
    return context


def pinned_client(joined) -> ApiClient:
    return ApiClient(joined.url, joined.token, verify=pinned_context(joined.certificate_pem))


def redeem(client: ApiClient, code: str, key: str) -> dict:
    last, first, _ = PEOPLE[0]
    item = {"idempotency_key": key, "code": code, "recorded_at": NOW.isoformat(),
            "young_person": {"last_name": last, "first_name": first, "birth_date": "2014-03-15"}}  # fmt: skip
    return client.redeem_batch([item]).body["results"][0]


def other(code: str) -> str:
    return f"{(int(code) + 1) % 10**6:06d}"


# -- the pairing code -------------------------------------------------------------------------


def test_wrong_codes_lock_the_code_after_five_and_no_token_is_given(hub):
    shown = hub.new_code()
    for _ in range(ATTEMPTS):
        with pytest.raises(PairingRefused) as refused:
            join_hub(hub.local_url, other(shown.code), "Intrus")
        assert refused.value.reason == "wrong_code"
    with pytest.raises(PairingRefused) as refused:
        join_hub(hub.local_url, shown.code, "Poste A")  # even the right one, now
    assert refused.value.reason == "locked"
    assert hub.devices() == [] and hub.pairing.shown is None
    # The main desk shows a new code: that one works.
    assert join_hub(hub.local_url, hub.new_code().code, "Poste A").token
    assert [d["name"] for d in hub.devices()] == ["Poste A"]


def test_a_code_works_for_ten_minutes_then_is_refused_as_expired(hub, clock):
    shown = hub.new_code()
    clock.now += timedelta(minutes=CODE_MINUTES)
    with pytest.raises(PairingRefused) as refused:
        join_hub(hub.local_url, shown.code, "Poste A")
    assert refused.value.reason == "expired"
    shown = hub.new_code()
    clock.now += timedelta(minutes=CODE_MINUTES) - timedelta(seconds=1)
    assert join_hub(hub.local_url, shown.code, "Poste A").token
    assert len(hub.devices()) == 1


class LookAlike:
    """A main desk in the middle: TLS with a certificate of its own, every request relayed
    to the real main desk and its answer relayed back (what a stranger's laptop on the
    venue's wifi could do). ``paths`` are the requests it relayed."""

    def __init__(self, folder: Path, target: str, protocol: str = "HTTP/1.1") -> None:
        cert, key = hub_certificate(folder, "Faux poste principal")
        tls = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        tls.load_cert_chain(cert, key)
        self.paths: list[str] = []
        relay = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = protocol  # HTTP/1.0: one request a connection

            def log_message(self, format, *args):
                pass

            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                relay.paths.append(self.path)
                headers = {"Content-Type": "application/json"}
                if self.headers.get("Authorization"):
                    headers["Authorization"] = self.headers["Authorization"]
                with httpx.Client(base_url=target, verify=unverified()) as upstream:
                    answer = upstream.post(self.path, content=body, headers=headers)
                self.send_response(answer.status_code)
                self.send_header("Content-Type", answer.headers.get("Content-Type", ""))
                self.send_header("Content-Length", str(len(answer.content)))
                self.end_headers()
                self.wfile.write(answer.content)

            do_GET = do_POST

        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._httpd.socket = tls.wrap_socket(self._httpd.socket, server_side=True)
        self._thread = threading.Thread(target=self._httpd.serve_forever, args=(0.01,))
        self.address = f"127.0.0.1:{self._httpd.server_address[1]}"

    def __enter__(self) -> "LookAlike":
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()
        self._thread.join()


def test_a_look_alike_in_the_middle_cannot_join_nor_make_the_desk_join(tmp_path, hub):
    shown = hub.new_code()
    with LookAlike(tmp_path / "middle", hub.local_url) as middle:
        with pytest.raises(PairingRefused) as refused:
            join_hub(middle.address, shown.code, "Poste A")
    assert refused.value.reason == "wrong_code"
    # The desk stopped at the main desk's proof: it never sent its own, no token was made.
    assert middle.paths == ["/v1/forum/pairings"]
    assert hub.devices() == []
    # The real main desk, reached directly, takes the same code.
    assert join_hub(hub.local_url, shown.code, "Poste A").token


def test_a_look_alike_closing_each_connection_is_refused_too(tmp_path, hub):
    shown = hub.new_code()
    with LookAlike(tmp_path / "middle", hub.local_url, protocol="HTTP/1.0") as middle:
        with pytest.raises(PairingRefused) as refused:
            join_hub(middle.address, shown.code, "Poste A")
    assert refused.value.reason == "wrong_code"
    assert hub.devices() == []


def test_a_joined_desk_refuses_a_main_desk_with_another_certificate(tmp_path, expected_warnings):
    real = start_hub(tmp_path / "real", national=False)
    desk = start_desk(tmp_path / "a", "Poste A")
    look_alike = None
    try:
        join(desk, real)
        assert desk.ask(cmd="sync")["state"] == "online"
        real.kill()
        # Another main desk (its own certificate) answers at the same address.
        look_alike = start_hub(tmp_path / "look-alike", national=False, port=real.ready["port"])
        assert look_alike.ready["fingerprint"] != real.ready["fingerprint"]
        desk.ask(cmd="record", number=1, check=False)
        assert desk.ask(cmd="sync")["state"] == "certificate_refused"
        assert desk.ask(cmd="check", code=code_text(1))["error"] == "CertificateRefused"
        assert look_alike.ask(cmd="held")["held"] == []
        assert desk.ask(cmd="states")["pending"] == 1  # kept, to send to the real one
    finally:
        for child in (desk, look_alike, real):
            if child is not None:
                child.close()


# -- after pairing -------------------------------------------------------------------------------


def test_a_revoked_desk_is_refused_and_asked_to_join_again(tmp_path, hub, expected_warnings):
    desk = start_desk(tmp_path / "a", "Poste A")
    try:
        joined = desk.ask(cmd="join", address=f"127.0.0.1:{hub.port}", code=hub.new_code().code)
        assert desk.ask(cmd="record", number=1)["outcome"] == "saved"
        assert desk.ask(cmd="sync")["state"] == "online"
        hub.revoke(joined["device_id"])
        desk.ask(cmd="record", number=2, check=False)
        assert desk.ask(cmd="sync")["state"] == "needs_enrolment"
        assert desk.ask(cmd="check", code=code_text(1))["error"] == "Unauthorized"
        token = json.loads((tmp_path / "a" / "keyring.json").read_text())
        (token,) = token.values()
        with ApiClient(hub.local_url, token, verify=pinned_context(hub.certificate_pem)) as raw:
            with pytest.raises(Unauthorized):
                raw.changes(None)
        assert [r["code"] for r in hub.store.redemptions()] == [code_text(1)]
    finally:
        desk.close()


def _exchange_start(http: httpx.Client, message: str) -> tuple[httpx.Response, str]:
    answer = http.post("/v1/forum/pairings", json={"desk_name": "Poste A", "message": message})
    der = answer.extensions["network_stream"].get_extra_info("ssl_object").getpeercert(True)
    return answer, certificate_fingerprint(der)


def test_replayed_pairing_messages_give_no_token(hub):
    code = hub.new_code().code
    desk = DeskPairing(code)
    with httpx.Client(base_url=hub.local_url, verify=unverified()) as http:
        first, fingerprint = _exchange_start(http, desk.message)
        proof = desk.answer(first.json(), fingerprint)
        exchange = first.json()["exchange_id"]
        # The desk's first message sent again: a new exchange, whose key the replayer lacks.
        replayed, _ = _exchange_start(http, desk.message)
        assert replayed.status_code == 201
        again = replayed.json()["exchange_id"]
        refused = http.post(f"/v1/forum/pairings/{again}", json={"proof": proof})
        assert (refused.status_code, refused.json()["type"]) == (
            403, "urn:passsport:problem:pairing-wrong_code")  # fmt: skip
        # An exchange serves once, right or wrong: a guessed proof spends it.
        guessed = http.post(f"/v1/forum/pairings/{exchange}", json={"proof": "AAAA"})
        assert guessed.status_code == 403
        late = http.post(f"/v1/forum/pairings/{exchange}", json={"proof": proof})
        assert late.status_code == 403 and late.json()["type"].endswith("unknown_exchange")
        # A desk starting over joins; its proof sent again, and its first message, give nothing.
        desk = DeskPairing(code)
        third, fingerprint = _exchange_start(http, desk.message)
        proof, exchange = desk.answer(third.json(), fingerprint), third.json()["exchange_id"]
        assert http.post(f"/v1/forum/pairings/{exchange}", json={"proof": proof}).status_code == 201
        twice = http.post(f"/v1/forum/pairings/{exchange}", json={"proof": proof})
        assert twice.status_code == 403 and twice.json()["type"].endswith("unknown_exchange")
        after, _ = _exchange_start(http, desk.message)  # the code is spent
        assert after.status_code == 403 and after.json()["type"].endswith("no_code")
    assert len(hub.devices()) == 1


def test_a_desk_of_another_club_reads_nothing_here(tmp_path, hub, clock):
    with Hub(tmp_path / "other", OTHER_CLUB, load_seasons(), opened_by="Paul", host="127.0.0.1",
             port=0, clock=clock) as elsewhere:  # fmt: skip
        ours = join_hub(hub.local_url, hub.new_code().code, "Poste A")
        theirs = join_hub(elsewhere.local_url, elsewhere.new_code().code, "Poste Z")
        assert ours.club["siret"] == CLUB["siret"] and theirs.club["siret"] == OTHER_CLUB["siret"]
        with pinned_client(theirs) as client:
            assert redeem(client, code_text(9), str(uuid.uuid4()))["status"] == "accepted"
        with pinned_client(ours) as client:
            assert redeem(client, code_text(1), str(uuid.uuid4()))["status"] == "accepted"
            codes = [item["code"] for item in client.changes(None).body["items"]]
            assert codes == [code_text(1)]
            assert client.check_code(code_text(9))["state"] == "available"
        # Each token works at its own main desk only, whatever the certificate trusted.
        for joined, where in ((theirs, hub), (ours, elsewhere)):
            with ApiClient(where.local_url, joined.token,
                           verify=pinned_context(where.certificate_pem)) as client:  # fmt: skip
                with pytest.raises(Unauthorized):
                    client.changes(None)
                with pytest.raises(Unauthorized):
                    client.check_code(code_text(1))


# -- the main desk's own ------------------------------------------------------------------------


def test_the_main_desk_logs_no_personal_data_and_keeps_its_key_to_itself(tmp_path):
    hub = start_hub(tmp_path / "hub", national=False, umask=0)
    a, b = start_desk(tmp_path / "a", "Poste A"), start_desk(tmp_path / "b", "Poste B")
    secrets = []
    try:
        for desk in (a, b):
            code = hub.ask(cmd="code")["code"]
            secrets.append(code)
            assert "device_id" in desk.ask(cmd="join", address=hub.ready["address"], code=code)
        assert a.ask(cmd="join", address=hub.ready["address"], code="000000")["error"]
        for number in range(4):
            assert a.ask(cmd="record", number=number)["outcome"] == "saved"
        b.ask(cmd="record", number=0, check=False)  # a conflict
        for desk in (a, b):
            assert desk.ask(cmd="sync")["state"] == "online"
        assert len(hub.ask(cmd="conflicts")["conflicts"]) == 1
        hub.ask(cmd="forward")
    finally:
        for child in (a, b, hub):
            child.close()
    log = (tmp_path / "hub" / "hub.log").read_text(encoding="utf-8")
    log += (tmp_path / "hub" / "stderr.txt").read_text(encoding="utf-8")
    assert "a desk joined the forum" in log  # it does log, without saying who
    for desk in ("a", "b"):
        secrets += json.loads((tmp_path / desk / "keyring.json").read_text()).values()
    planted = [part for person in PEOPLE for part in person]
    planted += ["2014-03-15", "2012-03-12", *(code_text(n) for n in range(4)), *secrets]
    found = [word for word in planted if word.lower() in log.lower()]
    assert found == []
    for key in ("key.pem", "seal.key"):  # the TLS key, the key of the names at rest
        mode = (tmp_path / "hub" / "forum" / key).stat().st_mode & 0o777
        assert mode == 0o600, (key, oct(mode))  # even with a umask that lets all read


def test_pairing_is_answered_over_tls_only(hub):
    shown = hub.new_code()
    for _ in range(ATTEMPTS + 1):
        with socket.create_connection(("127.0.0.1", hub.port), timeout=STEP_S) as plain:
            body = json.dumps({"desk_name": "Poste A", "message": DeskPairing(shown.code).message})
            plain.sendall(
                b"POST /v1/forum/pairings HTTP/1.1\r\nHost: x\r\nContent-Type: application/json"
                + f"\r\nContent-Length: {len(body)}\r\nConnection: close\r\n\r\n{body}".encode()
            )
            answer = b""
            with contextlib.suppress(ConnectionResetError):
                while chunk := plain.recv(65536):
                    answer += chunk
        assert b"exchange_id" not in answer and not answer.startswith(b"HTTP/1.1 2")
    with pytest.raises(RetryLater) as refused:
        join_hub(f"http://127.0.0.1:{hub.port}", shown.code, "Poste A")
    assert refused.value.reason == "bad_address"
    # Plain requests spent none of the code's attempts.
    assert join_hub(f"127.0.0.1:{hub.port}", shown.code, "Poste A").token
