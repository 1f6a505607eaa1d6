"""Bulk paths against their budgets (issue #20), measured on the real `csm` process.

    python tests/bench/bench_bulk.py [--sizes 10000,50000,100000] [--runs 3]
        [--million] [--backup-accounts 150000] [--ics-mb 10,45]
        [--only help,export,roundtrip,import,backup,ics]

Every figure is the peak RSS and wall time of a `csm` child process (os.wait4 gives
that child's own rusage), median over the runs with the spread (min–max). The floor is
`python -c 'import textual'`, measured in the same run: `csm --help` is budgeted as a
ratio of it. Books are made with `csm seed-demo --accounts N` under a temporary
folder (deleted at the end unless --keep); `--million` adds the 1,000,000-row accounts
CSV import, `--backup-accounts N` the backup of a seeded book of N accounts (150,000
make about 1 GB), `--ics-mb` the `csm import ics` of generated calendars of those sizes
(two VCALENDARs, a VTIMEZONE, timed and all-day events, weekly rules with EXDATEs and
RECURRENCE-ID overrides, half of them before their master). Run one big size at a time
on a shared machine.
"""

from __future__ import annotations

import argparse
import csv
import filecmp
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
ENV = {**os.environ, "PYTHONPATH": str(ROOT), "CSM_TODAY": "2026-11-24"}
ROWS: list[tuple[str, str, str, str, str]] = []  # what, size, time, peak, budget / verdict


def run(args: list[str], *, check: bool = True) -> tuple[float, float]:
    """(seconds, peak RSS in MB) of one child process."""
    start = time.perf_counter()
    proc = subprocess.Popen(args, env=ENV, cwd=ROOT, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE)
    _pid, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - start
    err = proc.stderr.read().decode() if proc.stderr else ""
    if proc.stderr:
        proc.stderr.close()
    code = os.waitstatus_to_exitcode(status)
    if check and code not in (0,):
        raise SystemExit(f"{' '.join(args)} exited {code}: {err.strip()[-500:]}")
    return elapsed, usage.ru_maxrss / 1024


def csm(*args: str) -> list[str]:
    return [sys.executable, "-m", "csm_tui", *args]


def spread(values: list[float], fmt: str) -> str:
    med = statistics.median(values)
    if len(values) == 1:
        return format(med, fmt)
    return f"{format(med, fmt)} ({format(min(values), fmt)}–{format(max(values), fmt)})"


def measure(args: list[str], runs: int, before=None) -> tuple[list[float], list[float]]:  # type: ignore[no-untyped-def]
    times, peaks = [], []
    for _ in range(runs):
        if before is not None:
            before()
        t, p = run(args)
        times.append(t)
        peaks.append(p)
    return times, peaks


def row(what: str, size: str, times: list[float], peaks: list[float], budget: str) -> None:
    ROWS.append((what, size, spread(times, ".2f"), spread(peaks, ".0f"), budget))
    print(f"  {what} [{size}]: {spread(times, '.2f')} s, {spread(peaks, '.0f')} MB  {budget}",
          flush=True)


def clean(path: Path) -> None:
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


def seeded(folder: Path, n: int) -> Path:
    db = folder / f"book-{n}.db"
    if not db.exists():
        print(f"seeding {n} accounts…", flush=True)
        run(csm("seed-demo", "--db", str(db), "--accounts", str(n)))
    return db


def bench_help(runs: int) -> None:
    floor_t, floor_p = measure([sys.executable, "-c", "import textual"], runs * 3)
    row("floor: python -c 'import textual'", "-", floor_t, floor_p, "")
    base = statistics.median(floor_t)
    for label, args in (("csm --help", ["--help"]), ("csm --version", ["--version"])):
        times, peaks = measure(csm(*args), runs * 3)
        ratio = statistics.median(times) / base
        row(label, "-", times, peaks, f"{ratio:.2f}x floor (budget 1.5x) "
            + ("OK" if ratio <= 1.5 else "OVER"))
    times, peaks = [], []
    for _ in range(runs * 3):  # an argument error: exit 2, nothing loaded
        t, p = run(csm("export", "nope", "x"), check=False)
        times.append(t)
        peaks.append(p)
    ratio = statistics.median(times) / base
    row("csm export nope x (argument error)", "-", times, peaks,
        f"{ratio:.2f}x floor (budget 1.5x) " + ("OK" if ratio <= 1.5 else "OVER"))


def bench_export(folder: Path, sizes: list[int], runs: int) -> None:
    per_k = []
    for n in sizes:
        db = seeded(folder, n)
        out = folder / f"export-{n}.json"
        times, peaks = measure(csm("export", "json", str(out), "--db", str(db)), runs,
                               before=lambda out=out: out.unlink(missing_ok=True))
        per_k.append(statistics.median(times) / n * 1000)
        row("csm export json", f"{n:,}", times, peaks,
            f"budget 120 MB {'OK' if max(peaks) < 120 else 'OVER'}; "
            f"{per_k[-1] * 1000:.0f} ms per 1,000 accounts")
        for fmt in ("csv", "xlsx", "ics"):
            other = folder / f"export-{n}.{fmt}"
            times, peaks = measure(csm("export", fmt, str(other), "--db", str(db)), 1,
                                   before=lambda p=other: p.unlink(missing_ok=True))
            row(f"csm export {fmt}", f"{n:,}", times, peaks, "flat memory (no budget)")
            other.unlink(missing_ok=True)
        out.unlink(missing_ok=True)
    if len(per_k) > 1:
        growth = max(per_k) / min(per_k)
        print(f"  export json time per account, largest/smallest size: {growth:.2f} "
              f"({'linear' if growth < 1.5 else 'NOT linear'})", flush=True)
        ROWS.append(("export json time per account, max/min over sizes", "-", f"{growth:.2f}",
                     "-", "linear if < 1.5: " + ("OK" if growth < 1.5 else "OVER")))


def bench_roundtrip(folder: Path, n: int, runs: int) -> None:
    db = seeded(folder, n)
    first, second = folder / "rt-1.json", folder / "rt-2.json"
    fresh = folder / "rt-restored.db"
    for p in (first, second):
        p.unlink(missing_ok=True)
    run(csm("export", "json", str(first), "--db", str(db)))
    times, peaks = measure(csm("import", "json", str(first), "--db", str(fresh)), runs,
                           before=lambda: clean(fresh))
    row("csm import json (restore)", f"{n:,}", times, peaks, "flat memory (no budget)")
    run(csm("export", "json", str(second), "--db", str(fresh)))
    same = filecmp.cmp(first, second, shallow=False)
    ROWS.append(("round trip export → import → export", f"{n:,}", "-", "-",
                 f"{first.stat().st_size / 2**20:.0f} MB, byte-identical: "
                 + ("YES" if same else "NO")))
    print(f"  round trip at {n}: byte-identical {same}", flush=True)
    for p in (first, second):
        p.unlink(missing_ok=True)
    clean(fresh)


def write_accounts_csv(path: Path, n: int) -> None:
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["Account Name", "Account ID", "Industry", "Billing Country", "ARR",
                    "Contract Start", "Contract End"])
        for i in range(n):
            w.writerow([f"Company {i:07d}", f"ID{i:07d}", "software", "China",
                        str(1000 + i), "2026-06-01", "2027-05-31"])


def bench_import(folder: Path, n: int, runs: int) -> None:
    big = folder / f"accounts-{n}.csv"
    write_accounts_csv(big, n)
    db = folder / "imported.db"
    times, peaks = measure(csm("import", "accounts", str(big), "--db", str(db), "--create"), runs,
                           before=lambda: clean(db))
    row("csm import accounts (CSV, first day included)", f"{n:,}", times, peaks,
        f"budget 300 MB {'OK' if max(peaks) < 300 else 'OVER'}")
    big.unlink(missing_ok=True)
    clean(db)


def write_big_ics(path: Path, megabytes: int) -> int:
    """A generated calendar file of about `megabytes` MB; returns its number of VEVENTs."""
    target = megabytes * 2 ** 20
    zone = ("BEGIN:VTIMEZONE\r\nTZID:Asia/Shanghai\r\nBEGIN:STANDARD\r\n"
            "DTSTART:19700101T000000\r\nTZOFFSETFROM:+0800\r\nTZOFFSETTO:+0800\r\n"
            "END:STANDARD\r\nEND:VTIMEZONE\r\n")
    count = written = 0
    with path.open("w", encoding="utf-8", newline="") as fh:
        for cal in (1, 2):
            head = (f"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//bench//EN\r\n"
                    f"X-WR-CALNAME:bench {cal}\r\n{zone}")
            fh.write(head)
            written += len(head)
            i = 0
            while written < target * cal // 2:
                day = date(2026, 1, 1) + timedelta(days=i % 700)
                if i % 50 == 0:  # a weekly rule, an EXDATE and an override
                    start = f"{day:%Y%m%d}T090000"
                    moved = day + timedelta(days=14)
                    master = (f"BEGIN:VEVENT\r\nUID:weekly-{cal}-{i}\r\n"
                              f"DTSTAMP:20260101T000000Z\r\n"
                              f"DTSTART;TZID=Asia/Shanghai:{start}\r\n"
                              f"RRULE:FREQ=WEEKLY;COUNT=10\r\nEXDATE;TZID=Asia/Shanghai:"
                              f"{day + timedelta(days=7):%Y%m%d}T090000\r\n"
                              f"SUMMARY:Weekly call {i}\r\nEND:VEVENT\r\n")
                    override = (f"BEGIN:VEVENT\r\nUID:weekly-{cal}-{i}\r\n"
                                f"DTSTAMP:20260101T000000Z\r\nRECURRENCE-ID;TZID=Asia/"
                                f"Shanghai:{moved:%Y%m%d}T090000\r\nDTSTART;TZID=Asia/"
                                f"Shanghai:{moved:%Y%m%d}T150000\r\n"
                                f"SUMMARY:Weekly call {i} (moved)\r\nEND:VEVENT\r\n")
                    text = override + master if i % 100 == 0 else master + override
                    count += 2
                elif i % 3 == 0:
                    text = (f"BEGIN:VEVENT\r\nUID:timed-{cal}-{i}@bench\r\n"
                            f"DTSTAMP:20260101T000000Z\r\n"
                            f"DTSTART;TZID=Asia/Shanghai:{day:%Y%m%d}T100000\r\n"
                            f"DTEND;TZID=Asia/Shanghai:{day:%Y%m%d}T110000\r\n"
                            f"SUMMARY:Meeting {i} 会议\r\nEND:VEVENT\r\n")
                    count += 1
                else:
                    text = (f"BEGIN:VEVENT\r\nUID:day-{cal}-{i}@bench\r\n"
                            f"DTSTAMP:20260101T000000Z\r\nDTSTART;VALUE=DATE:{day:%Y%m%d}\r\n"
                            f"SUMMARY:Event {i} 活动\r\nEND:VEVENT\r\n")
                    count += 1
                fh.write(text)
                written += len(text.encode("utf-8"))
                i += 1
            fh.write("END:VCALENDAR\r\n")
    return count


def bench_ics(folder: Path, megabytes: list[int], runs: int) -> None:
    for mb in megabytes:
        big = folder / f"calendar-{mb}mb.ics"
        events = write_big_ics(big, mb)
        db = folder / "calendar.db"
        times, peaks = measure(csm("import", "ics", str(big), "--db", str(db), "--create"),
                               runs, before=lambda db=db: clean(db))
        size = big.stat().st_size / 2 ** 20
        row("csm import ics", f"{size:.0f} MB, {events:,} VEVENTs", times, peaks,
            f"budget 150 MB {'OK' if max(peaks) < 150 else 'OVER'}")
        big.unlink(missing_ok=True)
        clean(db)


def bench_backup(folder: Path, n: int, runs: int) -> None:
    db = seeded(folder, n)
    out = folder / "backup.db"
    times, peaks = measure(csm("backup", str(out), "--db", str(db)), runs,
                           before=lambda: clean(out))
    size = db.stat().st_size / 2**30
    row(f"csm backup ({size:.2f} GB database)", f"{n:,}", times, peaks,
        f"budget 100 MB {'OK' if max(peaks) < 100 else 'OVER'}")
    clean(out)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,50000,100000")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--million", action="store_true",
                        help="also import a 1,000,000-row accounts CSV")
    parser.add_argument("--import-rows", type=int, default=1_000_000)
    parser.add_argument("--backup-accounts", type=int, default=0,
                        help="also back up a seeded book of this many accounts")
    parser.add_argument("--roundtrip", type=int, default=50_000)
    parser.add_argument("--ics-mb", default="10,45",
                        help="sizes in MB of the generated calendars `csm import ics` reads")
    parser.add_argument("--only", default="")
    parser.add_argument("--keep", metavar="DIR", help="keep (and reuse) the books here")
    args = parser.parse_args()
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(ROOT / "csm_tui"),
                    str(ROOT / "db")], check=True, stdout=subprocess.DEVNULL)
    only = set(filter(None, args.only.split(",")))
    folder = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="csm-bulk-"))
    folder.mkdir(parents=True, exist_ok=True)
    sizes = [int(s) for s in args.sizes.split(",") if s]
    try:
        if not only or "help" in only:
            bench_help(args.runs)
        if not only or "export" in only:
            bench_export(folder, sizes, args.runs)
        if (not only or "roundtrip" in only) and args.roundtrip:
            bench_roundtrip(folder, args.roundtrip, args.runs)
        if args.million or "import" in only:
            bench_import(folder, args.import_rows, 1)
        if not only or "ics" in only:
            bench_ics(folder, [int(s) for s in args.ics_mb.split(",") if s], args.runs)
        if args.backup_accounts:
            bench_backup(folder, args.backup_accounts, args.runs)
    finally:
        if not args.keep:
            shutil.rmtree(folder, ignore_errors=True)
    print("\n| what | size | time s, median (min–max) | peak RSS MB | budget |")
    print("| --- | --- | --- | --- | --- |")
    for what, size, t, p, budget in ROWS:
        print(f"| {what} | {size} | {t} | {p} | {budget} |")
    print(f"\n{os.cpu_count()} cores; {args.runs} runs per figure (floor and help: "
          f"{args.runs * 3}); python {sys.version.split()[0]}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
