"""The SOP checklist: an account's steps for its current stage and term, with due
dates; `space` or `x` ticks the selected step (and logs it as a touchpoint)."""

from __future__ import annotations

from datetime import UTC, date, datetime

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import Label

from csm_tui.i18n import N_, label, t
from csm_tui.tasks import complete_task
from db.models import Account, Task
from db.queries import account_tasks
from screens.format import relative_days
from screens.vtable import Column, VirtualTable, VRow


def load_checklist(store, account_id: int) -> list[Task]:  # type: ignore[no-untyped-def]
    with store.session() as session:
        account = session.get(Account, account_id)
        if account is None:
            return []
        return list(account_tasks(session, account_id, stage=account.stage, term=account.term))


class TaskChecklist(VirtualTable):
    """A VirtualTable of tasks; ticking posts `TaskChecklist.Completed`."""

    BINDINGS = [Binding("space,x", "complete", N_("Tick step"), id="checklist.tick")]

    class Completed(Message):
        def __init__(self, task_id: int) -> None:
            super().__init__()
            self.task_id = task_id

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__([Column("", 2), Column(N_("Step"), 52), Column(N_("Due"), 10),
                          Column(N_("Channel"), 9)], id=id)

    def show_tasks(self, tasks: list[Task], today: date) -> None:
        rows = []
        for task in tasks:
            late = task.done_at is None and task.due_date is not None and task.due_date < today
            style = "dim" if task.done_at else "red" if late else ""
            rows.append(VRow(str(task.id), ("✔" if task.done_at else "☐",
                                            Text(task.title, style=style),
                                            relative_days(task.due_date, today),
                                            label("channel", task.channel))))
        self.set_rows(rows)

    def action_complete(self) -> None:
        if self.current is not None:
            self.post_message(self.Completed(int(self.current.key)))


class ChecklistScreen(ModalScreen[None]):
    """The checklist on its own, opened with `c` from the board."""

    BINDINGS = [Binding("escape,q", "dismiss", N_("Close"), id="checklist.close")]

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

    @work(thread=True, exclusive=True, exit_on_error=False)
    def _load(self) -> None:
        tasks = load_checklist(self.app.store, self.account_id)  # type: ignore[attr-defined]
        self.app.call_from_thread(self.query_one(TaskChecklist).show_tasks, tasks,
                                  self.app.today())  # type: ignore[attr-defined]

    def on_task_checklist_completed(self, event: TaskChecklist.Completed) -> None:
        tick(self, event.task_id, self._load)


def tick(node, task_id: int, then) -> None:  # type: ignore[no-untyped-def]
    """Complete a task in a worker, then run `then` on the UI thread."""
    app = node.app

    def work_() -> None:
        try:
            task = complete_task(app.store, task_id, now=datetime.now(UTC))
        except (ValueError, LookupError) as exc:
            app.call_from_thread(app.notify, str(exc), severity="warning")
            return
        except Exception as exc:
            app.call_from_thread(app.report_error, exc)
            return
        app.call_from_thread(app.notify, t("Done: {title}", title=task.title),
                             title=t("SOP step"))
        app.call_from_thread(then)

    node.run_worker(work_, thread=True, exit_on_error=False)
