"""Contact cadence per tier: when each account's next touch is due."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from csm_tui.settings import current_settings


def cadence_days(tier: str) -> int:
    return current_settings().cadence.get(tier, 45)


def next_touch_due(tier: str, last_done: datetime | date | None,
                   earliest_planned: date | None, *, today: date) -> date:
    """Last done touch + cadence, or the earliest planned touch, whichever is sooner.
    An account never touched is due today."""
    candidates = []
    if last_done is not None:
        day = last_done.date() if isinstance(last_done, datetime) else last_done
        candidates.append(day + timedelta(days=cadence_days(tier)))
    if earliest_planned is not None:
        candidates.append(earliest_planned)
    return min(candidates) if candidates else today
