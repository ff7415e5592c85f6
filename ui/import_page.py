"""Import an extract of Le Compte Asso: choose the file, check the columns, read the
comparison, then confirm. Nothing changes before « Enregistrer » or « Confirmer »."""

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QFormLayout,
    QLabel,
    QListWidget,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.extract_columns import Field
from app.portal_extracts import PortalLine, Table, wording_key
from app.portal_states import PortalState, meaning
from app.reconcile import Plan
from app.treasury import Treasury
from ui.actions import report
from ui.desk_pages import button_row
from ui.progress import ProgressRelay
from ui.tasks import Tasks
from ui.texts import desk as desk_texts
from ui.texts import imports as imports_texts
from ui.texts import records as records_texts
from ui.texts import treasurer as treasurer_texts
from ui.widgets import Page

SHOWN_PER_LIST = 200


def _list(name: str, lines: list[str]) -> QListWidget:
    shown = QListWidget()
    shown.setAccessibleName(name)
    shown.setWordWrap(True)
    shown.addItems(lines[:SHOWN_PER_LIST] + (["…"] if len(lines) > SHOWN_PER_LIST else []))
    shown.setMaximumHeight(150 if lines else 0)
    shown.setVisible(bool(lines))
    return shown


class BusyPage(Page):
    """A page with a progress bar and an error line."""

    def __init__(self, title: str, intro: str = "", parent=None) -> None:
        super().__init__(title, intro, parent)
        self.progress = QProgressBar()
        self.progress.hide()
        self.error = QLabel()
        self.error.setObjectName("fieldError")
        self.error.setWordWrap(True)
        self.error.hide()

    def set_busy(self, busy: bool, text: str = "") -> None:
        self.progress.setVisible(busy)
        self.progress.setRange(0, 0)
        self.progress.setAccessibleName(text)
        self.progress.setFormat(text)

    def show_progress(self, done: int, total: int) -> None:
        self.progress.setRange(0, max(total, 1))
        self.progress.setValue(min(done, max(total, 1)))

    def show_error(self, text: str) -> None:
        self.set_busy(False)
        self.error.setText(text)
        self.error.setAccessibleName(text)
        self.error.setVisible(bool(text))


class ChoosePage(BusyPage):
    choose = Signal()

    def __init__(self, parent=None) -> None:
        super().__init__(imports_texts.IMPORT_TITLE, imports_texts.IMPORT_INTRO, parent)
        self.button = QPushButton(imports_texts.CHOOSE_FILE)
        self.button.setObjectName("primary")
        self.button.clicked.connect(self.choose.emit)
        self.body.addLayout(button_row(self.button))
        self.body.addWidget(self.progress)
        self.body.addWidget(self.error)

    def set_busy(self, busy: bool, text: str = "") -> None:
        super().set_busy(busy, text)
        self.button.setEnabled(not busy)

    def on_shown(self) -> None:
        self.button.setFocus()


class StateWordings(QWidget):
    """Each wording of the state column, with what the program read in it; the treasurer
    may say otherwise. A wording the program does not know starts on "I don't know":
    its lines change nothing until the treasurer says what it means."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)
        self._content: QWidget | None = None
        self.choices: dict[str, QComboBox] = {}

    def show_wordings(self, wordings: dict[str, int]) -> None:
        """Show these wordings; a meaning the treasurer already chose for one is kept."""
        chosen = {wording_key(w): c.currentIndex() for w, c in self.choices.items()}
        if self._content is not None:
            self._content.hide()
            self._content.deleteLater()
        self._content = QWidget()
        self._layout.addWidget(self._content)
        self.choices = {}
        self.setVisible(bool(wordings))
        if not wordings:
            return
        layout = QVBoxLayout(self._content)
        layout.setContentsMargins(0, 0, 0, 0)
        heading = QLabel(imports_texts.WORDINGS_TITLE)
        font = heading.font()
        font.setBold(True)
        heading.setFont(font)
        layout.addWidget(heading)
        intro = QLabel(imports_texts.WORDINGS_INTRO)
        intro.setWordWrap(True)
        layout.addWidget(intro)
        form = QFormLayout()
        form.setVerticalSpacing(10)
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapAllRows)  # as the columns above
        for wording, count in wordings.items():
            read = meaning(wording)
            text = imports_texts.wording_label(wording, count)
            label = QLabel(text)  # short lines: wrapping would cut them in a form
            choice = QComboBox()
            choice.addItem(imports_texts.WORDING_IGNORE, None)
            for state in PortalState:
                choice.addItem(imports_texts.PORTAL_STATE_WORDS[state], state)
            choice.setCurrentIndex(
                chosen.get(wording_key(wording), choice.findData(read) if read is not None else 0)
            )
            choice.setAccessibleName(text)
            label.setBuddy(choice)
            form.addRow(label, choice)
            if read is None:
                warning = QLabel(imports_texts.WORDING_UNKNOWN)
                warning.setObjectName("fieldError")
                warning.setWordWrap(True)
                choice.setAccessibleDescription(imports_texts.WORDING_UNKNOWN)
                form.addRow(warning)
            self.choices[wording] = choice
        layout.addLayout(form)

    def states(self) -> dict[str, PortalState | None]:
        return {wording_key(w): c.currentData() for w, c in self.choices.items()}


class PreviewPage(BusyPage):
    """Each column of the file, a few of its values, and what it is taken for; the sheet
    of a workbook; what each state written in the file means."""

    compare = Signal(object, object)  # the mapping chosen, the meaning of each state wording
    another = Signal()
    sheet_chosen = Signal(int)

    def __init__(self, table: Table, name: str, parent=None) -> None:
        super().__init__(imports_texts.PREVIEW_TITLE, imports_texts.PREVIEW_INTRO, parent)
        self._table = table
        summary = QLabel(imports_texts.file_summary(name, table.data_rows))
        self.body.addWidget(summary)
        self.sheet = QComboBox()
        if len(table.sheets) > 1:
            sheet_form = QFormLayout()
            sheet_label = QLabel(imports_texts.SHEET)
            self.sheet.addItems(table.sheets)
            self.sheet.setCurrentIndex(table.sheet)
            self.sheet.setAccessibleName(imports_texts.SHEET)
            self.sheet.setAccessibleDescription(imports_texts.SHEET_HINT)
            self.sheet.setToolTip(imports_texts.SHEET_HINT)
            sheet_label.setBuddy(self.sheet)
            sheet_form.addRow(sheet_label, self.sheet)
            self.body.addLayout(sheet_form)
            self.sheet.currentIndexChanged.connect(self.sheet_chosen.emit)
        form = QFormLayout()
        form.setVerticalSpacing(10)
        # Each column's words above its choice: both have the whole width, at any text size.
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapAllRows)
        self.choices: list[QComboBox] = []
        guessed = {index: key for key, index in table.mapping.items()}
        for index, title in enumerate(table.headers):
            label = QLabel(imports_texts.column_label(index, title, table.samples(index)))
            label.setWordWrap(True)
            choice = QComboBox()
            choice.addItem(imports_texts.IGNORED, None)
            for key in Field:
                choice.addItem(imports_texts.FIELD_WORDS[key], key)
            if index in guessed:
                choice.setCurrentIndex(choice.findData(guessed[index]))
            choice.setAccessibleName(label.text().split("\n")[0])
            label.setBuddy(choice)
            choice.currentIndexChanged.connect(lambda _, c=choice: self._chosen(c))
            form.addRow(label, choice)
            self.choices.append(choice)
        self.body.addLayout(form)
        self.wordings = StateWordings()
        self.wordings.show_wordings(table.wordings())
        self.body.addWidget(self.wordings)
        self.compare_button = QPushButton(imports_texts.COMPARE)
        self.compare_button.setObjectName("primary")
        self.compare_button.clicked.connect(self._compare)
        other = QPushButton(imports_texts.CHOOSE_ANOTHER)
        other.clicked.connect(self.another.emit)
        self.body.addWidget(self.error)
        self.body.addWidget(self.progress)
        self.body.addLayout(button_row(self.compare_button, other))

    def _chosen(self, changed: QComboBox) -> None:
        """One meaning for one column: choosing it elsewhere frees the other column."""
        key = changed.currentData()
        if key is not None:
            for choice in self.choices:
                if choice is not changed and choice.currentData() == key:
                    choice.setCurrentIndex(0)
        self.wordings.show_wordings(self._table.wordings(self.mapping()))

    def mapping(self) -> dict[Field, int]:
        return {c.currentData(): i for i, c in enumerate(self.choices) if c.currentData()}

    def _compare(self) -> None:
        mapping = self.mapping()
        if Field.CODE not in mapping:
            self.show_error(imports_texts.NEED_CODE_COLUMN)
            (self.choices[0] if self.choices else self.compare_button).setFocus()
            return
        self.show_error("")
        self.compare.emit(mapping, self.wordings.states())

    def set_busy(self, busy: bool, text: str = "") -> None:
        super().set_busy(busy, text)
        self.compare_button.setEnabled(not busy)

    def on_shown(self) -> None:
        self.compare_button.setDefault(True)
        self.compare_button.setFocus()


def _who(first: str, last: str) -> str:
    return f"{first} {last}".strip() or "?"


class ResultPage(BusyPage):
    apply = Signal()
    add = Signal()
    back = Signal()

    def __init__(self, plan: Plan, addable: int, parent=None) -> None:
        super().__init__(imports_texts.RESULT_TITLE, imports_texts.RESULT_INTRO, parent)
        self.lines: dict[str, QLabel] = {}

        def section(key: str, text: str, details: list[str]) -> None:
            label = QLabel(text)
            label.setWordWrap(True)
            label.setAccessibleName(text)
            self.lines[key] = label
            self.body.addWidget(label)
            self.body.addWidget(_list(text, details))

        section(
            "updates",
            imports_texts.updates(len(plan.updates)),
            [
                imports_texts.update_line(
                    _who(u.local.first_name, u.local.last_name),
                    u.local.code,
                    records_texts.STATE_WORDS[u.after],
                )
                for u in plan.updates
            ],
        )
        section("unchanged", imports_texts.unchanged(plan.unchanged), [])
        section(
            "conflicts",
            imports_texts.conflicts(len(plan.conflicts)),
            [
                imports_texts.conflict_line(
                    _who(c.local.first_name, c.local.last_name),
                    _who(c.line.first_name, c.line.last_name),
                    c.local.code,
                )
                if c.kind == "name"
                else imports_texts.cancelled_here_line(
                    _who(c.local.first_name, c.local.last_name), c.local.code
                )
                for c in plan.conflicts
            ],
        )
        section(
            "portal_only",
            imports_texts.portal_only(len(plan.portal_only)),
            [f"{_who(x.first_name, x.last_name)} · {x.code}" for x in plan.portal_only],
        )
        section(
            "here_only",
            imports_texts.here_only(len(plan.here_only)),
            [f"{_who(x.first_name, x.last_name)} · {x.code}" for x in plan.here_only],
        )
        if plan.ignored:
            section(
                "ignored",
                imports_texts.ignored(len(plan.ignored)),
                [imports_texts.ignored_line(x.row, x.code, x.wording) for x in plan.ignored],
            )
        if plan.unreadable:
            section("unreadable", imports_texts.unreadable(plan.unreadable), [])
        if plan.duplicates:
            section("duplicates", imports_texts.duplicates(plan.duplicates), [])
        if len(plan.portal_only) > addable:
            section("cannot_add", imports_texts.cannot_add(len(plan.portal_only) - addable), [])
        self.apply_button = QPushButton(imports_texts.APPLY)
        self.apply_button.setObjectName("primary")
        self._can_apply = bool(plan.updates)
        self.apply_button.setEnabled(self._can_apply)
        self.apply_button.clicked.connect(self.apply.emit)
        self.add_button = QPushButton(imports_texts.ADD)
        self.add_button.setVisible(addable > 0)
        self.add_button.clicked.connect(self.add.emit)
        back = QPushButton(treasurer_texts.TITLE)
        back.clicked.connect(self.back.emit)
        self.body.addWidget(self.error)
        self.body.addWidget(self.progress)
        self.body.addLayout(button_row(self.apply_button, self.add_button, back))

    def set_busy(self, busy: bool, text: str = "") -> None:
        super().set_busy(busy, text)
        self.apply_button.setEnabled(not busy and self._can_apply)  # again after a failure
        self.add_button.setEnabled(not busy)

    def on_shown(self) -> None:
        target = self.apply_button if self.apply_button.isEnabled() else self.add_button
        target.setFocus() if target.isVisible() else self.title.setFocus()


class AddPage(BusyPage):
    """The summary before adding registrations: « Modifier » goes back, « Confirmer » adds."""

    modify = Signal()
    confirm = Signal()

    def __init__(self, lines: list[PortalLine], parent=None) -> None:
        super().__init__(imports_texts.ADD_TITLE, imports_texts.ADD_INTRO, parent)
        self.body.addWidget(
            _list(
                imports_texts.ADD_TITLE,
                [f"{_who(x.first_name, x.last_name)} · {x.code}" for x in lines],
            )
        )
        self.modify_button = QPushButton(desk_texts.MODIFY)
        self.modify_button.clicked.connect(self.modify.emit)
        self.confirm_button = QPushButton(desk_texts.CONFIRM)
        self.confirm_button.setObjectName("primary")
        self.confirm_button.clicked.connect(self.confirm.emit)
        self.body.addWidget(self.error)
        self.body.addWidget(self.progress)
        self.body.addLayout(button_row(self.modify_button, self.confirm_button))

    def on_shown(self) -> None:
        self.confirm_button.setDefault(True)
        self.confirm_button.setFocus()


class ImportFlow:
    def __init__(
        self, treasury: Treasury, tasks: Tasks, nav, dialogs, on_finished: Callable
    ) -> None:
        self._treasury = treasury
        self._tasks = tasks
        self._nav = nav
        self._dialogs = dialogs
        self._finished = on_finished
        self.page: BusyPage | None = None
        # The file read, its mapping and the meaning of its state wordings.
        self._source: tuple[Table, dict, dict] | None = None
        # Called once registrations were added: other views (the desk's search) reload.
        self.on_added: Callable[[], None] = lambda: None

    def _show(self, page: BusyPage) -> None:
        self.page = page
        self._nav.show_page(page)

    def start(self) -> ChoosePage:
        page = ChoosePage()
        page.choose.connect(lambda: self._choose(page))
        self._nav.clear_message()
        self._show(page)
        return page

    def _run(self, page: BusyPage, text: str, work, done, progress: bool = False) -> None:
        relay = ProgressRelay(page)
        relay.connect_to(page.show_progress)
        page.show_error("")
        focus = QApplication.focusWidget()  # the button, disabled while the work runs
        page.set_busy(True, text)
        self._tasks.run(
            (lambda: work(relay.report)) if progress else work,
            lambda result: (page.set_busy(False), done(result)),
            lambda error: report(page, error, focus),
        )

    def _choose(self, page: ChoosePage) -> None:
        path = self._dialogs.open_path(page)
        if path is not None:
            self.read(page, path)

    def read(self, page: BusyPage, path: Path) -> None:
        self._run(
            page,
            imports_texts.READING,
            lambda report: self._treasury.read_extract(path, report),
            lambda table: self._preview(table, path),
            progress=True,
        )

    def _preview(self, table: Table, path: Path) -> PreviewPage:
        page = PreviewPage(table, path.name)
        page.another.connect(self.start)
        page.sheet_chosen.connect(lambda index: self._sheet(page, table, index, path))
        page.compare.connect(
            lambda mapping, states: self._compare(page, table, mapping, states, path)
        )
        self._show(page)
        return page

    def _sheet(self, page: PreviewPage, table: Table, index: int, path: Path) -> None:
        """Another sheet: its columns and states are read again, off the interface."""
        self._run(
            page,
            imports_texts.READING,
            lambda: table.on_sheet(index),
            lambda other: self._preview(other, path).sheet.setFocus(),
        )

    def _compare(self, page: PreviewPage, table: Table, mapping, states, path: Path) -> None:
        self._source = (table, mapping, states)
        self._run(
            page,
            imports_texts.COMPARING,
            lambda: self._treasury.compare(table, mapping, states)[0],
            lambda plan: self._result(plan, path),
        )

    def _result(self, plan: Plan, path: Path) -> ResultPage:
        addable = self._treasury.addable(plan)
        page = ResultPage(plan, len(addable))
        page.apply.connect(lambda: self._apply(page, plan, path))
        page.add.connect(lambda: self._ask_add(plan, addable, path))
        page.back.connect(self._finished)
        self._show(page)
        return page

    def _apply(self, page: ResultPage, plan: Plan, path: Path) -> None:
        """Write the updates, then compare again: what is left (to add, to check) shows."""
        table, mapping, states = self._source

        def work() -> tuple[int, Plan]:
            count = self._treasury.apply(plan, str(path))
            return count, self._treasury.compare(table, mapping, states)[0]

        def done(result: tuple[int, Plan]) -> None:
            count, again = result
            self._nav.refresh_status()
            if again.portal_only or again.conflicts:
                self._result(again, path)
            else:
                self._finished()
            self._nav.show_message(imports_texts.applied(count), "success")

        self._run(page, imports_texts.SAVING, work, done)

    def _ask_add(self, plan: Plan, lines: list[PortalLine], path: Path) -> None:
        page = AddPage(lines)
        page.modify.connect(lambda: self._result(plan, path))

        def done(count: int) -> None:
            self.on_added()
            self._finished()
            self._nav.show_message(imports_texts.added(count), "success")

        page.confirm.connect(
            lambda: self._run(
                page,
                imports_texts.SAVING,
                lambda: self._treasury.add_from_portal(lines, str(path)),
                done,
            )
        )
        self._show(page)
