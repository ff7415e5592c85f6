"""The treasurer's screen: a season's figures at a glance, a chart, the list, the actions.

The page shows what the treasury service returns and says what the user asked for
through its signals; the flow (ui/treasurer_flow.py) does the work.
"""

import math

from PySide6.QtCore import QRect, QRectF, QSize, Qt, Signal
from PySide6.QtGui import QColor, QFontMetricsF, QPainter
from PySide6.QtWidgets import (
    QComboBox,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from app.treasury import SeasonSummary, Treasury
from app.validations import State
from ui import french
from ui.records import ValidationList
from ui.seasons_page import SeasonsLine
from ui.style import icon
from ui.texts import common as common_texts
from ui.texts import portal as portal_texts
from ui.texts import records as records_texts
from ui.texts import treasurer as treasurer_texts
from ui.widgets import ItemLayout, Page

# Bars are dark enough to stand out (3:1) on white; the words say what each bar is.
BAR_COLOURS = {
    "to_send": "#1d3557",
    "lost": "#6b7280",
    "confirmed": "#1d3557",
    "in_processing": "#1b6e2a",
    "paid": "#1b6e2a",
    "to_check": "#8a4b00",
    "awaiting_code": "#8a4b00",
    "cancelled": "#6b7280",
}


class AmountBar(QWidget):
    """One bar of the chart of amounts by state: its length is the share of the largest
    amount. Its row says the state and the amount in words: the colour only adds to it."""

    def __init__(self, colour: str, parent=None) -> None:
        super().__init__(parent)
        self._colour = QColor(colour)
        self.fraction = 0.0
        self.setMinimumWidth(48)  # it stretches: at 200 % the words need the room
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)

    def set_fraction(self, fraction: float) -> None:
        self.fraction = max(0.0, min(1.0, fraction))
        self.update()

    def sizeHint(self) -> QSize:
        return QSize(200, round(QFontMetricsF(self.font()).height()))

    def paintEvent(self, _event) -> None:
        if self.fraction <= 0:
            return
        painter = QPainter(self)
        height = self.height() * 0.6
        width = max(3.0, (self.width() - 2) * self.fraction)
        painter.fillRect(QRectF(0, (self.height() - height) / 2, width, height), self._colour)
        painter.end()


class TileLayout(ItemLayout):
    """Widgets side by side, as wide as one another, as many to a line as their words allow
    (up to ``most``): at 200 % the figures and the buttons go two by two, or one below the
    other, rather than off the side of the screen."""

    def __init__(self, most: int, spacing: int = 12, parent=None) -> None:
        super().__init__(parent, spacing)
        self._most = most

    def expandingDirections(self) -> Qt.Orientation:
        return Qt.Orientation.Horizontal

    def sizeHint(self) -> QSize:
        items = self._visible()[: self._most]
        width = sum(i.sizeHint().width() for i in items) + self._spacing * max(0, len(items) - 1)
        return QSize(width, self.heightForWidth(width))

    def minimumSize(self) -> QSize:
        """The widest tile; the height is the one for the width given (heightForWidth)."""
        size = QSize()
        for item in self._visible():
            size = size.expandedTo(item.minimumSize())
        return QSize(self._widest(), size.height())

    def _widest(self) -> int:
        return max((item.sizeHint().width() for item in self._visible()), default=0)

    def _fits(self, items, columns: int, width: int) -> bool:
        room = width - self._spacing * (columns - 1)
        return all(
            sum(i.sizeHint().width() for i in items[start : start + columns]) <= room
            for start in range(0, len(items), columns)
        )

    def columns(self, width: int) -> int:
        """As many to a line as fit, then as few as keep the same number of lines."""
        items = self._visible()
        if not items:
            return 1
        fit = max(
            (n for n in range(1, min(self._most, len(items)) + 1) if self._fits(items, n, width)),
            default=1,
        )
        lines = -(-len(items) // fit)
        return -(-len(items) // lines)

    def _widths(self, line, columns: int, width: int) -> list[int]:
        """All as wide when that fits; otherwise each its own width and a share of the rest."""
        room = width - self._spacing * (columns - 1)
        if self._widest() * columns <= room:
            return [room // columns] * len(line)
        hints = [i.sizeHint().width() for i in line]
        extra = max(0, room - sum(hints)) // len(line)
        return [hint + extra for hint in hints]

    def _arrange(self, rect: QRect, move: bool) -> int:
        items = self._visible()
        columns = self.columns(rect.width())
        y = rect.y()
        for start in range(0, len(items), columns):
            line = items[start : start + columns]
            widths = self._widths(line, columns, rect.width())
            height = max(
                i.heightForWidth(w) if i.hasHeightForWidth() else i.sizeHint().height()
                for i, w in zip(line, widths, strict=True)
            )
            x = rect.x()
            for item, w in zip(line, widths, strict=True):
                if move:
                    item.setGeometry(QRect(x, y, w, height))
                x += w + self._spacing
            y += height + self._spacing
        return max(0, y - self._spacing - rect.y())


class Words(QLabel):
    """Words on one line when there is room, on two or more when there is not: its
    preferred width is the whole line, the least the longest word."""

    def __init__(self, text: str = "", parent=None) -> None:
        super().__init__(text, parent)
        self.setWordWrap(True)

    def sizeHint(self) -> QSize:
        hint = super().sizeHint()
        margins = self.contentsMargins()
        line = math.ceil(QFontMetricsF(self.font()).horizontalAdvance(self.text())) + 2
        line += 2 * self.margin()
        return QSize(line + margins.left() + margins.right(), hint.height())


def _figure(title: str) -> tuple[QFrame, QLabel]:
    box = QFrame()
    box.setObjectName("figureCard")
    box.setFrameShape(QFrame.Shape.Box)
    layout = QVBoxLayout(box)
    layout.setContentsMargins(14, 10, 14, 10)
    name = QLabel(title)
    value = QLabel()
    value.setObjectName("stateLine")  # the stylesheet's large bold line
    value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    layout.addWidget(name)
    layout.addWidget(value)
    return box, value


class TreasurerPage(Page):
    """One season's figures, what can be done with them, and the list of registrations."""

    season_changed = Signal(int)
    filter_changed = Signal()
    export_csv = Signal()
    export_xlsx = Signal()
    export_pdf = Signal()
    portal_assistant = Signal()
    portal_import = Signal()
    open_record = Signal(int)

    def __init__(self, treasury: Treasury, with_portal: bool = True, parent=None) -> None:
        super().__init__(treasurer_texts.TITLE, parent=parent)
        self._treasury = treasury
        layout = self.body

        top = QHBoxLayout()
        season_label = QLabel(treasurer_texts.SEASON)
        self.season = QComboBox()
        self.season.setAccessibleName(treasurer_texts.SEASON)
        season_label.setBuddy(self.season)
        for year in treasury.years():
            self.season.addItem(str(year), year)
        self.deadline = QLabel()
        self.deadline.setWordWrap(True)
        top.addWidget(season_label)
        top.addWidget(self.season)
        top.addSpacing(16)
        top.addWidget(self.deadline, 1)
        layout.addLayout(top)
        self.table_line = SeasonsLine(lambda: treasury.seasons, notice=True)
        layout.addWidget(self.table_line)
        self.late = QLabel()
        self.late.setObjectName("fieldError")
        self.late.setWordWrap(True)
        self.late.hide()
        layout.addWidget(self.late)

        figures = TileLayout(most=4)
        self.figures: dict[str, QLabel] = {}
        self.figure_boxes: dict[str, QFrame] = {}
        for key, title in (
            ("expected", treasurer_texts.EXPECTED),
            ("received", treasurer_texts.RECEIVED),
            ("missing", treasurer_texts.MISSING),
            ("overpaid", treasurer_texts.OVERPAID),
        ):
            box, value = _figure(title)
            self.figures[key] = value
            self.figure_boxes[key] = box
            figures.addWidget(box)
        layout.addLayout(figures)

        heading = QLabel(treasurer_texts.BY_STATE)
        font = heading.font()
        font.setBold(True)
        heading.setFont(font)
        layout.addWidget(heading)
        # The table of states, with a bar chart of the amounts in its last column.
        self.chart = QWidget()
        self.chart.setAccessibleName(treasurer_texts.CHART_NAME)
        self.grid = QGridLayout(self.chart)
        self.grid.setContentsMargins(0, 0, 0, 0)
        self.grid.setHorizontalSpacing(18)
        self.grid.setVerticalSpacing(6)
        # At 200 % the words of a state and the titles wrap: the columns always fit.
        titles = (
            treasurer_texts.STATE_COLUMN,
            treasurer_texts.COUNT_COLUMN,
            treasurer_texts.AMOUNT_COLUMN,
        )
        for column, title in enumerate(titles):
            label = Words(title)
            label.setFont(font)
            align = Qt.AlignmentFlag.AlignRight if column else Qt.AlignmentFlag.AlignLeft
            label.setAlignment(align | Qt.AlignmentFlag.AlignBottom)
            self.grid.addWidget(label, 0, column)
        self.rows: dict[str, tuple[QLabel, QLabel, QLabel]] = {}
        self.bars: dict[str, AmountBar] = {}
        for line, key in enumerate([*treasurer_texts.SUMMARY_ORDER, "cheques"], start=1):
            name = Words(
                treasurer_texts.CHEQUES_HELD
                if key == "cheques"
                else treasurer_texts.SUMMARY_WORDS[key]
            )
            count, amount = QLabel(), QLabel()
            for column, label in enumerate((name, count, amount)):
                align = Qt.AlignmentFlag.AlignRight if column else Qt.AlignmentFlag.AlignLeft
                self.grid.addWidget(label, line, column, align | Qt.AlignmentFlag.AlignVCenter)
            self.rows[key] = (name, count, amount)
            if key != "cheques":
                self.bars[key] = AmountBar(BAR_COLOURS[key])
                self.grid.addWidget(self.bars[key], line, 3)
        self.grid.setColumnStretch(3, 1)
        layout.addWidget(self.chart)

        self.buttons: dict[str, QPushButton] = {}

        def button(key: str, text: str, signal, icon_name: str | None = None, hint: str = ""):
            made = QPushButton(icon(icon_name), text) if icon_name else QPushButton(text)
            made.setAutoDefault(True)
            made.clicked.connect(signal.emit)
            if hint:
                made.setToolTip(hint)
                made.setAccessibleDescription(hint)
            self.buttons[key] = made
            return made

        actions = TileLayout(most=2)
        made = [
            button("csv", treasurer_texts.EXPORT_CSV, self.export_csv),
            button("xlsx", treasurer_texts.EXPORT_XLSX, self.export_xlsx),
            button("pdf", treasurer_texts.EXPORT_PDF, self.export_pdf),
            button(
                "import",
                treasurer_texts.PORTAL_IMPORT,
                self.portal_import,
                None,
                treasurer_texts.PORTAL_IMPORT_HINT,
            ),
        ]
        if with_portal:
            made.insert(
                3, button("portal", portal_texts.TASK_PORTAL, self.portal_assistant, "send")
            )
        for widget in made:
            actions.addWidget(widget)
        layout.addLayout(actions)

        self.progress = QProgressBar()
        self.progress.setAccessibleName(treasurer_texts.WORKING)
        self.progress.hide()
        layout.addWidget(self.progress)
        self.notice = QLabel()
        self.notice.setWordWrap(True)
        self.notice.hide()
        layout.addWidget(self.notice)

        list_title = QLabel(treasurer_texts.LIST_TITLE)
        list_title.setFont(heading.font())
        layout.addWidget(list_title)
        filter_row = QHBoxLayout()
        filter_label = QLabel(treasurer_texts.FILTER)
        self.filter = QComboBox()
        self.filter.setAccessibleName(treasurer_texts.FILTER)
        filter_label.setBuddy(self.filter)
        self.filter.addItem(treasurer_texts.ALL_STATES, None)
        for key in treasurer_texts.STATE_ORDER:
            self.filter.addItem(records_texts.STATE_WORDS[key], key)
        filter_row.addWidget(filter_label)
        filter_row.addWidget(self.filter)
        filter_row.addStretch(1)
        layout.addLayout(filter_row)
        self.count = QLabel()  # on a line of its own: at 200 % it does not fit beside
        self.count.setWordWrap(True)
        layout.addWidget(self.count)
        self.results = ValidationList(treasurer_texts.LIST_TITLE)
        self.results.setMinimumHeight(200)  # the whole list fits on screen when it has the focus
        self.results.open_record.connect(self.open_record)
        layout.addWidget(self.results)

        self.season.currentIndexChanged.connect(lambda _: self.refresh())
        self.filter.currentIndexChanged.connect(lambda _: self.refresh_list())

    def on_shown(self) -> None:
        self.refresh()
        self.season.setFocus()

    def on_data_changed(self) -> None:
        self.refresh()

    # What is shown
    def year(self) -> int:
        return self.season.currentData()

    def state(self) -> State | None:
        key = self.filter.currentData()
        return State(key) if key else None

    def refresh(self) -> None:
        self.table_line.refresh()
        summary = self._treasury.summary(self.year())
        self.show_summary(summary)
        self.refresh_list()

    def show_summary(self, s: SeasonSummary) -> None:
        self.deadline.setText(treasurer_texts.deadline_line(s.deadline, s.days_left, s.closed))
        late = s.lost.count
        self.late.setText(
            treasurer_texts.to_enter_late(late, french.euros(s.lost.cents)) if late else ""
        )
        self.late.setVisible(bool(late))
        for key, cents, title in (
            ("expected", s.expected_cents, treasurer_texts.EXPECTED),
            ("received", s.received_cents, treasurer_texts.RECEIVED),
            ("missing", s.missing_cents, treasurer_texts.MISSING),
            ("overpaid", s.overpaid_cents, treasurer_texts.OVERPAID),
        ):
            self.figures[key].setText(french.euros(cents))
            self.figures[key].setAccessibleName(f"{title} : {french.euros(cents)}")
        self.figure_boxes["overpaid"].setVisible(bool(s.overpaid_cents))
        for key, (name, count, amount) in self.rows.items():
            if key == "cheques":
                number, cents = s.cheques_held, s.cheques_held_cents
            else:
                number, cents = s.totals[key].count, s.totals[key].cents
            if key == "lost":  # none can be lost while the season is open
                for label in (name, count, amount, self.bars[key]):
                    label.setVisible(bool(number) or s.closed)
            count.setText(str(number))
            amount.setText(french.euros(cents))
            sentence = (
                f"{name.text()} : {common_texts.registrations(number)}, {french.euros(cents)}"
            )
            name.setToolTip(sentence)
            for label in (name, count, amount):
                label.setAccessibleName(sentence)
        largest = max((t.cents for t in s.totals.values()), default=0) or 1
        for key, bar in self.bars.items():
            bar.set_fraction(s.totals[key].cents / largest)
        self.chart.setAccessibleDescription(
            " ; ".join(
                f"{treasurer_texts.SUMMARY_WORDS[k]} : {french.euros(s.totals[k].cents)}"
                for k in treasurer_texts.SUMMARY_ORDER
            )
        )
        if "portal" in self.buttons:
            left = self._treasury.to_enter_count()
            self.buttons["portal"].setText(portal_texts.task_portal(left))
            self.buttons["portal"].setEnabled(bool(left))

    def refresh_list(self) -> None:
        found, total = self._treasury.listing(self.year(), self.state())
        self.results.show_validations(found)
        self.count.setText(treasurer_texts.listing_count(len(found), total))

    def set_busy(self, busy: bool, text: str = "") -> None:
        for key in ("csv", "xlsx", "pdf", "import"):
            self.buttons[key].setEnabled(not busy)
        self.progress.setVisible(busy)
        self.progress.setRange(0, 0)  # moving until the first figure arrives
        if busy:
            self.progress.setFormat(text)
            self.progress.setAccessibleName(text)

    def show_progress(self, done: int, total: int) -> None:
        self.progress.setRange(0, max(total, 1))
        self.progress.setValue(min(done, max(total, 1)))

    def show_notice(self, text: str) -> None:
        self.notice.setText(text)
        self.notice.setAccessibleName(text)
        self.notice.setVisible(bool(text))
