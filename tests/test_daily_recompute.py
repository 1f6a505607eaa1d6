"""The daily whole-book recompute's short ways give what the long ways give: the lean
health (score and flag keys) is `health_for_accounts`'s, the one-row metric trends are
the readings taken newest first two by two, stored name keys are kept only while they
are what a fresh computation gives, and the planner's statistics are refreshed when
the book's size moved."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from csm_tui.health import Trend, health_for_accounts, health_scores, metric_trends
from csm_tui.settings import current_settings
from csm_tui.stored import ensure_current
from db.queries.metrics import account_readings, insert_readings
from db.queries.state import refresh_planner_stats, state_rows
from db.store import Store
from tests.conftest import TODAY
from tests.stored_rows import recomputed as _fresh
from tests.stored_rows import stored as _stored

DAYS = (TODAY - timedelta(days=30), TODAY, TODAY + timedelta(days=45),
        TODAY + timedelta(days=200))


def test_the_lean_health_is_health_for_accounts(demo_store: Store) -> None:
    raised = set()
    with demo_store.session() as s:
        for day in DAYS:
            full = health_for_accounts(s, day)
            assert health_scores(s, day) == {
                aid: (h.score, [sg.key for sg in h.signals]) for aid, h in full.items()}
            some = sorted(full)[::3]
            assert health_scores(s, day, some) == {aid: health_scores(s, day)[aid]
                                                   for aid in some}
            raised |= {sg.key for h in full.values() for sg in h.signals}
    assert len(raised) >= 3  # the comparison saw flags raised, not only empty lists


def _by_hand(store: Store, day: date, metric: str) -> dict[int, Trend]:
    """The newest two readings within the window, one account at a time."""
    since = day - timedelta(days=current_settings().signal_window_days)
    out = {}
    with store.session() as s:
        from db.queries.state import naming_rows

        for aid, *_ in naming_rows(s):
            newest = [r for r in account_readings(s, aid, metric=metric)
                      if r.on_date >= since][:2]
            if not newest or newest[0].value is None:
                continue
            first = newest[0]
            assert first.value is not None
            second = newest[1] if len(newest) > 1 else None
            if second is None or second.value is None:
                out[aid] = Trend(first.value, first.on_date)
            else:
                out[aid] = Trend(first.value, first.on_date, second.value, second.on_date)
    return out


def test_metric_trends_are_the_newest_two_readings(demo_store: Store) -> None:
    with demo_store.session() as s:
        from db.queries.state import naming_rows

        ids = [row[0] for row in naming_rows(s)][:4]
    rows: list[dict[str, object]] = []
    for n, aid in enumerate(ids):  # same-day readings (the later id wins), gaps, nulls
        rows += [{"account_id": aid, "metric": "nps", "value": v, "day": None,
                  "on_date": TODAY - timedelta(days=d), "source": "cli"}
                 for v, d in ((10.0 + n, 0), (30.0, 0), (None, 3), (50.0, 300))[n % 4:]]
        rows.append({"account_id": aid, "metric": "open_tickets", "value": None if n == 1
                     else 7.0, "day": None, "on_date": TODAY, "source": "cli"})
    with demo_store.transaction() as s:
        insert_readings(s, rows)
    paired = 0
    for day in DAYS:
        with demo_store.session() as s:
            trends = metric_trends(s, day, ("nps", "open_tickets"))
        assert trends["nps"] == _by_hand(demo_store, day, "nps")
        assert trends["open_tickets"] == _by_hand(demo_store, day, "open_tickets")
        paired += sum(tr.previous is not None for tr in trends["nps"].values())
    assert paired  # trends with a previous reading were compared, not only single ones


def test_the_daily_recompute_remakes_what_moved_unseen(demo_store: Store) -> None:
    """Changes no write's recompute saw (SQL from outside the app): names (the stored
    keys no longer fit them), an archive, a lost row, a touch. The daily run, which
    rewrites only the rows whose values moved, leaves what a fresh computation gives."""
    ensure_current(demo_store, TODAY)
    with demo_store.engine.begin() as conn:
        ids = [int(r[0]) for r in conn.exec_driver_sql(
            "SELECT id FROM account WHERE archived = false ORDER BY id LIMIT 6")]
        for aid, name in zip(ids, ("北京大学", "Zeta Works", "清华 Labs"), strict=False):
            conn.exec_driver_sql(f"UPDATE account SET name = '{name}' WHERE id = {aid}")
        conn.exec_driver_sql(f"UPDATE account SET archived = true WHERE id = {ids[3]}")
        conn.exec_driver_sql(f"DELETE FROM accountstate WHERE account_id = {ids[4]}")
        conn.exec_driver_sql("UPDATE touchpoint SET status = 'done', done_at = "
                             f"'2026-11-20 09:00:00.000000' WHERE account_id = {ids[5]}")
    later = TODAY + timedelta(days=1)
    assert ensure_current(demo_store, later)
    assert _stored(demo_store) == _fresh(demo_store, later)
    with demo_store.session() as s:
        assert [r.account_id for r in state_rows(s, ids[3:5])] == [ids[4]]
    with demo_store.session() as s:
        keys = {r.account_id: r.sort_key for r in state_rows(s, ids)}
    assert keys[ids[0]] == "beijingdaxue" and keys[ids[1]] == "zeta works"


@pytest.mark.sqlite_only
def test_planner_statistics_follow_the_book_size(demo_store: Store) -> None:
    with demo_store.transaction() as s:
        assert refresh_planner_stats(s)  # asked outright (a seed): always
    with demo_store.transaction() as s:
        assert not refresh_planner_stats(s, only_if_drifted=True)  # nothing moved
    with demo_store.engine.begin() as conn:
        conn.exec_driver_sql("DELETE FROM touchpoint WHERE id % 3 = 0")
    with demo_store.transaction() as s:
        assert refresh_planner_stats(s, only_if_drifted=True)  # a third fewer touches
    with demo_store.transaction() as s:
        assert not refresh_planner_stats(s, only_if_drifted=True)


def test_the_recompute_gives_the_collector_back_as_it_found_it(demo_store: Store) -> None:
    import gc

    from csm_tui.stored import collector_paused

    was = gc.isenabled()
    try:
        gc.enable()
        with collector_paused():
            assert not gc.isenabled()
            with collector_paused():  # nested (another thread's recompute): still off
                assert not gc.isenabled()
            assert not gc.isenabled()
        assert gc.isenabled()
        assert ensure_current(demo_store, TODAY + timedelta(days=2))
        assert gc.isenabled()
        gc.disable()  # the TUI's start-up runs with it off: it stays off
        assert ensure_current(demo_store, TODAY + timedelta(days=3))
        assert not gc.isenabled()
    finally:
        (gc.enable if was else gc.disable)()
