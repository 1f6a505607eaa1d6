"""Stage rules, the SOP generator and the kanban, driven as a CSM would."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from sqlmodel import select

from csm_tui.cli import main
from csm_tui.lifecycle import MoveError, move_stage, renew, suggestions
from csm_tui.playbooks import PlaybookError, load_playbooks, steps_for
from csm_tui.tasks import complete_task, due_for, generate_tasks
from csm_tui.tiering import set_tier
from csm_tui.workdays import WorkCalendar
from db.models import Account, Event, StageChange, Task, Touchpoint
from db.store import Store

TODAY = date(2026, 11, 24)
BOOKS = load_playbooks()
NO_SHIFT = WorkCalendar(skip_weekends=False)


def _account(store: Store, **kw) -> int:  # type: ignore[no-untyped-def]
    values = dict(name="Acme", tier="A", stage="handover", stage_entered=date(2026, 11, 2),
                  contract_start=date(2026, 11, 1), contract_end=date(2027, 10, 31))
    values.update(kw)
    with store.transaction() as s:
        acc = Account(**values)
        s.add(acc)
        s.flush()
        return acc.id  # type: ignore[return-value]


def _tasks(store: Store, aid: int) -> dict[str, Task]:
    with store.session() as s:
        return {t.step_key: t for t in s.exec(select(Task).where(Task.account_id == aid)).all()}


@pytest.mark.parametrize(("stage", "tier", "keys"), [
    ("handover", "S", {"key-people", "kickoff", "exec-sponsor"}),
    ("handover", "A", {"key-people", "kickoff"}),
    ("handover", "C", {"key-people", "welcome-email"}),
    ("onboarding", "S", {"delivery-plan", "admin-training", "first-value", "onsite-enablement"}),
    ("onboarding", "C", {"admin-training", "first-value"}),
    ("adoption", "B", {"usage-review", "find-the-problem"}),
    ("renewal", "S", {"t90-value-review", "t60-proposal", "t30-contract", "exec-alignment"}),
    ("renewal", "C", {"t90-value-review", "t30-contract"}),
    ("churned", "C", {"exit-interview", "win-back", "win-back-check"}),
])
def test_expected_steps_per_stage_and_tier(stage: str, tier: str, keys: set[str]) -> None:
    assert {s.key for s in steps_for(BOOKS, stage, tier, term=1)} == keys


@pytest.mark.parametrize(("stage", "tier", "keys"), [
    ("handover", "S", {"term-review", "people-check", "exec-renewal-thanks"}),
    ("handover", "C", {"term-review"}),
    ("onboarding", "A", {"first-value", "new-users-training"}),
    ("renewed", "B", {"thank-you"}),
])
def test_a_renewed_customer_gets_the_renewal_term_steps(stage: str, tier: str,
                                                        keys: set[str]) -> None:
    """Term 2 has no "Collect key people from sales": a second-term customer gets the
    renewal-term steps, a new customer the first-term ones."""
    assert {s.key for s in steps_for(BOOKS, stage, tier, term=2)} == keys
    assert "key-people" not in {s.key for s in steps_for(BOOKS, "handover", tier, term=2)}


@pytest.mark.parametrize(("end", "step", "expected"), [
    (date(2027, 3, 31), "t90-value-review", date(2026, 12, 31)),
    (date(2028, 5, 29), "t90-value-review", date(2028, 2, 29)),   # leap year
    (date(2027, 5, 30), "t90-value-review", date(2027, 3, 1)),    # across February
    (date(2027, 1, 30), "t30-contract", date(2026, 12, 31)),      # across the year end
])
def test_t_minus_dates(end: date, step: str, expected: date) -> None:
    s = next(x for x in BOOKS["renewal"] if x.key == step)
    assert due_for(s, stage_entered=None, contract_end=end, today=TODAY,
                   calendar=NO_SHIFT) == expected


def test_weekend_holiday_and_makeup_workday_shifting() -> None:
    step = next(x for x in BOOKS["handover"] if x.key == "key-people")  # +2d
    cal = WorkCalendar()
    # entered Thursday 2026-11-26 -> due Saturday 28 -> Monday 30
    assert due_for(step, stage_entered=date(2026, 11, 26), contract_end=None, today=TODAY,
                   calendar=cal) == date(2026, 11, 30)
    cal = WorkCalendar(holidays={date(2026, 11, 30), date(2026, 12, 1)})
    assert due_for(step, stage_entered=date(2026, 11, 26), contract_end=None, today=TODAY,
                   calendar=cal) == date(2026, 12, 2)
    cal = WorkCalendar(workdays={date(2026, 11, 28)})  # a make-up working Saturday
    assert due_for(step, stage_entered=date(2026, 11, 26), contract_end=None, today=TODAY,
                   calendar=cal) == date(2026, 11, 28)


def test_generation_is_idempotent_and_uses_imported_holidays(store: Store) -> None:
    aid = _account(store, stage_entered=date(2026, 9, 29))  # key-people +2d = Thu 1 Oct
    with store.transaction() as s:
        s.add(Event(title="国庆节", on_date=date(2026, 10, 1), end_date=date(2026, 10, 7),
                    kind="holiday", source="test", source_uid="nd"))
        s.add(Event(title="补班", on_date=date(2026, 10, 10), kind="workday", source="test",
                    source_uid="wd"))
    first = generate_tasks(store, TODAY)
    assert {t.step_key for t in first.created} == {"key-people", "kickoff"}
    tasks = _tasks(store, aid)
    assert tasks["key-people"].due_date == date(2026, 10, 8)
    assert tasks["kickoff"].due_date == date(2026, 10, 8)  # +7d = 6 Oct, in the holiday
    again = generate_tasks(store, TODAY)
    assert not again.changed


def test_tier_change_adds_and_drops_steps(store: Store) -> None:
    aid = _account(store, tier="A")
    generate_tasks(store, TODAY)
    done = _tasks(store, aid)["kickoff"]
    complete_task(store, done.id, now=datetime(2026, 11, 5, tzinfo=UTC))
    set_tier(store, aid, "C", reason="downsized", today=TODAY)
    tasks = _tasks(store, aid)
    assert "welcome-email" in tasks and "kickoff" in tasks  # done steps are kept
    set_tier(store, aid, "S", reason="strategic", today=TODAY)
    tasks = _tasks(store, aid)
    assert {"exec-sponsor", "key-people"} <= set(tasks) and "welcome-email" not in tasks


def test_open_tasks_follow_a_moved_contract_end(store: Store) -> None:
    aid = _account(store, stage="renewal", stage_entered=date(2026, 11, 1),
                   contract_end=date(2027, 2, 1))
    generate_tasks(store, TODAY)
    before = _tasks(store, aid)["t30-contract"].due_date
    with store.transaction() as s:
        s.get(Account, aid).contract_end = date(2027, 3, 1)
    report = generate_tasks(store, TODAY)
    assert report.moved
    after = _tasks(store, aid)["t30-contract"].due_date
    assert after - before == timedelta(days=28)


def test_stage_rules(store: Store) -> None:
    aid = _account(store)
    with pytest.raises(MoveError, match="not allowed"):
        move_stage(store, aid, "renewal", today=TODAY)
    with pytest.raises(MoveError, match="reason"):
        move_stage(store, aid, "churned", today=TODAY)
    move_stage(store, aid, "onboarding", today=TODAY)
    assert "admin-training" in _tasks(store, aid)
    with store.session() as s:
        change = s.exec(select(StageChange)).one()
        assert (change.old_stage, change.new_stage) == ("handover", "onboarding")


def test_renewal_starts_a_new_term(store: Store) -> None:
    aid = _account(store, stage="renewal", contract_end=date(2026, 12, 31))
    term = renew(store, aid, new_start=date(2027, 1, 1), new_end=date(2027, 12, 31),
                 today=TODAY)
    assert term == 2
    with store.session() as s:
        acc = s.get(Account, aid)
        assert (acc.stage, acc.term, acc.contract_end) == ("renewed", 2, date(2027, 12, 31))
    assert {t.term for t in _tasks(store, aid).values()} == {2}


def test_suggestions(store: Store) -> None:
    a = _account(store, stage="onboarding", contract_start=date(2026, 9, 1),
                 contract_end=date(2027, 8, 31))
    b = _account(store, name="B", stage="adoption", contract_end=date(2027, 1, 31))
    c = _account(store, name="C", stage="renewal", contract_end=date(2026, 11, 1))
    with store.session() as session:
        found = {s.account_id: s.to_stage for s in suggestions(session, TODAY)}
    assert found == {a: "adoption", b: "renewal", c: None}


def test_complete_task_logs_a_touchpoint(store: Store) -> None:
    aid = _account(store)
    generate_tasks(store, TODAY)
    task = _tasks(store, aid)["key-people"]
    complete_task(store, task.id, now=datetime(2026, 11, 24, 10, tzinfo=UTC))
    with store.session() as s:
        tp = s.exec(select(Touchpoint)).one()
        assert tp.status == "done" and task.title in tp.summary
    with pytest.raises(ValueError, match="already done"):
        complete_task(store, task.id, now=datetime(2026, 11, 24, tzinfo=UTC))


def test_user_playbook_is_validated(tmp_path: Path) -> None:
    path = tmp_path / "playbooks.toml"
    for text, needle in (
        ("[[limbo]]\nkey='x'\ntitle='x'\ndue='+1d'\n", "limbo"),
        ("[[renewal]]\nkey='x'\ntitle='x'\ndue='T+5'\n", "step 'x': due"),
        ("[[renewal]]\nkey='x'\ntitle='x'\ndue='+1d'\ntiers=['Z']\n", "tiers"),
    ):
        path.write_text(text)
        with pytest.raises(PlaybookError, match=needle) as info:
            load_playbooks(path)
        assert str(path) in str(info.value)


@pytest.mark.sqlite_only
def test_cli_generate_dry_run(store: Store, capsys: pytest.CaptureFixture[str]) -> None:
    _account(store)
    db = str(store.path)
    assert main(["tasks", "generate", "--dry-run", "--db", db, "--today", "2026-11-24"]) == 0
    out = capsys.readouterr().out
    assert "would create 2 tasks" in out and "Kickoff meeting" in out
    assert main(["tasks", "generate", "--db", db, "--today", "2026-11-24"]) == 0
    assert main(["tasks", "generate", "--db", db, "--today", "2026-11-24"]) == 0
    assert "created 0 tasks" in capsys.readouterr().out


async def test_kanban_move_with_keyboard_generates_tasks(demo_store: Store) -> None:
    from screens.card_column import CardColumn
    from screens.lifecycle import LifecycleScreen
    from tests.pilot import press, started, watched_app

    app = watched_app(demo_store, TODAY)
    async with app.run_test(size=(160, 45)) as pilot:
        await started(pilot)
        await press(pilot, "3", ready=LifecycleScreen)
        assert isinstance(app.focused, CardColumn) and app.focused.stage == "handover"
        await press(pilot, "right")
        assert app.focused.stage == "onboarding"
        await press(pilot, "down", "up")
        moved = app.focused.current.account_id
        await press(pilot, "shift+right", ready=LifecycleScreen)  # moved: the board reloads
        assert isinstance(app.focused, CardColumn) and app.focused.stage == "adoption"
        assert app.focused.current.account_id == moved
    with demo_store.session() as s:
        assert s.get(Account, moved).stage == "adoption"
        keys = {t.step_key for t in s.exec(select(Task).where(Task.account_id == moved,
                                                              Task.stage == "adoption")).all()}
    assert "usage-review" in keys
