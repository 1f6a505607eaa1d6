"""The calendar does work in proportion to what it shows: the grid's markers counted by
the database equal the counts of the full item list, a day's items equal the full
list's items of that day, and mine/team restricts accounts, touches and tasks."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from sqlmodel import select

from csm_tui.calendar_view import calendar_counts, calendar_items, calendar_view, counts_by_day
from db.models import Account, Event
from db.store import Store
from screens.calendar import CalendarScreen, grid_range
from screens.vtable import VirtualTable
from tests.pilot import press, started, watched_app

TODAY = date(2026, 11, 24)
# every grid range of a year, one across the new year, and February of a common year
RANGES = [grid_range(2026, m) for m in range(1, 13)] + [
    (date(2026, 12, 20), date(2027, 1, 10)), grid_range(2027, 2), grid_range(2028, 2)]


def _days(start: date, end: date) -> list[date]:
    return [start + timedelta(days=n) for n in range((end - start).days + 1)]


def _leap_founded(store: Store) -> int:
    """An account founded on 29 February (its anniversary falls on the 28th in a common
    year) and one founded in the grid's own year (no anniversary yet)."""
    with store.transaction() as s:
        leap = Account(name="Leap U", founded_on=date(2024, 2, 29), owner="me",
                       contract_start=date(2027, 2, 28), contract_end=date(2028, 2, 29))
        young = Account(name="Young Co", founded_on=date(2027, 2, 10), owner="other")
        s.add_all([leap, young])
        s.flush()
        assert leap.id is not None
        return leap.id


def test_sql_counts_equal_the_full_lists_counts(demo_store: Store) -> None:
    _leap_founded(demo_store)
    seen = set()
    with demo_store.session() as s:
        for start, end in RANGES:
            items = calendar_items(s, start, end)
            assert calendar_counts(s, start, end) == counts_by_day(items), (start, end)
            seen |= {i.kind for i in items}
            for owner in ("me", "other", "nobody"):
                assert calendar_counts(s, start, end, owner=owner) == counts_by_day(
                    calendar_items(s, start, end, owner=owner)), (start, end, owner)
    assert {"renewal", "start", "anniversary", "touchpoint", "task"} <= seen
    with demo_store.session() as s:
        def leap_anniversaries(start: date, end: date) -> list[date]:
            return [i.day for i in calendar_items(s, start, end)
                    if i.kind == "anniversary" and i.title.startswith("Leap U")]
        assert leap_anniversaries(*grid_range(2027, 2)) == [date(2027, 2, 28)]
        assert leap_anniversaries(*grid_range(2028, 2)) == [date(2028, 2, 29)]
        assert not [i for i in calendar_items(s, *grid_range(2027, 2))
                    if i.title.startswith("Young Co") and i.kind == "anniversary"]


def test_a_days_items_equal_the_full_lists_items_of_that_day(demo_store: Store) -> None:
    _leap_founded(demo_store)
    with demo_store.session() as s:
        for start, end in (grid_range(2026, 11), grid_range(2027, 2)):
            full = calendar_items(s, start, end)
            for day in _days(start, end):
                assert calendar_items(s, day, day) == [i for i in full if i.day == day], day


def test_a_big_range_loads_only_the_days_items(demo_store: Store) -> None:
    start, end = grid_range(2026, 11)
    with demo_store.session() as s:
        full = calendar_items(s, start, end)
        counts = calendar_counts(s, start, end)
        view = calendar_view(s, start, end, day=TODAY, counts=counts, full_up_to=0)
        assert not view.full and view.counts == counts_by_day(full)
        assert view.items == [i for i in full if i.day == TODAY] and view.items
        assert view.total == len(full)
        small = calendar_view(s, start, end, day=TODAY, counts=counts)  # few: all of them
        assert small.full and small.items == full
        asked = calendar_view(s, start, end, day=TODAY, counts=None, full_up_to=0)
        assert asked.full and asked.items == full  # the agenda, a filter


def test_mine_shows_only_my_accounts_items(demo_store: Store) -> None:
    with demo_store.transaction() as s:
        accounts = s.exec(select(Account).order_by(Account.id)).all()  # type: ignore[arg-type]
        for n, account in enumerate(accounts):
            account.owner = "me" if n % 2 else "other"
        mine = {a.id for a in accounts if a.owner == "me"}
        s.add(Event(title="Board day", on_date=TODAY, scope="account",
                    account_id=next(a.id for a in accounts if a.owner == "other")))
        s.add(Event(title="Teachers' Day", on_date=TODAY))
    start, end = grid_range(2026, 11)
    with demo_store.session() as s:
        full = calendar_items(s, start, end)
        items = calendar_items(s, start, end, owner="me")
    expected = [i for i in full if i.account_id is None or i.account_id in mine]
    assert items == expected
    assert {i.kind for i in items} >= {"touchpoint", "task", "renewal"}
    assert len(items) < len(full) and "Board day" in [i.title for i in full]
    assert "Board day" not in [i.title for i in items]
    assert "Teachers' Day" in [i.title for i in items]


@pytest.mark.sqlite_only
def test_day_and_range_queries_use_indexes(demo_store: Store) -> None:
    from sqlalchemy import text

    from db.queries import tasks as qt
    from db.queries import touchpoints as qtp

    start, end = grid_range(2026, 11)
    with demo_store.session() as s:
        plans = {}
        for name, stmt in (
                ("touch counts", "SELECT due_date, count(*) FROM touchpoint WHERE status = "
                 "'planned' AND due_date >= :a AND due_date <= :b GROUP BY due_date"),
                ("task counts", "SELECT due_date, count(*) FROM task WHERE done_at IS NULL "
                 "AND due_date >= :a AND due_date <= :b GROUP BY due_date")):
            rows = s.execute(text("EXPLAIN QUERY PLAN " + stmt), {"a": start, "b": end})
            plans[name] = " ".join(str(r[-1]) for r in rows)
        assert "ix_touchpoint_status_due" in plans["touch counts"], plans
        assert "ix_task_due_open" in plans["task counts"], plans
        # and the statements the calendar runs say the same
        for query in (qtp.planned_counts_by_day, qt.open_task_counts_by_day):
            assert query(s, start=start, end=end) is not None


async def test_a_big_book_grid_counts_from_sql_and_loads_the_day(
        demo_store: Store, monkeypatch: Any) -> None:
    monkeypatch.setattr(CalendarScreen, "full_up_to", 0)  # as if the book were big
    start, end = grid_range(2026, 11)
    with demo_store.session() as s:
        full = calendar_items(s, start, end)
    app = watched_app(demo_store, TODAY)
    async with app.run_test(size=(160, 45)) as pilot:
        await started(pilot)
        await press(pilot, "5", ready=CalendarScreen)
        screen = app.screen
        assert isinstance(screen, CalendarScreen) and screen.view is not None
        assert not screen.view.full and screen.grid.counts == counts_by_day(full)
        assert screen.items == [i for i in full if i.day == TODAY]
        table = screen.query_one("#cal-items", VirtualTable)
        assert len(table.rows) == len(screen.items) > 0
        assert str(len(full)) in screen.sub_title
        nxt = TODAY + timedelta(days=1)
        await press(pilot, "right", ready=CalendarScreen)  # the next day's items load
        assert screen.grid.selected == nxt and screen.view.day == nxt
        assert screen.items == [i for i in full if i.day == nxt]
        assert len(table.rows) == len(screen.items)
        await press(pilot, "slash")
        await press(pilot, "R", ready=CalendarScreen)  # a filter loads the range in full
        assert screen.view.full and screen.items == full
        assert screen.grid.counts == counts_by_day(screen.shown)
        assert 0 < len(screen.shown) < len(full)  # the counts are the filtered ones


async def test_the_calendar_follows_mine_and_team(demo_store: Store) -> None:
    with demo_store.transaction() as s:
        accounts = s.exec(select(Account).order_by(Account.id)).all()  # type: ignore[arg-type]
        for n, account in enumerate(accounts):
            account.owner = "me" if n % 2 else "other"
        mine = {a.id for a in accounts if a.owner == "me"}
    app = watched_app(demo_store, TODAY, user="me")
    async with app.run_test(size=(160, 45)) as pilot:
        await started(pilot)
        await press(pilot, "5", ready=CalendarScreen)
        screen = app.screen
        assert isinstance(screen, CalendarScreen)
        assert screen.items and all(i.account_id is None or i.account_id in mine
                                    for i in screen.items)
        assert {i.account_id for i in screen.items} & mine
        mine_count = len(screen.items)
        await press(pilot, "m", ready=CalendarScreen)  # the team's
        assert len(screen.items) > mine_count
        assert {i.account_id for i in screen.items} - mine - {None}


def test_an_archived_accounts_touches_and_tasks_leave_the_calendar(demo_store: Store) -> None:
    """Archived: off every list, the calendar too (its items and its markers); back:
    they return."""
    from csm_tui.book import set_archived
    from db.models import Task, Touchpoint

    start, end = grid_range(2026, 12)
    with demo_store.session() as s:
        planned = s.exec(select(Touchpoint).where(Touchpoint.status == "planned",
                                                  Touchpoint.due_date >= start,
                                                  Touchpoint.due_date <= end)).first()
        assert planned is not None
        aid = planned.account_id
        tasks = s.exec(select(Task).where(Task.account_id == aid)).all()
    mine = [f"touchpoint:{planned.id}"] + [f"task:{t.id}" for t in tasks]

    def shown() -> tuple[set[str], dict[date, Any]]:
        with demo_store.session() as s:
            items = calendar_items(s, start, end)
            counts = calendar_counts(s, start, end)
        assert counts == counts_by_day(items)
        return {i.ref for i in items}, counts

    before, counts_before = shown()
    assert f"touchpoint:{planned.id}" in before
    set_archived(demo_store, aid, True)
    after, counts_after = shown()
    assert not after & set(mine) and counts_after != counts_before
    set_archived(demo_store, aid, False)
    assert shown() == (before, counts_before)
