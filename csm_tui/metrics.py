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
from db.queries import metrics as qm

if TYPE_CHECKING:
    from sqlmodel import Session

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
