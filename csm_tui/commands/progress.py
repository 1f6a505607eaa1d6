"""A progress bar for the long commands (imports, exports, backups), drawn on stderr
only when it is a terminal: piped or redirected output gets no bar and no escape codes,
and Rich is not even loaded then."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from csm_tui.i18n import N_, t

Progress = Callable[[str, int, int], None]  # phase, done, total

PHASES = {"check": N_("checking"), "write": N_("importing"), "export": N_("writing"),
          "backup": N_("copying"), "done": N_("done")}


@contextmanager
def progress_bar(name: str, *, first: str = "check") -> Iterator[Progress | None]:
    """`progress(phase, done, total)` drawing a transient bar labelled with `name`, or
    None when stderr is not a terminal. Phase "wait" prints one line (another import
    holds the database) above the bar."""
    if not sys.stderr.isatty():
        yield None
        return
    from rich.console import Console
    from rich.progress import BarColumn, Progress, TextColumn, TimeRemainingColumn

    console = Console(stderr=True)
    with Progress(TextColumn("{task.description}"), BarColumn(),
                  TextColumn("{task.percentage:>3.0f}%"), TimeRemainingColumn(),
                  console=console, transient=True) as bar:
        task = bar.add_task(f"{t(PHASES.get(first, first))} {name}", total=1)

        def update(phase: str, done: int, total: int) -> None:
            if phase == "wait":
                bar.console.print(t("waiting for another import on this database to end…"),
                                  markup=False, highlight=False)
                return
            bar.update(task, description=f"{t(PHASES.get(phase, phase))} {name}",
                       completed=done, total=max(total, 1))

        yield update
