"""The fixed vocabularies of the domain, in a module light enough for the first paint
(no SQLAlchemy): the screens and the charts import these before the database is open."""

from __future__ import annotations

TIERS: tuple[str, ...] = ("S", "A", "B", "C")
STAGES: tuple[str, ...] = ("handover", "onboarding", "adoption", "renewal", "renewed", "churned")
CONTACT_ROLES: tuple[str, ...] = ("decision_maker", "user", "influencer", "champion")
CONTACT_LEVELS: tuple[str, ...] = ("executive", "manager", "staff")
CHANNELS: tuple[str, ...] = ("call", "email", "meeting", "visit", "training", "qbr", "chat")
TOUCHPOINT_STATUSES: tuple[str, ...] = ("planned", "done", "skipped")
OUTCOMES: tuple[str, ...] = ("positive", "neutral", "negative", "risk")
EVENT_SCOPES: tuple[str, ...] = ("global", "industry", "account")
EVENT_KINDS: tuple[str, ...] = ("event", "holiday", "workday", "anniversary")
DEAL_STAGES: tuple[str, ...] = ("won", "lost", "open")
