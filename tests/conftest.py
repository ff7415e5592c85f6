"""Strict test set-up: offscreen Qt, a private home folder per test, and failures on
warnings logged by the program, on Qt warnings (pytest-qt, see pyproject.toml), on
threads left running and on SQLite connections left open."""

import contextlib
import logging
import os
import sqlite3
import sys
import threading
from pathlib import Path

import keyring
import pytest
from hypothesis import settings

from tests.factories import MemoryKeyring

os.environ["QT_QPA_PLATFORM"] = "offscreen"
os.environ.pop("PASSSPORT_CLUB_HOME", None)

# Same examples on every run: the suite is deterministic.
settings.register_profile("ci", derandomize=True, deadline=None, print_blob=True)
settings.load_profile("ci")


# Names the tests type at the desk: none may ever reach a log.
PLANTED_NAMES = ("Plantévoix", "Zébulon", "Lefèvre", "Diallo", "Dupont", "Martin")


@pytest.fixture(scope="session", autouse=True)
def suite_log(tmp_path_factory):
    """Everything the program logs during the whole suite, at every level, in one file;
    at the end, no planted name may be in it."""
    path = tmp_path_factory.getbasetemp() / "suite.log"
    handler = logging.FileHandler(path, encoding="utf-8")
    handler.setLevel(logging.DEBUG)
    logger = logging.getLogger("passsport")
    logger.addHandler(handler)
    previous = logger.level
    logger.setLevel(logging.DEBUG)
    yield path
    logger.removeHandler(handler)
    logger.setLevel(previous)
    handler.close()
    text = path.read_text(encoding="utf-8")
    found = [name for name in PLANTED_NAMES if name.lower() in text.lower()]
    assert found == [], f"personal data in the logs: {found}"


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@pytest.fixture
def documents(tmp_path, monkeypatch):
    """A home folder of the test's own, with its Documents folder (as Qt finds them)."""
    home = tmp_path / "marie"
    (home / "Documents").mkdir(parents=True)
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.delenv("XDG_CONFIG_HOME", raising=False)
    return home / "Documents"


@pytest.fixture(autouse=True)
def home(tmp_path, monkeypatch):
    """Every test runs with its own PASSSPORT_CLUB_HOME; nothing touches the real folders."""
    root = tmp_path / "home"
    monkeypatch.setenv("PASSSPORT_CLUB_HOME", str(root))
    return root


class KeyClock:
    """The desk's clock for keys (ui.desk_pages.now_ms), moved on by hand: a scanner's
    Enter comes at once, a person's after a pause."""

    def __init__(self) -> None:
        self.ms = 1_000_000

    def __call__(self) -> int:
        return self.ms

    def pause(self, ms: int) -> None:
        self.ms += ms


@pytest.fixture
def key_clock(monkeypatch) -> KeyClock:
    import ui.desk_pages

    clock = KeyClock()
    monkeypatch.setattr(ui.desk_pages, "now_ms", clock)
    return clock


@pytest.fixture(autouse=True)
def memory_keyring(monkeypatch):
    """A keyring in memory, counted as secure like the system's (``app/secrets.py``)."""
    from app import secrets

    name = f"{MemoryKeyring.__module__}.{MemoryKeyring.__qualname__}"
    monkeypatch.setattr(secrets, "SECURE_BACKENDS", secrets.SECURE_BACKENDS | {name})
    saved = keyring.get_keyring()
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    yield backend
    keyring.set_keyring(saved)


@pytest.fixture(autouse=True)
def logged(request):
    """The warnings the program logged during the test; any left unexpected fails it."""
    handler = _Collect()
    logger = logging.getLogger("passsport")
    logger.addHandler(handler)
    yield handler.records
    logger.removeHandler(handler)
    if handler.records and "expected_warnings" not in request.fixturenames:
        lines = "\n".join(f"{r.levelname} {r.name}: {r.getMessage()}" for r in handler.records)
        pytest.fail(f"the program logged warnings:\n{lines}")


@pytest.fixture
def expected_warnings(logged):
    """Use in a test that makes the program log a warning on purpose; returns the records."""
    return logged


@pytest.fixture
def clock():
    """The desk's clock, in the 2025 campaign; a test may move it."""
    from tests.factories import Clock

    return Clock()


@pytest.fixture
def desk(clock):
    """The desk over a fresh database of the test's home folder, with a club profile."""
    from tests.factories import open_desk

    opened = open_desk(clock)
    yield opened
    opened.close()


@pytest.fixture
def server(tmp_path, clock):
    """A reference national server on 127.0.0.1 that takes any well-formed open code."""
    from sync.server import ReferenceServer

    with ReferenceServer(tmp_path / "national.sqlite3", open_codes=True, clock=clock) as started:
        yield started


@pytest.fixture(autouse=True)
def fail_on_leftover_threads():
    before = set(threading.enumerate())
    yield
    leftover = [t for t in threading.enumerate() if t not in before and t.is_alive()]
    for thread in leftover:
        thread.join(timeout=5)
    still = [t.name for t in leftover if t.is_alive()]
    if still:
        pytest.fail(f"threads left running: {still}")
    interface = sys.modules.get("ui.app")
    if interface is not None:  # with Qt, the program collects garbage on its own thread only
        interface.collect_if_due()


@pytest.fixture(autouse=True)
def windows_kept():
    """The test's windows, kept alive until pytest-qt has closed them (before any
    fixture's end: tests/ui_helpers.watch), then let go."""
    yield
    helpers = sys.modules.get("tests.ui_helpers")
    if helpers is not None:
        helpers.OPEN_WINDOWS.clear()


@pytest.fixture
def closes():
    """Closes at the end of the test what the test hands it, even when an assertion fails
    first: ``conn = closes(open_store(...))``."""
    things = []

    def keep(thing):
        things.append(thing)
        return thing

    yield keep
    for thing in reversed(things):
        thing.close()


@pytest.fixture(autouse=True)
def connections_closed(monkeypatch):
    """Every SQLite connection opened during a test, by the test or the program, is closed
    by its end. One left open is freed only when the garbage collector passes, and from
    Python 3.13 it warns then, failing whichever test runs at that moment: here it fails
    the test that opened it, on every Python. (Named to sort before the other automatic
    fixtures: it is checked last, once their threads are joined.)"""
    opened: list[tuple[sqlite3.Connection, str]] = []
    real_connect = sqlite3.connect
    tests = str(Path(__file__).parent)

    def connect(*args, **kwargs):
        conn = real_connect(*args, **kwargs)
        caller = frame = sys._getframe(1)
        while frame is not None and not frame.f_code.co_filename.startswith(tests):
            frame = frame.f_back
        frame = frame or caller  # the line of the test, or else of the program
        opened.append((conn, f"{Path(frame.f_code.co_filename).name}:{frame.f_lineno}"))
        return conn

    monkeypatch.setattr(sqlite3, "connect", connect)
    yield
    left = []
    for conn, where in opened:
        try:
            conn.in_transaction  # noqa: B018 (raises once closed)
        except sqlite3.ProgrammingError:
            continue
        left.append(where)
        with contextlib.suppress(sqlite3.ProgrammingError):  # made on another thread
            conn.close()
    if left:
        pytest.fail(f"SQLite connections left open, opened at: {', '.join(left)}")


@pytest.fixture(params=["sqlite", "postgresql"])
def service_db(request, tmp_path):
    """Where a redemption service keeps its state, once for each storage: an SQLite file,
    and a new PostgreSQL database. The same contract tests run on both."""
    if request.param == "postgresql":
        return request.getfixturevalue("postgres_url")
    return tmp_path / "national.sqlite3"


@pytest.fixture(scope="session")
def postgres_cluster(tmp_path_factory):
    """A throwaway PostgreSQL cluster on 127.0.0.1 (bench/postgres.py): one for the
    session of each worker, started when a test first asks for it. Without PostgreSQL's
    server on the machine, the tests that need it fail, saying what to install."""
    from bench.postgres import PostgresCluster, missing_server

    if missing := missing_server():
        pytest.fail(missing, pytrace=False)
    with PostgresCluster(tmp_path_factory.mktemp("postgres")) as cluster:
        yield cluster


@pytest.fixture
def postgres_url(postgres_cluster, request):
    """The URL of a new, empty database of the test's own on the session's cluster,
    dropped at the end (its connections terminated first). A test that stopped the server
    and left it down has it started again."""
    import re

    slug = re.sub(r"[^a-z0-9_]+", "_", request.node.name.lower())
    name = f"t{os.urandom(4).hex()}_{slug}"[:63]
    if not postgres_cluster.running:
        postgres_cluster.start_server()
    url = postgres_cluster.new_database(name)
    yield url
    if not postgres_cluster.running:
        postgres_cluster.start_server()
    postgres_cluster.drop_database(name)
