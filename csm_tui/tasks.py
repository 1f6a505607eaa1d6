"""The SOP task generator: each account's current stage and tier become dated tasks.

Idempotent (the unique key account+term+stage+step means a second run creates
nothing), tier-aware (a tier change adds the new tier's steps and drops open steps
it no longer has) and anchor-aware (when the stage entry or the contract end moves,
open tasks move with it). Due dates land on working days. Whole-portfolio runs use a
few queries and bulk writes, never one query per account.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any

from csm_tui.changelog import record
from csm_tui.dates import add_months
from csm_tui.i18n import t
from csm_tui.playbooks import Step, current_playbooks, steps_for
from csm_tui.settings import current_settings
from csm_tui.workdays import WorkCalendar, load_work_calendar
from db.bulk import insert_columns
from db.models import Account, Task, Touchpoint, utcnow
from db.queries import tasks as qt

if TYPE_CHECKING:
    from sqlmodel import Session

    from db.store import Store

CHUNK = 10_000  # accounts per planning round in a big sync
USER_DATED = "custom"  # Task.anchor of a step whose due date the user set (or their own task)


@dataclass(frozen=True, slots=True)
class PlannedTask:
    account_id: int
    account: str
    stage: str
    term: int
    step_key: str
    title: str
    due_date: date | None


@dataclass
class GenerationReport:
    created: list[PlannedTask] = field(default_factory=list)
    moved: list[tuple[int, date | None, date | None]] = field(default_factory=list)
    dropped: list[int] = field(default_factory=list)
    created_count: int = 0  # big chunked runs count instead of listing
    skipped: int = 0  # steps not created: due before `not_before` (an import's grace)

    @property
    def changed(self) -> bool:
        return bool(self.created or self.moved or self.dropped or self.created_count)


def due_for(step: Step, *, stage_entered: date | None, contract_end: date | None,
            today: date, calendar: WorkCalendar) -> date | None:
    """The concrete due date of a step for an account, on a working day."""
    if step.anchor == "contract_end":
        if contract_end is None:
            return None
        raw = contract_end - timedelta(days=step.amount)
    else:
        base = stage_entered or today
        raw = add_months(base, step.amount) if step.unit == "m" else \
            base + timedelta(days=step.amount)
    return calendar.next_working_day(raw)


def _calendar(session: Session, today: date) -> WorkCalendar:
    skip = bool(current_settings().extra.get("tasks", {}).get("skip_weekends", True))
    return load_work_calendar(session, start_year=today.year - 1, end_year=today.year + 3,
                              skip_weekends=skip)


def plan(session: Session, today: date, *, account_ids: list[int] | None = None,
         not_before: date | None = None) -> GenerationReport:
    """Work out what generation would do, without writing. `not_before` (an import):
    a new step due before that day is not created, only counted in `skipped`."""
    books = current_playbooks()
    calendar = _calendar(session, today)
    existing: dict[tuple[int, int, str], dict[str, tuple[int, date | None, bool]]] = {}
    for tid, aid, term, stage, key, due, done, anchor in qt.plan_tasks(
            session, account_ids=account_ids):
        # A step dated by hand (anchor "custom") or the user's own task is never moved
        # or dropped by the playbook: it counts as done for the generator.
        fixed = anchor == USER_DATED or key.startswith(qt.CUSTOM_PREFIX)
        existing.setdefault((aid, term, stage), {})[key] = (tid, due, done is not None
                                                            or fixed)
    report = GenerationReport()
    dues: dict[tuple[int, date | None, date | None], date | None] = {}  # accounts share dates
    by_kind: dict[tuple[str, str, bool], tuple[list[Step], set[str]]] = {}
    for aid, name, stage, term, tier, entered, end in qt.plan_accounts(
            session, account_ids=account_ids):
        have = existing.get((aid, term, stage), {})
        kind = (stage, tier, term > 1)  # a handful of stage, tier and term kinds
        if kind not in by_kind:
            steps = steps_for(books, stage, tier, term=term)
            by_kind[kind] = (steps, {s.key for s in steps})
        wanted, wanted_keys = by_kind[kind]
        for step in wanted:
            memo = (id(step), entered, end)
            if memo in dues:
                due = dues[memo]
            else:
                due = dues[memo] = due_for(step, stage_entered=entered, contract_end=end,
                                           today=today, calendar=calendar)
            if step.key not in have and not_before is not None and due is not None \
                    and due < not_before:
                report.skipped += 1
            elif step.key not in have:
                report.created.append(PlannedTask(aid, name, stage, term, step.key,
                                                  step.title, due))
            else:
                tid, old_due, done = have[step.key]
                if not done and old_due != due:
                    report.moved.append((tid, old_due, due))
        for key, (tid, _due, done) in have.items():
            if key not in wanted_keys and not done:
                report.dropped.append(tid)
    return report


def generate_tasks(store: Store, today: date, *, account_ids: list[int] | None = None,
                   dry_run: bool = False) -> GenerationReport:
    """Create, move and drop tasks so that every account matches its playbook; steps of
    a stage or term an account has left are superseded, a churned account's planned
    touches closed, and every account has its current term's row."""
    if dry_run:
        with store.session() as session:
            return plan(session, today, account_ids=account_ids)
    with store.transaction() as session:
        report = sync_tasks(session, today, account_ids=account_ids)
        from csm_tui.lifecycle import settle_books

        settle_books(session, account_ids)  # books kept before these rules existed
        return report


def sync_tasks(session: Session, today: date, *, account_ids: list[int] | None = None,
               log: bool = True, not_before: date | None = None) -> GenerationReport:
    """generate_tasks inside the caller's transaction (a stage move, a tier change, an
    edit of the contract dates), so the change and its tasks commit together. Open
    steps of a stage or term the account has left are closed as superseded first."""
    session.flush()
    qt.supersede_stale(session, at=utcnow(), account_ids=account_ids)
    if account_ids is None or len(account_ids) <= CHUNK:
        report = plan(session, today, account_ids=account_ids, not_before=not_before)
        if report.changed:
            _write(session, report, log=log)
        return report
    total = GenerationReport()  # a big import: chunk by chunk, so memory stays flat
    for start in range(0, len(account_ids), CHUNK):
        part = plan(session, today, account_ids=account_ids[start:start + CHUNK],
                    not_before=not_before)
        if part.changed:
            _write(session, part)
        total.created_count += len(part.created)
        total.skipped += part.skipped
    return total


def _write(session: Session, report: GenerationReport, *, log: bool = True) -> None:
    """Insert the new tasks, move the shifted ones, drop the obsolete ones."""
    books = {(s.stage, s.key): s for steps in current_playbooks().values() for s in steps}
    created = report.created
    steps = [books[(p.stage, p.step_key)] for p in created]
    now = utcnow()
    # Built column by column: a big import creates hundreds of thousands.
    columns: dict[str, list[Any]] = {
        "account_id": [p.account_id for p in created], "stage": [p.stage for p in created],
        "term": [p.term for p in created], "step_key": [p.step_key for p in created],
        "title": [p.title for p in created], "description": [s.description for s in steps],
        "channel": [s.channel for s in steps], "anchor": [s.anchor for s in steps],
        "offset_days": [s.offset_days for s in steps],
        "due_date": [p.due_date for p in created], "done_at": [None] * len(created),
        "closed_as": [None] * len(created), "created_at": [now] * len(created)}
    keys = list(columns)
    for start in range(0, len(created), 5000):  # Core: no ORM bookkeeping per row
        insert_columns(session, Task, keys,
                       [values[start:start + 5000] for values in columns.values()])
    if report.moved:
        qt.move_due_dates(session, [{"id": tid, "due_date": new}
                                    for tid, _old, new in report.moved])
    if report.dropped:
        qt.delete_tasks(session, report.dropped)
    if not log:
        return
    record(session, action="tasks.generate", entity="task", entity_id=None,
           summary=f"SOP tasks: {len(report.created)} created, {len(report.moved)} moved, "
                   f"{len(report.dropped)} dropped",
           payload={"moved": [[t, str(o), str(n)] for t, o, n in report.moved[:1000]]})


TASK_COLUMNS = ("id", "account_id", "stage", "term", "step_key", "title", "description",
                "channel", "anchor", "offset_days", "due_date", "done_at", "closed_as",
                "created_at")
NOTHING: dict[str, list[Any]] = {"created": [], "moved": [], "dropped": [], "superseded": [],
                                 "reopened": []}


def sync_account_tasks(session: Session, today: date | None, account_id: int
                       ) -> dict[str, list[Any]]:
    """sync_tasks for one account inside a user action, returning what it did in a form
    the action's change-log entry keeps, so that undo can put the tasks back exactly:
    ids created, [id, old due, new due] moved, whole rows dropped, ids superseded (open
    steps of the stage or term it left) and [id, closed at] reopened (superseded steps
    of the stage it came back to, in the same term)."""
    if today is None:
        return {k: [] for k in NOTHING}
    session.flush()
    account = session.get(Account, account_id)
    out: dict[str, list[Any]] = {k: [] for k in NOTHING}
    if account is not None:
        now = utcnow()
        out["superseded"] = qt.stale_open_tasks(session, account_id, stage=account.stage,
                                                term=account.term)
        qt.close_tasks(session, out["superseded"], at=now, how="superseded")
        back = qt.superseded_of(session, account_id, stage=account.stage, term=account.term)
        out["reopened"] = [[tid, str(at) if at else None] for tid, at in back]
        qt.reopen_tasks(session, [tid for tid, _at in back])
    report = plan(session, today, account_ids=[account_id])
    if not report.changed:
        return out
    before = qt.task_ids_of(session, account_id)
    rows = qt.tasks_by_ids(session, report.dropped)
    dropped = [{c: getattr(task, c) for c in TASK_COLUMNS} for task in rows]
    for task in rows:
        session.expunge(task)  # deleted below by a bulk statement
    _write(session, report, log=False)
    out.update({"created": sorted(qt.task_ids_of(session, account_id) - before),
                "moved": [[tid, str(o) if o else None, str(n) if n else None]
                          for tid, o, n in report.moved],
                "dropped": dropped})
    return out


def complete_task(store: Store, task_id: int, *, now: datetime) -> Task:
    """Tick an SOP step: mark it done and log it as a done touchpoint, one transaction.
    The close checks and writes in one statement: a step ticked by someone else first
    is refused ("already done"), and nothing is written."""
    from csm_tui.followup import locked_account

    with store.transaction() as session:
        task = session.get(Task, task_id)
        if task is None:
            raise LookupError(t("task {task_id} not found", task_id=task_id))
        account = locked_account(session, task.account_id)
        if qt.close_open_task(session, task_id, at=now, how="done") != 1:
            session.refresh(task)
            raise ValueError(t("“{title}” is already done", title=task.title))
        session.refresh(task)
        tp = Touchpoint(account_id=task.account_id, channel=task.channel or "call",
                        due_date=task.due_date or now.date(), done_at=now, status="done",
                        summary=f"SOP: {task.title}", outcome="")
        session.add(tp)
        session.flush()
        record(session, action="task.complete", entity="task", entity_id=task_id,
               summary=f"Done: {task.title} ({account.name})",
               payload={"touchpoint": tp.id, "done_at": str(now)})
        return task
