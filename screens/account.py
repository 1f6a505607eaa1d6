"""The account screen: tier and why, health and why, decision chain, timeline, this
stage's SOP checklist and the account's events. `e` edit, `t`/`T` tier, `b` brief,
`l` log, escape back."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from rich.cells import cell_len
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Header, Label, Sparkline, Static

from csm_tui.account_view import AccountDetail, coverage_fixes
from csm_tui.i18n import N_, label, long_day, t
from csm_tui.money import format_money
from csm_tui.services import task_line
from screens import book_dialogs, triage
from screens.base import DataScreen
from screens.format import health_text, relative_days, tier_badge
from screens.keybar import KeyBar
from screens.keymap import bindings
from screens.task_checklist import TaskChecklist
from screens.vtable import Column, VirtualTable, VRow

if TYPE_CHECKING:
    from csm_tui.services import Services, ViewKey

EDITABLE = ("contact", "touch", "note", "task", "event")
KIND_STYLE = {"touch": "green", "planned": "cyan", "tier": "yellow", "stage": "magenta",
              "term": "bold blue", "step": "dim", "skipped": "dim", "note": "bold"}
# Timeline kinds this screen adds to the shared ones (csm_tui.i18n's "timeline" labels).
KIND_NAMES = {"term": N_("term"), "step": N_("step"), "skipped": N_("skipped"),
              "note": N_("note")}


class AccountScreen(DataScreen["tuple[AccountDetail, date]"]):
    BINDINGS = bindings("account")

    def __init__(self, account_id: int) -> None:
        super().__init__()
        self.account_id = account_id
        self.detail: AccountDetail | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="account-top"):
            yield Static(t("loading…"), id="account-head")
            yield Static("", id="account-why")
        with Horizontal(id="account-body"):
            with VerticalScroll(id="account-left"):
                yield Label(t("Decision chain"), classes="section")
                yield Static("", id="account-alert")
                yield VirtualTable([Column(N_("Stakeholder"), 16), Column(N_("Role"), 10),
                                    Column(N_("Title"), 12), Column(N_("Level"), 9),
                                    Column(N_("Last"), 8), Column(N_("Email · phone"), 30)],
                                   id="account-contacts")
                yield Label(t("Metrics (oldest → newest)"), classes="section")
                yield Static("", id="account-metrics")
                yield Label(t("SOP checklist (this stage)"), classes="section")
                yield Vertical(TaskChecklist(id="account-tasks"), id="account-sop")
                yield Label(t("Events"), classes="section")
                yield VirtualTable([Column(N_("Date"), 17), Column(N_("Event"), 40)],
                                   id="account-events")
            with Vertical(id="account-right"):
                yield Label(t("Touches per month (last 12)"), classes="section")
                yield Sparkline([], id="account-spark")
                yield Label(t("Timeline"), classes="section")
                yield VirtualTable([Column(N_("When"), 10), Column(N_("Kind"), 8),
                                    Column(N_("What"), 60)], id="account-timeline")
        yield KeyBar()

    def load(self, services: Services, key: ViewKey, request: Any
             ) -> tuple[AccountDetail, date]:
        return services.account_detail(self.account_id, key.day, key), key.day

    def show(self, data: tuple[AccountDetail, date]) -> None:
        d, today = data
        self.detail = d
        a = d.account
        self.title = a.name
        self.sub_title = t("{industry} · {region} · owner {owner}", industry=a.industry or "—",
                           region=a.region or "—", owner=a.owner or "—")
        head = Text()
        head.append_text(tier_badge(a.tier))
        head.append(f"  {a.name}", style="bold")
        if a.archived:  # off every list: say so where the user still sees it
            head.append("  " + t("archived · X brings it back"), style="bold yellow")
        head.append("\n")
        lock = t(" · locked: {reason}", reason=a.tier_reason) if a.tier_locked else ""
        head.append(t("score {score}", score=f"{a.score:.1f}") + f"{lock}\n")
        head.append(t("stage {stage}", stage=label("stage", a.stage))
                    + (t(" since {day}", day=a.stage_entered) if a.stage_entered else "")
                    + t(" · term {term}", term=a.term) + "\n")
        head.append(t("ARR {arr} · contract {start} → {end} (renewal {renewal})",
                      arr=format_money(a.arr_minor, a.currency), start=a.contract_start or "—",
                      end=a.contract_end or "—",
                      renewal=relative_days(a.contract_end, today)) + "\n")
        head.append(t("health") + " ")
        head.append_text(health_text(d.health.score if d.health else None))
        if d.health and d.health.flags:
            head.append("  ⚠ " + t(", ").join(d.health.flags), style="bold red")
        if d.rfm:
            head.append(f"\nRFM {d.rfm.code} · {label('rfm', d.rfm.segment)}")
        self.query_one("#account-head", Static).update(head)
        why = Text()
        if d.score:
            why.append(t("Tier score") + "\n", style="bold")
            for name, points in sorted(d.score.breakdown, key=lambda p: -p[1]):
                shown = label("factor", name)
                why.append(f"  {shown}{' ' * max(0, 11 - cell_len(shown))} {points:5.1f}\n")
            for what, points in d.score.adjustments:
                why.append(f"  {what}: {points:+.0f}\n", style="italic")
            if d.computed_tier and d.computed_tier != a.tier:
                why.append("  " + t("model says {tier}", tier=d.computed_tier) + "\n",
                           style="yellow")
        if d.health:
            why.append(t("Health") + "\n", style="bold")
            for what, points in d.health.breakdown:
                why.append(f"  {points:3d}  {what}\n")
            for signal in d.health.signals:
                why.append(f"  ⚠ {signal.label}: ", style="bold red")
                why.append(f"{signal.why}\n")
        self.query_one("#account-why", Static).update(why)
        self._show_contacts(d, today)
        self.query_one("#account-metrics", Static).update(metrics_text(d) or t("no readings yet"))
        self.query_one("#account-tasks", TaskChecklist).show_tasks(
            [task_line(task) for task in d.tasks], today)
        self.query_one("#account-events", VirtualTable).set_rows(
            [VRow(f"event:{ident}" if ident else f"derived:{n}", (long_day(day), title))
             for n, (day, title, ident) in enumerate(d.event_rows[:24])], hold_place=True)
        self.query_one("#account-spark", Sparkline).data = d.touch_counts
        rows = []
        for n, e in enumerate(d.timeline[:500]):
            kind = t(KIND_NAMES[e.kind]) if e.kind in KIND_NAMES else label("timeline", e.kind)
            rows.append(VRow(e.ref or f"fixed:{n}", (
                Text(e.when.strftime("%Y-%m-%d"), style="dim"),
                Text(kind, style=KIND_STYLE.get(e.kind, "")),
                e.text.replace("\n", " ⏎ "))))
        self.query_one("#account-timeline", VirtualTable).set_rows(rows, hold_place=True)

    def _show_contacts(self, d: AccountDetail, today: date) -> None:
        rows = []
        for c in d.contacts:
            last = d.last_contact_touch.get(c.id or 0)
            reach = " · ".join(p for p in (c.email, c.phone) if p)
            if c.notes:
                reach = (reach + " · " if reach else "") + c.notes.replace("\n", " ")
            rows.append(VRow(f"contact:{c.id}", (
                c.name, label("role", c.role), c.title or "—", label("level", c.level),
                relative_days(last, today) if last else t("never"), reach)))
        self.query_one("#account-contacts", VirtualTable).set_rows(rows, hold_place=True)
        alert = Text()
        for fix in coverage_fixes(d):
            alert.append(f"⚠ {fix[1]}\n", style="bold red")
        if not d.contacts:
            alert.append(t("no stakeholders yet") + " · " + t("p adds one") + "\n")
        self.query_one("#account-alert", Static).update(alert)

    # ---- keeping the book (screens/book_dialogs.py builds the forms) ----------------
    def _selected(self) -> str | None:
        """The key of the focused list's row ("contact:3", "touch:12", "note:4",
        "event:2", or a task's id), if any."""
        table = self.focused
        if isinstance(table, VirtualTable) and table.current is not None:
            key = table.current.key
            return f"task:{key}" if isinstance(table, TaskChecklist) else key
        return None

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "delete":
            key = self._selected()
            return key is not None and key.split(":", 1)[0] in EDITABLE
        return True

    @on(VirtualTable.Selected)
    def _open_row(self, event: VirtualTable.Selected) -> None:
        key = self._selected()
        if key is not None and self.detail is not None:
            book_dialogs.edit_item(self.csm, self.detail, key)

    def action_delete(self) -> None:
        key = self._selected()
        if key is not None and self.detail is not None:
            book_dialogs.delete_item(self.csm, self.detail, key)

    def action_add_contact(self, role: str = "user") -> None:
        if self.detail is not None:
            book_dialogs.contact_form(self.csm, self.detail, None, role=role)

    def action_add_note(self) -> None:
        if self.detail is not None:
            book_dialogs.note_form(self.csm, self.detail.account.id or 0, None)

    def action_add_task(self) -> None:
        if self.detail is not None:
            book_dialogs.task_form(self.csm, self.detail.account.id or 0, None)

    def action_add_event(self) -> None:
        from screens.event_form import EventForm

        if self.detail is not None:
            self.app.push_screen(EventForm(self.csm.today(), account=self.detail.account.name))

    def action_fix(self) -> None:
        """`F`: the first coverage alert's fix."""
        d = self.detail
        fixes = coverage_fixes(d) if d is not None else []
        if d is None or not fixes:
            self.notify(t("no coverage alert on this account"))
            return
        what = fixes[0][0]
        if what == "add_decision_maker":
            book_dialogs.contact_form(self.csm, d, None, role="decision_maker")
        elif what == "touch_decision_maker":
            self.csm.open_log_form(self.account_id)  # decision makers come first in it
        else:
            book_dialogs.contact_form(self.csm, d, None, role="user")

    def action_archive(self) -> None:
        if self.detail is not None:
            book_dialogs.archive(self.csm, self.detail)

    def action_delete_account(self) -> None:
        if self.detail is not None:
            book_dialogs.delete_account(self.csm, self.detail.account.id or 0, then=self._gone)

    def _gone(self) -> None:
        self.app.pop_screen()

    def on_task_checklist_completed(self, event: TaskChecklist.Completed) -> None:
        triage.tick(self.csm, event.task_id)

    def action_log(self) -> None:
        self.csm.open_log_form(self.account_id)

    def action_tier(self) -> None:
        self.csm.open_tier_override(self.account_id)

    def action_unlock(self) -> None:
        self.csm.unlock_tier(self.account_id)

    def action_edit(self) -> None:
        from screens.account_form import AccountForm

        if self.detail is not None:
            self.app.push_screen(AccountForm(self.detail.account))

    def action_brief(self) -> None:
        from screens.brief_view import BriefView

        if self.detail is not None:
            self.app.push_screen(BriefView(self.detail, self.csm.today()))


def metrics_text(d: AccountDetail) -> Text:
    """One line per metric: its readings oldest first and the latest move (↑ ↓ →)."""
    out = Text()
    for trend in d.metrics:
        values = [(f"{value:g}" if value is not None else (day.isoformat() if day else "—"))
                  for _on, value, day in trend.readings]
        last_on = trend.readings[-1][0]
        out.append(f"{trend.label} ", style="bold")
        out.append(" → ".join(values))
        if trend.direction:
            out.append(f" {trend.direction}", style="bold")
        dated = trend.readings[-1][2] is not None  # a date metric says its own day
        out.append(("" if dated else "  " + t("(latest {day})", day=last_on)) + "\n",
                   style="dim")
    return out
