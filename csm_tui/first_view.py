"""Today's first paint with its rows: a small cache of the last Today view, kept in the
data folder beside a SQLite database, shown at start before the database layer
(SQLAlchemy) has loaded — but only when the database is exactly as it was when the view
was made: the same schema, the same newest change-log id (every user action writes
one), the same stored-state basis (day and settings), the same user, scope and
language. Anything else and the cache is ignored; the normal load runs as always.

JSON, not pickle: the file is data, read back field by field into the view's types.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from csm_tui import __version__
from csm_tui.charts import Band, MonthBar
from csm_tui.health import Health
from csm_tui.money import Total
from csm_tui.occurrence import Occurrence
from csm_tui.today_rows import Renewal, TodayAgenda, TodayItem

if TYPE_CHECKING:
    from csm_tui.services import TodayView

FORMAT = 1


def cache_path(db_path: Path) -> Path:
    from csm_tui.paths import data_dir

    digest = hashlib.sha1(str(db_path.resolve()).encode()).hexdigest()[:16]
    return data_dir() / "cache" / f"today-{digest}.json"


def _d(value: date | None) -> str | None:
    return value.isoformat() if value is not None else None


def _day(text: str | None) -> date | None:
    return date.fromisoformat(text) if text else None


def encode(view: TodayView) -> dict[str, Any]:
    a = view.agenda
    total = view.renewals_total
    return {
        "day": view.day.isoformat(),
        "items": [[i.kind, i.account_id, i.account, i.tier, i.title, _d(i.due), i.priority,
                   i.why, i.touchpoint_id, i.task_id, i.channel, i.contact] for i in a.items],
        "renewals": [[r.account_id, r.account, r.tier, r.arr_minor, r.currency,
                      _d(r.contract_end), r.stage, r.health] for r in a.renewals],
        "at_risk": [[aid, name, tier, h.score, h.flags] for aid, name, tier, h in a.at_risk],
        "events": [[o.event_id, o.title, _d(o.day), o.kind, o.scope] for o in a.events],
        "counts": [a.total, a.renewal_count, a.at_risk_count],
        "sums": [list(s) for s in a.renewal_sums],
        "months": [[m.year, m.month, m.count, m.arr_minor, m.currency, m.missing]
                   for m in view.months],
        "bands": [[b.low, b.high, b.count] for b in view.bands],
        "total": None if total is None else [total.base, total.minor,
                                             [list(m) for m in total.missing]],
    }


def decode(data: dict[str, Any]) -> TodayView:
    from csm_tui.services import TodayView

    items = [TodayItem(k, aid, acc, tier, title, _day(due) or date.min, pri, why,
                       touchpoint_id=tp, task_id=task, channel=ch, contact=ct)
             for k, aid, acc, tier, title, due, pri, why, tp, task, ch, ct in data["items"]]
    renewals = [Renewal(aid, acc, tier, arr, cur, _day(end) or date.min, stage, health)
                for aid, acc, tier, arr, cur, end, stage, health in data["renewals"]]
    at_risk = [(aid, name, tier, Health(score, list(flags)))
               for aid, name, tier, score, flags in data["at_risk"]]
    events = [Occurrence(eid, title, _day(day) or date.min, kind, scope)
              for eid, title, day, kind, scope in data["events"]]
    total, renewal_count, at_risk_count = data["counts"]
    agenda = TodayAgenda(items, renewals, at_risk, events, total=total,
                         renewal_count=renewal_count, at_risk_count=at_risk_count,
                         renewal_sums=[(c, n, arr) for c, n, arr in data["sums"]])
    months = [MonthBar(*m) for m in data["months"]]
    bands = [Band(*b) for b in data["bands"]]
    t = data["total"]
    renewals_total = None if t is None else Total(t[0], t[1], tuple((c, n) for c, n in t[2]))
    return TodayView(agenda, date.fromisoformat(data["day"]), months, bands, renewals_total)


def stamp(db_path: Path, marks: tuple[str, int, str], *, user: str, owner: str | None,
          mine: bool, lang: str) -> dict[str, Any]:
    """What must be unchanged for the cached view to be the truth."""
    return {"format": FORMAT, "app": __version__, "db": str(db_path.resolve()),
            "marks": list(marks), "user": user, "owner": owner, "mine": mine, "lang": lang}


def save(db_path: Path, view: TodayView, stamp_: dict[str, Any]) -> None:
    """Write the cache (atomically: a half-written file is never read)."""
    path = cache_path(db_path)
    with contextlib.suppress(OSError):
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        text = json.dumps({"stamp": stamp_, "view": encode(view)}, ensure_ascii=False)
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)  # names of people
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        os.replace(tmp, path)


def load(db_path: Path, *, user: str, lang: str, day: date
         ) -> tuple[TodayView, dict[str, Any]] | None:
    """The cached view and its stamp if the database is still exactly as it was (and
    the view is of `day`), else None."""
    from csm_tui.stored import basis_for
    from db.firstread import marks

    path = cache_path(db_path)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        stamp_ = data["stamp"]
        if (stamp_.get("format") != FORMAT or stamp_.get("app") != __version__
                or stamp_.get("user") != user or stamp_.get("lang") != lang
                or stamp_.get("db") != str(db_path.resolve())
                or data["view"]["day"] != day.isoformat()):
            return None
        now = marks(db_path)
        if now is None or list(now) != stamp_["marks"] or now[2] != basis_for(day):
            return None
        return decode(data["view"]), stamp_
    except (OSError, ValueError, KeyError, TypeError):
        return None
