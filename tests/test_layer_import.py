"""SQLAlchemy is imported by one thread only, inside `load_database_layer`.

The TUI paints Today (from its cache) before the database layer loads, and opens the
database in a worker; a key pressed meanwhile (`5`: the calendar, whose domain module
imports the layer) used to import SQLAlchemy on the UI thread while the worker imported
it too, and the app died with "cannot import name … from partially initialized module".
Each run is a fresh interpreter: SQLAlchemy must not be loaded before the app starts.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from db.store import Store

pytestmark = pytest.mark.sqlite_only  # a SQLite file: Today's first-paint cache

ROOT = Path(__file__).resolve().parents[1]

SCRIPT = r'''
import asyncio, importlib.abc, sys
from datetime import date

firsts = []


class Watch(importlib.abc.MetaPathFinder):
    """When SQLAlchemy is first imported: is load_database_layer on the stack?"""
    def find_spec(self, name, path=None, target=None):
        if name == "sqlalchemy":
            frame, inside = sys._getframe(), False
            while frame is not None:
                inside = inside or frame.f_code.co_name == "load_database_layer"
                frame = frame.f_back
            firsts.append(inside)
        return None


sys.meta_path.insert(0, Watch())
from csm_tui.factory import make_app
from screens.base import DataScreen

KEYS, WANTED = sys.argv[1], sys.argv[2]


async def main():
    app = make_app(sys.argv[3], today=date(2026, 11, 24), user="alex.chen")
    readies = asyncio.Queue()

    def hook(message):
        if isinstance(message, DataScreen.Ready):
            readies.put_nowait(type(message.screen).__name__)

    async with app.run_test(size=(160, 45), message_hook=hook) as pilot:
        while await asyncio.wait_for(readies.get(), 60) != "TodayScreen":
            pass
        for key in KEYS:
            await pilot.press(key)
        while WANTED != "TodayScreen" and await asyncio.wait_for(readies.get(), 60) != WANTED:
            pass
        await app.workers.wait_for_complete()
    print("FIRSTS", firsts)


asyncio.run(main())
'''


def _run(db: Path, keys: str, wanted: str, home: Path) -> str:
    env = {"PATH": "/usr/bin:/bin", "HOME": str(home), "CSM_DATA_DIR": str(home / "data"),
           "CSM_CONFIG_DIR": str(home / "config"), "PYTHONPATH": str(ROOT)}
    proc = subprocess.run([sys.executable, "-c", SCRIPT, keys, wanted, str(db)],
                          capture_output=True, text=True, cwd=ROOT, env=env, timeout=120)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return proc.stdout


def test_a_key_before_the_database_opens_imports_sqlalchemy_once(
        tmp_path: Path, demo_store: Store) -> None:
    db = tmp_path / "book.db"
    assert demo_store.path is not None
    db.write_bytes(demo_store.path.read_bytes())
    first = _run(db, "", "TodayScreen", tmp_path)  # keeps Today's cache for the next start
    assert "FIRSTS [True]" in first
    again = _run(db, "5", "CalendarScreen", tmp_path)  # cached Today; `5` before the open
    assert "FIRSTS [True]" in again
