"""The domain's fixed vocabularies (tiers, stages, channels...), for the screens: the
same tuples as `db.vocab`, so that nothing above the domain needs to import `db`.
Light enough for the first paint (no SQLAlchemy)."""

from __future__ import annotations

from db.vocab import (
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

__all__ = ["CHANNELS", "CONTACT_LEVELS", "CONTACT_ROLES", "DEAL_STAGES", "EVENT_KINDS",
           "EVENT_SCOPES", "OUTCOMES", "STAGES", "TIERS", "TOUCHPOINT_STATUSES"]
