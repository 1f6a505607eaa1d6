"""The SOP checklist: an account's steps for its current stage and term, with due
dates; `space` or `x` ticks the selected step (and logs it as a touchpoint)."""

from __future__ import annotations

from datetime import date
from functools import partial

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import Label

from csm_tui.i18n import N_, label, t
from csm_tui.services import TaskLine
from screens import triage
from screens.base import CsmModal
from screens.format import relative_days
from screens.keymap import bindings
from screens.vtable import Column, VirtualTable, VRow


class TaskChecklist(VirtualTable):
    """A VirtualTable of tasks; ticking posts `TaskChecklist.Completed`."""

    BINDINGS = bindings("checklist")

    class Completed(Message):
        def __init__(self, task_id: int) -> None:
            super().__init__()
            self.task_id = task_id

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__([Column("", 2), Column(N_("Step"), 52), Column(N_("Due"), 10),
                          Column(N_("Channel"), 9)], id=id)

    def show_tasks(self, tasks: list[TaskLine], today: date) -> None:
        rows = []
        for task in tasks:
            late = not task.done and task.due_date is not None and task.due_date < today
            style = "dim" if task.done else "red" if late else ""
            mark = "–" if task.superseded else "✔" if task.done else "☐"
            rows.append(VRow(str(task.id), (mark,
                                            Text(task.title, style=style),
                                            relative_days(task.due_date, today),
                                            label("channel", task.channel))))
        self.set_rows(rows, hold_place=True)

    def action_complete(self) -> None:
        if self.current is not None:
            self.post_message(self.Completed(int(self.current.key)))


class ChecklistScreen(CsmModal[None]):
    """The checklist on its own, opened with `c` from the board."""

    BINDINGS = bindings("checklist_screen")

    class Ready(Message):
        """The steps are on screen."""

    def __init__(self, account_id: int, name: str) -> None:
        super().__init__()
        self.account_id = account_id
        self.account_name = name

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog wide"):
            yield Label(f"{t('SOP checklist')} · {self.account_name}", classes="dialog-title")
            yield TaskChecklist(id="checklist")
            yield Label(f"[dim]{t('space/x ticks the step · esc closes')}[/dim]")

    def on_mount(self) -> None:
        self.query_one(TaskChecklist).focus()
        self._load()

    def _load(self) -> None:
        self.csm.background(partial(self.csm.services.checklist, self.account_id),
                            done=self._show)

    def _show(self, tasks: list[TaskLine]) -> None:
        self.query_one(TaskChecklist).show_tasks(tasks, self.csm.today())
        self.post_message(self.Ready())

    def on_task_checklist_completed(self, event: TaskChecklist.Completed) -> None:
        triage.tick(self.csm, event.task_id, then=self._load)
