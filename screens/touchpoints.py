"""Touchpoints: planned contacts grouped Overdue / Today / This week / Later.
`l` log, `d` done, `s` snooze, `r` reschedule, `/` filter."""

from __future__ import annotations

from datetime import UTC, date, datetime

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Header, Input

from csm_tui.followup import CHANNEL_LABELS, mark_done, reschedule
from csm_tui.touchpoints import DueTouchpoint, due_touchpoints, grouped
from db.store import Store
from screens.base import DataScreen
from screens.dialogs import DatePrompt
from screens.format import relative_days, tier_badge
from screens.keybar import KeyBar
from screens.vtable import Column, VirtualTable, VRow

GROUP_STYLE = {"Overdue": "bold red", "Today": "bold yellow", "This week": "bold cyan",
               "Later": "bold"}


class TouchpointsScreen(DataScreen):
    TITLE = "Touchpoints"
    BINDINGS = [
        Binding("l", "log", "Log follow-up", id="tp.log"),
        Binding("d", "done", "Done", id="tp.done"),
        Binding("s", "snooze", "Snooze", id="tp.snooze"),
        Binding("r", "reschedule", "Reschedule", id="tp.reschedule"),
        Binding("slash", "filter", "Filter", id="tp.filter"),
        Binding("escape", "clear_filter", "Clear filter", id="tp.clear", show=False),
        Binding("o", "open", "Open account", id="tp.open", show=False),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.items: list[DueTouchpoint] = []
        self.by_key: dict[str, DueTouchpoint] = {}
        self.today = date.min

    def compose(self) -> ComposeResult:
        yield Header()
        yield Input(placeholder="/ filter: account, channel, contact, tier…", id="tp-filter",
                    compact=True)
        yield VirtualTable([Column("Due", 8), Column("Account", 26), Column("Tier", 4),
                            Column("Channel", 11), Column("Contact", 26), Column("Late", 5),
                            Column("Next step", 40)], id="touchpoints")
        yield KeyBar()

    def on_mount(self) -> None:
        self.query_one(VirtualTable).focus()

    def fetch(self, store: Store, today: date) -> tuple[list[DueTouchpoint], date]:
        with store.session() as session:
            return due_touchpoints(session, today, owner=self.csm.owner_filter()), today

    def show(self, data: tuple[list[DueTouchpoint], date]) -> None:
        self.items, self.today = data
        self._redraw()

    def _matches(self, item: DueTouchpoint, needle: str) -> bool:
        hay = f"{item.account} {item.channel} {item.contact} {item.tier} {item.next_step}"
        return needle in hay.casefold()

    def _redraw(self) -> None:
        needle = self.query_one("#tp-filter", Input).value.strip().casefold()
        items = [i for i in self.items if not needle or self._matches(i, needle)]
        rows: list[VRow] = []
        self.by_key = {}
        for group, members in grouped(items, self.today).items():
            if not members:
                continue
            rows.append(VRow(f"group:{group}", (Text(f"{group} ({len(members)})",
                                                     style=GROUP_STYLE[group]),), group=True))
            for item in members:
                key = f"tp:{item.id}"
                self.by_key[key] = item
                late = item.days_overdue(self.today)
                contact = item.contact + (f" ({item.contact_role.replace('_', ' ')})"
                                          if item.contact_role else "")
                rows.append(VRow(key, (
                    relative_days(item.due_date, self.today), item.account,
                    tier_badge(item.tier), CHANNEL_LABELS.get(item.channel, item.channel),
                    contact, Text(f"{late}d", style="red") if late > 0 else "",
                    item.next_step)))
        self.query_one(VirtualTable).set_rows(rows)
        self.sub_title = f"{self.csm.scope_label} · {len(items)} planned within 90 days"

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

    def _selected(self) -> DueTouchpoint | None:
        row = self.query_one(VirtualTable).current
        return self.by_key.get(row.key) if row else None

    def _need_selection(self) -> DueTouchpoint | None:
        item = self._selected()
        if item is None:
            self.notify("select a touchpoint first", severity="warning")
        return item

    def action_log(self) -> None:
        if item := self._need_selection():
            self.csm.open_log_form(item.account_id, item.id)

    def action_open(self) -> None:
        if (item := self._selected()) and hasattr(self.app, "open_account"):
            self.app.open_account(item.account_id)

    def action_done(self) -> None:
        if item := self._need_selection():
            self.write_then_reload(mark_done, item.id, now=datetime.now(UTC))

    def _ask_date(self, title: str, quick: tuple[str, ...], initial: str, action: str) -> None:
        item = self._need_selection()
        if item is None:
            return
        today = self.csm.today()

        def chosen(day: date | None) -> None:
            if day is not None:
                self.write_then_reload(reschedule, item.id, day, today=today, action=action)

        self.app.push_screen(DatePrompt(f"{title}: {item.account}", today, initial=initial,
                                        quick=quick), chosen)

    def action_snooze(self) -> None:
        self._ask_date("Snooze", ("+1d", "+3d", "+7d", "next mon"), "+1d",
                       "touchpoint.snooze")

    def action_reschedule(self) -> None:
        item = self._selected()
        initial = item.due_date.isoformat() if item else ""
        self._ask_date("Reschedule", (), initial, "touchpoint.reschedule")



