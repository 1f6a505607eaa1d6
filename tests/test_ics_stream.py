"""`csm import ics` in bounded memory (#20): the file is read component by component and
written in batches inside one transaction, with the same events the library finds
reading the whole file: every VCALENDAR, overrides before or after their master, time
zones defined after their use; an error anywhere rolls all of it back."""

from __future__ import annotations

import codecs
import io
import os
import random
import threading
import tracemalloc
from datetime import date, time, timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlmodel import select

from csm_tui import ical
from csm_tui.ical import IcsError, expand, import_ics
from db.models import Event
from db.store import Store

START, END = date(2026, 1, 1), date(2029, 12, 31)
CUSTOM_ZONE = ("BEGIN:VTIMEZONE\r\nTZID:Stream Test Time\r\nBEGIN:STANDARD\r\n"
               "DTSTART:19700101T000000\r\nTZOFFSETFROM:+0300\r\nTZOFFSETTO:+0300\r\n"
               "END:STANDARD\r\nEND:VTIMEZONE\r\n")


def _vevent(*lines: str) -> str:
    return "BEGIN:VEVENT\r\n" + "".join(f"{x}\r\n" for x in lines) + "END:VEVENT\r\n"


def _generated(seed: int = 7, calendars: int = 3, rules: int = 12, singles: int = 20
               ) -> tuple[str, dict[str, int]]:
    """Calendars of weekly rules (an EXDATE, one or two RECURRENCE-ID overrides each)
    and one-off events, every calendar's components shuffled, so overrides come before
    and after their masters; the second calendar defines its time zone at the end.
    Returns the text and how many rows each calendar should give."""
    rnd = random.Random(seed)
    out, rows = [], {}
    for c in range(1, calendars + 1):
        comps: list[tuple[str, str]] = []  # (uid, text)
        for r in range(rules):
            uid = f"rule-{c}-{r}@stream"
            day = date(2026, 3, 2) + timedelta(days=rnd.randrange(300))
            comps.append((uid, _vevent(
                f"UID:{uid}", "DTSTAMP:20260101T000000Z", f"DTSTART:{day:%Y%m%d}T090000Z",
                "RRULE:FREQ=WEEKLY;COUNT=6", f"EXDATE:{day + timedelta(days=7):%Y%m%d}T090000Z",
                f"SUMMARY:Weekly {c}-{r}")))
            for k in range(rnd.choice((1, 2))):
                moved = day + timedelta(days=14 + 7 * k)
                comps.append((uid, _vevent(
                    f"UID:{uid}", "DTSTAMP:20260101T000000Z",
                    f"RECURRENCE-ID:{moved:%Y%m%d}T090000Z",
                    f"DTSTART:{moved + timedelta(days=1):%Y%m%d}T150000Z",
                    f"SUMMARY:Weekly {c}-{r} (moved)")))
        for s in range(singles):
            day = date(2026, 1, 5) + timedelta(days=rnd.randrange(700))
            start = (f"DTSTART;TZID=Stream Test Time:{day:%Y%m%d}T100000" if c == 2 else
                     f"DTSTART;VALUE=DATE:{day:%Y%m%d}")
            comps.append((f"one-{c}-{s}", _vevent(f"UID:one-{c}-{s}", start,
                                                  f"SUMMARY:Event {c}-{s}")))
        rnd.shuffle(comps)
        first = {uid: i for i, (uid, text) in reversed(list(enumerate(comps)))}
        assert any("RECURRENCE-ID" in comps[first[u]][1] for u in first)  # an override first
        zone = CUSTOM_ZONE if c == 2 else ""
        out.append(f"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//stream {c}//EN\r\n"
                   + "".join(text for _uid, text in comps) + zone
                   + f"X-WR-CALNAME:Stream {c}\r\nEND:VCALENDAR\r\n")
        rows[f"ics:Stream {c}"] = rules + singles
    return "".join(out), rows


def _library_occurrences(text: str) -> dict[tuple[str, str], list[tuple[Any, Any]]]:
    """(calendar name, UID) -> the (local date, time) of each occurrence, as the
    library says reading the whole file at once."""
    import icalendar
    import recurring_ical_events

    out: dict[tuple[str, str], list[tuple[Any, Any]]] = {}
    for cal in icalendar.Calendar.from_ical(text, multiple=True):
        name = str(cal.get("x-wr-calname"))
        for comp in recurring_ical_events.of(cal).between(START, END + timedelta(days=1)):
            when = ical._when(comp, "dtstart")
            assert when is not None
            out.setdefault((name, str(comp.get("uid"))), []).append(when[:2])
    return {key: sorted(set(v), key=repr) for key, v in out.items()}


def _stored_occurrences(store: Store) -> dict[tuple[str, str], list[tuple[Any, Any]]]:
    out: dict[tuple[str, str], list[tuple[Any, Any]]] = {}
    with store.session() as s:
        for ev in s.exec(select(Event)).all():
            key = (ev.source.removeprefix("ics:"), ev.source_uid or "")
            found = expand(ev.recurrence, START, END) if ev.recurrence else \
                [(ev.on_date, ev.at_time)]
            out.setdefault(key, []).extend(found)
    return {key: sorted(set(v), key=repr) for key, v in out.items()}


def test_generated_calendars_with_overrides_before_their_masters(
        store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ical, "BATCH", 7)  # batches cross calendars and groups
    monkeypatch.setattr(ical, "READ_CHUNK", 61)  # lines straddle every read
    text, rows = _generated()
    path = tmp_path / "three.ics"
    path.write_text(text, encoding="utf-8")
    report = import_ics(store, path)
    assert (report.calendars, report.rejected, report.duplicates) == (3, [], 0)
    assert report.imported == sum(rows.values()) == len(report.event_ids)
    with store.session() as s:
        events = s.exec(select(Event)).all()
    assert {src: sum(e.source == src for e in events) for src in rows} == rows
    masters = [e for e in events if e.source_uid and e.source_uid.startswith("rule-")]
    assert all("RECURRENCE-ID" in e.recurrence for e in masters)  # overrides kept inside
    assert _stored_occurrences(store) == _library_occurrences(text)
    zoned = next(e for e in events if e.source_uid == "one-2-0")
    assert (zoned.at_time, zoned.tzid) == (time(7, 0), "UTC")  # 10:00 +03:00, defined later
    again = import_ics(store, path)
    assert (again.imported, again.duplicates, again.rejected) == (0, report.imported, [])


def test_an_override_without_its_master_here_is_kept_on_its_own(store: Store,
                                                                 tmp_path: Path) -> None:
    master = _vevent("UID:w", "DTSTART:20261201T090000Z", "RRULE:FREQ=WEEKLY;COUNT=3",
                     "SUMMARY:Weekly")
    moved = _vevent("UID:w", "RECURRENCE-ID:20261208T090000Z", "DTSTART:20261209T090000Z",
                    "SUMMARY:Moved")
    head = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nX-WR-CALNAME:{}\r\n"
    path = tmp_path / "split.ics"
    path.write_text(head.format("A") + moved + "END:VCALENDAR\r\n"
                    + head.format("B") + master + "END:VCALENDAR\r\n")
    report = import_ics(store, path)
    assert (report.imported, report.calendars) == (2, 2)
    with store.session() as s:
        got = {(e.source, e.title): e.on_date for e in s.exec(select(Event)).all()}
    assert got == {("ics:A", "Moved"): date(2026, 12, 9), ("ics:B", "Weekly"): date(2026, 12, 1)}


def test_an_error_at_the_end_rolls_back_every_batch(store: Store, tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ical, "BATCH", 2)
    text, _rows = _generated(calendars=2)
    broken = _vevent("UID:last", "DTSTART;VALUE=DATE:20261201", "BEGIN:VALARM",
                     "TRIGGER:not a duration", "END:VALARM")  # a VALARM does not forgive
    path = tmp_path / "late.ics"
    path.write_text(text.replace("END:VCALENDAR\r\n", broken + "END:VCALENDAR\r\n")
                    .replace(broken, "", 1))  # only in the last calendar
    with pytest.raises(IcsError, match=r"late\.ics: not valid iCalendar"):
        import_ics(store, path)
    with store.session() as s:
        assert s.exec(select(Event)).all() == []


def test_a_pipe_is_read_once_into_a_bounded_copy(store: Store, tmp_path: Path) -> None:
    text, rows = _generated(calendars=1, rules=2, singles=3)
    fifo = tmp_path / "calendar.ics"
    os.mkfifo(fifo)

    def feed() -> None:
        with fifo.open("w", encoding="utf-8") as fh:
            fh.write(text)

    writer = threading.Thread(target=feed)
    writer.start()
    report = import_ics(store, fifo)
    writer.join(10)
    assert report.imported == sum(rows.values()) and not report.rejected


def test_memory_stays_bounded(store: Store, tmp_path: Path) -> None:
    """A quarter MB of calendar: the library holding it whole allocates about 50 MB;
    read component by component the import's own allocations stay far below that."""
    warm, _rows = _generated(seed=1, calendars=1, rules=1, singles=1)
    (tmp_path / "warm.ics").write_text(warm.replace("Stream 1", "Warm"), encoding="utf-8")
    import_ics(store, tmp_path / "warm.ics")  # the libraries loaded before measuring
    text, rows = _generated(calendars=2, rules=40, singles=1000)
    path = tmp_path / "big.ics"
    path.write_text(text, encoding="utf-8")
    del text
    tracemalloc.start()
    try:
        report = import_ics(store, path)
        _size, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert report.imported == sum(rows.values()) and not report.rejected
    assert peak < 8 * 2 ** 20, f"peak {peak / 2 ** 20:.1f} MB"


# ---- the reading itself ------------------------------------------------------------

LINE_TEXT = st.lists(st.one_of(
    st.sampled_from(["BEGIN:VEVENT", "SUMMARY:a", " folded", "\tfolded", "", "UID:x", "\r",
                     "DESCRIPTION:多字节", " 续"]),
    st.text(st.characters(blacklist_categories=("Cs",)), max_size=8)), max_size=25)


@settings(max_examples=200, deadline=None)
@given(lines=LINE_TEXT, sep=st.sampled_from(["\r\n", "\n"]), end=st.booleans(),
       chunk=st.integers(1, 9), encoding=st.sampled_from(["utf-8", "utf-8-sig", "gb18030"]))
def test_content_lines_unfold_as_the_library_does(lines: list[str], sep: str, end: bool,
                                                  chunk: int, encoding: str) -> None:
    from icalendar.parser import Contentlines

    text = sep.join(lines) + (sep if end else "")
    want = [str(x) for x in Contentlines.from_ical(text) if x]
    saved = ical.READ_CHUNK
    ical.READ_CHUNK = chunk
    try:
        got = list(ical._content_lines(io.BytesIO(text.encode(encoding)), encoding))
    finally:
        ical.READ_CHUNK = saved
    assert got == want


@pytest.mark.parametrize("data", [b"\xef", b"\x81", b"BEGIN:VCALENDAR\r\n\xe4"])
def test_an_unfinished_character_at_the_end_is_not_text(store: Store, tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch,
                                                         data: bytes) -> None:
    monkeypatch.setattr(ical, "READ_CHUNK", 1)
    path = tmp_path / "cut.ics"
    path.write_bytes(data)
    with pytest.raises(IcsError, match="not UTF-8 or GB18030"):
        import_ics(store, path)


def test_a_bom_is_dropped_however_the_file_is_read(store: Store, tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ical, "READ_CHUNK", 1)
    path = tmp_path / "bom.ics"
    path.write_bytes(codecs.BOM_UTF8 + b"BEGIN:VCALENDAR\r\nX-WR-CALNAME:BOM\r\n"
                     + _vevent("UID:b", "DTSTART;VALUE=DATE:20261201", "SUMMARY:教师节").encode()
                     + b"END:VCALENDAR\r\n")
    report = import_ics(store, path)
    assert (report.imported, report.source) == (1, "ics:BOM")


@settings(max_examples=300, deadline=None)
@given(value=st.text(max_size=20), override=st.booleans())
def test_a_uid_is_read_as_the_library_reads_it(value: str, override: bool) -> None:
    """The survey's shortcut for a plain UID gives what the library's parse gives."""
    import icalendar

    value = value.replace("\r", "").replace("\n", "")
    lines = [f"UID:{value}"] + (["RECURRENCE-ID:20261208T090000Z"] if override else [])
    comp = icalendar.Component.from_ical("BEGIN:VEVENT\r\n" + "".join(f"{x}\r\n" for x in lines)
                                         + "END:VEVENT\r\n")
    assert ical._uid_and_override(lines) == (ical._text(comp, "uid"), override)
