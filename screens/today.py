"""Today, the cockpit: what to do now (prioritised, with the reason on each row),
renewals in the next 90 days, at-risk accounts and the fortnight's events."""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Header, Label

from csm_tui.i18n import N_, plural, short_day, t
from csm_tui.money import format_money
from screens import triage
from screens.base import DataScreen
from screens.charts import TodayCharts, charts_fit
from screens.format import health_text, relative_days, tier_badge
from screens.keybar import KeyBar
from screens.keymap import bindings
from screens.vtable import Column, VirtualTable, VRow

if TYPE_CHECKING:  # the domain is imported when data is loaded, after the first paint
    from csm_tui.services import Services, TodayView, ViewKey
    from csm_tui.today import TodayItem

KIND_LABELS = {"touchpoint": N_("touch"), "cadence": N_("cadence"), "task": N_("SOP")}


def item_key(item: TodayItem) -> str:
    return f"{item.kind}:{item.touchpoint_id or item.task_id or item.account_id}"


class TodayScreen(DataScreen["TodayView"]):
    TITLE = "Today"
    BINDINGS = bindings("today")

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

    def needs_database(self, services: Services, key: ViewKey) -> bool:
        return not services.has_first_view(key)  # the cached first view: no database

    def load(self, services: Services, key: ViewKey, request: Any) -> TodayView:
        """The agenda with health in it: the first paint already has the final order."""
        return services.today_view(key)

    def show(self, view: TodayView) -> None:
        agenda, today = view.agenda, view.day
        self.items = {}
        rows = []
        for item in agenda.items:
            key = item_key(item)
            self.items[key] = item
            late = item.due < today
            rows.append(VRow(key, (str(item.priority), item.account, tier_badge(item.tier),
                                   item.title, t(KIND_LABELS[item.kind]),
                                   Text(relative_days(item.due, today),
                                        style="bold red" if late else ""),
                                   Text(item.why, style="dim"))))
        self.query_one("#today-due", VirtualTable).set_rows(rows, hold_place=True)
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
        self.query_one(TodayCharts).update(view.months, view.bands)
        total = view.renewals_total  # in the base currency (no rate: left out, named)
        arr = total.text() if total is not None else "—"
        if total is not None and total.missing:
            arr += " " + t("+{n} without a rate", n=sum(n for _c, n in total.missing))
        self.sub_title = t("{scope} · {todo} to do · {renewals} ({arr}) · "
                           "{risk} at risk · {events}", scope=self.csm.scope_label,
                           todo=agenda.total,
                           renewals=plural(agenda.renewal_count, "renewal"), arr=arr,
                           risk=agenda.at_risk_count,
                           events=plural(len(agenda.events), "event"))

    # ---- what is selected ----------------------------------------------------------------
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

    def _selected_touch(self) -> TodayItem | None:
        item = self._selected()
        if item is None or item.touchpoint_id is None:
            self.notify(t("select a planned touchpoint first"), severity="warning")
            return None
        return item

    # ---- actions ---------------------------------------------------------------------------
    def on_virtual_table_selected(self, event: VirtualTable.Selected) -> None:
        self.action_open()

    def action_log(self) -> None:
        item = self._selected()
        if item is not None:  # on an SOP row the form offers to tick the step too
            self.csm.open_log_form(item.account_id, item.touchpoint_id, item.task_id)
        elif (account_id := self._selected_account()) is not None:
            self.csm.open_log_form(account_id)

    def action_done(self) -> None:
        """`d`: a planned touch is done; an SOP step is ticked; a cadence touch is logged
        as done (as `csm done C…`), leaving the next one at the cadence."""
        item = self._selected()
        if item is not None and item.task_id is not None:
            self.action_tick()
        elif item is not None and item.kind == "cadence":
            self.csm.write(partial(self.services.log_followup, item.account_id,
                                   summary=t("Cadence touch")))
        elif (item := self._selected_touch()) is not None and item.touchpoint_id:
            triage.mark_done(self.csm, item.touchpoint_id)

    def action_snooze(self) -> None:
        self._move(snooze=True)

    def action_reschedule(self) -> None:
        self._move(snooze=False)

    def _move(self, *, snooze: bool) -> None:
        """`s` / `r`: a planned touch moves; a cadence row gets its next touch planned on
        the chosen day (an SOP step keeps its playbook date)."""
        item = self._selected()
        if item is not None and item.kind == "cadence":
            triage.ask_plan_date(self.csm, item.account_id, item.account, snooze=snooze)
        elif (item := self._selected_touch()) is not None and item.touchpoint_id:
            triage.ask_new_date(self.csm, item.touchpoint_id, item.account, item.due,
                                snooze=snooze)

    def action_tick(self) -> None:
        item = self._selected()
        if item is None or item.task_id is None:
            self.notify(t("select an SOP step (kind SOP) to tick it"), severity="warning")
            return
        triage.tick(self.csm, item.task_id)

    def action_open(self) -> None:
        account_id = self._selected_account()
        if account_id is not None:
            self.csm.open_account(account_id)

    def action_toggle_charts(self) -> None:
        charts = self.query_one(TodayCharts)
        charts.display = not charts.display

