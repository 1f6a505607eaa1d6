"""Today, the cockpit: what to do now (prioritised, with the reason on each row),
renewals in the next 90 days, at-risk accounts and the fortnight's events."""

from __future__ import annotations

from datetime import UTC, date, datetime

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import DataTable, Footer, Header, Label

from csm_tui.followup import mark_done
from csm_tui.money import format_money
from csm_tui.today import TodayAgenda, TodayItem, today_agenda
from db.store import Store
from screens.base import DataScreen
from screens.format import health_text, relative_days, tier_badge

KIND_LABELS = {"touchpoint": "touch", "cadence": "cadence", "task": "SOP"}


class TodayScreen(DataScreen):
    TITLE = "Today"
    CSS_PATH = "today.tcss"
    BINDINGS = [
        Binding("l", "log", "Log follow-up", id="today.log"),
        Binding("d", "done", "Mark done", id="today.done"),
        Binding("x,space", "tick", "Tick SOP step", id="today.tick"),
        Binding("enter", "open", "Open account", id="today.open", show=False),
        Binding("r", "reload", "Refresh", id="today.refresh"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.items: dict[str, TodayItem] = {}
        self.renewal_ids: dict[str, int] = {}

    def compose(self) -> ComposeResult:
        yield Header()
        yield Label("Do now — overdue and due today, most important first", classes="section")
        yield DataTable(id="today-due", cursor_type="row", zebra_stripes=True)
        with Horizontal(id="today-lower"):
            with Vertical():
                yield Label("Renewals in the next 90 days", classes="section")
                yield DataTable(id="today-renewals", cursor_type="row")
            with Vertical():
                yield Label("At risk (health under 50)", classes="section")
                yield DataTable(id="today-risk", cursor_type="row")
            with Vertical():
                yield Label("Events in the next 14 days", classes="section")
                yield DataTable(id="today-events", cursor_type="row")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#today-due", DataTable).add_columns(
            "Pri", "Account", "Tier", "What", "Kind", "Due", "Why")
        self.query_one("#today-renewals", DataTable).add_columns(
            "Account", "Tier", "ARR", "Ends", "Health")
        self.query_one("#today-risk", DataTable).add_columns("Account", "Tier", "Health", "Flags")
        self.query_one("#today-events", DataTable).add_columns("Date", "Event")
        self.query_one("#today-due", DataTable).focus()

    def fetch(self, store: Store, today: date) -> tuple[TodayAgenda, date]:
        with store.session() as session:
            return today_agenda(session, today), today

    def show(self, data: tuple[TodayAgenda, date]) -> None:
        agenda, today = data
        due = self.query_one("#today-due", DataTable)
        keep = due.cursor_row
        due.clear()
        self.items = {}
        for n, item in enumerate(agenda.items):
            key = f"{item.kind}:{item.touchpoint_id or item.task_id or item.account_id}:{n}"
            self.items[key] = item
            late = item.due < today
            due.add_row(str(item.priority), item.account, tier_badge(item.tier), item.title,
                        KIND_LABELS[item.kind],
                        Text(relative_days(item.due, today), style="bold red" if late else ""),
                        Text(item.why, style="dim"), key=key)
        if due.row_count:
            due.move_cursor(row=min(keep, due.row_count - 1))
        renewals = self.query_one("#today-renewals", DataTable)
        renewals.clear()
        self.renewal_ids = {}
        for r in agenda.renewals:
            key = f"renewal:{r.account_id}"
            self.renewal_ids[key] = r.account_id
            renewals.add_row(r.account, tier_badge(r.tier),
                             Text(format_money(r.arr_minor, r.currency, compact=True),
                                  justify="right"),
                             relative_days(r.contract_end, today), health_text(r.health), key=key)
        risk = self.query_one("#today-risk", DataTable)
        risk.clear()
        for aid, name, tier, health in agenda.at_risk:
            risk.add_row(name, tier_badge(tier), health_text(health.score),
                         ", ".join(health.flags), key=f"risk:{aid}")
        events = self.query_one("#today-events", DataTable)
        events.clear()
        for occ in agenda.events:
            events.add_row(f"{occ.day:%a %d %b}", occ.title)
        arr = sum(r.arr_minor for r in agenda.renewals)
        self.sub_title = (f"{len(agenda.items)} to do · {len(agenda.renewals)} renewals "
                          f"({format_money(arr, 'CNY', compact=True)}) · "
                          f"{len(agenda.at_risk)} at risk · {len(agenda.events)} events")

    def _selected(self) -> TodayItem | None:
        table = self.query_one("#today-due", DataTable)
        if not table.row_count or self.focused is not table:
            return None
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        return self.items.get(key or "")

    def _selected_account(self) -> int | None:
        item = self._selected()
        if item is not None:
            return item.account_id
        focused = self.focused
        if isinstance(focused, DataTable) and focused.row_count:
            key = focused.coordinate_to_cell_key(focused.cursor_coordinate).row_key.value or ""
            if ":" in key:
                return int(key.split(":")[1])
        return None

    def action_log(self) -> None:
        item = self._selected()
        if item is not None:
            self.csm.open_log_form(item.account_id, item.touchpoint_id)
        elif (account_id := self._selected_account()) is not None:
            self.csm.open_log_form(account_id)

    def action_done(self) -> None:
        item = self._selected()
        if item is None or item.touchpoint_id is None:
            self.notify("select a planned touchpoint to mark it done", severity="warning")
            return
        self._mark_done(item.touchpoint_id)

    def _mark_done(self, touchpoint_id: int) -> None:
        def work() -> None:
            try:
                mark_done(self.csm.store, touchpoint_id, now=datetime.now(UTC))
            except Exception as exc:
                self.app.call_from_thread(self.csm.report_error, exc)
                return
            self.app.call_from_thread(self.reload)

        self.run_worker(work, thread=True, exit_on_error=False)

    def action_tick(self) -> None:
        from screens.task_checklist import tick

        item = self._selected()
        if item is None or item.task_id is None:
            self.notify("select an SOP step (kind SOP) to tick it", severity="warning")
            return
        tick(self, item.task_id, self.reload)

    def action_open(self) -> None:
        account_id = self._selected_account()
        if account_id is not None and hasattr(self.app, "open_account"):
            self.app.open_account(account_id)

    def action_reload(self) -> None:
        self.reload()
