"""Calendar: a month grid with markers per kind, the selected day's items beside it,
or an agenda of the next 30 days. ←→ day, ↑↓ (j/k) week, [ ] month, g today, enter
opens, / filters the items (pinyin too), a adds an event, i imports a .ics file, A
toggles the agenda."""

from __future__ import annotations

import calendar as cal
from collections import Counter
from datetime import date, timedelta
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rich.table import Table
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widget import Widget
from textual.widgets import Header, Input, Label

from csm_tui.calendar_view import KIND_MARK, KIND_ORDER, CalendarView, CalItem, counts_by_day
from csm_tui.i18n import (
    N_,
    label,
    long_day,
    month_title,
    plural,
    short_day,
    t,
    weekday_names,
)
from csm_tui.namesearch import filter_items, search_text
from screens.base import DataScreen
from screens.keybar import KeyBar
from screens.keymap import bindings
from screens.vtable import Column, VirtualTable, VRow

if TYPE_CHECKING:
    from csm_tui.ical import IcsReport
    from csm_tui.services import Services, ViewKey

KIND_STYLE = {"holiday": "bold green", "workday": "bold yellow", "event": "cyan",
              "renewal": "bold magenta", "start": "blue", "anniversary": "yellow",
              "touchpoint": "white", "task": "red"}


def grid_range(year: int, month: int) -> tuple[date, date]:
    """Monday before the 1st to the Sunday after the last day (whole weeks)."""
    first = date(year, month, 1)
    start = first - timedelta(days=first.weekday())
    last = date(year, month, cal.monthrange(year, month)[1])
    return start, last + timedelta(days=6 - last.weekday())


class MonthGrid(Widget, can_focus=True):
    DEFAULT_CSS = "MonthGrid { height: auto; width: 1fr; }"

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.selected = date.today()
        self.today = date.today()
        self.counts: dict[date, Counter[str]] = {}

    def render(self) -> Table:
        table = Table(expand=True, show_lines=True, pad_edge=False, box=None,
                      show_header=True, header_style="bold")
        for name in weekday_names():
            table.add_column(name, ratio=1, no_wrap=False)
        start, end = grid_range(self.selected.year, self.selected.month)
        day = start
        while day <= end:
            cells = []
            for _ in range(7):
                cells.append(self._cell(day))
                day += timedelta(days=1)
            table.add_row(*cells)
        return table

    def _cell(self, day: date) -> Text:
        counts = self.counts.get(day, Counter())
        head_style = "bold" if day.month == self.selected.month else "dim"
        if day == self.today:
            head_style += " underline"
        text = Text(f"{day.day:>2}", style=head_style)
        marks = Text()
        for kind in KIND_ORDER:
            n = counts.get(kind, 0)
            if n:
                mark = KIND_MARK[kind] + (str(n) if n > 1 else "")
                marks.append(f" {mark}", style=KIND_STYLE[kind])
        text.append("\n")
        text.append_text(marks if marks else Text(" "))
        if day == self.selected:
            text.stylize("reverse")
        return text


class CalendarScreen(DataScreen[CalendarView]):
    """A small range loads every item; a big book's grid shows markers counted by the
    database and loads the selected day's items per day (the agenda and a filter load
    the range in full)."""

    TITLE = N_("Calendar")
    BINDINGS = bindings("calendar")
    full_up_to: int | None = None  # None: csm_tui.calendar_view.FULL_UP_TO

    def __init__(self) -> None:
        super().__init__()
        self.view: CalendarView | None = None
        self.items: list[CalItem] = []  # what is loaded: the range's, or the day's
        # the request the shown view answers: its range first, then the day and whether
        # every item was asked for
        self.loaded_range: tuple[object, ...] | None = None
        self.agenda = False
        self.initialised = False
        self.shown: list[CalItem] = []  # the items the filter keeps

    def compose(self) -> ComposeResult:
        yield Header()
        yield Input(placeholder=t("/ filter items: title, account, pinyin, kind"),
                    id="cal-filter", compact=True)
        with Horizontal(id="cal-body"):
            with Vertical(id="cal-left"):
                yield Label("", id="cal-month")
                yield MonthGrid(id="cal-grid")
                yield Label("  ".join(f"{KIND_MARK[k]} {label('calendar', k)}"
                                      for k in KIND_ORDER),
                            id="cal-legend")
                yield VirtualTable([Column(N_("Date"), 11), Column(N_("Kind"), 11),
                                    Column(N_("Item"), 60)],
                                   id="cal-agenda")
            with Vertical(id="cal-right"):
                yield Label("", id="cal-day")
                yield VirtualTable([Column(N_("Kind"), 11), Column(N_("Item"), 50)],
                                   id="cal-items")
        yield KeyBar()

    def on_mount(self) -> None:
        self.query_one("#cal-agenda").display = False
        self.query_one("#cal-filter").display = False
        self.query_one("#cal-grid", MonthGrid).focus()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Day and week moves act on the month grid only: elsewhere the arrows move in
        the list, and `?` does not offer them."""
        if action == "day":
            return self.focused is self.grid and not self.agenda
        return True

    @property
    def grid(self) -> MonthGrid:
        return self.query_one("#cal-grid", MonthGrid)

    def _range(self) -> tuple[date, date]:
        if self.agenda:
            today = self.csm.today()
            return today, today + timedelta(days=30)
        return grid_range(self.grid.selected.year, self.grid.selected.month)

    def _wants_full(self) -> bool:
        """The agenda lists every item, and a filter's counts need them all."""
        return self.agenda or bool(self.query_one("#cal-filter", Input).value.strip())

    def request(self) -> tuple[object, ...]:
        if not self.initialised:  # opens on today's month
            self.grid.selected = self.grid.today = self.csm.today()
            self.initialised = True
        start, end = self._range()
        view = self.view
        if view is not None and view.full and (view.start, view.end) == (start, end):
            return view.asked  # every item of the range is here: any day, any filter
        return start, end, self.grid.selected, self._wants_full()

    def load(self, services: Services, key: ViewKey, request: Any) -> CalendarView:
        start, end, day, full = request
        return services.calendar_view(key, start, end, day=day, full=full,
                                      full_up_to=self.full_up_to, asked=request)

    def show(self, view: CalendarView) -> None:
        self.view, self.items = view, view.items
        self.loaded_range = view.asked
        if not view.full and view.day != self.grid.selected and not self.agenda:
            self.refresh_if_stale()  # the day moved on meanwhile: its items next
        self._filter()

    def _filter(self) -> None:
        view = self.view
        if view is not None and not view.full and self._wants_full():
            self.refresh_if_stale()  # a filter counts over every item: load them
        query = self.query_one("#cal-filter", Input).value
        self.shown = filter_items(self.items, query, lambda i: search_text(
            i.title, i.kind, label("calendar", i.kind), pinyin=(i.title,)))
        self.grid.counts = counts_by_day(self.shown) if view is None or view.full \
            else view.counts
        self._draw()

    def _day_items(self) -> list[CalItem]:
        """The selected day's items, once loaded (a big book loads them per day)."""
        view, day = self.view, self.grid.selected
        if view is None or (not view.full and view.day != day):
            return []
        return [i for i in self.shown if i.day == day]

    def _draw(self) -> None:
        grid = self.grid
        self.query_one("#cal-month", Label).update(f"[b]{month_title(grid.selected)}[/b]")
        grid.refresh(layout=True)  # marks can wrap a week onto more lines: re-measure
        day_items = self._day_items()
        view = self.view
        loaded = view is None or view.full or view.day == grid.selected
        count = len(day_items) if loaded else sum(grid.counts.get(grid.selected, {}).values())
        self.query_one("#cal-day", Label).update(
            f"[b]{long_day(grid.selected)}[/b] · " + plural(count, "item"))
        self.query_one("#cal-items", VirtualTable).set_rows(
            [VRow(f"{n}:{i.ref}", (Text(label("calendar", i.kind),
                                        style=KIND_STYLE.get(i.kind, "")), i.title))
             for n, i in enumerate(day_items)])
        if self.agenda:
            self.query_one("#cal-agenda", VirtualTable).set_rows(
                [VRow(f"{n}:{i.ref}", (short_day(i.day),
                                       Text(label("calendar", i.kind),
                                            style=KIND_STYLE.get(i.kind, "")), i.title))
                 for n, i in enumerate(self.shown)])
        total = len(self.shown) if view is None or view.full else view.total
        query = self.query_one("#cal-filter", Input).value.strip()
        filt = t(" · filter “{query}”", query=query) if query else ""
        shown = (t("agenda: next 30 days · {items}", items=plural(total, "item"))
                 if self.agenda else f"{month_title(grid.selected)} · " + plural(total, "item"))
        self.sub_title = f"{self.csm.scope_label} · {shown}{filt}"  # mine or team, as elsewhere

    def _select(self, day: date) -> None:
        self.grid.selected = day
        if not self.agenda:  # another month, or (a big book) another day: load it
            self.refresh_if_stale()
        self._draw()

    def action_day(self, step: int) -> None:
        if self.focused is not self.grid:
            return
        self._select(self.grid.selected + timedelta(days=step))

    def action_month(self, step: int) -> None:
        d = self.grid.selected
        month = d.month - 1 + step
        year = d.year + month // 12
        month = month % 12 + 1
        self._select(date(year, month, min(d.day, cal.monthrange(year, month)[1])))

    def action_today(self) -> None:
        self._select(self.csm.today())

    def action_filter(self) -> None:
        box = self.query_one("#cal-filter", Input)
        box.display = True
        box.focus()

    def action_clear_filter(self) -> None:
        box = self.query_one("#cal-filter", Input)
        box.value = ""
        box.display = False
        (self.query_one("#cal-agenda") if self.agenda else self.grid).focus()

    @on(Input.Changed, "#cal-filter")
    def _filter_changed(self) -> None:
        self._filter()

    @on(Input.Submitted, "#cal-filter")
    def _filter_submitted(self) -> None:
        (self.query_one("#cal-agenda") if self.agenda else self.grid).focus()

    def action_agenda(self) -> None:
        self.agenda = not self.agenda
        self.query_one("#cal-agenda").display = self.agenda
        self.grid.display = not self.agenda
        self.query_one("#cal-legend").display = not self.agenda
        (self.query_one("#cal-agenda") if self.agenda else self.grid).focus()
        self.refresh_if_stale()

    def _focused_item(self) -> CalItem | None:
        table = self.focused
        if not isinstance(table, VirtualTable) or table.current is None:
            return None
        index = int(table.current.key.split(":", 1)[0])
        source = self.shown if table.id == "cal-agenda" else self._day_items()
        return source[index] if index < len(source) else None

    def action_enter(self) -> None:
        if self.focused is self.grid:
            items = self.query_one("#cal-items", VirtualTable)
            if items.rows:
                items.focus()
            return
        item = self._focused_item()
        if item is None:
            return
        if item.account_id is not None:
            self.csm.open_account(item.account_id)
        else:
            self.notify(f"{long_day(item.day)} · {label('calendar', item.kind)}: {item.title}",
                        title=t("Event"))

    @on(VirtualTable.Selected)
    def _selected(self) -> None:
        self.action_enter()

    def action_log(self) -> None:
        item = self._focused_item()
        if item is not None and item.account_id is not None:
            touchpoint = int(item.ref.split(":")[1]) if item.ref.startswith("touchpoint:") \
                else None
            self.csm.open_log_form(item.account_id, touchpoint)

    def action_add(self) -> None:
        from screens.event_form import EventForm

        def added(event_id: int | None) -> None:
            if event_id:
                self.notify(t("Event added"))

        self.app.push_screen(EventForm(self.grid.selected), added)

    def _focused_event(self) -> int | None:
        item = self._focused_item()
        if item is None or not item.ref.startswith("event:"):
            self.notify(t("select an event in the day's list or the agenda first"),
                        severity="warning")
            return None
        return int(item.ref.split(":", 1)[1])

    def action_edit(self) -> None:
        from screens.book_dialogs import edit_event

        if (event_id := self._focused_event()) is not None:
            edit_event(self.csm, event_id)

    def action_delete(self) -> None:
        from screens.book_dialogs import delete_event

        if (event_id := self._focused_event()) is not None:
            delete_event(self.csm, event_id)

    def action_import_ics(self) -> None:
        from screens.event_form import PathPrompt

        self.app.push_screen(PathPrompt(t("Import an iCalendar (.ics) file: path")),
                             self._import)

    def _import(self, path_text: str | None) -> None:
        if not path_text:
            return
        path = Path(path_text).expanduser()

        def done(report: IcsReport) -> None:
            detail = "".join(f"\n{which}: {why}" for which, why in report.rejected[:5])
            self.notify(f"{path.name}: {report.summary()}{detail}", title=t("Imported"),
                        timeout=10,
                        severity="warning" if report.rejected else "information")

        def failed(message: str) -> None:
            self.notify(message, title=t("Import failed"), severity="error")

        self.csm.write(partial(self.services.import_ics, path), done=done, failed=failed)
