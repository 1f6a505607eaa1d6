"""iCalendar in and out, with the icalendar library; recurrences expanded by
recurring-ical-events.

Import: every VCALENDAR in the file; all-day and timed events (timed ones keep their
time zone: placed on their own zone's local date and time, exported back in it);
recurrences as RFC 5545 says (COUNT, UNTIL, INTERVAL, BYDAY with ordinals, EXDATE,
RDATE, and RECURRENCE-ID overrides): a plain yearly rule is kept as "yearly", any
other is kept as its VEVENT text and expanded by the library when shown. A rule the
app cannot keep (repeating within a day) is reported, never simplified. A component
that cannot be used is reported (which one, why) and skipped; the rest go in one
transaction; the same file imported again adds nothing (the calendar's name plus each
UID), and neither does our own export (its derived items are marked X-CSM-KIND, its
events X-CSM-EVENT). Holiday feeds are recognised: days off become holidays, make-up
working days (补班) become workdays, and both feed the working-day rule. Control
characters are stripped from the text. The file is read in bounded memory at any size
(up to MAX_BYTES): component by component, never held whole (see import_ics).

Export: events, renewals, planned touchpoints and open SOP tasks as one calendar with
stable UIDs and time zones (TZID with its VTIMEZONE, or UTC), valid RFC 5545 that
round-trips through the library and shows the right local time in khal.
"""

from __future__ import annotations

import codecs
import hashlib
import os
import re
import stat
import tempfile
from array import array
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO, cast

from csm_tui.changelog import record
from csm_tui.dates import FIRST_DATE, LAST_DATE, in_range
from csm_tui.i18n import t
from csm_tui.safe_files import atomic_write, strip_controls
from db.bulk import insert_columns
from db.models import Event, utcnow
from db.queries import events as qe

if TYPE_CHECKING:
    from sqlmodel import Session

    from db.store import Store

WORKDAY = re.compile(r"补班|调休上班|上班|make-?up (working )?day|working day|workday", re.I)
HOLIDAY = re.compile(r"假期|放假|休息|节假日|holiday|day off|vacation|bank holiday", re.I)
MAX_BYTES = 50 * 1024 * 1024
READ_CHUNK = 1 << 20  # bytes read at a time
BATCH = 1000  # event rows written at a time
KEPT_IDS = 5000  # the created events' ids the report and the change log keep
DERIVED = ("renewal", "touchpoint", "task")  # our export's items made from other data
SUB_DAILY = ("HOURLY", "MINUTELY", "SECONDLY")
OUR_EVENT = re.compile(r"event-(\d+)@csm-tui")
TZID_PARAM = re.compile(r";TZID=\"?([^;:\"]+)", re.I)
PLAIN_MARK = re.compile(r"(BEGIN|END):([A-Z0-9-]+)", re.I)  # BEGIN:VEVENT, END:VALARM


class IcsError(ValueError):
    """The file as a whole cannot be read as iCalendar."""


@dataclass
class IcsReport:
    source: str
    imported: int = 0
    duplicates: int = 0
    derived: int = 0  # our own export's renewals, touchpoints and tasks: not events
    rejected: list[tuple[str, str]] = field(default_factory=list)  # (which, why)
    event_ids: list[int] = field(default_factory=list)  # created (the first KEPT_IDS)
    calendars: int = 1
    replanned: str = ""  # what the new calendar moved (csm_tui.event_ops), for the report

    def summary(self) -> str:
        text = t("{imported} imported, {duplicates} already there, {rejected} rejected",
                 imported=self.imported, duplicates=self.duplicates,
                 rejected=len(self.rejected))
        if self.derived:
            text += t("; {n} renewals, touchpoints and tasks from a csm-tui export left out "
                      "(they come from the accounts)", n=self.derived)
        return text


def _too_big(path: Path, limit: int) -> IcsError:
    return IcsError(t("{path}: larger than {value} MB", path=path, value=limit // 2 ** 20))


def _cannot_read(path: Path, exc: OSError) -> IcsError:
    return IcsError(t("{path}: cannot read ({strerror})", path=path, strerror=exc.strerror))


def open_limited(path: Path, limit: int = MAX_BYTES) -> BinaryIO:
    """The file opened for reading, refused before reading when it is larger than
    `limit`; a device or pipe (no size to ask, no second reading) is copied to a
    temporary file, at most `limit` + 1 bytes, so even /dev/zero ends at once with
    the same clear line."""
    try:
        fh = path.open("rb")
    except OSError as exc:
        raise _cannot_read(path, exc) from None
    try:
        info = os.fstat(fh.fileno())
        if stat.S_ISREG(info.st_mode):
            if info.st_size > limit:
                raise _too_big(path, limit)
            return fh
        spool = tempfile.TemporaryFile()  # noqa: SIM115  (returned, closed by the caller)
        try:
            copied = 0
            while chunk := fh.read(min(READ_CHUNK, limit + 1 - copied)):
                copied += len(chunk)
                if copied > limit:
                    raise _too_big(path, limit)
                spool.write(chunk)
        except BaseException:
            spool.close()
            raise
        fh.close()
        spool.seek(0)
        return cast(BinaryIO, spool)
    except OSError as exc:
        fh.close()
        raise _cannot_read(path, exc) from None
    except BaseException:
        fh.close()
        raise


def read_limited(path: Path, limit: int = MAX_BYTES) -> bytes:
    """The file's bytes, refused before reading when it is larger than `limit` (a
    device or pipe is read at most `limit` + 1 bytes)."""
    with open_limited(path, limit) as fh:
        try:
            raw = fh.read(limit + 1)
        except OSError as exc:
            raise _cannot_read(path, exc) from None
    if len(raw) > limit:
        raise _too_big(path, limit)
    return raw


class _Decoder:
    """Text decoded chunk by chunk exactly as bytes.decode would decode it whole: for
    "utf-8-sig" a leading BOM is dropped here, since the codec's own incremental decoder
    lets an unfinished BOM at the end of the file through instead of refusing it."""

    def __init__(self, encoding: str) -> None:
        self.bom = encoding == "utf-8-sig"
        self.inner = codecs.getincrementaldecoder("utf-8" if self.bom else encoding)()

    def decode(self, raw: bytes, final: bool) -> str:
        text: str = self.inner.decode(raw, final)
        if self.bom and text:
            self.bom = False
            text = text.removeprefix("\ufeff")
        return text


def _text_encoding(fh: BinaryIO, path: Path, limit: int = MAX_BYTES) -> str:
    """UTF-8 (a BOM allowed) or GB18030, whichever decodes the whole file, read chunk by
    chunk; then the file must start as a calendar and have its END:VCALENDAR."""
    for encoding in ("utf-8-sig", "gb18030"):
        fh.seek(0)
        decoder = _Decoder(encoding)
        head, tail, ended, size = "", "", False, 0
        try:
            while True:
                try:
                    raw = fh.read(READ_CHUNK)
                except OSError as exc:
                    raise _cannot_read(path, exc) from None
                size += len(raw)
                if size > limit:  # grew since it was measured
                    raise _too_big(path, limit)
                text = decoder.decode(raw, final=not raw)
                if len(head) < 4096:
                    head += text[:4096 - len(head)]
                if not ended:
                    window = tail + text
                    ended = "END:VCALENDAR" in window.upper()
                    tail = window[-16:]
                if not raw:
                    break
        except UnicodeDecodeError:
            continue
        if "BEGIN:VCALENDAR" not in head.upper():
            raise IcsError(t("{path}: not an iCalendar file (no BEGIN:VCALENDAR at the start)",
                             path=path))
        if not ended:
            raise IcsError(t("{path}: truncated: END:VCALENDAR is missing", path=path))
        return encoding
    raise IcsError(t("{path}: not UTF-8 or GB18030 text", path=path))


def _content_lines(fh: BinaryIO, encoding: str) -> Iterator[str]:
    """The file's content lines, unfolded as the icalendar library unfolds them (a line
    that starts with a space or tab continues the one before, blank lines between
    them dropped), read chunk by chunk."""
    fh.seek(0)
    decoder = _Decoder(encoding)
    parts: list[str] = []  # the content line being put together
    first = True  # no line break before the next physical line
    pending = ""
    while True:
        raw = fh.read(READ_CHUNK)
        pending += decoder.decode(raw, final=not raw)
        lines = pending.split("\n")
        pending = lines.pop()
        lines = [line[:-1] if line.endswith("\r") else line for line in lines]
        if not raw and pending:
            lines.append(pending)  # the last line, without a line break
        for line in lines:
            if line:
                if line[0] in " \t" and not first:
                    parts.append(line[1:])
                else:
                    if parts:
                        yield "".join(parts)
                    parts = [line]
            first = False
        if not raw:
            break
    if parts:
        yield "".join(parts)


def _structure(line: str, contentline: Any) -> tuple[str, str] | None:
    """("BEGIN" or "END", the component's name) for a line that opens or closes a
    component (as the library tells them: the name before the parameters and the value),
    None for a property line."""
    head = line[:5].upper()
    if head != "BEGIN" and head[:3] != "END":
        return None
    plain = PLAIN_MARK.fullmatch(line)
    if plain:  # what the library makes of it, without the library
        return plain.group(1).upper(), plain.group(2).upper()
    try:
        name, _params, value = contentline(line).parts()
    except ValueError:  # a broken line: the component it is in deals with it
        return None
    name = name.upper()
    return (name, value.upper()) if name in ("BEGIN", "END") else None


@dataclass
class _Calendar:
    """What the survey knows of one top-level component (a VCALENDAR)."""

    name: str
    source: str
    groups: dict[str, int]  # UID -> its master(s) and overrides: components kept together


def _uid_and_override(lines: list[str]) -> tuple[str, bool]:
    """A VEVENT's UID (as _text reads it) and whether it has a RECURRENCE-ID, from its
    own UID… and REC… lines; a plain UID is read without the library."""
    if len(lines) == 1 and lines[0][:4].upper() == "UID:":
        value = lines[0][4:]
        if "\\" not in value and value.isprintable() and value == value.strip():
            return value, False
    import icalendar

    comp = icalendar.Component.from_ical("BEGIN:VEVENT\r\n" + "".join(f"{x}\r\n" for x in lines)
                                         + "END:VEVENT\r\n")
    return _text(comp, "uid"), comp.get("recurrence-id") is not None


def _top_level(begin: str, header: list[str], end: str, masters: array[int],
               overrides: dict[str, int], path: Path) -> _Calendar:
    import icalendar

    head = icalendar.Component.from_ical("".join(f"{x}\r\n" for x in [begin, *header, end]))
    name = _text(head, "x-wr-calname") or _text(head, "prodid") or path.stem
    groups: dict[str, int] = {}
    if overrides:  # which overrides have a master here, and how many components each
        by_hash: dict[int, list[str]] = {}
        for uid in overrides:
            by_hash.setdefault(hash(uid), []).append(uid)
        for h in masters:
            for uid in by_hash.get(h, ()):
                groups[uid] = groups.get(uid, overrides[uid]) + 1
    return _Calendar(name, f"ics:{name}"[:100], groups)


def _survey(lines: Iterator[str], path: Path) -> list[_Calendar]:
    """The first reading: the structure checked as the library checks it (every BEGIN
    has its END, no property outside a component), each top-level component's own
    properties (its name), the VTIMEZONEs (parsed now, so that an event names a zone
    defined anywhere in the file), and which UIDs have both a master and overrides.
    Keeps per event one number (its UID's hash), not the event."""
    import icalendar
    from icalendar.parser import Contentline

    parse = icalendar.Component.from_ical
    calendars: list[_Calendar] = []
    depth = 0
    own: list[list[str] | None] = []  # per open component: a VEVENT's UID/REC lines
    begin, header = "", []
    zone: list[str] | None = None
    zone_depth = 0
    masters: array[int] = array("q")
    overrides: dict[str, int] = {}
    for line in lines:
        kind = _structure(line, Contentline)
        if zone is not None:
            zone.append(line)
        if kind is None:
            if not depth:  # raises as the library does (an X-COMMENT alone is let through)
                parse(line + "\r\n", multiple=True)
            elif depth == 1:
                header.append(line)
            mine = own[-1] if own else None
            if mine is not None and line[:3].upper() in ("UID", "REC"):
                mine.append(line)
            continue
        if kind[0] == "BEGIN":
            if not depth:
                begin, header, masters, overrides = line, [], array("q"), {}
            depth += 1
            own.append([] if kind[1] == "VEVENT" else None)
            if kind[1] == "VTIMEZONE" and zone is None:
                zone, zone_depth = [line], depth
            continue
        if not depth:
            raise ValueError("END encountered without an accompanying BEGIN!")
        depth -= 1
        mine = own.pop()
        if mine is not None:
            uid, is_override = _uid_and_override(mine)
            if is_override:
                overrides[uid] = overrides.get(uid, 0) + 1
            else:
                masters.append(hash(uid))
        if zone is not None and depth < zone_depth:
            parse("".join(f"{x}\r\n" for x in zone))  # the library caches the zone
            zone = None
        if not depth:
            calendars.append(_top_level(begin, header, line, masters, overrides, path))
    if depth:  # the unfinished last component: the library still refuses its errors
        parse("".join(f"{x}\r\n" for x in [begin, *header]), multiple=True)
        if zone is not None:
            parse("".join(f"{x}\r\n" for x in zone), multiple=True)
    return calendars


Unit = tuple[_Calendar, int, Any, list[Any]]  # calendar, number, VEVENT, its overrides


def _group_units(calendar: _Calendar, group: list[tuple[int, Any]]) -> Iterator[Unit]:
    """A UID's components: each master with every override (the overrides are kept in
    its recurrence), or, with no master after all, each on its own."""
    masters = [(n, c) for n, c in group if c.get("recurrence-id") is None]
    overrides = [c for _n, c in group if c.get("recurrence-id") is not None]
    if not masters:
        for n, comp in group:
            yield calendar, n, comp, []
    for n, comp in masters:
        yield calendar, n, comp, overrides


def _units(lines: Iterator[str], calendars: list[_Calendar], path: Path) -> Iterator[Unit]:
    """The second reading: each component of a calendar parsed on its own (a VEVENT
    with its VALARMs), its VEVENTs numbered in file order; a UID with a master and
    overrides held only until all of its components are read."""
    import icalendar
    from icalendar.parser import Contentline

    depth, index, number = 0, -1, 0
    chunk: list[str] | None = None
    chunk_depth = 0
    pending: dict[str, list[tuple[int, Any]]] = {}
    for line in lines:
        kind = _structure(line, Contentline)
        if chunk is not None:
            chunk.append(line)
        if kind is None:
            continue
        if kind[0] == "BEGIN":
            if not depth:
                index += 1
            depth += 1
            if chunk is None and (depth == 2 or (depth == 1 and kind[1] == "VEVENT")):
                chunk, chunk_depth = [line], depth
            continue
        depth -= 1
        if depth < 0:
            raise IcsError(t("{path}: changed while it was read", path=path))
        if chunk is not None and depth < chunk_depth:
            text = "".join(f"{x}\r\n" for x in chunk)
            chunk = None
            try:  # the unfinished last calendar too: the library would refuse its errors
                comp = icalendar.Component.from_ical(text)
            except Exception as exc:  # the parser has more ways to fail than ValueError
                raise IcsError(t("{path}: not valid iCalendar ({exc})", path=path,
                                 exc=exc)) from None
            if index < len(calendars):  # not the unfinished last one
                calendar = calendars[index]
                for event in comp.walk("VEVENT"):
                    number += 1
                    uid = _text(event, "uid")
                    expected = calendar.groups.get(uid)
                    if expected is None:
                        yield calendar, number, event, []
                        continue
                    group = pending.setdefault(uid, [])
                    group.append((number, event))
                    if len(group) >= expected:
                        yield from _group_units(calendar, pending.pop(uid))
        if not depth and index < len(calendars):
            for uid in list(pending):
                yield from _group_units(calendars[index], pending.pop(uid))
    if chunk is not None:  # a component left open: its errors are still said
        try:
            icalendar.Component.from_ical("".join(f"{x}\r\n" for x in chunk), multiple=True)
        except Exception as exc:
            raise IcsError(t("{path}: not valid iCalendar ({exc})", path=path,
                             exc=exc)) from None


def classify(summary: str, calendar_name: str) -> str:
    if WORKDAY.search(summary):
        return "workday"
    if HOLIDAY.search(summary) or HOLIDAY.search(calendar_name):
        return "holiday"
    return "event"


def _zone_name(value: datetime) -> str:
    """'UTC', an IANA zone name, or '' (floating) for a datetime's time zone."""
    tz = value.tzinfo
    if tz is None:
        return ""
    key = getattr(tz, "key", None) or getattr(tz, "zone", None)
    if key:
        return "UTC" if key in ("UTC", "Etc/UTC", "Z") else str(key)[:64]
    name = str(tz)
    if name in ("UTC", "utc") or value.utcoffset() == timedelta(0):
        return "UTC"
    return ""


def _when(component: Any, name: str) -> tuple[date, time | None, str] | None:
    """(local date, local time or None for all-day, zone name)."""
    prop = component.get(name)
    if prop is None:
        return None
    value = prop.dt
    if isinstance(value, datetime):
        zone = _zone_name(value)
        if value.tzinfo is not None and not zone:  # a fixed offset: keep the instant
            value = value.astimezone(UTC)
            zone = "UTC"
        return value.date(), value.time().replace(tzinfo=None), zone
    if isinstance(value, date):
        return value, None, ""
    raise ValueError(f"{name} is not a date")


def _text(comp: Any, name: str) -> str:
    value = comp.get(name, "")
    if isinstance(value, list):  # the property is given more than once: the first counts
        value = value[0] if value else ""
    return strip_controls(str(value)).strip()


def _plain_yearly(comp: Any, rrule: Any) -> bool:
    """FREQ=YEARLY and nothing else (no COUNT, UNTIL, INTERVAL, BY..., EXDATE, RDATE):
    what the app keeps as "yearly" without the library."""
    parts = {k.upper() for k in rrule}
    freq = str((rrule.get("FREQ") or [""])[0]).upper()
    return freq == "YEARLY" and parts == {"FREQ"} and comp.get("exdate") is None \
        and comp.get("rdate") is None


def _recurrence_text(master: Any, overrides: list[Any]) -> str:
    return "".join(c.to_ical().decode("utf-8") for c in [master, *overrides])


@lru_cache(maxsize=512)
def _expander(text: str) -> Any:
    import icalendar
    import recurring_ical_events

    cal = icalendar.Calendar.from_ical("BEGIN:VCALENDAR\r\nVERSION:2.0\r\n"
                                       "PRODID:-//csm-tui//recurrence//EN\r\n"
                                       + text + "END:VCALENDAR\r\n")
    return recurring_ical_events.of(cal)


def expand(recurrence: str, start: date, end: date) -> list[tuple[date, time | None]]:
    """The (local date, time) each occurrence of a stored recurrence starts on, in
    [start, end], as RFC 5545 (and recurring-ical-events) says."""
    out = []
    for comp in _expander(recurrence).between(start, end + timedelta(days=1)):
        when = _when(comp, "dtstart")
        if when is not None and start <= when[0] <= end:
            out.append((when[0], when[1]))
    return sorted(set(out), key=lambda x: (x[0], x[1] or time(0)))


def _check_rule(which: str, comp: Any, rrule: Any, report: IcsReport) -> bool:
    freq = str((rrule.get("FREQ") or [""])[0]).upper()
    if freq in SUB_DAILY:
        report.rejected.append((which, t("repeats {freq}: csm-tui keeps events by day, so "
                                         "this rule cannot be kept", freq=freq.lower())))
        return False
    if not freq:
        report.rejected.append((which, t("RRULE without FREQ")))
        return False
    return True


def _component_row(comp: Any, n: int, source: str, calendar_name: str, report: IcsReport,
                   overrides: list[Any]) -> dict[str, Any] | None:
    """The event row for one VEVENT, or None after adding why not to the report."""
    summary = _text(comp, "summary")
    uid = _text(comp, "uid")
    which = f"VEVENT #{n}" + (f" {uid}" if uid else "") + (f" “{summary}”" if summary else "")
    errors = getattr(comp, "errors", [])
    if errors:
        report.rejected.append((which, "; ".join(f"{p}: {m}" for p, m in errors)))
        return None
    kind_prop = _text(comp, "x-csm-kind")
    if kind_prop in DERIVED:
        report.derived += 1
        return None
    try:
        start = _when(comp, "dtstart")
        end = _when(comp, "dtend")
    except Exception as exc:  # a broken property the parser let through
        report.rejected.append((which, str(exc)))
        return None
    if start is None:
        report.rejected.append((which, t("no DTSTART")))
        return None
    on_date, at_time, zone = start
    if not in_range(on_date) or (end is not None and not in_range(end[0])):
        report.rejected.append((which, t("dates outside {first}–{last}",
                                         first=FIRST_DATE.year, last=LAST_DATE.year)))
        return None
    end_date = None
    if end is not None:
        last = end[0] - timedelta(days=1) if end[1] is None else end[0]  # DTEND exclusive
        if last < on_date:
            report.rejected.append((which, t("DTEND {end} is before DTSTART {start}",
                                             end=end[0], start=on_date)))
            return None
        end_date = last if last != on_date else None
    yearly = False
    recurrence = ""
    rrule = comp.get("rrule")
    if isinstance(rrule, list):
        report.rejected.append((which, t("more than one RRULE")))
        return None
    if rrule is not None:
        if not _check_rule(which, comp, rrule, report):
            return None
        if _plain_yearly(comp, rrule) and not overrides:
            yearly = True
        else:
            recurrence = _recurrence_text(comp, overrides)
    elif comp.get("rdate") is not None or overrides:
        recurrence = _recurrence_text(comp, overrides)
    if recurrence:
        try:  # the library must be able to expand it, or it is reported here
            expand(recurrence, on_date, min(LAST_DATE, on_date + timedelta(days=800)))
        except Exception as exc:
            report.rejected.append((which, t("a recurrence that cannot be expanded ({exc})",
                                             exc=exc)))
            return None
    if not uid:
        uid = "nouid-" + hashlib.sha1(f"{summary}|{on_date}|{at_time}".encode()).hexdigest()
    kind = kind_prop if kind_prop in ("event", "holiday", "workday", "anniversary") else \
        classify(summary, calendar_name)
    ours = OUR_EVENT.fullmatch(_text(comp, "x-csm-event") or uid)
    return {
        "title": (summary or "(untitled)")[:300], "on_date": on_date, "end_date": end_date,
        "at_time": at_time, "tzid": zone if at_time is not None else "", "yearly": yearly,
        "recurrence": recurrence, "kind": kind, "scope": "global",
        "industry": None, "account_id": None, "target_tiers": "", "target_industries": "",
        "lead_days": 0, "description": _text(comp, "description"),
        "source": source, "source_uid": uid[:300], "created_at": utcnow(),
        "_ours": int(ours.group(1)) if ours else None,
    }


def _rows(units: Iterator[Unit], report: IcsReport) -> Iterator[tuple[str, dict[str, Any]]]:
    """(source, event row) for each usable VEVENT; the others reported."""
    for calendar, n, comp, overrides in units:
        try:
            row = _component_row(comp, n, calendar.source, calendar.name, report, overrides)
        except Exception as exc:  # a property the parser let through broken (year 0001-01-01
            # minus a day, a value of the wrong type...): this event is refused, not the file
            report.rejected.append((f"VEVENT #{n}", t("cannot read this event ({exc})",
                                                      exc=exc)))
            continue
        if row is not None:
            yield calendar.source, row


def _write(session: Session, batch: list[tuple[str, dict[str, Any]]],
           report: IcsReport) -> None:
    """Insert a batch of rows, leaving out what is already there: a UID this calendar
    gave before (in an earlier import or an earlier batch), or an event of ours read
    back into the database it came from."""
    by_source: dict[str, list[dict[str, Any]]] = {}
    for source, row in batch:
        by_source.setdefault(source, []).append(row)
    for source, rows in by_source.items():
        known = qe.known_uids(session, source, [r["source_uid"] for r in rows])
        ours = qe.titles_and_dates(session, [r["_ours"] for r in rows
                                             if r["_ours"] is not None])
        fresh = []
        for row in rows:
            mine = row.pop("_ours")
            if row["source_uid"] in known or (
                    mine is not None and ours.get(mine) == (row["title"], row["on_date"])):
                report.duplicates += 1
                continue
            known.add(row["source_uid"])
            fresh.append(row)
        if fresh:  # every row has every column: one executemany
            keys = list(fresh[0])
            insert_columns(session, Event, keys, [[r[k] for r in fresh] for k in keys])
        report.imported += len(fresh)
        if fresh and len(report.event_ids) < KEPT_IDS:
            report.event_ids += qe.event_ids_for(session, source,
                                                 [r["source_uid"] for r in fresh])
            del report.event_ids[KEPT_IDS:]


def _number(rejected: tuple[str, str]) -> int:
    found = re.match(r"VEVENT #(\d+)", rejected[0])
    return int(found.group(1)) if found else 0


def import_ics(store: Store, path: Path, *, wait: float | None = None) -> IcsReport:
    """Import every calendar in a file; valid events in one transaction, the rest
    reported (one import at a time per database: csm_tui.tabular.locks).

    Memory stays bounded at any file size: the file is read three times, never held.
    First its encoding and its ends; then its structure (csm_tui.ical._survey: each
    calendar's name, the VTIMEZONEs, which UIDs have overrides); then component by
    component, each VEVENT parsed on its own and written in batches inside the one
    transaction (an error in the file rolls all of it back)."""
    from csm_tui.tabular.locks import hold_import_lock

    with open_limited(path) as fh:
        encoding = _text_encoding(fh, path)
        try:
            calendars = _survey(_content_lines(fh, encoding), path)
        except IcsError:
            raise
        except OSError as exc:
            raise _cannot_read(path, exc) from None
        except Exception as exc:  # the parser has more ways to fail than ValueError
            raise IcsError(t("{path}: not valid iCalendar ({exc})", path=path,
                             exc=exc)) from None
        if not calendars:
            for _unit in _units(_content_lines(fh, encoding), calendars, path):
                pass  # an error in an unfinished calendar is said first, as the library does
            raise IcsError(t("{path}: no calendar inside", path=path))
        report = IcsReport(calendars[0].source, calendars=len(calendars))
        with store.transaction() as session:
            hold_import_lock(session, wait=wait)
            batch: list[tuple[str, dict[str, Any]]] = []
            try:
                for item in _rows(_units(_content_lines(fh, encoding), calendars, path),
                                  report):
                    batch.append(item)
                    if len(batch) >= BATCH:
                        _write(session, batch, report)
                        batch.clear()
            except OSError as exc:
                raise _cannot_read(path, exc) from None
            _write(session, batch, report)
            report.rejected.sort(key=_number)
            record(session, action="events.import", entity="event", entity_id=None,
                   summary=f"Imported {path.name}: {report.summary()}",
                   payload={"created": report.event_ids[:KEPT_IDS]})
    return report


# ---- export ------------------------------------------------------------------

def _start(day: date, at: time, tzid: str) -> datetime:
    """A timed start as an aware datetime in its own zone: UTC, an IANA zone (written
    with TZID and its VTIMEZONE), or floating time read as this machine's local time
    and written in UTC, so every client shows the same instant."""
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    naive = datetime.combine(day, at)
    if tzid == "UTC":
        return naive.replace(tzinfo=UTC)
    if tzid:
        try:
            return naive.replace(tzinfo=ZoneInfo(tzid))
        except (ZoneInfoNotFoundError, ValueError):
            pass
    return naive.astimezone().astimezone(UTC)


def _vevent(uid: str, summary: str, day: date, *, end: date | None = None,
            at: time | None = None, tzid: str = "", description: str = "",
            yearly: bool = False, kind: str = "", categories: str = "",
            event_id: int | None = None) -> Any:
    import icalendar

    ev = icalendar.Event()
    ev.add("uid", uid)
    ev.add("dtstamp", datetime.now(UTC).replace(microsecond=0))
    ev.add("summary", strip_controls(summary))
    if at is not None:
        start = _start(day, at, tzid)
        ev.add("dtstart", start)
        ev.add("dtend", start + timedelta(hours=1))
    else:
        ev.add("dtstart", day)
        ev.add("dtend", (end or day) + timedelta(days=1))
    if yearly:
        ev.add("rrule", {"freq": "yearly"})
    if description:
        ev.add("description", strip_controls(description))
    if categories:
        ev.add("categories", categories)
    if kind:
        ev.add("x-csm-kind", kind)
    if event_id is not None:
        ev.add("x-csm-event", f"event-{event_id}@csm-tui")
    return ev


def _recurring(ev: Event) -> list[Any]:
    """A stored recurrence written back as it came (its overrides included), marked as
    ours so that reading it back adds nothing."""
    import icalendar

    cal = icalendar.Calendar.from_ical("BEGIN:VCALENDAR\r\nVERSION:2.0\r\n"
                                       "PRODID:-//csm-tui//recurrence//EN\r\n"
                                       + ev.recurrence + "END:VCALENDAR\r\n")
    comps = list(cal.walk("VEVENT"))
    for comp in comps:
        for prop in ("x-csm-kind", "x-csm-event"):
            comp.pop(prop, None)
        comp.add("x-csm-kind", ev.kind)
        comp.add("x-csm-event", f"event-{ev.id}@csm-tui")
    return comps


def _calendar_head() -> Any:
    import icalendar

    cal = icalendar.Calendar()
    cal.add("prodid", "-//csm-tui//Customer Success calendar//EN")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", "csm-tui")
    return cal


def _event_components(ev: Event) -> list[Any]:
    if ev.recurrence:
        return _recurring(ev)
    return [_vevent(f"event-{ev.id}@csm-tui", ev.title, ev.on_date, end=ev.end_date,
                    at=ev.at_time, tzid=ev.tzid, description=ev.description, yearly=ev.yearly,
                    kind=ev.kind, categories=ev.kind, event_id=ev.id)]


def _components(session: Session) -> Iterator[list[Any]]:
    """The calendar's VEVENTs in batches: stored events, renewals, planned touchpoints,
    open tasks (each read in batches, in id order)."""
    from db.queries import exports as qx

    for events in qx.events_by_id(session):
        yield [comp for ev in events for comp in _event_components(ev)]
    for batch in qx.renewals(session):
        yield [_vevent(f"renewal-{aid}-{term}@csm-tui", f"Renewal: {name}", end,
                       kind="renewal", categories="renewal") for aid, name, end, term in batch]
    for batch in qx.planned_touches(session):
        yield [_vevent(f"touchpoint-{tid}@csm-tui", f"{channel}: {name or aid}", due,
                       description=step or "", kind="touchpoint", categories="touchpoint")
               for tid, aid, due, channel, step, name in batch]
    for batch in qx.open_tasks(session):
        yield [_vevent(f"task-{tid}@csm-tui", f"SOP: {title} ({name or aid})", due,
                       kind="task", categories="task")
               for tid, aid, due, title, name in batch]


def _timezones(session: Session) -> list[Any]:
    """A VTIMEZONE for every zone the stored events name (what the library's
    add_missing_timezones gives, found without holding the calendar in memory)."""
    from icalendar import Timezone

    from db.queries import exports as qx

    zones: set[str] = set()
    for tzid, recurrence in qx.event_zones(session):
        if tzid and not recurrence:
            zones.add(tzid)
        unfolded = recurrence.replace("\r\n ", "").replace("\r\n\t", "")
        zones.update(m.group(1) for m in TZID_PARAM.finditer(unfolded))
    out = []
    for zone in sorted(zones - {"UTC", ""}):
        try:
            out.append(Timezone.from_tzid(zone, first_date=Timezone.DEFAULT_FIRST_DATE,
                                          last_date=Timezone.DEFAULT_LAST_DATE))
        except ValueError:
            continue
    return out


def build_export(session: Session, today: date) -> Any:
    """The whole calendar as one object (small calendars and tests; the export itself
    streams with `export_ics`)."""
    cal = _calendar_head()
    for comp in _timezones(session):
        cal.add_component(comp)
    for batch in _components(session):
        for comp in batch:
            cal.add_component(comp)
    return cal


def export_ics(store: Store, out: Path, today: date, *,
               progress: Callable[[str, int, int], None] | None = None) -> int:
    """Write the calendar as it is read, in batches (a 0600 file moved into place when
    complete); returns the number of VEVENTs written."""
    count = 0
    with store.session() as session, atomic_write(out) as fh:
        from db.queries import tables as qtab

        qtab.begin_snapshot(session)
        head = _calendar_head().to_ical()
        fh.write(head[:head.rindex(b"END:VCALENDAR")])
        for comp in _timezones(session):
            fh.write(comp.to_ical())
        for batch in _components(session):
            fh.write(b"".join(comp.to_ical() for comp in batch))
            count += len(batch)
            if progress:
                progress("export", count, 0)
        fh.write(b"END:VCALENDAR\r\n")
    return count
