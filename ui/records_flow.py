"""What can be done to one registration after it was saved, one desk action per step."""

from PySide6.QtWidgets import QPushButton

from app.codes import CodeError
from app.desk import Desk
from app.errors import FormError, KnownError
from app.validations import ChequeState
from ui import french, texts
from ui.desk_flow import DeskFlow, Navigator, person_errors
from ui.desk_pages import PersonPage, ReviewPage, button_row
from ui.printing import ReceiptPrinter
from ui.records import FindPage, RecordPage
from ui.widgets import Field, Page


class RecordsFlow:
    def __init__(
        self, desk: Desk, printer: ReceiptPrinter, desk_flow: DeskFlow, nav: Navigator
    ) -> None:
        self._desk = desk
        self._printer = printer
        self._desk_flow = desk_flow
        self._nav = nav

    def find(self) -> FindPage:
        page = FindPage(self._desk.find)
        page.open_record.connect(self.open)
        self._nav.show_page(page)
        return page

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

    def _failed(self, error: KnownError) -> None:
        self._nav.show_message(texts.describe(error), "error")

    def _reprint(self, validation_id: int) -> None:
        self._desk_flow.print(validation_id)

    def _settle(self, validation_id: int, outcome: ChequeState) -> None:
        try:
            self._desk.settle_cheque(validation_id, outcome)
        except KnownError as error:
            self._failed(error)
            return
        self._done(validation_id, texts.CHEQUE_STATE_WORDS[outcome] + ".")

    def _ask_cancel(self, validation_id: int) -> None:
        v = self._desk.get(validation_id)
        page = ReviewPage(
            [
                (texts.REVIEW_CODE, v.code or texts.NO_CODE_VALUE),
                (texts.REVIEW_NAME, f"{v.first_name} {v.last_name}"),
                (texts.REVIEW_AMOUNT, french.euros(v.amount_cents)),
            ],
            texts.CANCEL_TITLE,
            texts.CANCEL_CONFIRM_INTRO,
        )
        page.modify_button.setText(texts.CANCEL_KEEP)  # it goes back; the registration stays
        reason = Field(texts.CANCEL_REASON)
        reason.edit.setMaxLength(200)
        page.body.insertWidget(page.body.count() - 1, reason)
        reason.edit.returnPressed.connect(page.confirm_button.click)
        page.setTabOrder(reason.edit, page.confirm_button)  # Tab follows the screen
        page.setTabOrder(page.confirm_button, page.modify_button)

        def confirm() -> None:
            try:
                self._desk.cancel(validation_id, reason.text())
            except FormError:
                reason.set_error(texts.PERSON_ERRORS["required"])
                reason.edit.setFocus()
                return
            except KnownError as error:
                self._failed(error)
                return
            self._done(validation_id, texts.CANCELLED_DONE)

        page.confirm.connect(confirm)
        page.modify.connect(lambda: self.open(validation_id))
        page.on_shown = reason.edit.setFocus
        self._nav.show_page(page)

    def _ask_correction(self, validation_id: int) -> None:
        v = self._desk.get(validation_id)
        season = self._desk.seasons.by_year(v.season)
        page = PersonPage(texts.CORRECT_TITLE, texts.CORRECT_INTRO, [], with_cheque=False)
        for key in ("activity", "fee"):
            page.fields[key].hide()
        page.fields["last_name"].edit.setText(v.last_name)
        page.fields["first_name"].edit.setText(v.first_name)
        page.fields["birth_date"].edit.setText(v.birth_date.strftime("%d/%m/%Y"))

        def submit() -> None:
            try:
                self._desk.correct_person(
                    validation_id,
                    page.value("last_name"),
                    page.value("first_name"),
                    page.value("birth_date"),
                )
            except FormError as error:
                page.show_errors(person_errors(error, season))
                return
            except KnownError as error:
                self._failed(error)
                return
            self._done(validation_id, texts.CORRECTED)

        page.submitted.connect(submit)
        self._nav.show_page(page)

    def _ask_code(self, validation_id: int) -> None:
        page = Page(texts.ADD_CODE_TITLE, texts.ADD_CODE_INTRO)
        code = Field(texts.CODE_LABEL)
        code.edit.setMaxLength(400)
        page.body.addWidget(code)
        confirm = QPushButton(texts.CONFIRM)
        confirm.setObjectName("primary")
        page.body.addLayout(button_row(confirm))

        def submit() -> None:
            try:
                parsed, existing = self._desk.read_code(code.text())
                if existing is not None:
                    code.set_error(
                        texts.already_registered(
                            existing.receipt_no, french.moment(existing.recorded_at)
                        )
                    )
                    return
                saved = self._desk.attach_code(validation_id, parsed)
            except CodeError as error:
                code.set_error(texts.describe_code_error(error))
                code.edit.setFocus()
                return
            except KnownError as error:
                self._failed(error)
                return
            self._nav.refresh_status()
            extra = [texts.give_cheque_back(saved.cheque_number)] if saved.cheque_number else []
            self._desk_flow.show_result(saved, texts.CODE_ADDED, extra)

        code.edit.returnPressed.connect(submit)
        confirm.clicked.connect(submit)
        page.on_shown = code.edit.setFocus
        self._nav.show_page(page)
