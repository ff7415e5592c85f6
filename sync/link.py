"""The club's link to the national service for one database: enrolment, token, engine.

Which server and which device live in the database's ``meta`` table; the token
lives in the system keyring (or, in training mode, in memory only).
"""

import socket
from collections.abc import Callable
from pathlib import Path

from app import national, secrets
from app.store import connect
from app.vault import Vault
from sync.client import ApiClient, Enrolment, api_address
from sync.engine import SyncEngine
from sync.status import SyncStatus


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
        self._in_memory = keep_token_in_memory
        self._engine_options = engine_options
        self.engine: SyncEngine | None = None

    def _account(self) -> tuple[str | None, str | None]:
        """The national service's address and this device's token, read in one go."""
        conn = connect(self._db_path)
        try:
            url, device = (national.meta_get(conn, k) for k in ("api_url", "device_id"))
        finally:
            conn.close()
        if self._in_memory:
            return url, self._memory_token
        return url, secrets.load_secret(device) if device else None

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
