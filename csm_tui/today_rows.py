"""Today's rows as plain types (no storage behind them): what the agenda is made of,
what `csm today` prints and what Today's first paint reads from its small cache
(csm_tui/first_view.py) without loading the database layer."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from csm_tui.health import Health
from csm_tui.i18n import t
from csm_tui.occurrence import Occurrence


@dataclass(frozen=True, slots=True)
class TodayItem:
    """One thing to do: a planned touchpoint, a cadence touch with nothing planned, or
    an SOP task. `kind` is touchpoint | cadence | task."""

    kind: str
    account_id: int
    account: str
    tier: str
    title: str
    due: date
    priority: int
    why: str
    touchpoint_id: int | None = None
    task_id: int | None = None
    channel: str = ""
    contact: str = ""

    @property
    def ref(self) -> str:
        """The row's short reference for the shell (`csm done T3267`): T and the
        touchpoint's id, K and the SOP step's id, C and the account's id for a cadence
        touch with nothing planned."""
        if self.touchpoint_id is not None:
            return f"T{self.touchpoint_id}"
        if self.task_id is not None:
            return f"K{self.task_id}"
        return f"C{self.account_id}"


REF_KINDS = {"T": "touchpoint", "K": "task", "C": "cadence"}


def parse_ref(text: str) -> tuple[str, int]:
    """`T3267` → ("touchpoint", 3267); `k88` → ("task", 88); `C12` → ("cadence", 12).
    ValueError for anything else."""
    raw = text.strip()
    kind, digits = raw[:1].upper(), raw[1:]
    if kind not in REF_KINDS or not digits.isdigit() or len(digits) > 12:
        raise ValueError(t("{ref!r} is not a ref from csm today (T… a touch, K… an SOP step, "
                           "C… a cadence touch)", ref=text))
    return REF_KINDS[kind], int(digits)


@dataclass(frozen=True, slots=True)
class Renewal:
    account_id: int
    account: str
    tier: str
    arr_minor: int
    currency: str
    contract_end: date
    stage: str
    health: int | None


@dataclass
class TodayAgenda:
    items: list[TodayItem]
    renewals: list[Renewal]
    at_risk: list[tuple[int, str, str, Health]]
    events: list[Occurrence]
    total: int = 0  # every row to do (items holds the top ones)
    renewal_count: int = 0
    at_risk_count: int = 0
    renewal_sums: list[tuple[str, int, int]] = field(default_factory=list)  # currency, n, ARR

    @property
    def due(self) -> list[TodayItem]:
        return self.items
