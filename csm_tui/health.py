"""Health score 0-100 with its breakdown, and the classic risk flags.

Each factor scores 0..1; the weighted mean (weights from settings) gives the score.
The breakdown says how many of the 100 points each factor gave, so a CSM can see
why an account is red. Computed for the whole portfolio in a few grouped queries;
the wording of the breakdown is only built when someone looks at it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TYPE_CHECKING

from csm_tui.i18n import t
from csm_tui.settings import current_settings
from db.queries import activity as q

if TYPE_CHECKING:
    from sqlmodel import Session

NPS_DROP = 5  # a fall of this many points or more counts as falling
FACTORS = ("touch", "login", "tickets", "nps", "payment", "sop")


@dataclass(slots=True)
class HealthInputs:
    cadence: int
    days_since_touch: int | None
    days_since_login: int | None
    tickets: int
    tickets_previous: int
    nps: int | None
    nps_previous: int | None
    on_time_payment: float
    overdue_tasks: int


@dataclass(slots=True)
class Health:
    score: int
    flags: list[str] = field(default_factory=list)
    points: tuple[float, ...] = ()
    inputs: HealthInputs | None = None

    @property
    def at_risk(self) -> bool:
        return self.score < 50 or bool(self.flags)

    @property
    def breakdown(self) -> list[tuple[str, int]]:
        """(what, points out of 100) per factor, in a person's words."""
        if self.inputs is None:
            return []
        labels = factor_labels(self.inputs)
        return [(labels[i], round(p)) for i, p in enumerate(self.points)]


def _days(since: date | datetime | None, today: date) -> int | None:
    if since is None:
        return None
    day = since.date() if isinstance(since, datetime) else since
    return (today - day).days


def _ramp(value: float, good: float, bad: float) -> float:
    """1 at or below `good`, 0 at or beyond `bad`, linear between."""
    if value <= good:
        return 1.0
    if value >= bad:
        return 0.0
    return 1 - (value - good) / (bad - good)


def factor_scores(i: HealthInputs) -> tuple[float, ...]:
    """Each factor's 0..1 score, in FACTORS order."""
    touch = 0.0 if i.days_since_touch is None else _ramp(i.days_since_touch, i.cadence,
                                                         i.cadence * 3)
    login = 0.5 if i.days_since_login is None else _ramp(i.days_since_login, 7, 60)
    tickets = max(0.0, 1 - i.tickets / 10 - (0.2 if i.tickets > i.tickets_previous else 0))
    if i.nps is None:
        nps = 0.5
    else:
        falling = i.nps_previous is not None and i.nps <= i.nps_previous - NPS_DROP
        nps = max(0.0, min(1.0, (i.nps + 100) / 200 - (0.15 if falling else 0)))
    payment = max(0.0, min(1.0, i.on_time_payment))
    sop = {0: 1.0, 1: 0.5, 2: 0.25}.get(i.overdue_tasks, 0.0)
    return touch, login, tickets, nps, payment, sop


def factor_labels(i: HealthInputs) -> tuple[str, ...]:
    touch = (t("never touched") if i.days_since_touch is None
             else t("last touch {days}d ago (cadence {cadence}d)", days=i.days_since_touch,
                    cadence=i.cadence))
    login = (t("no login data") if i.days_since_login is None
             else t("last login {days}d ago", days=i.days_since_login))
    tickets = t("{n} open tickets", n=i.tickets) + (
        t(" (up from {n})", n=i.tickets_previous) if i.tickets > i.tickets_previous else "")
    if i.nps is None:
        nps = t("no NPS yet")
    elif i.nps_previous is not None and i.nps <= i.nps_previous - NPS_DROP:
        nps = t("NPS {nps} (down from {previous})", nps=i.nps, previous=i.nps_previous)
    else:
        nps = f"NPS {i.nps}"
    payment = t("{share} of invoices paid on time", share=f"{i.on_time_payment:.0%}")
    sop = t("{n} overdue SOP tasks", n=i.overdue_tasks)
    return touch, login, tickets, nps, payment, sop


def health_for_accounts(session: Session, today: date,
                        account_ids: Iterable[int] | None = None, *,
                        last_touch: dict[int, datetime] | None = None) -> dict[int, Health]:
    """Health of every active account (or of the given ones), in five or six queries.
    Pass `last_touch` when the caller already has it (Today does)."""
    ids = None if account_ids is None else list(account_ids)
    settings = current_settings()
    total = sum(settings.health_weights.values())
    scale = [100 * settings.health_weights[f] / total for f in FACTORS]
    if last_touch is None:
        last_touch = q.last_done_touch(session, ids)
    dm_touch = q.last_touch_by_role(session, "decision_maker", ids)
    contacts = q.contact_counts(session, ids)
    overdue = q.overdue_task_counts(session, today, ids)
    no_login = t("no login {days}d+", days=settings.no_login_days)
    no_dm = t("no decision-maker touch {days}d+", days=settings.decision_maker_days)
    result: dict[int, Health] = {}
    for row in q.health_inputs(session, ids):
        inputs = HealthInputs(
            cadence=settings.cadence.get(row.tier, 45),
            days_since_touch=_days(last_touch.get(row.id), today),
            days_since_login=_days(row.last_login, today), tickets=row.open_tickets,
            tickets_previous=row.open_tickets_previous, nps=row.nps,
            nps_previous=row.nps_previous, on_time_payment=row.on_time_payment,
            overdue_tasks=overdue.get(row.id, 0))
        points = tuple(s * w for s, w in zip(factor_scores(inputs), scale, strict=True))
        flags = []
        if inputs.days_since_login is None or inputs.days_since_login >= settings.no_login_days:
            flags.append(no_login)
        if row.open_tickets > row.open_tickets_previous:
            flags.append(t("tickets rising"))
        if (row.nps is not None and row.nps_previous is not None
                and row.nps <= row.nps_previous - NPS_DROP):
            flags.append(t("NPS falling"))
        dm_days = _days(dm_touch.get(row.id), today)
        if dm_days is None or dm_days > settings.decision_maker_days:
            flags.append(no_dm)
        if contacts.get(row.id, 0) <= 1:
            flags.append(t("single-threaded"))
        result[row.id] = Health(round(sum(points)), flags, points, inputs)
    return result
