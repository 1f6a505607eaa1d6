"""A useful first day: the Maven CRM export imports into scored tiers, stages from the
contract dates, no SOP step more than a week overdue, and totals in one currency."""

from __future__ import annotations

import csv
from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlmodel import select

from csm_tui.cli import main
from csm_tui.lifecycle import renewal_passed, stage_for_dates
from csm_tui.tabular.importers import import_file
from csm_tui.today import today_agenda
from db.models import Account, MetricReading, Task
from db.store import Store

TODAY = date(2026, 12, 1)


def test_maven_first_day(store: Store, shared_data: Path) -> None:
    maven = shared_data / "maven_crm"
    first = import_file(store, "accounts", maven / "accounts.csv", today=TODAY)
    assert first.first_day is not None and not first.first_day.scored  # no ARR yet
    result = import_file(store, "deals", maven / "sales_pipeline.csv", today=TODAY)
    day = result.first_day
    assert day is not None and day.scored
    assert day.tiers == {"S": 13, "A": 21, "B": 25, "C": 26}
    assert day.stages == {"renewal": 85} and day.renewal_passed == 85
    assert day.steps_created == 0 and day.steps_skipped > 0
    assert day.steps_superseded == first.first_day.steps_created  # the handover steps
    assert day.total is not None and day.total.base == "USD" and not day.total.missing
    with store.session() as s:
        accounts = s.exec(select(Account)).all()
        assert day.total.minor == sum(a.arr_minor for a in accounts)
        assert {a.tier for a in accounts} == {"S", "A", "B", "C"}
        assert all(a.score > 0 for a in accounts)
        # the biggest accounts are S: tiers follow ARR, not the order of the file
        biggest = max(accounts, key=lambda a: a.arr_minor)
        assert biggest.tier == "S"
        open_steps = s.exec(select(Task).where(Task.done_at.is_(None))).all()
        assert all(t.due_date is None or t.due_date >= TODAY - timedelta(days=7)
                   for t in open_steps if t.stage == "renewal")
        agenda = today_agenda(s, TODAY)
    worst = max((TODAY - i.due).days for i in agenda.items)
    assert worst <= 7, "a step more than a week overdue on the first day"
    assert "first day" not in result.summary()


@pytest.mark.parametrize(("start", "end", "stage", "passed"), [
    (None, None, "handover", False),
    (date(2026, 11, 1), date(2027, 11, 1), "onboarding", False),
    (date(2026, 10, 2), date(2027, 10, 2), "onboarding", False),
    (date(2026, 10, 1), date(2027, 10, 1), "adoption", False),
    (date(2026, 3, 1), date(2027, 2, 28), "renewal", False),
    (date(2016, 3, 1), date(2017, 3, 1), "renewal", True),
    (date(2027, 1, 1), date(2028, 1, 1), "handover", False),
])
def test_stage_inference_rules(start: date | None, end: date | None, stage: str,
                               passed: bool) -> None:
    assert stage_for_dates(start, end, TODAY) == stage
    assert renewal_passed(end, TODAY) is passed


def test_locks_kept_and_readings_recorded(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "book.csv"
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["name", "arr", "tier", "nps", "open tickets", "last login",
                    "contract_start", "contract_end"])
        w.writerow(["Big", "900000", "", "40", "2", "2026-11-20", "2026-10-15", "2027-10-14"])
        w.writerow(["Small but strategic", "1000", "S", "", "", "", "2026-02-01",
                    "2027-01-31"])
        for n in range(8):
            w.writerow([f"Mid {n}", str(10000 * (n + 1)), "", "", "", "", "", ""])
    result = import_file(store, "accounts", path, today=TODAY)
    day = result.first_day
    assert day is not None and day.locked == 1
    with store.session() as s:
        small = s.exec(select(Account).where(Account.name == "Small but strategic")).one()
        big = s.exec(select(Account).where(Account.name == "Big")).one()
        readings = s.exec(select(MetricReading)).all()
    assert (small.tier, small.tier_locked, small.stage) == ("S", True, "renewal")
    assert big.tier == "S" and big.stage == "onboarding" and not big.tier_locked
    assert sorted((r.metric, r.value, r.day) for r in readings) == [
        ("last_login", None, date(2026, 11, 20)), ("nps", 40.0, None),
        ("open_tickets", 2.0, None)]
    assert all(r.source == "import" and r.on_date == TODAY for r in readings)


@pytest.mark.sqlite_only
def test_cli_reports_the_first_day(store: Store, shared_data: Path,
                                   capsys: pytest.CaptureFixture[str]) -> None:
    db = str(store.path)
    maven = shared_data / "maven_crm"
    assert main(["import", "accounts", str(maven / "accounts.csv"), "--db", db,
                 "--today", TODAY.isoformat()]) == 0
    assert main(["import", "deals", str(maven / "sales_pipeline.csv"), "--db", db,
                 "--today", TODAY.isoformat()]) == 0
    out = capsys.readouterr().out
    assert "tiers scored: S 13, A 21, B 25, C 26" in out
    assert "renewal date passed: 85 accounts" in out
    assert "skipped (due more than 7 days before today)" in out
    assert "ARR: $10,005,534 (USD)" in out


def test_renewal_dialog_defaults_to_the_current_term(store: Store, shared_data: Path) -> None:
    from csm_tui.services import Services

    maven = shared_data / "maven_crm"
    import_file(store, "accounts", maven / "accounts.csv", today=TODAY)
    import_file(store, "deals", maven / "sales_pipeline.csv", today=TODAY)
    services = Services(store, today=lambda: TODAY, user="t")
    with store.session() as s:
        aid = s.exec(select(Account).where(Account.name == "Cheers")).one().id or 0
    term = services.renewal_term(aid)
    assert term.start <= TODAY <= term.end and (term.end - term.start).days in (364, 365)
