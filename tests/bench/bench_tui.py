"""Benchmark the real `csm` as a person feels it, against the floor, in one run.

Seeds portfolios with `csm seed-demo` (1,000 / 10,000 / 50,000 / 100,000 accounts by
default, about 21 touchpoints, SOP steps and events as a real book has), then runs
../shared/tools/tui_bench.py on a suite made of the floor (a bare Textual app with a
1,000-row DataTable) and csm at each size, runs
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
import statistics
import subprocess
import sys
import tempfile
import time
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
app beats). `csm-Nk-paint`: Today's header and sections painted; key = cursor move.
`csm-Nk-today`: Today complete (its rows, health, risk, renewals and charts: one load
fills them all), from launch; key = cursor move. `csm-Nk-first-portfolio` / `-kanban` /
`-touch` / `-calendar` / `-log`: the first visit after start to Portfolio (`2`), the
kanban (`3`), Touchpoints (`4`), the calendar (`5`) and the follow-up form (`l`): the
key column is that first visit's latency, whose ratio to the floor's first paint is in
the budget table. `csm-Nk-switch`: going back to Portfolio after a first visit.
`csm-Nk-filter`: one keystroke in Portfolio's `/` filter.
"""

CACHE = "$HOME/.local/share/csm-tui/cache"  # Today's first-paint cache (platformdirs)
# (label suffix, key, what shows the screen is there)
FIRST_VISITS = (("first-portfolio", "2", "Portfolio —"), ("first-kanban", "3", "Lifecycle —"),
                ("first-touch", "4", "Touchpoints —"), ("first-calendar", "5", "Calendar —"),
                ("first-log", "l", "Log a follow-up ·"))
BUDGETS = {  # accounts: (Today complete, first visit, peak RSS MB) as ratios to the floor
    10_000: (1.5, 1.5, 110), 50_000: (2.0, 2.0, 160), 100_000: (None, None, 300)}


def seed(db: Path, accounts: int) -> None:
    if db.exists():
        return
    subprocess.run([sys.executable, "-m", "csm_tui", "seed-demo", "--db", str(db),
                    "--accounts", str(accounts), "--seed", "1", "--today", TODAY],
                   check=True, cwd=ROOT)


def suite(dbs: dict[int, Path], runs_keys: int = 3) -> dict:
    env = {"CSM_TODAY": TODAY, "PYTHONPATH": str(ROOT), "CSM_USER": "bench"}
    apps = [{"label": "floor", "cmd": f"{sys.executable} {TOOLS / 'floor_app.py'}",
             "ready": "Customer 0000", "keys": "Down", "reset_keys": "Up"}]
    for size, db in dbs.items():
        base = f"{sys.executable} -m csm_tui --db {db}"
        k = f"{size // 1000}k"
        apps += [
            # first paint: Today laid out (its name, sections and keys), data still coming
            {"label": f"csm-{k}-paint", "cmd": base, "ready": CSM_PAINT,
             "keys": "Down", "reset_keys": "Up", "env": env, "key_reps": 3},
            # Today complete: one load brings rows, counts, health, renewals and charts
            # (from Today's first-paint cache, kept by the previous run)
            {"label": f"csm-{k}-today", "cmd": base, "ready": CSM_READY,
             "keys": "Down", "reset_keys": "Up", "env": env},
            # the same with the cache removed before each launch: the database path
            {"label": f"csm-{k}-today-cold", "cmd": base, "ready": CSM_READY,
             "keys": "Down", "reset_keys": "Up", "env": env, "key_reps": 3,
             "setup": f"rm -f {CACHE}/today-*.json"},
        ]
        apps += [{"label": f"csm-{k}-{name}", "cmd": base, "ready": CSM_READY, "keys": key,
                  "key_ready": marker, "key_reps": 1, "env": env}
                 for name, key, marker in FIRST_VISITS]
        apps += [
            # switching back to a screen already visited (the first visit is untimed)
            {"label": f"csm-{k}-switch", "cmd": base, "ready": CSM_READY,
             "pre_keys": "2;1", "keys": "2", "key_ready": "Portfolio —", "reset_keys": "1",
             "env": env, "key_reps": runs_keys},
            {"label": f"csm-{k}-filter", "cmd": base, "ready": CSM_READY,
             "pre_keys": "2;/", "keys": "t", "key_change": "text",
             "reset_keys": "BSpace", "env": env, "key_reps": runs_keys},
        ]
    return {"defaults": {"size": "160x45", "cwd": str(ROOT)}, "apps": apps}


def _spread(values: list[float]) -> str:
    if not values:
        return "—"
    return (f"{statistics.median(values):.2f} ({min(values):.2f}–{max(values):.2f})"
            if len(values) > 1 else f"{values[0]:.2f}")


def budget_table(report: dict) -> str:
    """Every budget at every size: medians with (min–max) over the runs, as ratios to
    the floor's median first paint in the same run."""
    apps = {a["label"]: a for a in report["apps"]}
    floor = apps.get("floor")
    if floor is None or not floor["summary"]["first_paint_ms"]:
        return ""
    base = floor["summary"]["first_paint_ms"]["median"]
    sizes = sorted({int(label.split("-")[1][:-1]) * 1000 for label in apps
                    if label.startswith("csm-")})
    out = ["| accounts | measure | x floor, median (min–max) | budget | met |",
           "|---|---|---|---|---|"]

    def runs_of(label: str) -> list[dict]:
        return [r for r in apps.get(label, {}).get("runs", [])
                if not r.get("warmup") and "error" not in r]

    for size in sizes:
        k = f"{size // 1000}k"
        today_b, visit_b, rss_b = BUDGETS.get(size, (None, None, None))
        rows = []
        paint = [r["first_paint_ms"] / base for r in runs_of(f"csm-{k}-paint")]
        rows.append(("Today header painted", paint, None))
        today = [r["first_paint_ms"] / base for r in runs_of(f"csm-{k}-today")]
        rows.append(("Today complete", today, today_b))
        cold = [r["first_paint_ms"] / base for r in runs_of(f"csm-{k}-today-cold")]
        rows.append(("Today complete, no first-paint cache", cold, None))
        for name, key, _marker in FIRST_VISITS:
            first = [r["key_latency_ms"][0] / base for r in runs_of(f"csm-{k}-{name}")
                     if r.get("key_latency_ms")]
            rows.append((f"first `{key}` ({name.split('-', 1)[1]})", first, visit_b))
        for what, values, budget in rows:
            met = "—" if budget is None or not values else (
                "yes" if statistics.median(values) <= budget else "**no**")
            out.append(f"| {size:,} | {what} | {_spread(values)} | "
                       f"{'≤ ' + str(budget) + '×' if budget else '—'} | {met} |")
        rss = [r["peak_rss_mb"] for label in apps if label.startswith(f"csm-{k}-")
               for r in runs_of(label) if r.get("peak_rss_mb")]
        if rss:
            peak = max(rss)
            met = "—" if rss_b is None else ("yes" if peak < rss_b else "**no**")
            out.append(f"| {size:,} | peak RSS MB, median (max) | "
                       f"{statistics.median(rss):.0f} ({peak:.0f}) | "
                       f"{'< ' + str(rss_b) if rss_b else '—'} | {met} |")
    return "\n".join(out) + "\n"


CLI_BUDGETS = {100_000: (1.0, 5.0, 300)}  # csm today: one owner s, whole book s, RSS MB
CLI_OWNER = "li.wei"  # a CSM with about a sixth of the generated book


def _timed(cmd: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Wall seconds and peak RSS (MB) of one command (its own rusage, via wait4)."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, env=env, cwd=ROOT, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    _pid, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"failed: {' '.join(cmd)}")
    return seconds, usage.ru_maxrss / 1024


def cli_table(dbs: dict[int, Path], runs: int) -> str:
    """`csm today` for one owner and for the whole book (`--team`), at every size:
    medians and spreads of wall time and peak RSS (absolute budgets at 100,000)."""
    env = {**os.environ, "CSM_TODAY": TODAY, "PYTHONPATH": str(ROOT)}
    out = ["| accounts | `csm today` | seconds, median (min–max) | peak RSS MB, max | "
           "budget | met |", "|---|---|---|---|---|---|"]
    for size, db in dbs.items():
        budget = CLI_BUDGETS.get(size)
        cases = ((f"one owner ({CLI_OWNER})", CLI_OWNER, []),
                 ("whole book", CLI_OWNER, ["--team"]))
        for n, (what, user, extra) in enumerate(cases):
            cmd = [sys.executable, "-m", "csm_tui", "today", "--db", str(db), *extra]
            _timed(cmd, {**env, "CSM_USER": user})  # warm-up: the file in the page cache
            times, rss = zip(*(_timed(cmd, {**env, "CSM_USER": user}) for _ in range(runs)),
                             strict=True)
            limit = None if budget is None else budget[n]
            met = "—" if budget is None else (
                "yes" if statistics.median(times) < limit and max(rss) < budget[2]
                else "**no**")
            shown = "—" if budget is None else f"< {limit} s, < {budget[2]} MB"
            out.append(f"| {size:,} | {what} | {_spread(list(times))} | {max(rss):.0f} | "
                       f"{shown} | {met} |")
    return "\n".join(out) + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,10000,50000,100000")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--keep", metavar="DIR", help="keep seeded databases here for reuse")
    parser.add_argument("--write", action="store_true", help="record in docs/performance.md")
    parser.add_argument("--only", help="comma-separated rows to run, e.g. floor,csm-10k-log")
    parser.add_argument("--cli-only", action="store_true",
                        help="only the `csm today` rows (no tmux suite)")
    args = parser.parse_args()
    if shutil.which("tmux") is None and not args.cli_only:
        print("tmux is needed (apt-get install tmux)", file=sys.stderr)
        return 2
    folder = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="csm-bench-"))
    folder.mkdir(parents=True, exist_ok=True)
    dbs = {}
    for size in (int(s) for s in args.sizes.split(",")):
        dbs[size] = folder / f"bench-{size}.db"
        seed(dbs[size], size)
    cli = cli_table(dbs, args.runs)
    if args.cli_only:
        print(cli)
        return 0
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
    table = budget_table(json.loads(report.read_text())) + "\n" + cli + "\n" + table
    print(table)
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
