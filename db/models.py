"""SQLModel tables for the whole csm-tui domain.

Conventions: money is stored as integer minor units (cents, fen) beside an ISO
currency code; timestamps are timezone-aware UTC (SQLModel's UTCDateTime stores
UTC and hands back aware values; SQLite keeps no zone, so we say so here once);
calendar dates are plain dates. Enumerated values (tier, stage,
role...) are stored as short strings so that adding a value needs no schema
change; the allowed values live in the constants below and are checked by the
domain layer.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time

from sqlalchemy import Index, UniqueConstraint
from sqlmodel import Field, SQLModel

from db.vocab import (  # noqa: F401  (re-exported: the models' vocabulary)
    CHANNELS,
    CONTACT_LEVELS,
    CONTACT_ROLES,
    DEAL_STAGES,
    EVENT_KINDS,
    EVENT_SCOPES,
    OUTCOMES,
    STAGES,
    TIERS,
    TOUCHPOINT_STATUSES,
)


def utcnow() -> datetime:
    """Aware UTC now: the one way timestamps are made for storage."""
    return datetime.now(UTC)


class Account(SQLModel, table=True):
    """A customer account in the CSM's portfolio."""

    __table_args__ = (
        Index("ix_account_owner_archived", "owner", "archived"),
        Index("ix_account_stage", "stage"),
    )

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(index=True, max_length=200)
    external_id: str | None = Field(default=None, index=True, max_length=100)
    industry: str = Field(default="", max_length=100)
    region: str = Field(default="", max_length=100)
    owner: str = Field(default="", max_length=100)
    tier: str = Field(default="C", max_length=1)
    tier_locked: bool = Field(default=False)
    tier_reason: str = Field(default="")
    score: float = Field(default=0.0)
    arr_minor: int = Field(default=0)
    currency: str = Field(default="USD", max_length=3)
    contract_start: date | None = None
    contract_end: date | None = None
    term: int = Field(default=1, description="Contract term number, 1 for the first year")
    stage: str = Field(default="handover", max_length=20)
    stage_entered: date | None = None
    founded_on: date | None = None
    # Health inputs
    nps: int | None = None
    nps_previous: int | None = None
    last_login: date | None = None
    open_tickets: int = Field(default=0)
    open_tickets_previous: int = Field(default=0)
    on_time_payment: float = Field(default=1.0, description="Share of invoices paid on time, 0..1")
    profit_margin: float = Field(default=0.0, description="Gross margin share, 0..1")
    growth_potential: int = Field(default=0, description="0..5, judged by the CSM")
    influence: int = Field(default=0, description="0..5: how much this account sways others")
    referrals: int = Field(default=0)
    engagement: int = Field(default=0, description="0..5: cooperation and engagement")
    archived: bool = Field(default=False)
    version: int = Field(default=1, description="Optimistic lock: bumped on every edit")
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)


class Contact(SQLModel, table=True):
    """A stakeholder in an account's decision chain."""

    id: int | None = Field(default=None, primary_key=True)
    account_id: int = Field(foreign_key="account.id", index=True, ondelete="CASCADE")
    name: str = Field(max_length=200)
    title: str = Field(default="", max_length=200)
    role: str = Field(default="user", max_length=20)
    level: str = Field(default="staff", max_length=20)
    email: str = Field(default="", max_length=200)
    phone: str = Field(default="", max_length=50)
    notes: str = Field(default="")
    created_at: datetime = Field(default_factory=utcnow)


class Touchpoint(SQLModel, table=True):
    """A planned or logged contact with an account."""

    __table_args__ = (
        # Covering indexes: last touch and next due per account without a table scan.
        Index("ix_touchpoint_status_account_done", "status", "account_id", "done_at"),
        Index("ix_touchpoint_status_account_due", "status", "account_id", "due_date"),
        Index("ix_touchpoint_status_due", "status", "due_date"),
        Index("ix_touchpoint_account", "account_id"),
        Index("ix_touchpoint_status_contact_done", "status", "contact_id", "done_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    account_id: int = Field(foreign_key="account.id", ondelete="CASCADE")
    contact_id: int | None = Field(default=None, foreign_key="contact.id", ondelete="SET NULL")
    channel: str = Field(default="call", max_length=20)
    due_date: date | None = None
    done_at: datetime | None = None
    status: str = Field(default="planned", max_length=10)
    summary: str = Field(default="")
    outcome: str = Field(default="", max_length=10)
    next_step: str = Field(default="")
    origin: str | None = Field(
        default=None,
        unique=True,
        max_length=200,
        description="Idempotency key for generated touchpoints (e.g. event operations)",
    )
    created_at: datetime = Field(default_factory=utcnow)


class Task(SQLModel, table=True):
    """One SOP step of an account's stage, made concrete with a due date."""

    __table_args__ = (
        UniqueConstraint("account_id", "term", "stage", "step_key", name="uq_task_step"),
        Index("ix_task_due_open", "done_at", "due_date"),
    )

    id: int | None = Field(default=None, primary_key=True)
    account_id: int = Field(foreign_key="account.id", ondelete="CASCADE")
    stage: str = Field(max_length=20)
    term: int = Field(default=1)
    step_key: str = Field(max_length=100)
    title: str = Field(max_length=200)
    description: str = Field(default="")
    channel: str = Field(default="", max_length=20)
    anchor: str = Field(default="stage", max_length=20, description="stage | contract_end")
    offset_days: int = Field(default=0)
    due_date: date | None = None
    done_at: datetime | None = None
    closed_as: str | None = Field(
        default=None, max_length=20,
        description="How a closed step ended: done | superseded (its stage or term ended "
                    "first); None while open")
    created_at: datetime = Field(default_factory=utcnow)


class Event(SQLModel, table=True):
    """A dated occasion: an industry event, an account's anniversary, a holiday."""

    __table_args__ = (UniqueConstraint("source", "source_uid", name="uq_event_source_uid"),)

    id: int | None = Field(default=None, primary_key=True)
    title: str = Field(max_length=300)
    on_date: date = Field(index=True)
    end_date: date | None = None
    at_time: time | None = None
    yearly: bool = Field(default=False)
    kind: str = Field(default="event", max_length=20)
    scope: str = Field(default="global", max_length=10)
    industry: str | None = Field(default=None, max_length=100)
    account_id: int | None = Field(default=None, foreign_key="account.id", ondelete="CASCADE")
    target_tiers: str = Field(default="", description="Comma-separated tiers; empty means all")
    target_industries: str = Field(default="", description="Comma-separated; empty means all")
    lead_days: int = Field(default=0)
    description: str = Field(default="")
    source: str = Field(default="manual", max_length=100)
    source_uid: str | None = Field(default=None, max_length=300)
    recurrence: str = Field(default="", description="An imported recurring event's VEVENT "
                            "text (RRULE, EXDATE, RDATE, its RECURRENCE-ID overrides), "
                            "expanded by recurring-ical-events; '' when it does not recur "
                            "or recurs plainly yearly")
    tzid: str = Field(default="", max_length=64, description="The time zone of at_time: an "
                      "IANA name, 'UTC', or '' for floating (local) time")
    created_at: datetime = Field(default_factory=utcnow)


class Deal(SQLModel, table=True):
    """A sales opportunity; won deals give ARR, contract dates and the RFM lens."""

    id: int | None = Field(default=None, primary_key=True)
    account_id: int = Field(foreign_key="account.id", index=True, ondelete="CASCADE")
    external_id: str | None = Field(default=None, index=True, max_length=100)
    product: str = Field(default="", max_length=200)
    stage: str = Field(default="open", max_length=10)
    value_minor: int = Field(default=0)
    engage_date: date | None = None
    close_date: date | None = None
    owner: str = Field(default="", max_length=100)


class TierChange(SQLModel, table=True):
    """History of tier moves, computed or manual."""

    id: int | None = Field(default=None, primary_key=True)
    account_id: int = Field(foreign_key="account.id", index=True, ondelete="CASCADE")
    old_tier: str | None = Field(default=None, max_length=1)
    new_tier: str = Field(max_length=1)
    score: float | None = None
    manual: bool = Field(default=False)
    reason: str = Field(default="")
    at: datetime = Field(default_factory=utcnow)


class StageChange(SQLModel, table=True):
    """History of lifecycle moves."""

    id: int | None = Field(default=None, primary_key=True)
    account_id: int = Field(foreign_key="account.id", index=True, ondelete="CASCADE")
    old_stage: str | None = Field(default=None, max_length=20)
    new_stage: str = Field(max_length=20)
    reason: str = Field(default="")
    at: datetime = Field(default_factory=utcnow)


class ChangeLog(SQLModel, table=True):
    """Append-only record of user actions; the source for undo."""

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(default_factory=utcnow, index=True)
    actor: str = Field(default="", max_length=100)
    action: str = Field(max_length=50)
    entity: str = Field(max_length=50)
    entity_id: int | None = None
    summary: str = Field(default="")
    payload: str = Field(default="{}", description="JSON: what undo needs")
    undone: bool = Field(default=False)


class MetricReading(SQLModel, table=True):
    """One dated reading of an account's health metric (NPS, open tickets, last login,
    usage), written by imports, edits and `csm metric`: churn signals compare the
    latest reading with the previous one, so they work on real data, not on a seed."""

    __table_args__ = (Index("ix_metric_account_name_day", "account_id", "metric", "on_date"),)

    id: int | None = Field(default=None, primary_key=True)
    account_id: int = Field(foreign_key="account.id", ondelete="CASCADE")
    metric: str = Field(max_length=30, description="nps | open_tickets | last_login | usage")
    value: float | None = Field(default=None, description="The number, for numeric metrics")
    day: date | None = Field(default=None, description="The date, for date metrics (last login)")
    on_date: date = Field(description="The day the reading is for")
    source: str = Field(default="", max_length=20, description="import | edit | cli | seed")
    created_at: datetime = Field(default_factory=utcnow)


class ContractTerm(SQLModel, table=True):
    """One contract term of an account: what was sold, when, and how it ended. The
    renewal history (and later retention and NRR) reads these."""

    __table_args__ = (UniqueConstraint("account_id", "term", name="uq_contract_term"),)

    id: int | None = Field(default=None, primary_key=True)
    account_id: int = Field(foreign_key="account.id", index=True, ondelete="CASCADE")
    term: int
    start: date | None = None
    end: date | None = None
    arr_minor: int = Field(default=0)
    currency: str = Field(default="USD", max_length=3)
    outcome: str = Field(default="open", max_length=10, description="open | renewed | churned")
    closed_on: date | None = Field(default=None, description="When it was renewed or churned")
    created_at: datetime = Field(default_factory=utcnow)


class ExchangeRate(SQLModel, table=True):
    """How many units of the base currency one unit of `currency` is worth, as of a day
    (from `csm rates import` or settings): totals and tier cut-offs add base amounts."""

    __table_args__ = (UniqueConstraint("currency", "base", "as_of", name="uq_rate_day"),)

    id: int | None = Field(default=None, primary_key=True)
    currency: str = Field(max_length=3)
    base: str = Field(max_length=3)
    rate: float
    as_of: date
    source: str = Field(default="", max_length=200)
    created_at: datetime = Field(default_factory=utcnow)


class Note(SQLModel, table=True):
    """A dated, multi-line note about an account (what was discussed, who is who): shown
    in the timeline and the brief, found by search."""

    id: int | None = Field(default=None, primary_key=True)
    account_id: int = Field(foreign_key="account.id", index=True, ondelete="CASCADE")
    on_date: date
    text: str
    author: str = Field(default="", max_length=100)
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)


class AccountState(SQLModel, table=True):
    """What the screens show of each active account that is derived from its other rows:
    health and risk flags, last and next touch, the day its cadence touch is due, its
    name's sort and search keys. Kept in the transaction of every write that changes
    its inputs (db/derived.py calls the domain's recompute before each commit), and
    recomputed for the whole book once a day (`basis` names the day and settings it was
    computed for), so that a screen reads its top rows and counts from here instead of
    computing over the whole book. No row: not computed yet (an archived account has
    none)."""

    __table_args__ = (
        Index("ix_accountstate_health", "health"),
        Index("ix_accountstate_basis", "basis"),
        Index("ix_accountstate_sort_key", "sort_key"),
        Index("ix_accountstate_cadence", "next_due", "cadence_due"),
    )

    account_id: int = Field(foreign_key="account.id", primary_key=True, ondelete="CASCADE")
    health: int = Field(default=0, description="0..100 on the basis day")
    flags: str = Field(default="", description="The risk flags' keys, comma-separated, "
                       "in [risk] flags order")
    flag_count: int = Field(default=0)
    last_touch_at: datetime | None = Field(default=None, description="Latest done touch")
    last_touch_on: date | None = Field(default=None, description="Its day (UTC)")
    next_due: date | None = Field(default=None, description="Earliest planned touch")
    cadence_due: date | None = Field(default=None, description="Last touch + the tier's "
                                     "cadence on a working day; None: never touched")
    sort_key: str = Field(default="", max_length=400, description="The name folded, CJK "
                          "as pinyin: the A-to-Z order")
    search: str = Field(default="", description="Name, pinyin, initials, industry, owner, "
                        "folded: what a / filter matches")
    basis: str = Field(default="", max_length=64, description="The day and settings this "
                       "row was computed for")
