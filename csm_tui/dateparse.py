"""Dates as people type them: `2026-12-01`, `today`, `tomorrow`, `+3d`, `2w`, `1m`,
`next mon`, `fri`, `eow`, `eom`. Used by the log form, snooze/reschedule and `csm log`."""

from __future__ import annotations

import calendar
import re
from datetime import date, timedelta

from csm_tui.dates import FIRST_DATE, LAST_DATE, add_months, in_range
from csm_tui.i18n import t

WEEKDAYS = {name: i for i, names in enumerate((
    ("mon", "monday"), ("tue", "tues", "tuesday"), ("wed", "wednesday"),
    ("thu", "thur", "thurs", "thursday"), ("fri", "friday"), ("sat", "saturday"),
    ("sun", "sunday"))) for name in names}
_OFFSET = re.compile(
    r"^\+?(\d{1,4})\s*(d|day|days|w|wk|week|weeks|m|mo|month|months|y|year|years)$")
_MAX_DAYS = 366 * 20

FORMS_HELP = "YYYY-MM-DD, today, tomorrow, +3d, 2w, 1m, next mon, fri, eow, eom"


def parse_when(text: str, today: date) -> date:
    """Resolve what the user typed to a date, or raise ValueError saying what is wrong."""
    raw = text
    text = " ".join(text.strip().lower().split())
    if not text:
        raise ValueError(t("date is empty (use {forms})", forms=FORMS_HELP))
    if text in ("today", "tod", "now"):
        return today
    if text in ("tomorrow", "tmr", "tom"):
        return today + timedelta(days=1)
    if text == "yesterday":
        return today - timedelta(days=1)
    if text in ("eom", "end of month"):
        return today.replace(day=calendar.monthrange(today.year, today.month)[1])
    if text in ("eow", "end of week"):
        return today + timedelta(days=(4 - today.weekday()) % 7)  # this week's Friday
    if m := _OFFSET.match(text):
        count, unit = int(m.group(1)), m.group(2)[0]
        if unit == "d":
            days = count
        elif unit == "w":
            days = count * 7
        else:
            months = count if unit == "m" else count * 12
            if months > 12 * 20:
                raise ValueError(t("{raw!r} is too far ahead", raw=raw))
            return add_months(today, months)
        if days > _MAX_DAYS:
            raise ValueError(t("{raw!r} is too far ahead", raw=raw))
        return today + timedelta(days=days)
    words = text.split()
    if len(words) in (1, 2) and words[-1] in WEEKDAYS and (len(words) == 1 or words[0] == "next"):
        ahead = (WEEKDAYS[words[-1]] - today.weekday()) % 7 or 7
        return today + timedelta(days=ahead)
    try:
        day = date.fromisoformat(text)
    except ValueError:
        pass
    else:
        if not in_range(day):
            raise ValueError(t("{raw!r} is outside {first}–{last}", raw=raw,
                               first=FIRST_DATE.year, last=LAST_DATE.year))
        return day
    raise ValueError(t("{raw!r} is not a date (use {forms})", raw=raw, forms=FORMS_HELP))
