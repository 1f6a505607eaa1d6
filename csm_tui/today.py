"""The Today cockpit: one prioritised list of what to do now, plus renewals, at-risk
accounts and the fortnight's events. Priority is explained on each row.

Everything is read from the stored derived state (csm_tui/stored.py): the database
orders the rows by priority and counts them, so Today reads the rows it shows, not the
book; the TUI and `csm today` take the same path."""

from __future__ import annotations

from datetime import date, timedelta
from typing import TYPE_CHECKING

from csm_tui.events import events_in_range
from csm_tui.health import Health, flag_label
from csm_tui.i18n import label, t
from csm_tui.settings import Settings, current_settings
from csm_tui.stored import current_in
from csm_tui.today_rows import (  # noqa: F401  (re-exported: the agenda's types)
    REF_KINDS,
    Renewal,
    TodayAgenda,
    TodayItem,
    parse_ref,
)
from db.queries import today as qt

if TYPE_CHECKING:
    from sqlmodel import Session

    from csm_tui.charts import Band

TIER_POINTS = {"S": 40, "A": 30, "B": 20, "C": 10}
RENEWAL_WINDOW = 90


def priority(tier: str, days_overdue: int, days_to_renewal: int | None,
             health: Health | None) -> tuple[int, str]:
    """Score and its explanation: tier, lateness, renewal proximity, risk."""
    return scored(tier, days_overdue, days_to_renewal, health.flags if health else [])


def scored(tier: str, days_overdue: int, days_to_renewal: int | None, flags: list[str]
           ) -> tuple[int, str]:
    """`priority` from the risk flags' labels (what is stored): the rule that
    db/queries/today.py computes in SQL to order the rows."""
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
    if flags:
        score += min(len(flags), 3) * 10
        why.append(t("risk: {flags}", flags=t(", ").join(flags[:2])))
    return score, " · ".join(why)


AT_RISK_BELOW = 50
TOP_ROWS = 500  # what Today's lists hold at most; the counts are of every row


def flag_labels(keys: str | None, settings: Settings | None = None) -> list[str]:
    """The stored flags' keys as their labels, in the interface language."""
    if not keys:
        return []
    settings = settings or current_settings()
    return [flag_label(k, settings) for k in keys.split(",")]


def today_agenda(session: Session, today: date, *, owner: str | None = None,
                 limit: int | None = None) -> TodayAgenda:
    """The agenda from the stored state: the top `limit` rows (None: all) in priority
    order with the counts of everything, the renewals, the at-risk accounts and the
    fortnight's events. `owner`: only the accounts that user owns (None: the team's).
    The state is made current for `today` first if it is not (in this session)."""
    current_in(session, today)
    rows, total = qt.today_items(session, today, owner=owner, points=TIER_POINTS,
                                 window=RENEWAL_WINDOW, limit=limit)
    items = []
    settings = current_settings()
    labels: dict[str | None, list[str]] = {}
    for r in rows:
        if r.flags not in labels:
            labels[r.flags] = flag_labels(r.flags, settings)
        flags = labels[r.flags]
        ends = (r.contract_end - today).days if r.contract_end else None
        score, why = scored(r.tier, (today - r.due).days, ends, flags)
        if r.kind == "touchpoint":
            title = r.title or t("{channel} follow-up", channel=label("channel", r.channel))
        elif r.kind == "cadence":
            title = t("cadence touch due")
        else:
            title = r.title
        items.append(TodayItem(r.kind, r.account_id, r.account, r.tier, title, r.due,
                               r.priority, why, touchpoint_id=r.touchpoint_id,
                               task_id=r.task_id, channel=r.channel, contact=r.contact))
    found, sums = qt.renewals(session, start=today - timedelta(days=30),
                              end=today + timedelta(days=RENEWAL_WINDOW), owner=owner,
                              limit=limit)
    renewals = [Renewal(r.id, r.name, r.tier, r.arr_minor, r.currency, r.contract_end,
                        r.stage, r.health) for r in found]
    risky, risk_total = qt.at_risk(session, below=AT_RISK_BELOW, owner=owner, limit=limit)
    at_risk = [(r.id, r.name, r.tier, Health(r.health, flag_labels(r.flags, settings)))
               for r in risky]
    return TodayAgenda(items, renewals, at_risk,
                       events_in_range(session, today, today + timedelta(days=14)),
                       total=total, renewal_count=sum(n for _c, n, _a in sums),
                       at_risk_count=risk_total,
                       renewal_sums=[(c, int(n), int(a or 0)) for c, n, a in sums])


def health_bands_stored(session: Session, *, owner: str | None = None) -> list[Band]:
    """Today's health chart from the stored health: one grouped count."""
    from csm_tui.charts import HEALTH_BANDS, Band

    counts = qt.health_band_counts(session, width=20, bands=len(HEALTH_BANDS), owner=owner)
    return [Band(lo, hi, counts.get(i, 0)) for i, (lo, hi) in enumerate(HEALTH_BANDS)]
