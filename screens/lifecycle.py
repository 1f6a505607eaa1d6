"""Lifecycle: accounts per stage, one column each."""

from __future__ import annotations

from datetime import date

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Footer, Header, Label, OptionList

from csm_tui.lifecycle import StageColumn, load_board
from csm_tui.money import format_money
from db.models import STAGES
from db.store import Store
from screens.base import DataScreen

CARDS_SHOWN = 200


class LifecycleScreen(DataScreen):
    TITLE = "Lifecycle"

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="board"):
            for stage in STAGES:
                with Vertical(classes="stage-column"):
                    yield Label(stage, id=f"head-{stage}", classes="stage-head")
                    yield OptionList(id=f"col-{stage}", classes="stage-cards")
        yield Footer()

    def fetch(self, store: Store, today: date) -> list[StageColumn]:
        with store.session() as session:
            return load_board(session, today)

    def show(self, columns: list[StageColumn]) -> None:
        for column in columns:
            head = self.query_one(f"#head-{column.stage}", Label)
            head.update(f"{column.stage} · {len(column.cards)} · "
                        f"{format_money(column.arr_minor, 'CNY', compact=True)}")
            cards = self.query_one(f"#col-{column.stage}", OptionList)
            cards.clear_options()
            cards.add_options(f"[{c.tier}] {c.name}" for c in column.cards[:CARDS_SHOWN])
