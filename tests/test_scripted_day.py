"""Issue 15's "done when": a scripted day on the demo portfolio — logs from the shell
and through the TUI's services, stage moves, a renewal, a churn, metrics read again,
two writers saving at the same instant — leaves no duplicate or stale open touch, no
old-stage step on Today, a correct risk flag for each changed metric and no lost
write."""

from __future__ import annotations

import threading
from datetime import UTC, date, datetime
from typing import Any

from sqlmodel import select

from csm_tui.account_edit import form_values
from csm_tui.cli import main
from csm_tui.health import health_for_accounts
from csm_tui.services import Services
from csm_tui.today import today_agenda
from db.models import Account, Task, Touchpoint
from db.store import Store

TODAY = date(2026, 11, 24)


def _cli(store: Store, *args: str) -> None:
    assert main([*args, "--db", store.url, "--today", TODAY.isoformat()]) == 0, args


def _id(store: Store, name: str) -> int:
    with store.session() as s:
        return s.exec(select(Account).where(Account.name == name)).one().id or 0


def test_a_scripted_day(demo_store: Store) -> None:
    store = demo_store
    services = Services(store, today=lambda: TODAY, user="alex.chen",
                        now=lambda: datetime(2026, 11, 24, 10, tzinfo=UTC))
    with store.session() as s:
        by_stage: dict[str, list[Account]] = {}
        for acc in s.exec(select(Account).order_by(Account.id)).all():
            by_stage.setdefault(acc.stage, []).append(acc)
    # logs: the shell (the same account three times), the TUI's path (no selection)
    shell = by_stage["adoption"][0]
    for n in range(3):
        _cli(store, "log", shell.name, f"call {n}", "--next", "2w")
    for acc in by_stage["adoption"][1:4] + by_stage["onboarding"][:2]:
        services.log_followup(acc.id or 0, summary="Checked in")
    # stage moves, a renewal, a churn
    moved = by_stage["onboarding"][2]
    _cli(store, "stage", str(moved.id), "adoption")
    renewing = by_stage["renewal"][0]
    _cli(store, "renew", str(renewing.id), "--arr", "500000")
    churned = by_stage["adoption"][4]
    _cli(store, "churn", str(churned.id), "--reason", "budget cut")
    # metrics read again: NPS 50 → 20 for one, a first reading for a new metric for another
    falling = by_stage["adoption"][5]
    _cli(store, "metric", str(falling.id), "nps", "50", "--on", "2026-10-01")
    _cli(store, "metric", str(falling.id), "nps", "20")
    rising = by_stage["adoption"][6]
    _cli(store, "metric", str(rising.id), "open_tickets", "9")
    single = by_stage["adoption"][7]
    _cli(store, "metric", str(single.id), "usage", "1200")
    # two writers save the same account at the same instant, different fields
    target = by_stage["adoption"][8]
    with store.session() as s:
        acc = s.get(Account, target.id)
        opened, version = form_values(acc), acc.version
    barrier = threading.Barrier(2)
    errors: list[Exception] = []

    def save(values: dict[str, str]) -> None:
        barrier.wait()
        try:
            services.update_account(target.id or 0, values, expected_version=version,
                                    base=opened)
        except Exception as exc:  # noqa: BLE001
            errors.append(exc)

    threads = [threading.Thread(target=save, args=({**opened, "region": "西安"},)),
               threading.Thread(target=save, args=({**opened, "industry": "energy"},))]
    for th in threads:
        th.start()
    for th in threads:
        th.join(timeout=60)
    assert errors == []

    with store.session() as s:
        accounts = {a.id: a for a in s.exec(select(Account)).all()}
        planned = s.exec(select(Touchpoint).where(Touchpoint.status == "planned",
                                                  Touchpoint.origin == None)).all()  # noqa: E711
        per_account: dict[int, int] = {}
        for tp in planned:
            per_account[tp.account_id] = per_account.get(tp.account_id, 0) + 1
        open_tasks = s.exec(select(Task).where(Task.done_at == None)).all()  # noqa: E711
        agenda = today_agenda(s, TODAY)
        health = health_for_accounts(s, TODAY)
    # no duplicate open touch; a churned account has none at all
    assert max(per_account.values()) == 1
    assert churned.id not in per_account
    assert per_account.get(shell.id) == 1
    # no open step of a stage or term the account has left
    stale = [t for t in open_tasks if (t.stage, t.term) != (accounts[t.account_id].stage,
                                                            accounts[t.account_id].term)]
    assert stale == []
    for item in agenda.items:
        account = accounts[item.account_id]
        assert account.stage != "churned" or item.kind == "task"
    assert accounts[renewing.id].stage == "renewed" and accounts[renewing.id].term == 2
    # a flag for each changed metric, none where there is no earlier reading
    assert "NPS falling" in health[falling.id or 0].flags
    assert "tickets rising" in health[rising.id or 0].flags  # seeded reading, then 9
    assert not {"NPS falling", "tickets rising"} & set(health[single.id or 0].flags) or \
        _had_trend(store, single.id or 0)
    # no lost write
    assert (accounts[target.id].region, accounts[target.id].industry) == ("西安", "energy")


def _had_trend(store: Store, account_id: int) -> Any:
    """The seed gave this account two readings already (its flags are the seed's)."""
    from db.models import MetricReading

    with store.session() as s:
        return len(s.exec(select(MetricReading).where(
            MetricReading.account_id == account_id,
            MetricReading.metric.in_(("nps", "open_tickets")))).all()) >= 2
