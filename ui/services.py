"""The one place that builds what a window works with.

The program (ui/shell.py, and again after a restore), training (ui/training.py), the
screenshot scripts and the tests all get their services here, so each runs the same
objects wired the same way; only the data, the clock and the dialogs differ.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from PySide6.QtPrintSupport import QPrinter
from PySide6.QtWidgets import QWidget

from app.desk import Desk
from app.settings import Settings
from app.treasury import Treasury
from sync.link import NationalLink
from ui.printing import ReceiptPrinter, ask_pdf_path, ask_printer
from ui.status import SyncBridge
from ui.treasurer_flow import Dialogs


def network_browser(on_change: Callable[[list], None]) -> Any:
    """The main desks announced on the venue's network (multicast DNS), as they come."""
    from sync.discovery import Browser  # zeroconf loads only when a desk looks for one

    return Browser(on_change)


def network_announcement(port: int, club: str, opened_by: str, fingerprint: str) -> Any:
    """This main desk announced on the venue's network until ``close()``."""
    from sync.discovery import Announcement

    return Announcement(port, club, opened_by, fingerprint)


@dataclass
class Services:
    """The desk's data and everything built over it for one window. ``training``: all of
    it is the training desk's (practice data, its own server)."""

    desk: Desk
    settings: Settings
    printer: ReceiptPrinter
    treasury: Treasury
    link: NationalLink
    bridge: SyncBridge
    training: bool = False
    treasurer_dialogs: Dialogs | None = None  # None: the program's own file dialogs
    # Where a print or a PDF goes (the dialogs; a file in the tests).
    choose_printer: Callable[[QWidget | None], QPrinter | None] = ask_printer
    choose_pdf: Callable[[QWidget | None, str], Path | None] = ask_pdf_path
    # The forum: where the main desk keeps its data (beside the database), how it listens
    # (``host``, ``port``: 127.0.0.1 in the tests), and how main desks are announced and
    # found on the network (sync/discovery.py; the tests pass ones that stay silent).
    forum_folder: Path | None = None
    hub_options: dict[str, Any] = field(default_factory=dict)
    browse: Callable[[Callable[[list], None]], Any] = network_browser
    announce: Callable[..., Any] = network_announcement
    # The forum's files: the USB key of a transfer, the file to import, the closing
    # backup's folder (ui/forum_usb.py ForumFiles; the tests answer with their own).
    forum_files: Any = None
    database: Path | None = None  # the desk's database file (the closing backup)

    def close(self) -> None:
        """Stop the national link and the forum's main desk if this computer is it, then
        let go of every connection."""
        self.link.close_hub()
        self.link.stop()
        self.treasury.close()
        self.desk.close()


def build_services(
    desk: Desk,
    settings: Settings,
    database: Path,
    *,
    training: bool = False,
    choose_printer: Callable[[QWidget | None], QPrinter | None] = ask_printer,
    choose_pdf: Callable[[QWidget | None, str], Path | None] = ask_pdf_path,
    treasurer_dialogs: Dialogs | None = None,
    hub_options: dict[str, Any] | None = None,
    browse: Callable[[Callable[[list], None]], Any] = network_browser,
    announce: Callable[..., Any] = network_announcement,
    forum_files: Any = None,
    **link_options,
) -> Services:
    """The services over ``desk``, whose database file is ``database``. ``link_options``
    go to the national link (its engine's pace, a token kept in memory for training);
    ``hub_options``, ``browse``, ``announce`` and ``forum_files`` serve the forum (see
    :class:`Services`)."""
    bridge = SyncBridge()
    link_options.setdefault("clock", desk.now)
    link = NationalLink(database, bridge.publish, vault=desk.vault, **link_options)
    return Services(
        desk=desk,
        settings=settings,
        printer=ReceiptPrinter(desk, settings, choose_printer, choose_pdf, training=training),
        treasury=Treasury(database, desk.vault, desk.seasons, desk.now),
        link=link,
        bridge=bridge,
        training=training,
        treasurer_dialogs=treasurer_dialogs,
        choose_printer=choose_printer,
        choose_pdf=choose_pdf,
        forum_folder=database.parent / "forum",
        hub_options=dict(hub_options or {}),
        browse=browse,
        announce=announce,
        forum_files=forum_files,
        database=database,
    )
