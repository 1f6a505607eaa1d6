"""Excel and WPS workbooks (.xlsx): read streaming with openpyxl's read-only mode (one
row in memory at a time), written with its write-only mode.

A sheet is read like a CSV file: the first non-empty row is the header, row numbers
are the sheet's own, and cells become the text a CSV export of the sheet would hold
(dates as YYYY-MM-DD, whole numbers without ".0"), so the same mapping, parsers,
preview and all-or-nothing report apply."""

from __future__ import annotations

import zipfile
from collections.abc import Iterable, Iterator
from datetime import date, datetime, time
from decimal import Decimal
from pathlib import Path
from typing import Any

from csm_tui.i18n import t
from csm_tui.safe_files import atomic_write
from csm_tui.tabular.csvio import CsvError, Dialect


def cell_text(value: Any) -> str:
    """A cell as the text the parsers read."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime):
        if value.time() == time(0, 0):
            return value.date().isoformat()
        return value.replace(microsecond=0).isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, time):
        return value.isoformat()
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 1e15:
            return str(int(value))
        return format(Decimal(repr(value)), "f")
    return str(value)


def _workbook(path: Path) -> Any:
    from openpyxl import load_workbook

    try:
        return load_workbook(path, read_only=True, data_only=True)
    except FileNotFoundError:
        raise CsvError(t("{path}: cannot read ({strerror})", path=path,
                         strerror="No such file or directory")) from None
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise CsvError(t("{path}: not an Excel workbook (.xlsx) ({reason})", path=path,
                         reason=str(exc) or type(exc).__name__)) from None


class XlsxSource:
    """The first sheet of a workbook, row by row (header = its first non-empty row)."""

    def __init__(self, path: Path, sheet: str | None = None) -> None:
        self.path = path
        try:
            self.size = path.stat().st_size
        except OSError as exc:
            raise CsvError(t("{path}: cannot read ({strerror})", path=path,
                             strerror=exc.strerror)) from None
        book = _workbook(path)
        try:
            names = list(book.sheetnames)
            if not names:
                raise CsvError(t("{path}: the workbook has no sheet", path=path))
            self.sheet: str = sheet if sheet is not None and sheet in names else names[0]
            self.size = int(book[self.sheet].max_row or 0)
        finally:
            book.close()
        self.dialect = Dialect("xlsx", "", sheet=self.sheet)
        self._done = 0
        self.header_row = 0
        self.headers = self._read_headers()

    def _values(self) -> Iterator[tuple[int, list[str]]]:
        book = _workbook(self.path)
        try:
            ws = book[self.sheet]
            try:
                for n, row in enumerate(ws.iter_rows(values_only=True), start=1):
                    self._done = n
                    yield n, [cell_text(v) for v in row]
            except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
                raise CsvError(t("{path}: sheet {sheet!r}: cannot read the rows ({reason})",
                                 path=self.path, sheet=self.sheet,
                                 reason=str(exc) or type(exc).__name__)) from None
        finally:
            book.close()

    def _read_headers(self) -> list[str]:
        for n, values in self._values():
            if any(v.strip() for v in values):
                self.header_row = n
                while values and not values[-1].strip():
                    values.pop()
                return [v.strip() for v in values]
        raise CsvError(t("{path}: sheet {sheet!r} is empty", path=self.path,
                         sheet=self.sheet))

    @property
    def position(self) -> int:
        return self._done

    def rows(self) -> Iterator[tuple[int, dict[str, str], str]]:
        for n, values in self._values():
            if n <= self.header_row or not any(v.strip() for v in values):
                continue
            problem = ""
            if len(values) > len(self.headers) and any(v.strip() for v in
                                                       values[len(self.headers):]):
                problem = t("{n} values but {total} columns (a stray delimiter or quote?)",
                            n=len(values), total=len(self.headers))
            yield n, dict(zip(self.headers, values, strict=False)), problem


def write_xlsx(out: Path, sheet: str, headers: list[str], rows: Iterable[list[Any]]) -> int:
    """One sheet, streamed (write-only mode), into a 0600 file moved into place."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    book = Workbook(write_only=True)
    ws = book.create_sheet(sheet)
    ws.append(headers)
    count = 0
    for row in rows:
        cells: list[Any] = []
        for value in row:
            if isinstance(value, str):  # XML cannot hold control characters: escaped
                value = ILLEGAL_CHARACTERS_RE.sub(lambda m: f"\\u{ord(m.group()):04x}", value)
            if isinstance(value, str) and value.startswith("="):
                cell = WriteOnlyCell(ws, value=value)
                cell.data_type = "s"  # text, never a formula
                cells.append(cell)
            else:
                cells.append(value)
        ws.append(cells)
        count += 1
    with atomic_write(out) as fh:
        book.save(fh)
    return count
