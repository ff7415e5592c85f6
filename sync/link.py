"""The club's link to the national service for one database: enrolment, token, engine.

Which server and which device live in the database's ``meta`` table; the token
lives in the system keyring (or, in training mode, in memory only).

At a forum, the desk sends to the forum's main desk instead (:mod:`sync.forum`): its
address, pinned certificate and device live in ``meta`` under ``forum_*``, beside the
national account, which stays as it was for after the forum (and, on the main desk, for
forwarding). The pull's cursor is the national one's aside while the forum lasts.
"""

import json
import socket
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from app import national, secrets
from app.logs import get_logger
from app.seasons import SeasonTable
from app.store import connect
from app.vault import Vault
from sync.client import ApiClient, ApiError, Enrolment, RetryLater, api_address
from sync.engine import SyncEngine, redemption_item
from sync.forum import Hub, Joined, join_hub, leave_hub, pem_fingerprint, pinned_context
from sync.status import SyncStatus

log = get_logger("link")

FORUM_CHECK_S = 1.0  # a desk waits this long for the main desk's word on a code
_FORUM_KEYS = ("forum_role", "forum_url", "forum_certificate", "forum_device_id", "forum_main")


@dataclass(frozen=True)
class ForumAccount:
    """The main desk this desk sends to. ``role``: ``main`` (this computer is it) or
    ``desk`` (joined)."""

    role: str
    url: str
    certificate_pem: str
    device_id: str
    main_desk: dict


class NationalLink:
    def __init__(
        self,
        db_path: Path,
        on_status: Callable[[SyncStatus], None] = lambda status: None,
        keep_token_in_memory: bool = False,
        vault: Vault | None = None,
        **engine_options,
    ) -> None:
        self._vault = vault
        self._db_path = db_path
        self._on_status = on_status
        self._memory_token: str | None = None
        self._forum_token: str | None = None
        self._in_memory = keep_token_in_memory
        self._engine_options = engine_options
        self.engine: SyncEngine | None = None
        self.hub: Hub | None = None  # this computer is the forum's main desk

    def _national_account(self) -> tuple[str | None, str | None]:
        """The national service's address and this device's token, read in one go."""
        conn = connect(self._db_path)
        try:
            url, device = (national.meta_get(conn, k) for k in ("api_url", "device_id"))
        finally:
            conn.close()
        if self._in_memory:
            return url, self._memory_token
        return url, secrets.load_secret(device) if device else None

    def _account(self) -> tuple[str | None, str | None]:
        """Where this desk sends now, and with which token: the main desk at a forum."""
        forum = self.forum()
        if forum is None:
            return self._national_account()
        token = self._forum_token if self._in_memory else secrets.load_secret(forum.device_id)
        return forum.url, token

    def receipt_prefix(self) -> str | None:
        """What this desk's receipt numbers start with (the main desk keeps it unique)."""
        conn = connect(self._db_path)
        try:
            return national.meta_get(conn, "device")
        finally:
            conn.close()

    def forum(self) -> ForumAccount | None:
        conn = connect(self._db_path)
        try:
            values = {key: national.meta_get(conn, key) for key in _FORUM_KEYS}
        finally:
            conn.close()
        if not all(values.values()):
            return None
        return ForumAccount(
            values["forum_role"], values["forum_url"], values["forum_certificate"],
            values["forum_device_id"], json.loads(values["forum_main"]),
        )  # fmt: skip

    def join(self, address: str, typed_code: str, desk_name: str = "") -> Joined:
        """Join the main desk at ``address`` with its pairing code, then send to it (network:
        call it off the interface thread). PairingRefused or RetryLater as
        :func:`sync.forum.join_hub` says."""
        name = desk_name or socket.gethostname()[:60] or "poste"
        joined = join_hub(address, typed_code, name, self.receipt_prefix())
        self.join_forum(joined)
        return joined

    def join_forum(self, joined: Joined, role: str = "desk") -> None:
        """Send to the main desk from now on (``role`` ``main`` on the main desk itself)."""
        self.stop()
        if self._in_memory:
            self._forum_token = joined.token
        else:
            secrets.save_secret(joined.device_id, joined.token)
        conn = connect(self._db_path)
        try:
            cursor = national.meta_get(conn, "sync_cursor")
            if self.forum() is None and cursor:
                national.meta_set(conn, "national_sync_cursor", cursor)
            national.meta_set(conn, "sync_cursor", None)
            national.meta_set(conn, "device", joined.receipt_prefix)  # unique at the forum
            for key, value in zip(_FORUM_KEYS, (
                role, joined.url, joined.certificate_pem, joined.device_id,
                json.dumps(joined.main_desk),
            ), strict=True):  # fmt: skip
                national.meta_set(conn, key, value)
        finally:
            conn.close()

    def follow_hub(self, found: list) -> bool:
        """The main desk this desk joined, heard at another address (the venue's network
        gave it a new one, or it started again elsewhere): send there from now on. Only
        an announcement of the pinned certificate counts, and the connection trusts that
        certificate alone, so a look-alike announcing the same cannot take the desk."""
        forum = self.forum()
        if forum is None or forum.role != "desk":
            return False
        pinned = pem_fingerprint(forum.certificate_pem)
        for hub in found:
            known = len(hub.fingerprint) >= 16 and pinned.startswith(hub.fingerprint.lower())
            if not known or not hub.addresses:
                continue
            host = hub.addresses[0]
            url = f"https://[{host}]:{hub.port}" if ":" in host else f"https://{host}:{hub.port}"
            if url == forum.url:
                return False
            conn = connect(self._db_path)
            try:
                national.meta_set(conn, "forum_url", url)
            finally:
                conn.close()
            if self.engine is not None:
                self.stop()
                self.start()
            return True
        return False

    def leave_forum(self) -> None:
        """Back to the national service, where the pull had stopped before the forum
        (network: off the interface thread). The main desk is told, when it answers, so
        that this desk's token stops working there. On the club's own laptop (linked to
        the national account), the registrations the main desk held without a national
        answer yet are sent again, to the national service itself, with their own keys:
        one the main desk forwards meanwhile is replayed, never counted twice."""
        forum = self.forum()
        self.stop()
        if forum is None:
            return
        token = self._account()[1]
        if forum.role == "desk" and token is not None:
            try:
                leave_hub(forum.url, forum.certificate_pem, token)
            except ApiError as error:
                log.info("the main desk was not told of the leaving (%s)", error)
        if not self._in_memory:
            secrets.forget_secret(forum.device_id)
        self._forum_token = None
        send_again = self.has_national_account()
        conn = connect(self._db_path)
        try:
            national.forget_forum(conn, send_again)
            national.meta_set(conn, "sync_cursor", national.meta_get(conn, "national_sync_cursor"))
            for key in (*_FORUM_KEYS, "national_sync_cursor", "forum_conflicts"):
                national.meta_set(conn, key, None)
        finally:
            conn.close()

    def open_hub(
        self, folder: Path, club: dict, seasons: SeasonTable, opened_by: str, **hub_options
    ) -> Hub:
        """Open the forum's main desk here (again after a restart: same certificate, same
        registrations), and send this desk's own registrations to it."""
        if self.hub is None:
            if self._vault is not None:  # sealed as the desk's own data, no key on disk
                hub_options.setdefault("seal_key", self._vault.derive("forum"))
            hub = Hub(
                folder, club, seasons, opened_by=opened_by, national=self.national_client,
                **hub_options,
            )  # fmt: skip
            hub.start()
            forum = self.forum()
            if forum is None or forum.role != "main" or self._account()[1] is None:
                self.join_forum(hub.own_desk(self.receipt_prefix()), role="main")
            elif forum.url != hub.local_url:  # another port this time
                conn = connect(self._db_path)
                try:
                    national.meta_set(conn, "forum_url", hub.local_url)
                finally:
                    conn.close()
                self.stop()
            self.hub = hub
        self.start()
        return self.hub

    def close_hub(self) -> None:
        """Stop serving the forum (the program quits, or the forum is closed)."""
        if self.hub is not None:
            self.stop()
            self.hub.stop()
            self.hub = None

    def forum_check(self, code: str) -> dict:
        """What the forum's main desk knows of ``code`` (the contract's CodeState, with
        ``desk``, ``recorded_at`` and ``holder_hint`` when another desk recorded it).
        RetryLater when it cannot answer within a second: the desk goes on alone. Network:
        call it off the interface thread."""
        import httpx

        forum = self.forum()
        if forum is None:
            raise RetryLater("no_forum")
        _, token = self._account()
        timeout = httpx.Timeout(FORUM_CHECK_S, connect=FORUM_CHECK_S)
        verify = pinned_context(forum.certificate_pem)
        with ApiClient(forum.url, token, verify=verify, timeout=timeout) as client:
            return client.check_code(code)

    def _tell_forum(self, conn, client: ApiClient) -> None:
        """After each pass at a forum: what this desk holds, for the closing summary; and
        the codes recorded at two desks, kept here to show even out of range."""
        if self.forum() is not None:
            client.forum_report(national.forum_report(conn))
            conflicts = client.forum_conflicts()
            national.meta_set(conn, "forum_conflicts", json.dumps(conflicts))

    def forum_conflicts(self) -> list[dict]:
        """The forum's codes recorded at two desks, as the main desk last said (no
        network): code, ``desk`` and ``recorded_at`` of the one to check, ``kept_desk``
        and ``kept_recorded_at`` of the one kept, and ``here``: ``kept``, ``to_check``
        or ``""``, what this desk holds of it."""
        forum = self.forum()
        if forum is None:
            return []
        conn = connect(self._db_path)
        try:
            saved = national.meta_get(conn, "forum_conflicts")
        finally:
            conn.close()
        conflicts = json.loads(saved) if saved else []
        for conflict in conflicts:
            here = {conflict.get("kept_device"): "kept", conflict.get("device_id"): "to_check"}
            conflict["here"] = here.get(forum.device_id, "")
        return conflicts

    def forum_search(self, text: str) -> list[dict]:
        """The forum's registrations matching ``text``, from the main desk (network: off
        the interface thread; RetryLater when it cannot be reached)."""
        if self.forum() is None:
            raise RetryLater("no_forum")
        with self._client() as client:
            return client.forum_search(text)

    def write_forum_bundle(self, folder: Path, desk_name: str = "") -> tuple[Path, int]:
        """« Transférer par clé USB »: this desk's registrations not yet at the main desk,
        sealed into a file in ``folder`` (:mod:`sync.forum_bundle`); its path and how many
        it holds. BundleError(``no_forum``) if this desk never joined one."""
        from datetime import UTC, datetime

        from sync.forum_bundle import BundleError, write_bundle

        forum = self.forum()
        token = self._account()[1] if forum is not None else None
        if forum is None or token is None:
            raise BundleError("no_forum")
        conn = connect(self._db_path, self._vault)
        try:
            items = [
                redemption_item(pending) for pending in national.pending_redeems(conn, 1_000_000)
            ]
            report = national.forum_report(conn)
        finally:
            conn.close()
        path = write_bundle(
            folder, device_id=forum.device_id, token=token,
            desk_name=desk_name or socket.gethostname()[:60] or "poste", items=items,
            report=report, now=datetime.now(UTC),
        )  # fmt: skip
        return path, len(items)

    def national_client(self) -> ApiClient | None:
        """A client of the club's national account, None without one (the main desk
        forwards the forum's registrations with it)."""
        url, token = self._national_account()
        return ApiClient(url, token) if url and token else None

    def has_national_account(self) -> bool:
        """Whether this computer is linked to the club's national account (its address
        and its token are kept here); no network."""
        return all(self._national_account())

    def _token(self) -> str | None:
        return self._account()[1]

    def configured(self) -> bool:
        return all(self._account())

    def enrol(self, api_url: str, enrolment_code: str, device_name: str = "") -> Enrolment:
        """Enrol this computer (network: call it off the interface thread)."""
        if not self._in_memory and not secrets.secure_keyring_available():
            raise secrets.KeyringUnavailable("no_secure_keyring")
        name = device_name or socket.gethostname()[:60] or "ordinateur"
        api_url = api_address(api_url)
        with ApiClient(api_url) as client:
            enrolment = client.enrol(" ".join(enrolment_code.split()).upper(), name)
        if self._in_memory:
            self._memory_token = enrolment.token
        else:
            secrets.save_secret(enrolment.device_id, enrolment.token)
        conn = connect(self._db_path)
        try:
            national.meta_set(conn, "api_url", api_url)
            national.meta_set(conn, "device_id", enrolment.device_id)
        finally:
            conn.close()
        return enrolment

    def _client(self) -> ApiClient:
        url, token = self._account()
        forum = self.forum()
        if forum is not None:
            return ApiClient(forum.url, token, verify=pinned_context(forum.certificate_pem))
        return ApiClient(url or "", token)

    def start(self) -> bool:
        """Start sending in the background, if this computer is enrolled."""
        if self.engine is None:
            if not self.configured():
                return False
            self.engine = SyncEngine(
                self._db_path,
                self._client,
                on_status=self._on_status,
                vault=self._vault,
                after_pass=self._tell_forum,
                **self._engine_options,
            )
            self.engine.start()
        else:
            self.engine.wake()
        return True

    def wake(self) -> None:
        if self.engine is not None:
            self.engine.wake()

    def stop(self) -> None:
        if self.engine is not None:
            self.engine.stop()
            self.engine = None
