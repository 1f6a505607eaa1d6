"""Contact cadence per tier: when each account's next touch is due."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING

from csm_tui.settings import current_settings

if TYPE_CHECKING:
    from csm_tui.settings import Settings
    from csm_tui.workdays import WorkCalendar


def cadence_days(tier: str, settings: Settings | None = None) -> int:
    return (settings or current_settings()).cadence.get(tier, 45)


def next_touch_due(tier: str, last_done: datetime | date | None,
                   earliest_planned: date | None, *, today: date,
                   calendar: WorkCalendar | None = None,
                   settings: Settings | None = None) -> date:
    """Last done touch + cadence (moved to a working day by `calendar`), or the earliest
    planned touch, whichever is sooner. An account never touched is due today. Pass
    `settings` when calling it for many accounts (else the current ones)."""
    candidates = []
    if last_done is not None:
        day = last_done.date() if isinstance(last_done, datetime) else last_done
        due = day + timedelta(days=cadence_days(tier, settings))
        candidates.append(calendar.next_working_day(due) if calendar is not None else due)
    if earliest_planned is not None:
        candidates.append(earliest_planned)
    return min(candidates) if candidates else today
