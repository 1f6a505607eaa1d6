"""Demo data: deterministic for a seed, long-tailed ARR, every tier and stage present."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from sqlalchemy import func, select

from csm_tui.demo import seed_generated
from db.models import Account, Contact, Touchpoint
from db.store import Store, open_store


def _dump(path: Path) -> list[tuple]:
    con = sqlite3.connect(path)
    rows = con.execute("SELECT name, tier, arr_minor, contract_end, stage, nps FROM account "
                       "ORDER BY id").fetchall()
    rows += con.execute("SELECT account_id, channel, due_date, status, summary FROM touchpoint "
                        "ORDER BY id").fetchall()
    con.close()
    return rows


def test_seed_is_deterministic(tmp_path: Path, today) -> None:  # type: ignore[no-untyped-def]
    for name in ("a.db", "b.db"):
        store = open_store(str(tmp_path / name))
        seed_generated(store, 300, 7, today)
        store.close()
    assert _dump(tmp_path / "a.db") == _dump(tmp_path / "b.db")
    other = open_store(str(tmp_path / "c.db"))
    seed_generated(other, 300, 8, today)
    other.close()
    assert _dump(tmp_path / "a.db") != _dump(tmp_path / "c.db")


def test_generated_portfolio_is_realistic(store: Store, today) -> None:  # type: ignore[no-untyped-def]
    result = seed_generated(store, 2000, 3, today)
    with store.session() as session:
        arrs = sorted(session.exec(select(Account.arr_minor)).scalars(), reverse=True)
        top = sum(arrs[: len(arrs) // 5]) / sum(arrs)
        assert 0.72 <= top <= 0.88, f"top 20 % hold {top:.0%} of ARR"
        ends = session.exec(select(Account.contract_end)).scalars().all()
        assert min(ends).toordinal() >= today.toordinal() - 30
        assert max(ends).toordinal() <= today.toordinal() + 366
        per_account = session.execute(
            select(func.count()).select_from(Touchpoint).group_by(Touchpoint.account_id)
        ).scalars().all()
        assert min(per_account) >= 6 and max(per_account) <= 31  # 5-30 logged + 1 planned
        assert {a for a in session.exec(select(Account.tier)).scalars()} == {"S", "A", "B", "C"}
        assert session.execute(select(func.count()).select_from(Contact)).scalar_one() > 2000
    assert result.accounts == 2000


def test_hand_made_demo(demo_store: Store) -> None:
    with demo_store.session() as session:
        accounts = session.exec(select(Account)).scalars().all()
        assert 55 <= len(accounts) <= 65
        assert {a.tier for a in accounts} == {"S", "A", "B", "C"}
        assert {a.stage for a in accounts} >= {"handover", "onboarding", "adoption", "renewal",
                                              "churned"}
        assert any("大学" in a.name for a in accounts)
        roles = set(session.exec(select(Contact.role)).scalars())
        assert {"decision_maker", "champion", "user"} <= roles
