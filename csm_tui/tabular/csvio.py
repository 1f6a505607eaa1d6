"""Reading CSV files as spreadsheets and CRMs write them: UTF-8 (with or without BOM),
GBK/GB18030 (Excel in China), UTF-16 (Excel "Unicode text"), or an encoding the user
names (`--encoding latin-1`); comma, semicolon or tab; quoted fields with newlines.
Rows are streamed: memory stays flat for any size.

Faithful or refused, never guessed: a file that is not UTF-8 and not clearly GB18030
asks for `--encoding`; a row in another encoding than the rows before it (GBK rows,
then UTF-8 ones) is an error naming that row; so is a quote that is never closed.
Every line is decoded strictly, so no byte is ever replaced or dropped."""

from __future__ import annotations

import codecs
import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, Protocol

from csm_tui.i18n import t

SAMPLE = 64 * 1024
csv.field_size_limit(10 * 1024 * 1024)
OFFERED = "latin-1, cp1252"
# Encodings whose lines end in a b"\n" byte that is never part of a character, so a
# file is read line by line as bytes and each line decoded (and checked) on its own.
BYTE_LINES = ("utf-8", "utf-8-sig", "gb18030", "gbk", "latin-1", "iso8859-1", "cp1252",
              "iso8859-15", "big5", "shift_jis", "euc-kr", "euc-jp")


class CsvError(ValueError):
    """The file cannot be read as a table; the message names the file and why."""


@dataclass(frozen=True)
class Dialect:
    encoding: str
    delimiter: str
    sheet: str = ""  # a workbook's sheet (xlsx); "" for CSV
    undecided: bool = False  # UTF-8 so far; a non-UTF-8 row asks for --encoding

    @property
    def label(self) -> str:
        if self.encoding == "xlsx":
            return t("Excel workbook, sheet {sheet!r}", sheet=self.sheet)
        names = {",": "comma", ";": "semicolon", "\t": "tab", "|": "pipe"}
        return f"{self.encoding}, {names.get(self.delimiter, repr(self.delimiter))}-separated"


class TableSource(Protocol):
    """What the importers read: a CSV file or a workbook's sheet, row by row."""

    path: Path
    dialect: Dialect
    size: int
    headers: list[str]

    @property
    def position(self) -> int: ...

    def rows(self) -> Iterator[tuple[int, dict[str, str], str]]: ...


def _canonical(encoding: str) -> str:
    try:
        name = codecs.lookup(encoding).name
    except LookupError:
        raise CsvError(t("--encoding {encoding!r}: not an encoding Python knows (try "
                         "{offered} or gb18030)", encoding=encoding, offered=OFFERED)) from None
    return {"iso8859-1": "latin-1", "utf-8": "utf-8", "utf_8": "utf-8"}.get(name, name)


def _utf8(raw: bytes) -> bool:
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _gb2312(text: str) -> bool:
    """Every non-ASCII character is a common Chinese character or punctuation (in
    GB2312): what a real GBK spreadsheet is made of; Latin-1 bytes read as GB18030
    give rare characters instead (`Müller` → `M黮ler`)."""
    for ch in text:
        if ord(ch) >= 0x80:
            try:
                ch.encode("gb2312")
            except UnicodeEncodeError:
                return False
    return True


def clearly_gb18030(sample: bytes) -> bool:
    """The lines of `sample` that are neither ASCII nor UTF-8 decode as GB18030 into
    common Chinese text only (GB2312 characters). Latin-1 text almost always has an
    accented letter next to an ASCII one, which no GB2312 character is made of."""
    lines = sample.split(b"\n")
    if len(sample) >= SAMPLE and len(lines) > 1:
        lines = lines[:-1]  # the last line may be cut in the middle of a character
    seen = False
    for line in lines:
        if line.isascii() or _utf8(line):
            continue  # a UTF-8 line among them is a mixed-encoding error at its row
        try:
            text = line.decode("gb18030")
        except UnicodeDecodeError:
            return False
        if not _gb2312(text):
            return False
        seen = True
    return seen


def detect_encoding(head: bytes) -> str:
    """The encoding of a file starting with `head`; "" when it is not UTF-8 and not
    clearly GB18030 (the caller asks for --encoding)."""
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    if len(head) >= 4 and head[1:4:2] == b"\x00\x00" and head[0] != 0:
        return "utf-16-le"  # UTF-16 without a BOM: every other byte is zero
    lines = head.split(b"\n")
    for n, line in enumerate(lines):
        if line.isascii():
            continue
        # The first line that is not ASCII decides; a later one in another encoding is
        # an error at its row (mixed encodings), found while reading.
        cut = len(head) >= SAMPLE and n == len(lines) - 1
        if _utf8(line) or (cut and _utf8_cut(line)):
            return "utf-8"
        return "gb18030" if clearly_gb18030(head) else ""
    return "utf-8"


def _utf8_cut(line: bytes) -> bool:
    try:
        line.decode("utf-8")
    except UnicodeDecodeError as exc:
        return exc.start >= len(line) - 4
    return True


def detect_delimiter(text: str) -> str:
    lines = [line for line in text.splitlines()[:20] if line.strip()]
    if not lines:
        return ","
    try:
        return csv.Sniffer().sniff("\n".join(lines), delimiters=",;\t|").delimiter
    except csv.Error:
        header = lines[0]
        return max(",;\t|", key=header.count) if any(d in header for d in ",;\t|") else ","


def sniff(path: Path, *, encoding: str | None = None) -> Dialect:
    try:
        with path.open("rb") as fh:
            head = fh.read(SAMPLE)
    except OSError as exc:
        raise CsvError(t("{path}: cannot read ({strerror})", path=path,
                         strerror=exc.strerror)) from None
    if not head.strip():
        raise CsvError(t("{path}: the file is empty", path=path))
    if encoding:
        chosen = _canonical(encoding)
        if chosen == "utf-8" and head.startswith(codecs.BOM_UTF8):
            chosen = "utf-8-sig"
        undecided = False
    else:
        chosen = detect_encoding(head)
        undecided = chosen == ""
        chosen = chosen or "utf-8"
    if b"\x00" in head[:1024] and not chosen.startswith("utf-16"):
        raise CsvError(t("{path}: a binary file, not CSV", path=path))
    text = head.decode(chosen, errors="ignore")
    return Dialect(chosen, detect_delimiter(text), undecided=undecided)


class _LineError(Exception):
    def __init__(self, raw: bytes, why: str, offset: int) -> None:
        super().__init__(why)
        self.raw, self.why, self.offset = raw, why, offset


class CsvSource:
    """Iterate (row number, {header: value}) with the byte position for progress.
    Row numbers are spreadsheet rows: the header is row 1."""

    def __init__(self, path: Path, dialect: Dialect | None = None, *,
                 encoding: str | None = None) -> None:
        self.path = path
        self.dialect = dialect or sniff(path, encoding=encoding)
        self.size = path.stat().st_size
        self._raw: IO[bytes] | None = None
        self.headers: list[str] = self._read_headers()

    # ---- lines, decoded and checked one by one ---------------------------------------
    def _lines(self, raw: IO[bytes]) -> Iterator[str]:
        encoding = self.dialect.encoding
        if encoding not in BYTE_LINES:  # UTF-16: the codec splits the lines
            yield from io.TextIOWrapper(raw, encoding=encoding, newline="")
            return
        first = True
        seen_utf8 = False  # a non-ASCII line so far was UTF-8
        seen_other = False  # a non-ASCII line so far was in the file's other encoding
        for line in raw:
            codec = "utf-8-sig" if first and encoding == "utf-8-sig" else \
                "utf-8" if encoding == "utf-8-sig" else encoding
            first = False
            if line.isascii():
                yield line.decode("ascii")
                continue
            try:
                text = line.decode(codec)
            except UnicodeDecodeError as exc:
                if codec.startswith("utf-8") and self.dialect.undecided and not seen_utf8:
                    raise _LineError(line, "undecided", exc.start) from None
                raise _LineError(line, "mixed" if seen_utf8 or seen_other else "decode",
                                 exc.start) from None
            if codec.startswith("utf-8"):
                seen_utf8 = True
            elif _utf8(line) and not (encoding == "gb18030" and _gb2312(text)):
                raise _LineError(line, "utf8", 0)  # UTF-8 among GB18030 or Latin-1 rows
            else:
                seen_other = True
            yield text

    def _open(self) -> tuple[IO[bytes], Any]:
        raw = self.path.open("rb")
        return raw, csv.reader(self._lines(raw), delimiter=self.dialect.delimiter,
                               strict=True)

    def _line_error(self, exc: _LineError, row: int) -> CsvError:
        """One line naming the row, the column and the value (shown with its bytes)."""
        enc = self.dialect.encoding
        before = exc.raw[:exc.offset].decode("latin-1")
        index = max(0, len(next(csv.reader([before], delimiter=self.dialect.delimiter),
                                [""])) - 1) if before else 0
        fields = next(csv.reader([exc.raw.decode("latin-1").rstrip("\r\n")],
                                 delimiter=self.dialect.delimiter), [""])
        cell = fields[min(index, len(fields) - 1)] if fields else ""
        if exc.why == "utf8":
            cell = next((f for f in fields if not f.isascii()), cell)
        shown = cell.encode("latin-1").decode("utf-8" if exc.why == "utf8" else
                                              "ascii", "backslashreplace")
        headers = getattr(self, "headers", None) or []
        column = headers[index] if headers and index < len(headers) else \
            t("column {n}", n=index + 1)
        if exc.why == "utf8" and headers:
            column = headers[fields.index(cell)] if cell in fields and \
                fields.index(cell) < len(headers) else column
        where = t("{path}: row {row}, column {column!r}, value '{value}'", path=self.path,
                  row=row, column=column, value=shown)
        if exc.why == "undecided":
            return CsvError(t("{where}: the file is not UTF-8 and not clearly GB18030; say "
                              "which encoding it is with --encoding ({offered}, or gb18030)",
                              where=where, offered=OFFERED))
        if exc.why == "utf8":
            return CsvError(t("{where}: mixed encodings: this row is UTF-8, the rows before "
                              "it are {encoding}; save the file in one encoding",
                              where=where, encoding=enc))
        if exc.why == "mixed":
            return CsvError(t("{where}: mixed encodings: this row is not {encoding} like "
                              "the rows before it; save the file in one encoding",
                              where=where, encoding=enc))
        return CsvError(t("{where}: not {encoding} text; say which encoding it is with "
                          "--encoding ({offered}, or gb18030)", where=where, encoding=enc,
                          offered=OFFERED))

    def _read_headers(self) -> list[str]:
        raw, reader = self._open()
        try:
            headers = next(reader, None)
        except _LineError as exc:
            raise self._line_error(exc, 1) from None
        except UnicodeDecodeError as exc:
            raise CsvError(t("{path}: row 1: not {encoding} text ({reason})",
                             path=self.path, encoding=self.dialect.encoding,
                             reason=exc.reason)) from None
        except csv.Error as exc:
            raise CsvError(t("{path}: row 1: {reason}", path=self.path,
                             reason=_quote_reason(exc))) from None
        finally:
            raw.close()
        if not headers or not any(h.strip() for h in headers):
            raise CsvError(t("{path}: no header row", path=self.path))
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
            line = 1
            while True:
                try:
                    values = next(reader)
                except StopIteration:
                    break
                except _LineError as exc:
                    raise self._line_error(exc, number + 1) from None
                except UnicodeDecodeError as exc:
                    raise CsvError(t("{path}: row {row}: not {encoding} text ({reason})",
                                     path=self.path, row=number + 1,
                                     encoding=self.dialect.encoding,
                                     reason=exc.reason)) from None
                except csv.Error as exc:
                    raise CsvError(t("{path}: row {row}: {reason}", path=self.path,
                                     row=number + 1, reason=_quote_reason(exc))) from None
                number += 1
                spans = reader.line_num - line
                line = reader.line_num
                if not any(v.strip() for v in values):
                    continue
                if spans > 1 and len(values) < len(self.headers):
                    opened = next((i for i, v in enumerate(values) if "\n" in v), 0)
                    column = self.headers[opened] if opened < len(self.headers) else "?"
                    raise CsvError(t("{path}: row {row}, column {column!r}, value {value!r}: "
                                     "a quote opened here is not closed (the value runs "
                                     "over {lines} lines and the row has {n} of {total} "
                                     "columns)", path=self.path, row=number, column=column,
                                     value=values[opened][:60], lines=spans, n=len(values),
                                     total=len(self.headers)))
                problem = ""
                if len(values) > len(self.headers) and any(v.strip() for v in
                                                           values[len(self.headers):]):
                    problem = t("{n} values but {total} columns (a stray delimiter or "
                                "quote?)", n=len(values), total=len(self.headers))
                yield number, dict(zip(self.headers, values, strict=False)), problem
        finally:
            raw.close()


def _quote_reason(exc: csv.Error) -> str:
    text = str(exc)
    if "unexpected end of data" in text:
        return t("a quote opened in this row is never closed")
    if "expected after" in text:
        return t("text after a closing quote ({reason})", reason=text)
    return text


def open_table(path: Path, *, encoding: str | None = None) -> TableSource:
    """A CSV file, or the first sheet of an .xlsx workbook, as rows to import."""
    if path.suffix.casefold() in (".xlsx", ".xlsm"):
        from csm_tui.tabular.xlsx import XlsxSource

        if encoding:
            raise CsvError(t("{path}: --encoding is for CSV files; a workbook says its own",
                             path=path))
        return XlsxSource(path)
    return CsvSource(path, encoding=encoding)
