"""The Portfolio's reads: one page of accounts in any order, filtered by words, read
through the keyset of the last row shown (so a page costs what it shows, whatever the
book's size), the counts and ARR per tier and currency by aggregate, and the RFM
quintiles of the whole book by window functions (one statement, no rows in Python).

A filter word matches an account when it is in the account's stored search text
(name, pinyin, initials, industry, owner: AccountState.search) or when the domain says
that the account's tier, stage or RFM code answers it (`WordMatch`: the words a tier,
a stage or a segment adds depend on the language, which the database does not know).
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import ARRAY, Integer, and_, case, false, func, literal, or_, select
from sqlalchemy.sql.elements import ColumnElement
from sqlmodel import Session, col

from db.models import Account, AccountState, Deal
from db.queries.common import AnyRow, RowSelect, active, owned_by
from db.vocab import STAGES, TIERS

FAR_PAST, FAR_FUTURE = date(1, 1, 1), date(9999, 12, 31)
NO_RATE = 1  # the ARR key of an account whose currency has no rate (after every amount)


@dataclass(frozen=True, slots=True)
class WordMatch:
    """One filter word and the tiers, stages and RFM codes (r*100 + f*10 + m) whose
    words contain it."""

    word: str
    tiers: tuple[str, ...] = ()
    stages: tuple[str, ...] = ()
    rfm_codes: tuple[int, ...] = ()
    # the accounts whose RFM code is one of rfm_codes, when the caller knows every
    # account's code (else the RFM window is read in the statement)
    rfm_ids: tuple[int, ...] | None = None


def rfm_codes(today: date) -> Any:
    """A subquery (id, code) of every active account's RFM code: quintiles 1-5 of
    recency, frequency and monetary value within the book, each by its mid-rank among
    equal values, as r*100 + f*10 + m. Won deals give the figures where an account has a
    dated one, else its contract history (last start, terms, ARR); no start counts as
    10,000 days ago. Recency ranks by the date itself (later = more recent)."""
    won = (select(col(Deal.account_id).label("aid"), func.max(Deal.close_date).label("last"),
                  func.count().label("n"), func.coalesce(func.sum(Deal.value_minor), 0)
                  .label("total"))
           .where(col(Deal.stage) == "won").group_by(col(Deal.account_id)).subquery())
    dated = won.c.last.is_not(None)
    floor = date.fromordinal(today.toordinal() - 10_000)
    raw = (select(col(Account.id).label("id"),
                  case((dated, won.c.last), else_=func.coalesce(col(Account.contract_start),
                                                                floor)).label("r"),
                  case((dated, won.c.n), else_=col(Account.term)).label("f"),
                  case((dated, won.c.total), else_=col(Account.arr_minor)).label("m"))
           .outerjoin(won, won.c.aid == Account.id).where(active()).subquery())
    n = func.count().over()

    def quintile(value: Any) -> Any:
        below = func.rank().over(order_by=value) - 1
        equal = func.count().over(partition_by=value)
        q = 1 + ((2 * below + equal - 1) * 5) // (2 * n)  # whole numbers: a floor
        return case((n <= 1, 5), (q > 5, 5), else_=q)

    code = quintile(raw.c.r) * 100 + quintile(raw.c.f) * 10 + quintile(raw.c.m)
    return select(raw.c.id.label("id"), code.label("code")).subquery("rfm")


def rfm_code_map(session: Session, today: date, account_ids: Sequence[int] | None = None
                 ) -> dict[int, int]:
    """account id → RFM code, for every active account (or these ones)."""
    rfm = rfm_codes(today)
    stmt = select(rfm.c.id, rfm.c.code)
    if account_ids is not None:
        stmt = stmt.where(rfm.c.id.in_(list(account_ids)))
    return {aid: int(code) for aid, code in session.execute(stmt)}


def _base_arr(factors: Mapping[str, float]) -> Any:
    """ARR in the base currency (None: no rate for the account's currency)."""
    if not factors:
        return literal(None)
    return case(*((col(Account.currency) == cur, col(Account.arr_minor) * rate)
                  for cur, rate in sorted(factors.items())), else_=None)


def _index_of(column: Any, values: Sequence[str], missing: int) -> Any:
    return case(*((column == v, i) for i, v in enumerate(values)), else_=missing)


def _arr_key(factors: Mapping[str, float]) -> Any:
    """Largest base-currency ARR first; no rate: after every amount."""
    return func.coalesce(-_base_arr(factors), NO_RATE)


def _tier_key() -> Any:
    return _index_of(col(Account.tier), TIERS, 9)


def _order(order: str, factors: Mapping[str, float]) -> Any:
    """The sort expression of an order, never NULL (as the screens have always sorted:
    a missing value after every known one)."""
    return {
        "name": col(AccountState.sort_key),
        "arr": _arr_key(factors),
        "tier": _tier_key(),
        "stage": _index_of(col(Account.stage), STAGES, 99),
        "health": func.coalesce(col(AccountState.health), 999),
        "renewal": func.coalesce(col(Account.contract_end), FAR_FUTURE),
        "last touch": func.coalesce(col(AccountState.last_touch_on), FAR_PAST),
        "next due": func.coalesce(col(AccountState.next_due), FAR_FUTURE),
        "score": -col(Account.score),
    }[order]


def order_keys(order: str, *, reverse: bool, grouped: bool,
               factors: Mapping[str, float]) -> list[tuple[Any, bool]]:
    """(expression, descending) in sort order: the tier first when grouped (tier by
    tier, S first, however the rows are sorted), then the order, then the largest
    ARR and the id, so that equal keys keep one order and a keyset is exact."""
    keys: list[tuple[Any, bool]] = []
    if grouped:
        keys.append((_tier_key(), False))
    keys.append((_order(order, factors), reverse))
    if order == "tier":  # within a tier: the largest ARR first, as sorted by tier
        keys.append((_arr_key(factors), reverse))
    keys += [(col(Account.arr_minor), True), (col(Account.id), False)]
    return keys


def _dialect(session: Session) -> str:
    return session.get_bind().dialect.name


def _after(keys: list[tuple[Any, bool]], last: Sequence[Any]) -> ColumnElement[bool]:
    """Rows strictly after `last` (its values of `keys`) in the keys' order."""
    ors = []
    for i, (expr, descending) in enumerate(keys):
        same = [k == v for (k, _d), v in zip(keys[:i], last[:i], strict=True)]
        beyond = expr < last[i] if descending else expr > last[i]
        ors.append(and_(*same, beyond))
    return or_(*ors)


def _among(column: Any, ids: Sequence[int], dialect: str) -> ColumnElement[bool]:
    """`column` is one of `ids`, however many: one parameter (a JSON array in SQLite, an
    integer array in PostgreSQL), not one per id."""
    if not ids:
        return false()
    if dialect == "postgresql":
        return column.in_(select(func.unnest(literal(list(ids), ARRAY(Integer)))))
    values = func.json_each(json.dumps(list(ids))).table_valued("value")
    return column.in_(select(values.c.value))


def _matches(match: WordMatch, today: date, dialect: str) -> ColumnElement[bool]:
    conditions: list[ColumnElement[bool]] = [
        func.coalesce(col(AccountState.search), "").contains(match.word, autoescape=True)]
    if match.tiers:
        conditions.append(col(Account.tier).in_(match.tiers))
    if match.stages:
        conditions.append(col(Account.stage).in_(match.stages))
    if match.rfm_ids is not None:
        conditions.append(_among(col(Account.id), match.rfm_ids, dialect))
    elif match.rfm_codes:  # the window read once, as a set (never once per row)
        rfm = rfm_codes(today)
        conditions.append(col(Account.id).in_(select(rfm.c.id)
                                              .where(rfm.c.code.in_(match.rfm_codes))))
    return or_(*conditions)


def _filtered(stmt: RowSelect, words: Sequence[WordMatch], today: date,
              owner: str | None, dialect: str) -> RowSelect:
    """The statement over active accounts (and their stored state), restricted to one
    owner and to the accounts every word matches; the RFM window runs only for a word
    that can match a segment."""
    stmt = stmt.outerjoin(AccountState, col(AccountState.account_id) == Account.id)
    stmt = owned_by(stmt.where(active()), owner)
    for match in words:
        stmt = stmt.where(_matches(match, today, dialect))
    return stmt


def portfolio_page(session: Session, today: date, *, words: Sequence[WordMatch] = (),
                   order: str = "arr", reverse: bool = False, grouped: bool = False,
                   factors: Mapping[str, float], owner: str | None = None,
                   limit: int | None = None, after: Sequence[Any] | None = None
                   ) -> Sequence[AnyRow]:
    """The accounts a page shows, in order: what a row shows, then its values of the
    order's keys (`order_keys`; pass the last row's as `after` for the next page)."""
    keys = order_keys(order, reverse=reverse, grouped=grouped, factors=factors)
    stmt: RowSelect = select(col(Account.id), col(Account.name), col(Account.tier),
                  col(Account.arr_minor), col(Account.currency), col(Account.stage),
                  col(Account.contract_end), col(Account.industry), col(Account.owner),
                  col(Account.score), col(Account.tier_locked), col(AccountState.health),
                  col(AccountState.last_touch_on), col(AccountState.next_due),
                  col(AccountState.search),
                  *(expr.label(f"k{i}") for i, (expr, _d) in enumerate(keys)))
    stmt = _filtered(stmt, words, today, owner, _dialect(session))
    if after is not None:
        stmt = stmt.where(_after(keys, after))
    stmt = stmt.order_by(*(expr.desc() if d else expr.asc() for expr, d in keys))
    if limit is not None:
        stmt = stmt.limit(limit)
    return session.execute(stmt).all()


def tier_sums(session: Session, today: date, *, words: Sequence[WordMatch] = (),
              owner: str | None = None) -> Sequence[AnyRow]:
    """(tier, currency, count, ARR) of the accounts the words match (all: no words)."""
    stmt = select(col(Account.tier), col(Account.currency), func.count(),
                  func.coalesce(func.sum(Account.arr_minor), 0))
    stmt = _filtered(stmt, words, today, owner, _dialect(session))
    return session.execute(stmt.group_by(col(Account.tier), col(Account.currency))).all()
