"""A desk at the forum: joining the main desk (found on the network or typed by hand),
its state once joined, and leaving, with the question of erasing what this laptop holds.

Pairing (sync.forum.join_hub) and leaving run on the window's background helper; a
refusal is said under the field it concerns, never in a dialog.
"""

from collections.abc import Callable

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QMessageBox

from app.club import LOCAL_LAW
from app.errors import KnownError
from app.logs import get_logger
from app.paths import default_paths
from app.validations import State
from sync.forum import RetryLater, join_hub, leave_hub
from sync.pairing import PairingRefused
from ui.actions import attempt
from ui.forum_pages import JoinedPage, JoinPage
from ui.forum_usb import transfer
from ui.texts import errors as errors_texts
from ui.texts import forum as forum_texts

log = get_logger("forum")
_ADDRESS_REASONS = ("unreachable", "timeout", "bad_address", "bad_answer")


class _Heard(QObject):
    """Carries the main desks heard on the network from the browser's thread."""

    hubs = Signal(object)


class JoinFlow:
    """``forum``: the ui.forum_flow.ForumFlow this serves (the window, the role)."""

    def __init__(self, forum) -> None:
        self.forum = forum
        self.window, self.services = forum.window, forum.services
        self.link, self.desk = forum.link, forum.desk
        self._browser = None
        self._browsing: JoinPage | None = None
        self._heard = _Heard(forum)
        self._heard.hubs.connect(self._hubs_heard)
        self.window.stack.currentChanged.connect(self._page_changed)

    # Joining
    def show(self, back: Callable[[], None] | None = None) -> None:
        """The page to join a main desk; ``back``: where « Retour » goes (the first
        start's club form), if anywhere."""
        page = JoinPage(self.desk.volunteer or self.forum.computer, with_back=back is not None)
        if back is not None:
            page.back.connect(back)
        page.submitted.connect(lambda *typed: self._join(page, *typed))
        self.window.show_page(page)
        self._browse(page)

    def _browse(self, page: JoinPage) -> None:
        from sync.discovery import DiscoveryUnavailable

        self.stop_browsing()
        try:
            browser = self.services.browse(self._heard.hubs.emit)
            browser.start()
        except DiscoveryUnavailable as unavailable:
            page.show_unavailable(str(unavailable))
            return
        self._browser, self._browsing = browser, page
        page.show_hubs(browser.hubs())

    def _hubs_heard(self, hubs: list) -> None:
        if self._browsing is not None and self._browsing is self.window.stack.currentWidget():
            self._browsing.show_hubs(hubs)

    def stop_browsing(self) -> None:
        browser, self._browser, self._browsing = self._browser, None, None
        if browser is not None:  # its goodbye takes a moment: off the interface
            self.window.tasks.run(browser.close, lambda _: None, lambda _error: None)

    def _page_changed(self, _index: int) -> None:
        if self._browsing is not None and self.window.stack.currentWidget() is not self._browsing:
            self.stop_browsing()

    def _join(self, page: JoinPage, address: str, code: str, name: str) -> None:
        prefix = self.link.receipt_prefix()
        self.window.tasks.run(
            lambda: join_hub(address, code, name, receipt_prefix=prefix),
            lambda joined: self._paired(page, joined),
            lambda error: self._refused(page, error),
        )

    def _refused(self, page: JoinPage, error: BaseException) -> None:
        if isinstance(error, PairingRefused):
            reason = error.reason if error.reason in forum_texts.JOIN_ERRORS else "wrong_code"
            page.refuse("code", forum_texts.JOIN_ERRORS[reason])
        elif isinstance(error, RetryLater) and error.reason in _ADDRESS_REASONS:
            page.refuse("address", forum_texts.JOIN_ERRORS[error.reason])
        elif isinstance(error, KnownError) and not isinstance(error, RetryLater):
            page.refuse("code", errors_texts.describe(error))
        else:
            page.refuse("address", forum_texts.JOIN_ERRORS["unreachable"])

    def _paired(self, page: JoinPage, joined) -> None:
        """Paired: the desk's club is the main desk's (taken from it on a new laptop),
        then this desk sends to the main desk from now on. A laptop that holds another
        club's registrations is not joined: they would reach the wrong club."""
        own, theirs = self.desk.club_profile(), joined.club
        if own is not None and own.siret != theirs["siret"]:
            page.refuse("address", forum_texts.other_club(own.name, theirs["name"]))
            # The main desk is told that this desk will not stay (best effort): the token
            # it gave is withdrawn, and its list of desks does not show this one.
            self.window.tasks.run(
                lambda: leave_hub(joined.url, joined.certificate_pem, joined.token),
                lambda _: None,
                lambda error: log.info("the other club's main desk was not told (%s)", error),
            )
            return
        note = ""
        if own is None or (own.name, own.rna) != (theirs["name"], theirs["rna"]):
            federation = own.federation if own is not None else ""
            saved = attempt(
                self.window,
                lambda: self.desk.save_club_profile(
                    theirs["name"], theirs["siret"], theirs["rna"] or LOCAL_LAW, federation
                ),
                self.window.club_changed,
            )
            if not saved:
                page.set_busy(False)
                return
            note = forum_texts.profile_taken(theirs["name"])
        link = self.link
        self.window.tasks.run(
            lambda: link.join_forum(joined),
            lambda _: self._joined(joined, note),
            lambda error: self._refused(page, error),
        )

    def _joined(self, joined, note: str) -> None:
        self.link.start()
        self.forum.became("desk")
        self.show_joined()
        main = joined.main_desk
        said = forum_texts.joined(main.get("club", ""), main.get("opened_by", ""))
        self.window.show_message(f"{said} {note}".strip(), "success")

    # A desk that joined
    def show_joined(self) -> None:
        forum = self.link.forum()
        main = forum.main_desk if forum else {}
        page = JoinedPage(forum_texts.joined(main.get("club", ""), main.get("opened_by", "")))
        page.leave.connect(self._ask_leave)
        page.transfer.connect(lambda: transfer(self.forum, page.transfer_button))
        page.open_record.connect(self.window.open_record)
        page.show_state(*self.state())
        page.show_conflicts(*self.conflicts())
        self.window.show_page(page)

    def refresh(self, page) -> None:
        if isinstance(page, JoinedPage):
            page.show_state(*self.state())
            page.show_conflicts(*self.conflicts())

    def conflicts(self) -> tuple[str, list[tuple[str, str]], dict[str, int]]:
        """The codes recorded at two desks, as the main desk last said: the intro, the
        ``(text, code)`` lines, and the id of this desk's registration still to check,
        by code (found here by its code: once cancelled, it is said so, not to open)."""
        conflicts = self.link.forum_conflicts()
        if not conflicts:
            return "", [], {}
        lines, openable = [], {}
        for c in conflicts:
            code, here, own = c["code"], c["here"], None
            if here == "to_check":
                held = [v for v in self.desk.find(code) if v.code == code]
                own = next((v for v in held if v.state is State.TO_CHECK), None)
                if own is None and any(v.cancelled_at is not None for v in held):
                    here = "cancelled"
                    own = next(v for v in held if v.cancelled_at is not None)
            name = f"{own.first_name} {own.last_name[:1]}." if own and own.last_name else ""
            text = forum_texts.desk_conflict(
                code, here, c["kept_desk"] or forum_texts.MAIN_DESK,
                c["desk"] or forum_texts.A_DESK, name,
            )  # fmt: skip
            lines.append((text, code))
            if own is not None and here == "to_check":
                openable[code] = own.id
        intro = forum_texts.desk_conflicts_intro(len(conflicts), len(openable))
        return intro, lines, openable

    def state(self) -> tuple[str, str]:
        """What the joined page says of the main desk, and what to do."""
        status = self.forum.status
        if status is None or status.state == "sending":
            return forum_texts.STATE_CONNECTING, ""
        if status.state == "offline":
            since = status.offline_since or self.desk.now()
            minutes = int((self.desk.now() - since).total_seconds() // 60)
            return (
                forum_texts.state_out_of_range(max(0, minutes), self.desk.pending_count()),
                forum_texts.OUT_OF_RANGE_TODO,
            )
        if status.state == "needs_enrolment":
            return forum_texts.STATE_REVOKED, ""
        if status.state == "certificate_refused":
            return forum_texts.STATE_CERTIFICATE, ""
        return forum_texts.STATE_LINKED, ""

    # Leaving
    def _ask_leave(self) -> None:
        """Whether this laptop is the club's (linked to the national account) is read off
        the interface (the keyring); then the question."""
        self.window.tasks.run(
            self.link.has_national_account, self._leave_question, self.forum.report
        )

    def _leave_question(self, club_laptop: bool) -> None:
        """Erase what this laptop holds? Yes by default on a laptop that is not the
        club's; not offered while registrations have not reached the main desk."""
        waiting = self.desk.pending_count()
        box = QMessageBox(self.window)
        box.setObjectName("leaveQuestion")
        box.setIcon(QMessageBox.Icon.Question)
        box.setWindowTitle(forum_texts.LEAVE_TITLE)
        erase = None
        if waiting:  # erasing would lose what the main desk has not received
            box.setIcon(QMessageBox.Icon.Warning)
            box.setText(forum_texts.leave_waiting(waiting))
            box.setInformativeText(forum_texts.LEAVE_WAITING_DETAILS)
            stay = box.addButton(forum_texts.LEAVE_STAY, QMessageBox.ButtonRole.RejectRole)
            keep = box.addButton(forum_texts.LEAVE_KEEP, QMessageBox.ButtonRole.AcceptRole)
            box.setDefaultButton(stay)
        else:
            box.setText(forum_texts.LEAVE_ERASE_QUESTION)
            box.setInformativeText(forum_texts.LEAVE_ERASE_DETAILS)
            erase = box.addButton(forum_texts.LEAVE_ERASE, QMessageBox.ButtonRole.AcceptRole)
            keep = box.addButton(forum_texts.LEAVE_KEEP, QMessageBox.ButtonRole.AcceptRole)
            stay = box.addButton(forum_texts.LEAVE_STAY, QMessageBox.ButtonRole.RejectRole)
            box.setDefaultButton(keep if club_laptop else erase)
        box.setEscapeButton(stay)

        def answered() -> None:
            clicked = box.clickedButton()
            if clicked is not None and clicked in (erase, keep):
                self._leave(erase=clicked is erase)
            box.deleteLater()

        box.finished.connect(answered)
        box.open()

    def _leave(self, erase: bool) -> None:
        self.window.tasks.run(self.link.leave_forum, lambda _: self._left(erase), self.forum.report)

    def _left(self, erase: bool) -> None:
        if not erase:
            self.forum.left(forum_texts.LEFT)
            return
        shell = self.window.shell
        folder = shell.paths.backups if shell is not None else default_paths().backups
        erased = attempt(self.window, lambda: self.desk.erase_personal_data(folder))
        self.forum.left(forum_texts.LEFT_ERASED if erased else forum_texts.LEFT)
