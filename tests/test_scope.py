"""My portfolio or the team's: the owner filter in the domain, `m` in the TUI,
`csm today --team`."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from sqlmodel import select

from csm_tui.cli import main
from csm_tui.demo import DEMO_USER
from csm_tui.lifecycle import load_board
from csm_tui.portfolio import load_portfolio
from csm_tui.scope import default_scope
from csm_tui.today import today_agenda
from csm_tui.touchpoints import due_touchpoints
from db.models import Account
from db.store import Store

TODAY = date(2026, 11, 24)


def _owners(store: Store) -> dict[int, str]:
    with store.session() as s:
        return {a.id: a.owner for a in s.exec(select(Account)).all()}


def test_owner_filter_in_every_view(demo_store: Store) -> None:
    owners = _owners(demo_store)
    mine = {aid for aid, o in owners.items() if o == "li.wei"}
    assert 0 < len(mine) < len(owners)
    with demo_store.session() as s:
        team = load_portfolio(s, TODAY, with_lenses=False)
        rows = load_portfolio(s, TODAY, with_lenses=False, owner="li.wei")
        assert {r.id for r in rows} == mine and len(team) == len(owners)
        board = load_board(s, TODAY, owner="li.wei")
        assert sum(c.count for c in board) == len(mine)
        assert {c.account_id for col in board for c in col.cards} <= mine
        tps = due_touchpoints(s, TODAY, owner="li.wei")
        assert tps and {t.account_id for t in tps} <= mine
        assert len(tps) < len(due_touchpoints(s, TODAY))
        agenda = today_agenda(s, TODAY, owner="li.wei")
        assert agenda.items and {i.account_id for i in agenda.items} <= mine
        assert {r.account_id for r in agenda.renewals} <= mine
        assert {a[0] for a in agenda.at_risk} <= mine
        assert len(agenda.items) < len(today_agenda(s, TODAY).items)


def test_default_scope_falls_back_to_team(demo_store: Store) -> None:
    with demo_store.session() as s:
        assert default_scope(s, DEMO_USER).label == f"mine: {DEMO_USER}"
        assert default_scope(s, DEMO_USER, team=True).owner is None
        nobody = default_scope(s, "nobody-owns-anything")
    assert nobody.label == "team" and nobody.owner is None
    assert nobody.toggled().label == "mine: nobody-owns-anything"


def test_cli_today_mine_and_team(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                 monkeypatch: pytest.MonkeyPatch) -> None:
    db = str(tmp_path / "t.db")
    assert main(["seed-demo", "--db", db, "--today", "2026-11-24"]) == 0
    monkeypatch.setenv("CSM_USER", "li.wei")
    capsys.readouterr()
    assert main(["today", "--json", "--db", db, "--today", "2026-11-24"]) == 0
    mine = json.loads(capsys.readouterr().out)
    assert main(["today", "--json", "--team", "--db", db, "--today", "2026-11-24"]) == 0
    team = json.loads(capsys.readouterr().out)
    assert (mine["scope"], mine["owner"]) == ("mine", "li.wei")
    assert (team["scope"], team["owner"]) == ("team", None)
    assert 0 < len(mine["items"]) < len(team["items"])


async def test_m_toggles_mine_and_team(demo_store: Store) -> None:
    from screens.portfolio import PortfolioScreen
    from screens.touchpoints import TouchpointsScreen
    from tests.pilot import press, started, watched_app

    owners = _owners(demo_store)
    app = watched_app(demo_store, TODAY, user="li.wei")
    async with app.run_test(size=(160, 45)) as pilot:
        await started(pilot)
        for key in ("2", "m", "m"):  # a first visit, then each scope reloads it
            await press(pilot, key, ready=PortfolioScreen)
            shown = {r.id for r in app.screen.rows}
            if app.scope_label == "team":
                assert shown == set(owners)
                assert app.screen.sub_title.startswith("team · ")
            else:
                assert shown == {a for a, o in owners.items() if o == "li.wei"}
                assert app.screen.sub_title.startswith("mine: li.wei · ")
        assert app.scope_label == "mine: li.wei"  # started mine, toggled twice
        await press(pilot, "4", ready=TouchpointsScreen)  # the other screens follow the scope
        assert app.screen.sub_title.startswith("mine: li.wei · ")
        assert {i.account_id for i in app.screen.items} <= {
            a for a, o in owners.items() if o == "li.wei"}


async def test_help_lists_undo_and_scope_keys(demo_store: Store) -> None:
    from screens.help import HelpScreen
    from tests.pilot import press, started, watched_app

    app = watched_app(demo_store, TODAY, user="li.wei")
    async with app.run_test(size=(160, 45)) as pilot:
        await started(pilot)
        await press(pilot, "question_mark")
        assert isinstance(app.screen, HelpScreen)
        everywhere = dict(app.screen.sections)["Everywhere"]
        assert ("u", "Undo last change") in everywhere
        assert ("m", "Mine/team") in everywhere
