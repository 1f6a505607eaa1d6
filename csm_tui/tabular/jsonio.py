"""The lossless JSON export (`csm export json`) and its restore (`csm import json`),
both streamed: memory stays flat whatever the size of the book.

The file is one JSON document, as before, laid out one record per line:

    {"format":"csm-tui","version":2,"schema":"0003_notes_search","tables":{
    "account":[
    {"id":1,"name":"Maple Systems",...},
    {"id":2,...}
    ],
    "contact":[
    ...
    ]},
    "counts":{"account":2,...}}

so `json.load` (and any older csm) still reads it whole, while the export writes and
the restore reads one batch of rows at a time. The closing `counts` says how many
rows each table holds: a file cut short (a full disk, a copy that stopped) is refused
as truncated rather than half-restored. The restore reads this layout and the old one
(`indent=1`, version 1) alike, with an incremental parser over a sliding buffer.

Every table of the schema is written, parents first, rows by id, values as the
database holds them (dates and timestamps in ISO 8601): export → restore → export
gives the same bytes.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from datetime import date, datetime, time
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from csm_tui.i18n import t
from csm_tui.safe_files import atomic_write

if TYPE_CHECKING:
    from sqlalchemy import Table
    from sqlmodel import Session

    from db.store import Store

FORMAT = "csm-tui"
VERSION = 2
BATCH = 2000
CHUNK = 1 << 20  # characters read at a time by the restore
Progress = Callable[[str, int, int], None]  # phase, done, total

_WS = re.compile(r"[ \t\n\r]*")
_encode = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"),
                           default=lambda v: _plain(v)).encode


def _plain(value: Any) -> Any:
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")


# ---- export ---------------------------------------------------------------------------

def export_json(store: Store, out: Path, *, progress: Progress | None = None
                ) -> dict[str, int]:
    """Every table, every row, one consistent snapshot, streamed into a 0600 file moved
    into place when complete; returns the rows written per table."""
    from db.migrate import HEAD
    from db.queries import tables as qt

    counts: dict[str, int] = {}
    with store.session() as session:
        qt.begin_snapshot(session)
        tables = qt.export_tables()
        total = sum(qt.count_rows(session, table) for table in tables) if progress else 0
        done = 0
        with atomic_write(out, text=True, encoding="utf-8", newline="\n") as fh:
            head = _encode({"format": FORMAT, "version": VERSION, "schema": HEAD})
            fh.write(head[:-1] + ',"tables":{')
            for i, table in enumerate(tables):
                fh.write(("," if i else "") + "\n" + _encode(table.name) + ":[")
                n = 0
                for n_batch in _write_table(session, table, fh, first=True):
                    n += n_batch
                    done += n_batch
                    if progress:
                        progress("export", done, total)
                fh.write("\n]")
                counts[table.name] = n
            fh.write("},\n\"counts\":" + _encode(counts) + "}\n")
    return counts


def _write_table(session: Session, table: Table, fh: IO[str], *, first: bool
                 ) -> Iterator[int]:
    from db.queries import tables as qt

    names = qt.column_names(table)
    for batch in qt.stream_rows(session, table, batch=BATCH):
        lines = ",\n".join(_encode(dict(zip(names, row, strict=True))) for row in batch)
        fh.write(("\n" if first else ",\n") + lines)
        first = False
        yield len(batch)


# ---- restore --------------------------------------------------------------------------

class JsonExportError(ValueError):
    """The file is not a complete csm-tui JSON export; the message says where and why."""


class _Truncated(Exception):
    pass


class _Stream:
    """A JSON document read incrementally: values are decoded one at a time from a
    buffer that is refilled (and its consumed start dropped) as needed."""

    def __init__(self, fh: IO[str], path: Path) -> None:
        self.fh = fh
        self.path = path
        self.buf = ""
        self.pos = 0
        self.eof = False
        self.lines_before = 0  # newlines in the part of the file already dropped
        self.decoder = json.JSONDecoder()

    def _fill(self, at_least: int = 1) -> bool:
        if self.eof:
            return False
        if self.pos > CHUNK:
            self.lines_before += self.buf.count("\n", 0, self.pos)
            self.buf = self.buf[self.pos:]
            self.pos = 0
        want = max(CHUNK, at_least)
        chunk = self.fh.read(want)
        if not chunk:
            self.eof = True
            return False
        self.buf += chunk
        return True

    def line(self, pos: int | None = None) -> int:
        return self.lines_before + self.buf.count("\n", 0, self.pos if pos is None else pos) + 1

    def peek(self) -> str:
        """The next character that is not white space ("" at the end of the file)."""
        while True:
            self.pos = _WS.match(self.buf, self.pos).end()  # type: ignore[union-attr]
            if self.pos < len(self.buf):
                return self.buf[self.pos]
            if not self._fill():
                return ""

    def expect(self, chars: str) -> str:
        ch = self.peek()
        if ch == "":
            raise _Truncated
        if ch not in chars:
            raise self.damaged(t("expected {chars} but found {found!r}",
                                 chars=" or ".join(repr(c) for c in chars), found=ch))
        self.pos += 1
        return ch

    def value(self) -> Any:
        if self.peek() == "":
            raise _Truncated
        while True:
            try:
                value, end = self.decoder.raw_decode(self.buf, self.pos)
            except json.JSONDecodeError as exc:
                # Incomplete at the end of the buffer: read more and try again; at the
                # end of the file it is cut short, anywhere else it is broken.
                if self._fill(len(self.buf)):
                    continue
                if exc.pos >= len(self.buf.rstrip()) or "Unterminated" in exc.msg:
                    raise _Truncated from None
                raise self.damaged(exc.msg, exc.pos) from None
            # a number at the very end of the buffer may go on in the next chunk
            if end >= len(self.buf) and not self.eof and self._fill():
                continue
            self.pos = end
            return value

    def damaged(self, why: str, pos: int | None = None) -> JsonExportError:
        return JsonExportError(t("{path}: line {line}: not a valid csm-tui JSON export "
                                 "({why})", path=self.path, line=self.line(pos), why=why))


def read_export(fh: IO[str], path: Path) -> tuple[dict[str, Any], Iterator[tuple[str, Any]]]:
    """The header (format, version, schema) and the rows as (table, row) pairs, read as
    they come. The iterator checks the end of the document and the counts last; any
    damage raises JsonExportError naming the line."""
    stream = _Stream(fh, path)
    header: dict[str, Any] = {}
    tables = False
    try:
        if stream.peek() != "{":
            raise JsonExportError(t("{path}: not a csm-tui JSON export (format is missing)",
                                    path=path))
        stream.pos += 1
        if stream.peek() == "}":
            stream.pos += 1
        else:
            while True:
                key = stream.value()
                stream.expect(":")
                if key == "tables":
                    tables = True
                    break
                header[key] = stream.value()
                if stream.expect(",}") == "}":
                    break
    except _Truncated:
        raise JsonExportError(t("{path}: truncated: the export ends early (line {line}); "
                                "nothing was restored", path=path,
                                line=stream.line())) from None
    if header.get("format") != FORMAT:
        raise JsonExportError(t("{path}: not a csm-tui JSON export (format is missing)",
                                path=path))
    return header, _rows(stream, header, tables=tables)


def _rows(stream: _Stream, header: dict[str, Any], *, tables: bool
          ) -> Iterator[tuple[str, Any]]:
    seen: dict[str, int] = {}
    try:
        if tables:
            stream.expect("{")
            while stream.peek() != "}":
                name = stream.value()
                if not isinstance(name, str):
                    raise stream.damaged(t("a table name must be text"))
                stream.expect(":")
                stream.expect("[")
                seen.setdefault(name, 0)
                while stream.peek() != "]":
                    row = stream.value()
                    seen[name] += 1
                    yield name, row
                    if stream.expect(",]") == "]":
                        stream.pos -= 1
                stream.pos += 1
                if stream.expect(",}") == "}":
                    stream.pos -= 1
            stream.pos += 1
            while stream.expect(",}") == ",":  # what follows the tables: the counts
                key = stream.value()
                stream.expect(":")
                header[key] = stream.value()
        if stream.peek() != "":
            raise stream.damaged(t("more data after the end of the export"))
    except _Truncated:
        raise JsonExportError(t("{path}: truncated: the export ends early (line {line}); "
                                "nothing was restored", path=stream.path,
                                line=stream.line())) from None
    counts = header.get("counts")
    if isinstance(counts, dict):
        for name, n in counts.items():
            if seen.get(name, 0) != n:
                raise JsonExportError(t("{path}: table {table} holds {found} rows but the "
                                        "export says {expected}; nothing was restored",
                                        path=stream.path, table=name,
                                        found=seen.get(name, 0), expected=n))


def import_json(store: Store, path: Path, *, progress: Progress | None = None,
                wait: float | None = None) -> dict[str, int]:
    """Restore an export (this layout or the old one) into an empty database, ids and
    all, in one transaction, streamed in batches; anything wrong with the file rolls
    the whole restore back."""
    from csm_tui.tabular.locks import hold_import_lock
    from db.bulk import sync_sequence
    from db.queries import tables as qt

    try:
        fh = path.open(encoding="utf-8")
        size = path.stat().st_size
    except OSError as exc:
        raise JsonExportError(t("{path}: cannot read ({strerror})", path=path,
                                strerror=exc.strerror or exc)) from None
    counts = {table.name: 0 for table in qt.export_tables()}
    try:
        header, rows = read_export(fh, path)
        with store.transaction() as session:
            hold_import_lock(session, wait=wait, progress=progress)
            _require_empty(session)
            restorer = _Restorer(session, path)
            for n, (name, row) in enumerate(rows, start=1):
                restorer.add(name, row)
                if progress and n % BATCH == 0:
                    progress("write", _tell(fh, size), size)
            restorer.flush()
            for name in restorer.tables:
                table = qt.table_named(name)
                if table is not None:
                    sync_sequence(session, table)
            counts.update(restorer.counts)
    except UnicodeDecodeError as exc:
        raise JsonExportError(t("{path}: not UTF-8 text ({reason})", path=path,
                                reason=exc.reason)) from None
    finally:
        fh.close()
    if progress:
        progress("done", size, size)
    return counts


def _tell(fh: IO[str], size: int) -> int:
    try:
        return min(fh.buffer.tell(), size)  # type: ignore[attr-defined]
    except (AttributeError, OSError, ValueError):
        return 0


class _Restorer:
    """Rows of one table at a time, typed by the column types and inserted in batches."""

    def __init__(self, session: Session, path: Path) -> None:
        self.session = session
        self.path = path
        self.tables: list[str] = []
        self.counts: dict[str, int] = {}
        self.current = ""
        self.batch: list[dict[str, Any]] = []
        self.parsers: dict[str, Callable[[str], Any] | None] = {}
        self.defaults: dict[str, Any] = {}

    def _start(self, name: str) -> None:
        from db.queries import tables as qt

        self.flush()
        table = qt.table_named(name)
        if table is None:
            raise JsonExportError(t("{path}: unknown table {table!r} (an export from a "
                                    "newer csm?)", path=self.path, table=name))
        self.current = name
        self.parsers = qt.column_parsers(table)
        self.defaults = qt.column_defaults(table)
        if name not in self.tables:
            self.tables.append(name)
            self.counts[name] = 0

    def add(self, name: str, row: Any) -> None:
        if name != self.current:
            self._start(name)
        number = self.counts[name] + len(self.batch) + 1
        if not isinstance(row, dict):
            raise JsonExportError(t("{path}: table {table}, row {row}: not an object",
                                    path=self.path, table=name, row=number))
        typed = {}
        try:
            for key, value in row.items():
                if key not in self.parsers:
                    raise ValueError(t("unknown column {column!r}", column=key))
                parse = self.parsers[key]
                typed[key] = parse(value) if parse is not None and isinstance(value, str) \
                    else value
        except (ValueError, TypeError) as exc:
            raise JsonExportError(t("{path}: table {table}, row {row}: {reason}",
                                    path=self.path, table=name, row=number,
                                    reason=exc)) from None
        for key, default in self.defaults.items():
            if key not in typed:
                typed[key] = default() if callable(default) else default
        self.batch.append(typed)
        if len(self.batch) >= BATCH:
            self.flush()

    def flush(self) -> None:
        if not self.batch:
            return
        from db.queries import tables as qt

        table = qt.table_named(self.current)
        assert table is not None
        first = self.counts[self.current] + 1
        try:
            qt.insert_rows(self.session, table, self.batch)
        except Exception as exc:
            from db.errors import is_database_error

            if not is_database_error(exc):
                raise
            detail = str(getattr(exc, "orig", None) or exc).splitlines()[0]
            raise JsonExportError(t("{path}: table {table}, rows {first}–{last}: the "
                                    "database refused them ({detail}); nothing was restored",
                                    path=self.path, table=self.current, first=first,
                                    last=first + len(self.batch) - 1, detail=detail)) from None
        self.counts[self.current] += len(self.batch)
        self.batch = []


def _require_empty(session: Session) -> None:
    from db.queries import tables as qt

    for table in qt.export_tables():
        n = qt.count_rows(session, table)
        if n:
            raise JsonExportError(t("the database is not empty ({n} rows in {table}); "
                                    "restore into a new file with --db", n=n,
                                    table=table.name))
