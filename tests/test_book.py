"""Keeping the book by hand (issue 17): a 3-account book from an empty database
without a CSV, stakeholders with roles, touches, tasks, notes and an account event;
a mistyped log fixed; "续约" and a stakeholder's name found; each step undone."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime

import pytest
from sqlmodel import col, select

from csm_tui.book import DuplicateName, NewAccount, add_account, delete_account, set_archived
from csm_tui.cli import main
from csm_tui.contacts import add_contact, edit_contact, remove_contact
from csm_tui.edits import add_task, delete_task, delete_touch, edit_task, edit_touch
from csm_tui.event_book import delete_event, save_event
from csm_tui.followup import log_followup
from csm_tui.notes import add_note
from csm_tui.search import search_book
from csm_tui.undo import undo_last
from db.models import Account, Contact, Task, Touchpoint
from db.store import Store

TODAY = date(2026, 11, 24)
NOW = datetime(2026, 11, 24, 3, tzinfo=UTC)


def _book(store: Store) -> dict[str, int]:
    ids = {name: add_account(store, NewAccount(name, arr=arr, currency="CNY", owner="me",
                                               tier=tier), today=TODAY)
           for name, arr, tier in (("清华大学", "880000", "S"), ("Contoso", "120000", "B"),
                                   ("腾讯科技", "980000", "A"))}
    hu = add_contact(store, ids["清华大学"], {"name": "胡晓东", "role": "decision_maker",
                                            "level": "executive", "email": "hu@thu.edu.cn"})
    ids["hu"] = hu.contact_id
    add_contact(store, ids["清华大学"], {"name": "李明", "role": "user", "level": "staff"})
    ids["log"] = log_followup(store, ids["清华大学"], summary="续约讨论：预箅已确认",
                              contact_id=hu.contact_id, now=NOW, today=TODAY).done_id
    ids["note"] = add_note(store, ids["Contoso"], "QBR prep\nsecond line", on_date=TODAY,
                           author="me").note_id
    ids["task"] = add_task(store, ids["腾讯科技"], "Send the 续约 proposal",
                           due=date(2026, 12, 1)).id
    ids["event"] = save_event(store, today=TODAY, title="Leadership change", on_date=date(
        2026, 12, 10), scope="account", account_id=ids["清华大学"], lead_days=3)
    return ids


def test_a_book_from_nothing_fixed_found_and_undone(store: Store) -> None:
    ids = _book(store)
    with store.session() as s:
        assert s.get(Touchpoint, ids["log"]).contact_id == ids["hu"]
    # a mistyped log fixed
    edit_touch(store, ids["log"], today=TODAY, summary="续约讨论：预算已确认", outcome="positive")
    with store.session() as s:
        found = search_book(s, "续约")
        assert [h.kind for h in found.hits] == ["task", "touch"]
        assert "预算已确认" in found.hits[1].text
        people = search_book(s, "胡晓东")
        assert [n.name for n in people.names] == ["胡晓东"]
        assert ids["log"] in [h.id for h in people.hits if h.kind == "touch"]
        assert [n.name for n in search_book(s, "qhdx").names] == ["清华大学"]
        assert [h.kind for h in search_book(s, "second line").hits] == ["note"]
        planned = s.exec(select(Touchpoint).where(
            col(Touchpoint.origin).like(f"event:{ids['event']}:%"))).all()
        assert [tp.status for tp in planned] == ["planned"]
    # undo each step, newest first, down to an empty book
    for _ in range(10):
        assert undo_last(store, actor=None).done
    with store.session() as s:
        assert len(s.exec(select(Account)).all()) == 0 and len(s.exec(select(Task)).all()) == 0
    assert not undo_last(store, actor=None).done


def test_bad_input_is_one_line_and_writes_nothing(store: Store) -> None:
    aid = add_account(store, NewAccount("Acme", currency="USD"), today=TODAY)
    with pytest.raises(DuplicateName):
        add_account(store, NewAccount(" ACME "), today=TODAY)
    assert add_account(store, NewAccount("acme"), today=TODAY, allow_duplicate=True)
    for values, why in (({"name": "X", "role": "boss"}, "role"),
                        ({"name": "X", "level": "ceo"}, "level"),
                        ({"name": "X", "email": "x@"}, "email"),
                        ({"name": ""}, "name")):
        with pytest.raises(ValueError, match=why):
            add_contact(store, aid, values)
    with store.session() as s:
        assert len(s.exec(select(Contact)).all()) == 0
    done = log_followup(store, aid, summary="call", now=NOW, today=TODAY).done_id
    delete_touch(store, done)
    with pytest.raises(LookupError, match="no longer exists"):
        edit_touch(store, done, today=TODAY, summary="again")
    with pytest.raises(ValueError, match="future"):
        edit_touch(store, log_followup(store, aid, summary="x", now=NOW, today=TODAY).done_id,
                   today=TODAY, day=date(2027, 1, 1))


def test_a_custom_task_stays_through_syncs_and_an_sop_step_is_removed(store: Store) -> None:
    from csm_tui.lifecycle import move_stage

    aid = add_account(store, NewAccount("Acme", currency="USD", tier="A"), today=TODAY)
    mine = add_task(store, aid, "Call the new CFO", due=date(2026, 12, 3)).id
    with store.session() as s:
        sop = next(t for t in s.exec(select(Task).where(Task.account_id == aid))
                   if not t.step_key.startswith("custom:"))
        sop_id = sop.id
    edit_task(store, sop_id, due=date(2027, 1, 5))
    move_stage(store, aid, "onboarding", today=TODAY)
    with store.session() as s:
        assert s.get(Task, mine).done_at is None  # the user's own: not superseded
        assert s.get(Task, sop_id).closed_as == "superseded"
    assert delete_task(store, mine, now=NOW).what == "deleted"
    with store.session() as s:
        step = next(t for t in s.exec(select(Task).where(Task.account_id == aid,
                                                         col(Task.done_at).is_(None))))
    assert delete_task(store, step.id or 0, now=NOW).what == "removed"
    assert undo_last(store, actor=None).done
    with store.session() as s:
        assert s.get(Task, step.id).done_at is None


def test_archive_and_delete_keep_today_consistent_and_undo(store: Store) -> None:
    from csm_tui.today import today_agenda

    ids = _book(store)
    aid = ids["清华大学"]
    set_archived(store, aid, True)
    with store.session() as s:
        assert all(i.account_id != aid for i in today_agenda(s, TODAY, owner=None).items)
    assert undo_last(store, actor=None).done
    plan = delete_account(store, aid)
    assert plan.counts["contact"] == 2 and plan.open_tasks > 0
    with store.session() as s:
        assert s.get(Account, aid) is None and len(s.exec(select(Contact)).all()) == 0
        assert search_book(s, "胡晓东").names == []
    assert undo_last(store, actor=None).done
    with store.session() as s:
        assert s.get(Account, aid) is not None and len(s.exec(select(Contact)).all()) == 2
        assert search_book(s, "预箅").hits  # the index follows the rows back


def test_contacts_edit_remove_and_event_delete_undo(store: Store) -> None:
    ids = _book(store)
    edit_contact(store, ids["hu"], {"title": "CIO", "phone": "+86 10 6278 0000"})
    remove_contact(store, ids["hu"])
    with store.session() as s:
        assert s.get(Touchpoint, ids["log"]).contact_id is None
    assert undo_last(store, actor=None).done
    with store.session() as s:
        assert s.get(Touchpoint, ids["log"]).contact_id == ids["hu"]
        assert s.get(Contact, ids["hu"]).title == "CIO"
    assert delete_event(store, ids["event"], remove_touches=True) == 1
    assert undo_last(store, actor=None).done


def test_cli_builds_fixes_and_finds(store: Store, capsys: pytest.CaptureFixture[str]) -> None:
    db = ["--db", store.url, "--today", TODAY.isoformat()]
    assert main(["account", "add", "清华大学", "--arr", "880000", "--currency", "CNY",
                 "--tier", "S", *db]) == 0
    assert main(["account", "add", "清华大学", *db]) == 2
    assert "exists already" in capsys.readouterr().err
    assert main(["contact", "add", "qhdx", "胡晓东", "--role", "decision_maker", "--level",
                 "executive", *db]) == 0
    assert main(["contact", "add", "qhdx", "X", "--role", "boss", "--level", "staff", *db]) == 2
    assert main(["log", "清华大学", "续约讨论", "--contact", "胡晓东", *db]) == 0
    assert main(["note", "add", "清华大学", "胡晓东 wants the deck", *db]) == 0
    assert main(["task", "add", "清华大学", "Proposal", "--due", "2026-13-01", *db]) == 2
    assert "--due" in capsys.readouterr().err
    assert main(["task", "add", "清华大学", "Proposal", "--due", "+3d", *db]) == 0
    assert main(["event", "add", "Leadership change", "--on", "2026-12-15", "--account",
                 "清华大学", *db]) == 0
    capsys.readouterr()
    assert main(["account", "show", "清华大学", "--json", *db]) == 0
    shown = json.loads(capsys.readouterr().out)
    touch = next(e for e in shown["timeline"] if e["kind"] == "touch")["ref"]
    assert main(["touch", "edit", touch.split(":")[1], "--summary", "续约讨论：预算已确认",
                 *db]) == 0
    capsys.readouterr()
    assert main(["search", "续约", "--json", *db]) == 0
    hits = json.loads(capsys.readouterr().out)["hits"]
    assert any("预算已确认" in h["text"] for h in hits)
    assert main(["search", "胡晓东", *db]) == 0
    assert "stakeholder" in capsys.readouterr().out
    assert main(["account", "delete", "清华大学", *db]) == 2
    assert "--yes" in capsys.readouterr().err
    assert main(["account", "delete", "清华大学", "--yes", *db]) == 0
    assert main(["undo", *db]) == 0
    capsys.readouterr()
    assert main(["accounts", "--json", *db]) == 0
    assert [r["name"] for r in json.loads(capsys.readouterr().out)] == ["清华大学"]


def test_brief_shows_how_to_reach_each_stakeholder_and_the_notes(
        store: Store, capsys: pytest.CaptureFixture[str]) -> None:
    ids = _book(store)
    edit_contact(store, ids["hu"], {"phone": "+86 10 6278 0000",
                                    "notes": "Prefers WeChat\n- never on Mondays"})
    add_note(store, ids["清华大学"], "Older note", on_date=date(2026, 11, 2), author="me")
    add_note(store, ids["清华大学"], "预算会议\n# 第二行", on_date=TODAY, author="me")
    assert main(["brief", "清华大学", "--db", store.url, "--today", TODAY.isoformat()]) == 0
    text = capsys.readouterr().out
    people = text.split("## Stakeholders")[1].split("\n## ")[0]
    assert "胡晓东, — (executive) — last contact 2026-11-24 · hu@thu.edu.cn · " \
           "+86 10 6278 0000" in people
    assert "  - Prefers WeChat\n  - \\- never on Mondays" in people  # typed, not markup
    assert "李明" in people and "李明, — (staff) — no contact logged\n" in people
    notes = text.split("## Notes")[1].split("\n## ")[0]
    assert notes.strip().splitlines() == ["- **2026-11-24** (me): 预算会议", "  \\# 第二行",
                                          "- **2026-11-02** (me): Older note"]
    assert main(["brief", "Contoso", "--db", store.url, "--today", TODAY.isoformat()]) == 0
    other = capsys.readouterr().out
    assert "- **2026-11-24** (me): QBR prep\n  second line" in other
    assert "## Stakeholders\n- none yet" in other


def test_search_reads_the_words_of_names_and_learns_the_missing(
        store: Store, capsys: pytest.CaptureFixture[str]) -> None:
    from csm_tui.search import remember_learned
    from db.queries.search import names_without_words

    ids = _book(store)
    with store.session() as s:
        assert names_without_words(s) == []  # each write named its words
    edit_contact(store, ids["hu"], {"name": "胡小东"})
    with store.transaction() as s:  # as an older build or another client leaves it
        s.connection().exec_driver_sql("DELETE FROM search_name")
    with store.session() as s:
        assert sorted(names_without_words(s)) == sorted(["清华大学", "Contoso", "腾讯科技",
                                                         "胡小东", "李明"])
        found = search_book(s, "hxd")  # matched the slow way, and the words kept
        assert [n.name for n in found.names] == ["胡小东"]
        assert [n.name for n in search_book(s, "QHDX").names] == ["清华大学"]
        assert [n.name for n in search_book(s, "ten xun").names] == ["腾讯科技"]
    with store.session() as s:
        assert names_without_words(s)  # a search in a session only reads
    assert main(["search", "hxd", "--db", store.url]) == 0  # `csm search` keeps them
    assert "胡小东" in capsys.readouterr().out
    with store.session() as s:
        assert names_without_words(s) == []
    remember_learned(store, found)  # twice is harmless
    with store.session() as s:
        assert [n.name for n in search_book(s, "hxd").names] == ["胡小东"]
        assert [n.name for n in search_book(s, "胡").names] == ["胡小东"]
        assert search_book(s, "100%").names == [] and search_book(s, "_").names == []


def test_an_old_founding_date_is_kept_and_an_absurd_one_refused(
        demo_store: Store, capsys: pytest.CaptureFixture[str]) -> None:
    """北京大学 was founded in 1898: the account form must save it back as it is (it
    refused every edit of such an account); a year before 1000 is refused by name."""
    from csm_tui.account_edit import FieldError, form_values, parse_form

    with demo_store.session() as s:
        pku = s.exec(select(Account).where(Account.name == "北京大学")).one()
        values = form_values(pku)
    assert values["founded_on"].startswith("1898")
    assert parse_form(values)["founded_on"] == pku.founded_on
    with pytest.raises(FieldError, match="0999-01-01"):
        parse_form({**values, "founded_on": "0999-01-01"})
    assert main(["account", "edit", "北京大学", "--founded", "1898-05-04",
                 "--db", demo_store.url, "--today", "2026-11-24"]) == 0
    with demo_store.session() as s:
        pku = s.exec(select(Account).where(Account.name == "北京大学")).one()
        assert pku.founded_on == date(1898, 5, 4)
