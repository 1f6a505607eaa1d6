"""Everything the account screen and the meeting brief show about one account."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING

from csm_tui.events import occurrences
from csm_tui.health import Health, health_for_accounts
from csm_tui.i18n import label, t
from csm_tui.rfm import Rfm, rfm_for_accounts
from csm_tui.scoring import Score
from csm_tui.tiering import BookScores, book_scores
from db.models import Account
from db.queries import contacts as qc
from db.queries import events as qe
from db.queries import history as qh
from db.queries import tasks as qt
from db.queries import touchpoints as qtp
from db.queries.rows import account_notes

if TYPE_CHECKING:
    from sqlmodel import Session

    from db.models import Contact, ContractTerm, Note, Task


@dataclass(frozen=True, slots=True)
class TimelineEntry:
    when: datetime | date
    kind: str  # touch | planned | skipped | tier | stage | term | step | note
    text: str
    ref: str = ""  # "touch:12", "note:3", "task:7": what the row edits ("" for none)


@dataclass(frozen=True, slots=True)
class MetricTrend:
    """One metric's recent readings, oldest first: the account screen draws its trend."""

    metric: str
    label: str
    readings: list[tuple[date, float | None, date | None]]  # (on, number, date)

    @property
    def direction(self) -> str:
        """↑ ↓ or → between the last two numeric readings ("" with fewer than two)."""
        values = [v for _on, v, _d in self.readings if v is not None]
        if len(values) < 2:
            return ""
        return "↑" if values[-1] > values[-2] else "↓" if values[-1] < values[-2] else "→"


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
    metrics: list[MetricTrend] = field(default_factory=list)
    terms: list[ContractTerm] = field(default_factory=list)
    notes: list[Note] = field(default_factory=list)  # newest first
    event_rows: list[tuple[date, str, int | None]] = field(default_factory=list)
    # (day, title, event id: None for what is derived, not stored) of `events`


def _as_date(value: datetime | date | None) -> date | None:
    if value is None:
        return None
    return value.date() if isinstance(value, datetime) else value


def account_detail(session: Session, account_id: int, today: date,
                   scoring: BookScores | None = None,
                   rfm_codes: Mapping[int, int] | None = None) -> AccountDetail:
    """Everything the account screen shows. `scoring` and `rfm_codes` (every account's
    RFM code): the book's, if already computed for this version of the data (the
    services keep them)."""
    account = session.get(Account, account_id)
    if account is None:
        raise LookupError(t("account {account_id} not found", account_id=account_id))
    scoring = scoring or book_scores(session)
    health = health_for_accounts(session, today, [account_id]).get(account_id)
    if rfm_codes is None:
        rfm = rfm_for_accounts(session, today, [account_id]).get(account_id)
    else:
        code = rfm_codes.get(account_id)
        rfm = None if code is None else Rfm.from_code(code)
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
                                          f"{what}: {tp.summary}{outcome}", f"touch:{tp.id}"))
            age = (today.year - day.year) * 12 + today.month - day.month
            if 0 <= age < 12:
                months[11 - age] += 1
        elif tp.status == "skipped" and tp.due_date:  # closed: a duplicate, a churned touch
            timeline.append(TimelineEntry(tp.due_date, "skipped",
                                          f"{label('channel', tp.channel)}: "
                                          f"{tp.next_step or '—'}", f"touch:{tp.id}"))
        elif tp.status == "planned":
            who = f" ({tp.contact})" if tp.contact else ""
            timeline.append(TimelineEntry(tp.due_date, "planned",
                                          f"{label('channel', tp.channel)}{who}: "
                                          f"{tp.next_step or '—'}", f"touch:{tp.id}"))
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
    terms = list(qh.account_terms(session, account_id))
    for term in terms:
        timeline.append(TimelineEntry(term.start or term.created_at, "term", _term_text(term)))
    for title, stage, term_no, done_at, how in qt.closed_steps(session, account_id):
        text = (t("superseded: {title} ({stage}, term {term})", title=title,
                  stage=label("stage", stage), term=term_no) if how == "superseded"
                else t("removed: {title}", title=title) if how == "removed"
                else t("done: {title}", title=title))
        timeline.append(TimelineEntry(done_at, "step", text))
    notes = list(account_notes(session, account_id))
    for note in notes:
        timeline.append(TimelineEntry(note.on_date, "note", note.text, f"note:{note.id}"))
    timeline.sort(key=lambda e: _as_date(e.when) or date.min, reverse=True)
    tasks = list(qt.account_tasks(session, account_id, stage=account.stage, term=account.term))
    shown = {task.id for task in tasks}  # the user's own open tasks of an earlier stage too
    tasks += [task for task in qt.account_tasks(session, account_id)
              if task.id not in shown and task.done_at is None
              and task.step_key.startswith(qt.CUSTOM_PREFIX)]
    rows: list[tuple[date, str, int | None]] = []
    horizon = today + timedelta(days=365)
    for ev in qe.account_events(session, account_id, account.industry):
        for day in occurrences(ev, today - timedelta(days=30), horizon)[:1]:
            rows.append((day, ev.title, ev.id if ev.account_id == account_id else None))
    if account.founded_on:
        for day in occurrences_of_anniversary(account.founded_on, today, horizon):
            rows.append((day, t("founding anniversary ({years})",
                                years=day.year - account.founded_on.year), None))
    if account.contract_end:
        rows.append((account.contract_end, t("contract end / renewal"), None))
    rows.sort(key=lambda r: (r[0], r[1]))
    return AccountDetail(account, scoring.score_of(account_id), scoring.tiers.get(account_id),
                         health, rfm,
                         contacts, last_by_contact, timeline, tasks,
                         [(day, title) for day, title, _id in rows], months,
                         metric_trends(session, account_id), terms, notes, rows)


def _term_text(term: ContractTerm) -> str:
    from csm_tui.money import format_money

    outcome = {"open": t("current"),
               "renewed": t("renewed {day}", day=term.closed_on or "—"),
               "churned": t("churned {day}", day=term.closed_on or "—")}.get(term.outcome,
                                                                           term.outcome)
    return t("term {term}: {start} → {end} · {arr} · {outcome}", term=term.term,
             start=term.start or "—", end=term.end or "—",
             arr=format_money(term.arr_minor, term.currency), outcome=outcome)


def metric_trends(session: Session, account_id: int, *, last: int = 6) -> list[MetricTrend]:
    """Each metric with readings, its last `last` readings oldest first."""
    from csm_tui.metrics import METRICS
    from db.queries.metrics import account_readings

    by_metric: dict[str, list[tuple[date, float | None, date | None]]] = {}
    for r in account_readings(session, account_id):  # newest first
        rows = by_metric.setdefault(r.metric, [])
        if len(rows) < last:
            rows.append((r.on_date, r.value, r.day))
    return [MetricTrend(name, t(METRICS[name][1]), list(reversed(by_metric[name])))
            for name in METRICS if name in by_metric]


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


def coverage_fixes(d: AccountDetail) -> list[tuple[str, str]]:
    """The coverage alerts of an account with the fix each offers (`F` on the account
    screen): (what to do, the line that says so). No decision maker on record: add
    one; one who was not touched lately: log a touch with them; a single thread: add
    a second stakeholder."""
    if d.health is None:
        return []
    flags = {s.key for s in d.health.signals}
    out: list[tuple[str, str]] = []
    makers = [c for c in d.contacts if c.role == "decision_maker"]
    if "no_decision_maker" in flags:
        if not makers:
            out.append(("add_decision_maker",
                        t("no decision maker on record · F: add a decision maker")))
        else:
            out.append(("touch_decision_maker",
                        t("no recent decision-maker touch · F: log a touch with {name}",
                          name=makers[0].name)))
    if "single_threaded" in flags:
        out.append(("add_stakeholder",
                    t("single-threaded · F: add another stakeholder")))
    return out
