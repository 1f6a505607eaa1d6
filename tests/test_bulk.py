"""Bulk paths (#20): streamed JSON export and restore (new layout and old), truncated and
damaged files, a disk that fills mid-export, one import at a time, batches that cross
duplicates and matches, the compact scoring, size limits before reading, a light CLI."""

from __future__ import annotations

import csv
import json
import os
import resource
import subprocess
import sys
import threading
import time
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlmodel import func, select

from csm_tui.ical import IcsError, read_limited
from csm_tui.scoring import FactorInput, assign_tiers, load_scoring, score_portfolio, score_totals
from csm_tui.tabular import importers, jsonio
from csm_tui.tabular.importers import import_file
from csm_tui.tabular.jsonio import JsonExportError, export_json, import_json
from csm_tui.tabular.locks import ImportBusy, hold_import_lock
from db.models import Account
from db.store import Store, open_store

ROOT = Path(__file__).resolve().parents[1]
TODAY = date(2026, 11, 24)


def _accounts(session: Any) -> int:
    return int(session.exec(select(func.count()).select_from(Account)).one())


def _csv(path: Path, rows: list[list[str]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows(rows)
    return path


def _old_layout(new: Path, old: Path, *, drop_column: str | None = None) -> None:
    """What csm wrote before #20: one document, indent=1, no version, no counts."""
    data = json.loads(new.read_text(encoding="utf-8"))
    data.pop("version")
    data.pop("counts")
    if drop_column:
        for row in data["tables"]["account"]:
            row.pop(drop_column)
    old.write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")


# ---- the light start --------------------------------------------------------------------

@pytest.mark.parametrize("argv", [["--help"], ["--version"], ["export", "nope", "x"],
                                  ["import", "--help"]])
def test_help_version_and_argument_errors_load_no_database_or_textual(argv: list[str]
                                                                      ) -> None:
    code = (f"import sys\nfrom csm_tui.cli import main\ntry:\n    main({argv!r})\n"
            "except SystemExit:\n    pass\n"
            "heavy = sorted(m for m in sys.modules if m.split('.')[0] in "
            "('sqlalchemy', 'sqlmodel', 'textual', 'rich', 'openpyxl', 'icalendar'))\n"
            "print('LOADED', heavy, file=sys.stderr)\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)}, check=True)
    assert "LOADED []" in out.stderr


# ---- JSON: streamed, one record per line, both layouts ------------------------------------

def test_json_export_is_one_document_one_record_per_line(demo_store: Store,
                                                         tmp_path: Path) -> None:
    out = tmp_path / "all.json"
    counts = export_json(demo_store, out)
    lines = out.read_text(encoding="utf-8").splitlines()
    assert lines[0].startswith('{"format":"csm-tui","version":2,"schema":')
    data = json.loads(out.read_text(encoding="utf-8"))  # still one JSON document
    assert data["counts"] == counts and counts["account"] == len(data["tables"]["account"])
    assert set(data["tables"]) >= {"account", "contact", "touchpoint", "task", "contractterm",
                                   "metricreading", "exchangerate", "note", "changelog"}
    first = lines.index('"account":[')
    assert json.loads(lines[first + 1].rstrip(","))["id"] == 1  # a whole row on one line
    assert oct(out.stat().st_mode & 0o777) == "0o600"


def test_restore_in_small_batches_and_chunks_then_export_is_byte_identical(
        demo_store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(jsonio, "BATCH", 7)
    monkeypatch.setattr(jsonio, "CHUNK", 64)  # records straddle every refill of the buffer
    first, second = tmp_path / "a.json", tmp_path / "b.json"
    export_json(demo_store, first)
    fresh = open_store(str(tmp_path / "fresh.db"))
    steps: list[str] = []
    counts = import_json(fresh, first, progress=lambda phase, done, total: steps.append(phase))
    assert counts["account"] == 59 and steps[-1] == "done" and "write" in steps
    export_json(fresh, second)
    assert first.read_bytes() == second.read_bytes()
    fresh.close()


def test_old_layout_restores_losslessly(demo_store: Store, tmp_path: Path,
                                        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(jsonio, "CHUNK", 100)
    new, old, again = tmp_path / "new.json", tmp_path / "old.json", tmp_path / "again.json"
    export_json(demo_store, new)
    _old_layout(new, old)
    fresh = open_store(str(tmp_path / "fresh.db"))
    import_json(fresh, old)
    export_json(fresh, again)
    assert again.read_bytes() == new.read_bytes()
    fresh.close()


def test_old_export_without_a_newer_column_gets_its_default(demo_store: Store,
                                                            tmp_path: Path) -> None:
    new, old = tmp_path / "new.json", tmp_path / "old.json"
    export_json(demo_store, new)
    _old_layout(new, old, drop_column="tier_reason")
    fresh = open_store(str(tmp_path / "fresh.db"))
    assert import_json(fresh, old)["account"] == 59
    with fresh.session() as s:
        assert {a.tier_reason for a in s.exec(select(Account)).all()} == {""}
    fresh.close()


@pytest.mark.parametrize("layout", ["new", "old"])
def test_truncated_export_is_refused_and_nothing_restored(demo_store: Store, tmp_path: Path,
                                                          layout: str) -> None:
    new = tmp_path / "new.json"
    export_json(demo_store, new)
    source = new
    if layout == "old":
        source = tmp_path / "old.json"
        _old_layout(new, source)
    data = source.read_bytes()
    fresh = open_store(str(tmp_path / "fresh.db"))
    for cut in (10, len(data) // 3, len(data) // 2, len(data) - 40, len(data) - 2):
        part = tmp_path / f"cut-{cut}.json"
        part.write_bytes(data[:cut])
        with pytest.raises(JsonExportError, match="truncated|not a valid|holds"):
            import_json(fresh, part)
        with fresh.session() as s:
            assert _accounts(s) == 0
    fresh.close()


def test_damaged_or_foreign_json_names_the_line(store: Store, tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text('{"format":"csm-tui","tables":{\n"account":[\n{"id":1,,}\n]}}')
    with pytest.raises(JsonExportError, match="line 3"):
        import_json(store, bad)
    bad.write_text('{"format":"csm-tui","tables":{"account":[{"id":1,"nope":2}]}}')
    with pytest.raises(JsonExportError, match="unknown column 'nope'"):
        import_json(store, bad)
    bad.write_text('{"format":"csm-tui","tables":{"account":[]},"counts":{"account":3}}')
    with pytest.raises(JsonExportError, match="holds 0 rows but the export says 3"):
        import_json(store, bad)
    bad.write_text('[1, 2]')
    with pytest.raises(JsonExportError, match="format is missing"):
        import_json(store, bad)


@pytest.mark.sqlite_only
def test_disk_full_mid_export_leaves_nothing(demo_store: Store, tmp_path: Path) -> None:
    out = tmp_path / "exports" / "all.json"
    out.parent.mkdir()
    out.write_text("the previous export\n")

    def small_disk() -> None:  # writes past 64 KB fail as on a full disk (EFBIG)
        resource.setrlimit(resource.RLIMIT_FSIZE, (64 * 1024, resource.RLIM_INFINITY))

    proc = subprocess.run([sys.executable, "-m", "csm_tui", "export", "json", str(out),
                           "--db", str(demo_store.path)], capture_output=True, text=True,
                          cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)},
                          preexec_fn=small_disk)
    assert proc.returncode == 2, proc.stderr
    assert proc.stderr.startswith("csm: error: ") and len(proc.stderr.splitlines()) == 1
    assert "cannot write" in proc.stderr and "Traceback" not in proc.stderr
    assert out.read_text() == "the previous export\n"
    assert sorted(p.name for p in out.parent.iterdir()) == ["all.json"]


# ---- one import at a time ---------------------------------------------------------------

def test_a_second_import_waits_then_is_told_clearly(store: Store, tmp_path: Path) -> None:
    path = _csv(tmp_path / "a.csv", [["name", "arr"], ["Alpha", "10"]])
    with store.transaction() as holder:
        hold_import_lock(holder, wait=0)
        with pytest.raises(ImportBusy, match="another import .* is running on this database"):
            import_file(store, "accounts", path, today=TODAY, wait=0.3)
    with store.session() as s:
        assert _accounts(s) == 0


def test_a_second_import_waits_for_the_first_and_then_goes_on(store: Store,
                                                              tmp_path: Path) -> None:
    path = _csv(tmp_path / "a.csv", [["name", "arr"], ["Alpha", "10"]])
    phases: list[str] = []
    held = threading.Event()

    def first() -> None:
        with store.transaction() as holder:
            hold_import_lock(holder, wait=0)
            held.set()
            time.sleep(0.6)

    thread = threading.Thread(target=first)
    thread.start()
    held.wait(5)
    result = import_file(store, "accounts", path, today=TODAY, wait=10,
                         progress=lambda phase, done, total: phases.append(phase))
    thread.join()
    assert result.written and result.inserted == 1 and phases[0] == "wait"


def test_two_imports_at_once_never_collide(store: Store, tmp_path: Path) -> None:
    files = [_csv(tmp_path / f"{n}.csv", [["name", "arr"]] +
                  [[f"{n}-{i}", str(i)] for i in range(300)]) for n in ("a", "b")]
    results: list[Any] = []
    errors: list[BaseException] = []

    def run(path: Path) -> None:
        try:
            results.append(import_file(store, "accounts", path, today=TODAY, wait=30))
        except BaseException as exc:  # noqa: BLE001  (the test reports it)
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(f,)) for f in files]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert not errors and all(r.written for r in results)
    with store.transaction() as s:
        assert _accounts(s) == 600
        s.add(Account(name="typed by hand"))  # the id sequence is past the imported ids
    with store.session() as s:
        assert _accounts(s) == 601


# ---- batches: duplicates and matches across them ----------------------------------------

def test_duplicates_and_matches_across_batches(store: Store, tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(importers, "BATCH", 3)
    rows = [["name", "external_id", "arr"]] + [[f"Co {i}", f"X{i}", "5"] for i in range(8)]
    rows.append(["co 2", "", "7"])  # row 10: the name of row 4, another batch: an update
    rows.append(["Other", "X6", "9"])  # row 11: the external id of row 8: a repeat
    result = import_file(store, "accounts", _csv(tmp_path / "a.csv", rows), today=TODAY)
    assert [(e.row, e.column, e.reason) for e in result.errors] == [
        (11, "external_id", "same account as row 8")]
    assert not result.written
    rows.pop()
    result = import_file(store, "accounts", _csv(tmp_path / "b.csv", rows), today=TODAY)
    assert result.written and result.inserted == 8 and result.updated == 1  # by name
    again = import_file(store, "accounts", _csv(tmp_path / "b.csv", rows), today=TODAY)
    assert again.inserted == 0 and again.updated == 9
    with store.session() as s:
        assert _accounts(s) == 8


# ---- compact scoring: the same totals and tiers -----------------------------------------

factor = st.builds(FactorInput, st.integers(1, 10**6), st.integers(0, 10**9),
                   st.sampled_from([0.5, 0.79, 0.8, 0.95, 1.0]), st.floats(0, 0.6),
                   st.integers(0, 5), st.integers(0, 6), st.integers(0, 4), st.integers(0, 5))


@settings(max_examples=60, deadline=None)
@given(st.lists(factor, max_size=40, unique_by=lambda f: f.account_id))
def test_compact_scoring_gives_the_same_totals_and_tiers(inputs: list[FactorInput]) -> None:
    config = load_scoring()
    scores = score_portfolio(inputs, config)
    ids, totals = score_totals(iter(inputs), config)
    assert {aid: total for aid, total in zip(ids, totals, strict=True)} == \
        {aid: s.total for aid, s in scores.items()}
    tiers = assign_tiers(scores, config)
    order = sorted(scores.values(), key=lambda s: (-s.total, s.account_id))
    assert [tiers[s.account_id] for s in order] == sorted(tiers.values(), key="SABC".index)


# ---- size limits before reading ---------------------------------------------------------

def test_ics_size_is_checked_before_reading(tmp_path: Path) -> None:
    big = tmp_path / "big.ics"
    with big.open("wb") as fh:  # sparse: 60 MB on paper, nothing on the disk
        fh.truncate(60 * 2 ** 20)
    start = time.perf_counter()
    with pytest.raises(IcsError, match="larger than 50 MB"):
        read_limited(big)
    with pytest.raises(IcsError, match="larger than 1 MB"):
        read_limited(Path("/dev/zero"), limit=2 ** 20)
    assert time.perf_counter() - start < 2


@pytest.mark.sqlite_only
def test_backup_reports_progress(demo_store: Store, tmp_path: Path) -> None:
    from db.backup import backup_to

    seen: list[tuple[int, int]] = []
    assert backup_to(demo_store, tmp_path / "copy.db",
                     progress=lambda phase, done, total: seen.append((done, total))) == 59
    assert seen and seen[-1][0] == seen[-1][1]
