"""What can be done to one registration after it was saved, one desk action per step.
At a forum, finding also asks the main desk (ui/forum_search.py)."""

from collections.abc import Callable

from PySide6.QtWidgets import QPushButton

from app.codes import CodeError
from app.desk import Desk
from app.errors import FormError, KnownError
from app.validations import ChequeState, Validation
from sync.forum import RetryLater
from ui import french
from ui.actions import attempt
from ui.desk_flow import DeskFlow, Navigator, person_errors
from ui.desk_pages import PersonPage, ReviewPage, button_row
from ui.forum_search import ForumRecordPage, ForumResults, forum_validation
from ui.printing import ReceiptPrinter
from ui.records import FindPage, RecordPage
from ui.texts import codes as codes_texts
from ui.texts import desk as desk_texts
from ui.texts import records as records_texts
from ui.widgets import Field, Page


class RecordsFlow:
    """``forum_search``: while this computer is at a forum, how the main desk is searched
    (network: run on ``tasks``), else None."""

    def __init__(
        self,
        desk: Desk,
        printer: ReceiptPrinter,
        desk_flow: DeskFlow,
        nav: Navigator,
        tasks=None,
        forum_search: Callable[[], Callable[[str], list[dict]] | None] = lambda: None,
    ) -> None:
        self._desk = desk
        self._printer = printer
        self._desk_flow = desk_flow
        self._nav = nav
        self._tasks = tasks
        self._forum_search = forum_search

    def find(self) -> FindPage:
        search = self._forum_search() if self._tasks is not None else None
        page = FindPage(self._desk.find, forum=ForumResults() if search else None)
        page.open_record.connect(self.open)
        if search is not None:
            page.forum_query.connect(lambda text: self._ask_forum(page, search, text))
            page.open_forum.connect(lambda found: self.open_forum(found, page))
        self._nav.show_page(page)
        return page

    def _ask_forum(self, page: FindPage, search, text: str) -> None:
        def failed(error: BaseException) -> None:
            reachable = not isinstance(error, RetryLater)
            problem = records_texts.FORUM_FAILED if reachable else records_texts.FORUM_UNREACHABLE
            page.show_forum(text, None, problem)

        self._tasks.run(lambda: search(text), lambda found: page.show_forum(text, found), failed)

    def open_forum(self, found: dict, back: FindPage) -> ForumRecordPage:
        """A registration of another desk, read-only, with its receipt to reprint."""
        v = forum_validation(found, self._desk.seasons.aeeh_years)
        page = ForumRecordPage(found, v)
        page.reprint.connect(lambda: self._reprint_forum(v))
        page.save_pdf.connect(lambda: self._save_forum_pdf(v))
        page.back.connect(lambda: self._nav.show_page(back))
        self._nav.show_page(page)
        return page

    def _reprint_forum(self, v: Validation) -> None:
        def printed(done: bool) -> None:
            if done:
                self._nav.show_message(desk_texts.PRINTED, "success")
            else:
                self._nav.show_message(desk_texts.PRINT_CANCELLED, "info")

        attempt(self._nav, lambda: self._printer.print_duplicate(v), printed)

    def _save_forum_pdf(self, v: Validation) -> None:
        def saved(path) -> None:
            if path is not None:
                self._nav.show_message(desk_texts.pdf_saved(str(path)), "success")

        attempt(self._nav, lambda: self._printer.save_duplicate_pdf(v), saved)

    def open(self, validation_id: int) -> RecordPage:
        page = RecordPage(self._desk.get(validation_id))
        page.reprint.connect(lambda: self._reprint(validation_id))
        page.save_pdf.connect(lambda: self._desk_flow.save_pdf(validation_id))
        page.cancel.connect(lambda: self._ask_cancel(validation_id))
        page.correct.connect(lambda: self._ask_correction(validation_id))
        page.add_code.connect(lambda: self._ask_code(validation_id))
        page.cheque.connect(lambda outcome: self._settle(validation_id, outcome))
        page.on_data_changed = lambda: self.open(validation_id)  # the national answer came
        self._nav.show_page(page)
        return page

    def _done(self, validation_id: int, message: str) -> None:
        self._nav.refresh_status()
        self.open(validation_id)
        self._nav.show_message(message, "success")

    def _reprint(self, validation_id: int) -> None:
        self._desk_flow.print(validation_id)

    def _settle(self, validation_id: int, outcome: ChequeState) -> None:
        attempt(
            self._nav,
            lambda: self._desk.settle_cheque(validation_id, outcome),
            lambda _: self._done(validation_id, records_texts.CHEQUE_STATE_WORDS[outcome] + "."),
        )

    def _ask_cancel(self, validation_id: int) -> None:
        v = self._desk.get(validation_id)
        page = ReviewPage(
            [
                (desk_texts.REVIEW_CODE, v.code or desk_texts.NO_CODE_VALUE),
                (desk_texts.REVIEW_NAME, f"{v.first_name} {v.last_name}"),
                (desk_texts.REVIEW_AMOUNT, french.euros(v.amount_cents)),
            ],
            records_texts.CANCEL_TITLE,
            records_texts.CANCEL_CONFIRM_INTRO,
        )
        page.modify_button.setText(
            records_texts.CANCEL_KEEP
        )  # it goes back; the registration stays
        reason = Field(records_texts.CANCEL_REASON, limit=200)
        page.body.insertWidget(page.body.count() - 1, reason)
        reason.edit.returnPressed.connect(page.confirm_button.click)
        page.setTabOrder(reason.edit, page.confirm_button)  # Tab follows the screen
        page.setTabOrder(page.confirm_button, page.modify_button)

        def no_reason(error: KnownError) -> bool:
            if isinstance(error, FormError):
                reason.set_error(desk_texts.PERSON_ERRORS["required"])
                reason.edit.setFocus()
                return True
            return False

        def confirm() -> None:
            attempt(
                self._nav,
                lambda: self._desk.cancel(validation_id, reason.text()),
                lambda _: self._done(validation_id, records_texts.CANCELLED_DONE),
                no_reason,
            )

        page.confirm.connect(confirm)
        page.modify.connect(lambda: self.open(validation_id))
        page.on_shown = reason.edit.setFocus
        self._nav.show_page(page)

    def _ask_correction(self, validation_id: int) -> None:
        v = self._desk.get(validation_id)
        season = self._desk.seasons.by_year(v.season)
        page = PersonPage(
            records_texts.CORRECT_TITLE,
            records_texts.CORRECT_INTRO,
            [],
            with_cheque=False,
            given={
                "last_name": v.last_name,
                "first_name": v.first_name,
                "birth_date": v.birth_date.strftime("%d/%m/%Y"),
            },
        )
        for key in ("activity", "fee"):
            page.fields[key].hide()

        def fields(error: KnownError) -> bool:
            if isinstance(error, FormError):
                page.show_errors(person_errors(error, season))
                return True
            return False

        def submit() -> None:
            attempt(
                self._nav,
                lambda: self._desk.correct_person(
                    validation_id,
                    page.value("last_name"),
                    page.value("first_name"),
                    page.value("birth_date"),
                ),
                lambda _: self._done(validation_id, records_texts.CORRECTED),
                fields,
            )

        page.submitted.connect(submit)
        self._nav.show_page(page)

    def _ask_code(self, validation_id: int) -> None:
        page = Page(records_texts.ADD_CODE_TITLE, records_texts.ADD_CODE_INTRO)
        code = Field(desk_texts.CODE_LABEL, limit=400)
        page.body.addWidget(code)
        confirm = QPushButton(desk_texts.CONFIRM)
        confirm.setObjectName("primary")
        page.body.addLayout(button_row(confirm))

        def wrong_code(error: KnownError) -> bool:
            if isinstance(error, CodeError):
                code.set_error(codes_texts.describe_code_error(error))
                code.edit.setFocus()
                return True
            return False

        def attach() -> Validation | None:
            parsed, existing = self._desk.read_code(code.text())
            if existing is not None:
                when = french.moment(existing.recorded_at)
                code.set_error(desk_texts.already_registered(existing.receipt_no, when))
                return None
            return self._desk.attach_code(validation_id, parsed)

        def attached(saved: Validation | None) -> None:
            if saved is None:
                return
            self._nav.refresh_status()
            extra = (
                [records_texts.give_cheque_back(saved.cheque_number)] if saved.cheque_number else []
            )
            self._desk_flow.show_result(saved, records_texts.CODE_ADDED, extra)

        def submit() -> None:
            attempt(self._nav, attach, attached, wrong_code)

        code.edit.returnPressed.connect(submit)
        confirm.clicked.connect(submit)
        page.on_shown = code.edit.setFocus
        self._nav.show_page(page)
