"""Small shared domain pieces: months, money, stage from dates, the change log."""

from __future__ import annotations

import json
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlmodel import select

from csm_tui.changelog import record
from csm_tui.dates import add_months
from csm_tui.lifecycle import stage_for_dates
from csm_tui.money import format_money, parse_money
from db.models import ChangeLog


@pytest.mark.parametrize(("day", "months", "expected"), [
    (date(2026, 1, 31), 1, date(2026, 2, 28)),
    (date(2028, 1, 31), 1, date(2028, 2, 29)),
    (date(2028, 2, 29), 12, date(2029, 2, 28)),
    (date(2026, 12, 15), 1, date(2027, 1, 15)),
    (date(2026, 3, 31), -1, date(2026, 2, 28)),
])
def test_add_months(day: date, months: int, expected: date) -> None:
    assert add_months(day, months) == expected


@given(st.dates(min_value=date(1900, 1, 1), max_value=date(2200, 1, 1)),
       st.integers(min_value=-600, max_value=600))
def test_add_months_keeps_day_or_clamps(day: date, months: int) -> None:
    moved = add_months(day, months)
    assert (moved.year * 12 + moved.month) - (day.year * 12 + day.month) == months
    assert moved.day == day.day or moved.day < day.day


def test_money() -> None:
    assert parse_money("12,345.50") == 1234550
    assert parse_money("¥88000") == 8800000
    assert format_money(8800000, "CNY") == "¥88,000"
    assert format_money(123_456_700, "CNY", compact=True) == "¥1.2M"
    for bad in ("-5", "abc", "1.234", "nan", ""):
        with pytest.raises(ValueError, match="amount"):
            parse_money(bad)


@pytest.mark.parametrize(("start", "end", "stage"), [
    (date(2026, 11, 20), date(2027, 11, 20), "onboarding"),
    (None, None, "handover"),
    (date(2026, 12, 20), date(2027, 12, 20), "handover"),
    (None, date(2026, 12, 1), "renewal"),
    (date(2026, 10, 1), date(2027, 10, 1), "onboarding"),
    (date(2026, 6, 1), date(2027, 6, 1), "adoption"),
    (date(2026, 1, 1), date(2027, 1, 1), "renewal"),
    (date(2025, 10, 1), date(2026, 10, 1), "renewal"),
])
def test_stage_for_dates(start: date | None, end: date | None, stage: str) -> None:
    assert stage_for_dates(start, end, date(2026, 11, 24)) == stage


def test_changelog_record_joins_the_transaction(store) -> None:  # type: ignore[no-untyped-def]
    with store.transaction() as session:
        record(session, action="tier.override", entity="account", entity_id=1,
               summary="S because board member", payload={"old": "A", "new": "S"})
    with store.session() as session:
        entry = session.exec(select(ChangeLog)).one()
        assert json.loads(entry.payload) == {"old": "A", "new": "S"}
        assert entry.actor
