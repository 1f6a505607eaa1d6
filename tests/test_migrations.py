"""Alembic scripts and the models agree; upgrades keep rows and make a backup first."""

from __future__ import annotations

from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine, inspect
from sqlmodel import SQLModel

from db.fulltext import include_name
from db.migrate import HEAD, REVISIONS, alembic_config, run_alembic_upgrade
from db.store import open_store


def test_revision_list_matches_scripts() -> None:
    engine = create_engine("sqlite://")
    script = ScriptDirectory.from_config(alembic_config(engine))
    assert script.get_heads() == [HEAD]
    chain = [rev.revision for rev in script.walk_revisions()][::-1]
    assert tuple(chain) == REVISIONS


def test_upgrade_from_empty_matches_models_exactly(tmp_path: Path) -> None:
    engine = create_engine(f"sqlite:///{tmp_path / 'm.db'}")
    run_alembic_upgrade(engine)
    with engine.connect() as conn:
        ctx = MigrationContext.configure(
            conn, opts={"compare_type": True, "include_name": include_name})
        diff = compare_metadata(ctx, SQLModel.metadata)
    assert diff == [], f"schema drift between models and migrations: {diff}"


def test_fresh_create_equals_migrated(tmp_path: Path) -> None:
    migrated = create_engine(f"sqlite:///{tmp_path / 'a.db'}")
    run_alembic_upgrade(migrated)
    created = open_store(str(tmp_path / "b.db"))

    def shape(engine):  # type: ignore[no-untyped-def]
        insp = inspect(engine)
        return {t: (sorted(c["name"] for c in insp.get_columns(t)),
                    sorted(i["name"] for i in insp.get_indexes(t)))
                for t in insp.get_table_names()}

    assert shape(migrated) == shape(created.engine)


def test_database_at_head_is_left_alone(tmp_path: Path) -> None:
    """Opening a current database neither backs it up nor touches its rows."""
    path = tmp_path / "current.db"
    store = open_store(str(path))
    with store.engine.begin() as conn:
        conn.exec_driver_sql("INSERT INTO changelog (at, actor, action, entity, summary, payload, "
                             "undone) VALUES ('2026-01-01', 'me', 'note', 'x', 'keep', '{}', 0)")
    store.close()
    reopened = open_store(str(path))
    assert reopened.backup_made is None
    with reopened.engine.connect() as conn:
        assert conn.exec_driver_sql("SELECT summary FROM changelog").scalar() == "keep"
    reopened.close()
    assert list(tmp_path.glob("*.backup-*")) == []
