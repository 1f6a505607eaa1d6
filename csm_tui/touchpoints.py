"""Touchpoints that are due: grouped Overdue / Today / This week / Later."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING

from csm_tui.namesearch import filter_words, tier_words, value_words
from db.queries.touchpoints import PlannedWord, planned_counts, planned_touchpoints
from db.vocab import CHANNELS, TIERS

if TYPE_CHECKING:
    from sqlmodel import Session

GROUPS = ("Overdue", "Today", "This week", "Later")
HORIZON_DAYS = 90


@dataclass(frozen=True, slots=True)
class DueTouchpoint:
    id: int
    account_id: int
    account: str
    tier: str
    channel: str
    due_date: date
    next_step: str
    contact: str = ""
    contact_role: str = ""
    contract_end: date | None = None

    def days_overdue(self, today: date) -> int:
        return (today - self.due_date).days


def group_of(due: date, today: date) -> str:
    if due < today:
        return "Overdue"
    if due == today:
        return "Today"
    if due <= week_end(today):
        return "This week"
    return "Later"


def planned_words(session: Session, query: str, unnamed: Mapping[str, str] | None = None
                  ) -> list[PlannedWord]:
    """A filter's words, each with the channels and tiers whose words contain it (as a
    planned row is filtered: account, contact, channel and its label, tier, "tier:X",
    next step, names by pinyin and initials) and the names without stored words yet
    that it matches (found the slow way, as the history search does; `unnamed`: those
    names' words, if known)."""
    words = filter_words(query)
    if not words:
        return []
    channels = {c: value_words("channel", c) for c in CHANNELS}
    tiers = {tier: tier_words(tier) for tier in TIERS}
    if unnamed is None:
        from csm_tui.search import unnamed_words

        unnamed = unnamed_words(session)
    return [PlannedWord(w, tuple(c for c, text in channels.items() if w in text),
                        tuple(tier for tier, text in tiers.items() if w in text),
                        tuple(sorted(n for n, text in unnamed.items() if w in text)))
            for w in words]


def due_touchpoints(session: Session, today: date, *,
                    horizon_days: int = HORIZON_DAYS, owner: str | None = None,
                    limit: int | None = None, query: str = "",
                    words: list[PlannedWord] | None = None) -> list[DueTouchpoint]:
    """Planned touchpoints due up to `horizon_days` ahead, overdue first (of the accounts
    `owner` owns, if given; the first `limit` of them; those the filter matches, in the
    database)."""
    words = planned_words(session, query) if words is None else words
    rows = planned_touchpoints(session, due_before=today + timedelta(days=horizon_days),
                               owner=owner, limit=limit, words=words)
    return [DueTouchpoint(r.id, r.account_id, r.name, r.tier, r.channel, r.due_date,
                          r.next_step, r.contact or "", r.contact_role or "", r.contract_end)
            for r in rows]


@dataclass(frozen=True, slots=True)
class DuePage:
    """The first rows of the planned touchpoints and every group's true size: a screen
    reads what it shows, not the whole book."""

    items: list[DueTouchpoint]
    counts: dict[str, int]  # group → how many, of all (not only the loaded rows)

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def complete(self) -> bool:
        return len(self.items) >= self.total


def week_end(today: date) -> date:
    """The last day of "This week" (Sunday; on a Sunday, the next one)."""
    return today + timedelta(days=6 - today.weekday() if today.weekday() < 6 else 6)


def due_page(session: Session, today: date, *, owner: str | None = None,
             limit: int | None = None, horizon_days: int = HORIZON_DAYS,
             query: str = "", unnamed: Mapping[str, str] | None = None) -> DuePage:
    """`due_touchpoints`' first `limit` rows (None: all) the filter matches, and the
    groups' sizes of all it matches."""
    words = planned_words(session, query, unnamed)
    items = due_touchpoints(session, today, horizon_days=horizon_days, owner=owner,
                            limit=limit, words=words)
    if limit is None:
        sizes = {g: len(m) for g, m in grouped(items, today).items()}
        return DuePage(items, sizes)
    overdue, to_today, to_week, total = planned_counts(
        session, due_before=today + timedelta(days=horizon_days), owner=owner, words=words,
        bounds=[today, today + timedelta(days=1), week_end(today) + timedelta(days=1)])
    return DuePage(items, {"Overdue": overdue, "Today": to_today - overdue,
                           "This week": to_week - to_today, "Later": total - to_week})


def grouped(items: list[DueTouchpoint], today: date) -> dict[str, list[DueTouchpoint]]:
    groups: dict[str, list[DueTouchpoint]] = {g: [] for g in GROUPS}
    for item in items:
        groups[group_of(item.due_date, today)].append(item)
    return groups
