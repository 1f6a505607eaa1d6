"""Calendar arithmetic shared by the domain: months, years, ISO parsing."""

from __future__ import annotations

import calendar
from datetime import UTC, date, datetime

from csm_tui.i18n import t


def add_months(day: date, months: int) -> date:
    """Same day of month `months` later (or earlier), clamped to the month's end.

    31 Jan + 1 month is 28/29 Feb; 29 Feb + 12 months is 28 Feb.
    """
    total = day.year * 12 + (day.month - 1) + months
    year, month = divmod(total, 12)
    month += 1
    last = calendar.monthrange(year, month)[1]
    return date(year, month, min(day.day, last))


# Dates a user or a file may give: wide enough for any contract or event, narrow
# enough that date arithmetic on them (renewals, anniversaries, terms) never overflows.
FIRST_DATE, LAST_DATE = date(1900, 1, 1), date(2199, 12, 31)
# A founding date may be older (北京大学 1898, banks and brewers of the 1600s): it only
# dates anniversaries, whose arithmetic is safe for any year.
FIRST_FOUNDED = date(1000, 1, 1)


def first_date_of(field: str) -> date:
    """The earliest date a field accepts."""
    return FIRST_FOUNDED if field in ("founded_on", "founded") else FIRST_DATE


def in_range(day: date, *, first: date = FIRST_DATE) -> bool:
    return first <= day <= LAST_DATE


def parse_iso_date(text: str, *, field: str = "date") -> date:
    """Parse YYYY-MM-DD or raise ValueError naming the field and the text (a founding
    date may be older than other dates: `first_date_of`)."""
    try:
        day = date.fromisoformat(text.strip())
    except ValueError:
        raise ValueError(t("{field}: {text!r} is not a date (use YYYY-MM-DD)",
                           field=field, text=text)) from None
    first = first_date_of(field)
    if not in_range(day, first=first):
        raise ValueError(t("{field}: {text!r} is outside {first}–{last}", field=field,
                           text=text, first=first.year, last=LAST_DATE.year))
    return day


def effective_now(day: date) -> datetime:
    """The moment a change is made at: now, or, when the effective day is another one
    (`--today`, a demo), the same local time of day on that day (aware UTC), so a touch
    logged "today" is dated today and not "-7d ago"."""
    real = datetime.now(UTC)
    local = real.astimezone()
    if local.date() == day:
        return real
    return datetime.combine(day, local.timetz()).astimezone(UTC)
