"""The forum at this desk: which one this computer is at (the main desk, a desk joined to
one, or none), the Forum page that follows from it, and the status area's forum line.

The main desk's side is ui/forum_main.py, a joining desk's ui/forum_join.py. While at a
forum, the status area and the page shown are read again every :data:`REFRESH_MS` (a few
reads of a database, no network).
"""

import socket
from collections.abc import Callable

from PySide6.QtCore import QObject, QTimer

from app.errors import KnownError
from sync.status import SyncStatus
from ui.forum_join import JoinFlow
from ui.forum_main import MainDeskFlow
from ui.forum_pages import ForumChoicePage
from ui.status import forum_news
from ui.texts import errors as errors_texts
from ui.texts import forum as forum_texts

REFRESH_MS = 2000


class ForumFlow(QObject):
    def __init__(self, window, services) -> None:
        super().__init__(window)
        self.window = window
        self.services = services
        self.link = services.link
        self.desk = services.desk
        self.role: str | None = None  # "main", "desk" or None
        self.status: SyncStatus | None = None  # the last report of sending to the main desk
        self.closed = False
        self.computer = socket.gethostname()[:60] or "poste"
        self.main = MainDeskFlow(self)
        self.joining = JoinFlow(self)
        self._timer = QTimer(self, interval=REFRESH_MS)
        self._timer.timeout.connect(self.refresh)

    @property
    def offered(self) -> bool:
        """Training has its own server: no forum there."""
        return not self.services.training

    def start(self) -> None:
        """At the window's start: the forum this computer is at; a main desk serves its
        desks again after a restart."""
        forum = self.link.forum() if self.offered else None
        self.became(forum.role if forum else None)
        if forum is not None and forum.role == "main":
            self.main.open_hub(forum.main_desk.get("opened_by") or self.computer)
            self._show_status()

    def close(self) -> None:
        """The window closes: no more refreshes, no more browsing; the main desk stops."""
        if self.closed:
            return
        self.closed = True
        self._timer.stop()
        self.joining.stop_browsing()
        self.main.close()

    # The Forum page
    def open(self) -> None:
        """The main desk, the desk joined, or the choice."""
        if self.role == "main":
            self.main.show()
        elif self.role == "desk":
            self.joining.show_joined()
        else:
            page = ForumChoicePage()
            page.open_main.connect(self.open_main)
            page.join.connect(self.join)
            self.window.show_page(page)

    def open_main(self) -> None:
        self.main.open_hub(self.desk.volunteer or self.computer)
        if self.main.opening:
            self.became("main")
        self.main.show()

    def join(self, back: Callable[[], None] | None = None) -> None:
        self.joining.show(back)

    # What this computer is at
    def became(self, role: str | None) -> None:
        """Now at the forum as ``role`` (or at none): the status area, the home screen's
        tasks, the refreshes follow."""
        changed = role != self.role
        self.role = role
        if changed:
            self.status = None
        if role is None:
            self._timer.stop()
        else:
            self._timer.start()
        self._show_status()
        if changed or role == "main":
            self.window.build_home()
        self.refresh()

    def left(self, message: str) -> None:
        """This computer left the forum: the national service again, if it is linked."""
        self.link.start()
        self.became(None)
        self.open()
        self.window.show_message(message, "success")

    def report(self, error: BaseException) -> None:
        message = (
            errors_texts.describe(error)
            if isinstance(error, KnownError)
            else forum_texts.JOIN_ERRORS["unreachable"]
        )
        self.window.show_message(message, "error")

    def on_sync_status(self, status: SyncStatus) -> None:
        if self.role == "desk":
            self.status = forum_news(self.status, status)
            self.joining.refresh(self.window.stack.currentWidget())

    # Refreshing
    def _show_status(self) -> None:
        status = self.window.status
        if self.role == "main":
            if self.link.hub is not None:
                status.set_forum("main", len(self.main.desks()))
            else:
                status.set_forum("main", None, failed=not self.main.opening)
        else:
            status.set_forum(self.role)

    def refresh(self) -> None:
        """Every REFRESH_MS while at a forum: the status area, and the page shown."""
        if self.closed:
            return
        self._show_status()
        self.window.status.tick()
        page = self.window.stack.currentWidget()
        self.main.refresh(page)
        self.joining.refresh(page)
