"""The daily loop tells the truth (issue 15): one rule for a follow-up wherever it is
logged, stages that keep their books, churn signals from metric history, and the loop
from the shell. Each rule on SQLite and (with CSM_TEST_DB) PostgreSQL."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from sqlmodel import select

from csm_tui.cli import main
from csm_tui.followup import AlreadyClosed, log_followup, mark_done
from csm_tui.health import health_for_accounts
from csm_tui.lifecycle import churn, ensure_terms, load_board, move_stage, renew
from csm_tui.metrics import Reading, record
from csm_tui.tasks import generate_tasks
from csm_tui.today import parse_ref, today_agenda
from csm_tui.undo import undo_last
from db.models import Account, ChangeLog, Contact, ContractTerm, MetricReading, Task, Touchpoint
from db.store import Store

TODAY = date(2026, 11, 24)
NOW = datetime(2026, 11, 24, 9, 30, tzinfo=UTC)


def _account(store: Store, **kw: Any) -> int:
    values: dict[str, Any] = dict(name="Acme", tier="A", stage="adoption",
                                  stage_entered=date(2026, 3, 1),
                                  contract_start=date(2026, 1, 1),
                                  contract_end=date(2026, 12, 31))
    values.update(kw)
    with store.transaction() as s:
        acc = Account(**values)
        s.add(acc)
        s.flush()
        s.add(Contact(account_id=acc.id or 0, name="王芳", role="decision_maker"))
        s.add(Contact(account_id=acc.id or 0, name="Bob", role="user"))
        ensure_terms(s, [acc.id or 0])
        return acc.id or 0


def _plan(store: Store, aid: int, due: date, **kw: Any) -> int:
    with store.transaction() as s:
        tp = Touchpoint(account_id=aid, status="planned", due_date=due, **kw)
        s.add(tp)
        s.flush()
        return tp.id or 0


def _touches(store: Store, aid: int) -> list[tuple[str, date | None]]:
    with store.session() as s:
        rows = s.exec(select(Touchpoint).where(Touchpoint.account_id == aid)
                      .order_by(Touchpoint.id)).all()
        return [(tp.status, tp.due_date) for tp in rows]


def _planned(store: Store, aid: int) -> list[date | None]:
    return [due for status, due in _touches(store, aid) if status == "planned"]


def _log_count(store: Store) -> int:
    with store.session() as s:
        return len(s.exec(select(ChangeLog)).all())


# ---- 1. one rule for a follow-up ------------------------------------------------

def test_a_log_without_a_selection_closes_the_earliest_open_touch(store: Store) -> None:
    aid = _account(store)
    overdue = _plan(store, aid, TODAY - timedelta(days=10))
    result = log_followup(store, aid, summary="Called", now=NOW, today=TODAY)
    assert result.closed_id == overdue and result.done_id == overdue
    # exactly one next planned touch, at the A tier's cadence (30 days)
    assert _touches(store, aid) == [("done", TODAY - timedelta(days=10)),
                                    ("planned", TODAY + timedelta(days=30))]


def test_24_logs_with_next_leave_one_planned_touch(store: Store) -> None:
    """`csm log --next` made a new planned touch every time: 24 logs, 24 planned."""
    aid = _account(store)
    for n in range(24):
        assert main(["log", "Acme", f"call {n}", "--next", "2w", "--db", store.url,
                     "--today", TODAY.isoformat()]) == 0
    assert _planned(store, aid) == [TODAY + timedelta(days=14)]
    done = [s for s, _ in _touches(store, aid) if s == "done"]
    assert len(done) == 24


def test_duplicates_from_before_are_skipped_and_undo_puts_them_back(store: Store) -> None:
    aid = _account(store)
    first = _plan(store, aid, TODAY - timedelta(days=3))
    _plan(store, aid, TODAY + timedelta(days=5))
    _plan(store, aid, TODAY + timedelta(days=5))
    log_followup(store, aid, summary="Visited", next_date=TODAY + timedelta(days=7),
                 now=NOW, today=TODAY)
    statuses = _touches(store, aid)
    assert statuses[0] == ("done", TODAY - timedelta(days=3))
    assert _planned(store, aid) == [TODAY + timedelta(days=7)]
    assert [s for s, _ in statuses].count("skipped") == 1
    assert undo_last(store).done
    assert _touches(store, aid) == [("planned", TODAY - timedelta(days=3)),
                                    ("planned", TODAY + timedelta(days=5)),
                                    ("planned", TODAY + timedelta(days=5))]
    assert first


def test_an_event_touch_ahead_is_left_for_its_event(store: Store) -> None:
    aid = _account(store)
    event = _plan(store, aid, TODAY + timedelta(days=4), origin="event:1:1")
    log_followup(store, aid, summary="Quick call", now=NOW, today=TODAY)
    with store.session() as s:
        assert s.get(Touchpoint, event).status == "planned"
    assert sorted(d for d in _planned(store, aid) if d) == [TODAY + timedelta(days=4),
                                                           TODAY + timedelta(days=30)]


def test_logging_the_selected_touch_that_someone_closed_writes_nothing(store: Store) -> None:
    aid = _account(store)
    tp = _plan(store, aid, TODAY)
    log_followup(store, aid, summary="Mine", touchpoint_id=tp, now=NOW, today=TODAY)
    before = _log_count(store), _touches(store, aid)
    with pytest.raises(AlreadyClosed, match="already"):
        log_followup(store, aid, summary="Theirs", touchpoint_id=tp, now=NOW, today=TODAY)
    assert (_log_count(store), _touches(store, aid)) == before


def test_done_leaves_the_next_touch_at_the_cadence(store: Store) -> None:
    aid = _account(store, tier="S")
    tp = _plan(store, aid, TODAY - timedelta(days=2))
    result = mark_done(store, tp, now=NOW, today=TODAY)
    assert _planned(store, aid) == [TODAY + timedelta(days=14)]
    assert result.next_id is not None
    assert undo_last(store).done
    assert _touches(store, aid) == [("planned", TODAY - timedelta(days=2))]


def test_logging_on_an_sop_row_ticks_the_step(store: Store) -> None:
    aid = _account(store, stage="handover", stage_entered=TODAY - timedelta(days=10))
    generate_tasks(store, TODAY)
    with store.session() as s:
        task = s.exec(select(Task).where(Task.step_key == "key-people")).one()
    from csm_tui.followup import log_context

    with store.session() as s:
        ctx = log_context(s, aid, None, task.id)
    assert ctx.task_title == task.title and ctx.task_open and ctx.channel == "meeting"
    result = log_followup(store, aid, summary=ctx.task_title, channel=ctx.channel,
                          task_id=task.id, now=NOW, today=TODAY)
    assert result.ticked == task.title
    with store.session() as s:
        closed = s.get(Task, task.id)
        assert closed.closed_as == "done" and closed.done_at is not None
    with store.session() as s:
        assert task.id not in {i.task_id for i in today_agenda(s, TODAY).items}
    assert undo_last(store).done
    with store.session() as s:
        assert s.get(Task, task.id).done_at is None


def test_a_churned_account_has_no_cadence(store: Store) -> None:
    aid = _account(store, stage="churned")
    result = log_followup(store, aid, summary="Goodbye call", now=NOW, today=TODAY)
    assert result.next_id is None and _planned(store, aid) == []
    with store.session() as s:
        assert aid not in {i.account_id for i in today_agenda(s, TODAY).items}


# ---- 2. stages keep their books -------------------------------------------------------

def _open_steps(store: Store, aid: int) -> set[tuple[str, int, str]]:
    with store.session() as s:
        return {(t.stage, t.term, t.step_key) for t in s.exec(
            select(Task).where(Task.account_id == aid, Task.done_at == None)).all()}  # noqa: E711


def test_a_stage_move_supersedes_the_old_stages_steps(store: Store) -> None:
    aid = _account(store, stage="onboarding", stage_entered=date(2026, 6, 1))
    generate_tasks(store, TODAY)
    old = _open_steps(store, aid)
    assert old and {stage for stage, _, _ in old} == {"onboarding"}
    move_stage(store, aid, "adoption", today=TODAY)
    assert {stage for stage, _, _ in _open_steps(store, aid)} == {"adoption"}
    with store.session() as s:
        gone = s.exec(select(Task).where(Task.account_id == aid,
                                         Task.stage == "onboarding")).all()
        assert gone and all(t.closed_as == "superseded" and t.done_at for t in gone)
        today_tasks = {i.task_id for i in today_agenda(s, TODAY).items if i.task_id}
        assert not today_tasks & {t.id for t in gone}
    from csm_tui.account_view import account_detail

    with store.session() as s:
        timeline = account_detail(s, aid, TODAY).timeline
    assert any(e.kind == "step" and e.text.startswith("superseded: ") for e in timeline)
    assert undo_last(store).done
    assert _open_steps(store, aid) == old


def test_coming_back_to_a_stage_opens_its_superseded_steps(store: Store) -> None:
    aid = _account(store, stage="onboarding", stage_entered=date(2026, 6, 1))
    generate_tasks(store, TODAY)
    old = _open_steps(store, aid)
    move_stage(store, aid, "adoption", today=TODAY)
    move_stage(store, aid, "onboarding", today=TODAY)
    assert _open_steps(store, aid) == old


def test_a_renewal_records_the_term_and_gives_renewal_steps(store: Store) -> None:
    aid = _account(store, stage="adoption", contract_end=date(2027, 1, 31),
                   arr_minor=100_000_00)
    move_stage(store, aid, "renewal", today=TODAY)
    assert {k for _, _, k in _open_steps(store, aid)} >= {"t60-proposal", "t30-contract"}
    term = renew(store, aid, new_start=date(2027, 2, 1), new_end=date(2028, 1, 31),
                 today=TODAY, arr_minor=120_000_00)
    assert term == 2
    with store.session() as s:
        acc = s.get(Account, aid)
        assert (acc.stage, acc.stage_entered, acc.term) == ("renewed", TODAY, 2)
        terms = s.exec(select(ContractTerm).where(ContractTerm.account_id == aid)
                       .order_by(ContractTerm.term)).all()
        assert [(r.term, r.outcome, r.closed_on, r.arr_minor) for r in terms] == [
            (1, "renewed", TODAY, 100_000_00), (2, "open", None, 120_000_00)]
        board = {c.stage: c for c in load_board(s, TODAY)}
    card = next(c for c in board["renewed"].cards if c.account_id == aid)
    assert card.renewed_on == TODAY
    # the old term's renewal steps are off the list; the new term has its own steps
    assert _open_steps(store, aid) == {("renewed", 2, "thank-you")}
    move_stage(store, aid, "handover", today=TODAY)
    keys = {k for _, _, k in _open_steps(store, aid)}
    assert "term-review" in keys and "key-people" not in keys
    from csm_tui.account_view import account_detail

    with store.session() as s:
        timeline = account_detail(s, aid, TODAY).timeline
    terms_shown = [e.text for e in timeline if e.kind == "term"]
    assert len(terms_shown) == 2 and any("renewed 2026-11-24" in x for x in terms_shown)
    assert undo_last(store).done  # the move to handover
    assert undo_last(store).done  # the renewal
    with store.session() as s:
        assert s.get(Account, aid).stage == "renewal"
        assert [(r.term, r.outcome) for r in s.exec(
            select(ContractTerm).where(ContractTerm.account_id == aid)).all()] == [
            (1, "open")]
    assert {k for _, _, k in _open_steps(store, aid)} >= {"t60-proposal", "t30-contract"}


def test_churn_closes_touches_and_steps_and_starts_the_win_back(store: Store) -> None:
    aid = _account(store, tier="C")
    generate_tasks(store, TODAY)
    _plan(store, aid, TODAY - timedelta(days=40), next_step="Regular check-in")
    _plan(store, aid, TODAY + timedelta(days=40))
    churn(store, aid, reason="budget cut", today=TODAY)
    assert _planned(store, aid) == []
    assert {k for _, _, k in _open_steps(store, aid)} == {"exit-interview", "win-back",
                                                          "win-back-check"}
    with store.session() as s:
        assert s.exec(select(ContractTerm).where(ContractTerm.account_id == aid)).one() \
            .outcome == "churned"
        items = [i for i in today_agenda(s, TODAY + timedelta(days=60)).items
                 if i.account_id == aid]
    assert {i.kind for i in items} == {"task"}  # win-back steps, no cadence, no touches
    assert undo_last(store).done
    assert len(_planned(store, aid)) == 2


def test_churn_needs_a_reason(store: Store) -> None:
    from csm_tui.lifecycle import MoveError

    aid = _account(store)
    with pytest.raises(MoveError, match="reason"):
        churn(store, aid, reason="  ", today=TODAY)


def test_ensure_terms_gives_every_account_its_current_term(store: Store) -> None:
    with store.transaction() as s:
        s.add(Account(name="Imported", term=3, contract_start=date(2026, 1, 1)))
    with store.transaction() as s:
        assert ensure_terms(s) == 1
        assert ensure_terms(s) == 0
    with store.session() as s:
        row = s.exec(select(ContractTerm)).one()
        assert (row.term, row.start, row.outcome) == (3, date(2026, 1, 1), "open")


# ---- 3. churn signals from history ------------------------------------------------------

def _readings(store: Store, aid: int, metric: str, *values: tuple[int, float]) -> None:
    with store.transaction() as s:
        record(s, [Reading(aid, metric, v, None, TODAY - timedelta(days=ago), "import")
                   for ago, v in values])


def _flags(store: Store, aid: int) -> dict[str, str]:
    with store.session() as s:
        health = health_for_accounts(s, TODAY, [aid])[aid]
    return {sg.key: sg.why for sg in health.signals}


def test_no_earlier_reading_no_flag(store: Store) -> None:
    aid = _account(store, nps=20, open_tickets=3, last_login=TODAY)
    _readings(store, aid, "nps", (1, 20))
    _readings(store, aid, "open_tickets", (1, 3))
    assert not {"nps_falling", "tickets_rising"} & set(_flags(store, aid))


def test_nps_falling_and_tickets_rising_compare_the_last_two_readings(store: Store) -> None:
    aid = _account(store, nps=20, open_tickets=4, last_login=TODAY)
    _readings(store, aid, "nps", (90, 50), (2, 20))  # a re-import: 50 → 20
    _readings(store, aid, "open_tickets", (90, 1), (2, 4))
    flags = _flags(store, aid)
    assert "NPS 50 on 2026-08-26 → 20 on 2026-11-22" in flags["nps_falling"]
    assert flags["tickets_rising"] == "open tickets 1 on 2026-08-26 → 4 on 2026-11-22"
    _readings(store, aid, "open_tickets", (1, 2))
    assert "tickets_rising" not in _flags(store, aid)


def test_a_reading_older_than_the_window_is_no_trend(store: Store, tmp_path: Any,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    from csm_tui import settings

    aid = _account(store, nps=20, last_login=TODAY)
    _readings(store, aid, "nps", (200, 60), (2, 20))
    assert "nps_falling" not in _flags(store, aid)  # 200 days > the default 180
    cfg = tmp_path / "cfg"
    cfg.mkdir()
    (cfg / "settings.toml").write_text('[risk]\nwindow_days = 365\nnps_drop = 50\n'
                                       'flags = ["nps_falling"]\n')
    monkeypatch.setenv("CSM_CONFIG_DIR", str(cfg))
    settings._cached.cache_clear()
    try:
        assert set(_flags(store, aid)) == set()  # a fall of 40 is under 50
        (cfg / "settings.toml").write_text('[risk]\nwindow_days = 365\nflags = '
                                           '["nps_falling"]\n')
        settings._cached.cache_clear()
        assert set(_flags(store, aid)) == {"nps_falling"}  # and nothing else is raised
    finally:
        settings._cached.cache_clear()


def test_an_edit_and_csm_metric_write_readings(store: Store) -> None:
    from csm_tui.account_edit import form_values, update_account

    aid = _account(store, nps=50, last_login=TODAY)
    _readings(store, aid, "nps", (30, 50))
    with store.session() as s:
        acc = s.get(Account, aid)
        opened, version = form_values(acc), acc.version
    update_account(store, aid, {**opened, "nps": "30"}, expected_version=version,
                   base=opened, today=TODAY)
    assert "nps_falling" in _flags(store, aid)
    assert main(["metric", "Acme", "nps", "45", "--db", store.url,
                 "--today", TODAY.isoformat()]) == 0
    assert "nps_falling" not in _flags(store, aid)
    with store.session() as s:
        assert s.get(Account, aid).nps == 45
        assert [r.source for r in s.exec(select(MetricReading)
                                         .order_by(MetricReading.id)).all()] == [
            "import", "edit", "cli"]


# ---- 6. the shell: refs, ACCOUNT, bad input -------------------------------------------------

def test_refs_parse() -> None:
    assert parse_ref("T3267") == ("touchpoint", 3267)
    assert parse_ref(" k88 ") == ("task", 88)
    assert parse_ref("C12") == ("cadence", 12)
    for bad in ("", "T", "X12", "T-1", "12"):
        with pytest.raises(ValueError, match="ref"):
            parse_ref(bad)


def _cli(store: Store, capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    code = main([*args, "--db", store.url, "--today", TODAY.isoformat()])
    captured = capsys.readouterr()
    return code, captured.out + captured.err


def test_today_refs_and_done_from_the_shell(store: Store, capsys: pytest.CaptureFixture[str],
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    aid = _account(store, stage="handover", stage_entered=TODAY - timedelta(days=10))
    _account(store, name="Never touched")
    generate_tasks(store, TODAY)
    tp = _plan(store, aid, TODAY - timedelta(days=1))
    code, out = _cli(store, capsys, "today", "--json", "--team")
    items = json.loads(out)["items"]
    refs = {i["ref"]: i for i in items}
    assert f"T{tp}" in refs and any(r.startswith("K") for r in refs) and \
        any(r.startswith("C") for r in refs)
    assert _cli(store, capsys, "done", f"T{tp}")[0] == 0
    code, out = _cli(store, capsys, "done", f"T{tp}")
    assert code == 2 and "already done" in out
    task_ref = next(r for r in refs if r.startswith("K"))
    assert _cli(store, capsys, "done", task_ref)[0] == 0
    cadence = next(r for r in refs if r.startswith("C"))
    code, out = _cli(store, capsys, "snooze", cadence, "+3d")
    assert code == 0 and "2026-11-27" in out
    code, out = _cli(store, capsys, "today", "--json", "--team")
    left = {i["ref"] for i in json.loads(out)["items"]}
    assert not {f"T{tp}", task_ref, cadence} & left


@pytest.mark.parametrize(("args", "needle"), [
    (("done", "T999999"), "unknown ref"),
    (("done", "Z1"), "not a ref"),
    (("snooze", "T1", "someday"), "not a date"),
    (("stage", "Acme", "handover"), "not allowed"),
    (("stage", "Acme", "renewed"), "renew"),
    (("stage", "Acme", "limbo"), "not one of"),
    (("renew", "Acme", "--start", "2027-02-01", "--end", "2027-01-01"), "not after"),
    (("renew", "Acme", "--arr", "-5"), "negative"),
    (("churn", "Acme", "--reason", " "), "reason"),
    (("metric", "Acme", "nps", "lots"), "not a number"),
    (("metric", "Acme", "nps", "400"), "outside"),
    (("metric", "Acme", "mood", "3"), "not one of"),
    (("log", "Nobody", "hello"), "not found"),
])
def test_bad_input_is_one_line_exit_2_nothing_written(
        store: Store, capsys: pytest.CaptureFixture[str], args: tuple[str, ...],
        needle: str) -> None:
    _account(store)
    before = _log_count(store)
    code, out = _cli(store, capsys, *args)
    assert code == 2, out
    lines = [line for line in out.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("csm: error:") and needle in lines[0], out
    assert _log_count(store) == before


def test_stage_renew_churn_from_the_shell(store: Store,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    aid = _account(store, contract_end=date(2027, 1, 31))
    assert _cli(store, capsys, "stage", "acme", "renewal")[0] == 0
    code, out = _cli(store, capsys, "renew", "ACME", "--arr", "150000")
    assert code == 0 and "term 2 2027-02-01 → 2028-01-31" in out
    with store.session() as s:
        acc = s.get(Account, aid)
        assert (acc.stage, acc.arr_minor) == ("renewed", 150_000_00)
    code, out = _cli(store, capsys, "churn", str(aid), "--reason", "went in-house")
    assert code == 0
    with store.session() as s:
        assert s.get(Account, aid).stage == "churned"


def test_account_by_width_case_and_pinyin(store: Store) -> None:
    from csm_tui.accounts import AccountNotFound, find_account

    tsinghua = _account(store, name="清华大学")
    _account(store, name="北京大学")
    wide = _account(store, name="ＡＣＭＥ Labs")
    with store.session() as s:
        assert find_account(s, "qinghuadaxue").id == tsinghua
        assert find_account(s, "QHDX").id == tsinghua
        assert find_account(s, "清华").id == tsinghua
        assert find_account(s, "acme labs").id == wide
        assert find_account(s, str(wide)).id == wide
        with pytest.raises(AccountNotFound, match="ambiguous: .*北京大学.*清华大学|"
                                                  "ambiguous: .*清华大学.*北京大学"):
            find_account(s, "大学")
        with pytest.raises(AccountNotFound, match="closest"):
            find_account(s, "qhx")
