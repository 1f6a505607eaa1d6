"""Today, the cockpit: what to do now (prioritised, with the reason on each row),
renewals in the next 90 days, at-risk accounts and the fortnight's events."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import TYPE_CHECKING

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Header, Label

from csm_tui.i18n import N_, short_day, t
from csm_tui.money import format_money
from screens.base import DataScreen
from screens.charts import TodayCharts, charts_fit
from screens.format import health_text, relative_days, tier_badge
from screens.keybar import KeyBar
from screens.vtable import Column, VirtualTable, VRow

if TYPE_CHECKING:  # the domain is imported when data is loaded, after the first paint
    from csm_tui.today import TodayAgenda, TodayInputs, TodayItem
    from db.store import Store

KIND_LABELS = {"touchpoint": N_("touch"), "cadence": N_("cadence"), "task": N_("SOP")}


class TodayScreen(DataScreen):
    TITLE = "Today"
    BINDINGS = [
        Binding("l", "log", "Log follow-up", id="today.log"),
        Binding("d", "done", "Mark done", id="today.done"),
        Binding("x,space", "tick", "Tick SOP step", id="today.tick"),
        Binding("o", "open", "Open account", id="today.open", show=False),
        Binding("r", "reload", "Refresh", id="today.refresh"),
        Binding("v", "toggle_charts", "Charts", id="today.charts"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.items: dict[str, TodayItem] = {}

    def compose(self) -> ComposeResult:
        yield Header()
        yield Label(t("Do now — overdue and due today, most important first"), classes="section")
        yield VirtualTable([Column(t("Pri"), 4, "right"), Column(t("Account"), 22),
                            Column(t("Tier"), 4),
                            Column(t("What"), 34), Column(t("Kind"), 7), Column(t("Due"), 8),
                            Column(t("Why"), 40)], id="today-due")
        yield TodayCharts(id="today-charts")
        with Horizontal(id="today-lower"):
            with Vertical():
                yield Label(t("Renewals in the next 90 days"), classes="section")
                # Each table gets a third of the width (53 cells at 160 columns, 2 of them
                # for the scrollbar): the columns fit in 51, every heading shows.
                yield VirtualTable([Column(t("Account"), 18), Column(t("Tier"), 4),
                                    Column(t("ARR"), 8, "right"), Column(t("Ends"), 8),
                                    Column(t("Health"), 6, "right")], id="today-renewals")
            with Vertical():
                yield Label(t("At risk (health under 50)"), classes="section")
                yield VirtualTable([Column(t("Account"), 18), Column(t("Tier"), 4),
                                    Column(t("Health"), 6, "right"), Column(t("Flags"), 18)],
                                   id="today-risk")
            with Vertical():
                yield Label(t("Events in the next 14 days"), classes="section")
                yield VirtualTable([Column(t("Date"), 10), Column(t("Event"), 30)],
                                   id="today-events")
        yield KeyBar()

    def on_mount(self) -> None:
        self.query_one(TodayCharts).display = charts_fit(self.app.size.height)
        self.query_one("#today-due", VirtualTable).focus()

    def fetch(self, store: Store, today: date) -> tuple[TodayAgenda, date]:
        """With health already known, the full agenda; else a quick first pass without
        risk, and `_with_health` adds it in the background from the same reads (the
        cursor stays put)."""
        from csm_tui.health import peek_health
        from csm_tui.today import assemble, gather

        health = peek_health(store, today)
        with store.session() as session:
            inputs = gather(session, today, owner=self.csm.owner_filter())
        if health is None:
            self.app.call_from_thread(self._with_health, inputs)
        return assemble(inputs, health or {}), today

    def _with_health(self, inputs: TodayInputs) -> None:
        def run() -> None:
            from csm_tui.health import cached_health
            from csm_tui.today import assemble

            try:
                health = cached_health(self.csm.store, inputs.today,
                                       last_touch=inputs.last_touch)
            except Exception as exc:
                self.app.call_from_thread(self.csm.report_error, exc)
                return
            self.app.call_from_thread(self.show, (assemble(inputs, health), inputs.today))

        self.run_worker(run, thread=True, exclusive=True, group="health", exit_on_error=False)

    def show(self, data: tuple[TodayAgenda, date]) -> None:
        agenda, today = data
        self.items = {}
        rows = []
        for item in agenda.items:
            key = f"{item.kind}:{item.touchpoint_id or item.task_id or item.account_id}"
            self.items[key] = item
            late = item.due < today
            rows.append(VRow(key, (str(item.priority), item.account, tier_badge(item.tier),
                                   item.title, t(KIND_LABELS[item.kind]),
                                   Text(relative_days(item.due, today),
                                        style="bold red" if late else ""),
                                   Text(item.why, style="dim"))))
        self.query_one("#today-due", VirtualTable).set_rows(rows)
        self.query_one("#today-renewals", VirtualTable).set_rows([
            VRow(f"renewal:{r.account_id}", (
                r.account, tier_badge(r.tier), format_money(r.arr_minor, r.currency,
                                                            compact=True),
                relative_days(r.contract_end, today), health_text(r.health)))
            for r in agenda.renewals])
        self.query_one("#today-risk", VirtualTable).set_rows([
            VRow(f"risk:{aid}", (name, tier_badge(tier), health_text(health.score),
                                 t(", ").join(health.flags)))
            for aid, name, tier, health in agenda.at_risk])
        self.query_one("#today-events", VirtualTable).set_rows([
            VRow(f"event:{n}", (short_day(occ.day), occ.title))
            for n, occ in enumerate(agenda.events)])
        if agenda.health:
            self.csm.prefetch()
        self.query_one(TodayCharts).update(agenda.health, today)
        arr = sum(r.arr_minor for r in agenda.renewals)
        self.sub_title = t("{scope} · {todo} to do · {renewals} renewals ({arr}) · "
                           "{risk} at risk · {events} events", scope=self.csm.scope_label,
                           todo=len(agenda.items), renewals=len(agenda.renewals),
                           arr=format_money(arr, 'CNY', compact=True),
                           risk=len(agenda.at_risk), events=len(agenda.events))

    def _selected(self) -> TodayItem | None:
        table = self.query_one("#today-due", VirtualTable)
        if self.focused is not table or table.current is None:
            return None
        return self.items.get(table.current.key)

    def _selected_account(self) -> int | None:
        item = self._selected()
        if item is not None:
            return item.account_id
        focused = self.focused
        if isinstance(focused, VirtualTable) and focused.current is not None:
            kind, _, ident = focused.current.key.partition(":")
            if kind in ("renewal", "risk"):
                return int(ident)
        return None

    def on_virtual_table_selected(self, event: VirtualTable.Selected) -> None:
        self.action_open()

    def action_log(self) -> None:
        item = self._selected()
        if item is not None:
            self.csm.open_log_form(item.account_id, item.touchpoint_id)
        elif (account_id := self._selected_account()) is not None:
            self.csm.open_log_form(account_id)

    def action_done(self) -> None:
        item = self._selected()
        if item is None or item.touchpoint_id is None:
            self.notify(t("select a planned touchpoint to mark it done"), severity="warning")
            return
        from csm_tui.followup import mark_done

        self.write_then_reload(mark_done, item.touchpoint_id, now=datetime.now(UTC))

    def action_tick(self) -> None:
        from screens.task_checklist import tick

        item = self._selected()
        if item is None or item.task_id is None:
            self.notify(t("select an SOP step (kind SOP) to tick it"), severity="warning")
            return
        tick(self, item.task_id, self.reload)

    def action_open(self) -> None:
        account_id = self._selected_account()
        if account_id is not None and hasattr(self.app, "open_account"):
            self.app.open_account(account_id)

    def action_reload(self) -> None:
        self.reload()

    def action_toggle_charts(self) -> None:
        charts = self.query_one(TodayCharts)
        charts.display = not charts.display
