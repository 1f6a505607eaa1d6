"""Faithful CSV and Excel: an encoding the reader is not sure of is asked for, mixed
encodings, an unclosed quote and an over-long value are refused with their row, and
nothing is written; .xlsx imports and exports like CSV."""

from __future__ import annotations

import csv
import io
import os
import stat
from datetime import date
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlmodel import select

from csm_tui.cli import main
from csm_tui.tabular.csvio import CsvError, CsvSource, detect_encoding, sniff
from csm_tui.tabular.exporters import export_accounts_xlsx
from csm_tui.tabular.importers import import_file, preview_rows
from csm_tui.tabular.xlsx import XlsxSource, cell_text
from db.models import Account
from db.store import Store

TODAY = date(2026, 12, 1)
FILES = settings(max_examples=60, deadline=None,
                 suppress_health_check=[HealthCheck.function_scoped_fixture])


def _names(store: Store) -> list[str]:
    with store.session() as s:
        return sorted(a.name for a in s.exec(select(Account)).all())


def test_latin1_asks_for_its_encoding(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "de.csv"
    path.write_bytes("name,region\nSiemens,DE\nMüller AG,DE\n".encode("latin-1"))
    with pytest.raises(CsvError) as caught:
        import_file(store, "accounts", path, today=TODAY)
    text = str(caught.value)
    assert "row 3" in text and "'name'" in text and "M\\xfcller AG" in text
    assert "--encoding" in text and "latin-1" in text and "cp1252" in text
    assert _names(store) == []
    result = import_file(store, "accounts", path, today=TODAY, encoding="latin-1")
    assert result.inserted == 2 and _names(store) == ["Müller AG", "Siemens"]


def test_cp1252_named(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "fr.csv"
    path.write_bytes("name\nCafé “Étoile” €\n".encode("cp1252"))
    with pytest.raises(CsvError, match="--encoding"):
        import_file(store, "accounts", path, today=TODAY)
    assert import_file(store, "accounts", path, today=TODAY, encoding="cp1252").inserted == 1
    assert _names(store) == ["Café “Étoile” €"]


def test_gbk_then_utf8_rows_are_refused_at_the_first_utf8_row(store: Store,
                                                               tmp_path: Path) -> None:
    path = tmp_path / "mixed.csv"
    path.write_bytes("客户名称,行业\n".encode("gbk") + "清华大学,教育\n".encode("gbk")
                     + "北京大学,教育\n".encode())
    with pytest.raises(CsvError) as caught:
        import_file(store, "accounts", path, today=TODAY)
    assert "row 3" in str(caught.value) and "mixed encodings" in str(caught.value)
    assert "北京大学" in str(caught.value) and "'客户名称'" in str(caught.value)
    assert _names(store) == []


def test_utf8_then_gbk_rows_are_refused(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "mixed2.csv"
    path.write_bytes("name,industry\n清华大学,edu\nAcme,x\n".encode()
                     + "北京大学,edu\n".encode("gbk"))
    with pytest.raises(CsvError, match=r"row 4.*mixed encodings"):
        import_file(store, "accounts", path, today=TODAY)
    assert _names(store) == []


def test_clear_gbk_is_still_detected(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "gbk.csv"
    path.write_bytes("客户名称,行业\n清华大学,教育\n招商银行,金融\n".encode("gbk"))
    assert sniff(path).encoding == "gb18030"
    assert import_file(store, "accounts", path, today=TODAY).inserted == 2


def test_unclosed_quote_is_refused_with_its_row(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "quote.csv"
    path.write_text('name,industry,region\nAcme,tech,US\n"Beta,tech,US\nGamma,tech,US\n')
    with pytest.raises(CsvError) as caught:
        import_file(store, "accounts", path, today=TODAY)
    assert "row 3" in str(caught.value) and "quote" in str(caught.value)
    assert _names(store) == []
    path.write_text('name,industry,region\nAcme,tech,US\n"Beta,tech,US\nGamma,"x",US\n')
    with pytest.raises(CsvError, match=r"row 3.*quote"):
        import_file(store, "accounts", path, today=TODAY)


def test_quoted_newlines_are_still_fine(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "ok.csv"
    path.write_text('name,industry,region\n"Line\nbreak Co",retail,"UK"\n')
    assert import_file(store, "accounts", path, today=TODAY).inserted == 1


def test_over_long_value_is_an_error_never_cut(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "long.csv"
    long_name = "A" * 201
    path.write_text(f"name,industry\nFine,x\n{long_name},y\nOk,{'i' * 101}\n")
    result = import_file(store, "accounts", path, today=TODAY)
    assert not result.written and _names(store) == []
    got = [(e.row, e.column, e.reason) for e in result.errors]
    assert got == [(3, "name", "too long: 201 characters, at most 200"),
                   (4, "industry", "too long: 101 characters, at most 100")]


@pytest.mark.sqlite_only
@pytest.mark.parametrize(("data", "words"), [
    ("name\nMüller AG\n".encode("latin-1"), ["row 2", "--encoding"]),
    (b'name\n"Open\n', ["row 2", "quote"]),
])
def test_cli_refusals_are_one_line_exit_2(store: Store, tmp_path: Path, data: bytes,
                                         words: list[str],
                                         capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "bad.csv"
    path.write_bytes(data)
    assert main(["import", "accounts", str(path), "--db", str(store.path)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("csm: error:") and str(path) in err[0]
    assert all(w in err[0] for w in words)
    assert _names(store) == []


# ---- property tests ---------------------------------------------------------------

TEXT = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"),
               max_size=12)


@FILES
@given(rows=st.lists(st.lists(TEXT, min_size=2, max_size=2), min_size=1, max_size=8),
       encoding=st.sampled_from(["utf-8", "utf-8-sig", "utf-16"]),
       delimiter=st.sampled_from([",", ";", "\t"]))
def test_what_a_spreadsheet_writes_reads_back_exactly(tmp_path_factory: pytest.TempPathFactory,
                                                      rows: list[list[str]], encoding: str,
                                                      delimiter: str) -> None:
    """Any text a spreadsheet writes (quotes, delimiters, newlines, CJK) comes back
    exactly, or the file is refused with a reason; never changed."""
    path = tmp_path_factory.mktemp("rt") / "t.csv"
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter)
    writer.writerow(["h1", "h2"])
    writer.writerows(rows)
    path.write_bytes(out.getvalue().encode(encoding))
    try:
        source = CsvSource(path)
        got = [[values.get("h1", ""), values.get("h2", "")] for _n, values, _p in
               source.rows()]
    except CsvError as exc:
        assert str(path) in str(exc)
        return
    want = [r for r in rows if any(v.strip() for v in r)]
    assert got == want


ACCENTED = st.characters(min_codepoint=0xC0, max_codepoint=0xFF)
WORD = st.lists(st.tuples(st.sampled_from("abcdefghilmnorstuvz"), ACCENTED), min_size=1,
                max_size=4).map(lambda pairs: "".join(a + b for a, b in pairs))


@FILES
@given(words=st.lists(WORD, min_size=1, max_size=5))
def test_latin1_is_never_read_as_chinese(tmp_path_factory: pytest.TempPathFactory,
                                         words: list[str]) -> None:
    """Latin-1 words as European text has them (an accented letter beside plain ones:
    Müller, Société), read without --encoding: refused, asking for it; never turned
    into Chinese. (A file of nothing but paired accented capitals is the one thing
    GB18030 detection cannot tell apart.)"""
    path = tmp_path_factory.mktemp("l1") / "l.csv"
    path.write_bytes(("name\n" + "\n".join(f"x{w}" for w in words) + "\n").encode("latin-1"))
    try:
        names = [v["name"] for _n, v, _p in CsvSource(path).rows()]
    except CsvError as exc:
        assert "--encoding" in str(exc) or "mixed" in str(exc)
        return
    assert names == [f"x{w}" for w in words]


@FILES
@given(head=st.binary(max_size=300))
def test_detect_encoding_never_raises(head: bytes) -> None:
    assert detect_encoding(head) in ("", "utf-8", "utf-8-sig", "utf-16", "utf-16-le",
                                     "gb18030")


# ---- Excel ------------------------------------------------------------------------

def _xlsx(path: Path, rows: list[list[object]]) -> Path:
    from openpyxl import Workbook

    book = Workbook()
    ws = book.active
    assert ws is not None
    for row in rows:
        ws.append(row)
    book.save(path)
    return path


def test_xlsx_import_maps_previews_and_is_all_or_nothing(store: Store, tmp_path: Path) -> None:
    path = _xlsx(tmp_path / "book.xlsx", [
        ["客户名称", "行业", "ARR", "Contract Start", "Contract End"],
        ["清华大学", "higher-education", 880000, date(2026, 3, 1), date(2027, 2, 28)],
        ["Acme", "tech", 1234.5, "2026-11-01", "2027-10-31"],
    ])
    dialect, mapping, rows = preview_rows(path, "accounts")
    assert dialect.encoding == "xlsx" and mapping.field_of("name") == "客户名称"
    assert rows[0]["ARR"] == "880000" and rows[0]["Contract Start"] == "2026-03-01"
    result = import_file(store, "accounts", path, today=TODAY)
    assert result.inserted == 2
    with store.session() as s:
        acme = s.exec(select(Account).where(Account.name == "Acme")).one()
        assert acme.arr_minor == 123450 and acme.stage == "onboarding"
    bad = _xlsx(tmp_path / "bad.xlsx", [["name", "arr"], ["Ok", 1], ["Bad", "lots"]])
    again = import_file(store, "accounts", bad, today=TODAY)
    assert not again.written and [(e.row, e.column) for e in again.errors] == [(3, "arr")]
    assert "Ok" not in _names(store)


def test_xlsx_contacts_deals_touchpoints(store: Store, tmp_path: Path) -> None:
    _xlsx(tmp_path / "a.xlsx", [["name"], ["Acme"]])
    import_file(store, "accounts", tmp_path / "a.xlsx", today=TODAY)
    contacts = _xlsx(tmp_path / "c.xlsx", [["account", "name", "role"],
                                           ["Acme", "Li Wei", "decision maker"]])
    deals = _xlsx(tmp_path / "d.xlsx", [["account", "deal stage", "close date", "amount"],
                                        ["Acme", "Won", date(2026, 6, 1), 5000]])
    touches = _xlsx(tmp_path / "t.xlsx", [["account", "date", "summary"],
                                          ["Acme", date(2026, 11, 2), "QBR"]])
    assert import_file(store, "contacts", contacts, today=TODAY).inserted == 1
    assert import_file(store, "deals", deals, today=TODAY).inserted == 1
    assert import_file(store, "touchpoints", touches, today=TODAY).inserted == 1


def test_not_a_workbook(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "fake.xlsx"
    path.write_text("name\nAcme\n")
    with pytest.raises(CsvError, match="not an Excel workbook"):
        import_file(store, "accounts", path, today=TODAY)


def test_xlsx_export_round_trips(demo_store: Store, tmp_path: Path) -> None:
    out = tmp_path / "accounts.xlsx"
    n = export_accounts_xlsx(demo_store, out, TODAY)
    assert stat.S_IMODE(os.stat(out).st_mode) == 0o600
    source = XlsxSource(out)
    rows = list(source.rows())
    assert len(rows) == n > 0
    assert {"name", "arr", "currency", "arr_base", "base_currency"} <= set(source.headers)


def test_cell_text() -> None:
    assert cell_text(12.0) == "12" and cell_text(0.1) == "0.1" and cell_text(None) == ""
    assert cell_text(date(2026, 1, 2)) == "2026-01-02"
