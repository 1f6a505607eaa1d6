"""Account metrics as a dated history: NPS, open tickets, last login and usage.

Imports, account edits, `csm metric` and the seed each add readings (never overwrite
them), so a churn signal ("NPS falling", "tickets rising") compares the latest
reading with the previous one, and an account with only one reading raises no flag.
The account's own columns (`nps`, `open_tickets`, `last_login`) keep the latest
value for the screens that show it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from csm_tui.i18n import N_, t
from db.models import MetricReading
from db.queries import metrics as qm

if TYPE_CHECKING:
    from sqlmodel import Session

    from db.store import Store

# name → (kind, label): "number" readings keep `value`, "date" readings keep `day`.
METRICS: dict[str, tuple[str, str]] = {
    "nps": ("number", N_("NPS")),
    "open_tickets": ("number", N_("open tickets")),
    "last_login": ("date", N_("last login")),
    "usage": ("number", N_("usage")),
}
SOURCES = ("import", "edit", "cli", "seed", "upgrade")


@dataclass(frozen=True, slots=True)
class Reading:
    account_id: int
    metric: str
    value: float | None
    day: date | None
    on_date: date
    source: str


def check(metric: str, value: float | None, day: date | None) -> None:
    """Raise ValueError naming what is wrong with a reading."""
    if metric not in METRICS:
        raise ValueError(t("metric: {metric!r} is not one of {names}", metric=metric,
                           names=", ".join(METRICS)))
    kind = METRICS[metric][0]
    if kind == "number" and value is None:
        raise ValueError(t("metric {metric}: needs a number", metric=metric))
    if kind == "date" and day is None:
        raise ValueError(t("metric {metric}: needs a date", metric=metric))


def record(session: Session, readings: Iterable[Reading]) -> int:
    """Add readings to the caller's transaction (no commit here); returns how many."""
    rows = []
    for r in readings:
        check(r.metric, r.value, r.day)
        rows.append({"account_id": r.account_id, "metric": r.metric, "value": r.value,
                     "day": r.day, "on_date": r.on_date, "source": r.source})
    return qm.insert_readings(session, rows)


# The account column that keeps each metric's latest value (usage has none).
COLUMNS = {"nps": "nps", "open_tickets": "open_tickets", "last_login": "last_login"}
RANGES = {"nps": (-100.0, 100.0), "open_tickets": (0.0, 1e6), "usage": (0.0, 1e12)}


def parse_value(metric: str, text: str, today: date) -> tuple[float | None, date | None]:
    """What a person typed for a metric → (number, date), or ValueError saying why."""
    from math import isfinite

    from csm_tui.dateparse import parse_when

    check_name(metric)
    if METRICS[metric][0] == "date":
        return None, parse_when(text, today)
    try:
        value = float(text.strip())
    except ValueError:
        raise ValueError(t("metric {metric}: {text!r} is not a number", metric=metric,
                           text=text)) from None
    low, high = RANGES[metric]
    if not isfinite(value) or not low <= value <= high:
        raise ValueError(t("metric {metric}: {text!r} is outside {low:g}..{high:g}",
                           metric=metric, text=text, low=low, high=high))
    if metric == "open_tickets" and value != int(value):
        raise ValueError(t("metric {metric}: {text!r} is not a whole number", metric=metric,
                           text=text))
    return value, None


def check_name(metric: str) -> None:
    if metric not in METRICS:
        raise ValueError(t("metric: {metric!r} is not one of {names}", metric=metric,
                           names=", ".join(METRICS)))


def column_value(metric: str, value: float | None, day: date | None) -> object:
    """A reading as the account column keeps it (NPS and tickets are whole numbers)."""
    if METRICS[metric][0] == "date":
        return day
    return None if value is None else round(value)


@dataclass(frozen=True, slots=True)
class MetricSaved:
    account: str
    metric: str
    value: float | None
    day: date | None
    on_date: date
    latest: bool  # the newest reading: the account's column now says it


def record_metric(store: Store, account_id: int, metric: str, text: str, *, on: date,
                  today: date, source: str = "cli") -> MetricSaved:
    """`csm metric ACCOUNT NAME VALUE [--on DATE]`: one dated reading, in one
    transaction with its change-log entry; when it is the newest, the account's column
    takes its value (as an import or an edit would)."""
    from csm_tui.changelog import record as log
    from csm_tui.followup import locked_account

    value, day = parse_value(metric, text, today)
    with store.transaction() as session:
        account = locked_account(session, account_id)
        row = MetricReading(account_id=account_id, metric=metric, value=value, day=day,
                            on_date=on, source=source)
        session.add(row)
        session.flush()
        reading_id = row.id
        latest = qm.newest_reading_id(session, account_id, metric) == reading_id
        before: object = None
        column = COLUMNS.get(metric)
        if column is not None and latest:
            before = getattr(account, column)
            setattr(account, column, column_value(metric, value, day))
        log(session, action="metric.record", entity="account", entity_id=account_id,
            summary=f"{account.name}: {metric} {text.strip()} on {on}",
            payload={"reading": reading_id, "metric": metric, "column": column if latest
                     else None, "before": str(before) if isinstance(before, date)
                     else before})
        return MetricSaved(account.name, metric, value, day, on, latest)


def edit_readings(account_id: int, changed: dict[str, tuple[object, object]], on: date
                  ) -> list[Reading]:
    """The readings an account edit implies: one per metric column it changed."""
    out = []
    for metric, column in COLUMNS.items():
        if column not in changed:
            continue
        new = changed[column][1]
        if new is None:
            continue
        if isinstance(new, date):
            out.append(Reading(account_id, metric, None, new, on, "edit"))
        elif isinstance(new, int | float):
            out.append(Reading(account_id, metric, float(new), None, on, "edit"))
    return out


def add_readings(session: Session, readings: Iterable[Reading]) -> list[int]:
    """A few readings as rows of the caller's transaction, returning their ids (an
    edit keeps them, so that undoing the edit takes its readings back out)."""
    rows = []
    for r in readings:
        check(r.metric, r.value, r.day)
        rows.append(MetricReading(account_id=r.account_id, metric=r.metric, value=r.value,
                                  day=r.day, on_date=r.on_date, source=r.source))
    session.add_all(rows)
    session.flush()
    return [row.id for row in rows if row.id is not None]
