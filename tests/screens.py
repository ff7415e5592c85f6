"""Every screen of the program, opened in a real MainWindow with sample data.

The accessibility checks (tests/test_accessibility.py) and the screenshots
(docs/a11y_screenshots.py) run over ``SCREENS``. A new screen is one more function:

    @screen("treasurer")
    def _treasurer(ctx: Context) -> None:
        ctx.window.treasurer()          # whatever brings the screen up

The function gets a window already on the home screen, with the sample club, and
leaves it showing the screen with the focus where the program puts it. No qtbot is
needed: the same registry serves the tests and the screenshot script.
"""

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import PureWindowsPath

from PySide6.QtCore import QDeadlineTimer, QEvent
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from app import national
from app.desk import Desk
from app.paths import Paths, default_paths
from app.settings import Settings
from app.validations import ChequeState, Validation
from tests.factories import Clock, open_desk
from tests.ui_helpers import PdfPrinters, let_go, services_for
from ui.about_page import AboutPage
from ui.national_pages import EnrolPage
from ui.settings_page import SettingsPage
from ui.style import apply_design
from ui.training import TrainingSession
from ui.window import MainWindow

# 5 October 2026: the training codes of the 2026 season take registrations.
TRAINING_DAY = datetime(2026, 10, 5, 8, 15, tzinfo=UTC)


@dataclass
class Context:
    desk: Desk
    window: MainWindow
    settings: Settings
    printers: PdfPrinters
    cleanups: list[Callable[[], None]] = field(default_factory=list)

    @property
    def page(self):
        return self.window.stack.currentWidget()

    def switch_to(self, window: MainWindow) -> None:
        """Go on in another window (training mode opens its own)."""
        self.window.hide()
        self.window = window
        window.resize(1100, 720)
        window.activateWindow()
        wait_until(lambda: _focus_in(window))

    def close(self) -> None:
        """Close every window (their timers die with them), then the data."""
        for cleanup in reversed(self.cleanups):
            cleanup()
        for window in QApplication.topLevelWidgets():
            if isinstance(window, MainWindow):
                window.close()
                window.deleteLater()
        QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
        self.desk.close()


SCREENS: dict[str, Callable[[Context], None]] = {}
# Screens opened on a first start, before the club exists.
WITHOUT_CLUB = {"club_first", "club_first_errors"}


def screen(name: str):
    def register(function: Callable[[Context], None]):
        assert name not in SCREENS, f"two screens named {name}"
        SCREENS[name] = function
        return function

    return register


def wait_until(condition: Callable[[], bool], timeout_ms: int = 3000) -> None:
    deadline = QDeadlineTimer(timeout_ms)
    while not condition():
        if deadline.hasExpired():
            raise TimeoutError("the window did not come up")
        QTest.qWait(10)


def open_screen(name: str, clock: Clock | None = None, scale: float = 1.0) -> Context:
    """Open ``name`` in a new window (the home folder must already be a test folder)."""
    app = QApplication.instance() or QApplication([])
    apply_design(app, scale)
    desk = open_desk(clock or Clock(), with_club=name not in WITHOUT_CLUB)
    settings = Settings(default_paths().settings_file)
    printers = PdfPrinters(default_paths().data)
    window = MainWindow(services_for(desk, printers, settings))
    window.resize(1100, 720)
    window.show()
    window.activateWindow()
    wait_until(lambda: _focus_in(window))
    ctx = Context(desk, window, settings, printers)
    ctx.cleanups.append(lambda: let_go(window))  # a screen left half typed asks nothing
    SCREENS[name](ctx)
    QApplication.processEvents()
    return ctx


def _focus_in(window) -> bool:
    focused = QApplication.focusWidget()
    return focused is not None and focused.window() is window


# Sample data


def _validate(ctx: Context, code: str, last: str, first: str, born: str) -> Validation:
    desk = ctx.desk
    parsed, _ = desk.read_code(code)
    person = desk.check_person(last, first, born, desk.season_of(parsed))
    return desk.validate(parsed, person, "Judo", 15000)


def _deposit(ctx: Context) -> Validation:
    desk = ctx.desk
    season = desk.open_season()
    person = desk.check_person("Diallo", "Awa", "02022014", season)
    return desk.take_deposit(person, season, "0001234", "La Banque Postale", "70")


def _answer(ctx: Context, status: str, state: str | None = None) -> Validation:
    """Have the national service answer the registrations waiting to be sent."""
    conn = ctx.desk._conn
    sent = national.pending_redeems(conn)
    answers = [
        national.RedeemAnswer(item.idempotency_key, status, f"R-{item.validation_id}")
        for item in sent
    ]
    national.apply_redeem_answers(conn, sent, answers, ctx.desk.now())
    if state is not None:
        changes = [
            national.NationalChange(
                f"R-{item.validation_id}",
                item.idempotency_key,
                item.code,
                state,
                7000,
                date(2025, 12, 15).isoformat() if state == "paid" else None,
            )
            for item in sent
        ]
        national.apply_changes(conn, changes, "cursor-1", ctx.desk.now())
    return ctx.desk.get(sent[-1].validation_id)


# The screens


@screen("club_first")
def _club_first(ctx: Context) -> None:
    pass  # a first start opens on the club form


@screen("club_first_errors")
def _club_first_errors(ctx: Context) -> None:
    form = ctx.page
    form.fields["name"].edit.setText("US Belleville")
    form.fields["siret"].edit.setText("732 829 320 00075")
    form.save()


@screen("home")
def _home(ctx: Context) -> None:
    ctx.window.go_home()


@screen("admin")
def _admin(ctx: Context) -> None:
    ctx.window.admin()


@screen("seasons")
def _seasons(ctx: Context) -> None:
    ctx.window.admin()
    ctx.page.buttons["seasons"].click()


@screen("club_edit")
def _club_edit(ctx: Context) -> None:
    ctx.window.edit_club()


@screen("code_empty")
def _code_empty(ctx: Context) -> None:
    ctx.window.start_validation()


@screen("code_error")
def _code_error(ctx: Context) -> None:
    ctx.window.start_validation()
    page = ctx.page
    page.code.edit.setText("25-ABCD-EFGO")
    page.changed.emit(page.code.text())


@screen("code_duplicate")
def _code_duplicate(ctx: Context) -> None:
    _validate(ctx, "25ABCDEFGH", "Martin", "Léa", "15032012")
    ctx.window.start_validation("25ABCDEFGH")


@screen("person")
def _person(ctx: Context) -> None:
    ctx.window.start_validation("25ABCDEFGH")


@screen("person_errors")
def _person_errors(ctx: Context) -> None:
    ctx.window.start_validation("25ABCDEFGH")
    page = ctx.page
    page.fields["last_name"].edit.setText("Martin2")
    page.fields["birth_date"].edit.setText("31022013")
    page.submitted.emit()


@screen("deposit")
def _deposit_page(ctx: Context) -> None:
    ctx.window.start_validation()
    ctx.page.no_code_button.click()


@screen("review")
def _review(ctx: Context) -> None:
    ctx.window.start_validation("25ABCDEFGH")
    page = ctx.page
    for key, value in (
        ("last_name", "Lefèvre"),
        ("first_name", "Léa"),
        ("birth_date", "15/03/2012"),
        ("activity", "Judo"),
        ("fee", "150"),
    ):
        page.fields[key].edit.setText(value)
    page.submitted.emit()


@screen("result")
def _result(ctx: Context) -> None:
    _review(ctx)
    ctx.page.confirm.emit()


@screen("find")
def _find(ctx: Context) -> None:
    _validate(ctx, "25ABCDEFGH", "Martin", "Léa", "15032012")
    _deposit(ctx)
    ctx.window.find()


def _record_screen(name: str, make: Callable[[Context], Validation]) -> None:
    @screen(name)
    def _open(ctx: Context) -> None:
        ctx.window.open_record(make(ctx).id)


_record_screen("record_to_send", lambda c: _validate(c, "25ABCDEFGH", "Martin", "Léa", "15032012"))
_record_screen("record_awaiting_code", _deposit)


def _cancelled(ctx: Context) -> Validation:
    saved = _validate(ctx, "25ABCDEFGH", "Martin", "Hugo", "15032012")
    return ctx.desk.cancel(saved.id, "Erreur : c'est sa sœur")


def _cheque_returned(ctx: Context) -> Validation:
    waiting = _deposit(ctx)
    code, _ = ctx.desk.read_code("25-BCDE-FGHJ")
    ctx.desk.attach_code(waiting.id, code)
    return ctx.desk.settle_cheque(waiting.id, ChequeState.RETURNED)


def _sent(status: str, state: str | None = None) -> Callable[[Context], Validation]:
    def make(ctx: Context) -> Validation:
        _validate(ctx, "25ABCDEFGH", "Martin", "Léa", "15032012")
        return _answer(ctx, status, state)

    return make


_record_screen("record_cancelled", _cancelled)
_record_screen("record_cheque_returned", _cheque_returned)
_record_screen("record_confirmed", _sent("accepted"))
_record_screen("record_in_processing", _sent("accepted", "in_processing"))
_record_screen("record_paid", _sent("accepted", "paid"))
_record_screen("record_to_check", _sent("identity_mismatch"))


@screen("record_message")
def _record_message(ctx: Context) -> None:
    """A record right after an action: the message above the page says what happened."""
    saved = _validate(ctx, "25ABCDEFGH", "Martin", "Léa", "15032012")
    ctx.window.open_record(saved.id)
    ctx.page.buttons["correct"].click()
    ctx.page.fields["first_name"].edit.setText("Lea")
    ctx.page.submitted.emit()


@screen("cancel")
def _cancel(ctx: Context) -> None:
    saved = _validate(ctx, "25ABCDEFGH", "Martin", "Léa", "15032012")
    ctx.window.open_record(saved.id)
    ctx.page.buttons["cancel"].click()


@screen("correct")
def _correct(ctx: Context) -> None:
    saved = _validate(ctx, "25ABCDEFGH", "Martin", "Léa", "15032012")
    ctx.window.open_record(saved.id)
    ctx.page.buttons["correct"].click()


@screen("add_code")
def _add_code(ctx: Context) -> None:
    ctx.window.open_record(_deposit(ctx).id)
    ctx.page.buttons["add_code"].click()


@screen("enrol")
def _enrol(ctx: Context) -> None:
    page = EnrolPage("https://passsport.example.fr/api")
    ctx.window.show_page(page)


@screen("to_check")
def _to_check(ctx: Context) -> None:
    _sent("identity_mismatch")(ctx)
    ctx.window.to_check()


def _training(ctx: Context) -> TrainingSession:
    session = TrainingSession(
        ctx.desk, ctx.settings, on_leave=lambda: None, clock=Clock(TRAINING_DAY)
    )
    ctx.cleanups.append(session.leave)
    ctx.switch_to(session.start())
    # The first exchange with the training server is over.
    status = ctx.window.status
    wait_until(status.send_now.isVisible)
    wait_until(lambda: "connecté" in status.connection.text())
    return session


@screen("training_home")
def _training_home(ctx: Context) -> None:
    _training(ctx)


@screen("training_codes")
def _training_codes(ctx: Context) -> None:
    _training(ctx)
    ctx.window.home.buttons["training_codes"].click()


@screen("settings")
def _settings(ctx: Context) -> None:
    ctx.window.show_page(SettingsPage(ctx.settings))


@screen("about")
def _about(ctx: Context) -> None:
    # A Windows laptop's folders, as a club sees them (and the same on every test machine).
    home = PureWindowsPath(r"C:\Users\Hélène Dupont\AppData\Local\pass'Sport Club")
    paths = Paths(data=home / "data", logs=home / "logs", backups=home / "sauvegardes", config=home)
    ctx.window.show_page(AboutPage(ctx.desk.seasons, paths))


@screen("lock_settings")
def _lock_settings(ctx: Context) -> None:
    ctx.window.lock_settings()


@screen("locked")
def _locked(ctx: Context) -> None:
    ctx.desk.set_lock("4821", 5)
    ctx.window.start_validation()
    ctx.window.desk_lock.lock()


@screen("backups")
def _backups(ctx: Context) -> None:
    from ui.backups_page import BackupsPage

    folder = default_paths().backups
    ctx.desk.backup(folder)
    ctx.window.show_page(BackupsPage(folder))


@screen("restore_summary")
def _restore_summary(ctx: Context) -> None:
    from app.backups import list_backups
    from ui.backups_page import restore_summary

    folder = default_paths().backups
    ctx.desk.backup(folder)
    backup = list_backups(folder)[0]
    ctx.window.show_page(restore_summary(backup, lambda: None, ctx.window.go_home))


def _some_registrations(ctx: Context) -> None:
    _validate(ctx, "25-ABCD-EFGH", "Lefèvre", "Léa", "15032012")
    _validate(ctx, "25-BCDE-FGHJ", "N'Diaye", "Awa", "02022014")


@screen("treasurer")
def _treasurer(ctx: Context) -> None:
    _some_registrations(ctx)
    ctx.window.open_treasurer()


@screen("portal_assistant")
def _portal_assistant(ctx: Context) -> None:
    _some_registrations(ctx)
    ctx.window.open_treasurer()
    ctx.window.treasurer.portal_assistant()


# The forum (tests/test_forum_ui.py drives it; here, its screens as they are met)


def _hub(ctx: Context):
    """Another laptop's main desk, of the sample club, on 127.0.0.1 until the end."""
    from sync.forum import Hub

    profile = ctx.desk.club_profile()
    club = {"name": profile.name, "siret": profile.siret, "rna": profile.rna}
    hub = Hub(
        default_paths().data / "autre-poste", club, ctx.desk.seasons, opened_by="Marie",
        host="127.0.0.1", port=0, clock=ctx.desk.now,
    )  # fmt: skip
    hub.start()
    ctx.cleanups.insert(0, hub.stop)  # last, once the window let go of it
    return hub


def _out_of_range(ctx: Context, hub) -> None:
    """The desk walks out of the main desk's reach (its connection closed first: a server
    stopped under an open connection leaves it to the collector)."""
    ctx.window.link.stop()
    hub.stop()
    ctx.window.link.start()


def _other_desk_records(hub, desk_name: str, code: str, first: str, last: str) -> None:
    """A desk of the forum records ``code`` at the main desk."""
    import uuid

    from sync.client import ApiClient
    from sync.forum import join_hub, pinned_context

    joined = join_hub(f"127.0.0.1:{hub.port}", hub.new_code().code, desk_name)
    with ApiClient(joined.url, joined.token, verify=pinned_context(joined.certificate_pem)) as c:
        c.redeem_batch([{
            "idempotency_key": str(uuid.uuid4()), "code": code,
            "young_person": {"last_name": last, "first_name": first, "birth_date": "2012-03-15"},
            "recorded_at": hub.server.store._clock().isoformat(),
            "receipt_no": f"{desk_name[:3].upper()}-00001",
        }])  # fmt: skip


def _join(ctx: Context, hub) -> None:
    from ui.forum_pages import JoinedPage

    ctx.window.open_forum()
    ctx.page.join_button.click()
    page = ctx.page
    page.address.edit.setText(f"127.0.0.1:{hub.port}")
    page.code.edit.setText(hub.new_code().code)
    page.button.click()
    wait_until(lambda: isinstance(ctx.page, JoinedPage), 8000)
    ctx.window.clear_message()


@screen("forum_choice")
def _forum_choice(ctx: Context) -> None:
    ctx.window.open_forum()


@screen("forum_main")
def _forum_main(ctx: Context) -> None:
    from sync.forum import join_hub

    ctx.window.open_forum()
    ctx.page.open_button.click()
    wait_until(lambda: ctx.window.link.hub is not None and ctx.page.code.isVisible(), 8000)
    hub = ctx.window.link.hub
    _other_desk_records(hub, "Paul", "25-ABCD-EFGH", "Léa", "Martin")
    _other_desk_records(hub, "Julie", "25-ABCD-EFGH", "Hugo", "Martin")  # out of range then
    join_hub(f"127.0.0.1:{hub.port}", hub.new_code().code, "Samia")
    hub.new_code()
    # The code and the port change each time: shown as a venue's laptop would show them,
    # and left so (no refresh) for the snapshot of the tab order.
    forum = ctx.window.forum
    forum._timer.stop()
    view = dataclasses.replace(
        forum.main.view(), code="482913", addresses=["192.168.1.20:47820", "10.42.0.1:47820"]
    )
    ctx.page.show_view(view)
    forum._show_status()
    ctx.page.on_shown()


@screen("forum_join")
def _forum_join(ctx: Context) -> None:
    from sync.discovery import FoundHub

    ctx.window.open_forum()
    ctx.page.join_button.click()
    heard = FoundHub(
        "Étoile (ab12)._passsport-club._tcp.local.", "Étoile sportive d'Hérouville", "Marie",
        "0123456789abcdef", ("192.168.1.20",), 47820,
    )  # fmt: skip
    ctx.window.forum.joining._browser.hear([heard])
    ctx.page.code.edit.setText("482 913")
    ctx.page.on_shown()


@screen("forum_joined")
def _forum_joined(ctx: Context) -> None:
    _join(ctx, _hub(ctx))
    wait_until(lambda: "Relié" in ctx.page.state.text(), 8000)


@screen("forum_duplicate")
def _forum_duplicate(ctx: Context) -> None:
    hub = _hub(ctx)
    _other_desk_records(hub, "Paul", "25-ABCD-EFGH", "Léa", "Martin")
    _join(ctx, hub)
    ctx.window.start_validation("25ABCDEFGH")
    wait_until(lambda: ctx.page.code.error.isVisible(), 8000)


@screen("forum_conflict")
def _forum_conflict(ctx: Context) -> None:
    """A code this desk recorded while it could not ask, that Paul had recorded first."""
    hub = _hub(ctx)
    _join(ctx, hub)
    _other_desk_records(hub, "Paul", "25-ABCD-EFGH", "Hugo", "Martin")
    code, _ = ctx.desk.read_code("25-ABCD-EFGH")
    person = ctx.desk.check_person("Martin", "Léa", "15032012", ctx.desk.season_of(code))
    ctx.desk.validate(code, person)
    ctx.window.refresh_status()
    wait_until(lambda: ctx.page.conflicts.count() == 1, 8000)


@screen("forum_out_of_range")
def _forum_out_of_range(ctx: Context) -> None:
    hub = _hub(ctx)
    _join(ctx, hub)
    _out_of_range(ctx, hub)
    _validate(ctx, "25ABCDEFGH", "Martin", "Léa", "15032012")
    _validate(ctx, "25BCDEFGHJ", "Martin", "Hugo", "15032014")
    ctx.window.refresh_status()
    wait_until(lambda: "hors de portée" in ctx.window.status.connection.text(), 8000)
    ctx.window.go_home()


class _KeyFolder:
    """The forum's file dialogs, answered with a folder of the test's home standing for the
    USB key (ui/forum_usb.py ForumFiles), and the file on it to import."""

    def __init__(self) -> None:
        self.key = default_paths().data / "CLE-USB"
        self.key.mkdir(parents=True, exist_ok=True)
        self.to_import = None

    def transfer_folder(self, parent):
        return self.key

    def backup_folder(self, parent):
        return self.key

    def bundle(self, parent):
        return self.to_import


def _open_main(ctx: Context):
    ctx.window.open_forum()
    ctx.page.open_button.click()
    wait_until(lambda: ctx.window.link.hub is not None and ctx.page.code.isVisible(), 8000)
    return ctx.window.link.hub


def _still(ctx: Context) -> None:
    """No more refreshes: the screen stays as it is for the snapshot and the picture."""
    ctx.window.forum._timer.stop()


@screen("forum_transfer")
def _forum_transfer(ctx: Context) -> None:
    hub = _hub(ctx)
    ctx.window.services.forum_files = _KeyFolder()
    _join(ctx, hub)
    _out_of_range(ctx, hub)
    _validate(ctx, "25ABCDEFGH", "Martin", "Léa", "15032012")
    _validate(ctx, "25BCDEFGHJ", "Martin", "Hugo", "15032014")
    ctx.window.open_forum()
    ctx.page.transfer_button.click()
    wait_until(lambda: "Donnez la clé" in ctx.window.message.text(), 8000)
    _still(ctx)
    ctx.page.on_shown()  # as the window gives the focus when it becomes active


@screen("forum_import")
def _forum_import(ctx: Context) -> None:
    import uuid

    from sync.forum import join_hub
    from sync.forum_bundle import write_bundle

    files = ctx.window.services.forum_files = _KeyFolder()
    hub = _open_main(ctx)
    _other_desk_records(hub, "Paul", "25-ABCD-EFGH", "Léa", "Martin")
    accueil = join_hub(f"127.0.0.1:{hub.port}", hub.new_code().code, "Accueil 2")
    now = ctx.desk.now()
    items = [
        {"idempotency_key": str(uuid.uuid4()), "code": code,
         "young_person": {"last_name": last, "first_name": first, "birth_date": "2012-03-15"},
         "recorded_at": now.isoformat(), "receipt_no": f"ACC-{n:05d}"}
        for n, (code, last, first) in enumerate([
            ("25-BCDE-FGHJ", "Martin", "Hugo"), ("25-CDEF-GHJK", "Diallo", "Awa"),
            ("25-ABCD-EFGH", "Martin", "Léo"),
        ], 1)
    ]  # fmt: skip
    files.to_import = write_bundle(
        files.key, device_id=accueil.device_id, token=accueil.token, desk_name="Accueil 2",
        items=items, report={"pending": 0, "to_check": 0, "cheques": []}, now=now,
    )  # fmt: skip
    hub.new_code()
    ctx.page.import_button.click()
    wait_until(lambda: "Accueil" in ctx.window.message.text(), 8000)
    _still(ctx)
    view = dataclasses.replace(
        ctx.window.forum.main.view(), code="482913",
        addresses=["192.168.1.20:47820", "10.42.0.1:47820"],
    )  # fmt: skip
    ctx.page.show_view(view)
    QApplication.processEvents()
    ctx.page.import_button.setFocus()
    ctx.page.ensureWidgetVisible(ctx.page.import_button, 16, 16)


@screen("forum_search")
def _forum_search(ctx: Context) -> None:
    from PySide6.QtTest import QTest

    hub = _hub(ctx)
    _other_desk_records(hub, "Paul", "25-ABCD-EFGH", "Léa", "Martin")
    _join(ctx, hub)
    _validate(ctx, "25BCDEFGHJ", "Martin", "Hugo", "15032014")
    ctx.window.find()
    QTest.keyClicks(ctx.page.query.edit, "martin")
    wait_until(lambda: ctx.page.forum.results.isVisible(), 8000)
    _still(ctx)


@screen("forum_record")
def _forum_record(ctx: Context) -> None:
    _forum_search(ctx)
    ctx.page.forum.results.setFocus()
    found = ctx.page.forum.first()
    ctx.window.records.open_forum(found, ctx.page)


@screen("forum_closing")
def _forum_closing(ctx: Context) -> None:
    national.meta_set(ctx.desk._conn, "device", "CLB")  # its receipts, the same each time
    hub = _open_main(ctx)
    _other_desk_records(hub, "Paul", "25-ABCD-EFGH", "Léa", "Martin")
    _other_desk_records(hub, "Julie", "25-ABCD-EFGH", "Hugo", "Martin")  # out of range then
    _deposit(ctx)
    _validate(ctx, "25CDEFGHJK", "Lefèvre", "Chloé", "15032013")
    ctx.window.refresh_status()
    wait_until(lambda: ctx.desk.pending_count() == 0, 8000)

    def reported() -> bool:  # the main desk's own desk told what it holds: the cheque
        own = [d for d in hub.store.closing_summary() if d["name"] == "poste principal"]
        return bool(own) and own[0]["pending"] == 0 and bool(own[0]["cheques"])

    wait_until(reported, 8000)
    ctx.window.link.stop()  # nothing changes under the checks any more
    ctx.page.closing_button.click()
    _still(ctx)
    ctx.window.forum._show_status()
