"""Measure the issue budgets at 10,000 accounts against baselines taken in the same run.

    python tests/bench/bench_budgets.py [--accounts 10000] [--runs 5] [--only NAME,...]

Baselines: `select` is a plain SELECT of every account row through SQLAlchemy (what any
screen must at least pay to read the portfolio); `floor-ui` is a bare Textual app
mounting a 1,000-row DataTable under Pilot (the floor any Textual screen pays);
`pilot-key` is one Pilot key press and pause on an idle app (included in every key
timing here, so a key's own cost is roughly its figure minus this one).
Every figure is printed with its budget and its ratio to the baseline. Timings are
medians; the machine is shared, so read ratios, not absolute numbers.
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from sqlalchemy import select  # noqa: E402

from csm_tui.demo import seed_generated  # noqa: E402
from db.models import Account  # noqa: E402
from db.store import Store, open_store  # noqa: E402

TODAY = date(2026, 11, 24)
RESULTS: list[tuple[str, float, float | None, str]] = []


def median_ms(fn: Callable[[], object], runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def report(name: str, ms: float, budget: float | None, baseline: str) -> None:
    RESULTS.append((name, ms, budget, baseline))
    print(f"  {name}: {ms:.0f} ms", flush=True)


def base_select(store: Store, runs: int) -> float:
    def run() -> None:
        with store.session() as s:
            s.execute(select(Account)).all()
    return median_ms(run, runs)


async def floor_ui(runs: int) -> float:
    from textual.app import App
    from textual.widgets import DataTable

    class Floor(App):
        def compose(self):  # type: ignore[no-untyped-def]
            yield DataTable()

    times = []
    for _ in range(runs):
        app = Floor()
        async with app.run_test(size=(160, 45)) as pilot:
            start = time.perf_counter()
            table = app.query_one(DataTable)
            table.add_columns("ID", "Customer", "Plan", "Health", "MRR", "Owner")
            table.add_rows((i, f"Customer {i:04d}", "Growth", 50, "$1", "csm")
                           for i in range(1000))
            await pilot.pause()
            times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


async def pilot_key(runs: int) -> float:
    """What Pilot itself costs for one key press and a pause on an idle app."""
    from textual.app import App
    from textual.widgets import Static

    class Idle(App):
        def compose(self):  # type: ignore[no-untyped-def]
            yield Static("idle")

    times = []
    async with Idle().run_test(size=(160, 45)) as pilot:
        for _ in range(runs * 4):
            start = time.perf_counter()
            await pilot.press("z")
            await pilot.pause()
            times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


async def screen_timings(store: Store, runs: int) -> dict[str, list[float]]:
    from csm_tui.app import CsmApp
    from screens.vtable import VirtualTable

    out: dict[str, list[float]] = {k: [] for k in ("portfolio", "filter", "kanban", "calendar",
                                                   "log-open", "today")}
    for _ in range(runs):
        app = CsmApp(store, today=lambda: TODAY)
        async with app.run_test(size=(160, 45)) as pilot:
            start = time.perf_counter()
            for _ in range(3):  # the list, then risk added, then the portfolio prefetch
                await app.workers.wait_for_complete()
                await pilot.pause()
            out["today"].append((time.perf_counter() - start) * 1000)
            start = time.perf_counter()
            await pilot.press("2")
            await app.workers.wait_for_complete()
            await pilot.pause()
            out["portfolio"].append((time.perf_counter() - start) * 1000)
            await pilot.press("slash")
            for ch in "tech":
                start = time.perf_counter()
                await pilot.press(ch)
                await app.workers.wait_for_complete()  # the filter runs in the database
                await pilot.pause()
                out["filter"].append((time.perf_counter() - start) * 1000)
            assert app.screen.query_one("#portfolio", VirtualTable).rows
            await pilot.press("escape")
            start = time.perf_counter()
            await pilot.press("3")
            await app.workers.wait_for_complete()
            await pilot.pause()
            out["kanban"].append((time.perf_counter() - start) * 1000)
            start = time.perf_counter()
            await pilot.press("5")
            await app.workers.wait_for_complete()
            await pilot.pause()
            out["calendar"].append((time.perf_counter() - start) * 1000)
            await pilot.press("1")
            await app.workers.wait_for_complete()
            await pilot.pause()
            start = time.perf_counter()
            await pilot.press("l")
            await pilot.pause()
            out["log-open"].append((time.perf_counter() - start) * 1000)
            await pilot.press("escape")
    return out


def write_accounts_csv(path: Path, n: int) -> None:
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["Account Name", "Account ID", "Industry", "Billing Country", "ARR",
                    "Contract Start", "Contract End"])
        for i in range(n):
            w.writerow([f"Company {i:06d}", f"ID{i:06d}", "software", "China", str(1000 + i),
                        "2026-06-01", "2027-05-31"])


def write_ics(path: Path, n: int) -> None:
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//bench//EN", "X-WR-CALNAME:bench"]
    for i in range(n):
        day = date(2026, 1, 1) + timedelta(days=i % 700)
        lines += ["BEGIN:VEVENT", f"UID:bench-{i}", "DTSTAMP:20260101T000000Z",
                  f"DTSTART;VALUE=DATE:{day:%Y%m%d}", f"SUMMARY:Event {i} 活动", "END:VEVENT"]
    lines.append("END:VCALENDAR")
    path.write_text("\r\n".join(lines) + "\r\n", encoding="utf-8")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--accounts", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--keep", metavar="DIR", help="reuse/keep the seeded database here")
    args = parser.parse_args()
    folder = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="csm-budget-"))
    folder.mkdir(parents=True, exist_ok=True)
    seeded = folder / f"seed-{args.accounts}.db"
    if not seeded.exists():
        print(f"seeding {args.accounts} accounts…", flush=True)
        s = open_store(str(seeded))
        seed_generated(s, args.accounts, 1, TODAY)
        s.close()
    work = folder / "work.db"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{work}{suffix}").unlink(missing_ok=True)
    shutil.copy(seeded, work)
    store = open_store(str(work))
    n = args.runs

    sel = base_select(store, n)
    print(f"baseline select: {sel:.0f} ms", flush=True)
    floor = asyncio.run(floor_ui(n))
    print(f"baseline floor-ui: {floor:.0f} ms", flush=True)
    key = asyncio.run(pilot_key(n))
    print(f"baseline pilot-key: {key:.0f} ms", flush=True)

    from csm_tui.tasks import generate_tasks
    from csm_tui.tiering import retier

    start = time.perf_counter()
    generate_tasks(store, TODAY)
    report("issue 4: generate SOP tasks from scratch", (time.perf_counter() - start) * 1000,
           3000, "select")
    report("issue 4: generate again (no-op)",
           median_ms(lambda: generate_tasks(store, TODAY), n), 1000, "select")
    report("issue 3: score + retier whole portfolio",
           median_ms(lambda: retier(store, today=TODAY), n), 1000, "select")

    from csm_tui.followup import log_followup

    with store.session() as s:
        ids = [a for (a,) in s.execute(select(Account.id).limit(n))]
    saves = []
    for aid in ids:
        begin = time.perf_counter()
        log_followup(store, aid, summary="bench", next_date=TODAY + timedelta(days=14),
                     now=datetime.now(UTC), today=TODAY)
        saves.append((time.perf_counter() - begin) * 1000)
    report("issue 5: save a follow-up", statistics.median(saves), 50, "select")

    ui = asyncio.run(screen_timings(store, n))
    report("issue 5: Today complete after start (incl. risk, prefetch)",
           statistics.median(ui["today"]), 1500, "floor-ui")
    report("issue 3: Portfolio after key 2", statistics.median(ui["portfolio"]), 500,
           "floor-ui")
    report("issue 3: filter keystroke redraw", statistics.median(ui["filter"]), 100,
           "pilot-key")
    report("issue 4: kanban after key 3", statistics.median(ui["kanban"]), 500, "floor-ui")
    report("issue 5: log form open after l", statistics.median(ui["log-open"]), 100,
           "pilot-key")

    from csm_tui.calendar_view import calendar_items, counts_by_day
    from db.models import Touchpoint

    with store.transaction() as s:  # a month holding 5,000 items
        s.execute(Touchpoint.__table__.insert(), [  # type: ignore[attr-defined]
            {"account_id": ids[i % len(ids)], "status": "planned", "channel": "call",
             "due_date": date(2027, 3, 1) + timedelta(days=i % 28), "summary": "",
             "outcome": "", "next_step": "bench", "created_at": datetime.now(UTC)}
            for i in range(5000)])

    def month() -> None:
        with store.session() as s:
            counts_by_day(calendar_items(s, date(2027, 2, 22), date(2027, 4, 4)))
    report("issue 6: month with 5,000 items (data + counts)", median_ms(month, n), 200,
           "select")

    ics = folder / "bench.ics"
    write_ics(ics, 10_000)
    from csm_tui.ical import import_ics

    def ics_import() -> None:
        fresh = open_store(str(folder / f"ics-{time.perf_counter_ns()}.db"))
        import_ics(fresh, ics)
        fresh.close()
    report("issue 6: import a 10,000-event .ics", median_ms(ics_import, max(1, n // 2)), 5000,
           "select")

    from csm_tui.tabular.importers import import_file

    maven = ROOT.parent / "shared" / "data" / "maven_crm"
    if maven.is_dir():
        def pipeline() -> None:
            fresh = open_store(str(folder / f"mv-{time.perf_counter_ns()}.db"))
            import_file(fresh, "accounts", maven / "accounts.csv", today=TODAY)
            import_file(fresh, "deals", maven / "sales_pipeline.csv", today=TODAY)
            fresh.close()
        report("issue 7: import Maven accounts + 8,800-row pipeline",
               median_ms(pipeline, max(1, n // 2)), 2000, "select")
    big = folder / "accounts-100k.csv"
    write_accounts_csv(big, 100_000)
    # Peak RSS from a child process, so this run's own history does not count; tracing
    # allocations (tracemalloc) would slow the import several times over.
    code = ("import resource, sys, time; from pathlib import Path; from datetime import date;"
            "from db.store import open_store; from csm_tui.tabular.importers import import_file;"
            f"s = open_store({str(folder / 'big.db')!r}); t = time.perf_counter();"
            f"import_file(s, 'accounts', Path({str(big)!r}), today=date(2026, 11, 24));"
            "print((time.perf_counter() - t) * 1000,"
            " resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)")
    for suffix in ("", "-wal", "-shm"):  # a stale WAL beside a new file skews the run
        (folder / f"big.db{suffix}").unlink(missing_ok=True)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         cwd=ROOT, check=True).stdout.split()
    elapsed, peak = float(out[0]), float(out[1])
    report(f"issue 7: import 100,000-row accounts CSV (peak RSS {peak:.0f} MB)", elapsed,
           10_000, "select")
    read = median_ms(lambda: sum(1 for _ in csv.reader(big.open(encoding="utf-8"))), 3)
    print(f"  (csv.reader alone over the same file: {read:.0f} ms)")

    print(f"\n{'metric':<62} {'ms':>8} {'budget':>8} {'x budget':>8} {'x baseline':>11}")
    for name, ms, budget, base in RESULTS:
        ref = {"select": sel, "floor-ui": floor, "pilot-key": key}[base]
        within = f"{ms / budget:.2f}" if budget else "-"
        print(f"{name:<62} {ms:>8.0f} {budget or 0:>8.0f} {within:>8} "
              f"{ms / ref:>8.1f} ({base})")
    print(f"\nbaselines: select {sel:.0f} ms, floor-ui {floor:.0f} ms, pilot-key {key:.0f} ms; "
          f"{os.cpu_count()} cores; {args.accounts} accounts")
    store.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
