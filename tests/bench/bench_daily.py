"""How long the first start of a day waits for the stored account state's whole-book
recompute (csm_tui/stored.py `ensure_current`: health, flags and touches as of the new
day), on the books `bench_tui.py --keep DIR` seeded.

    python tests/bench/bench_daily.py --keep DIR [--sizes 10000,50000,100000] [--runs 3]

Each run moves the book to the next day and back to the seeded day (two recomputes,
both timed), so the folder is left as it was found. Median (min-max) seconds; the
baseline is a plain `SELECT count(*)` of the touchpoints (every recompute reads them)."""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

TODAY = date(2026, 11, 24)  # the day bench_tui.py seeds around


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--keep", required=True, help="the folder bench_tui.py seeded")
    parser.add_argument("--sizes", default="10000,50000,100000")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()

    from csm_tui.layer import load_database_layer

    load_database_layer()
    from sqlalchemy import text

    import csm_tui  # noqa: F401  (registers the stored-state hook)
    from csm_tui.stored import ensure_current
    from db.store import open_store

    print("| accounts | daily recompute s, median (min-max) | baseline s |")
    print("|---|---|---|")
    for size in (int(s) for s in args.sizes.split(",")):
        store = open_store(str(Path(args.keep) / f"bench-{size}.db"))
        ensure_current(store, TODAY)
        times, base = [], []
        for _ in range(args.runs):
            for day in (TODAY + timedelta(days=1), TODAY):
                start = time.perf_counter()
                assert ensure_current(store, day)
                times.append(time.perf_counter() - start)
            with store.session() as session:
                start = time.perf_counter()
                session.execute(text("SELECT count(*) FROM touchpoint")).all()
                base.append(time.perf_counter() - start)
        store.close()
        print(f"| {size:,} | {statistics.median(times):.2f} ({min(times):.2f}-"
              f"{max(times):.2f}) | {statistics.median(base):.3f} |")


if __name__ == "__main__":
    main()
