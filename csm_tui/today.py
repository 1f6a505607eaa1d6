"""The Today cockpit: one prioritised list of what to do now, plus renewals, at-risk
accounts and the fortnight's events. Priority is explained on each row."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING

from csm_tui.cadence import next_touch_due
from csm_tui.events import Occurrence, events_in_range
from csm_tui.health import Health, health_for_accounts
from csm_tui.i18n import label, t
from csm_tui.touchpoints import DueTouchpoint, due_touchpoints
from csm_tui.workdays import WorkCalendar, working_calendar
from db.queries import activity as aq
from db.queries.accounts import account_basics, renewals_between
from db.queries.tasks import open_tasks_due

if TYPE_CHECKING:
    from sqlmodel import Session

    from db.queries.common import AnyRow

TIER_POINTS = {"S": 40, "A": 30, "B": 20, "C": 10}
RENEWAL_WINDOW = 90


@dataclass(frozen=True, slots=True)
class TodayItem:
    """One thing to do: a planned touchpoint, a cadence touch with nothing planned, or
    an SOP task. `kind` is touchpoint | cadence | task."""

    kind: str
    account_id: int
    account: str
    tier: str
    title: str
    due: date
    priority: int
    why: str
    touchpoint_id: int | None = None
    task_id: int | None = None
    channel: str = ""
    contact: str = ""

    @property
    def ref(self) -> str:
        """The row's short reference for the shell (`csm done T3267`): T and the
        touchpoint's id, K and the SOP step's id, C and the account's id for a cadence
        touch with nothing planned."""
        if self.touchpoint_id is not None:
            return f"T{self.touchpoint_id}"
        if self.task_id is not None:
            return f"K{self.task_id}"
        return f"C{self.account_id}"


REF_KINDS = {"T": "touchpoint", "K": "task", "C": "cadence"}


def parse_ref(text: str) -> tuple[str, int]:
    """`T3267` → ("touchpoint", 3267); `k88` → ("task", 88); `C12` → ("cadence", 12).
    ValueError for anything else."""
    raw = text.strip()
    kind, digits = raw[:1].upper(), raw[1:]
    if kind not in REF_KINDS or not digits.isdigit() or len(digits) > 12:
        raise ValueError(t("{ref!r} is not a ref from csm today (T… a touch, K… an SOP step, "
                           "C… a cadence touch)", ref=text))
    return REF_KINDS[kind], int(digits)


@dataclass(frozen=True, slots=True)
class Renewal:
    account_id: int
    account: str
    tier: str
    arr_minor: int
    currency: str
    contract_end: date
    stage: str
    health: int | None


@dataclass
class TodayAgenda:
    items: list[TodayItem]
    renewals: list[Renewal]
    at_risk: list[tuple[int, str, str, Health]]
    events: list[Occurrence]
    health: dict[int, Health] = field(default_factory=dict)

    @property
    def due(self) -> list[TodayItem]:
        return self.items


def priority(tier: str, days_overdue: int, days_to_renewal: int | None,
             health: Health | None) -> tuple[int, str]:
    """Score and its explanation: tier, lateness, renewal proximity, risk."""
    score = TIER_POINTS.get(tier, 10)
    why = [tier]
    if days_overdue > 0:
        score += min(days_overdue, 30) * 2
        why.append(t("{days}d overdue", days=days_overdue))
    else:
        why.append(t("due today"))
    if days_to_renewal is not None and days_to_renewal <= RENEWAL_WINDOW:
        score += max(0, RENEWAL_WINDOW - max(days_to_renewal, 0)) // 3
        why.append(t("renewal in {days}d", days=days_to_renewal) if days_to_renewal >= 0
                   else t("renewal {days}d past", days=-days_to_renewal))
    if health is not None and health.flags:
        score += min(len(health.flags), 3) * 10
        why.append(t("risk: {flags}", flags=t(", ").join(health.flags[:2])))
    return score, " · ".join(why)


@dataclass
class TodayInputs:
    """What the agenda is made from, read in one go; `assemble` turns it into the
    agenda for a given health map, so adding risk later costs no second read."""

    today: date
    last_touch: dict[int, datetime]
    basics: dict[int, AnyRow]
    due_touchpoints: list[DueTouchpoint]
    planned_any: dict[int, date]
    open_tasks: Sequence[AnyRow]
    renewals: Sequence[AnyRow]
    events: list[Occurrence]
    calendar: WorkCalendar | None = None  # cadence dates move to working days


def gather(session: Session, today: date, *, owner: str | None = None) -> TodayInputs:
    """Every read the agenda needs: a handful of queries whatever the portfolio size.
    `owner`: only the accounts that user owns (None: the team's)."""
    return TodayInputs(
        today=today,
        last_touch=aq.last_done_touch(session),
        basics={r.id: r for r in account_basics(session, owner=owner)},
        due_touchpoints=due_touchpoints(session, today, horizon_days=0, owner=owner),
        planned_any=aq.earliest_planned(session),
        open_tasks=open_tasks_due(session, due_before=today, owner=owner),
        renewals=renewals_between(session, start=today - timedelta(days=30),
                                  end=today + timedelta(days=RENEWAL_WINDOW), owner=owner),
        events=events_in_range(session, today, today + timedelta(days=14)),
        calendar=working_calendar(session, today))


def today_agenda(session: Session, today: date, *,
                 health: dict[int, Health] | None = None,
                 owner: str | None = None) -> TodayAgenda:
    """The whole agenda; without `health` it is computed here. `owner`: only the
    accounts that user owns (None: the team's)."""
    inputs = gather(session, today, owner=owner)
    if health is None:
        health = health_for_accounts(session, today, last_touch=inputs.last_touch)
    return assemble(inputs, health)


def assemble(inputs: TodayInputs, health: dict[int, Health]) -> TodayAgenda:
    """Pure: prioritise the gathered items with what is known of each account's health."""
    today, basics = inputs.today, inputs.basics
    items: list[TodayItem] = []

    def renewal_days(account_id: int) -> int | None:
        end = basics[account_id].contract_end if account_id in basics else None
        return (end - today).days if end else None

    planned_accounts = set()
    for tp in inputs.due_touchpoints:
        planned_accounts.add(tp.account_id)
        score, why = priority(tp.tier, tp.days_overdue(today), renewal_days(tp.account_id),
                              health.get(tp.account_id))
        title = tp.next_step or t("{channel} follow-up", channel=label("channel", tp.channel))
        items.append(TodayItem("touchpoint", tp.account_id, tp.account, tp.tier, title,
                               tp.due_date, score, why, touchpoint_id=tp.id,
                               channel=tp.channel, contact=tp.contact))
    # Accounts whose cadence says "touch now" but have nothing planned at all.
    planned_any, last = inputs.planned_any, inputs.last_touch
    for aid, row in basics.items():
        if aid in planned_accounts or aid in planned_any or row.stage == "churned":
            continue
        due = next_touch_due(row.tier, last.get(aid), None, today=today,
                             calendar=inputs.calendar)
        if due <= today:
            score, why = priority(row.tier, (today - due).days, renewal_days(aid),
                                  health.get(aid))
            items.append(TodayItem("cadence", aid, row.name, row.tier, t("cadence touch due"),
                                   due, score, why))
    for task in inputs.open_tasks:
        score, why = priority(task.tier, (today - task.due_date).days,
                              renewal_days(task.account_id), health.get(task.account_id))
        items.append(TodayItem("task", task.account_id, task.name, task.tier, task.title,
                               task.due_date, score, why, task_id=task.id))
    items.sort(key=lambda i: (-i.priority, i.due, i.account))
    renewals = [Renewal(r.id, r.name, r.tier, r.arr_minor, r.currency, r.contract_end,
                        r.stage, health[r.id].score if r.id in health else None)
                for r in inputs.renewals]
    at_risk = sorted(((aid, basics[aid].name, basics[aid].tier, h) for aid, h in health.items()
                      if aid in basics and h.score < 50 and basics[aid].stage != "churned"),
                     key=lambda t: t[3].score)
    return TodayAgenda(items, renewals, at_risk, inputs.events, health)
