"""iCalendar in and out, with the icalendar library.

Import: all-day and timed events (timed ones placed on their own zone's local date
and time), yearly RRULEs, escaped text, CJK summaries. A component that cannot be
used is reported (which one, why) and skipped; the rest go in one transaction;
the same file imported again adds nothing (the calendar's name plus each UID).
Holiday feeds are recognised: days off become holidays, make-up working days (补班)
become workdays, and both feed the SOP generator's working-day rule.

Export: events, renewals, planned touchpoints and open SOP tasks as one calendar
with stable UIDs, valid RFC 5545 that round-trips through the library.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from csm_tui.changelog import record
from csm_tui.dates import FIRST_DATE, LAST_DATE, in_range
from csm_tui.i18n import t
from db.bulk import bulk_insert
from db.models import Event, utcnow
from db.queries import accounts as qa
from db.queries import events as qe
from db.queries import tasks as qt
from db.queries import touchpoints as qtp

if TYPE_CHECKING:
    from sqlmodel import Session

    from db.store import Store

WORKDAY = re.compile(r"补班|调休上班|上班|make-?up (working )?day|working day|workday", re.I)
HOLIDAY = re.compile(r"假期|放假|休息|节假日|holiday|day off|vacation|bank holiday", re.I)
MAX_BYTES = 50 * 1024 * 1024


class IcsError(ValueError):
    """The file as a whole cannot be read as iCalendar."""


@dataclass
class IcsReport:
    source: str
    imported: int = 0
    duplicates: int = 0
    rejected: list[tuple[str, str]] = field(default_factory=list)  # (which, why)
    event_ids: list[int] = field(default_factory=list)

    def summary(self) -> str:
        return t("{imported} imported, {duplicates} already there, {rejected} rejected",
                 imported=self.imported, duplicates=self.duplicates,
                 rejected=len(self.rejected))


def _decode(raw: bytes, path: Path) -> str:
    for enc in ("utf-8-sig", "gb18030"):
        try:
            return raw.decode(enc)
        except UnicodeDecodeError:
            continue
    raise IcsError(t("{path}: not UTF-8 or GB18030 text", path=path))


def read_calendar(path: Path) -> Any:
    """Parse a file, or raise IcsError saying why it is not a calendar."""
    import icalendar

    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise IcsError(t("{path}: cannot read ({strerror})", path=path,
                         strerror=exc.strerror)) from None
    if len(raw) > MAX_BYTES:
        raise IcsError(t("{path}: larger than {value} MB",
                         path=path, value=MAX_BYTES // 2 ** 20))
    text = _decode(raw, path)
    if "BEGIN:VCALENDAR" not in text[:4096].upper():
        raise IcsError(t("{path}: not an iCalendar file (no BEGIN:VCALENDAR at the start)",
                         path=path))
    if "END:VCALENDAR" not in text.upper():
        raise IcsError(t("{path}: truncated: END:VCALENDAR is missing", path=path))
    try:
        cals = icalendar.Calendar.from_ical(text, multiple=True)
    except Exception as exc:  # the parser has more ways to fail than ValueError
        raise IcsError(t("{path}: not valid iCalendar ({exc})", path=path, exc=exc)) from None
    if not cals:
        raise IcsError(t("{path}: no calendar inside", path=path))
    return cals[0]


def classify(summary: str, calendar_name: str) -> str:
    if WORKDAY.search(summary):
        return "workday"
    if HOLIDAY.search(summary) or HOLIDAY.search(calendar_name):
        return "holiday"
    return "event"


def _when(component: Any, name: str) -> tuple[date, Any] | None:
    prop = component.get(name)
    if prop is None:
        return None
    value = prop.dt
    if isinstance(value, datetime):
        if value.tzinfo is not None and str(value.tzinfo) not in ("UTC", "utc"):
            return value.date(), value.timetz().replace(tzinfo=None)
        return value.date(), value.time()
    return value, None


def _component_rows(cal: Any, source: str, calendar_name: str, report: IcsReport
                    ) -> list[dict[str, Any]]:
    rows = []
    for n, comp in enumerate(cal.walk("VEVENT"), start=1):
        try:
            row = _component_row(comp, n, source, calendar_name, report)
        except Exception as exc:  # a property the parser let through broken (year 0001-01-01
            # minus a day, a value of the wrong type...): this event is refused, not the file
            report.rejected.append((f"VEVENT #{n}", f"cannot read this event ({exc})"))
            continue
        if row is not None:
            rows.append(row)
    return rows


def _text(comp: Any, name: str) -> str:
    value = comp.get(name, "")
    if isinstance(value, list):  # the property is given more than once: the first counts
        value = value[0] if value else ""
    return str(value).strip()


def _component_row(comp: Any, n: int, source: str, calendar_name: str, report: IcsReport
                   ) -> dict[str, Any] | None:
    """The event row for one VEVENT, or None after adding why not to the report."""
    summary = _text(comp, "summary")
    uid = _text(comp, "uid")
    which = f"VEVENT #{n}" + (f" {uid}" if uid else "") + (f" “{summary}”" if summary else "")
    errors = getattr(comp, "errors", [])
    if errors:
        report.rejected.append((which, "; ".join(f"{p}: {m}" for p, m in errors)))
        return None
    try:
        start = _when(comp, "dtstart")
        end = _when(comp, "dtend")
    except Exception as exc:  # a broken property the parser let through
        report.rejected.append((which, str(exc)))
        return None
    if start is None:
        report.rejected.append((which, "no DTSTART"))
        return None
    on_date, at_time = start
    if not in_range(on_date) or (end is not None and not in_range(end[0])):
        report.rejected.append((which, f"dates outside {FIRST_DATE.year}–{LAST_DATE.year}"))
        return None
    end_date = None
    if end is not None:
        last = end[0] - timedelta(days=1) if end[1] is None else end[0]  # DTEND exclusive
        if last < on_date:
            report.rejected.append((which, f"DTEND {end[0]} is before DTSTART {on_date}"))
            return None
        end_date = last if last != on_date else None
    yearly = False
    rrule = comp.get("rrule")
    if isinstance(rrule, list):
        report.rejected.append((which, "more than one RRULE"))
        return None
    if rrule is not None:
        freq = (rrule.get("FREQ") or [""])[0]
        if freq != "YEARLY":
            report.rejected.append((which, f"repeats {freq or '?'}: only yearly "
                                           "recurrence is supported"))
            return None
        yearly = True
    if not uid:
        uid = "nouid-" + hashlib.sha1(f"{summary}|{on_date}|{at_time}".encode()).hexdigest()
    kind_prop = _text(comp, "x-csm-kind")
    kind = kind_prop if kind_prop in ("event", "holiday", "workday", "anniversary") else \
        classify(summary, calendar_name)
    return {
        "title": summary or "(untitled)", "on_date": on_date, "end_date": end_date,
        "at_time": at_time, "yearly": yearly, "kind": kind, "scope": "global",
        "industry": None, "account_id": None, "target_tiers": "", "target_industries": "",
        "lead_days": 0, "description": _text(comp, "description"),
        "source": source, "source_uid": uid[:300], "created_at": utcnow(),
    }


def import_ics(store: Store, path: Path) -> IcsReport:
    """Import a file; valid events in one transaction, the rest reported."""
    cal = read_calendar(path)
    name = _text(cal, "x-wr-calname") or _text(cal, "prodid") or path.stem
    source = f"ics:{name}"[:100]
    report = IcsReport(source)
    rows = _component_rows(cal, source, name, report)
    with store.transaction() as session:
        known = qe.source_uids(session, source)
        fresh = []
        for row in rows:
            if row["source_uid"] in known:
                report.duplicates += 1
                continue
            known.add(row["source_uid"])
            fresh.append(row)
        bulk_insert(session, Event, fresh)
        report.imported = len(fresh)
        session.flush()
        if fresh:
            report.event_ids = qe.event_ids_for(session, source,
                                                [r["source_uid"] for r in fresh])
        record(session, action="events.import", entity="event", entity_id=None,
               summary=f"Imported {path.name}: {report.summary()}",
               payload={"created": report.event_ids[:5000]})
    return report


# ---- export ------------------------------------------------------------------

def _vevent(uid: str, summary: str, day: date, *, end: date | None = None,
            at: Any = None, description: str = "", yearly: bool = False,
            kind: str = "", categories: str = "") -> Any:
    import icalendar

    ev = icalendar.Event()
    ev.add("uid", uid)
    ev.add("dtstamp", datetime.now(UTC).replace(microsecond=0))
    ev.add("summary", summary)
    if at is not None:
        start = datetime.combine(day, at)
        ev.add("dtstart", start)
        ev.add("dtend", start + timedelta(hours=1))
    else:
        ev.add("dtstart", day)
        ev.add("dtend", (end or day) + timedelta(days=1))
    if yearly:
        ev.add("rrule", {"freq": "yearly"})
    if description:
        ev.add("description", description)
    if categories:
        ev.add("categories", categories)
    if kind:
        ev.add("x-csm-kind", kind)
    return ev


def build_export(session: Session, today: date) -> Any:
    """The whole calendar: stored events, renewals, planned touchpoints, open tasks."""
    import icalendar

    cal = icalendar.Calendar()
    cal.add("prodid", "-//csm-tui//Customer Success calendar//EN")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", "csm-tui")
    for ev in qe.all_events(session):
        cal.add_component(_vevent(f"event-{ev.id}@csm-tui", ev.title, ev.on_date,
                                  end=ev.end_date, at=ev.at_time, description=ev.description,
                                  yearly=ev.yearly, kind=ev.kind, categories=ev.kind))
    names: dict[int, str] = {}
    for aid, name, end, term in qa.account_terms(session):
        names[aid] = name
        if end is not None:
            cal.add_component(_vevent(f"renewal-{aid}-{term}@csm-tui", f"Renewal: {name}", end,
                                      kind="renewal", categories="renewal"))
    for tid, aid, due, channel, step in qtp.planned_with_dates(session):
        cal.add_component(_vevent(f"touchpoint-{tid}@csm-tui",
                                  f"{channel}: {names.get(aid, aid)}", due,
                                  description=step or "", kind="touchpoint",
                                  categories="touchpoint"))
    for tid, aid, due, title in qt.open_dated_tasks(session):
        cal.add_component(_vevent(f"task-{tid}@csm-tui", f"SOP: {title} ({names.get(aid, aid)})",
                                  due, kind="task", categories="task"))
    return cal


def export_ics(store: Store, out: Path, today: date) -> int:
    """Write the calendar; returns the number of VEVENTs written."""
    with store.session() as session:
        cal = build_export(session, today)
    data = cal.to_ical()
    tmp = out.with_name(out.name + ".tmp")
    tmp.write_bytes(data)
    tmp.replace(out)
    return len(cal.subcomponents)
