"""Imports and exports with real CRM data: encodings, dialects, all-or-nothing, JSON."""

from __future__ import annotations

import csv
import json
import shutil
import sqlite3
from collections import defaultdict
from datetime import date
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlmodel import select

from csm_tui.cli import main
from csm_tui.dates import add_months
from csm_tui.tabular.csvio import CsvError, sniff
from csm_tui.tabular.exporters import export_accounts_csv, export_json, import_json, safe_cell
from csm_tui.tabular.importers import import_file
from db.models import Account, Contact, Deal, Touchpoint
from db.store import Store, open_store

TODAY = date(2026, 11, 24)


def _write(path: Path, rows: list[list[str]], *, encoding: str = "utf-8",
           delimiter: str = ",") -> Path:
    with path.open("w", encoding=encoding, newline="") as fh:
        csv.writer(fh, delimiter=delimiter).writerows(rows)
    return path


ROWS = [["Account Name", "Industry", "Billing Country", "Account Owner"],
        ["清华大学", "higher-education", "China", "alex"],
        ["Acme; Inc", "technology", "USA", "li"],
        ["Line\nbreak Co", "retail", "UK", "sam"]]


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030", "utf-16"])
@pytest.mark.parametrize("delimiter", [",", ";", "\t"])
def test_encodings_and_delimiters(store: Store, tmp_path: Path, encoding: str,
                                  delimiter: str) -> None:
    path = _write(tmp_path / "a.csv", ROWS, encoding=encoding, delimiter=delimiter)
    dialect = sniff(path)
    assert dialect.delimiter == delimiter
    result = import_file(store, "accounts", path, today=TODAY)
    assert (result.inserted, result.errors) == (3, [])
    with store.session() as s:
        names = sorted(a.name for a in s.exec(select(Account)).all())
    assert names == sorted(["清华大学", "Acme; Inc", "Line\nbreak Co"])


@pytest.mark.parametrize(("headers", "values"), [
    (["Account Name", "Industry", "Annual Revenue", "Billing Country", "Account ID"],
     ["Salesforce Co", "Software", "1000000", "Germany", "001A"]),
    (["Company name", "Industry", "Annual Revenue", "Country/Region", "Record ID",
      "Company owner"], ["HubSpot Co", "Software", "2000000", "France", "9911", "kim"]),
    (["account", "sector", "year_established", "revenue", "employees", "office_location",
      "subsidiary_of"], ["Maven Co", "technolgy", "1996", "1100.04", "2822", "United States",
                         ""]),
])
def test_header_dialects(store: Store, tmp_path: Path, headers: list[str],
                         values: list[str]) -> None:
    path = _write(tmp_path / "d.csv", [headers, values])
    result = import_file(store, "accounts", path, today=TODAY)
    assert result.inserted == 1 and not result.mapping.unknown
    with store.session() as s:
        acc = s.exec(select(Account)).one()
    assert acc.name == values[0] and acc.industry == values[1]
    assert acc.region in values


def test_report_lists_every_bad_row_and_writes_nothing(store: Store, tmp_path: Path) -> None:
    path = _write(tmp_path / "bad.csv", [
        ["name", "arr", "tier", "contract_start", "contract_end"],
        ["Good", "100", "A", "2026-01-01", "2027-01-01"],
        ["Negative", "-5", "A", "", ""],
        ["Tiered", "10", "Q", "", ""],
        ["Dated", "10", "B", "2026-13-01", ""],
        ["Good", "5", "C", "", ""],
    ])
    result = import_file(store, "accounts", path, today=TODAY)
    assert not result.written
    got = [(e.row, e.column, e.value, e.reason) for e in result.errors]
    assert got == [(3, "arr", "-5", "negative amount"),
                   (4, "tier", "Q", "unknown tier (use S, A, B, C)"),
                   (5, "contract_start", "2026-13-01", "not a date (use YYYY-MM-DD)"),
                   (6, "name", "Good", "same account as row 2")]
    with store.session() as s:
        assert s.exec(select(Account)).all() == []


def test_skip_invalid_writes_valid_rows_and_a_rejects_file(store: Store,
                                                           tmp_path: Path) -> None:
    path = _write(tmp_path / "mix.csv", [["name", "arr"], ["Ok", "1"], ["Bad", "x"]])
    result = import_file(store, "accounts", path, today=TODAY, skip_invalid=True)
    assert result.written and result.inserted == 1
    with result.rejects_path.open(encoding="utf-8-sig") as fh:
        rejected = list(csv.DictReader(fh))
    assert rejected == [{"row": "3", "name": "Bad", "arr": "x",
                         "reason": "arr: not an amount"}]


def test_reimport_updates_by_external_id_then_name(store: Store, tmp_path: Path) -> None:
    _write(tmp_path / "a.csv", [["name", "external_id", "arr"], ["Acme", "X1", "100"],
                                ["Beta  Corp", "", "50"]])
    import_file(store, "accounts", tmp_path / "a.csv", today=TODAY)
    _write(tmp_path / "b.csv", [["name", "external_id", "arr"], ["Acme Renamed", "X1", "200"],
                                ["beta corp", "", "60"]])
    result = import_file(store, "accounts", tmp_path / "b.csv", today=TODAY)
    assert (result.inserted, result.updated) == (0, 2)
    with store.session() as s:
        accounts = {a.external_id or a.name: a for a in s.exec(select(Account)).all()}
    assert len(accounts) == 2
    assert accounts["X1"].name == "Acme Renamed" and accounts["X1"].arr_minor == 20000


def _content(path: Path) -> list[tuple]:
    con = sqlite3.connect(path)
    rows = []
    for table in ("account", "contact", "touchpoint", "task", "deal", "changelog"):
        rows += [(table, *r) for r in con.execute(f"SELECT * FROM {table} ORDER BY id")]
    con.close()
    return rows


@pytest.mark.sqlite_only
def test_bad_row_5000_of_10000_changes_nothing(demo_store: Store, tmp_path: Path) -> None:
    rows = [["name", "arr"]] + [[f"Bulk {i}", str(i)] for i in range(10_000)]
    rows[5000][1] = "-1"
    path = _write(tmp_path / "big.csv", rows)
    before = _content(demo_store.path)
    result = import_file(demo_store, "accounts", path, today=TODAY)
    assert not result.written and [e.row for e in result.errors] == [5001]
    assert _content(demo_store.path) == before


def test_maven_crm_import_figures(store: Store, shared_data: Path) -> None:
    maven = shared_data / "maven_crm"
    assert import_file(store, "accounts", maven / "accounts.csv", today=TODAY).inserted == 85
    result = import_file(store, "deals", maven / "sales_pipeline.csv", today=TODAY)
    assert result.errors == [] and result.inserted == 4238
    assert result.skip_reasons == {"no account": 1425, "lost deals": 2473, "open deals": 664}
    won: dict[str, list[tuple[date, int]]] = defaultdict(list)
    with (maven / "sales_pipeline.csv").open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            if row["deal_stage"] == "Won" and row["account"]:
                won[row["account"]].append((date.fromisoformat(row["close_date"]),
                                            int(row["close_value"])))
    with store.session() as s:
        accounts = {a.name: a for a in s.exec(select(Account)).all()}
        assert len(accounts) == 85
        assert s.exec(select(Deal)).all().__len__() == 4238
    for name, deals in won.items():
        latest = max(d for d, _ in deals)
        expected = sum(v for d, v in deals if d > add_months(latest, -12)) * 100
        acc = accounts[name]
        assert acc.arr_minor == expected, name
        assert acc.contract_start == latest and acc.contract_end == add_months(latest, 12)
        assert acc.stage == "renewal"  # those contracts ended in 2018


def test_contacts_and_touchpoints(store: Store, tmp_path: Path) -> None:
    _write(tmp_path / "a.csv", [["name"], ["清华大学"]])
    import_file(store, "accounts", tmp_path / "a.csv", today=TODAY)
    _write(tmp_path / "c.csv", [["客户", "姓名", "职位", "角色", "邮箱"],
                                ["清华大学", "王芳", "CIO", "决策者", "wf@example.cn"]])
    assert import_file(store, "contacts", tmp_path / "c.csv", today=TODAY).inserted == 1
    _write(tmp_path / "t.csv", [["account", "date", "channel", "summary", "contact"],
                                ["清华大学", "2026-10-01", "微信", "聊了续约", "王芳"],
                                ["清华大学", "2026-10-20", "fax", "x", ""]])
    bad = import_file(store, "touchpoints", tmp_path / "t.csv", today=TODAY)
    assert [e.column for e in bad.errors] == ["channel"] and not bad.written
    _write(tmp_path / "t.csv", [["account", "date", "channel", "summary", "contact"],
                                ["清华大学", "2026-10-01", "微信", "聊了续约", "王芳"]])
    assert import_file(store, "touchpoints", tmp_path / "t.csv", today=TODAY).inserted == 1
    again = import_file(store, "touchpoints", tmp_path / "t.csv", today=TODAY)
    assert again.inserted == 0 and again.skipped == 1
    with store.session() as s:
        tp = s.exec(select(Touchpoint)).one()
        contact = s.exec(select(Contact)).one()
    assert (tp.channel, tp.status, tp.contact_id) == ("chat", "done", contact.id)
    assert tp.done_at.date() == date(2026, 10, 1) and contact.role == "decision_maker"


def test_broken_files(store: Store, tmp_path: Path) -> None:
    (tmp_path / "empty.csv").write_text("")
    with pytest.raises(CsvError, match="empty"):
        import_file(store, "accounts", tmp_path / "empty.csv", today=TODAY)
    (tmp_path / "bin.csv").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" * 20)
    with pytest.raises(CsvError):
        import_file(store, "accounts", tmp_path / "bin.csv", today=TODAY)
    _write(tmp_path / "nocol.csv", [["foo", "bar"], ["1", "2"]])
    with pytest.raises(ValueError, match="no column for 'name'"):
        import_file(store, "accounts", tmp_path / "nocol.csv", today=TODAY)
    with pytest.raises(ValueError, match="--map"):
        import_file(store, "accounts", tmp_path / "nocol.csv", today=TODAY,
                    overrides=["foo=colour"])
    assert import_file(store, "accounts", tmp_path / "nocol.csv", today=TODAY,
                       overrides=["foo=name"]).inserted == 1


def test_formula_injection_is_neutralised(store: Store, tmp_path: Path) -> None:
    assert safe_cell("=HYPERLINK(\"x\")") == "'=HYPERLINK(\"x\")"
    assert safe_cell("-2+3") == "'-2+3" and safe_cell("@SUM(A1)") == "'@SUM(A1)"
    assert safe_cell("\tx") == "'\tx" and safe_cell("Acme") == "Acme"
    _write(tmp_path / "evil.csv", [["name", "industry"], ["=cmd|' /C calc'!A0", "+evil"]])
    import_file(store, "accounts", tmp_path / "evil.csv", today=TODAY)
    out = tmp_path / "out.csv"
    export_accounts_csv(store, out, TODAY)
    with out.open(encoding="utf-8-sig") as fh:
        row = next(csv.DictReader(fh))
    assert row["name"] == "'=cmd|' /C calc'!A0" and row["industry"] == "'+evil"


names = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")),
                min_size=1, max_size=30).filter(lambda s: s.strip())


@settings(max_examples=20, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.tuples(names, st.integers(0, 10**12), st.sampled_from("SABC"),
                          st.none() | st.integers(-100, 100)), min_size=0, max_size=8))
def test_json_round_trip(tmp_path_factory, accounts) -> None:  # type: ignore[no-untyped-def]
    folder = tmp_path_factory.mktemp("rt")
    src = open_store(str(folder / "src.db"))
    with src.transaction() as s:
        for i, (name, arr, tier, nps) in enumerate(accounts):
            acc = Account(name=name, arr_minor=arr, tier=tier, nps=nps,
                          contract_end=date(2027, 1, 1 + i))
            s.add(acc)
            s.flush()
            s.add(Contact(account_id=acc.id, name=name[::-1], role="champion"))
    first = folder / "a.json"
    export_json(src, first)
    dst = open_store(str(folder / "dst.db"))
    import_json(dst, first)
    second = folder / "b.json"
    export_json(dst, second)
    assert json.loads(first.read_text()) == json.loads(second.read_text())
    src.close()
    dst.close()


def test_json_restore_refuses_a_full_database(demo_store: Store, tmp_path: Path) -> None:
    out = tmp_path / "all.json"
    export_json(demo_store, out)
    with pytest.raises(ValueError, match="not empty"):
        import_json(demo_store, out)
    (tmp_path / "x.json").write_text("{\"nope\": 1}")
    with pytest.raises(ValueError, match="not a csm-tui JSON export"):
        import_json(open_store(str(tmp_path / "fresh.db")), tmp_path / "x.json")


@pytest.mark.sqlite_only
def test_backup_then_restore(demo_store: Store, tmp_path: Path,
                             capsys: pytest.CaptureFixture[str]) -> None:
    copy = tmp_path / "backup.db"
    assert main(["backup", str(copy), "--db", str(demo_store.path)]) == 0
    restored = tmp_path / "restored.db"
    shutil.copy(copy, restored)
    store = open_store(str(restored))
    with store.session() as s, demo_store.session() as t:
        assert len(s.exec(select(Account)).all()) == len(t.exec(select(Account)).all()) == 59
        assert len(s.exec(select(Touchpoint)).all()) == len(t.exec(select(Touchpoint)).all())
    store.close()


@pytest.mark.sqlite_only
def test_cli_import_exit_codes(store: Store, tmp_path: Path,
                               capsys: pytest.CaptureFixture[str]) -> None:
    db = str(store.path)
    _write(tmp_path / "a.csv", [["name", "arr"], ["Ok", "1"], ["Bad", "-1"]])
    assert main(["import", "accounts", str(tmp_path / "a.csv"), "--db", db]) == 1
    out = capsys.readouterr().out
    assert "row 3, column 'arr', value '-1': negative amount" in out
    assert "nothing was written" in out
    assert main(["import", "accounts", str(tmp_path / "a.csv"), "--skip-invalid",
                 "--db", db]) == 1
    assert main(["import", "accounts", str(tmp_path / "nope.csv"), "--db", db]) == 2
