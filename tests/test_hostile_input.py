"""Hostile input for every parser: whatever a user or a file throws at it, the result is
either a value or the project's own clear error (a ValueError subclass with a message:
CsvError, RowProblem, IcsError, SettingsError, ScoringError, PlaybookError), never a
KeyError / IndexError / AttributeError / TypeError / OverflowError / UnicodeDecodeError
traceback. A failed import leaves the database exactly as it was."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import math
import os
import sqlite3
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from csm_tui.dateparse import parse_when
from csm_tui.dates import parse_iso_date
from csm_tui.ical import IcsError, import_ics
from csm_tui.money import parse_money
from csm_tui.playbooks import PlaybookError, load_playbooks
from csm_tui.scoring import ScoringError, load_scoring
from csm_tui.settings import SettingsError, load_settings
from csm_tui.tabular.importers import import_file, preview_rows
from csm_tui.tabular.mapping import FIELDS
from csm_tui.tabular.parsers import RowProblem, parse_amount, parse_date
from db.models import Account, Contact
from db.store import Store, open_store

pytestmark = pytest.mark.sqlite_only  # the unchanged-database check hashes a SQLite file

TODAY = date(2026, 11, 24)
FAST = settings(max_examples=int(os.environ.get("CSM_HOSTILE_EXAMPLES", "150")), deadline=None)
FILES = settings(max_examples=int(os.environ.get("CSM_HOSTILE_EXAMPLES", "60")), deadline=None,
                 suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
SQLITE_MAX = 2**63 - 1


def _clear(exc: BaseException, kind: type[BaseException] = ValueError) -> None:
    """The error a user gets must be one of ours, with something to read."""
    assert isinstance(exc, kind) and not isinstance(exc, UnicodeError), \
        f"{type(exc).__name__} instead of a clear {kind.__name__}: {exc!r}"
    assert str(exc).strip(), f"{type(exc).__name__} without a message"


# ---- words and numbers ------------------------------------------------------

DATE_LIKE = st.one_of(
    st.text(max_size=30),
    st.from_regex(r"\+?\d{1,12}\s*(d|days?|w|wk|weeks?|m|mo|months?|y|years?)", fullmatch=True),
    st.from_regex(r"(next )?(mon|tue|wed|thu|fri|sat|sun)[a-z]{0,6}", fullmatch=True),
    st.from_regex(r"-?\d{1,6}[-/.年]\d{1,3}[-/.月]\d{1,3}日?( \d{1,2}:\d{1,2}(:\d{1,2})?)?",
                  fullmatch=True),
    st.sampled_from(["today", "eom", "eow", "  ", "", "\x00", "٢٠٢٦-١١-٢٤", "２０２６-１１-２４",
                     "9999-12-31", "0000-01-01", "+99999999999999999999d"]),
)
AMOUNT_LIKE = st.one_of(
    st.text(max_size=30),
    st.from_regex(r"[-+]?[¥$€£]?\d{0,25}([.,]\d{0,5})?([eE][-+]?\d{1,12})?", fullmatch=True),
    st.sampled_from(["1e999999999", "1E+1000000000", "NaN", "-inf", "sNaN", "1_000",
                     "¥", "9" * 5000, "0.001", "١٢٣", "１２３", "12,345.50"]),
)


@FAST
@given(DATE_LIKE, st.dates(min_value=date(1900, 1, 1), max_value=date(2100, 12, 31)))
def test_relative_dates(text: str, today: date) -> None:
    try:
        parse_when(text, today)
    except Exception as exc:  # noqa: BLE001 - the point is which exception
        _clear(exc)


@FAST
@given(DATE_LIKE)
def test_iso_and_row_dates(text: str) -> None:
    for parse in (lambda t: parse_iso_date(t, field="due"),
                  lambda t: parse_date("close date", t)):
        try:
            parse(text)
        except Exception as exc:  # noqa: BLE001
            _clear(exc)


@FAST
@given(AMOUNT_LIKE)
@example("1e999999999")  # was decimal.Overflow
@example("99999999999999999999999")  # would not fit an integer column
def test_amounts(text: str) -> None:
    for parse in (lambda t: parse_money(t, field="arr"), lambda t: parse_amount("Amount", t)):
        try:
            minor = parse(text)
        except Exception as exc:  # noqa: BLE001
            _clear(exc)
        else:  # a value that the database can store
            assert isinstance(minor, int) and 0 <= minor <= SQLITE_MAX, (text, minor)


# ---- files: a small database and a snapshot of it -----------------------------

@pytest.fixture(scope="module")
def work(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Store, Path]]:
    """One small database and one input folder for all examples of this module
    (hypothesis runs a test body many times; a fresh database each time is too slow)."""
    folder = tmp_path_factory.mktemp("hostile")
    store = open_store(str(folder / "hostile.db"))
    with store.transaction() as session:
        for name in ("清华大学", "Acme", "Blue Media"):
            account = Account(name=name, tier="A", arr_minor=10_000_00)
            session.add(account)
            session.flush()
            session.add(Contact(account_id=account.id, name=f"{name} 王芳",
                                role="decision_maker", level="executive"))
    yield store, folder
    store.close()


def _snapshot(store: Store) -> str:
    """A hash of every row of every table."""
    assert store.path is not None
    con = sqlite3.connect(store.path)
    try:
        digest = hashlib.sha256()
        from db.fulltext import is_search_object

        tables = [r[0] for r in con.execute(
            "SELECT name FROM sqlite_master WHERE type='table' ORDER BY name")
            if not is_search_object(r[0], "table", {})]  # derived from the rows hashed
        for table in tables:
            for row in con.execute(f'SELECT * FROM "{table}" ORDER BY rowid'):
                digest.update(repr(row).encode())
        return digest.hexdigest()
    finally:
        con.close()


def _file(folder: Path, data: bytes, suffix: str) -> Path:
    path = folder / f"input{suffix}"
    path.write_bytes(data)
    return path


CELL = st.one_of(
    st.text(max_size=20), DATE_LIKE, AMOUNT_LIKE, st.dates(min_value=date(1, 1, 1)).map(str),
    st.sampled_from(["清华大学", "Acme", "blue media", "S", "A", "won", "closed lost",
                     "decision maker", "经理", "微信", "positive", "=cmd|' /C calc'!A0", "",
                     "a\nb", '"', "\r", "\x00"]),
)


@st.composite
def csv_files(draw: st.DrawFn) -> tuple[str, bytes]:
    kind = draw(st.sampled_from(sorted(FIELDS)))
    if draw(st.integers(0, 4)) == 0:
        return kind, draw(st.binary(max_size=600))
    known = list(FIELDS[kind]) + ["account", "name", "date", "summary", "stage"]
    headers = draw(st.lists(st.one_of(st.sampled_from(known), st.text(max_size=8)),
                            min_size=0, max_size=8))
    rows = draw(st.lists(st.lists(CELL, max_size=len(headers) + 2), max_size=6))
    delimiter = draw(st.sampled_from([",", ";", "\t", "|"]))
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter)
    writer.writerow(headers)
    writer.writerows(rows)
    text = out.getvalue()
    if draw(st.booleans()):  # cut anywhere: a half-written export
        text = text[: draw(st.integers(0, len(text)))]
    encoding = draw(st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "gb18030"]))
    return kind, text.encode(encoding, errors="replace")


@FILES
@given(csv_files())
@example(("deals", b"account,stage,value,close_date\nAcme,won,100,9999-12-01\n"))  # year 10000
@example(("accounts", b"name,arr\nBig,1e999999999\n"))  # decimal overflow
@example(("touchpoints", b"account,date,summary\nAcme,0001-01-01,x\n"))
def test_csv_import(work: tuple[Store, Path], case: tuple[str, bytes]) -> None:
    kind, data = case
    store, folder = work
    path = _file(folder, data, ".csv")
    try:  # what the import screen shows first
        preview_rows(path, kind)
    except Exception as exc:  # noqa: BLE001
        _clear(exc)
    before = _snapshot(store)
    try:
        result = import_file(store, kind, path, today=TODAY)
    except Exception as exc:  # noqa: BLE001
        _clear(exc)
        assert _snapshot(store) == before, "a refused import changed the database"
        return
    if not result.written:
        assert result.errors  # refused for a reason it reports row by row
        assert _snapshot(store) == before, "an import with errors changed the database"
    for error in result.errors:
        assert str(error).strip()


ANY_DAY = st.dates(min_value=date(1, 1, 1))
ICS_VALUE = st.one_of(
    st.text(max_size=20),
    ANY_DAY.map(lambda d: f"{d.year:04d}{d.month:02d}{d.day:02d}"),
    st.tuples(ANY_DAY, st.times()).map(
        lambda dt: f"{dt[0].year:04d}{dt[0].month:02d}{dt[0].day:02d}T"
                   f"{dt[1].hour:02d}{dt[1].minute:02d}{dt[1].second:02d}Z"),
    st.from_regex(r"\d{0,9}(T\d{0,7}Z?)?", fullmatch=True),
    st.sampled_from(["20261010", "00010101", "99991231", "20260230", "20261010T250000",
                     "20261010T090000Z", "-1", "FREQ=YEARLY", "FREQ=DAILY", "FREQ=YEARLY;COUNT=x",
                     "FREQ=", ";;", "VALUE=DATE:20260101"]),
)
ICS_LINE = st.one_of(
    st.tuples(st.sampled_from(["DTSTART", "DTEND", "DTSTART;VALUE=DATE", "DTEND;VALUE=DATE",
                               "DTSTART;TZID=Asia/Shanghai", "DTSTART;TZID=Nowhere/Land",
                               "RRULE", "SUMMARY", "UID", "X-CSM-KIND", "DESCRIPTION",
                               "DURATION", "EXDATE", "X-WR-CALNAME"]),
              ICS_VALUE).map(lambda kv: f"{kv[0]}:{kv[1]}"),
    st.text(max_size=30),
    st.sampled_from(["BEGIN:VEVENT", "END:VEVENT", "BEGIN:VTIMEZONE", "END:VCALENDAR",
                     "BEGIN:VALARM", " folded continuation", "RRULE:FREQ=YEARLY",
                     "DTSTART;VALUE=DATE:20261010", "DTEND;VALUE=DATE:20261009",
                     "SUMMARY:教师节", "UID:same@x", "DTSTART:20261010T090000Z"]),
)


@st.composite
def ics_files(draw: st.DrawFn) -> bytes:
    if draw(st.integers(0, 5)) == 0:
        return draw(st.binary(max_size=600))
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0"]
    for _ in range(draw(st.integers(0, 4))):
        lines.append("BEGIN:VEVENT")
        if draw(st.booleans()):  # a well-formed core with extreme or repeated values
            start, end = draw(ANY_DAY), draw(ANY_DAY)
            lines.append(f"DTSTART;VALUE=DATE:{start.year:04d}{start.month:02d}{start.day:02d}")
            if draw(st.booleans()):
                lines.append(f"DTEND;VALUE=DATE:{end.year:04d}{end.month:02d}{end.day:02d}")
            lines += draw(st.lists(st.sampled_from(["RRULE:FREQ=YEARLY", "RRULE:FREQ=MONTHLY",
                                                    "SUMMARY:a", "SUMMARY:b", "UID:u"]),
                                   max_size=3))
        lines += draw(st.lists(ICS_LINE, max_size=7))
        if draw(st.integers(0, 5)):
            lines.append("END:VEVENT")
    lines.append("END:VCALENDAR")
    encoding = draw(st.sampled_from(["utf-8", "gb18030", "utf-16"]))
    return "\r\n".join(lines).encode(encoding, errors="replace")


def _calendar(*event_lines: str) -> bytes:
    return "\r\n".join(["BEGIN:VCALENDAR", "VERSION:2.0", "BEGIN:VEVENT", *event_lines,
                         "END:VEVENT", "END:VCALENDAR"]).encode()


@FILES
@given(ics_files())
@example(_calendar("DTSTART;VALUE=DATE:00010101", "DTEND;VALUE=DATE:00010101"))  # overflow
@example(_calendar("DTSTART;VALUE=DATE:20260101", "RRULE:FREQ=YEARLY", "RRULE:FREQ=DAILY"))
@example(_calendar("DTSTART;VALUE=DATE:99991231", "RRULE:FREQ=YEARLY"))
def test_ics_import(work: tuple[Store, Path], data: bytes) -> None:
    store, folder = work
    path = _file(folder, data, ".ics")
    before = _snapshot(store)
    try:
        import_ics(store, path)
    except Exception as exc:  # noqa: BLE001
        _clear(exc, IcsError)
        assert _snapshot(store) == before, "a refused .ics import changed the database"


# ---- configuration files ------------------------------------------------------

KEYS = st.one_of(st.sampled_from([
    "weights", "adjustments", "tiers", "thresholds", "cadence", "health", "risk",
    "lifecycle", "tasks", "handover", "onboarding", "adoption", "renewal", "renewed",
    "churned", "revenue", "payment", "per_referral", "method", "share", "threshold", "S",
    "A", "B", "C", "touch", "login", "no_login_days", "decision_maker_days", "auto_apply",
    "skip_weekends", "key", "title", "description", "channel", "due", "call", "+3d", "T-90",
    "+999m"]), st.text(max_size=6))
SCALAR = st.one_of(st.integers(min_value=-(2**63), max_value=2**63 - 1), st.floats(),
                   st.booleans(), st.text(max_size=8), KEYS)
VALUE = st.recursive(SCALAR, lambda inner: st.one_of(
    st.lists(inner, max_size=4), st.dictionaries(KEYS, inner, max_size=5)), max_leaves=25)


def _toml(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if math.isnan(value):
            return "nan"
        if math.isinf(value):
            return "inf" if value > 0 else "-inf"
        return repr(value)
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, list):
        return "[" + ", ".join(_toml(v) for v in value) + "]"
    return "{" + ", ".join(f"{json.dumps(k, ensure_ascii=False)} = {_toml(v)}"
                           for k, v in value.items()) + "}"


CONFIG = st.one_of(
    st.binary(max_size=300),
    st.text(max_size=300).map(lambda t: t.encode()),
    st.dictionaries(KEYS, VALUE, max_size=6).map(
        lambda d: "\n".join(f"{json.dumps(k, ensure_ascii=False)} = {_toml(v)}"
                            for k, v in d.items()).encode()),
)


def _finite(*numbers: Any) -> None:
    for n in numbers:
        assert isinstance(n, int | float) and not isinstance(n, bool) and math.isfinite(n), n


@FILES
@given(CONFIG)
@example(b"\x80")  # was UnicodeDecodeError
@example(b"cadence = 5")  # was TypeError
@example(b"risk = [1]\nlifecycle = 3")  # was AttributeError (risk), later in the app (lifecycle)
@example(b"[health]\ntouch = nan")  # was accepted: NaN health scores
def test_settings_file(work: tuple[Store, Path], data: bytes) -> None:
    path = _file(work[1], data, "-settings.toml")
    try:
        s = load_settings(path)
    except Exception as exc:  # noqa: BLE001
        _clear(exc, SettingsError)
        return
    _finite(*s.cadence.values(), *s.health_weights.values(), s.no_login_days,
            s.decision_maker_days)
    for section in ("lifecycle", "tasks"):  # read by the app as tables
        assert isinstance(s.extra.get(section, {}), dict)


@FILES
@given(CONFIG)
@example(b"tiers = 3")  # was AttributeError
@example(b"[weights]\nrevenue = inf")  # was accepted: infinite scores
def test_scoring_file(work: tuple[Store, Path], data: bytes) -> None:
    path = _file(work[1], data, "-scoring.toml")
    try:
        config = load_scoring(path)
    except Exception as exc:  # noqa: BLE001
        _clear(exc, ScoringError)
        return
    _finite(*config.weights.values(), *config.adjustments.values(), *config.shares.values(),
            *config.thresholds.values())


@FILES
@given(CONFIG)
@example(b"handover = [1]")  # was AttributeError
@example(b'handover = [{key = "k", title = "t", due = 3}]')
@example("\ufeff".encode() + b"# a BOM from a Windows editor")
def test_playbooks_file(work: tuple[Store, Path], data: bytes) -> None:
    path = _file(work[1], data, "-playbooks.toml")
    try:
        books = load_playbooks(path)
    except Exception as exc:  # noqa: BLE001
        _clear(exc, PlaybookError)
        return
    for steps in books.values():
        for step in steps:
            assert isinstance(step.title, str) and isinstance(step.key, str)
            assert 0 <= step.amount < 10_000


def test_row_problem_is_a_clear_error() -> None:
    with pytest.raises(RowProblem) as caught:
        parse_amount("Amount", "lots")
    _clear(caught.value)
