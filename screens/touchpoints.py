"""Touchpoints: planned contacts grouped Overdue / Today / This week / Later.
`l` log, `d` done, `s` snooze, `r` reschedule, `/` filter (pinyin and initials too)."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.widgets import Header, Input

from csm_tui.i18n import N_, label, t
from csm_tui.namesearch import filter_items, search_text
from csm_tui.touchpoints import DueTouchpoint, grouped
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


class TouchpointsScreen(DataScreen["tuple[list[DueTouchpoint], date]"]):
    TITLE = N_("Touchpoints")
    BINDINGS = bindings("touchpoints")

    def __init__(self) -> None:
        super().__init__()
        self.items: list[DueTouchpoint] = []
        self.by_key: dict[str, DueTouchpoint] = {}
        self.today = date.min
        self._search: dict[int, str] = {}

    def compose(self) -> ComposeResult:
        yield Header()
        yield Input(placeholder=t("/ filter: account, channel, contact, tier…"), id="tp-filter",
                    compact=True)
        yield VirtualTable([Column(N_("Due"), 8), Column(N_("Account"), 26), Column(N_("Tier"), 4),
                            Column(N_("Channel"), 11), Column(N_("Contact"), 26),
                            Column(N_("Late"), 5), Column(N_("Next step"), 40)], id="touchpoints")
        yield KeyBar()

    def on_mount(self) -> None:
        self.query_one(VirtualTable).focus()

    def load(self, services: Services, key: ViewKey, request: Any
             ) -> tuple[list[DueTouchpoint], date]:
        return services.due_touchpoints(key), key.day

    def show(self, data: tuple[list[DueTouchpoint], date]) -> None:
        self.items, self.today = data
        self._search = {}
        self._redraw(hold_place=True)

    def _text(self, item: DueTouchpoint) -> str:
        """What the filter looks in (made on the first filter keystroke, then kept)."""
        text = self._search.get(item.id)
        if text is None:
            text = self._search[item.id] = search_text(
                item.account, item.channel, label("channel", item.channel), item.contact,
                item.tier, f"tier:{item.tier}", item.next_step,
                pinyin=(item.account, item.contact))
        return text

    def _redraw(self, *, hold_place: bool = False) -> None:
        """`hold_place`: after a reload (a row done elsewhere), not a filter keystroke."""
        items = filter_items(self.items, self.query_one("#tp-filter", Input).value, self._text)
        rows: list[VRow] = []
        self.by_key = {}
        for group, members in grouped(items, self.today).items():
            if not members:
                continue
            rows.append(VRow(f"group:{group}", (Text(f"{t(group)} ({len(members)})",
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
        self.query_one(VirtualTable).set_rows(rows, hold_place=hold_place)
        self.sub_title = t("{scope} · {n} planned within 90 days", scope=self.csm.scope_label,
                           n=len(items))

    @on(Input.Changed, "#tp-filter")
    def _filter_changed(self) -> None:
        self._redraw()

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
        return self.by_key.get(row.key) if row else None

    def _need_selection(self) -> DueTouchpoint | None:
        item = self.selected()
        if item is None:
            self.notify(t("select a touchpoint first"), severity="warning")
        return item

    def action_log(self) -> None:
        if item := self._need_selection():
            self.csm.open_log_form(item.account_id, item.id)

    def action_open(self) -> None:
        if item := self.selected():
            self.csm.open_account(item.account_id)

    def action_done(self) -> None:
        if item := self._need_selection():
            triage.mark_done(self.csm, item.id)

    def action_snooze(self) -> None:
        if item := self._need_selection():
            triage.ask_new_date(self.csm, item.id, item.account, item.due_date, snooze=True)

    def action_reschedule(self) -> None:
        if item := self._need_selection():
            triage.ask_new_date(self.csm, item.id, item.account, item.due_date, snooze=False)
