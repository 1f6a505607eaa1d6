"""Faithful iCalendar: recurrences as RFC 5545 says (in `csm agenda`), every VCALENDAR
of a file, time zones kept on export (khal shows the right local time), our own
export read back adds nothing, control characters stripped."""

from __future__ import annotations

import json
import shutil
import subprocess
from datetime import date, timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlmodel import select

from csm_tui.agenda import agenda
from csm_tui.cli import main
from csm_tui.ical import expand, export_ics, import_ics
from db.models import Event
from db.store import Store

TODAY = date(2026, 12, 1)


def _ics(*events: str, name: str = "Test") -> str:
    body = "".join(f"BEGIN:VEVENT\r\n{e.strip()}\r\nEND:VEVENT\r\n" for e in events)
    return (f"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//{name}//EN\r\n"
            f"X-WR-CALNAME:{name}\r\n{body}END:VCALENDAR\r\n")


RULES = _ics(
    "UID:count3\r\nDTSTART;VALUE=DATE:20261210\r\nRRULE:FREQ=YEARLY;COUNT=3\r\n"
    "SUMMARY:Three years",
    "UID:thanks\r\nDTSTART;VALUE=DATE:20261126\r\n"
    "RRULE:FREQ=YEARLY;BYMONTH=11;BYDAY=4TH\r\nSUMMARY:Thanksgiving",
    "UID:exd\r\nDTSTART:20261201T150000Z\r\nRRULE:FREQ=WEEKLY;COUNT=4\r\n"
    "EXDATE:20261208T150000Z\r\nSUMMARY:Weekly call",
    "UID:exd\r\nRECURRENCE-ID:20261215T150000Z\r\nDTSTART:20261216T160000Z\r\n"
    "SUMMARY:Weekly call (moved)",
    "UID:olympics\r\nDTSTART;VALUE=DATE:20280714\r\nRRULE:FREQ=YEARLY;INTERVAL=4;"
    "UNTIL=20360801\r\nSUMMARY:Every four years",
)


def _days(store: Store, title: str, start: date, end: date) -> list[date]:
    with store.session() as s:
        return [i.day for i in agenda(s, start, end) if i.title.startswith(title)]


def test_rules_land_on_the_right_dates(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "rules.ics"
    path.write_text(RULES)
    report = import_ics(store, path)
    assert (report.imported, report.rejected) == (4, [])
    far = date(2040, 12, 31)
    assert _days(store, "Three years", TODAY, far) == [
        date(2026, 12, 10), date(2027, 12, 10), date(2028, 12, 10)]
    assert _days(store, "Thanksgiving", TODAY, date(2029, 12, 31)) == [
        date(2027, 11, 25), date(2028, 11, 23), date(2029, 11, 22)]
    assert _days(store, "Weekly call", TODAY, date(2027, 1, 31)) == [
        date(2026, 12, 1), date(2026, 12, 16), date(2026, 12, 22)]
    assert _days(store, "Every four years", TODAY, far) == [
        date(2028, 7, 14), date(2032, 7, 14), date(2036, 7, 14)]


@pytest.mark.sqlite_only
def test_cli_agenda(store: Store, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "rules.ics"
    path.write_text(RULES)
    db = str(store.path)
    assert main(["import", "ics", str(path), "--db", db]) == 0
    capsys.readouterr()
    assert main(["agenda", "--from", "2027-11-01", "--to", "2027-12-31", "--json",
                 "--db", db]) == 0
    items = json.loads(capsys.readouterr().out)["items"]
    assert [(i["date"], i["title"]) for i in items] == [
        ("2027-11-25", "Thanksgiving"), ("2027-12-10", "Three years")]
    assert main(["agenda", "--from", "2027-01-01", "--to", "2026-01-01", "--db", db]) == 2


def test_every_calendar_and_sub_daily_rules_reported(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "two.ics"
    path.write_text(_ics("UID:a\r\nDTSTART;VALUE=DATE:20261220\r\nSUMMARY:First", name="One")
                    + _ics("UID:b\r\nDTSTART;VALUE=DATE:20261221\r\nSUMMARY:Second",
                           "UID:c\r\nDTSTART:20261221T090000Z\r\nRRULE:FREQ=HOURLY\r\n"
                           "SUMMARY:Hourly", name="Two"))
    report = import_ics(store, path)
    assert report.imported == 2 and report.calendars == 2
    assert len(report.rejected) == 1 and "hourly" in report.rejected[0][1]


def test_export_keeps_time_zones_and_reimport_adds_nothing(demo_store: Store,
                                                           tmp_path: Path) -> None:
    path = tmp_path / "in.ics"
    path.write_text(_ics("UID:utc\r\nDTSTART:20261210T150000Z\r\nSUMMARY:UTC call",
                         "UID:sh\r\nDTSTART;TZID=Asia/Shanghai:20261211T150000\r\n"
                         "SUMMARY:Shanghai call\x1b[2J", RULES.split("BEGIN:VEVENT", 1)[1]
                         .split("END:VEVENT")[0].strip()))
    import_ics(demo_store, path)
    with demo_store.session() as s:
        sh = s.exec(select(Event).where(Event.source_uid == "sh")).one()
    assert sh.tzid == "Asia/Shanghai" and sh.title == "Shanghai call[2J"
    out = tmp_path / "out.ics"
    export_ics(demo_store, out, TODAY)
    text = out.read_text()
    assert "DTSTART:20261210T150000Z" in text
    assert "DTSTART;TZID=Asia/Shanghai:20261211T150000" in text and "BEGIN:VTIMEZONE" in text
    assert "\x1b" not in text
    with demo_store.session() as s:
        before = len(s.exec(select(Event)).all())
    again = import_ics(demo_store, out)
    assert again.imported == 0 and again.derived > 0 and not again.rejected
    with demo_store.session() as s:
        assert len(s.exec(select(Event)).all()) == before


@pytest.mark.skipif(shutil.which("khal") is None, reason="khal is not installed")
def test_khal_shows_the_local_time(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "in.ics"
    path.write_text(_ics("UID:utc\r\nDTSTART:20261210T150000Z\r\nDTEND:20261210T160000Z\r\n"
                         "SUMMARY:UTC call"))
    import_ics(store, path)
    out = tmp_path / "out.ics"
    export_ics(store, out, TODAY)
    cal_dir = tmp_path / "cal"
    cal_dir.mkdir()
    config = tmp_path / "khal.conf"
    config.write_text(f"[calendars]\n[[csm]]\npath = {cal_dir}\n[locale]\n"
                      "local_timezone = Asia/Shanghai\ndefault_timezone = Asia/Shanghai\n"
                      "timeformat = %H:%M\ndateformat = %Y-%m-%d\n"
                      "longdateformat = %Y-%m-%d\ndatetimeformat = %Y-%m-%d %H:%M\n"
                      "longdatetimeformat = %Y-%m-%d %H:%M\n")
    env = {"HOME": str(tmp_path), "PATH": "/usr/bin:/bin", "TZ": "Asia/Shanghai",
           "XDG_DATA_HOME": str(tmp_path / "data")}
    subprocess.run(["khal", "-c", str(config), "import", "--batch", "-a", "csm", str(out)],
                   check=True, env=env, capture_output=True, timeout=120)
    shown = subprocess.run(["khal", "-c", str(config), "list", "2026-12-10", "2d"],
                           check=True, env=env, capture_output=True, text=True, timeout=120)
    assert "23:00" in shown.stdout and "UTC call" in shown.stdout


@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(start=st.dates(min_value=date(2000, 1, 1), max_value=date(2040, 12, 31)),
       interval=st.integers(1, 5), count=st.integers(1, 8),
       freq=st.sampled_from(["DAILY", "WEEKLY", "MONTHLY", "YEARLY"]),
       skip=st.integers(0, 7))
def test_expansion_counts_and_exdates(start: date, interval: int, count: int, freq: str,
                                      skip: int) -> None:
    """COUNT occurrences, INTERVAL apart, each on or after DTSTART; an EXDATE removes
    exactly that occurrence."""
    base = (f"BEGIN:VEVENT\r\nUID:p\r\nDTSTART;VALUE=DATE:{start:%Y%m%d}\r\n"
            f"RRULE:FREQ={freq};INTERVAL={interval};COUNT={count}\r\n")
    days = [d for d, _t in expand(base + "SUMMARY:x\r\nEND:VEVENT\r\n", start,
                                  start + timedelta(days=366 * 5 * 8 + 40))]
    assert len(days) <= count and days[0] == start and days == sorted(set(days))
    if freq == "DAILY":
        assert days == [start + timedelta(days=interval * i) for i in range(count)]
    if skip < len(days):
        gone = days[skip]
        text = base + f"EXDATE;VALUE=DATE:{gone:%Y%m%d}\r\nSUMMARY:x\r\nEND:VEVENT\r\n"
        fewer = [d for d, _t in expand(text, start, start + timedelta(days=366 * 5 * 8 + 40))]
        assert fewer == [d for d in days if d != gone]
