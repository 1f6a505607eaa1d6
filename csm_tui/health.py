"""Health score 0-100 with its breakdown, and the classic risk flags.

Each factor scores 0..1; the weighted mean (weights from settings) gives the score.
The breakdown says how many of the 100 points each factor gave, so a CSM can see
why an account is red. Computed for the whole portfolio in a few grouped queries;
the wording of the breakdown is only built when someone looks at it.

The churn signals come from history: "NPS falling" and "tickets rising" compare an
account's latest metric reading with the previous one (no earlier reading within the
window of `[risk] window_days`: no trend, no flag), so they work on real, imported
data. Which flags are raised and their thresholds are in `[risk]` of settings.toml;
each flag comes with the sentence that explains it (`Signal.why`).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any, NamedTuple

from csm_tui.i18n import t
from csm_tui.settings import Settings, current_settings

if TYPE_CHECKING:
    from sqlmodel import Session

FACTORS = ("touch", "login", "tickets", "nps", "payment", "sop")


@dataclass(slots=True)
class HealthInputs:
    cadence: int
    days_since_touch: int | None
    days_since_login: int | None
    tickets: int
    tickets_previous: int | None  # the reading before the latest (None: no trend)
    nps: int | None
    nps_previous: int | None  # likewise
    on_time_payment: float
    overdue_tasks: int


@dataclass(frozen=True, slots=True)
class Signal:
    """One risk flag: its settings name, its short label (Today's "why", the board's
    card) and the sentence that explains it (the account screen)."""

    key: str
    label: str
    why: str


class Trend(NamedTuple):
    """An account's latest reading of a metric and the one before it (if any). A named
    tuple: the daily recompute makes two per account."""

    value: float
    on: date
    previous: float | None = None
    previous_on: date | None = None


@dataclass(slots=True)
class Health:
    score: int
    flags: list[str] = field(default_factory=list)
    points: tuple[float, ...] = ()
    inputs: HealthInputs | None = None
    signals: list[Signal] = field(default_factory=list)

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


def factor_scores(i: HealthInputs, *, nps_drop: int | None = None) -> tuple[float, ...]:
    """Each factor's 0..1 score, in FACTORS order (`nps_drop`: the settings' `[risk]
    nps_drop`, passed when scoring many accounts; else read from the current ones)."""
    touch = 0.0 if i.days_since_touch is None else _ramp(i.days_since_touch, i.cadence,
                                                         i.cadence * 3)
    login = 0.5 if i.days_since_login is None else _ramp(i.days_since_login, 7, 60)
    rising = i.tickets_previous is not None and i.tickets > i.tickets_previous
    tickets = max(0.0, 1 - i.tickets / 10 - (0.2 if rising else 0))
    if i.nps is None:
        nps = 0.5
    else:
        drop = _drop() if nps_drop is None else nps_drop
        falling = i.nps_previous is not None and i.nps <= i.nps_previous - drop
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
    rising = i.tickets_previous is not None and i.tickets > i.tickets_previous
    tickets = t("{n} open tickets", n=i.tickets) + (
        t(" (up from {n})", n=i.tickets_previous) if rising else "")
    if i.nps is None:
        nps = t("no NPS yet")
    elif i.nps_previous is not None and i.nps <= i.nps_previous - _drop():
        nps = t("NPS {nps} (down from {previous})", nps=i.nps, previous=i.nps_previous)
    else:
        nps = f"NPS {i.nps}"
    payment = t("{share} of invoices paid on time", share=f"{i.on_time_payment:.0%}")
    sop = t("{n} overdue SOP tasks", n=i.overdue_tasks)
    return touch, login, tickets, nps, payment, sop


def _drop() -> int:
    return int(current_settings().nps_drop)


def _num(value: float) -> str:
    return f"{value:g}"


def metric_trends(session: Session, today: date, metrics: tuple[str, ...],
                  account_ids: Iterable[int] | None = None) -> dict[str, dict[int, Trend]]:
    """Per metric and active account, the latest reading and the previous one, both
    within `[risk] window_days` of today: one query per metric."""
    from db.queries import metrics as qm

    since = today - timedelta(days=current_settings().signal_window_days)
    out: dict[str, dict[int, Trend]] = {m: {} for m in metrics}
    ids = None if account_ids is None else list(account_ids)
    for metric in metrics:
        trends = out[metric]
        for aid, value, on, previous, previous_on in qm.latest_and_previous(
                session, metric, since=since, account_ids=ids):
            if value is None:
                continue
            if previous is None:
                trends[aid] = Trend(float(value), on)
            else:
                trends[aid] = Trend(float(value), on, float(previous), previous_on)
    return out


def flag_label(key: str, settings: Settings | None = None) -> str:
    """A risk flag's short label (Today's "why", the board's card), in the interface
    language, from its settings name (what is stored)."""
    settings = settings or current_settings()
    if key == "no_login":
        return t("no login {days}d+", days=settings.no_login_days)
    if key == "tickets_rising":
        return t("tickets rising")
    if key == "nps_falling":
        return t("NPS falling")
    if key == "no_decision_maker":
        return t("no decision-maker touch {days}d+", days=settings.decision_maker_days)
    if key == "single_threaded":
        return t("single-threaded")
    return key


def flag_keys(settings: Settings, today: date, *, last_login: date | None,
              nps: Trend | None, tickets: Trend | None, dm_touch: date | None,
              contacts: int) -> list[str]:
    """The keys of the risk flags `[risk] flags` asks for that are raised (what is
    stored; `signals_of` adds their labels and explanations)."""
    wanted, out = settings.risk_flags, []
    if "no_login" in wanted:
        days = _days(last_login, today)
        if days is None or days >= settings.no_login_days:
            out.append("no_login")
    if ("tickets_rising" in wanted and tickets is not None and tickets.previous is not None
            and tickets.value - tickets.previous >= settings.tickets_rise):
        out.append("tickets_rising")
    if ("nps_falling" in wanted and nps is not None and nps.previous is not None
            and nps.previous - nps.value >= settings.nps_drop):
        out.append("nps_falling")
    if "no_decision_maker" in wanted:
        dm_days = _days(dm_touch, today)
        if dm_days is None or dm_days > settings.decision_maker_days:
            out.append("no_decision_maker")
    if "single_threaded" in wanted and contacts <= 1:
        out.append("single_threaded")
    return out


def signals_of(settings: Settings, today: date, *, last_login: date | None,
               nps: Trend | None, tickets: Trend | None, dm_touch: date | None,
               contacts: int) -> list[Signal]:
    """The risk flags `[risk] flags` asks for (`flag_keys`), each with its explanation."""
    keys = flag_keys(settings, today, last_login=last_login, nps=nps, tickets=tickets,
                     dm_touch=dm_touch, contacts=contacts)
    return [Signal(key, flag_label(key, settings),
                   _why(key, settings, today, last_login=last_login, nps=nps,
                        tickets=tickets, dm_touch=dm_touch, contacts=contacts))
            for key in keys]


def _why(key: str, settings: Settings, today: date, *, last_login: date | None,
         nps: Trend | None, tickets: Trend | None, dm_touch: date | None,
         contacts: int) -> str:
    """The sentence that explains a raised flag."""
    if key == "no_login":
        if last_login is None:
            return t("no login recorded")
        return t("last login {day}, {days} days ago (flag at {limit})", day=last_login,
                 days=_days(last_login, today), limit=settings.no_login_days)
    if key == "tickets_rising" and tickets is not None:
        return t("open tickets {old} on {old_day} → {new} on {new_day}",
                 old=_num(tickets.previous or 0), old_day=tickets.previous_on,
                 new=_num(tickets.value), new_day=tickets.on)
    if key == "nps_falling" and nps is not None and nps.previous is not None:
        return t("NPS {old} on {old_day} → {new} on {new_day} (a fall of {n}; "
                 "flag at {drop})", old=_num(nps.previous), old_day=nps.previous_on,
                 new=_num(nps.value), new_day=nps.on, n=_num(nps.previous - nps.value),
                 drop=settings.nps_drop)
    if key == "no_decision_maker":
        if dm_touch is None:
            return t("no touch with a decision maker on record")
        return t("last decision-maker touch {day}, {days} days ago (flag after {limit})",
                 day=dm_touch, days=_days(dm_touch, today), limit=settings.decision_maker_days)
    return t("{n} stakeholder(s) on record", n=contacts)


def churn_signals(session: Session, today: date, account_ids: Iterable[int] | None = None
                  ) -> dict[int, list[Signal]]:
    """The churn signals only (no login, tickets rising, NPS falling) of these accounts:
    what a kanban card warns about."""
    from db.queries import activity as q

    ids = None if account_ids is None else list(account_ids)
    settings = current_settings()
    trends = metric_trends(session, today, ("nps", "open_tickets"), ids)
    nps, tickets = trends["nps"], trends["open_tickets"]
    churn = tuple(f for f in settings.risk_flags
                  if f in ("no_login", "tickets_rising", "nps_falling"))
    only = Settings(settings.cadence, settings.health_weights, settings.no_login_days,
                    settings.decision_maker_days, settings.extra, churn, settings.nps_drop,
                    settings.tickets_rise, settings.signal_window_days)
    return {row.id: signals_of(only, today, last_login=row.last_login, nps=nps.get(row.id),
                               tickets=tickets.get(row.id), dm_touch=None, contacts=2)
            for row in q.health_inputs(session, ids)}


def _previous(trend: Trend | None) -> int | None:
    return None if trend is None or trend.previous is None else round(trend.previous)


def health_for_accounts(session: Session, today: date,
                        account_ids: Iterable[int] | None = None, *,
                        last_touch: dict[int, datetime] | None = None) -> dict[int, Health]:
    """Health of every active account (or of the given ones), in a handful of queries.
    Pass `last_touch` when the caller already has it (Today does)."""
    book = _HealthBook(session, today, account_ids, last_touch)
    result: dict[int, Health] = {}
    for aid, inputs, points, flag_inputs in book.accounts():
        signals = signals_of(book.settings, today, **flag_inputs)
        result[aid] = Health(round(sum(points)), [sg.label for sg in signals], points,
                             inputs, signals)
    return result


def health_scores(session: Session, today: date,
                  account_ids: Iterable[int] | None = None, *,
                  last_touch: dict[int, datetime] | None = None
                  ) -> dict[int, tuple[int, list[str]]]:
    """(score, raised flags' keys) of every active account (or of the given ones): what
    `health_for_accounts` gives (`Health.score`, the signals' keys), without the
    breakdown and the flags' wording (what the stored state keeps)."""
    book = _HealthBook(session, today, account_ids, last_touch)
    settings = book.settings
    return {aid: (round(sum(points)), flag_keys(settings, today, **flag_inputs))
            for aid, _inputs, points, flag_inputs in book.accounts()}


class _HealthBook:
    """Health's inputs for a set of accounts, read in a handful of grouped queries, and
    the per-account steps both `health_for_accounts` and `health_scores` take."""

    def __init__(self, session: Session, today: date, account_ids: Iterable[int] | None,
                 last_touch: dict[int, datetime] | None) -> None:
        from db.queries import activity as q  # loaded with the data, not with the type

        ids = None if account_ids is None else list(account_ids)
        self.today = today
        self.settings = settings = current_settings()
        total = sum(settings.health_weights.values())
        self.scale = [100 * settings.health_weights[f] / total for f in FACTORS]
        self.last_touch = q.last_done_touch(session, ids) if last_touch is None else last_touch
        self.dm_touch = q.last_touch_by_role(session, "decision_maker", ids)
        self.contacts = q.contact_counts(session, ids)
        self.overdue = q.overdue_task_counts(session, today, ids)
        trends = metric_trends(session, today, ("nps", "open_tickets"), ids)
        self.nps, self.tickets = trends["nps"], trends["open_tickets"]
        self.rows = q.health_inputs(session, ids)

    def accounts(self) -> Iterator[tuple[int, HealthInputs, tuple[float, ...],
                                         dict[str, Any]]]:
        """Per account: its id, inputs, each factor's points out of 100, and the
        keyword arguments of `flag_keys` / `signals_of`."""
        today, cadence = self.today, self.settings.cadence
        w_touch, w_login, w_tickets, w_nps, w_payment, w_sop = self.scale  # FACTORS order
        drop = int(self.settings.nps_drop)
        last_touch, dm_touch, contacts = self.last_touch, self.dm_touch, self.contacts
        overdue, nps_trends, ticket_trends = self.overdue, self.nps, self.tickets
        for aid, tier, last_login, tickets, _, nps, _, on_time in self.rows:
            nps_trend, ticket_trend = nps_trends.get(aid), ticket_trends.get(aid)
            inputs = HealthInputs(
                cadence=cadence.get(tier, 45), days_since_touch=_days(last_touch.get(aid), today),
                days_since_login=_days(last_login, today), tickets=tickets,
                tickets_previous=_previous(ticket_trend), nps=nps,
                nps_previous=_previous(nps_trend), on_time_payment=on_time,
                overdue_tasks=overdue.get(aid, 0))
            touch, login, tickets_, nps_, payment, sop = factor_scores(inputs, nps_drop=drop)
            points = (touch * w_touch, login * w_login, tickets_ * w_tickets, nps_ * w_nps,
                      payment * w_payment, sop * w_sop)
            dm = dm_touch.get(aid)
            yield aid, inputs, points, {
                "last_login": last_login, "nps": nps_trend, "tickets": ticket_trend,
                "dm_touch": dm.date() if dm is not None else None,
                "contacts": contacts.get(aid, 0)}
