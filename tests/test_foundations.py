"""The small shared pieces the daily loop and the imports build on: metric readings as
a history (latest against previous), and why a generated date moves."""

from __future__ import annotations

from datetime import date

import pytest

from csm_tui.metrics import Reading, record
from csm_tui.workdays import WorkCalendar
from db.models import Account
from db.queries.metrics import account_readings, latest_two
from db.store import Store


@pytest.fixture
def two_accounts(store: Store) -> Store:
    """Accounts 1 and 2 with no readings yet (the demo seed writes its own history)."""
    with store.transaction() as session:
        session.add_all([Account(id=1, name="One"), Account(id=2, name="Two")])
    from db.bulk import sync_sequence

    with store.transaction() as session:
        sync_sequence(session, Account)
    return store


def test_readings_keep_a_history_and_rank_newest_first(two_accounts: Store) -> None:
    demo_store = two_accounts
    with demo_store.transaction() as session:
        record(session, [Reading(1, "nps", 50, None, date(2026, 9, 1), "import"),
                         Reading(1, "nps", 20, None, date(2026, 11, 1), "import"),
                         Reading(1, "nps", 35, None, date(2026, 10, 1), "edit"),
                         Reading(2, "nps", 10, None, date(2026, 11, 1), "cli"),
                         Reading(2, "last_login", None, date(2026, 10, 3), date(2026, 11, 1),
                                 "import")])
    with demo_store.session() as session:
        rows = {(r.account_id, r.rank): r.value for r in latest_two(session, "nps")}
        assert rows == {(1, 1): 20, (1, 2): 35, (2, 1): 10}
        recent = latest_two(session, "nps", since=date(2026, 10, 15))
        assert [(r.account_id, r.value) for r in recent] == [(1, 20), (2, 10)]
        assert [r.on_date for r in account_readings(session, 1, metric="nps")] == [
            date(2026, 11, 1), date(2026, 10, 1), date(2026, 9, 1)]


@pytest.mark.parametrize("metric, value, day, message", [
    ("mood", 3, None, "is not one of"), ("nps", None, None, "needs a number"),
    ("last_login", None, None, "needs a date")])
def test_a_bad_reading_is_refused_and_nothing_is_written(
        two_accounts: Store, metric: str, value: float | None, day: date | None,
        message: str) -> None:
    demo_store = two_accounts
    with pytest.raises(ValueError, match=message), demo_store.transaction() as session:
        record(session, [Reading(1, "nps", 40, None, date(2026, 11, 1), "cli"),
                         Reading(1, metric, value, day, date(2026, 11, 1), "cli")])
    with demo_store.session() as session:
        assert account_readings(session, 1) == []


def test_a_generated_date_moves_to_the_next_working_day_and_says_why() -> None:
    cal = WorkCalendar(holidays={date(2026, 10, 1)}, workdays={date(2026, 10, 10)},
                       names={date(2026, 10, 1): "国庆节"})
    assert cal.moved(date(2026, 12, 5)) == (date(2026, 12, 7), "weekend")  # a Saturday
    assert cal.moved(date(2026, 10, 1)) == (date(2026, 10, 2), "国庆节")
    assert cal.moved(date(2026, 10, 10)) == (date(2026, 10, 10), None)  # make-up day
    assert cal.moved(date(2026, 12, 7)) == (date(2026, 12, 7), None)


def test_a_change_made_on_another_effective_day_is_dated_that_day() -> None:
    """`--today` (and the demo) set the day a change is made on, keeping the time."""
    from datetime import UTC, datetime, timedelta

    from csm_tui.dates import effective_now

    now = datetime.now(UTC)
    assert abs(effective_now(now.astimezone().date()) - now) < timedelta(seconds=5)
    other = effective_now(date(2026, 11, 24))
    assert other.astimezone().date() == date(2026, 11, 24) and other.tzinfo is not None
