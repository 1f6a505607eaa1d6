"""Lifecycle kanban: one column per stage with count and ARR; the cards by ARR, the
first 60 of each column at first and every card once the cursor goes past them or a
filter is typed. ←/→ columns, ↑/↓ or j/k cards, `H`/`L` (shift+←/→) move the card to
the adjacent stage, `/` filters by name (pinyin and initials too), `C` churns (with a
reason), `f` filters by tier, `enter` opens, `l` logs, `c` checklist."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import partial
from typing import TYPE_CHECKING, Any

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Header, Input, Label

from csm_tui.i18n import N_, label, plural, t
from csm_tui.lifecycle import Card, StageColumn, adjacent
from csm_tui.money import format_money
from csm_tui.namesearch import filter_items, search_text
from csm_tui.vocab import STAGES
from screens.base import DataScreen
from screens.card_column import CardColumn
from screens.keybar import KeyBar
from screens.keymap import bindings

if TYPE_CHECKING:
    from csm_tui.services import Services, ViewKey

TIER_FILTERS = (None, "S", "A", "B", "C")
FIRST_CARDS = 60  # per column at first; every card once asked for
ALL_CARDS = 10**9


@dataclass(frozen=True)
class Selection:
    card: Card
    stage: str


class LifecycleScreen(DataScreen["tuple[list[StageColumn], date]"]):
    TITLE = N_("Lifecycle")
    BINDINGS = bindings("lifecycle")

    def __init__(self) -> None:
        super().__init__()
        self.tier: str | None = None
        self.limit = FIRST_CARDS
        self.columns: list[StageColumn] = []
        self._today = date.min
        self._search: dict[int, str] = {}
        self._focus_after: tuple[int, str] | None = None  # (account id, stage)

    def compose(self) -> ComposeResult:
        yield Header()
        yield Input(placeholder=t("/ filter cards: name, pinyin, initials, tier"),
                    id="kanban-filter", compact=True)
        with Horizontal(id="board"):
            for stage in STAGES:
                with Vertical(classes="stage-column", id=f"column-{stage}"):
                    yield Label(label("stage", stage), id=f"head-{stage}", classes="stage-head")
                    yield CardColumn(stage, id=f"col-{stage}")
        yield KeyBar()

    def on_mount(self) -> None:
        self.query_one("#kanban-filter").display = False

    def request(self) -> tuple[str | None, int]:
        return self.tier, self.limit

    def load(self, services: Services, key: ViewKey, request: Any
             ) -> tuple[list[StageColumn], date]:
        tier, limit = request
        return services.board(key, tier=tier, per_column=limit), key.day

    def show(self, data: tuple[list[StageColumn], date]) -> None:
        self.columns, self._today = data
        self._search = {}
        self._fill()

    def _card_text(self, card: Card) -> str:
        text = self._search.get(card.account_id)
        if text is None:
            text = self._search[card.account_id] = search_text(
                card.name, card.tier, f"tier:{card.tier}", pinyin=(card.name,))
        return text

    def _fill(self) -> None:
        """Put the loaded cards (those the filter keeps) into the columns."""
        query = self.query_one("#kanban-filter", Input).value
        target = self._focus_after
        if target is None and (sel := self._current()) is not None:
            target = (sel.card.account_id, sel.stage)
        for column in self.columns:
            head = self.query_one(f"#head-{column.stage}", Label)
            cards = filter_items(column.cards, query, self._card_text)
            more = column.count > len(column.cards)
            if query.strip():
                count = t("{n} of {total}", n=len(cards), total=column.count)
            elif more:
                count = t("{total} ({n} shown, ↓ for more)", n=len(cards),
                          total=column.count)
            else:
                count = str(column.count)
            money = format_money(column.arr_minor, column.currency, compact=True)
            if column.missing:  # no rate to the base currency: left out, and said so
                money += t(" (+{n} without a rate)", n=column.missing)
            head.update(f"{label('stage', column.stage)} · {count} · {money}")
            keep = target[0] if target and target[1] == column.stage else None
            widget = self._column(column.stage)
            widget.more = more and not query.strip()
            widget.set_cards(cards, self._today, keep=keep)
        self._focus_after = None
        if target is not None:
            self._column(target[1]).focus()
        elif not isinstance(self.focused, CardColumn):
            self.action_column(1, start=-1)
        tier = t("tier {tier}", tier=self.tier) if self.tier else t("all tiers")
        self.sub_title = t("{scope} · {accounts} · {tier}", scope=self.csm.scope_label,
                           accounts=plural(sum(c.count for c in self.columns), "account"),
                           tier=tier) + (
            t(" · filter “{query}”", query=query) if query.strip() else "")

    # ---- every card: paging and the filter --------------------------------------
    @on(CardColumn.WantsMore)
    def _more(self) -> None:
        """The cursor went past the cards shown: load every card (then it goes on)."""
        if self.limit != ALL_CARDS:
            self.limit = ALL_CARDS
            self.refresh_if_stale()

    def action_filter(self) -> None:
        box = self.query_one("#kanban-filter", Input)
        box.display = True
        box.focus()

    def action_clear_filter(self) -> None:
        box = self.query_one("#kanban-filter", Input)
        box.value = ""
        box.display = False
        self._fill()
        if not isinstance(self.focused, CardColumn):
            self.action_column(1, start=-1)

    @on(Input.Changed, "#kanban-filter")
    def _filter_changed(self, event: Input.Changed) -> None:
        if event.value.strip() and self.limit != ALL_CARDS:
            self.limit = ALL_CARDS  # the filter looks at every card, not the first 60
            self.refresh_if_stale()
            return
        self._fill()

    @on(Input.Submitted, "#kanban-filter")
    def _filter_submitted(self) -> None:
        self.action_column(1, start=-1)
        if not isinstance(self.focused, CardColumn):
            self.notify(t("no card matches the filter"), severity="warning")

    # ---- navigation -------------------------------------------------------
    def _column(self, stage: str) -> CardColumn:
        return self.query_one(f"#col-{stage}", CardColumn)

    def _current(self) -> Selection | None:
        column = self.focused
        if isinstance(column, CardColumn) and column.current is not None:
            return Selection(column.current, column.stage)
        return None

    def action_column(self, step: int, start: int | None = None) -> None:
        """Focus the next column (that has cards) to the left or right, same row."""
        focused = self.focused
        here = STAGES.index(focused.stage) if isinstance(focused, CardColumn) else -1
        row = focused.cursor if isinstance(focused, CardColumn) else 0
        i = (here if start is None else start) + step
        while 0 <= i < len(STAGES):
            column = self._column(STAGES[i])
            if column.cards:
                column.cursor = min(row, len(column.cards) - 1)
                column.focus()
                return
            i += step

    # ---- actions ----------------------------------------------------------
    def action_move(self, direction: int) -> None:
        current = self._current()
        if current is None:
            return
        target = adjacent(current.stage, direction)
        card = current.card
        if target is None:
            return
        if current.stage == "renewal" and target == "renewed":
            self._ask_renewal(card)
            return
        if target == "churned":
            self.action_churn()
            return
        if current.stage == "renewed" and direction < 0:
            target = "handover"
        self._move(card.account_id, target, "")

    def _ask_renewal(self, card: Card) -> None:
        from screens.lifecycle_dialogs import RenewDialog

        def done(term: int | None) -> None:
            if term:
                self._focus_after = (card.account_id, "renewed")
                self.csm.notify(t("{name}: renewed, term {term} recorded", name=card.name,
                                  term=term))

        self.app.push_screen(RenewDialog(card.account_id), done)

    def action_churn(self) -> None:
        from screens.lifecycle_dialogs import ReasonDialog

        current = self._current()
        if current is None:
            return
        card = current.card

        def answer(reason: str | None) -> None:
            if reason:
                self._churn(card.account_id, reason)

        self.app.push_screen(ReasonDialog(t("Why did {name} churn?", name=card.name)), answer)

    def _churn(self, account_id: int, reason: str) -> None:
        """Churned: planned touches and open steps closed, win-back steps made."""
        def moved(_old: str) -> None:
            self._focus_after = (account_id, "churned")

        def refused(message: str) -> None:
            self.notify(message, severity="warning")

        self.csm.write(partial(self.services.churn, account_id, reason=reason),
                       done=moved, failed=refused)

    def _move(self, account_id: int, stage: str, reason: str) -> None:
        """One stage move; a move the rules refuse is said as a warning, not an error."""
        def moved(_old: str) -> None:
            self._focus_after = (account_id, stage)

        def refused(message: str) -> None:
            self.notify(message, severity="warning")

        self.csm.write(partial(self.services.move_stage, account_id, stage, reason=reason),
                       done=moved, failed=refused)

    def action_tier_filter(self) -> None:
        self.tier = TIER_FILTERS[(TIER_FILTERS.index(self.tier) + 1) % len(TIER_FILTERS)]
        self.refresh_if_stale()

    def action_open(self) -> None:
        if (current := self._current()) is not None:
            self.csm.open_account(current.card.account_id)

    def action_log(self) -> None:
        if (current := self._current()) is not None:
            self.csm.open_log_form(current.card.account_id)

    def action_checklist(self) -> None:
        from screens.task_checklist import ChecklistScreen

        if (current := self._current()) is not None:
            self.app.push_screen(ChecklistScreen(current.card.account_id, current.card.name))

    def action_suggestions(self) -> None:
        from screens.suggestions import SuggestionsScreen

        self.app.push_screen(SuggestionsScreen())
