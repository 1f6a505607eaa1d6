"""Events and their occurrences in a date range (yearly ones repeat)."""

from __future__ import annotations

import calendar
from datetime import date
from typing import TYPE_CHECKING, Any

from csm_tui.i18n import t
from csm_tui.occurrence import Occurrence  # noqa: F401  (re-exported)
from db.models import Event
from db.queries.events import events_between

if TYPE_CHECKING:
    from sqlmodel import Session

    from db.store import Store


def yearly_date(original: date, year: int) -> date:
    """The date a yearly event falls on in `year`; 29 February falls on 28 February."""
    last = calendar.monthrange(year, original.month)[1]
    return date(year, original.month, min(original.day, last))


def occurrences(event: Event, start: date, end: date) -> list[date]:
    """Days in [start, end] on which an event happens."""
    if event.recurrence:  # an imported rule: expanded as RFC 5545 says (csm_tui.ical)
        from csm_tui.ical import expand

        return sorted({day for day, _at in expand(event.recurrence, start, end)})
    if not event.yearly:
        return [event.on_date] if start <= event.on_date <= end else []
    days = []
    for year in range(max(start.year, event.on_date.year), end.year + 1):
        day = yearly_date(event.on_date, year)
        if start <= day <= end:
            days.append(day)
    return days


def events_in_range(session: Session, start: date, end: date) -> list[Occurrence]:
    found = []
    for event in events_between(session, start=start, end=end):
        for day in occurrences(event, start, end):
            found.append(Occurrence(event.id or 0, event.title, day, event.kind, event.scope))
    return sorted(found, key=lambda o: (o.day, o.title))


def month_range(year: int, month: int) -> tuple[date, date]:
    return date(year, month, 1), date(year, month, calendar.monthrange(year, month)[1])


# ---- adding events -------------------------------------------------------------

def _csv_list(text: str, allowed: tuple[str, ...] | None, field: str) -> str:
    items = [i.strip() for i in text.replace(";", ",").split(",") if i.strip()]
    if allowed is not None:
        bad = [i for i in items if i not in allowed]
        if bad:
            raise ValueError(t("{field}: {value} not in {value2}",
                               field=field, value=', '.join(bad), value2=', '.join(allowed)))
    return ",".join(items)


def event_values(*, title: str, on_date: date, yearly: bool = False, kind: str = "event",
                 scope: str = "global", industry: str = "", account_id: int | None = None,
                 lead_days: int = 0, tiers: str = "", industries: str = "",
                 description: str = "", end_date: date | None = None) -> dict[str, Any]:
    """An event's fields checked (ValueError names the first bad one), as Event columns."""
    from db.vocab import EVENT_KINDS, EVENT_SCOPES, TIERS

    if not title.strip():
        raise ValueError(t("title: required"))
    if kind not in EVENT_KINDS:
        raise ValueError(t("kind: {kind!r} is not one of {value}",
                           kind=kind, value=', '.join(EVENT_KINDS)))
    if scope not in EVENT_SCOPES:
        raise ValueError(t("scope: {scope!r} is not one of {value}",
                           scope=scope, value=', '.join(EVENT_SCOPES)))
    if lead_days < 0 or lead_days > 365:
        raise ValueError(t("lead days: {lead_days} must be between 0 and 365",
                           lead_days=lead_days))
    if end_date is not None and end_date < on_date:
        raise ValueError(t("end date: before the start date"))
    if scope == "industry" and not industry.strip():
        raise ValueError(t("industry: required for an industry event"))
    if scope == "account" and account_id is None:
        raise ValueError(t("account: required for an account event"))
    return dict(title=title.strip(), on_date=on_date, end_date=end_date, yearly=yearly,
                kind=kind, scope=scope, industry=industry.strip() or None,
                account_id=account_id, lead_days=lead_days,
                target_tiers=_csv_list(tiers.upper(), TIERS, "tiers"),
                target_industries=_csv_list(industries, None, "industries"),
                description=description.strip())


def add_event(store: Store, **fields: Any) -> int:
    """Validate and store an event; one transaction with its change-log entry (the
    TUI and `csm event add` use `csm_tui.event_book.save_event`, which also plans
    its touches and can be undone)."""
    from csm_tui.changelog import record
    from db.models import Account

    values = event_values(**fields)
    with store.transaction() as session:
        account_id = values["account_id"]
        if account_id is not None and session.get(Account, account_id) is None:
            raise ValueError(t("account: {account_id} not found", account_id=account_id))
        event = Event(**values, source="manual")
        session.add(event)
        session.flush()
        record(session, action="event.add", entity="event", entity_id=event.id,
               summary=f"Added event {event.title} on {event.on_date}",
               payload={"id": event.id})
        return event.id or 0
