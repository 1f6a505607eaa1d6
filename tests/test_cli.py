"""The `csm` command: seeding, upgrades, backups and one-line errors with status 2."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from csm_tui.cli import main


def test_seed_demo_then_backup(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = tmp_path / "p.db"
    assert main(["seed-demo", "--db", str(db), "--accounts", "40", "--seed", "5",
                 "--today", "2026-11-24"]) == 0
    assert "seeded 40 accounts" in capsys.readouterr().out
    out = tmp_path / "copy.db"
    assert main(["--db", str(db), "backup", str(out)]) == 0  # --db before the command
    con = sqlite3.connect(out)
    assert con.execute("SELECT count(*) FROM account").fetchone()[0] == 40
    assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    con.close()
    assert main(["backup", str(out), "--db", str(db)]) == 2  # refuses to overwrite
    assert "already exists" in capsys.readouterr().err


def test_db_upgrade_reports(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = tmp_path / "u.db"
    assert main(["db", "upgrade", "--db", str(db), "--create"]) == 0
    assert "upgraded from empty" in capsys.readouterr().out
    assert main(["db", "upgrade", "--db", str(db)]) == 0
    assert "already at" in capsys.readouterr().out


def test_bad_db_gives_one_line_and_status_2(tmp_path: Path) -> None:
    bogus = tmp_path / "bogus.db"
    bogus.write_bytes(b"GARBAGE" * 500)
    proc = subprocess.run([sys.executable, "-m", "csm_tui", "--db", str(bogus), "db", "upgrade"],
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr
    assert proc.stderr.startswith("csm: error:") and "not a database" in proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1


def test_tui_refuses_bad_db_before_starting(tmp_path: Path,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    bogus = tmp_path / "bogus.db"
    bogus.write_bytes(b"GARBAGE" * 500)
    assert main(["--db", str(bogus)]) == 2
    assert "not a database" in capsys.readouterr().err


def test_bad_today_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["seed-demo", "--db", str(tmp_path / "x.db"), "--today", "2026-13-01"]) == 2
    assert "--today" in capsys.readouterr().err


def test_seed_demo_needs_db(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["seed-demo"]) == 2
    assert "--db" in capsys.readouterr().err


def _in_fresh_python(code: str) -> None:
    """Run `code` in a new interpreter (nothing imported yet); it exits 0 when it holds."""
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=60)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_domain_and_db_do_not_import_textual() -> None:
    """Layering: db/ and every domain module of csm_tui/ (all but the App) never pull in
    the UI; checked in a fresh interpreter so nothing else has imported it first."""
    code = (
        "import importlib, pkgutil, sys, csm_tui, csm_tui.commands, csm_tui.tabular, db\n"
        "mods = [m.name for pkg in (csm_tui, csm_tui.commands, csm_tui.tabular, db)\n"
        "        for m in pkgutil.iter_modules(pkg.__path__, pkg.__name__ + '.')\n"
        "        if m.name not in ('csm_tui.app', 'csm_tui.__main__')\n"
        "        and not m.name.startswith('db.migrations')]\n"
        "for name in mods: importlib.import_module(name)\n"
        "bad = sorted({m.split('.')[0] for m in sys.modules} & {'textual', 'screens'})\n"
        "print(len(mods), bad); sys.exit(1 if bad or len(mods) < 30 else 0)\n")
    _in_fresh_python(code)


@pytest.mark.parametrize(("argv", "tui"), [
    ([], True), (["--db", "x.db"], True), (["--demo", "--today", "2026-11-24"], True),
    (["--lang", "zh_CN"], True), (["today"], False), (["--db", "x.db", "today"], False),
    (["--help"], False), (["nonsense"], False)])
def test_opens_tui_tells_the_tui_from_a_command(argv: list[str], tui: bool) -> None:
    from csm_tui.cli import opens_tui

    assert opens_tui(argv) is tui


def test_tui_arguments_parse_without_the_database_layer() -> None:
    """The TUI paints before SQLAlchemy loads (issue 8's first-paint budget): reading
    `csm --db X`'s arguments must not import it, nor any subcommand."""
    code = (
        "import sys\n"
        "from csm_tui.cli import build_parser, opens_tui\n"
        "argv = ['--db', 'x.db', '--today', '2026-11-24']\n"
        "args = build_parser(commands=not opens_tui(argv)).parse_args(argv)\n"
        "assert args.command is None and args.db == 'x.db'\n"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] == 'sqlalchemy'\n"
        "             or m.startswith('csm_tui.commands.'))\n"
        "print(bad[:5]); sys.exit(1 if bad else 0)\n")
    _in_fresh_python(code)


def test_settle_memory_freezes_start_up_and_turns_the_collector_back_on() -> None:
    """`csm` starts with the collector off (cli.run_tui); the end of start-up freezes
    what was loaded and turns it on again. An app made by a test leaves it alone."""
    import gc

    from csm_tui.app import CsmApp

    app = CsmApp(lambda: None)  # type: ignore[arg-type,return-value]  # never opened here
    assert gc.isenabled()
    app.settle_memory()
    assert gc.get_freeze_count() == 0  # the collector was on: nothing done
    gc.disable()
    try:
        app.settle_memory()
        assert gc.isenabled() and gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()
        gc.enable()


def test_a_mistyped_db_is_refused_not_created(tmp_path: Path,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    """`--db` naming no file: one line saying how to create it, and no file made."""
    typo = tmp_path / "csmm.db"
    assert main(["--db", str(typo), "today"]) == 2
    assert "csm init" in capsys.readouterr().err and not typo.exists()
    assert main(["--db", str(typo)]) == 2  # the TUI too
    assert not typo.exists()
    assert main(["init", str(typo)]) == 0 and typo.exists()
    assert main(["init", str(typo)]) == 2  # never over an existing file
    assert main(["today", "--db", str(tmp_path / "new.db"), "--create"]) == 0


def test_global_options_before_or_after_the_command(tmp_path: Path,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    db = str(tmp_path / "d.db")
    assert main(["seed-demo", "--db", db, "--today", "2026-11-24"]) == 0
    capsys.readouterr()
    outs = []
    for argv in (["--today", "2026-11-20", "today", "--json", "--db", db],
                 ["today", "--json", "--today", "2026-11-20", "--db", db],
                 ["--db", db, "--today=2026-11-20", "today", "--json"]):
        assert main(argv) == 0
        outs.append(json.loads(capsys.readouterr().out))
    assert {o["date"] for o in outs} == {"2026-11-20"}
    assert main(["--lang", "zh_CN", "today", "--db", db, "--today", "2026-11-20"]) == 0
    assert "2026" in capsys.readouterr().out


def test_demo_cleans_up_and_writes_only_in_its_folder(tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    """`csm --demo` runs in a temporary folder that is gone afterwards; exports and
    briefs made meanwhile go there, not into the real data folder."""
    from csm_tui import cli
    from csm_tui.paths import data_dir

    seen: dict[str, Path] = {}

    def fake_run(app: object) -> int:
        folder = data_dir()
        seen["folder"] = folder
        (folder / "exports").mkdir()
        (folder / "exports" / "x.csv").write_text("x")
        return 0

    real = tmp_path / "real"
    monkeypatch.setenv("CSM_DATA_DIR", str(real))
    monkeypatch.setattr(cli, "_run", fake_run)
    assert cli.main(["--demo", "--today", "2026-11-24"]) == 0
    assert seen["folder"].name.startswith("csm-demo-") and not seen["folder"].exists()
    assert not real.exists()
