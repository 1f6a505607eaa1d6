"""Calendar arithmetic shared by the domain: months, years, ISO parsing."""

from __future__ import annotations

import calendar
from datetime import date

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


def parse_iso_date(text: str, *, field: str = "date") -> date:
    """Parse YYYY-MM-DD or raise ValueError naming the field and the text."""
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise ValueError(t("{field}: {text!r} is not a date (use YYYY-MM-DD)",
                           field=field, text=text)) from None
