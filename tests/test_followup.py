"""Follow-ups, cadence, date parsing, health and the Today priority order."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlmodel import select

from csm_tui.cadence import next_touch_due
from csm_tui.cli import main
from csm_tui.dateparse import parse_when
from csm_tui.followup import log_followup, mark_done, reschedule, snooze
from csm_tui.health import HealthInputs, factor_scores, health_for_accounts
from csm_tui.settings import SettingsError, load_settings
from csm_tui.today import priority, today_agenda
from db.models import Account, ChangeLog, Contact, Touchpoint
from db.store import Store

NOW = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)
TODAY = date(2026, 11, 24)  # a Tuesday


@pytest.mark.parametrize(("text", "expected"), [
    ("2026-12-01", date(2026, 12, 1)), ("today", TODAY), ("tomorrow", date(2026, 11, 25)),
    ("+3d", date(2026, 11, 27)), ("3d", date(2026, 11, 27)), ("2w", date(2026, 12, 8)),
    ("+1m", date(2026, 12, 24)), ("next mon", date(2026, 11, 30)), ("mon", date(2026, 11, 30)),
    ("next tue", date(2026, 12, 1)), ("eom", date(2026, 11, 30)), ("eow", date(2026, 11, 27)),
    ("  Next   Friday ", date(2026, 11, 27)),
])
def test_parse_when_forms(text: str, expected: date) -> None:
    assert parse_when(text, TODAY) == expected


@given(st.dates(min_value=date(2000, 1, 1), max_value=date(2100, 1, 1)),
       st.sampled_from(["today", "tomorrow", "+1d", "+30d", "2w", "12m", "eom", "eow",
                        "next mon", "sun", "1y"]))
def test_every_accepted_form_is_a_real_future_or_today_date(today: date, text: str) -> None:
    day = parse_when(text, today)
    assert isinstance(day, date) and day >= today


@given(st.text(max_size=30))
def test_garbage_is_refused_with_a_message(text: str) -> None:
    try:
        day = parse_when(text, TODAY)
    except ValueError as exc:
        assert str(exc)
    else:
        assert isinstance(day, date)


def test_cadence_takes_the_sooner() -> None:
    last = datetime(2026, 11, 1, tzinfo=UTC)
    assert next_touch_due("S", last, None, today=TODAY) == date(2026, 11, 15)
    assert next_touch_due("C", last, date(2026, 12, 1), today=TODAY) == date(2026, 12, 1)
    assert next_touch_due("A", None, None, today=TODAY) == TODAY


def test_user_settings_override_and_validation(tmp_path: Path) -> None:
    good = tmp_path / "settings.toml"
    good.write_text("[cadence]\nS = 7\n")
    settings = load_settings(good)
    assert settings.cadence == {"S": 7, "A": 30, "B": 45, "C": 90}
    for text, needle in (("[cadence]\nX = 3\n", "cadence.X"), ("[cadence]\nA = -1\n", "cadence.A"),
                         ("[health]\nmood = 3\n", "health.mood"), ("[cadence\n", "TOML")):
        good.write_text(text)
        with pytest.raises(SettingsError, match=needle):
            load_settings(good)


def _account(store: Store, **kw) -> int:  # type: ignore[no-untyped-def]
    with store.transaction() as s:
        acc = Account(name=kw.pop("name", "Acme"), tier=kw.pop("tier", "A"), **kw)
        s.add(acc)
        s.flush()
        s.add(Contact(account_id=acc.id, name="王芳", role="decision_maker"))
        s.add(Contact(account_id=acc.id, name="Bob", role="user"))
        return acc.id  # type: ignore[return-value]


def test_log_followup_is_one_transaction(store: Store) -> None:
    aid = _account(store)
    with store.session() as s:
        contact = s.exec(select(Contact).where(Contact.name == "王芳")).one()
    result = log_followup(store, aid, summary="Renewal call", channel="call",
                          contact_id=contact.id, outcome="positive",
                          next_date=TODAY + timedelta(days=14), now=NOW, today=TODAY)
    with store.session() as s:
        done = s.get(Touchpoint, result.done_id)
        assert done.status == "done" and done.summary == "Renewal call"
        nxt = s.get(Touchpoint, result.next_id)
        assert nxt.status == "planned" and nxt.due_date == date(2026, 12, 8)
        entry = s.exec(select(ChangeLog)).one()
        assert entry.action == "followup.log"
        assert json.loads(entry.payload)["planned"] == result.next_id


@pytest.mark.parametrize(("kw", "field"), [
    ({"summary": "  "}, "summary"), ({"summary": "x", "channel": "fax"}, "channel"),
    ({"summary": "x", "outcome": "great"}, "outcome"),
    ({"summary": "x", "contact_id": 999}, "contact"),
    ({"summary": "x", "next_date": date(2026, 1, 1)}, "next follow-up"),
])
def test_invalid_followup_writes_nothing(store: Store, kw: dict, field: str) -> None:
    aid = _account(store)
    with pytest.raises(ValueError, match=field):
        log_followup(store, aid, now=NOW, today=TODAY, **kw)
    with store.session() as s:
        assert s.exec(select(Touchpoint)).all() == []
        assert s.exec(select(ChangeLog)).all() == []


def test_closing_a_planned_touchpoint_and_snooze(store: Store) -> None:
    aid = _account(store)
    with store.transaction() as s:
        tp = Touchpoint(account_id=aid, status="planned", due_date=TODAY - timedelta(days=3),
                        channel="email")
        s.add(tp)
        s.flush()
        tid = tp.id
    assert snooze(store, tid, 3, today=TODAY) == TODAY + timedelta(days=3)
    with pytest.raises(ValueError, match="past"):
        reschedule(store, tid, TODAY - timedelta(days=1), today=TODAY)
    log_followup(store, aid, summary="Answered", channel="email", touchpoint_id=tid, now=NOW,
                 today=TODAY)
    with store.session() as s:
        assert s.get(Touchpoint, tid).status == "done"
        # and the one next touch, at the A tier's cadence (30 days)
        assert [(tp.status, tp.due_date) for tp in s.exec(select(Touchpoint)).all()] == [
            ("done", TODAY + timedelta(days=3)), ("planned", TODAY + timedelta(days=30))]
    with pytest.raises(ValueError, match="already done"):
        mark_done(store, tid, now=NOW)


def test_health_breakdown_and_flags(store: Store) -> None:
    from csm_tui.metrics import Reading, record

    aid = _account(store, last_login=TODAY - timedelta(days=40), open_tickets=6,
                   open_tickets_previous=2, nps=10, nps_previous=40)
    with store.transaction() as s:
        record(s, [Reading(aid, "nps", 40, None, TODAY - timedelta(days=60), "import"),
                   Reading(aid, "nps", 10, None, TODAY - timedelta(days=2), "import"),
                   Reading(aid, "open_tickets", 2, None, TODAY - timedelta(days=60), "import"),
                   Reading(aid, "open_tickets", 6, None, TODAY - timedelta(days=2), "import")])
    with store.session() as s:
        health = health_for_accounts(s, TODAY)[aid]
    assert {"tickets rising", "NPS falling"} <= set(health.flags)
    assert any(f.startswith("no login") for f in health.flags)
    assert any(f.startswith("no decision-maker touch") for f in health.flags)
    assert sum(p for _label, p in health.breakdown) == pytest.approx(health.score, abs=3)
    assert 0 <= health.score < 50


def test_health_improves_with_a_recent_touch() -> None:
    base = dict(cadence=30, days_since_login=3, tickets=1, tickets_previous=1, nps=40,
                nps_previous=40, on_time_payment=1.0, overdue_tasks=0)
    stale = factor_scores(HealthInputs(days_since_touch=80, **base))
    fresh = factor_scores(HealthInputs(days_since_touch=5, **base))
    assert sum(fresh) > sum(stale)


def test_priority_order() -> None:
    s_late, _ = priority("S", 5, 20, None)
    c_late, _ = priority("C", 5, None, None)
    s_today, why = priority("S", 0, None, None)
    assert s_late > s_today > c_late - 20
    assert s_late > c_late
    assert "due today" in why


def test_today_agenda_on_demo(demo_store: Store) -> None:
    with demo_store.session() as s:
        agenda = today_agenda(s, TODAY)
    assert agenda.items, "the demo always has something due"
    prios = [i.priority for i in agenda.items]
    assert prios == sorted(prios, reverse=True)
    assert all(i.due <= TODAY for i in agenda.items)
    assert all(r.contract_end <= TODAY + timedelta(days=90) for r in agenda.renewals)


@pytest.mark.sqlite_only
def test_cli_log_and_today(demo_store: Store, capsys: pytest.CaptureFixture[str]) -> None:
    db = str(demo_store.path)
    assert main(["log", "清华大学", "QBR prep", "--next", "2w", "--channel", "meeting",
                 "--db", db, "--today", "2026-11-24"]) == 0
    assert "next follow-up 2026-12-08" in capsys.readouterr().out
    assert main(["log", "清华大学", "x", "--channel", "fax", "--db", db]) == 2
    assert "channel" in capsys.readouterr().err
    assert main(["log", "No Such Co", "x", "--db", db]) == 2
    assert main(["today", "--json", "--db", db, "--today", "2026-11-24"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["date"] == "2026-11-24" and data["items"]
    assert set(data["items"][0]) == {"ref", "priority", "kind", "account_id", "account", "tier",
                                     "title", "due", "days_overdue", "why", "touchpoint_id",
                                     "task_id", "channel", "contact"}
