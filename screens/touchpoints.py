"""Touchpoints: planned contacts grouped Overdue / Today / This week / Later.
`l` log, `d` done, `s` snooze, `r` reschedule, `/` filter (pinyin and initials too).
`h` turns to the history: done and planned touches, newest first, paged through the
database; there `/` searches the whole book (words; `account:` `contact:` `channel:`
`from:` `to:` narrow it), `e` corrects the selected touch and `D` deletes it."""

from __future__ import annotations

from collections.abc import Hashable
from datetime import date
from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.widgets import Header, Input

from csm_tui.book_services import PAGE, HistoryFilter, HistoryPage, HistoryRow, history_filter
from csm_tui.i18n import N_, label, t
from csm_tui.namesearch import filter_items, search_text
from csm_tui.touchpoints import DuePage, DueTouchpoint, grouped
from screens import triage
from screens.base import DataScreen
from screens.format import relative_days, tier_badge
from screens.keybar import KeyBar
from screens.keymap import bindings
from screens.vtable import Column, VirtualTable, VRow

if TYPE_CHECKING:
    from csm_tui.services import Services, ViewKey

GROUP_STYLE = {N_("Overdue"): "bold red", N_("Today"): "bold yellow",
               N_("This week"): "bold cyan", N_("Later"): "bold"}


PLANNED_COLUMNS = [Column(N_("Due"), 8), Column(N_("Account"), 26), Column(N_("Tier"), 4),
                   Column(N_("Channel"), 11), Column(N_("Contact"), 26), Column(N_("Late"), 5),
                   Column(N_("Next step"), 40)]
# The history's rows are done or planned: the day it happened or is due, and what.
HISTORY_COLUMNS = [Column(N_("Date"), 10), Column(N_("Account"), 24), Column(N_("Tier"), 4),
                   Column(N_("Channel"), 9), Column(N_("Contact"), 24),
                   Column(N_("Status"), 7), Column(N_("What"), 40)]


class TouchpointsScreen(DataScreen[Any]):
    TITLE = N_("Touchpoints")
    BINDINGS = bindings("touchpoints")

    def __init__(self) -> None:
        super().__init__()
        self.items: list[DueTouchpoint] = []
        self.due: DuePage | None = None  # the planned rows loaded, and the groups' sizes
        self.by_key: dict[str, DueTouchpoint] = {}
        self.today = date.min
        self._search: dict[int, str] = {}
        self.history = False  # h: the history of done and planned touches
        self.pages = 1
        self.page: HistoryPage | None = None
        self.history_rows: dict[str, HistoryRow] = {}
        self._whole: list[DueTouchpoint] | None = None  # every planned touch, if loaded

    def compose(self) -> ComposeResult:
        yield Header()
        yield Input(placeholder=t("/ filter: account, channel, contact, tier…"), id="tp-filter",
                    compact=True)
        yield VirtualTable(PLANNED_COLUMNS, id="touchpoints")
        yield KeyBar()

    def on_mount(self) -> None:
        self.query_one(VirtualTable).focus()

    def request(self) -> Hashable:
        """History: its filter (searched in the database). Planned: the filter (in the
        database too) and how many rows, a page at a time as the cursor reaches the
        end."""
        text = self.query_one("#tp-filter", Input).value
        if not self.history:
            return ("planned", text.strip(), PAGE * self.pages)
        return history_filter(text, self.pages)

    def load(self, services: Services, key: ViewKey, request: Any) -> Any:
        if isinstance(request, HistoryFilter):
            return services.history(request, owner=key.owner), key.day
        _kind, query, limit = request
        return services.due_touchpoints(key, limit=limit, query=query), key.day, query

    def show(self, data: Any) -> None:
        view, self.today = data[0], data[1]
        if isinstance(view, HistoryPage):
            self._show_history(view)
            return
        self.due, self.items = view, view.items
        self._search = {}
        # every planned touch loaded (a small book): a filter answers at once from them
        if not data[2]:
            self._whole = view.items if view.complete else None
        self._redraw(hold_place=True)

    def _show_history(self, page: HistoryPage) -> None:
        self.page = page
        rows: list[VRow] = []
        self.history_rows = {}
        for r in page.rows:
            key = f"tp:{r.id}"
            self.history_rows[key] = r
            contact = r.contact + (f" ({label('role', r.contact_role)})" if r.contact_role
                                   else "")
            what = r.summary if r.status == "done" else (r.next_step or "—")
            status = label("status", r.status)
            rows.append(VRow(key, (
                r.day.isoformat() if r.day else "—", r.account, tier_badge(r.tier),
                label("channel", r.channel), contact,
                Text(status, style="green" if r.status == "done" else "cyan"),
                what + (f" [{label('outcome', r.outcome)}]" if r.outcome else ""))))
        table = self.query_one(VirtualTable)
        table.set_columns(HISTORY_COLUMNS)
        table.set_rows(rows, hold_place=True)
        shown = t("{scope} · history: {n} of {total} touches, newest first",
                  scope=self.csm.scope_label, n=len(page.rows), total=page.total)
        self.sub_title = page.problem or shown

    def action_history(self) -> None:
        """`h`: the history (done and planned, searched in the database) ↔ planned."""
        self.history = not self.history
        self.pages = 1
        box = self.query_one("#tp-filter", Input)
        box.value = ""
        box.placeholder = (t("/ search the book: words · account: contact: channel: from: "
                             "to:") if self.history
                           else t("/ filter: account, channel, contact, tier…"))
        self.refresh_if_stale()

    @on(VirtualTable.Highlighted)
    def _near_end(self, event: VirtualTable.Highlighted) -> None:
        """The cursor on the last loaded row (history or planned): the next page."""
        table = self.query_one(VirtualTable)
        if not table.rows or table.cursor < len(table.rows) - 1:
            return
        if self.history:
            page = self.page
            more = (page is not None and len(page.rows) < page.total
                    and self.pages * PAGE <= len(page.rows))
        else:
            more = (self.due is not None and not self.due.complete
                    and self.pages * PAGE <= len(self.items))
        if more:
            self.pages += 1
            self.refresh_if_stale()

    def _text(self, item: DueTouchpoint) -> str:
        """What the filter looks in (made on the first filter keystroke, then kept)."""
        text = self._search.get(item.id)
        if text is None:
            text = self._search[item.id] = search_text(
                item.account, item.channel, label("channel", item.channel), item.contact,
                item.tier, f"tier:{item.tier}", item.next_step,
                pinyin=(item.account, item.contact))
        return text

    def _redraw(self, *, hold_place: bool = False,
                matches: list[DueTouchpoint] | None = None) -> None:
        """`hold_place`: after a reload (a row done elsewhere), not a filter keystroke.
        `matches`: a filter's answer from the loaded rows, shown while the database's
        is on its way."""
        items = self.items if matches is None else matches
        # a group's size: of all the touches the filter matches (a page shows its first
        # rows), as the database counted them
        sizes = self.due.counts if self.due is not None and matches is None else None
        rows: list[VRow] = []
        self.by_key = {}
        for group, members in grouped(items, self.today).items():
            if not members:
                continue
            size = len(members) if sizes is None else sizes[group]
            rows.append(VRow(f"group:{group}", (Text(f"{t(group)} ({size})",
                                                     style=GROUP_STYLE[group]),), group=True))
            for item in members:
                key = f"tp:{item.id}"
                self.by_key[key] = item
                late = item.days_overdue(self.today)
                contact = item.contact + (f" ({label('role', item.contact_role)})"
                                          if item.contact_role else "")
                rows.append(VRow(key, (
                    relative_days(item.due_date, self.today), item.account,
                    tier_badge(item.tier), label("channel", item.channel),
                    contact, Text(t("{days}d", days=late), style="red") if late > 0 else "",
                    item.next_step)))
        table = self.query_one(VirtualTable)
        table.set_columns(PLANNED_COLUMNS)
        table.set_rows(rows, hold_place=hold_place)
        total = len(items) if sizes is None else sum(sizes.values())
        shown = t("{scope} · {n} planned within 90 days", scope=self.csm.scope_label, n=total)
        if total > len(items):
            shown += " · " + t("first {n} shown (more as the cursor reaches the end)",
                               n=len(items))
        self.sub_title = shown

    @on(Input.Changed, "#tp-filter")
    def _filter_changed(self) -> None:
        self.pages = 1
        if not self.history and self._whole is not None:
            query = self.query_one("#tp-filter", Input).value
            self._redraw(matches=filter_items(self._whole, query, self._text))
        self.refresh_if_stale()  # a new request: read from the database

    @on(Input.Submitted, "#tp-filter")
    def _filter_done(self) -> None:
        self.query_one(VirtualTable).focus()

    @on(VirtualTable.Selected)
    def _selected_row(self) -> None:
        self.action_open()

    def action_filter(self) -> None:
        self.query_one("#tp-filter", Input).focus()

    def action_clear_filter(self) -> None:
        self.query_one("#tp-filter", Input).value = ""
        self.query_one(VirtualTable).focus()

    def selected(self) -> DueTouchpoint | None:
        row = self.query_one(VirtualTable).current
        if row is None:
            return None
        if self.history:
            r = self.history_rows.get(row.key)
            if r is None or r.status != "planned" or r.day is None:
                return None
            return DueTouchpoint(r.id, r.account_id, r.account, r.tier, r.channel, r.day,
                                 r.next_step, r.contact, r.contact_role)
        return self.by_key.get(row.key)

    def _any_selected(self) -> tuple[int, int, str] | None:
        """(touch id, account id, what) of the selected row, done or planned."""
        row = self.query_one(VirtualTable).current
        if row is None:
            return None
        if self.history and row.key in self.history_rows:
            r = self.history_rows[row.key]
            return r.id, r.account_id, f"{r.account}: {r.summary or r.next_step}"
        item = self.by_key.get(row.key)
        return (item.id, item.account_id, f"{item.account}: {item.next_step}") if item else None

    def action_edit(self) -> None:
        from screens.book_dialogs import touch_form

        if (picked := self._any_selected()) is not None:
            touch_form(self.csm, picked[0])

    def action_delete(self) -> None:
        from screens.book_dialogs import delete_touch

        if (picked := self._any_selected()) is not None:
            delete_touch(self.csm, picked[0], picked[2])

    def _need_selection(self) -> DueTouchpoint | None:
        item = self.selected()
        if item is None:
            self.notify(t("select a touchpoint first"), severity="warning")
        return item

    def action_log(self) -> None:
        if item := self._need_selection():
            self.csm.open_log_form(item.account_id, item.id)

    def action_open(self) -> None:
        if (picked := self._any_selected()) is not None:
            self.csm.open_account(picked[1])

    def action_done(self) -> None:
        if item := self._need_selection():
            triage.mark_done(self.csm, item.id)

    def action_snooze(self) -> None:
        if item := self._need_selection():
            triage.ask_new_date(self.csm, item.id, item.account, item.due_date, snooze=True)

    def action_reschedule(self) -> None:
        if item := self._need_selection():
            triage.ask_new_date(self.csm, item.id, item.account, item.due_date, snooze=False)
