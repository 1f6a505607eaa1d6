"""Everything the account screen and the meeting brief show about one account."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING

from csm_tui.events import occurrences
from csm_tui.health import Health, health_for_accounts
from csm_tui.i18n import label, t
from csm_tui.rfm import Rfm, rfm_for_accounts
from csm_tui.scoring import Score
from csm_tui.tiering import compute
from db.models import Account
from db.queries import contacts as qc
from db.queries import events as qe
from db.queries import history as qh
from db.queries import tasks as qt
from db.queries import touchpoints as qtp

if TYPE_CHECKING:
    from sqlmodel import Session

    from db.models import Contact, Task


@dataclass(frozen=True, slots=True)
class TimelineEntry:
    when: datetime | date
    kind: str  # touch | planned | tier | stage
    text: str


@dataclass
class AccountDetail:
    account: Account
    score: Score | None
    computed_tier: str | None
    health: Health | None
    rfm: Rfm | None
    contacts: list[Contact]
    last_contact_touch: dict[int, date]
    timeline: list[TimelineEntry]
    tasks: list[Task]
    events: list[tuple[date, str]]
    touch_counts: list[int] = field(default_factory=list)  # per month, oldest first


def _as_date(value: datetime | date | None) -> date | None:
    if value is None:
        return None
    return value.date() if isinstance(value, datetime) else value


def account_detail(session: Session, account_id: int, today: date) -> AccountDetail:
    account = session.get(Account, account_id)
    if account is None:
        raise LookupError(t("account {account_id} not found", account_id=account_id))
    scores, tiers, _ = compute(session)
    health = health_for_accounts(session, today, [account_id]).get(account_id)
    rfm = rfm_for_accounts(session, today).get(account_id)
    contacts = list(qc.account_contacts(session, account_id))
    names = {c.id: c for c in contacts}
    timeline: list[TimelineEntry] = []
    last_by_contact: dict[int, date] = {}
    months = [0] * 12
    for tp in qtp.account_touchpoints(session, account_id, limit=500):
        if tp.status == "done":
            day = _as_date(tp.done_at) or tp.due_date
            channel = label("channel", tp.channel)
            what = (t("{channel} with {contact}", channel=channel, contact=tp.contact)
                    if tp.contact else channel)
            outcome = f" [{label('outcome', tp.outcome)}]" if tp.outcome else ""
            timeline.append(TimelineEntry(tp.done_at or tp.due_date, "touch",
                                          f"{what}: {tp.summary}{outcome}"))
            age = (today.year - day.year) * 12 + today.month - day.month
            if 0 <= age < 12:
                months[11 - age] += 1
        elif tp.status == "planned":
            timeline.append(TimelineEntry(tp.due_date, "planned",
                                          f"{label('channel', tp.channel)}: "
                                          f"{tp.next_step or '—'}"))
    for c_id, day in _contact_last_touch(session, account_id).items():
        if c_id in names:
            last_by_contact[c_id] = day
    for tc in qh.account_tier_changes(session, account_id):
        how = t("manual") if tc.manual else t("retier")
        timeline.append(TimelineEntry(tc.at, "tier", f"{tc.old_tier or '—'} → "
                                                     f"{tc.new_tier} ({how}): {tc.reason}"))
    for sc in qh.account_stage_changes(session, account_id):
        old = label("stage", sc.old_stage) if sc.old_stage else "—"
        timeline.append(TimelineEntry(sc.at, "stage", f"{old} → {label('stage', sc.new_stage)}: "
                                                      f"{sc.reason}"))
    timeline.sort(key=lambda e: _as_date(e.when) or date.min, reverse=True)
    tasks = list(qt.account_tasks(session, account_id, stage=account.stage, term=account.term))
    events: list[tuple[date, str]] = []
    horizon = today + timedelta(days=365)
    for ev in qe.account_events(session, account_id, account.industry):
        for day in occurrences(ev, today - timedelta(days=30), horizon)[:1]:
            events.append((day, ev.title))
    if account.founded_on:
        for day in occurrences_of_anniversary(account.founded_on, today, horizon):
            events.append((day, t("founding anniversary ({years})",
                                  years=day.year - account.founded_on.year)))
    if account.contract_end:
        events.append((account.contract_end, t("contract end / renewal")))
    events.sort()
    return AccountDetail(account, scores.get(account_id), tiers.get(account_id), health, rfm,
                         contacts, last_by_contact, timeline, tasks, events, months)


def occurrences_of_anniversary(founded: date, start: date, end: date) -> list[date]:
    from csm_tui.events import yearly_date

    return [d for year in range(start.year, end.year + 1)
            if start <= (d := yearly_date(founded, year)) <= end]


def _contact_last_touch(session: Session, account_id: int) -> dict[int, date]:
    out: dict[int, date] = {}
    rows = qtp.contact_last_touch(session, account_id)
    for contact_id, done_at in rows:
        if done_at is not None:
            out[contact_id] = done_at.date()
    return out
