"""Upgrading a real database made by an older build keeps every row of every table.

`tests/data/schema-NNNN.db` are databases written by the build at revision NNNN (see
tests/data/README.md). EVERY NEW REVISION ADDS SUCH A FIXTURE, made before the next
revision exists, and lists it in FIXTURES: then each later upgrade runs on real data of
every older schema. Today HEAD is still 0001, so the plain open/upgrade keeps rows
untouched; `test_upgrade_to_a_next_revision_*` adds a throw-away no-op revision 0002
on top of the shipped scripts to drive the real upgrade path (backup, then alembic)
over the fixture now, not only once a second revision exists.
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
from db.migrate import HEAD, MIGRATIONS_DIR
from db.store import open_store

pytestmark = pytest.mark.sqlite_only  # the fixtures are SQLite files

DATA = Path(__file__).parent / "data"
FIXTURES = {"0001_initial": DATA / "schema-0001.db"}  # one per revision, oldest first


def _contents(path: Path) -> dict[str, list[tuple]]:
    """Every row of every table (but the version stamp), in rowid order."""
    con = sqlite3.connect(path)
    try:
        tables = [r[0] for r in con.execute(
            "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%' "
            "AND name != 'alembic_version' ORDER BY name")]
        return {t: con.execute(f'SELECT * FROM "{t}" ORDER BY rowid').fetchall()
                for t in tables}
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
            ctx = MigrationContext.configure(conn, opts={"compare_type": True})
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
def old_db(request: pytest.FixtureRequest, tmp_path: Path) -> tuple[Path, dict, str]:
    copy = tmp_path / "csm.db"
    shutil.copyfile(FIXTURES[request.param], copy)
    before = _contents(copy)
    assert sum(len(rows) for rows in before.values()) > 1000  # a real portfolio
    return copy, before, request.param


@pytest.mark.parametrize("how", ["start", "cli"])
def test_open_or_upgrade_keeps_every_row(old_db: tuple[Path, dict, str], how: str,
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
    assert _contents(path) == before
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
        old_db: tuple[Path, dict, str], next_revision: str, how: str,
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
    assert _contents(path) == before
    # the backup was taken before the upgrade: old revision, same rows
    assert backup is not None and backup.parent == path.parent
    assert _revision(backup) == revision
    assert _contents(backup) == before
    _assert_matches_models(path)
