"""The forum's main desk found on the venue's network, by DNS-SD over multicast DNS.

The main desk (the hub) announces its HTTPS service under ``SERVICE_TYPE``, with the club's
name, who opened it and the start of its certificate's fingerprint in TXT; the other laptops
list what they hear, so that nobody has to type an address. Nothing heard is trusted: the
fingerprint lets a desk tell a look-alike apart, the pairing checks the certificate itself.

``Announcement(..., addresses=["127.0.0.1"])`` and ``Browser(..., interfaces=["127.0.0.1"])``
keep zeroconf on the loopback alone: it then multicasts on ``lo`` only, which is how the tests
run inside a private network namespace (``ip link set lo up`` is all it needs there).
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import ipaddress
import logging
import queue
import re
import secrets
import threading
import time
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass

import ifaddr
from zeroconf import (
    InterfaceChoice,
    NonUniqueNameException,
    ServiceBrowser,
    ServiceInfo,
    ServiceStateChange,
    Zeroconf,
)
from zeroconf.asyncio import AsyncServiceInfo

SERVICE_TYPE = "_passsport-club._tcp.local."
VERSION = "1"  # of the TXT properties; a record of another version is not listed
FINGERPRINT_CHARS = 16
RESOLVE_TIMEOUT_MS = 3000
# zeroconf keeps the name of a service for 75 minutes by default: a main desk that went
# away without saying goodbye (battery, wifi) leaves the lists after two minutes instead.
TTL_S = 120
NAME_ATTEMPTS = 5  # instance names tried before giving up (each a fresh random suffix)
_LABEL_BYTES = 63  # a DNS label, hence an instance name
_TXT_BYTES = 255  # one "key=value" string of a TXT record
_FINGERPRINT = re.compile(f"[0-9a-f]{{{FINGERPRINT_CHARS}}}")

log = logging.getLogger("passsport.discovery")

UNAVAILABLE_MESSAGE = (
    "La recherche automatique des postes est impossible sur ce réseau : "
    "saisissez l'adresse du poste principal."
)


class DiscoveryUnavailable(Exception):
    """Multicast DNS cannot run here (no interface up, port refused, no address to
    announce): the desk types the main desk's address instead. ``str()`` says so in
    French; ``reason`` is the code for the interface's own wording."""

    reason = "discovery_unavailable"

    def __init__(self, message: str = UNAVAILABLE_MESSAGE) -> None:
        super().__init__(message)


@dataclass(frozen=True)
class FoundHub:
    """A main desk heard on the network. ``name`` is its service instance name (unique on
    the network), ``addresses`` IPv4 first, then IPv6."""

    name: str
    club: str
    opened_by: str
    fingerprint: str
    addresses: tuple[str, ...]
    port: int

    @property
    def url(self) -> str:
        host = self.addresses[0]
        if ":" in host:  # IPv6, its zone escaped as RFC 6874 asks
            host = "[" + host.replace("%", "%25") + "]"
        return f"https://{host}:{self.port}"


def _truncate(text: str, limit: int) -> str:
    """At most ``limit`` bytes of UTF-8, never cutting a character in two."""
    return text.encode("utf-8", "replace")[:limit].decode("utf-8", "ignore")


def _printable(text: str) -> str:
    return "".join(ch for ch in text if not unicodedata.category(ch).startswith("C"))


def _new_suffix() -> str:
    return secrets.token_hex(2)


def _instance_name(club: str, suffix: str) -> str:
    """The club's name fitted in one DNS label, with a suffix so that two main desks of one
    club differ. Dots would split the label on the wire: they become spaces."""
    tail = f" ({suffix})"
    base = _printable(unicodedata.normalize("NFC", club).replace(".", " "))
    base = " ".join(base.split()) or "pass'Sport Club"
    return _truncate(base, _LABEL_BYTES - len(tail.encode())).rstrip() + tail


def _txt(key: str, value: str) -> tuple[bytes, bytes]:
    value = unicodedata.normalize("NFC", value)
    return key.encode(), _truncate(value, _TXT_BYTES - len(key) - 1).encode()


def _own_addresses() -> list[str]:
    """The addresses another laptop may reach this one at: no loopback, no IPv6 link-local."""
    v4, v6 = [], []
    for adapter in ifaddr.get_adapters():
        for ip in adapter.ips:
            if isinstance(ip.ip, str):
                if not ipaddress.ip_address(ip.ip).is_loopback:
                    v4.append(ip.ip)
            else:
                address = ipaddress.ip_address(ip.ip[0])
                if not (address.is_loopback or address.is_link_local):
                    v6.append(str(address))
    return v4 + v6


def _local_networks() -> list[ipaddress.IPv4Network]:
    networks = []
    for adapter in ifaddr.get_adapters():
        for ip in adapter.ips:
            if isinstance(ip.ip, str):
                networks.append(ipaddress.ip_network(f"{ip.ip}/{ip.network_prefix}", strict=False))
    return networks


def _open_zeroconf(interfaces: list[str] | InterfaceChoice) -> Zeroconf:
    try:
        return Zeroconf(interfaces=interfaces)
    except (OSError, RuntimeError) as error:  # RuntimeError: "No interfaces to listen on"
        log.debug("multicast DNS unavailable: %s", type(error).__name__)
        raise DiscoveryUnavailable() from error


class Announcement:
    """The main desk's presence on the network, from construction until ``close()``.

    Registration probes the network for about a second and a half: it runs as a task on
    zeroconf's own event loop thread (``async_register_service``), so the constructor returns
    at once; ``wait_announced()`` tells when others can hear it. ``close()`` says goodbye,
    which takes about a quarter of a second: call it off the interface's thread."""

    def __init__(
        self,
        port: int,
        club: str,
        opened_by: str,
        fingerprint: str,
        addresses: list[str] | None = None,
    ) -> None:
        if not 0 < port < 65536:
            raise ValueError("port out of range")
        fingerprint = fingerprint.replace(":", "").lower()
        if not _FINGERPRINT.fullmatch(fingerprint[:FINGERPRINT_CHARS]):
            raise ValueError("fingerprint: hex digits expected")
        announced = list(addresses) if addresses is not None else _own_addresses()
        packed = [ipaddress.ip_address(address).packed for address in announced]
        if not packed:
            raise DiscoveryUnavailable()
        self._club = club
        self._port = port
        self._packed = packed
        self._properties = dict(
            [
                _txt("v", VERSION),
                _txt("club", club),
                _txt("by", opened_by),
                _txt("fp", fingerprint[:FINGERPRINT_CHARS]),
            ]
        )
        self._lock = threading.Lock()
        self._closed = False
        self._zc = _open_zeroconf(announced if addresses is not None else InterfaceChoice.All)
        assert self._zc.loop is not None
        self._registered = asyncio.run_coroutine_threadsafe(self._register(), self._zc.loop)

    async def _register(self) -> str:
        for _ in range(NAME_ATTEMPTS):
            suffix = _new_suffix()
            info = ServiceInfo(
                SERVICE_TYPE,
                f"{_instance_name(self._club, suffix)}.{SERVICE_TYPE}",
                port=self._port,
                properties=self._properties,
                addresses=self._packed,
                server=f"passsport-{secrets.token_hex(4)}.local.",
                host_ttl=TTL_S,
                other_ttl=TTL_S,
            )
            try:
                announcing = await self._zc.async_register_service(info)
            except NonUniqueNameException:
                log.debug("instance name already taken, trying another suffix")
                continue
            await announcing
            return info.name
        raise NonUniqueNameException

    def wait_announced(self, timeout_s: float) -> bool:
        """True once the announcement went out, False if not yet after ``timeout_s``."""
        try:
            self._registered.result(timeout_s)
        except TimeoutError:
            return False
        except concurrent.futures.CancelledError:
            return False
        except Exception as error:
            log.debug("announcement failed: %s", type(error).__name__)
            raise DiscoveryUnavailable() from error
        return True

    def close(self) -> None:
        with self._lock:
            if self._closed:
                return
            self._closed = True
        self._registered.cancel()
        self._zc.close()  # sends the goodbyes of what was registered

    def __enter__(self) -> Announcement:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _framed(text: bytes) -> bool:
    """Each string of a TXT record ends where the next begins, the last at the record's end
    (zeroconf reads an overrunning one as if it were whole)."""
    at = 0
    while at < len(text):
        at += 1 + text[at]
    return at == len(text)


def _read_hub(info: ServiceInfo, networks: list[ipaddress.IPv4Network]) -> FoundHub | None:
    """The hub a resolved record describes, or None when it is not one of ours."""
    if not _framed(info.text or b""):
        return None
    txt: dict[str, str | None] = {}
    for key, value in info.properties.items():
        txt.setdefault(
            key.decode("utf-8", "replace").lower(),
            None if value is None else value.decode("utf-8", "replace"),
        )
    fingerprint = (txt.get("fp") or "").lower()
    if txt.get("v") != VERSION or not _FINGERPRINT.fullmatch(fingerprint):
        return None
    port = info.port
    if port is None or not 0 < port < 65536:
        return None
    v4, v6, link_local = [], [], []
    for text in info.parsed_scoped_addresses():
        address = ipaddress.ip_address(text)
        if address.is_unspecified or address.is_multicast:
            continue
        if address.version == 4:
            v4.append(address)
        else:
            (link_local if address.is_link_local else v6).append(address)
    # A laptop may have several networks (a virtual one, say): the one shared comes first.
    v4.sort(key=lambda address: not any(address in network for network in networks))
    addresses = tuple(str(address) for address in v4 + (v6 or link_local))
    if not addresses:
        return None
    return FoundHub(
        name=info.name,
        club=_printable(txt.get("club") or ""),
        opened_by=_printable(txt.get("by") or ""),
        fingerprint=fingerprint,
        addresses=addresses,
        port=port,
    )


def _sort_key(hub: FoundHub) -> tuple[str, str, str]:
    return hub.club.casefold(), hub.opened_by.casefold(), hub.name


class Browser:
    """The main desks heard on the network, kept up to date from ``start()`` to ``close()``.

    zeroconf's browser thread hears names come and go; each name is resolved as a task on
    zeroconf's event loop (``AsyncServiceInfo``, never a blocking call there), and
    ``on_change`` receives the new sorted list on a thread of its own, once per change."""

    def __init__(
        self,
        on_change: Callable[[list[FoundHub]], None],
        interfaces: list[str] | None = None,
    ) -> None:
        self._on_change = on_change
        self._interfaces = interfaces
        self._lock = threading.Lock()
        self._hubs: dict[str, FoundHub] = {}
        self._latest: dict[str, int] = {}  # name -> number of its latest event
        self._events = 0
        self._resolving: set[concurrent.futures.Future] = set()
        self._changes: queue.SimpleQueue[list[FoundHub] | None] = queue.SimpleQueue()
        self._networks: list[ipaddress.IPv4Network] = []
        self._zc: Zeroconf | None = None
        self._browser: ServiceBrowser | None = None
        self._notifier: threading.Thread | None = None
        self._closed = False

    def start(self) -> None:
        """Raises DiscoveryUnavailable when multicast DNS cannot run here."""
        if self._zc is not None:
            raise RuntimeError("already started")
        self._networks = _local_networks()
        self._zc = _open_zeroconf(self._interfaces or InterfaceChoice.All)
        self._notifier = threading.Thread(
            target=self._notify, name="passsport-discovery", daemon=True
        )
        self._notifier.start()
        try:
            self._browser = ServiceBrowser(self._zc, SERVICE_TYPE, handlers=[self._on_service])
        except (OSError, RuntimeError) as error:
            self.close()
            raise DiscoveryUnavailable() from error

    def hubs(self) -> list[FoundHub]:
        with self._lock:
            return sorted(self._hubs.values(), key=_sort_key)

    def _on_service(
        self, zeroconf: Zeroconf, service_type: str, name: str, state_change: ServiceStateChange
    ) -> None:
        """On zeroconf's browser thread: a name came, changed or went."""
        with self._lock:
            if self._closed:
                return
            if state_change is ServiceStateChange.Removed:
                self._latest.pop(name, None)
                if self._hubs.pop(name, None) is not None:
                    self._publish()
                return
            self._events += 1
            self._latest[name] = event = self._events
            assert zeroconf.loop is not None
            future = asyncio.run_coroutine_threadsafe(self._resolve(name, event), zeroconf.loop)
            self._resolving.add(future)
        future.add_done_callback(self._resolved)

    def _resolved(self, future: concurrent.futures.Future) -> None:
        with self._lock:
            self._resolving.discard(future)

    async def _resolve(self, name: str, event: int) -> None:
        """On zeroconf's event loop. Whatever another program announced under our type, this
        never raises: a record that cannot be read is one that is not listed."""
        info = AsyncServiceInfo(SERVICE_TYPE, name)
        try:
            complete = await info.async_request(self._zc, RESOLVE_TIMEOUT_MS)
            hub = _read_hub(info, self._networks) if complete else None
        except Exception as error:
            log.debug("unreadable record ignored: %s", type(error).__name__)
            complete, hub = True, None
        with self._lock:
            if self._closed or self._latest.get(name) != event or not complete:
                return  # closed, superseded by a later event, or silent: nothing learnt
            if hub is None:
                changed = self._hubs.pop(name, None) is not None
            else:
                changed = self._hubs.get(name) != hub
                self._hubs[name] = hub
            if changed:
                self._publish()

    def _publish(self) -> None:
        self._changes.put(sorted(self._hubs.values(), key=_sort_key))

    def _notify(self) -> None:
        while (hubs := self._changes.get()) is not None:
            try:
                self._on_change(hubs)
            except Exception:
                log.exception("the list of main desks could not be shown")

    def close(self) -> None:
        with self._lock:
            if self._closed:
                return
            self._closed = True
            resolving = list(self._resolving)
        if self._browser is not None:
            self._browser.cancel()
        for future in resolving:
            future.cancel()
        if self._zc is not None:
            self._zc.close()
        self._changes.put(None)
        if self._notifier is not None and self._notifier is not threading.current_thread():
            self._notifier.join(timeout=5)

    def __enter__(self) -> Browser:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def find_hubs(timeout_s: float = 3.0, interfaces: list[str] | None = None) -> list[FoundHub]:
    """The main desks heard within ``timeout_s``, for the command line."""
    with Browser(lambda hubs: None, interfaces=interfaces) as browser:
        time.sleep(timeout_s)  # browsing for a while is the point: no event says "all heard"
        return browser.hubs()
