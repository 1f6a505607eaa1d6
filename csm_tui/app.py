"""The Textual App: composition, navigation, and the one path for background work.

Every read and write runs in a thread worker started by `background` (or `write`);
`on_worker_state_changed` is the one place where a finished worker hands back its
result and where a failure becomes a one-line message, never a traceback. A write is
followed by one `DataChanged`, and the services' one version number decides which
screens reload (see `screens/base.py`). The app is built by `csm_tui.factory.make_app`
for the CLI, the demo and the tests.
"""

from __future__ import annotations

import gc
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from functools import partial
from pathlib import Path, PurePath
from typing import TYPE_CHECKING, Any, TypeVar

from textual import on
from textual.app import App
from textual.message import Message
from textual.worker import Worker, WorkerState

from csm_tui.i18n import short_day, t
from csm_tui.layer import load_database_layer
from screens.base import DataScreen
from screens.keymap import bindings

if TYPE_CHECKING:
    from textual.command import Provider
    from textual.screen import Screen
    from textual.widget import AwaitMount

    from csm_tui.followup import LogResult
    from csm_tui.services import Services, TierTarget
    from csm_tui.tiering import RetierReport, TierMove
    from csm_tui.undo import UndoResult
    from db.store import Store
    from screens.log_form import LogFollowUpScreen

R = TypeVar("R")


# The first paint needs Textual and the Today screen only; the other screens, the
# palette and the database layer (SQLAlchemy) load afterwards, when first used.
def _today() -> Screen[Any]:
    from screens.today import TodayScreen

    return TodayScreen()


def _portfolio() -> Screen[Any]:
    load_database_layer()
    from screens.portfolio import PortfolioScreen

    return PortfolioScreen()


def _lifecycle() -> Screen[Any]:
    load_database_layer()
    from screens.lifecycle import LifecycleScreen

    return LifecycleScreen()


def _touchpoints() -> Screen[Any]:
    load_database_layer()
    from screens.touchpoints import TouchpointsScreen

    return TouchpointsScreen()


def _calendar() -> Screen[Any]:
    load_database_layer()
    from screens.calendar import CalendarScreen

    return CalendarScreen()


def _account_provider() -> type[Provider]:
    load_database_layer()
    from screens.palette import AccountProvider

    return AccountProvider


def _contact_provider() -> type[Provider]:
    load_database_layer()
    from screens.palette import ContactProvider

    return ContactProvider


def _action_provider() -> type[Provider]:
    load_database_layer()
    from screens.palette import ActionProvider

    return ActionProvider


# Every screen's styles, loaded once at start: a stylesheet added when a screen first
# opens makes Textual restyle the whole app, which costs seconds on a large portfolio.
STYLES: list[str | PurePath] = sorted(
    str(p) for p in (Path(__file__).parent.parent / "screens").glob("*.tcss"))


class DataChanged(Message):
    """Something was written: here (a write worker finished), or by another instance or
    the CLI (seen through the database's counter). The current screen reloads now,
    the others when they are shown again."""

    def __init__(self, version: int) -> None:
        super().__init__()
        self.version = version


@dataclass
class _Job:
    """What to do when a background worker ends."""

    done: Callable[[Any], object] | None
    failed: Callable[[str], object] | None
    writes: bool


class CsmApp(App[int]):
    """csm-tui: portfolio, lifecycle, touchpoints and calendar for one CSM."""

    TITLE = "csm"
    CSS_PATH = STYLES
    COMMANDS = App.COMMANDS | {_account_provider, _contact_provider, _action_provider}
    MODES = {
        "today": _today,
        "portfolio": _portfolio,
        "lifecycle": _lifecycle,
        "touchpoints": _touchpoints,
        "calendar": _calendar,
    }
    DEFAULT_MODE = "today"
    # Screens get -narrow under 100 columns and -short under 30 rows (tighter layouts).
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (100, "-wide")]
    VERTICAL_BREAKPOINTS = [(0, "-short"), (30, "-tall")]
    BINDINGS = bindings("app")

    def __init__(self, services: Services, *, lang: str | None = None) -> None:
        super().__init__()
        if lang is not None:
            from csm_tui.i18n import set_language

            set_language(lang)
        self.services = services
        self._jobs: dict[Worker[Any], _Job] = {}
        self._log_form: LogFollowUpScreen | None = None
        self._prefetch_started = False
        self._open_started = False
        self._modes_shown = {self.DEFAULT_MODE}
        self._instant_switch = False
        self._restore_theme()
        self._keymap_problems = self._apply_keymap()

    # ---- for the screens -----------------------------------------------------------
    def today(self) -> date:
        return self.services.today()

    @property
    def scope_label(self) -> str:
        return self.services.scope_label

    # ---- background work: one path in, one path out ----------------------------------
    def background(self, fn: Callable[[], R], *, group: str = "read",
                   done: Callable[[R], object] | None = None,
                   failed: Callable[[str], object] | None = None,
                   writes: bool = False, needs_database: bool = True) -> Worker[R]:
        """Run `fn` in a thread worker. When it ends, `done(result)` runs on the UI
        thread; a failure goes to `failed(message)` (a form shows it in place), else to
        a notification. After a write, `DataChanged` is posted. `needs_database=False`:
        `fn` loads the database layer itself if it needs it (Today's cached first view
        does not)."""
        def run() -> R:
            if needs_database:
                load_database_layer()  # one thread imports it (csm_tui/layer.py)
            return fn()

        worker: Worker[R] = self.run_worker(run, thread=True, group=group,
                                            exit_on_error=False)
        self._jobs[worker] = _Job(done, failed, writes)
        return worker

    def write(self, fn: Callable[[], R], *, done: Callable[[R], object] | None = None,
              failed: Callable[[str], object] | None = None) -> Worker[R]:
        """One user action: one domain call (one transaction) in a worker."""
        return self.background(fn, group="write", done=done, failed=failed, writes=True)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        job = self._jobs.get(event.worker)
        if job is None or event.state not in (WorkerState.SUCCESS, WorkerState.ERROR,
                                              WorkerState.CANCELLED):
            return
        del self._jobs[event.worker]
        if event.state is WorkerState.SUCCESS:
            if job.writes:
                self.post_message(DataChanged(self.services.version))
            if job.done is not None:
                job.done(event.worker.result)
        elif event.state is WorkerState.ERROR:
            error = event.worker.error
            if job.writes:  # a failed write may still have been preceded by others'
                self.post_message(DataChanged(self.services.version))
            message = self.describe(error) if error is not None else t("failed")
            if job.failed is not None:
                job.failed(message)
            else:
                self.show_error(message)

    def describe(self, error: BaseException) -> str:
        from csm_tui.errors import describe_error

        return describe_error(error, self.services.url)

    def show_error(self, message: str) -> None:
        """One place that shows a failed load or save: one line, never a traceback."""
        self.notify(message, title=t("Error"), severity="error", timeout=8)

    # ---- start-up ----------------------------------------------------------------------
    def on_mount(self) -> None:
        for problem in self._keymap_problems:
            self.notify(problem, severity="warning", timeout=10)
        self.set_timer(20, self.settle_memory)  # in case the start-up never completes
        if self.services.may_show_cached:  # Today paints from its cache first, alone
            self.set_timer(2, self._open_store)
        else:
            self._open_store()

    def _open_store(self) -> None:
        if self._open_started:
            return
        self._open_started = True
        self.background(self.services.open, group="open", done=self._opened,
                        failed=self._open_failed)

    def _opened(self, store: Store) -> None:
        if store.backup_made:
            self.notify(t("upgraded the database schema; backup at {backup_made}",
                          backup_made=store.backup_made), timeout=10)
        self.write(self.services.auto_apply, done=self._auto_applied)
        self.background(self.services.is_empty, done=self._greet, failed=lambda _: None)

    def _greet(self, empty: bool) -> None:
        """An empty database: the welcome screen, instead of an empty Today."""
        if not empty:
            return
        load_database_layer()
        from screens.welcome import WelcomeScreen

        def chosen(choice: str | None) -> None:
            if choice == "import":
                self.action_import_file()
            elif choice == "account":
                self.notify(t("Account added: its first SOP steps are on Today"),
                            title=t("Welcome"))
            elif choice == "demo":
                self.notify(t("This is the demo (a temporary database); your own database "
                              "is still empty"), title=t("Welcome"), timeout=8)

        self.push_screen(WelcomeScreen(), chosen)

    def _auto_applied(self, moved: int) -> None:
        if moved:
            self.notify(t("{n} date-driven stage moves applied", n=moved))

    def _open_failed(self, message: str) -> None:
        """The CLI prints `services.open_error` as it would for any command."""
        self.exit(None, 2)

    def on_data_screen_ready(self, message: DataScreen.Ready) -> None:
        """After the first screen has its data, load the Portfolio and the kanban in the
        background (into the services' memo) so that pressing 2 or 3 shows them at once."""
        self._open_store()
        if self._prefetch_started:
            return
        self._prefetch_started = True
        self.background(self._prefetch, group="prefetch",
                        done=lambda _: self.settle_memory(), failed=lambda _: None)

    def _prefetch(self) -> None:
        key = self.services.view_key()
        self.services.portfolio_page(key)
        self.services.board(key)

    def settle_memory(self) -> None:
        """End of start-up for the `csm` command, which starts with the garbage collector
        off (`cli.run_tui`): what is in memory now (modules, the loaded screens) lives as
        long as the app, so it is frozen out of the collector's scans before turning it
        back on. At 10,000 accounts this cuts each full collection from ~200 ms, a
        visible stall every few seconds, to ~15 ms, and start-up runs no collections."""
        if gc.isenabled():  # an app made by a test or a script: leave its collector alone
            return
        gc.freeze()
        gc.enable()

    # ---- the data version ----------------------------------------------------------------
    def _data_screen(self) -> DataScreen[Any] | None:
        """The screen whose data is on show (under a modal, if one is open)."""
        for screen in reversed(self.screen_stack):
            if isinstance(screen, DataScreen):
                return screen
        return None

    @on(DataChanged)
    def _data_changed(self) -> None:
        screen = self._data_screen()
        if screen is not None:
            screen.refresh_if_stale()

    def check_external(self) -> None:
        """Ask the database whether another instance or the CLI wrote (in a worker)."""
        if self.services.store_if_open is None:
            return

        def changed(yes: bool) -> None:
            if yes:
                self.post_message(DataChanged(self.services.version))

        self.background(self.services.check_external, group="check", done=changed)

    def on_app_focus(self) -> None:
        self.check_external()

    def action_refresh(self) -> None:
        """`ctrl+r`: forget what was loaded and read everything again."""
        self.services.invalidate()
        self.post_message(DataChanged(self.services.version))

    def action_toggle_scope(self) -> None:
        """`m`: my portfolio ↔ the team's; the owner is part of every view's key."""
        scope = self.services.toggle_scope()
        self.notify(t("Showing {scope}", scope=scope.label), timeout=3)
        self.post_message(DataChanged(self.services.version))

    # ---- navigation ------------------------------------------------------------------------
    def switch_mode(self, mode: str) -> AwaitMount:
        """Textual holds every repaint for 50 ms on a mode switch to hide a screen being
        mounted; a screen already shown once is mounted and laid out, so going back to
        it paints at once (the switch budget is 50 ms in all)."""
        self._instant_switch = mode in self._modes_shown
        try:
            return super().switch_mode(mode)
        finally:
            self._instant_switch = False
            self._modes_shown.add(mode)

    def delay_update(self, delay: float = 0.05) -> None:
        if not self._instant_switch:
            super().delay_update(delay)

    def open_account(self, account_id: int) -> None:
        """`enter` on any account: the account screen, on top of the current one."""
        load_database_layer()
        from screens.account import AccountScreen

        self.push_screen(AccountScreen(account_id))

    # ---- keys ------------------------------------------------------------------------------
    def _apply_keymap(self) -> list[str]:
        """The user's remapped keys (`[keymap]` in ui.toml); what is wrong is said once."""
        from csm_tui.keymap import validate_keymap
        from csm_tui.ui_prefs import load_keymap

        keymap, problems = validate_keymap(load_keymap())
        if keymap:
            self.set_keymap(keymap)
        return problems

    # ---- the theme -------------------------------------------------------------------------
    def _restore_theme(self) -> None:
        """The theme chosen last time (ui.toml in the config folder), if still known."""
        from csm_tui.ui_prefs import saved_theme

        name = saved_theme()
        if name and name in self.available_themes:
            self.theme = name

    def watch_theme(self, name: str) -> None:
        """Remember a theme picked with ctrl+t or the palette's "Change theme"."""
        from csm_tui.ui_prefs import remember_theme

        try:
            remember_theme(name)
        except OSError as exc:
            self.notify(t("theme not saved: {error}", error=exc), severity="warning")

    # ---- actions shared by the screens ------------------------------------------------------
    def open_log_form(self, account_id: int, touchpoint_id: int | None = None,
                      task_id: int | None = None) -> None:
        """`l` everywhere: log a follow-up for an account (closing the selected planned
        touchpoint, else its earliest open one; on an SOP step's row, offering to tick
        the step)."""
        load_database_layer()
        from screens.log_form import LogFollowUpScreen

        def saved(result: LogResult | None) -> None:
            if result is None:
                return
            if result.ticked:
                self.notify(t("Done: {title}", title=result.ticked), title=t("SOP step"))
            if result.next_date:
                self.notify(t("Follow-up saved; next on {day}", day=short_day(result.next_date)),
                            title=t("Logged"))
            else:
                self.notify(t("Follow-up saved"), title=t("Logged"))

        form = self._log_form
        if form is None:  # one form, kept installed: showing it again is cheap
            form = self._log_form = LogFollowUpScreen()
            self.install_screen(form, name="log-form")
        form.prepare(account_id, touchpoint_id, task_id)
        self.push_screen(form, saved)

    def open_tier_override(self, account_id: int) -> None:
        """Manual tier with a reason; locks the tier until unlocked."""
        load_database_layer()
        from screens.tier_dialogs import TierOverride

        def ask(target: TierTarget) -> None:
            self.push_screen(TierOverride(target.name, target.tier, target.locked),
                             partial(self._apply_tier, account_id))

        self.background(partial(self.services.tier_target, account_id), done=ask)

    def _apply_tier(self, account_id: int, answer: tuple[str, str] | None) -> None:
        if answer is None:
            return

        def done(move: TierMove) -> None:
            self.notify(t("{name}: {old} → {new} (locked)", name=move.name, old=move.old,
                          new=move.new), title=t("Tier set"))

        tier, reason = answer
        self.write(partial(self.services.set_tier, account_id, tier, reason=reason), done=done)

    def unlock_tier(self, account_id: int) -> None:
        def done(move: TierMove) -> None:
            self.notify(t("Unlocked: {old} → {new}", old=move.old, new=move.new))

        self.write(partial(self.services.unlock_tier, account_id), done=done)

    def run_retier(self, *, dry_run: bool = False) -> None:
        """Monthly re-assessment from the TUI: score all, move unlocked tiers, report."""
        load_database_layer()
        from screens.tier_dialogs import RetierResult

        def done(report: RetierReport) -> None:
            self.push_screen(RetierResult(report, dry_run))

        self.notify(t("Re-assessing tiers…"), timeout=2)
        self.write(partial(self.services.retier, dry_run=dry_run), done=done)

    def action_retier(self) -> None:
        self.run_retier()

    def action_undo(self) -> None:
        """`u`: undo the user's last change (read from the change log), then reload."""
        def done(result: UndoResult) -> None:
            if result.done:
                self.notify(result.message, title=t("Undo"))
            else:
                self.notify(result.message, title=t("Undo"), severity="warning", timeout=8)

        self.write(self.services.undo, done=done)

    async def action_log_selected(self) -> None:
        """The palette's "log a follow-up": the current screen's own `l`."""
        if hasattr(self.screen, "action_log"):
            await self.screen.run_action("log")
        else:
            self.notify(t("open a screen with accounts first"), severity="warning")

    def action_export(self, fmt: str) -> None:
        """Export from the palette into the data folder; the path is shown."""
        def done(out: Path) -> None:
            self.notify(t("written to {path}", path=out), title=t("Exported"))

        self.background(partial(self.services.export, fmt), group="export", done=done)

    def action_import_file(self) -> None:
        """`I`: the import screen (mapping and preview before anything is written)."""
        load_database_layer()
        from screens.import_screen import ImportScreen

        self.push_screen(ImportScreen())

    def action_help(self) -> None:
        """`?`: the keys that act here, grouped (screens/help.py)."""
        from screens.help import HelpScreen, help_sections

        if isinstance(self.screen, HelpScreen):
            return
        name = self.screen.title or self.screen.__class__.__name__
        self.push_screen(HelpScreen(help_sections(self.screen), name))
