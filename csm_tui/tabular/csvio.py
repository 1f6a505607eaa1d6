"""Reading CSV files as spreadsheets and CRMs write them: UTF-8 (with or without BOM),
GBK/GB18030 (Excel in China), UTF-16 (Excel "Unicode text"); comma, semicolon or tab;
quoted fields with newlines. Rows are streamed: memory stays flat for any size."""

from __future__ import annotations

import codecs
import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

SAMPLE = 64 * 1024
csv.field_size_limit(10 * 1024 * 1024)


class CsvError(ValueError):
    """The file cannot be read as a table; the message names the file and why."""


@dataclass(frozen=True)
class Dialect:
    encoding: str
    delimiter: str

    @property
    def label(self) -> str:
        names = {",": "comma", ";": "semicolon", "\t": "tab", "|": "pipe"}
        return f"{self.encoding}, {names.get(self.delimiter, repr(self.delimiter))}-separated"


def detect_encoding(head: bytes) -> str:
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    if len(head) >= 4 and head[1:4:2] == b"\x00\x00" and head[0] != 0:
        return "utf-16-le"  # UTF-16 without a BOM: every other byte is zero
    try:
        head.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError as exc:
        if exc.start >= len(head) - 4:  # a character cut at the end of the sample
            return "utf-8"
    try:
        head.decode("gb18030")
        return "gb18030"
    except UnicodeDecodeError:
        raise CsvError("not UTF-8, UTF-16 or GB18030 text") from None


def detect_delimiter(text: str) -> str:
    lines = [line for line in text.splitlines()[:20] if line.strip()]
    if not lines:
        return ","
    try:
        return csv.Sniffer().sniff("\n".join(lines), delimiters=",;\t|").delimiter
    except csv.Error:
        header = lines[0]
        return max(",;\t|", key=header.count) if any(d in header for d in ",;\t|") else ","


def sniff(path: Path) -> Dialect:
    try:
        with path.open("rb") as fh:
            head = fh.read(SAMPLE)
    except OSError as exc:
        raise CsvError(f"{path}: cannot read ({exc.strerror})") from None
    if not head.strip():
        raise CsvError(f"{path}: the file is empty")
    if b"\x00" in head[:1024] and not detect_encoding(head).startswith("utf-16"):
        raise CsvError(f"{path}: a binary file, not CSV")
    try:
        encoding = detect_encoding(head)
    except CsvError as exc:
        raise CsvError(f"{path}: {exc}") from None
    text = head.decode(encoding, errors="ignore")
    return Dialect(encoding, detect_delimiter(text))


class CsvSource:
    """Iterate (row number, {header: value}) with the byte position for progress.
    Row numbers are spreadsheet rows: the header is row 1."""

    def __init__(self, path: Path, dialect: Dialect | None = None) -> None:
        self.path = path
        self.dialect = dialect or sniff(path)
        self.size = path.stat().st_size
        self._raw: io.BufferedReader | None = None
        self.headers: list[str] = self._read_headers()

    def _open(self) -> tuple[io.BufferedReader, Iterator[list[str]]]:
        raw = self.path.open("rb")
        text = io.TextIOWrapper(raw, encoding=self.dialect.encoding, newline="")
        return raw, csv.reader(text, delimiter=self.dialect.delimiter)

    def _read_headers(self) -> list[str]:
        raw, reader = self._open()
        try:
            headers = next(reader, None)
        except (UnicodeDecodeError, csv.Error) as exc:
            raise CsvError(f"{self.path}: row 1: {exc}") from None
        finally:
            raw.close()
        if not headers or not any(h.strip() for h in headers):
            raise CsvError(f"{self.path}: no header row")
        return [h.strip().lstrip("\ufeff") for h in headers]

    @property
    def position(self) -> int:
        return self._raw.tell() if self._raw and not self._raw.closed else self.size

    def rows(self) -> Iterator[tuple[int, dict[str, str], str]]:
        """(row number, values by header, problem) — problem is "" for a clean row."""
        raw, reader = self._open()
        self._raw = raw
        try:
            next(reader, None)
            number = 1
            while True:
                try:
                    values = next(reader)
                except StopIteration:
                    break
                except UnicodeDecodeError as exc:
                    raise CsvError(f"{self.path}: after row {number}: not "
                                   f"{self.dialect.encoding} text ({exc.reason})") from None
                except csv.Error as exc:
                    raise CsvError(f"{self.path}: row {number + 1}: {exc}") from None
                number += 1
                if not any(v.strip() for v in values):
                    continue
                problem = ""
                if len(values) > len(self.headers) and any(v.strip() for v in
                                                           values[len(self.headers):]):
                    problem = (f"{len(values)} values but {len(self.headers)} columns "
                               "(a stray delimiter or quote?)")
                yield number, dict(zip(self.headers, values, strict=False)), problem
        finally:
            raw.close()
