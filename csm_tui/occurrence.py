"""An event on a day (what Today and the calendar list): a plain type with no storage
behind it, so that Today's first paint can be made without loading the database layer."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True, slots=True)
class Occurrence:
    event_id: int
    title: str
    day: date
    kind: str
    scope: str
