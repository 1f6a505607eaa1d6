"""Date-driven stage suggestions for confirmation: `enter` applies the selected one,
`A` applies every move; overdue renewals are listed for a decision on the board."""

from __future__ import annotations

from functools import partial

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Label

from csm_tui.i18n import N_, label, t
from csm_tui.lifecycle import Suggestion
from screens.base import CsmModal
from screens.keymap import bindings
from screens.vtable import Column, VirtualTable, VRow


class SuggestionsScreen(CsmModal[int]):
    BINDINGS = bindings("suggestions")

    def __init__(self) -> None:
        super().__init__()
        self.items: dict[str, Suggestion] = {}
        self.applied = 0

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog wide"):
            yield Label(t("Stage suggestions from the contract dates"), classes="dialog-title")
            yield VirtualTable([Column(N_("Account"), 28), Column(N_("Move"), 24),
                                Column(N_("Why"), 60)], id="suggestions")
            yield Label("[dim]" + t("enter applies the selected move · ctrl+s applies all moves · "
                                    "esc closes") + "[/dim]")

    def on_mount(self) -> None:
        self.query_one(VirtualTable).focus()
        self._load()

    def _load(self) -> None:
        self.csm.background(self.csm.services.stage_suggestions, done=self._show)

    def _show(self, items: list[Suggestion]) -> None:
        self.items = {str(s.account_id): s for s in items}
        self.query_one(VirtualTable).set_rows([
            VRow(str(s.account_id), (s.name, f"{label('stage', s.from_stage)} → "
                                     f"{label('stage', s.to_stage)}" if s.to_stage
                                     else t("{stage}: renewed or churned?",
                                            stage=label("stage", s.from_stage)), s.reason))
            for s in items])

    def on_virtual_table_selected(self, event: VirtualTable.Selected) -> None:
        s = self.items.get(event.row.key)
        if s is None or s.to_stage is None:
            self.notify(t("decide on the board: shift+→ renews, C churns"), severity="warning")
            return
        self._apply([s])

    def action_apply_all(self) -> None:
        self._apply([s for s in self.items.values() if s.to_stage])

    def _apply(self, items: list[Suggestion]) -> None:
        def done(answer: tuple[int, list[str]]) -> None:
            applied, failed = answer
            self.applied += applied
            for message in failed:
                self.notify(message, severity="warning")
            self.notify(t("{n} stage moves applied", n=applied))
            self._load()

        self.csm.write(partial(self.csm.services.apply_suggestions, items), done=done)

    def action_close(self) -> None:
        self.dismiss(self.applied)
