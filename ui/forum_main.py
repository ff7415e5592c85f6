"""The forum's main desk on this computer: opening it (again after a restart), what its
page shows, a new pairing code, withdrawing a desk, closing it.

Opening, announcing and closing run on the window's background helper; what the page
shows is a few reads of the main desk's database, every refresh of ui/forum_flow.py.
"""

from datetime import datetime

from app.errors import KnownError
from sync.forum import RetryLater, local_addresses
from ui import french
from ui.actions import attempt
from ui.forum_closing import ClosingPage, ClosingView, closing_view, make_closing_backup
from ui.forum_main_page import MainDeskPage, MainDeskView
from ui.forum_usb import import_from_key
from ui.texts import errors as errors_texts
from ui.texts import forum as forum_texts
from ui.widgets import question

_ANY_HOST = (None, "", "0.0.0.0", "::")


def _clock(stamp: str | None) -> str:
    """``14 h 32``, from one of the main desk's stamps."""
    try:
        return french.clock(datetime.fromisoformat(stamp or ""))
    except ValueError:
        return ""


class MainDeskFlow:
    """``forum``: the ui.forum_flow.ForumFlow this serves (the window, the role)."""

    def __init__(self, forum) -> None:
        self.forum = forum
        self.window, self.services = forum.window, forum.services
        self.link, self.desk = forum.link, forum.desk
        self.opening = False
        self.error: str | None = None  # why it could not open, in words
        self._announcement = None
        self._announced = False
        self._own_device: str | None = None

    # Opening
    def open_hub(self, opened_by: str) -> None:
        """Open the main desk in the background (with the same folder, certificate and
        registrations as before), and announce it on the network."""
        if self.opening or self.link.hub is not None:
            return
        profile = self.desk.club_profile()
        if profile is None:
            self.error = forum_texts.NO_PROFILE
            return
        club = {"name": profile.name, "siret": profile.siret, "rna": profile.rna}
        folder, seasons = self.services.forum_folder, self.desk.seasons
        options = {"clock": self.desk.now, **self.services.hub_options}
        announce, link = self.services.announce, self.link

        def work():
            from sync.discovery import DiscoveryUnavailable

            hub = link.open_hub(folder, club, seasons, opened_by, **options)
            try:
                announcement = announce(hub.port, club["name"], opened_by, hub.fingerprint)
            except DiscoveryUnavailable:
                announcement = None  # the desks type the address
            return hub, announcement

        self.opening, self.error = True, None
        self.window.tasks.run(work, self._opened, self._failed)

    def _opened(self, opened) -> None:
        hub, announcement = opened
        self.opening = False
        self._announcement, self._announced = announcement, announcement is not None
        if self.forum.closed:  # the window closed meanwhile
            self.close()
            return
        forum = self.link.forum()
        self._own_device = forum.device_id if forum else None
        if hub.pairing.shown is None:
            hub.new_code()
        self.forum.became("main")

    def _failed(self, error: BaseException) -> None:
        self.opening = False
        known = isinstance(error, KnownError) and not isinstance(error, RetryLater)
        self.error = errors_texts.describe(error) if known else forum_texts.OPEN_FAILED
        page = self.window.stack.currentWidget()
        if isinstance(page, MainDeskPage):
            page.show_failed(self.error)
        forum = self.link.forum()
        self.forum.became(forum.role if forum else None)

    def close(self) -> None:
        """The window closes: the announcement says goodbye and the main desk stops, off
        the interface (the window waits a few seconds for them)."""
        announcement, self._announcement = self._announcement, None
        link = self.link

        def work() -> None:
            if announcement is not None:
                announcement.close()
            link.close_hub()

        self.window.tasks.run(work, lambda _: None, lambda _error: None)

    # The page
    def show(self) -> None:
        page = MainDeskPage()
        page.new_code.connect(self._new_code)
        page.revoke.connect(self._ask_revoke)
        page.close_main.connect(self._ask_close)
        page.retry.connect(lambda: self.open_hub(self.desk.volunteer or self.forum.computer))
        page.import_bundle.connect(lambda: import_from_key(self, page.import_button))
        page.closing.connect(self.show_closing)
        if self.error is not None and self.link.hub is None and not self.opening:
            page.show_failed(self.error)
        elif self.link.hub is not None:
            page.show_view(self.view())
        self.window.show_page(page)

    def refresh(self, page) -> None:
        if isinstance(page, MainDeskPage) and self.link.hub is not None:
            page.show_view(self.view())
        elif isinstance(page, ClosingPage) and self.link.hub is not None:
            page.show_view(self.closing_view())

    # Closing the forum
    def show_closing(self) -> None:
        """« Clôturer le forum »: the summary, the closing backup, then closing."""
        if self.link.hub is None:
            return
        page = ClosingPage()
        page.backup_usb.connect(lambda: make_closing_backup(self, page, to_usb=True))
        page.backup_here.connect(lambda: make_closing_backup(self, page, to_usb=False))
        page.close_main.connect(self._ask_close)
        page.back.connect(self.show)
        page.show_view(self.closing_view())
        self.window.show_page(page)

    def closing_view(self) -> ClosingView:
        store = self.link.hub.store
        return closing_view(store.closing_summary(), store.conflicts())

    def view(self) -> MainDeskView:
        hub = self.link.hub
        shown = hub.pairing.shown
        host = self.services.hub_options.get("host")
        hosts = local_addresses() if host in _ANY_HOST else [host]
        desks = [
            (forum_texts.desk_line(d["name"], _clock(d["enrolled_at"]), d["registrations"]),
             d["device_id"])
            for d in self.desks()
        ]  # fmt: skip
        conflicts = [
            forum_texts.conflict(
                c["code"], c["kept_desk"] or forum_texts.MAIN_DESK, c["desk"] or forum_texts.A_DESK,
                f"{c['first_name']} {c['last_name']}",
            )
            for c in hub.store.conflicts()
        ]  # fmt: skip
        return MainDeskView(
            code=shown.code if shown else None,
            valid_until=french.clock(shown.expires_at) if shown else "",
            addresses=[f"{h}:{hub.port}" for h in hosts],
            announced=self._announced,
            desks=desks,
            conflicts=conflicts,
            forwarding=self._forwarding(),
        )

    def desks(self) -> list[dict]:
        """The desks joined to this main desk, itself and those withdrawn left out."""
        if self.link.hub is None:
            return []
        return [
            d
            for d in self.link.hub.devices()
            if d["device_id"] != self._own_device and not d["revoked_at"]
        ]

    def _forwarding(self) -> str:
        hub = self.link.hub
        status, waiting = hub.forwarder.status, hub.store.waiting_count()
        if status.state in ("no_account", "sending"):
            return forum_texts.FORWARD_STATES[status.state]
        if waiting:
            return forum_texts.forward_waiting(waiting)
        return forum_texts.FORWARD_STATES["idle"]

    # What the page asks
    def _new_code(self) -> None:
        if self.link.hub is not None:
            self.link.hub.new_code()
            self.forum.refresh()

    def _ask_revoke(self, device_id: str) -> None:
        names = {d["device_id"]: d["name"] for d in self.desks()}
        if device_id not in names:
            return
        name = names[device_id]
        box, go = question(
            self.window,
            forum_texts.REVOKE_TITLE,
            forum_texts.revoke_question(name),
            forum_texts.REVOKE,
            forum_texts.REVOKE_STAY,
            forum_texts.REVOKE_DETAILS,
            warning=True,
        )
        box.setObjectName("revokeQuestion")

        def answered() -> None:
            hub = self.link.hub
            if (
                box.clickedButton() is go
                and hub is not None
                and attempt(self.window, lambda: hub.revoke(device_id))
            ):
                self.forum.refresh()
                self.window.show_message(forum_texts.revoked(name), "success")
            box.deleteLater()

        box.finished.connect(answered)
        box.open()

    def _ask_close(self) -> None:
        hub = self.link.hub
        waiting = hub.store.waiting_count() if hub is not None else 0
        details = forum_texts.CLOSE_DETAILS
        if waiting:
            details = f"{details} {forum_texts.close_waiting(waiting)}"
        box, go = question(
            self.window,
            forum_texts.CLOSE_TITLE,
            forum_texts.CLOSE_QUESTION,
            forum_texts.CLOSE_GO,
            forum_texts.CLOSE_STAY,
            details,
            warning=True,
        )
        box.setObjectName("closeMainQuestion")

        def answered() -> None:
            if box.clickedButton() is go:
                self._close_main()
            box.deleteLater()

        box.finished.connect(answered)
        box.open()

    def _close_main(self) -> None:
        """« Fermer le poste principal »: no more serving; this computer sends to the
        national service again."""
        announcement, self._announcement = self._announcement, None
        link = self.link

        def work() -> None:
            if announcement is not None:
                announcement.close()
            link.close_hub()
            link.leave_forum()

        self.window.tasks.run(
            work, lambda _: self.forum.left(forum_texts.CLOSED), self.forum.report
        )
