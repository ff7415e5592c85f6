"""Certificates are always checked; a refused one gets a plain answer, nothing is sent."""

import http.server
import re
import ssl
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import trustme

from sync.client import ApiClient, CertificateRefused

ROOT = Path(__file__).resolve().parent.parent


class _Hello(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        body = b'{"name": "Club"}'
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


class HttpsServer:
    def __init__(self, cert: trustme.LeafCert) -> None:
        self.httpd = http.server.HTTPServer(("127.0.0.1", 0), _Hello)
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        cert.configure_cert(context)
        self.httpd.socket = context.wrap_socket(self.httpd.socket, server_side=True)
        self.thread = threading.Thread(target=self.httpd.serve_forever, args=(0.05,))

    def __enter__(self):
        self.thread.start()
        return f"https://localhost:{self.httpd.server_address[1]}"

    def __exit__(self, *exc):
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join()


@pytest.fixture(scope="module")
def ca():
    return trustme.CA()


def trusting(ca: trustme.CA) -> ssl.SSLContext:
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ca.configure_trust(context)
    return context


def test_a_certificate_the_system_does_not_trust_is_refused(ca):
    with HttpsServer(ca.issue_cert("localhost")) as url, ApiClient(url, "t") as client:
        with pytest.raises(CertificateRefused):
            client.club()


def test_a_trusted_certificate_is_accepted(ca):
    """The control: the same server, with its authority trusted, answers."""
    with HttpsServer(ca.issue_cert("localhost")) as url:
        with ApiClient(url, "t", verify=trusting(ca)) as client:
            assert client.club() == {"name": "Club"}


def test_an_expired_certificate_is_refused_even_from_a_trusted_authority(ca):
    past = datetime.now(UTC) - timedelta(days=30)
    cert = ca.issue_cert("localhost", not_before=past - timedelta(days=60), not_after=past)
    with HttpsServer(cert) as url, ApiClient(url, "t", verify=trusting(ca)) as client:
        with pytest.raises(CertificateRefused):
            client.club()


def test_a_certificate_for_another_host_is_refused(ca):
    with HttpsServer(ca.issue_cert("service.example.org")) as url:
        with ApiClient(url, "t", verify=trusting(ca)) as client:
            with pytest.raises(CertificateRefused):
                client.club()


# The forum's two places, each checked otherwise: the pinned main desk's certificate is
# the only one trusted (its name does not matter), and the pairing exchange proves the
# certificate the desk saw before any token is given (tests/test_forum_security.py).
CHECKED_OTHERWISE = {("sync/forum.py", "pinned_context"), ("sync/forum.py", "join_hub")}


def test_no_code_turns_certificate_checks_off():
    pattern = re.compile(r"verify\s*=\s*False|CERT_NONE|check_hostname\s*=\s*False")
    offenders = []
    for folder in ("app", "ui", "sync"):
        for path in (ROOT / folder).rglob("*.py"):
            function = ""
            for line in path.read_text(encoding="utf-8").splitlines():
                if found := re.match(r"\s*def (\w+)", line):
                    function = found[1]
                place = (path.relative_to(ROOT).as_posix(), function)
                if pattern.search(line) and place not in CHECKED_OTHERWISE:
                    offenders.append(place)
    assert offenders == []


def test_the_redemption_service_serves_tls_with_its_own_certificate(ca, tmp_path):
    """As a forum's main desk will: the service over HTTPS, a desk that trusts its
    certificate enrols and reads its club; one that does not is refused before a byte."""
    from sync.server import ReferenceServer
    from sync.training import TRAINING_ENROLMENT_CODE

    leaf = ca.issue_cert("127.0.0.1")
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    leaf.cert_chain_pems[0].write_to_path(cert)
    leaf.private_key_pem.write_to_path(key)
    with ReferenceServer(tmp_path / "hub.sqlite3", tls=(cert, key)) as server:
        assert server.url.startswith("https://127.0.0.1:")
        with ApiClient(server.url, verify=trusting(ca)) as client:
            enrolment = client.enrol(TRAINING_ENROLMENT_CODE, "Stand 2")
        with ApiClient(server.url, enrolment.token, verify=trusting(ca)) as client:
            assert client.club()["siret"] == enrolment.club_siret
        with ApiClient(server.url, enrolment.token) as stranger, pytest.raises(CertificateRefused):
            stranger.club()
