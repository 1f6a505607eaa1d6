"""Upgrading a real database made by an older build keeps every row of every table.

`tests/data/schema-NNNN.db` are databases written by the build at revision NNNN (see
tests/data/README.md). EVERY NEW REVISION ADDS SUCH A FIXTURE, made before the next
revision exists, and lists it in FIXTURES: then each later upgrade runs on real data of
every older schema; `test_upgrade_to_a_next_revision_*` adds a throw-away no-op
revision on top of the shipped scripts to drive the upgrade path (backup, then
alembic) over every fixture, HEAD's included.
"""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlmodel import SQLModel

import db.migrate
from csm_tui.cli import main
from db.fulltext import include_name, is_search_object
from db.migrate import HEAD, MIGRATIONS_DIR
from db.store import open_store

pytestmark = pytest.mark.sqlite_only  # the fixtures are SQLite files

DATA = Path(__file__).parent / "data"
FIXTURES = {"0001_initial": DATA / "schema-0001.db",  # one per revision, oldest first
            "0002_terms_metrics_rates": DATA / "schema-0002.db",
            "0003_notes_search": DATA / "schema-0003.db",
            "0004_stored_health": DATA / "schema-0004.db"}


Contents = dict[str, tuple[list[str], list[tuple]]]


def _contents(path: Path, like: Contents | None = None) -> Contents:
    """Every row of every table (but the version stamp), in rowid order, with the
    column names. `like`: only the tables and columns that one has (an upgrade may add
    tables and columns; every old row must still be there with its old values)."""
    con = sqlite3.connect(path)
    try:
        tables = [r[0] for r in con.execute(
            "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%' "
            "AND name != 'alembic_version' ORDER BY name")
            if not is_search_object(r[0], "table", {})]  # derived: rebuilt from the rows
        out: Contents = {}
        for table in tables if like is None else list(like):
            columns = ([r[1] for r in con.execute(f'PRAGMA table_info("{table}")')]
                       if like is None else like[table][0])
            names = ", ".join(f'"{c}"' for c in columns)
            out[table] = (columns, con.execute(
                f'SELECT {names} FROM "{table}" ORDER BY rowid').fetchall())
        return out
    finally:
        con.close()


def _revision(path: Path) -> str:
    con = sqlite3.connect(path)
    try:
        return con.execute("SELECT version_num FROM alembic_version").fetchone()[0]
    finally:
        con.close()


def _assert_matches_models(path: Path) -> None:
    store = open_store(str(path), migrate=False)
    try:
        with store.engine.connect() as conn:
            ctx = MigrationContext.configure(
            conn, opts={"compare_type": True, "include_name": include_name})
            diff = compare_metadata(ctx, SQLModel.metadata)
        assert diff == [], f"upgraded schema differs from the models: {diff}"
        with store.engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA integrity_check").scalar() == "ok"
    finally:
        store.close()


def test_fixtures_cover_every_revision() -> None:
    assert tuple(FIXTURES) == db.migrate.REVISIONS
    for rev, path in FIXTURES.items():
        assert _revision(path) == rev
        assert path.stat().st_size < 1_000_000


@pytest.fixture(params=sorted(FIXTURES), ids=lambda rev: rev)
def old_db(request: pytest.FixtureRequest, tmp_path: Path) -> tuple[Path, Contents, str]:
    copy = tmp_path / "csm.db"
    shutil.copyfile(FIXTURES[request.param], copy)
    before = _contents(copy)
    assert sum(len(rows) for _cols, rows in before.values()) > 1000  # a real portfolio
    return copy, before, request.param


@pytest.mark.parametrize("how", ["start", "cli"])
def test_open_or_upgrade_keeps_every_row(old_db: tuple[Path, Contents, str], how: str,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    path, before, revision = old_db
    if how == "start":
        store = open_store(str(path))  # what `csm` does on start
        backup = store.backup_made
        store.close()
    else:
        assert main(["db", "upgrade", "--db", str(path)]) == 0
        out = capsys.readouterr().out
        backup = next((Path(line.split("backup written to ", 1)[1])
                       for line in out.splitlines() if "backup written to" in line), None)
    assert _revision(path) == HEAD
    if revision == HEAD:
        assert backup is None  # nothing to upgrade, nothing copied
    else:  # a fixture of an older schema: backed up before the upgrade
        assert backup is not None and _revision(backup) == revision
        assert _contents(backup) == before
    assert _contents(path, like=before) == before
    _assert_matches_models(path)


NOOP_REVISION = '''"""probe: a later revision that changes nothing (test only)"""
revision = "0002_probe"
down_revision = "{head}"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
'''


@pytest.fixture
def next_revision(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """The shipped migration scripts plus a no-op revision after HEAD."""
    scripts = tmp_path / "migrations"
    shutil.copytree(MIGRATIONS_DIR, scripts, ignore=shutil.ignore_patterns("__pycache__"))
    (scripts / "versions" / "0002_probe.py").write_text(NOOP_REVISION.format(head=HEAD))
    monkeypatch.setattr(db.migrate, "MIGRATIONS_DIR", scripts)
    monkeypatch.setattr(db.migrate, "REVISIONS", (*db.migrate.REVISIONS, "0002_probe"))
    monkeypatch.setattr(db.migrate, "HEAD", "0002_probe")
    return "0002_probe"


@pytest.mark.parametrize("how", ["start", "cli"])
def test_upgrade_to_a_next_revision_backs_up_first_and_keeps_every_row(
        old_db: tuple[Path, Contents, str], next_revision: str, how: str,
        capsys: pytest.CaptureFixture[str]) -> None:
    path, before, revision = old_db
    if how == "start":
        store = open_store(str(path))
        backup = store.backup_made
        store.close()
    else:
        assert main(["db", "upgrade", "--db", str(path)]) == 0
        out = capsys.readouterr().out
        assert f"to {next_revision}" in out
        backup = Path(out.split("backup written to ", 1)[1].strip())
    assert _revision(path) == next_revision
    assert _contents(path, like=before) == before
    # the backup was taken before the upgrade: old revision, same rows
    assert backup is not None and backup.parent == path.parent
    assert _revision(backup) == revision
    assert _contents(backup) == before
    _assert_matches_models(path)


def test_upgrade_from_0001_fills_what_0002_adds(tmp_path: Path) -> None:
    """0002: every ticked step is marked done and every account has its current term."""
    path = tmp_path / "csm.db"
    shutil.copyfile(FIXTURES["0001_initial"], path)
    open_store(str(path)).close()
    con = sqlite3.connect(path)
    try:
        assert con.execute("SELECT count(*) FROM task WHERE done_at IS NOT NULL "
                           "AND closed_as IS NOT 'done'").fetchone() == (0,)
        assert con.execute("SELECT count(*) FROM task WHERE done_at IS NULL "
                           "AND closed_as IS NOT NULL").fetchone() == (0,)
        terms = con.execute("SELECT a.term, t.term, a.contract_end, t.\"end\", a.arr_minor, "
                            "t.arr_minor, a.stage, t.outcome FROM account a "
                            "JOIN contractterm t ON t.account_id = a.id").fetchall()
        assert len(terms) == con.execute("SELECT count(*) FROM account").fetchone()[0]
        for a_term, t_term, a_end, t_end, a_arr, t_arr, stage, outcome in terms:
            assert (a_term, a_end, a_arr) == (t_term, t_end, t_arr)
            assert outcome == ("churned" if stage == "churned" else "open")
    finally:
        con.close()


def test_the_upgrade_backup_is_private(tmp_path: Path) -> None:
    """The copy made before an upgrade holds the same notes about people: 0600."""
    path = tmp_path / "csm.db"
    shutil.copyfile(FIXTURES["0001_initial"], path)
    path.chmod(0o600)
    store = open_store(str(path))
    store.close()
    assert store.backup_made is not None
    assert store.backup_made.stat().st_mode & 0o777 == 0o600
