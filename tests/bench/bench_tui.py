"""Benchmark the real `csm` as a person feels it, against the floor, in one run.

Seeds portfolios with `csm seed-demo` (1,000 / 10,000 / 50,000 accounts by default,
about 18 touchpoints each), then runs ../shared/tools/tui_bench.py on a suite made of
the floor (a bare Textual app with a 1,000-row DataTable) and csm at each size, runs
interleaved so machine noise hits all alike. Prints the table with ratios to the
floor and, with --write, records it in docs/performance.md.

    python tests/bench/bench_tui.py --sizes 10000 --runs 5
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
TOOLS = ROOT.parent / "shared" / "tools"
TODAY = "2026-11-24"
# What "ready" means for csm: the Today screen with its data loaded (the header
# shows the counts only once the worker has delivered).
CSM_READY = r"Today — .*\d+ to do"
# What "first paint" means: the Today screen drawn (sections and key bar) before its data.
CSM_PAINT = r"Do now — overdue"


LEGEND = """
Rows: `floor` is a bare Textual app showing a 1,000-row DataTable (the floor no Textual
app beats). `csm-Nk-paint`: first paint, Today laid out (sections, key bar) before its
data; key = cursor move. `csm-Nk-start`: ready, Today's list filled; key = cursor move.
`csm-Nk-switch` / `-kanban`: pressing `2` / `3` to go back to Portfolio / the kanban
after a first visit (untimed). `csm-Nk-filter`: one keystroke in Portfolio's `/` filter.
Issue 8 budgets at 10,000 accounts: first paint ≤ 1.5× the floor; cursor move ≤ 2× the
floor's; screen switch or filter keystroke ≤ 50 ms median; peak RSS ≤ 150 MB.
"""


def seed(db: Path, accounts: int) -> None:
    if db.exists():
        return
    subprocess.run([sys.executable, "-m", "csm_tui", "seed-demo", "--db", str(db),
                    "--accounts", str(accounts), "--seed", "1", "--today", TODAY],
                   check=True, cwd=ROOT)


def suite(dbs: dict[int, Path]) -> dict:
    env = {"CSM_TODAY": TODAY, "PYTHONPATH": str(ROOT)}
    apps = [{"label": "floor", "cmd": f"{sys.executable} {TOOLS / 'floor_app.py'}",
             "ready": "Customer 0000", "keys": "Down", "reset_keys": "Up"}]
    for size, db in dbs.items():
        base = f"{sys.executable} -m csm_tui --db {db}"
        k = f"{size // 1000}k"
        apps += [
            # first paint: Today laid out (its name, sections and keys), data still coming
            {"label": f"csm-{k}-paint", "cmd": base, "ready": CSM_PAINT,
             "keys": "Down", "reset_keys": "Up", "env": env, "key_reps": 3},
            # ready: Today's list filled in
            {"label": f"csm-{k}-start", "cmd": base, "ready": CSM_READY,
             "keys": "Down", "reset_keys": "Up", "env": env},
            # switching to a screen already visited (the first visit is untimed)
            {"label": f"csm-{k}-switch", "cmd": base, "ready": CSM_READY,
             "pre_keys": "2;1", "keys": "2", "key_ready": "Portfolio —", "reset_keys": "1",
             "env": env},
            {"label": f"csm-{k}-kanban", "cmd": base, "ready": CSM_READY,
             "pre_keys": "3;1", "keys": "3", "key_ready": "Lifecycle —", "reset_keys": "1",
             "env": env},
            # the follow-up form over Today (first open untimed: a person opens it many times)
            {"label": f"csm-{k}-log", "cmd": base, "ready": CSM_READY,
             "pre_keys": "l;Escape", "keys": "l", "key_ready": "Log a follow-up ·",
             "reset_keys": "Escape", "env": env},
            {"label": f"csm-{k}-filter", "cmd": base, "ready": CSM_READY,
             "pre_keys": "2;/", "keys": "t", "key_change": "text",
             "reset_keys": "BSpace", "env": env},
        ]
    return {"defaults": {"size": "160x45", "cwd": str(ROOT)}, "apps": apps}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,10000,50000")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--keep", metavar="DIR", help="keep seeded databases here for reuse")
    parser.add_argument("--write", action="store_true", help="record in docs/performance.md")
    parser.add_argument("--only", help="comma-separated rows to run, e.g. floor,csm-10k-log")
    args = parser.parse_args()
    if shutil.which("tmux") is None:
        print("tmux is needed (apt-get install tmux)", file=sys.stderr)
        return 2
    folder = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="csm-bench-"))
    folder.mkdir(parents=True, exist_ok=True)
    dbs = {}
    for size in (int(s) for s in args.sizes.split(",")):
        dbs[size] = folder / f"bench-{size}.db"
        seed(dbs[size], size)
    suite_file = folder / "suite.json"
    suite_file.write_text(json.dumps(suite(dbs), indent=1))
    report = folder / "report.json"
    cmd = [sys.executable, str(TOOLS / "tui_bench.py"), "--suite", str(suite_file),
           "--runs", str(args.runs), "--baseline", "floor", "--out", str(report)]
    if args.only:
        cmd += ["--only", args.only]
    subprocess.run(cmd, check=True)
    table = subprocess.run([sys.executable, str(TOOLS / "tui_bench.py"), "--report",
                            str(report), "--markdown", "--baseline", "floor"],
                           check=True, capture_output=True, text=True).stdout
    if args.write:
        doc = ROOT / "docs" / "performance.md"
        header = (f"## {date.today().isoformat()} — {platform.machine()}, "
                  f"{os.cpu_count()} cores, Python {platform.python_version()}\n\n"
                  f"Command: `python tests/bench/bench_tui.py --sizes {args.sizes} "
                  f"--runs {args.runs} --write`\n\n")
        doc.write_text("# Performance\n\nLatest figures first; ratios are to the floor "
                       "measured in the same run.\n\n" + header + table + "\n" + LEGEND)
        print(f"written to {doc}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
