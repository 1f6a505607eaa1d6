"""The stored derived state (health, flags, touches, keys) is always what a full
recompute gives: after any sequence of the app's writes, ORM or bulk, and after the day
moves on (flags that age)."""

from __future__ import annotations

from datetime import timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from csm_tui.services import Services
from csm_tui.stored import ensure_current
from db.store import Store
from tests.conftest import TODAY
from tests.stored_rows import recomputed as _full
from tests.stored_rows import stored as _stored


def _first(store: Store, sql: str) -> int | None:
    with store.engine.connect() as conn:
        row = conn.exec_driver_sql(sql).first()
    return None if row is None else int(row[0])


def _planned(store: Store, n: int) -> int | None:
    return _first(store, "SELECT id FROM touchpoint WHERE status = 'planned' "
                         f"ORDER BY due_date, id LIMIT 1 OFFSET {n % 7}")


def _account(store: Store, n: int) -> int:
    """The n-th active account (modulo how many are left after archives and deletes)."""
    with store.engine.connect() as conn:
        ids = [int(r[0]) for r in conn.exec_driver_sql(
            "SELECT id FROM account WHERE archived = false ORDER BY id")]
    assert ids
    return ids[n % len(ids)]


def _open_task(store: Store, n: int) -> int | None:
    return _first(store, "SELECT id FROM task WHERE done_at IS NULL "
                         f"ORDER BY due_date, id LIMIT 1 OFFSET {n % 5}")


def _write(services: Services, store: Store, kind: str, n: int) -> None:
    aid = _account(store, n)
    try:
        if kind == "log":
            services.log_followup(aid, summary=f"call {n}", next_date=TODAY + timedelta(days=n))
        elif kind == "done" and (tp := _planned(store, n)) is not None:
            services.mark_done(tp)
        elif kind == "snooze" and (tp := _planned(store, n)) is not None:
            services.reschedule(tp, TODAY + timedelta(days=3 + n), snooze=True)
        elif kind == "plan":
            services.plan_touch(aid, TODAY + timedelta(days=n))
        elif kind == "tick" and (task := _open_task(store, n)) is not None:
            services.complete_task(task)
        elif kind == "tier":
            services.set_tier(aid, "SABC"[n % 4], reason="test")
        elif kind == "metric":
            services.record_metric(aid, ("nps", "open_tickets", "last_login")[n % 3],
                                   ("-40", "9", "2026-09-01")[n % 3])
        elif kind == "stage":
            services.move_stage(aid, "renewal" if n % 2 else "adoption", reason="test")
        elif kind == "churn":
            services.churn(aid, reason="test")
        elif kind == "renew":
            services.renew(aid, start=TODAY, end=TODAY + timedelta(days=365), arr_minor=None)
        elif kind == "retier":
            services.retier()
        elif kind == "undo":
            services.undo()
        elif kind == "edit":  # the account form (ORM write; name, owner: the keys move)
            from csm_tui.account_edit import form_values

            with store.session() as s:
                from db.models import Account

                account = s.get(Account, aid)
                assert account is not None
                values, version = form_values(account), account.version
            values.update(name=f"{'清华' if n % 2 else 'Acme'} {n}", owner=f"o{n % 3}",
                          last_login="2026-08-01")
            services.update_account(aid, values, expected_version=version)
        elif kind == "tasks":  # the SOP generator's Core statements
            from csm_tui.tasks import generate_tasks

            generate_tasks(store, TODAY)
        elif kind == "new":  # the book's own writes (#17), each through its service
            from csm_tui.book import NewAccount

            services.add_account(NewAccount(name=f"New {n}", arr="1200", tier="SABC"[n % 4]),
                                 allow_duplicate=True)
        elif kind == "archive":
            services.set_archived(aid, n % 3 != 0)
        elif kind == "delete":
            services.delete_account(aid)
        elif kind == "contact":
            services.add_contact(aid, {"name": f"Contact {n}", "role": "champion"})
        elif kind == "retouch" and (tp := _planned(store, n)) is not None:
            services.edit_touch(tp, day=TODAY + timedelta(days=n % 9))
        elif kind == "untouch" and (tp := _planned(store, n)) is not None:
            services.delete_touch(tp)
        elif kind == "task":
            services.add_task(aid, f"own step {n}", TODAY + timedelta(days=n % 5))
        elif kind == "event":  # an account's own event plans its touches
            services.save_event(title=f"Launch {n}", on_date=TODAY + timedelta(days=n % 20),
                                lead_days=3, account=str(aid))
    except (ValueError, LookupError):
        pass  # a move the rules refuse changes nothing


KINDS = ["log", "done", "snooze", "plan", "tick", "tier", "metric", "stage", "churn",
         "renew", "retier", "undo", "edit", "tasks", "new", "archive", "delete", "contact",
         "retouch", "untouch", "task", "event"]


@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.tuples(st.sampled_from(KINDS), st.integers(0, 50)), min_size=1,
                max_size=6))
def test_stored_state_equals_a_full_recompute(demo_store: Store,
                                              steps: list[tuple[str, int]]) -> None:
    services = Services(demo_store, today=lambda: TODAY, user="alex.chen")
    ensure_current(demo_store, TODAY)
    for kind, n in steps:
        _write(services, demo_store, kind, n)
        assert _stored(demo_store) == _full(demo_store, TODAY), (kind, n)
    later = TODAY + timedelta(days=1 + steps[-1][1] % 40)  # the next first read of a day
    assert ensure_current(demo_store, later)  # (keeps the stored keys that still fit)
    assert _stored(demo_store) == _full(demo_store, later)


def test_the_demo_is_stored_for_its_day(demo_store: Store) -> None:
    assert _stored(demo_store) == _full(demo_store, TODAY)
    assert not ensure_current(demo_store, TODAY)  # nothing to do: it is current


def test_a_new_day_recomputes_the_aging_flags_once(demo_store: Store) -> None:
    later = TODAY + timedelta(days=40)
    assert _stored(demo_store) != _full(demo_store, later)  # logins aged, flags moved
    assert ensure_current(demo_store, later)
    assert _stored(demo_store) == _full(demo_store, later)
    assert not ensure_current(demo_store, later)


def test_an_archived_account_has_no_row_and_a_new_one_has(store: Store) -> None:
    from csm_tui.demo import seed_generated

    seed_generated(store, 30, 3, TODAY)
    assert len(_stored(store)) == 30
    with store.transaction() as s:
        from db.models import Account

        account = s.get(Account, 1)
        assert account is not None
        account.archived = True
        s.add(Account(name="Fresh Co", tier="S"))
    stored = _stored(store)
    assert len(stored) == 30 and stored == _full(store, TODAY)
    assert 1 not in {r[0] for r in stored}


def test_the_sql_priority_is_the_rule(demo_store: Store) -> None:
    """The database orders Today by the priority rule of `csm_tui.today.scored`."""
    from csm_tui.today import flag_labels, scored
    from db.queries import today as qt

    for day in (TODAY, TODAY + timedelta(days=45)):
        with demo_store.session() as s:
            from csm_tui.stored import current_in

            current_in(s, day)
            rows, total = qt.today_items(s, day, owner=None, points={"S": 40, "A": 30,
                                                                     "B": 20, "C": 10},
                                         window=90)
        assert total == len(rows) > 10
        for r in rows:
            ends = (r.contract_end - day).days if r.contract_end else None
            assert isinstance(r.priority, int)
            assert r.priority == scored(r.tier, (day - r.due).days, ends,
                                        flag_labels(r.flags))[0], r
        assert [r.priority for r in rows] == sorted((r.priority for r in rows), reverse=True)


def test_today_limit_keeps_the_order_and_counts_all(demo_store: Store) -> None:
    from csm_tui.today import today_agenda

    with demo_store.session() as s:
        whole = today_agenda(s, TODAY)
        top = today_agenda(s, TODAY, limit=5)
    assert top.items == whole.items[:5] and top.total == whole.total == len(whole.items)
    assert len(top.at_risk) <= 5 and top.at_risk_count == whole.at_risk_count
    assert top.renewal_count == len(whole.renewals)


def test_the_cli_lists_what_today_shows() -> None:
    from csm_tui.commands.followups import TOP_ROWS as CLI_ROWS
    from csm_tui.today import TOP_ROWS

    assert CLI_ROWS == TOP_ROWS
