"""« Transférer par clé USB »: a desk's registrations carried to the main desk on a key.

Where the forum has no network at all, a desk that joined the main desk once writes its
registrations not yet sent into one file on a USB key, and the main desk imports it. The
file is sealed and signed with AES-GCM under a key only that desk and the main desk can
make: derived (HKDF) from the desk's device token, which the main desk holds as its
SHA-256 and nobody else holds at all. So a key lost in the hall tells nothing of the
children on it, and a file changed, made up, or written by a desk withdrawn
(« Retirer ce poste ») is refused whole.

Importing goes through the same rules as a desk sending (:class:`ForumStore`): each
registration keeps its desk's idempotency key, so importing the file twice, or the desk
sending the same registrations later over the network, adds nothing; a code the forum
already holds from another desk turns "à vérifier" on both sides, as over the network.

The file: one JSON object, ``format``, ``version``, ``device_id``, ``created_at`` in
clear (bound to the seal as associated data), then ``nonce`` and ``sealed``.
"""

from __future__ import annotations

import base64
import json
import os
import secrets
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from app.errors import KnownError, storage_reason
from sync.forum_store import CLUB_ID, ForumStore
from sync.server_store import Device, hash_token
from sync.service import contract

FORMAT = "passsport-club forum bundle"
VERSION = 1
SUFFIX = ".passsport-forum"
MAX_BYTES = 64 * 1024 * 1024  # far above 10,000 registrations (about 4 MB)
_IMPORT_CHUNK = 500  # registrations judged in one transaction


class BundleError(KnownError):
    """``not_a_bundle`` (not this kind of file, or a newer version), ``unknown_desk``
    (a desk this main desk never joined, or another forum's), ``withdrawn_desk``,
    ``damaged`` (changed, cut short, or not sealed by that desk), ``too_large``,
    ``unreadable``, and the storage reasons (``disk_full``, ``read_only``...)."""


def _key(token_hash_hex: str, device_id: str) -> bytes:
    hkdf = HKDF(hashes.SHA256(), 32, salt=FORMAT.encode(), info=device_id.encode())
    return hkdf.derive(bytes.fromhex(token_hash_hex))


def _associated(header: dict[str, Any]) -> bytes:
    return json.dumps(header, sort_keys=True, separators=(",", ":")).encode()


def write_bundle(
    folder: Path,
    *,
    device_id: str,
    token: str,
    desk_name: str,
    items: list[dict[str, Any]],
    report: dict[str, Any],
    now: datetime,
) -> Path:
    """Seal ``items`` (redemption items, as a batch sends them) and ``report`` into a new
    file in ``folder``; its path. Written whole or not at all: a key pulled out mid-way
    leaves no half file under the bundle's name."""
    header = {
        "format": FORMAT,
        "version": VERSION,
        "device_id": device_id,
        "created_at": now.isoformat(timespec="seconds"),
    }
    payload = json.dumps({"desk_name": desk_name, "items": items, "report": report}).encode()
    nonce = secrets.token_bytes(12)
    sealed = AESGCM(_key(hash_token(token), device_id)).encrypt(nonce, payload, _associated(header))
    document = header | {
        "nonce": base64.b64encode(nonce).decode(),
        "sealed": base64.b64encode(sealed).decode(),
    }
    path = _new_name(folder, f"inscriptions-{_safe(desk_name)}-{now.strftime('%Y%m%d-%H%M%S')}")
    partial = path.with_name(path.name + ".partiel")
    try:
        with open(partial, "wb") as out:
            out.write(json.dumps(document).encode())
            out.flush()
            os.fsync(out.fileno())
        os.replace(partial, path)
    except OSError as error:
        partial.unlink(missing_ok=True)
        raise BundleError(storage_reason(error) or "write_failed", path=str(path)) from error
    return path


def _new_name(folder: Path, stem: str) -> Path:
    """``stem`` with the bundle's suffix in ``folder``, numbered after a file already
    there: two transfers in one second keep both files (a USB key's FAT has no links,
    so the check is by name)."""
    path, number = folder / f"{stem}{SUFFIX}", 1
    while path.exists() or path.with_name(path.name + ".partiel").exists():
        number += 1
        path = folder / f"{stem}-{number}{SUFFIX}"
    return path


def _safe(name: str) -> str:
    kept = "".join(ch if ch.isalnum() else "-" for ch in name)[:30].strip("-")
    return kept or "poste"


@dataclass(frozen=True)
class ImportSummary:
    """What an import did: ``added`` new registrations, ``already`` there (sent before or
    imported before), ``to_check`` codes the forum held from another desk, ``refused``
    (a code unknown or past, a key reused), and which desk the file came from."""

    desk_name: str
    added: int
    already: int
    to_check: int
    refused: int


def read_bundle(store: ForumStore, path: Path) -> tuple[Device, dict[str, Any]]:
    """The desk and the opened contents of the file at ``path``; BundleError if it is
    not a bundle of a desk of this forum, or was changed."""
    try:
        if path.stat().st_size > MAX_BYTES:
            raise BundleError("too_large", path=str(path))
        raw = path.read_bytes()
    except OSError as error:
        raise BundleError(storage_reason(error) or "unreadable", path=str(path)) from error
    try:
        document = json.loads(raw)
    except (ValueError, RecursionError):
        raise BundleError("not_a_bundle", path=str(path)) from None
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise BundleError("not_a_bundle", path=str(path))
    if document.get("version") != VERSION:
        raise BundleError("not_a_bundle", path=str(path))
    header = {name: document.get(name) for name in ("format", "version", "device_id", "created_at")}
    device = store.device_secret(str(header["device_id"]))
    if device is None:
        raise BundleError("unknown_desk", path=str(path))
    if device["revoked_at"] is not None:
        raise BundleError("withdrawn_desk", path=str(path))
    try:
        nonce = base64.b64decode(str(document.get("nonce")), validate=True)
        sealed = base64.b64decode(str(document.get("sealed")), validate=True)
        payload = AESGCM(_key(device["token_hash"], device["device_id"])).decrypt(
            nonce, sealed, _associated(header)
        )
        contents = json.loads(payload)
    except (ValueError, InvalidTag):
        raise BundleError("damaged", path=str(path)) from None
    if not isinstance(contents, dict) or not isinstance(contents.get("items"), list):
        raise BundleError("damaged", path=str(path))
    return Device(device["device_id"], CLUB_ID), contents


def import_bundle(store: ForumStore, path: Path) -> ImportSummary:
    """Add the registrations of the file at ``path`` to the forum, as if its desk had sent
    them; importing it again changes nothing."""
    device, contents = read_bundle(store, path)
    checker = contract()
    counts = {"added": 0, "already": 0, "to_check": 0, "refused": 0}
    items = contents["items"]
    for start in range(0, len(items), _IMPORT_CHUNK):
        chunk = items[start : start + _IMPORT_CHUNK]
        errors = [checker.first_error(checker.item, raw) for raw in chunk]
        results, _ = store.redeem_batch(device, chunk, errors)
        for result in results:
            status = result.get("status")
            if status == "accepted":
                counts["added"] += 1
            elif status == "replayed":
                counts["already"] += 1
            elif status == "already_redeemed" and result.get("by_this_club"):
                counts["to_check"] += 1
            else:
                counts["refused"] += 1
    report = contents.get("report")
    if isinstance(report, dict):
        store.save_report(device, report)
    name = contents.get("desk_name")
    return ImportSummary(name if isinstance(name, str) else "", **counts)
