"""Lifecycle kanban: one column per stage with count and ARR; the first cards of each
column by ARR. Arrows/j/k move, shift+←/→ move the card to the adjacent stage,
`C` churns (with a reason), `f` filters by tier, `enter` opens, `l` logs, `c` checklist."""

from __future__ import annotations

from datetime import date

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.message import Message
from textual.widgets import Footer, Header, Label, Static

from csm_tui.lifecycle import Card, MoveError, StageColumn, adjacent, load_board, move_stage
from csm_tui.money import format_money
from db.models import STAGES
from db.store import Store
from screens.base import DataScreen
from screens.format import relative_days, tier_badge

TIER_FILTERS = (None, "S", "A", "B", "C")


class CardView(Static, can_focus=True):
    """One account on the board."""

    class Focused(Message):
        def __init__(self, card: CardView) -> None:
            super().__init__()
            self.card = card

    def __init__(self, card: Card, stage: str, index: int, today: date) -> None:
        super().__init__(classes="card")
        self.card = card
        self.stage = stage
        self.index = index
        self.today = today

    def render(self) -> Text:
        c = self.card
        text = Text()
        text.append_text(tier_badge(c.tier))
        text.append(f" {c.name}\n", style="bold")
        days = f"{c.days_in_stage}d in stage" if c.days_in_stage is not None else ""
        text.append(f"{format_money(c.arr_minor, c.currency, compact=True)} · {days}\n",
                    style="dim")
        if c.next_task:
            late = c.next_task_due is not None and c.next_task_due < self.today
            text.append(f"☐ {c.next_task[:40]} ({relative_days(c.next_task_due, self.today)})",
                        style="red" if late else "")
        else:
            text.append("no open SOP step", style="dim")
        if c.risk:
            text.append(f"\n⚠ {c.risk}", style="bold red")
        return text

    def on_focus(self) -> None:
        self.post_message(self.Focused(self))


class LifecycleScreen(DataScreen):
    TITLE = "Lifecycle"
    BINDINGS = [
        Binding("left,h", "column(-1)", "←", show=False, id="kanban.left"),
        Binding("right", "column(1)", "→", show=False, id="kanban.right"),
        Binding("up,k", "card(-1)", "↑", show=False, id="kanban.up"),
        Binding("down,j", "card(1)", "↓", show=False, id="kanban.down"),
        Binding("shift+left", "move(-1)", "Move ←", id="kanban.move_left"),
        Binding("shift+right", "move(1)", "Move →", id="kanban.move_right"),
        Binding("C", "churn", "Churn", id="kanban.churn"),
        Binding("f", "tier_filter", "Tier filter", id="kanban.filter"),
        Binding("enter", "open", "Open", id="kanban.open"),
        Binding("l", "log", "Log follow-up", id="kanban.log"),
        Binding("c", "checklist", "Checklist", id="kanban.checklist"),
        Binding("g", "suggestions", "Suggestions", id="kanban.suggestions"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.tier: str | None = None
        self.columns: list[StageColumn] = []
        self._focus_after: tuple[int, str] | None = None  # (account id, stage)

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="board"):
            for stage in STAGES:
                with Vertical(classes="stage-column", id=f"column-{stage}"):
                    yield Label(stage, id=f"head-{stage}", classes="stage-head")
                    yield VerticalScroll(id=f"col-{stage}", classes="stage-cards")
        yield Footer()

    def fetch(self, store: Store, today: date) -> tuple[list[StageColumn], date]:
        with store.session() as session:
            return load_board(session, today, tier=self.tier), today

    def show(self, data: tuple[list[StageColumn], date]) -> None:
        self.columns, today = data
        focus_target: CardView | None = None
        previous = self.focused
        remember = self._focus_after or (
            (previous.card.account_id, previous.stage) if isinstance(previous, CardView)
            else None)
        for column in self.columns:
            head = self.query_one(f"#head-{column.stage}", Label)
            more = f" (top {len(column.cards)})" if column.count > len(column.cards) else ""
            head.update(f"{column.stage} · {column.count}{more} · "
                        f"{format_money(column.arr_minor, 'CNY', compact=True)}")
            box = self.query_one(f"#col-{column.stage}", VerticalScroll)
            box.remove_children()
            views = [CardView(card, column.stage, i, today) for i, card in
                     enumerate(column.cards)]
            box.mount_all(views)
            for view in views:
                if remember and view.card.account_id == remember[0]:
                    focus_target = view
        self._focus_after = None
        tier = f"tier {self.tier}" if self.tier else "all tiers"
        self.sub_title = f"{sum(c.count for c in self.columns)} accounts · {tier}"
        self.call_after_refresh(self._restore_focus, focus_target)

    def _restore_focus(self, target: CardView | None) -> None:
        if target is not None and target.is_attached:
            target.focus()
            return
        if not isinstance(self.focused, CardView):
            cards = list(self.query(CardView))
            if cards:
                cards[0].focus()

    # ---- navigation -------------------------------------------------------
    def _current(self) -> CardView | None:
        return self.focused if isinstance(self.focused, CardView) else None

    def _cards_in(self, stage: str) -> list[CardView]:
        return list(self.query_one(f"#col-{stage}", VerticalScroll).query(CardView))

    def action_card(self, step: int) -> None:
        current = self._current()
        if current is None:
            self._restore_focus(None)
            return
        cards = self._cards_in(current.stage)
        index = max(0, min(current.index + step, len(cards) - 1))
        cards[index].focus()
        cards[index].scroll_visible()

    def action_column(self, step: int) -> None:
        current = self._current()
        stage_index = STAGES.index(current.stage) if current else 0
        row = current.index if current else 0
        i = stage_index + step
        while 0 <= i < len(STAGES):
            cards = self._cards_in(STAGES[i])
            if cards:
                target = cards[min(row, len(cards) - 1)]
                target.focus()
                target.scroll_visible()
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

        def done(result: object) -> None:
            if result:
                self._focus_after = (card.account_id, "handover")
                self.csm.notify(f"{card.name}: renewed, new term starts at handover")
                self.reload()

        self.app.push_screen(RenewDialog(card.account_id), done)

    def action_churn(self) -> None:
        from screens.lifecycle_dialogs import ReasonDialog

        current = self._current()
        if current is None:
            return
        card = current.card

        def answer(reason: str | None) -> None:
            if reason:
                self._move(card.account_id, "churned", reason)

        self.app.push_screen(ReasonDialog(f"Why did {card.name} churn?"), answer)

    @work(thread=True, exclusive=True, group="move", exit_on_error=False)
    def _move(self, account_id: int, stage: str, reason: str) -> None:
        try:
            move_stage(self.csm.store, account_id, stage, reason=reason, today=self.csm.today())
        except (MoveError, LookupError) as exc:
            self.app.call_from_thread(self.notify, str(exc), severity="warning")
            return
        except Exception as exc:
            self.app.call_from_thread(self.csm.report_error, exc)
            return
        self._focus_after = (account_id, stage)
        self.app.call_from_thread(self.reload)

    def action_tier_filter(self) -> None:
        self.tier = TIER_FILTERS[(TIER_FILTERS.index(self.tier) + 1) % len(TIER_FILTERS)]
        self.reload()

    def action_open(self) -> None:
        if (current := self._current()) is not None:
            self.csm.open_account(current.card.account_id)

    def action_log(self) -> None:
        if (current := self._current()) is not None:
            self.csm.open_log_form(current.card.account_id)

    def action_checklist(self) -> None:
        from screens.task_checklist import ChecklistScreen

        if (current := self._current()) is not None:
            self.app.push_screen(ChecklistScreen(current.card.account_id, current.card.name),
                                 lambda _: self.reload())

    def action_suggestions(self) -> None:
        from screens.suggestions import SuggestionsScreen

        self.app.push_screen(SuggestionsScreen(), lambda applied: self.reload())

    @on(CardView.Focused)
    def _card_focused(self, event: CardView.Focused) -> None:
        event.card.scroll_visible()
