"""The Today cockpit: one prioritised list of what to do now, plus renewals, at-risk
accounts and the fortnight's events. Priority is explained on each row."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlmodel import Session

from csm_tui.cadence import next_touch_due
from csm_tui.events import Occurrence, events_in_range
from csm_tui.health import Health, health_for_accounts
from csm_tui.i18n import label, t
from csm_tui.touchpoints import due_touchpoints
from db import activity_queries as aq
from db.queries import account_basics, open_tasks_due, renewals_between

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


def today_agenda(session: Session, today: date, *,
                 health: dict[int, Health] | None = None) -> TodayAgenda:
    last = aq.last_done_touch(session)
    if health is None:
        health = health_for_accounts(session, today, last_touch=last)
    basics = {r.id: r for r in account_basics(session)}
    items: list[TodayItem] = []

    def renewal_days(account_id: int) -> int | None:
        end = basics[account_id].contract_end if account_id in basics else None
        return (end - today).days if end else None

    planned_accounts = set()
    for tp in due_touchpoints(session, today, horizon_days=0):
        planned_accounts.add(tp.account_id)
        score, why = priority(tp.tier, tp.days_overdue(today), renewal_days(tp.account_id),
                              health.get(tp.account_id))
        title = tp.next_step or t("{channel} follow-up", channel=label("channel", tp.channel))
        items.append(TodayItem("touchpoint", tp.account_id, tp.account, tp.tier, title,
                               tp.due_date, score, why, touchpoint_id=tp.id,
                               channel=tp.channel, contact=tp.contact))
    # Accounts whose cadence says "touch now" but have nothing planned at all.
    planned_any = aq.earliest_planned(session)
    for aid, row in basics.items():
        if aid in planned_accounts or aid in planned_any or row.stage == "churned":
            continue
        due = next_touch_due(row.tier, last.get(aid), None, today=today)
        if due <= today:
            score, why = priority(row.tier, (today - due).days, renewal_days(aid),
                                  health.get(aid))
            items.append(TodayItem("cadence", aid, row.name, row.tier, t("cadence touch due"),
                                   due, score, why))
    for task in open_tasks_due(session, due_before=today):
        score, why = priority(task.tier, (today - task.due_date).days,
                              renewal_days(task.account_id), health.get(task.account_id))
        items.append(TodayItem("task", task.account_id, task.name, task.tier, task.title,
                               task.due_date, score, why, task_id=task.id))
    items.sort(key=lambda i: (-i.priority, i.due, i.account))
    renewals = [Renewal(r.id, r.name, r.tier, r.arr_minor, r.currency, r.contract_end,
                        r.stage, health[r.id].score if r.id in health else None)
                for r in renewals_between(session, start=today - timedelta(days=30),
                                          end=today + timedelta(days=RENEWAL_WINDOW))]
    at_risk = sorted(((aid, basics[aid].name, basics[aid].tier, h) for aid, h in health.items()
                      if aid in basics and h.score < 50 and basics[aid].stage != "churned"),
                     key=lambda t: t[3].score)
    events = events_in_range(session, today, today + timedelta(days=14))
    return TodayAgenda(items, renewals, at_risk, events, health)
