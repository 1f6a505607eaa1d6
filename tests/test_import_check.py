"""The import check says what would happen (#18 item 8): the check pass matches every
row as the import would and counts the rows it would insert and update, for every
kind, across batches, before anything is written; the import screen says so."""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlmodel import func, select

from csm_tui.tabular import importers
from csm_tui.tabular.importers import ImportResult, import_file
from db.models import Account, Contact, Deal, Touchpoint
from db.store import Store

TODAY = date(2026, 11, 24)


def _csv(path: Path, rows: list[list[str]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows(rows)
    return path


def _count(store: Store, model: type) -> int:
    with store.session() as s:
        return int(s.exec(select(func.count()).select_from(model)).one())


def _check_then_import(store: Store, kind: str, path: Path) -> tuple[ImportResult,
                                                                     ImportResult]:
    before = _count(store, {"accounts": Account, "contacts": Contact, "deals": Deal,
                            "touchpoints": Touchpoint}[kind])
    check = import_file(store, kind, path, today=TODAY, check_only=True)
    assert not check.written and (check.inserted, check.updated) == (0, 0)
    assert _count(store, {"accounts": Account, "contacts": Contact, "deals": Deal,
                          "touchpoints": Touchpoint}[kind]) == before  # nothing written
    done = import_file(store, kind, path, today=TODAY)
    return check, done


def test_accounts_counted_across_batches_as_the_import_matches(
        store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(importers, "BATCH", 3)
    rows = [["name", "external_id", "arr"]] + [[f"Co {i}", f"X{i}", "5"] for i in range(8)]
    rows.append(["co 2", "", "7"])  # the name of a row 3 batches back: an update
    check, done = _check_then_import(store, "accounts", _csv(tmp_path / "a.csv", rows))
    assert (check.would_insert, check.would_update) == (8, 1)
    assert (done.inserted, done.updated) == (8, 1)
    again = import_file(store, "accounts", tmp_path / "a.csv", today=TODAY, check_only=True)
    assert (again.would_insert, again.would_update) == (0, 9)


def test_contacts_deals_touchpoints(store: Store, tmp_path: Path) -> None:
    import_file(store, "accounts", _csv(tmp_path / "a.csv", [["name"], ["Acme"], ["Beta"]]),
                today=TODAY)
    contacts = _csv(tmp_path / "c.csv", [["account", "name"], ["Acme", "Li Wei"],
                                         ["Beta", "Wang Fang"], ["Acme", "li  wei"]])
    check, done = _check_then_import(store, "contacts", contacts)
    assert (check.would_insert, check.would_update) == (2, 1) == (done.inserted, done.updated)
    _csv(contacts, [["account", "name"], ["Acme", "Li Wei"], ["Acme", "Zhao Lei"]])
    check, done = _check_then_import(store, "contacts", contacts)
    assert (check.would_insert, check.would_update) == (1, 1) == (done.inserted, done.updated)

    deals = _csv(tmp_path / "d.csv", [["account", "deal id", "deal stage", "close date",
                                       "amount"],
                                      ["Acme", "D1", "Won", "2026-06-01", "5000"],
                                      ["Beta", "D2", "Won", "2026-07-01", "3000"],
                                      ["Beta", "D3", "Lost", "2026-07-01", "1"]])
    check, done = _check_then_import(store, "deals", deals)
    assert (check.would_insert, check.would_update, check.skipped) == (2, 0, 1)
    assert (done.inserted, done.updated) == (2, 0)
    check, done = _check_then_import(store, "deals", deals)
    assert (check.would_insert, check.would_update) == (0, 2) == (done.inserted, done.updated)

    touches = _csv(tmp_path / "t.csv", [["account", "date", "summary"],
                                        ["Acme", "2026-11-02", "QBR"],
                                        ["Beta", "2026-11-03", "Call"]])
    import_file(store, "touchpoints", touches, today=TODAY)
    _csv(touches, [["account", "date", "summary"], ["Acme", "2026-11-02", "QBR"],
                   ["Acme", "2026-11-09", "Follow-up"], ["Acme", "2026-11-09", "Follow-up"]])
    check, done = _check_then_import(store, "touchpoints", touches)
    assert (check.would_insert, check.would_update, check.skip_reasons) == (
        1, 0, {"already imported": 2}) == (done.inserted, done.updated, done.skip_reasons)


NAMES = st.sampled_from(["Acme", "acme", "ACME ", "Beta", "Gamma", "清华大学", "Delta"])
EXTS = st.sampled_from(["", "", "X1", "X2", "X3"])


@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(existing=st.lists(st.tuples(NAMES, EXTS), max_size=4),
       rows=st.lists(st.tuples(NAMES, EXTS), min_size=1, max_size=12),
       batch=st.integers(1, 4))
def test_the_check_counts_what_the_import_then_does(
        tmp_path_factory: pytest.TempPathFactory, existing: list[tuple[str, str]],
        rows: list[tuple[str, str]], batch: int) -> None:
    """Whatever the file and the book (names that normalise alike, external ids
    repeated, batches of any size): the check's counts are the import's, or both
    refuse the same rows."""
    from db.store import open_store

    folder = tmp_path_factory.mktemp("check")
    store = open_store(str(folder / "book.db"))
    saved = importers.BATCH
    importers.BATCH = batch
    try:
        if existing:
            import_file(store, "accounts", _csv(folder / "old.csv", [["name", "external_id"],
                                                                      *map(list, existing)]),
                        today=TODAY, skip_invalid=True, rejects=folder / "old.rejects.csv")
        path = _csv(folder / "new.csv", [["name", "external_id"], *map(list, rows)])
        check = import_file(store, "accounts", path, today=TODAY, check_only=True)
        done = import_file(store, "accounts", path, today=TODAY, skip_invalid=True,
                           rejects=folder / "new.rejects.csv")
    finally:
        importers.BATCH = saved
        store.close()
    assert [(e.row, e.reason) for e in check.errors] == [(e.row, e.reason) for e in done.errors]
    assert (check.would_insert, check.would_update) == (done.inserted, done.updated)


async def test_import_screen_says_what_would_happen(store: Store, tmp_path: Path) -> None:
    from textual.widgets import Input, Label

    from screens.import_screen import ImportScreen
    from tests.pilot import press, started, watched_app

    import_file(store, "accounts", _csv(tmp_path / "a.csv", [["name"], ["Acme"]]), today=TODAY)
    path = _csv(tmp_path / "b.csv", [["name", "arr"], ["acme", "10"], ["Beta", "20"],
                                     ["Gamma", "30"]])
    app = watched_app(store, TODAY)
    async with app.run_test(size=(160, 45)) as pilot:
        await started(pilot)
        await press(pilot, "I")
        screen = app.screen
        assert isinstance(screen, ImportScreen)
        screen.query_one("#import-path", Input).value = str(path)
        await press(pilot, "enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        line = str(screen.query_one("#import-check", Label).content)
    assert "3 rows read; 2 would be inserted, 1 would be updated, 0 skipped, 0 rejected" \
        in line and "nothing written yet" in line
    assert _count(store, Account) == 1
