"""How long a `/` filter keystroke's answer takes to come back from the database, in
process, on the books `bench_tui.py --keep DIR` seeded (its key column times the first
change on screen, which is the typed letter: the answer comes after it).

    python tests/bench/bench_filters.py --keep DIR [--sizes 10000,50000,100000] [--runs 5]

As the TUI asks: through the services, after the screen's first page (so what a
keystroke reuses is there: every account's RFM code, the tier figures, the names
without stored words), each query read anew. Per size and query: the Portfolio's first
page with its figures per tier, and Touchpoints' first 500 planned touches with their
group sizes; median (min-max) ms of `--runs` runs, each on freshly opened services.
The baseline is a plain `SELECT count(*)` of the accounts (what any read pays)."""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from datetime import date
from functools import partial
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

TODAY = date(2026, 11, 24)  # the day bench_tui.py seeds around
QUERIES = ("t", "te", "tech", "qhdx", "tier:a", "loyal")


def _timed(times: dict[tuple[str, str], list[float]], what: tuple[str, str],
           fn: Callable[[], object]) -> None:
    start = time.perf_counter()
    fn()
    times.setdefault(what, []).append((time.perf_counter() - start) * 1000)


def _text(values: list[float]) -> str:
    return f"{statistics.median(values):.0f} ({min(values):.0f}-{max(values):.0f})"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--keep", required=True, help="the folder bench_tui.py seeded")
    parser.add_argument("--sizes", default="10000,50000,100000")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()

    from sqlalchemy import text

    from csm_tui.factory import make_services
    from csm_tui.portfolio import PortfolioRequest

    print("| accounts | query | Portfolio page ms | Touchpoints page ms | baseline ms |")
    print("|---|---|---|---|---|")
    for size in (int(s) for s in args.sizes.split(",")):
        db = Path(args.keep) / f"bench-{size}.db"
        times: dict[tuple[str, str], list[float]] = {}
        for _ in range(args.runs):
            services = make_services(str(db), today=TODAY, user="bench")
            services.open()
            key = services.view_key()
            services.portfolio_page(key)  # the screens' first pages
            services.due_touchpoints(key, limit=500, query="first-page-warm-up")
            with services.store.session() as session:
                _timed(times, ("baseline", ""), partial(
                    session.execute, text("SELECT count(*) FROM account")))
            for query in QUERIES:
                _timed(times, ("portfolio", query),
                       partial(services.portfolio_page, key, PortfolioRequest(query=query)))
                _timed(times, ("touch", query),
                       partial(services.due_touchpoints, key, limit=500, query=query))
            services.close()
        for query in QUERIES:
            print(f"| {size:,} | `{query}` | {_text(times['portfolio', query])} | "
                  f"{_text(times['touch', query])} | {_text(times['baseline', ''])} |")


if __name__ == "__main__":
    main()
