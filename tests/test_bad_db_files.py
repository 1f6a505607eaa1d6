"""`csm --db X ...` on a damaged, read-only or full database: exit status 2 and one
clear line naming the file, never a traceback, and nothing half-written."""

from __future__ import annotations

import ctypes
import os
import shutil
import sqlite3
import subprocess
import sys
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import event

from csm_tui.cli import main
from csm_tui.followup import log_followup
from db.engine import StoreError
from db.store import open_store

pytestmark = pytest.mark.sqlite_only  # file-level failures of a SQLite database

FIXTURE = Path(__file__).parent / "data" / "schema-0001.db"
ROOT = Path(__file__).resolve().parents[1]
ENV = dict(os.environ, PYTHONPATH=str(ROOT))


def _assert_one_clear_line(code: int, err: str, path: Path, why: str) -> None:
    assert code == 2, err
    assert "Traceback" not in err
    assert err.startswith("csm: error:"), err
    assert len(err.strip().splitlines()) == 1, err
    assert str(path) in err and why in err, err


def _damaged(kind: str, folder: Path) -> Path:
    data = FIXTURE.read_bytes()
    path = folder / f"{kind}.db"
    if kind == "random-bytes":
        path.write_bytes(os.urandom(40_000))
    elif kind == "truncated-third":
        path.write_bytes(data[: len(data) // 3])
    elif kind == "truncated-two-pages":
        path.write_bytes(data[:8192])
    elif kind == "truncated-header":
        path.write_bytes(data[:100])
    else:  # pages overwritten with noise in the middle of a valid file
        mangled = bytearray(data)
        for offset in range(4096 * 3, len(mangled), 4096 * 7):
            mangled[offset:offset + 200] = os.urandom(200)
        path.write_bytes(bytes(mangled))
    return path


@pytest.mark.parametrize("kind", ["random-bytes", "truncated-third", "truncated-two-pages",
                                  "truncated-header", "mangled-pages"])
def test_damaged_file(kind: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = _damaged(kind, tmp_path)
    code = main(["--db", str(path), "today", "--today", "2026-11-24"])
    err = capsys.readouterr().err
    why = "not a database" if kind == "random-bytes" else "damaged"
    _assert_one_clear_line(code, err, path, why)


def test_damaged_file_in_a_fresh_process(tmp_path: Path) -> None:
    """The same through the real entry point: no traceback reaches the terminal."""
    path = _damaged("truncated-third", tmp_path)
    proc = subprocess.run([sys.executable, "-m", "csm_tui", "--db", str(path), "today"],
                          capture_output=True, text=True, timeout=120, env=ENV)
    _assert_one_clear_line(proc.returncode, proc.stderr, path, "damaged")


def _without_root_override() -> Callable[[], None] | None:
    """Permission bits do not stop root. As root, the child drops CAP_DAC_OVERRIDE and
    CAP_DAC_READ_SEARCH from its bounding set before exec, so the bits apply to it."""
    if os.geteuid() != 0:
        return None
    libc = ctypes.CDLL(None, use_errno=True)

    def drop() -> None:
        for cap in (1, 2):  # CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH
            if libc.prctl(24, cap, 0, 0, 0) != 0:  # PR_CAPBSET_DROP
                raise OSError(ctypes.get_errno(), "prctl(PR_CAPBSET_DROP)")

    probe = subprocess.run([sys.executable, "-c", "pass"], preexec_fn=drop,
                           capture_output=True, timeout=60)
    if probe.returncode != 0:
        pytest.skip("running as root without CAP_SETPCAP: permission bits cannot be tested")
    return drop


def _csm(args: list[str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "csm_tui", *args],
                          preexec_fn=_without_root_override(), capture_output=True,
                          text=True, timeout=120, env=ENV)


@pytest.fixture
def real_db(tmp_path: Path) -> Path:
    folder = tmp_path / "data"
    folder.mkdir()
    path = folder / "csm.db"
    shutil.copyfile(FIXTURE, path)
    store = open_store(str(path))  # as the app leaves it: WAL mode, no journal files,
    store.close()                  # upgraded to the current schema
    if store.backup_made is not None:  # the fixture is of an older schema
        store.backup_made.unlink()
    return path


def test_read_only_file(real_db: Path) -> None:
    real_db.chmod(0o444)
    before = real_db.read_bytes()
    proc = _csm(["--db", str(real_db), "today"])
    _assert_one_clear_line(proc.returncode, proc.stderr, real_db, "read-only")
    assert real_db.read_bytes() == before


def test_read_only_folder(real_db: Path) -> None:
    folder = real_db.parent
    folder.chmod(0o555)
    try:
        proc = _csm(["--db", str(real_db), "today"])
        new = _csm(["--db", str(folder / "new.db"), "today", "--create"])
    finally:
        folder.chmod(0o755)
    _assert_one_clear_line(proc.returncode, proc.stderr, real_db, "read-only")
    _assert_one_clear_line(new.returncode, new.stderr, folder / "new.db", "cannot create")
    assert sorted(p.name for p in folder.iterdir()) == ["csm.db"]


def _cap_size(dbapi_conn: sqlite3.Connection, _record: object) -> None:
    """A full disk, simulated: the database may not grow past its current size."""
    pages = dbapi_conn.execute("PRAGMA page_count").fetchone()[0]
    dbapi_conn.execute(f"PRAGMA max_page_count={pages}")


def _counts(path: Path) -> tuple[int, int]:
    con = sqlite3.connect(path)
    try:
        return (con.execute("SELECT count(*) FROM touchpoint").fetchone()[0],
                con.execute("SELECT count(*) FROM changelog").fetchone()[0])
    finally:
        con.close()


def test_full_disk_through_the_domain_write_path(real_db: Path) -> None:
    store = open_store(str(real_db))
    event.listen(store.engine, "connect", _cap_size)
    store.engine.dispose()  # new connections get the cap
    before = _counts(real_db)
    with pytest.raises(StoreError) as caught:
        log_followup(store, 2, summary="满" * 100_000, now=datetime.now(UTC))
    store.close()
    message = str(caught.value)
    assert str(real_db) in message and "disk is full" in message
    assert "nothing was saved" in message
    assert _counts(real_db) == before  # nothing half-written
    con = sqlite3.connect(real_db)
    assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    con.close()


def test_full_disk_from_the_cli(real_db: Path) -> None:
    before = _counts(real_db)
    code = ("from sqlalchemy import event\n"
            "from sqlalchemy.engine import Engine\n"
            "def cap(conn, _):\n"
            "    n = conn.execute('PRAGMA page_count').fetchone()[0]\n"
            "    conn.execute(f'PRAGMA max_page_count={n}')\n"
            "event.listen(Engine, 'connect', cap)\n"
            "from csm_tui.cli import main\n"
            f"raise SystemExit(main(['--db', {str(real_db)!r}, 'log', 'Acme Media', "
            "'满' * 100000]))\n")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=120, env=ENV)
    _assert_one_clear_line(proc.returncode, proc.stderr, real_db, "disk is full")
    assert _counts(real_db) == before
