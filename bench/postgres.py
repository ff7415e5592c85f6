"""A throwaway PostgreSQL cluster for the tests and the benches, from Debian's packages.

Its own folder, its own port on 127.0.0.1 (picked free, kept across restarts) and its own
Unix socket folder: it neither needs nor disturbs a system cluster on port 5432. Made for
speed, not safety (``fsync=off``): its data are gone at ``close()``.

initdb and postgres refuse to run as root: as root (CI), the cluster runs as the
``postgres`` system user (``nobody`` if there is none), its data in a folder under /tmp
that user can reach, since pytest's own folders sit in a 0700 parent.

Debian's package it needs: ``postgresql`` (``make suite`` installs it as root).
"""

import atexit
import contextlib
import os
import pwd
import random
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import threading
import time
from pathlib import Path

PACKAGE = "postgresql"
DEBIAN_BINDIRS = Path("/usr/lib/postgresql")  # N/bin for each major version N installed
SUPERUSER = "postgres"
WAIT_S = 60  # far above a start on a loaded machine; reached only when it never comes
POLL_S = 0.05
PORT_ATTEMPTS = 3  # a port picked free may be taken by another process before postgres binds
SETTINGS = {
    "listen_addresses": "127.0.0.1",
    "fsync": "off",
    "full_page_writes": "off",
    # synchronous_commit stays on: a commit is then in the WAL file before it is answered,
    # so an immediate stop (a crash of the server, not of the machine) keeps it.
    "max_connections": "200",
    "shared_buffers": "32MB",
    "logging_collector": "off",  # the log is postgres's stderr, a file in the folder
    "log_line_prefix": "%m [%p] %q%u@%d ",
}
NAME = re.compile(r"[a-z_][a-z0-9_]{0,62}")
SOCKET_PATH_MAX = 107  # bytes, on Linux
LOWEST_PORT = 15000


class PostgresUnavailable(RuntimeError):
    """PostgreSQL's server programs are not on this machine."""


class PostgresError(RuntimeError):
    """The cluster did not do what was asked (the message ends with its log)."""


def find_bindir() -> Path:
    """The folder of the newest PostgreSQL server programs: Debian's
    /usr/lib/postgresql/N/bin, else the one of an ``initdb`` on the PATH."""
    needed = ("initdb", "postgres", "pg_isready", "psql")
    candidates = sorted(
        DEBIAN_BINDIRS.glob("*/bin"),
        key=lambda p: [int(x) for x in re.findall(r"\d+", p.parent.name)] or [0],
        reverse=True,
    )
    on_path = shutil.which("initdb")
    if on_path:
        candidates.append(Path(on_path).resolve().parent)
    for bindir in candidates:
        if all(os.access(bindir / name, os.X_OK) for name in needed):
            return bindir
    raise PostgresUnavailable(
        "PostgreSQL's server is not installed (no /usr/lib/postgresql/*/bin/initdb): "
        f"install Debian's package `{PACKAGE}` (apt-get install {PACKAGE}); "
        "`make suite` installs it by itself when run as root."
    )


def missing_server() -> str | None:
    """What to install for the cluster, when this machine lacks it."""
    try:
        find_bindir()
    except PostgresUnavailable as error:
        return str(error)
    return None


def free_port() -> int:
    """A port free on 127.0.0.1, below the range the system takes the local ports of
    connections from when it can: no connection made while the server is down (a client
    retrying it, say, which may even connect to itself on loopback) can then hold the port
    that ``start_server()`` takes again."""
    try:
        ephemeral = int(Path("/proc/sys/net/ipv4/ip_local_port_range").read_text().split()[0])
    except (OSError, ValueError, IndexError):
        ephemeral = 0
    pick = random.SystemRandom()  # its own: the tests may seed the module's
    for _ in range(100):
        port = pick.randrange(LOWEST_PORT, ephemeral) if ephemeral > LOWEST_PORT + 1000 else 0
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                continue
            return sock.getsockname()[1]
    raise PostgresError("no free port found on 127.0.0.1")


def _server_user() -> pwd.struct_passwd | None:
    """The user the cluster runs as when this process is root; None when it is not."""
    if os.geteuid() != 0:
        return None
    for name in ("postgres", "nobody"):
        with contextlib.suppress(KeyError):
            return pwd.getpwnam(name)
    raise PostgresError("running as root, and neither a `postgres` nor a `nobody` user exists")


_running: set["PostgresCluster"] = set()


@atexit.register
def _stop_left_running() -> None:
    """A cluster its owner forgot to close is stopped when Python exits."""
    for cluster in list(_running):
        cluster.stop_server()


class PostgresCluster:
    """A PostgreSQL cluster in ``folder`` (made if missing, removed by ``close()``):
    ``start()``, ``url``, ``new_database(name)``, ``restart()``, ``stop_server()``,
    ``start_server()``, ``close()``; a context manager too (``with`` starts it)."""

    def __init__(self, folder: Path) -> None:
        self.folder = Path(folder).absolute()
        self.log_path = self.folder / "postgres.log"
        self.port: int | None = None
        self._bindir: Path | None = None
        self._user = None
        self._scratch: Path | None = None  # the folder under /tmp, as root
        self._home = self.folder
        self._process: subprocess.Popen | None = None

    # -- what the tests use

    @property
    def url(self) -> str:
        return self.database_url("postgres")

    def database_url(self, name: str) -> str:
        if self.port is None:
            raise PostgresError("the cluster was never started")
        return f"postgresql://{SUPERUSER}@127.0.0.1:{self.port}/{name}"

    @property
    def running(self) -> bool:
        return self._process is not None and self._process.poll() is None

    def start(self) -> None:
        """Make the cluster (initdb) and start its server on a free port."""
        if self.port is not None:
            raise PostgresError("the cluster is already started")
        self._bindir = find_bindir()
        self._user = _server_user()
        self.folder.mkdir(parents=True, exist_ok=True)
        socket_path = self.folder / "sockets" / ".s.PGSQL.65535"
        if self._user is not None or len(os.fsencode(socket_path)) > SOCKET_PATH_MAX:
            # Reachable by the server's user (pytest's folders are in a 0700 one), and short
            # enough for the socket's path.
            self._scratch = Path(tempfile.mkdtemp(prefix="passsport-pg-", dir="/tmp"))
            self._scratch.chmod(0o755)
            self._home = self._scratch
        for folder in (self._data, self._sockets):
            folder.mkdir(mode=0o700)
            if self._user is not None:
                os.chown(folder, self._user.pw_uid, self._user.pw_gid)
        self._run(
            [
                str(self._bindir / "initdb"),
                f"--pgdata={self._data}",
                f"--username={SUPERUSER}",
                "--auth=trust",
                "--no-locale",
                "--encoding=UTF8",
                "--no-sync",
                "--no-instructions",
            ],
            self._as_server_user(),
        )
        for attempt in range(PORT_ATTEMPTS):
            self.port = free_port()
            try:
                self.start_server()
                return
            except PostgresError as error:
                if attempt + 1 == PORT_ATTEMPTS or "could not bind" not in str(error):
                    raise

    def new_database(self, name: str) -> str:
        """A new, empty database (a copy of template0); returns its URL."""
        create = f'CREATE DATABASE "{self._checked(name)}" TEMPLATE template0'
        if int((self._data / "PG_VERSION").read_text()) >= 15:
            # A copy of its files, not of its pages through the WAL: 25 ms rather than 300.
            create += " STRATEGY FILE_COPY"
        self.sql(create)
        return self.database_url(name)

    def drop_database(self, name: str) -> None:
        """Drops the database; FORCE terminates the backends still connected to it first
        (their clients then get an error, rather than the drop waiting for them)."""
        self.sql(f'DROP DATABASE IF EXISTS "{self._checked(name)}" WITH (FORCE)')

    def sql(self, *statements: str) -> str:
        """Runs each statement in its own transaction, as the superuser, in database
        ``postgres``; returns what psql printed (unaligned, no headers)."""
        if not self.running:
            raise PostgresError("the server is not running")
        command = [
            str(self._bindir / "psql"),
            "--no-psqlrc",
            "--quiet",
            "--no-align",
            "--tuples-only",
            "--set=ON_ERROR_STOP=1",
            f"--dbname={self.url}",
        ]
        for statement in statements:
            command += ["--command", statement]
        return self._run(command, [])

    def restart(self, immediate: bool = True) -> None:
        """Stops the server (``immediate``: a crash, no checkpoint; its startup then
        recovers from the WAL) and starts it again, on the same port."""
        self.stop_server(immediate=immediate)
        self.start_server()

    def stop_server(self, immediate: bool = True) -> None:
        """Stops the server (immediate: as pg_ctl -m immediate; else -m fast); its port and
        data stay, for ``start_server()``. The server's processes are killed if it has not
        stopped within WAIT_S."""
        process, self._process = self._process, None
        _running.discard(self)
        if process is None:
            return
        if process.poll() is None:
            process.send_signal(signal.SIGQUIT if immediate else signal.SIGINT)
            try:
                process.wait(WAIT_S)
            except subprocess.TimeoutExpired:
                # Not yet reaped, so its group is still its own: every backend goes too.
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(process.pid, signal.SIGKILL)
                process.wait(WAIT_S)

    def start_server(self) -> None:
        """Starts the server of the cluster made by ``start()`` on its port; returns once it
        accepts connections."""
        if self.port is None:
            raise PostgresError("start() first: the cluster is not made")
        if self.running:
            return
        settings = {
            **SETTINGS,
            "port": str(self.port),
            "unix_socket_directories": str(self._sockets),
        }
        command = [str(self._bindir / "postgres"), "-D", str(self._data)]
        for key, value in settings.items():
            command += ["-c", f"{key}={value}"]
        if threading.current_thread() is threading.main_thread():
            # Should this process die without closing it, the server is stopped all the
            # same (the signal follows the thread that started it: the main one only).
            prefix = self._as_server_user(["--pdeathsig=QUIT"])
        else:
            prefix = self._as_server_user()
        logged_before = self.log_path.stat().st_size if self.log_path.exists() else 0
        with self.log_path.open("ab") as log:
            self._process = subprocess.Popen(
                prefix + command,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                cwd=self._home,
                env=self._env(),
                start_new_session=True,
            )
        _running.add(self)
        try:
            self._wait_ready(logged_before)
        except BaseException:
            self.stop_server()
            raise

    def close(self) -> None:
        """Stops the server and removes the cluster's folders."""
        try:
            self.stop_server()
        finally:
            if self._scratch is not None:
                shutil.rmtree(self._scratch, ignore_errors=True)
            shutil.rmtree(self.folder, ignore_errors=True)

    def __enter__(self) -> "PostgresCluster":
        try:
            self.start()
        except BaseException:
            self.close()
            raise
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- inside

    @property
    def _data(self) -> Path:
        return self._home / "data"

    @property
    def _sockets(self) -> Path:
        return self._home / "sockets"

    def _as_server_user(self, options: list[str] | None = None) -> list[str]:
        """What runs a command as the server's user (as root) or with ``options`` of
        setpriv (util-linux), when this machine has it."""
        options = options or []
        setpriv = shutil.which("setpriv")
        if self._user is None:
            return [setpriv, *options, "--"] if setpriv and options else []
        if setpriv:
            ids = [f"--reuid={self._user.pw_uid}", f"--regid={self._user.pw_gid}"]
            return [setpriv, *ids, "--clear-groups", *options, "--"]
        runuser = shutil.which("runuser") or "/usr/sbin/runuser"
        return [runuser, "-u", self._user.pw_name, "--"]

    def _env(self) -> dict[str, str]:
        """This process's environment without the PG* variables a developer may have set
        for another server (PGHOST, PGOPTIONS...)."""
        env = {key: value for key, value in os.environ.items() if not key.startswith("PG")}
        env["LC_MESSAGES"] = "C"  # the log says "could not bind" in English
        return env

    def _run(self, command: list[str], prefix: list[str]) -> str:
        """Runs a command to its end, WAIT_S at most (then it and its children are
        killed); returns its output, or raises with it."""
        process = subprocess.Popen(
            prefix + command,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            cwd=self._home,
            env=self._env(),
            start_new_session=True,
        )
        try:
            output, _ = process.communicate(timeout=WAIT_S)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            output, _ = process.communicate()
            raise PostgresError(
                f"{Path(command[0]).name} took over {WAIT_S} s:\n{output.decode(errors='replace')}"
            ) from None
        text = output.decode(errors="replace")
        if process.returncode != 0:
            raise PostgresError(
                f"{Path(command[0]).name} failed (exit {process.returncode}):\n{text}"
            )
        return text

    def _wait_ready(self, logged_before: int) -> None:
        """Until pg_isready says the server accepts connections, WAIT_S at most."""
        check = [
            str(self._bindir / "pg_isready"),
            "--quiet",
            "--host=127.0.0.1",
            f"--port={self.port}",
            f"--username={SUPERUSER}",
            "--dbname=postgres",
            "--timeout=2",  # libpq's least; a refusal is at once, and it is asked again
        ]
        deadline = time.monotonic() + WAIT_S
        while True:
            if self._process.poll() is not None:
                raise PostgresError(
                    f"postgres stopped while starting (exit {self._process.returncode}):\n"
                    + self._log_since(logged_before)
                )
            ready = subprocess.run(
                check,
                stdin=subprocess.DEVNULL,
                capture_output=True,
                env=self._env(),
                timeout=WAIT_S,
                check=False,
            )
            if ready.returncode == 0:
                return
            if time.monotonic() > deadline:
                raise PostgresError(
                    f"postgres accepted no connection within {WAIT_S} s:\n"
                    + self._log_since(logged_before)
                )
            time.sleep(POLL_S)

    def _log_since(self, offset: int) -> str:
        with contextlib.suppress(OSError), self.log_path.open("rb") as log:
            log.seek(offset)
            return log.read()[-8000:].decode(errors="replace")
        return "(no log)"

    @staticmethod
    def _checked(name: str) -> str:
        if not NAME.fullmatch(name):
            raise ValueError(f"not a plain database name (a-z, 0-9, _; 63 at most): {name!r}")
        return name
