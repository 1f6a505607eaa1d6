"""Events, recurrence, iCalendar in and out, holidays, event operations, the screen."""

from __future__ import annotations

from datetime import date, time
from pathlib import Path

import pytest
from sqlmodel import select

from csm_tui.calendar_view import calendar_items
from csm_tui.cli import main
from csm_tui.event_ops import plan_event_touchpoints
from csm_tui.events import add_event, occurrences, yearly_date
from csm_tui.ical import IcsError, export_ics, import_ics
from csm_tui.playbooks import load_playbooks
from csm_tui.tasks import due_for
from csm_tui.workdays import load_work_calendar
from db.models import Account, Event, Touchpoint
from db.store import Store, open_store

TODAY = date(2026, 11, 24)
HOLIDAYS = "calendars/china_holidays_2023_2025.ics"


def test_leap_day_anniversary_and_year_boundaries() -> None:
    assert yearly_date(date(2024, 2, 29), 2025) == date(2025, 2, 28)
    assert yearly_date(date(2024, 2, 29), 2028) == date(2028, 2, 29)
    ev = Event(title="x", on_date=date(2020, 12, 31), yearly=True)
    assert occurrences(ev, date(2026, 12, 1), date(2027, 1, 31)) == [date(2026, 12, 31)]
    once = Event(title="y", on_date=date(2027, 1, 1))
    assert occurrences(once, date(2026, 12, 25), date(2027, 1, 5)) == [date(2027, 1, 1)]
    assert occurrences(once, date(2027, 1, 2), date(2027, 2, 1)) == []


def test_china_holiday_file(store: Store, shared_data: Path) -> None:
    report = import_ics(store, shared_data / HOLIDAYS)
    assert (report.imported, report.duplicates, report.rejected) == (103, 0, [])
    with store.session() as s:
        events = s.exec(select(Event)).all()
    kinds = [e.kind for e in events]
    assert kinds.count("holiday") == 83 and kinds.count("workday") == 20
    assert all("补班" in e.title for e in events if e.kind == "workday")
    assert any("春节" in e.title for e in events)
    again = import_ics(store, shared_data / HOLIDAYS)
    assert (again.imported, again.duplicates) == (0, 103)


def test_holidays_feed_the_working_day_rule(store: Store, shared_data: Path) -> None:
    import_ics(store, shared_data / HOLIDAYS)
    with store.session() as s:
        cal = load_work_calendar(s, start_year=2025, end_year=2025)
    step = next(x for x in load_playbooks()["handover"] if x.key == "key-people")  # +2d
    # entered 2025-01-26 (a make-up Sunday) +2 = 28 Jan, Spring Festival -> 5 Feb
    assert due_for(step, stage_entered=date(2025, 1, 26), contract_end=None, today=TODAY,
                   calendar=cal) == date(2025, 2, 5)
    assert cal.is_working(date(2025, 2, 8))  # Saturday make-up working day
    assert not cal.is_working(date(2025, 10, 1))


TIMED = """BEGIN:VCALENDAR\r
VERSION:2.0\r
PRODID:-//test//EN\r
X-WR-CALNAME:Industry events\r
BEGIN:VTIMEZONE\r
TZID:America/New_York\r
BEGIN:STANDARD\r
DTSTART:19701101T020000\r
TZOFFSETFROM:-0400\r
TZOFFSETTO:-0500\r
RRULE:FREQ=YEARLY;BYMONTH=11;BYDAY=1SU\r
END:STANDARD\r
BEGIN:DAYLIGHT\r
DTSTART:19700308T020000\r
TZOFFSETFROM:-0500\r
TZOFFSETTO:-0400\r
RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=2SU\r
END:DAYLIGHT\r
END:VTIMEZONE\r
BEGIN:VEVENT\r
UID:summit-1\r
DTSTART;TZID=America/New_York:20270316T090000\r
DTEND;TZID=America/New_York:20270316T170000\r
SUMMARY:CS Summit\\, New York\r
END:VEVENT\r
BEGIN:VEVENT\r
UID:teachers-day\r
DTSTART;VALUE=DATE:20260910\r
RRULE:FREQ=YEARLY\r
SUMMARY:教师节\r
END:VEVENT\r
BEGIN:VEVENT\r
UID:weekly\r
DTSTART;VALUE=DATE:20260105\r
RRULE:FREQ=WEEKLY\r
SUMMARY:Standup\r
END:VEVENT\r
BEGIN:VEVENT\r
UID:broken\r
DTSTART:2026XX01\r
SUMMARY:Broken date\r
END:VEVENT\r
END:VCALENDAR\r
"""


def test_timezones_escapes_rrule_and_rejections(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "events.ics"
    path.write_text(TIMED, encoding="utf-8")
    report = import_ics(store, path)
    assert report.imported == 3  # a weekly rule is kept too (expanded by the library)
    reasons = dict(report.rejected)
    assert list(reasons) == ["VEVENT #4 broken “Broken date”"]
    with store.session() as s:
        summit = s.exec(select(Event).where(Event.source_uid == "summit-1")).one()
        teachers = s.exec(select(Event).where(Event.source_uid == "teachers-day")).one()
        weekly = s.exec(select(Event).where(Event.source_uid == "weekly")).one()
    assert summit.title == "CS Summit, New York"
    assert (summit.on_date, summit.at_time, summit.tzid) == (date(2027, 3, 16), time(9, 0),
                                                             "America/New_York")
    assert teachers.yearly and teachers.kind == "event" and not teachers.recurrence
    assert occurrences(weekly, date(2026, 1, 1), date(2026, 1, 20)) == [
        date(2026, 1, 5), date(2026, 1, 12), date(2026, 1, 19)]


def test_import_export_import_round_trip(store: Store, shared_data: Path, tmp_path: Path) -> None:
    import icalendar

    import_ics(store, shared_data / HOLIDAYS)
    add_event(store, title="Teacher's Day 教师节", on_date=date(2026, 9, 10), yearly=True,
              scope="industry", industry="higher-education", lead_days=3)
    out = tmp_path / "export.ics"
    count = export_ics(store, out, TODAY)
    assert count == 104
    parsed = icalendar.Calendar.from_ical(out.read_bytes())
    assert len(list(parsed.walk("VEVENT"))) == 104
    other = open_store(str(tmp_path / "other.db"))
    again = import_ics(other, out)
    assert again.imported == 104 and not again.rejected
    with store.session() as a, other.session() as b:
        def shape(s):  # type: ignore[no-untyped-def]
            return sorted((e.title, e.on_date, e.end_date, e.yearly, e.kind)
                          for e in s.exec(select(Event)).all())
        assert shape(a) == shape(b)
    other.close()


def test_export_includes_renewals_touchpoints_and_tasks(demo_store: Store,
                                                        tmp_path: Path) -> None:
    import icalendar

    out = tmp_path / "all.ics"
    export_ics(demo_store, out, TODAY)
    cal = icalendar.Calendar.from_ical(out.read_bytes())
    kinds = {str(ev.get("x-csm-kind")) for ev in cal.walk("VEVENT")}
    assert {"renewal", "touchpoint", "task", "event"} <= kinds


@pytest.mark.parametrize("content", [b"hello world", b"BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\n",
                                     b"\xff\xfe\x00garbage"])
def test_broken_files_write_nothing(store: Store, tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "bad.ics"
    path.write_bytes(content)
    with pytest.raises(IcsError, match="bad.ics"):
        import_ics(store, path)
    with store.session() as s:
        assert s.exec(select(Event)).all() == []


def test_event_operations_are_idempotent(demo_store: Store) -> None:
    with demo_store.session() as s:
        before = len(s.exec(select(Touchpoint).where(Touchpoint.origin.is_not(None))).all())
    add_event(demo_store, title="Ranking release", on_date=date(2026, 12, 10),
              scope="industry", industry="higher-education", lead_days=7, tiers="S,A")
    made = plan_event_touchpoints(demo_store, TODAY)
    assert made > 0
    assert plan_event_touchpoints(demo_store, TODAY) == 0
    with demo_store.session() as s:
        planned = s.exec(select(Touchpoint).where(Touchpoint.origin.like("event:%"))).all()
        assert len(planned) == before + made
        for tp in planned[-made:]:
            acc = s.get(Account, tp.account_id)
            assert acc.industry == "higher-education" and acc.tier in "SA"
            assert tp.due_date == date(2026, 12, 3)


def test_add_event_validation(store: Store) -> None:
    for kw, field in (({"title": " "}, "title"), ({"kind": "party"}, "kind"),
                      ({"lead_days": -1}, "lead"), ({"tiers": "S,Z"}, "tiers"),
                      ({"scope": "industry"}, "industry")):
        args = {"title": "x", "on_date": TODAY, **kw}
        with pytest.raises(ValueError, match=field):
            add_event(store, **args)


def test_calendar_items_derive_account_dates(demo_store: Store) -> None:
    with demo_store.session() as s:
        items = calendar_items(s, date(2026, 11, 1), date(2026, 11, 30))
    kinds = {i.kind for i in items}
    assert {"renewal", "touchpoint", "task", "anniversary"} <= kinds


@pytest.mark.sqlite_only
def test_cli_import_export(store: Store, shared_data: Path, tmp_path: Path,
                           capsys: pytest.CaptureFixture[str]) -> None:
    db = str(store.path)
    assert main(["import", "ics", str(shared_data / HOLIDAYS), "--db", db]) == 0
    assert "103 imported" in capsys.readouterr().out
    bad = tmp_path / "bad.ics"
    bad.write_text("nope")
    assert main(["import", "ics", str(bad), "--db", db]) == 2
    assert "not an iCalendar file" in capsys.readouterr().err
    assert main(["export", "ics", str(tmp_path / "o.ics"), "--db", db]) == 0


async def test_calendar_screen_navigates_and_adds(demo_store: Store) -> None:
    from textual.widgets import Input

    from screens.calendar import CalendarScreen
    from screens.event_form import EventForm
    from tests.pilot import press, started, watched_app

    app = watched_app(demo_store, TODAY)
    async with app.run_test(size=(160, 45)) as pilot:
        await started(pilot)
        await press(pilot, "5", ready=CalendarScreen)
        screen = app.screen
        assert isinstance(screen, CalendarScreen)
        assert screen.grid.selected == TODAY
        await press(pilot, "right_square_bracket", ready=CalendarScreen)  # December loads
        assert screen.grid.selected == date(2026, 12, 24)
        assert "December 2026" in screen.sub_title
        for _ in range(2):  # each month's items load before the next key
            await press(pilot, "left_square_bracket", ready=CalendarScreen)
        assert screen.grid.selected == date(2026, 10, 24)
        await press(pilot, "g", ready=CalendarScreen)  # back to today (November)
        await press(pilot, "right", "down", ready=CalendarScreen)  # into December
        assert screen.grid.selected == date(2026, 12, 2)
        await press(pilot, "a")
        form = app.screen
        assert isinstance(form, EventForm)
        form.query_one("#ev-date", Input).value = "not a date"
        form.query_one("#ev-title", Input).value = "Board meeting"
        await press(pilot, "ctrl+s")
        assert app.screen is form
        assert form.query_one("#ev-title", Input).value == "Board meeting"
        form.query_one("#ev-date", Input).value = "2026-12-02"
        await press(pilot, "ctrl+s", ready=CalendarScreen)  # saved: the month reloads
        assert app.screen is screen
        day_titles = [i.title for i in screen.items if i.day == date(2026, 12, 2)]
        assert "Board meeting" in day_titles
