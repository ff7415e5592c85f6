"""The desk flow: code, young person, review, result, then the next family.

One object drives the pages in order and calls one desk action per step.
"""

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol

from PySide6.QtWidgets import QLabel

from app.codes import CodeError, CodeReason, PassCode, example_code
from app.desk import Desk
from app.errors import FormError, KnownError
from app.people import Person
from app.seasons import Season
from app.settings import Settings
from app.validations import State, Validation, ValidationError, deduction
from ui import french
from ui.accessibility import Sounds
from ui.actions import attempt
from ui.desk_pages import CodePage, PersonPage, ResultPage, ReviewPage
from ui.printing import ReceiptPrinter
from ui.seasons_page import SeasonsLine
from ui.texts import codes as codes_texts
from ui.texts import desk as desk_texts
from ui.texts import errors as errors_texts
from ui.texts import forum as forum_texts
from ui.texts import training as training_texts
from ui.widgets import Page


class Navigator(Protocol):
    def show_page(self, page: Page) -> None: ...
    def show_message(self, text: str, kind: str = "info") -> None: ...
    def clear_message(self) -> None: ...
    def refresh_status(self) -> None: ...
    def open_record(self, validation_id: int) -> None: ...


@dataclass(frozen=True)
class Draft:
    """One registration as typed and checked, before it is saved."""

    code: PassCode | None
    season: Season
    person: Person
    activity: str
    fee_cents: int | None


@dataclass
class Family:
    """One family at the desk: what brothers and sisters share, and the registrations
    saved for them, to print their receipts together."""

    last_name: str = ""
    activity: str = ""
    fee: str = ""
    saved: list[int] = field(default_factory=list)


def person_errors(error: FormError, season: Season) -> dict[str, str]:
    words = {}
    for key, reason in error.fields.items():
        if reason == "age_out_of_range":
            words[key] = desk_texts.age_refused(season.age_min, season.age_max, season.year)
        else:
            words[key] = desk_texts.PERSON_ERRORS.get(reason, desk_texts.PERSON_ERRORS["required"])
    return words


class DeskFlow:
    """``link`` and ``tasks``: at a forum, a code new here is first checked with the main
    desk, in the background (sync.link's ``forum_check``, which answers within a second)."""

    def __init__(
        self,
        desk: Desk,
        printer: ReceiptPrinter,
        settings: Settings,
        nav: Navigator,
        link: Any = None,
        tasks: Any = None,
    ) -> None:
        self._desk = desk
        self._printer = printer
        self._settings = settings
        self._nav = nav
        self._link = link
        self._tasks = tasks
        self._checking: tuple[CodePage, str] | None = None  # the code the main desk checks
        self._sounds = Sounds(settings)
        self._family = Family()

    # Step 1: the code
    def start(self, typed: str = "", sibling: bool = False) -> CodePage:
        """The code of the next young person: of a new family, or a brother or sister of
        the one just registered (their family name and membership are kept)."""
        if not sibling:
            self._family = Family()
        example = example_code(self._desk.seasons, self._desk.now())
        intro = desk_texts.sibling_intro(self._family.last_name, example) if sibling else ""
        page = CodePage(self._desk.volunteer, example, intro)
        page.body.addWidget(SeasonsLine(lambda: self._desk.seasons))
        page.changed.connect(lambda text: self._code_changed(page, text))
        page.submitted.connect(lambda text: self._code_submitted(page, text))
        page.no_code.connect(lambda: self._without_code(page))
        page.open_existing.connect(self._nav.open_record)
        self._nav.show_page(page)
        if typed:
            page.prefill(typed)
        return page

    def _keep_volunteer(self, page: CodePage) -> None:
        try:
            self._desk.set_volunteer(page.volunteer.text())
        except FormError:
            self._desk.set_volunteer("")

    def _read(self, page: CodePage, text: str) -> tuple[PassCode, Validation | None] | None:
        try:
            return self._desk.read_code(text)
        except CodeError as error:
            if error.reason == CodeReason.EMPTY:
                page.show_problem(None)
            elif error.reason == CodeReason.TOO_SHORT:
                page.show_problem(None)
                page.show_hint(
                    desk_texts.code_missing(error.details["needed"] - error.details["typed"])
                )
            else:
                page.show_problem(codes_texts.describe_code_error(error), error=error)
            return None

    def _code_changed(self, page: CodePage, text: str) -> None:
        """Explain as the code is typed; a complete, new, valid code goes on by itself."""
        page.show_hint("")
        if not text.strip():
            return
        read = self._read(page, text)
        if read is not None:
            self._go_on(page, *read)

    def _code_submitted(self, page: CodePage, text: str) -> None:
        if not text.strip():
            example = {"example": example_code(self._desk.seasons, self._desk.now())}
            page.show_problem(codes_texts.describe_code_error(CodeError(CodeReason.EMPTY, example)))
            self._sounds.failure()
            return
        read = self._read(page, text)
        if read is None and not page.code.error.isVisible():
            page.show_problem(page.hint.text())
        if read is None:
            self._sounds.failure()
        else:
            self._go_on(page, *read)

    def _go_on(self, page: CodePage, code: PassCode, existing: Validation | None) -> None:
        if existing is not None:
            when = french.moment(existing.recorded_at)
            page.show_problem(desk_texts.already_registered(existing.receipt_no, when), existing.id)
            self._sounds.failure()
            return
        if self._at_forum():
            self._check_at_forum(page, code)
            return
        self._keep_volunteer(page)
        self._ask_person(code, self._desk.season_of(code), after_code=True)

    # At a forum: the main desk's word on a code new here
    def _at_forum(self) -> bool:
        return self._link is not None and self._tasks is not None and self._link.forum() is not None

    def _check_at_forum(self, page: CodePage, code: PassCode) -> None:
        """Ask the main desk whether another desk recorded ``code``; out of range (no
        answer within a second), the desk goes on alone: the status area says so."""
        asked = (page, str(code))
        if self._checking == asked:
            return  # the Enter that follows a scanned code: the question is on its way
        self._checking = asked
        page.show_hint(forum_texts.CHECKING)
        link = self._link
        self._tasks.run(
            lambda: link.forum_check(str(code)),
            lambda state: self._checked(page, code, state),
            lambda _error: self._checked(page, code, None),
        )

    def _checked(self, page: CodePage, code: PassCode, state: dict | None) -> None:
        if self._checking != (page, str(code)):
            return
        self._checking = None
        try:
            still = page.isVisible() and self._desk.read_code(page.code.text())[0] == code
        except CodeError:
            still = False
        if not still:
            return  # the volunteer went elsewhere, or typed another code meanwhile
        page.show_hint("")
        if state and state.get("state") == "redeemed" and state.get("by_this_club"):
            page.show_problem(
                forum_texts.registered_elsewhere(
                    str(state.get("desk") or ""),
                    _moment(state.get("recorded_at")),
                    str(state.get("holder_hint") or ""),
                )
            )
            self._sounds.failure()
            return
        self._keep_volunteer(page)
        self._ask_person(code, self._desk.season_of(code), after_code=True)

    def _without_code(self, page: CodePage) -> None:
        self._keep_volunteer(page)
        attempt(self._nav, self._desk.open_season, lambda season: self._ask_person(None, season))

    # Step 2: the young person
    def _ask_person(self, code: PassCode | None, season: Season, after_code: bool = False) -> None:
        deposit = code is None
        family = self._family
        given = {"last_name": family.last_name, "activity": family.activity, "fee": family.fee}
        if deposit:
            given["cheque_amount"] = french.euros(season.amount_cents).replace("\u00a0€", "")
        page = PersonPage(
            desk_texts.DEPOSIT_TITLE if deposit else desk_texts.PERSON_TITLE,
            desk_texts.DEPOSIT_INTRO if deposit else desk_texts.PERSON_INTRO,
            self._desk.name_suggestions(),
            with_cheque=deposit,
            after_code=after_code,
            given=given,
        )
        page.body.insertWidget(2, _season_label(code, season))
        if family.last_name:
            page.on_shown = page.fields["first_name"].edit.setFocus
        page.submitted.connect(lambda: self._person_submitted(page, code, season))
        self._nav.clear_message()
        self._nav.show_page(page)

    def _person_submitted(self, page: PersonPage, code: PassCode | None, season: Season) -> None:
        errors: dict[str, str] = {}
        person = activity = fee = None
        try:
            person = self._desk.check_person(
                page.value("last_name"),
                page.value("first_name"),
                page.value("birth_date"),
                season,
            )
        except FormError as error:
            errors.update(person_errors(error, season))
        try:
            activity, fee = self._desk.check_extras(page.value("activity"), page.value("fee"))
        except FormError as error:
            errors.update(person_errors(error, season))
        page.show_errors(errors)
        if errors:
            self._sounds.failure()
            return
        self._review(page, Draft(code, season, person, activity, fee))

    # Step 3: review
    def _review(self, page: PersonPage, draft: Draft) -> None:
        code, season, person, fee = draft.code, draft.season, draft.person, draft.fee_cents
        rows = []
        if code is not None:
            rows.append((desk_texts.REVIEW_CODE, str(code)))
        rows += [
            (desk_texts.REVIEW_NAME, f"{person.first_name} {person.last_name}"),
            (desk_texts.REVIEW_BORN, french.long_date(person.birth_date)),
            (desk_texts.REVIEW_SEASON, str(season.year)),
            (desk_texts.REVIEW_AMOUNT, french.euros(deduction(season, fee))),
        ]
        if fee is not None:
            rows.append((desk_texts.REVIEW_FEE, french.euros(fee)))
            rows.append((desk_texts.REVIEW_REMAINING, french.euros(fee - deduction(season, fee))))
        if draft.activity:
            rows.append((desk_texts.REVIEW_ACTIVITY, draft.activity))
        if code is None:
            rows.append(
                (
                    desk_texts.REVIEW_CHEQUE,
                    desk_texts.cheque_summary(
                        page.value("cheque_number"),
                        page.value("cheque_bank"),
                        page.value("cheque_amount"),
                    ),
                )
            )
        review = ReviewPage(rows)
        review.modify.connect(lambda: self._nav.show_page(page))
        review.confirm.connect(lambda: self._save(page, draft))
        self._nav.show_page(review)

    # Step 4: save, then the result
    def _save(self, page: PersonPage, draft: Draft) -> None:
        """Save from the review page. A form error goes back to the fields; a code the
        national rules refuse goes back to the code; any other problem (a full disk, a
        busy file) is said on the review page, which stays as it was: « Confirmer » again
        saves the same registration."""
        code = draft.code

        def save() -> Validation:
            if code is None:
                return self._desk.take_deposit(
                    draft.person,
                    draft.season,
                    page.value("cheque_number"),
                    page.value("cheque_bank"),
                    page.value("cheque_amount"),
                    draft.activity,
                    draft.fee_cents,
                )
            return self._desk.validate(code, draft.person, draft.activity, draft.fee_cents)

        def explain(error: KnownError) -> bool:
            self._sounds.failure()
            if isinstance(error, FormError):
                self._nav.show_page(page)
                page.show_errors(person_errors(error, draft.season))
                return True
            if isinstance(error, ValidationError):
                self.start(str(code) if code else "", sibling=bool(self._family.saved))
                self._nav.show_message(errors_texts.describe(error), "error")
                return True
            return False

        attempt(self._nav, save, lambda saved: self._saved(page, draft, saved), explain)

    def _saved(self, page: PersonPage, draft: Draft, saved: Validation) -> None:
        self._family.last_name = draft.person.last_name
        self._family.activity = draft.activity
        self._family.fee = page.value("fee").strip()
        self._family.saved.append(saved.id)
        self._nav.refresh_status()
        self.show_result(saved)

    def show_result(
        self, saved: Validation, headline: str | None = None, extra: list[str] | None = None
    ) -> ResultPage:
        deposit = saved.state is State.AWAITING_CODE
        training = self._printer.training  # the training desk prints training receipts
        lines = [training_texts.TRAINING_RESULT] if training else []
        lines += [
            desk_texts.receipt_number(saved.receipt_no),
            desk_texts.amount_deducted(french.euros(saved.amount_cents)),
        ]
        if saved.remaining_cents is not None:
            lines.append(desk_texts.remaining(french.euros(saved.remaining_cents)))
        if deposit:
            lines.append(desk_texts.SAVED_DEPOSIT_NEXT)
        else:
            lines.append(
                training_texts.TRAINING_SAVED_TO_SEND if training else desk_texts.SAVED_TO_SEND
            )
        lines += extra or []
        if training:
            default = (
                training_texts.TRAINING_SAVED_DEPOSIT if deposit else training_texts.TRAINING_SAVED
            )
        else:
            default = desk_texts.SAVED_DEPOSIT if deposit else desk_texts.SAVED
        result = ResultPage(headline or default, "success", lines)
        result.next_family.connect(lambda: self.start())
        result.print_receipt.connect(lambda: self.print(saved.id))
        result.save_pdf.connect(lambda: self.save_pdf(saved.id))
        self._offer_family(result, saved)
        self._nav.show_page(result)
        self._sounds.success()
        if self._settings.get("auto_print"):
            self.print(saved.id)
        return result

    def print(self, validation_id: int) -> None:
        attempt(self._nav, lambda: self._printer.print(validation_id), self._printed)

    def _printed(self, printed: bool) -> None:
        if printed:
            self._nav.show_message(desk_texts.PRINTED, "success")
        else:
            self._nav.show_message(desk_texts.PRINT_CANCELLED, "info")

    def save_pdf(self, validation_id: int) -> None:
        def saved(path) -> None:
            if path is not None:
                self._nav.show_message(desk_texts.pdf_saved(str(path)), "success")

        attempt(self._nav, lambda: self._printer.save_pdf(validation_id), saved)

    def _offer_family(self, result: ResultPage, saved: Validation) -> None:
        """After a registration made here: a brother or sister next, and the family's
        receipts together once there are several."""
        family = self._family.saved
        if saved.id not in family:
            result.sibling_button.hide()
            return
        result.sibling.connect(lambda: self.start(sibling=True))
        result.offer_family_print(len(family))
        result.print_family.connect(lambda: self.print_family(list(family)))

    def print_family(self, ids: list[int]) -> None:
        def printed(done: bool) -> None:
            if done:
                self._nav.show_message(desk_texts.printed_family(len(ids)), "success")
            else:
                self._nav.show_message(desk_texts.PRINT_CANCELLED, "info")

        attempt(self._nav, lambda: self._printer.print_many(ids), printed)


def _moment(stamp: object) -> str:
    """``15 octobre 2025 à 14 h 32``, from the main desk's stamp."""
    try:
        return french.moment(datetime.fromisoformat(str(stamp)))
    except ValueError:
        return ""


def _season_label(code: PassCode | None, season: Season) -> QLabel:
    text = desk_texts.season_line(season.year, french.euros(season.amount_cents))
    if code is not None:
        text = f"{code} · {text}"
    label = QLabel(text)
    label.setObjectName("intro")
    label.setWordWrap(True)
    return label
