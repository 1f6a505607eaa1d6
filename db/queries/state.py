"""The derived state of each account (AccountState): written by the domain's recompute
in the transaction of the write that changed its inputs, read by the screens' top-rows
and count queries."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import bindparam, delete, func, select, text, update
from sqlmodel import Session, col

from db.bulk import insert_columns
from db.models import Account, AccountState
from db.queries.common import AnyRow, active, among

STATE_KEYS = ("account_id", "health", "flags", "flag_count", "last_touch_at",
              "last_touch_on", "next_due",
              "cadence_due", "sort_key", "search", "basis")


def any_basis(session: Session) -> str | None:
    """The basis (day and settings) the stored rows were computed for; None: no rows."""
    return session.scalars(select(col(AccountState.basis)).limit(1)).first()


def is_current(session: Session, basis: str) -> bool:
    """Every active account has a row, every row was computed on `basis`."""
    other = session.execute(select(col(AccountState.account_id))
                            .where(col(AccountState.basis) != basis).limit(1)).first()
    if other is not None:
        return False
    states = session.execute(select(func.count()).select_from(AccountState)).scalar_one()
    accounts = session.execute(select(func.count()).select_from(Account)
                               .where(active())).scalar_one()
    return bool(states == accounts)


def naming_rows(session: Session, account_ids: Iterable[int] | None = None
                ) -> Sequence[AnyRow]:
    """(id, name, industry, owner, tier) of active accounts: the sort and search keys'
    and the cadence's inputs."""
    stmt = select(col(Account.id), col(Account.name), col(Account.industry),
                  col(Account.owner), col(Account.tier)).where(active())
    return session.execute(among(stmt, col(Account.id), account_ids)).all()


def replace_states(session: Session, rows: list[dict[str, Any]],
                   account_ids: Iterable[int] | None) -> None:
    """Make the stored rows of these accounts (None: all) `rows`, in the caller's
    transaction: drop theirs and insert `rows`; the whole book on one basis (the daily
    recompute) through `_rewrite_book`."""
    if account_ids is None and len({row["basis"] for row in rows}) == 1:
        _rewrite_book(session, rows)
        return
    if account_ids is None:  # (not one basis: not a recompute's rows) all rewritten
        session.execute(delete(AccountState))
        _insert_states(session, rows)
        return
    ids = list(account_ids)
    _delete_states(session, ids)
    _insert_states(session, rows)


def _rewrite_book(session: Session, rows: list[dict[str, Any]]) -> None:
    """The whole book's rows made `rows` (all on one basis, as a recompute gives them),
    writing only what differs: one statement moves every row to the new basis; a row
    whose values moved has just those columns set (grouped by which: a day mostly moves
    health alone, and SQLite then updates only that column's index), new accounts' rows
    are inserted, the rest dropped. Rewriting every row and its four indexes was most
    of the write (0.9 s at 100,000 accounts on SQLite)."""
    values = STATE_KEYS[1:-1]  # what is compared: neither the key nor the basis
    stmt = select(*(col(getattr(AccountState, k)) for k in ("account_id", *values)))
    connection = session.connection()  # Core rows: the ORM's row loading is not needed
    stored = {row[0]: tuple(row[1:]) for row in connection.execute(stmt)}
    new, moved = [], defaultdict(list)
    for row in rows:
        before = stored.pop(row["account_id"], None)
        if before is None:
            new.append(row)
            continue
        after = tuple(row[k] for k in values)
        if before != after:
            keys = tuple(k for k, old, now in zip(values, before, after, strict=True)
                         if old != now)
            moved[keys].append(row)
    _delete_states(session, list(stored))  # no longer computed: archived or deleted
    if rows:
        session.execute(update(AccountState).values(basis=rows[0]["basis"]))
    for keys, group in moved.items():
        change = (update(AccountState)
                  .where(col(AccountState.account_id) == bindparam("state_id"))
                  .values({k: bindparam(f"new_{k}") for k in keys}))
        connection.execute(change, [{"state_id": row["account_id"],
                                     **{f"new_{k}": row[k] for k in keys}} for row in group])
    _insert_states(session, new)


def _delete_states(session: Session, ids: list[int]) -> None:
    for start in range(0, len(ids), 500):
        session.execute(delete(AccountState)
                        .where(col(AccountState.account_id).in_(ids[start:start + 500])))


def _insert_states(session: Session, rows: list[dict[str, Any]]) -> None:
    if rows:
        insert_columns(session, AccountState, list(STATE_KEYS),
                       [[row[k] for row in rows] for k in STATE_KEYS])


def state_rows(session: Session, account_ids: Iterable[int] | None = None
               ) -> Sequence[AccountState]:
    """The stored rows as objects (tests compare them with a full recompute)."""
    stmt = select(AccountState).order_by(col(AccountState.account_id))
    return session.scalars(among(stmt, col(AccountState.account_id), account_ids)).all()


def stored_flags(session: Session, account_ids: Iterable[int]) -> dict[int, str]:
    """The stored risk flags' keys of these accounts (comma-separated)."""
    stmt = among(select(col(AccountState.account_id), col(AccountState.flags)),
                 col(AccountState.account_id), account_ids)
    return {aid: flags for aid, flags in session.execute(stmt)}


def name_keys_of(session: Session, account_ids: Iterable[int] | None
                 ) -> dict[int, tuple[str, str]]:
    """The stored (sort_key, search) of these accounts (None: all)."""
    stmt = among(select(col(AccountState.account_id), col(AccountState.sort_key),
                        col(AccountState.search)), col(AccountState.account_id), account_ids)
    return {aid: (key, text) for aid, key, text in session.execute(stmt)}


# The tables whose statistics steer the screens' plans (an owner's accounts, their
# touches and steps), and how far their size may drift before the daily run re-analyses.
STATS_TABLES = ("account", "touchpoint", "contact", "task", "metricreading", "accountstate")
STATS_DRIFT = 0.1


def refresh_planner_stats(session: Session, *, only_if_drifted: bool = False) -> bool:
    """SQLite: refresh the query planner's statistics (about a second on 100,000
    accounts; run after a seed, and by the daily recompute), so that one owner's Today
    is read through the owner's accounts rather than the whole book's touches. With
    `only_if_drifted` (the daily run) only when there are none yet or one of
    `STATS_TABLES` has grown or shrunk by more than `STATS_DRIFT` since: statistics are
    proportions, which a day's writes do not move. True if it analysed. PostgreSQL's
    autovacuum does this."""
    if session.get_bind().dialect.name != "sqlite":
        return False
    if only_if_drifted and not _stats_drifted(session):
        return False
    session.execute(text("ANALYZE"))
    return True


def _stats_drifted(session: Session) -> bool:
    """No statistics yet, or a table's row count is off its analysed count by more than
    `STATS_DRIFT` (ANALYZE's count is the first number of a table's stat rows)."""
    have = session.execute(text("SELECT count(*) FROM sqlite_master "
                                "WHERE name = 'sqlite_stat1'")).scalar_one()
    if not have:
        return True
    analysed = dict(session.execute(text(
        "SELECT tbl, max(CAST(stat AS INTEGER)) FROM sqlite_stat1 GROUP BY tbl")).all())
    for table in STATS_TABLES:
        rows = session.execute(text(f'SELECT count(*) FROM "{table}"')).scalar_one()
        before = analysed.get(table)
        if before is None:
            if rows:
                return True
            continue
        if abs(rows - before) > STATS_DRIFT * max(before, 1):
            return True
    return False
