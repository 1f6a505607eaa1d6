"""The Textual App: composition and navigation only; screens do the rest."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

from textual.app import App
from textual.binding import Binding

from csm_tui.followup import LogResult
from db.store import Store
from screens.base import DataScreen
from screens.calendar import CalendarScreen
from screens.help import HelpScreen
from screens.lifecycle import LifecycleScreen
from screens.palette import AccountProvider, ActionProvider
from screens.portfolio import PortfolioScreen
from screens.today import TodayScreen
from screens.touchpoints import TouchpointsScreen

# Every screen's styles, loaded once at start: a stylesheet added when a screen first
# opens makes Textual restyle the whole app, which costs seconds on a large portfolio.
STYLES = sorted(str(p) for p in (Path(__file__).parent.parent / "screens").glob("*.tcss"))


def describe_key(key: str) -> str:
    names = {"question_mark": "?", "slash": "/", "escape": "esc", "enter": "enter"}
    return ",".join(names.get(k, k) for k in key.split(","))


class CsmApp(App[int]):
    """csm-tui: portfolio, lifecycle, touchpoints and calendar for one CSM."""

    TITLE = "csm"
    CSS_PATH = STYLES
    COMMANDS = App.COMMANDS | {AccountProvider, ActionProvider}
    MODES = {
        "today": TodayScreen,
        "portfolio": PortfolioScreen,
        "lifecycle": LifecycleScreen,
        "touchpoints": TouchpointsScreen,
        "calendar": CalendarScreen,
    }
    DEFAULT_MODE = "today"
    BINDINGS = [
        Binding("1", "switch_mode('today')", "Today", id="go.today", show=False),
        Binding("2", "switch_mode('portfolio')", "Portfolio", id="go.portfolio", show=False),
        Binding("3", "switch_mode('lifecycle')", "Lifecycle", id="go.lifecycle", show=False),
        Binding("4", "switch_mode('touchpoints')", "Touchpoints", id="go.touchpoints", show=False),
        Binding("5", "switch_mode('calendar')", "Calendar", id="go.calendar", show=False),
        Binding("I", "import_file", "Import", id="app.import", show=False),
        Binding("question_mark", "help", "Help", id="app.help"),
        Binding("q", "quit", "Quit", id="app.quit", show=False),
    ]

    def __init__(self, store: Store, *, today: Callable[[], date] = date.today) -> None:
        super().__init__()
        self.store = store
        self.today = today
        self._prefetched: dict[type, tuple[object, date, Any]] = {}
        self._prefetch_started = False

    def prefetch(self) -> None:
        """After the first screen has its data, load the Portfolio in the background so
        that pressing 2 shows it at once; dropped if anything is written meanwhile (here
        or by another instance on the same file)."""
        if self._prefetch_started:
            return
        self._prefetch_started = True

        def run() -> None:
            generation, today = self.store.generation, self.today()
            try:
                data = PortfolioScreen.load(self.store, today)
            except Exception:  # the screen's own load will report it
                return
            self._prefetched[PortfolioScreen] = (generation, today, data)

        self.run_worker(run, thread=True, exit_on_error=False, group="prefetch")

    def take_prefetched(self, screen_type: type) -> Any:
        entry = self._prefetched.pop(screen_type, None)
        if entry is None:
            return None
        generation, today, data = entry
        return data if (generation, today) == (self.store.generation, self.today()) else None

    def on_mount(self) -> None:
        from csm_tui.settings import current_settings

        if current_settings().extra.get("lifecycle", {}).get("auto_apply"):
            self.run_worker(self._auto_apply, thread=True, exit_on_error=False)

    def _auto_apply(self) -> None:
        """Setting lifecycle.auto_apply: date-driven stage moves happen by themselves."""
        from csm_tui.lifecycle import apply_suggestions

        moved = apply_suggestions(self.store, self.today())
        if moved:
            self.call_from_thread(self.notify, f"{len(moved)} date-driven stage moves applied")
            self.call_from_thread(self.refresh_current)

    def report_error(self, exc: BaseException) -> None:
        """One place that turns a failed load or save into a message, never a traceback."""
        from csm_tui.errors import describe_error

        self.notify(describe_error(exc, self.store.url), title="Error", severity="error",
                    timeout=8)

    def refresh_current(self) -> None:
        """Reload what the current screen shows (after a write made from a modal)."""
        for screen in reversed(self.screen_stack):
            if isinstance(screen, DataScreen):
                screen.reload()
                return

    def open_log_form(self, account_id: int, touchpoint_id: int | None = None) -> None:
        """`l` everywhere: log a follow-up for an account (closing a planned touchpoint)."""
        from screens.log_form import LogFollowUpScreen

        def saved(result: LogResult | None) -> None:
            if result is None:
                return
            when = f"; next on {result.next_date:%a %d %b}" if result.next_date else ""
            self.notify(f"Follow-up saved{when}", title="Logged")
            self.refresh_current()

        self.push_screen(LogFollowUpScreen(account_id, touchpoint_id), saved)

    def open_account(self, account_id: int) -> None:
        """`enter` on any account: the account screen, on top of the current one."""
        from screens.account import AccountScreen

        self.push_screen(AccountScreen(account_id))

    def open_tier_override(self, account_id: int) -> None:
        """Manual tier with a reason; locks the tier until unlocked."""
        from screens.tier_dialogs import TierOverride

        def run() -> None:
            from db.models import Account

            with self.store.session() as session:
                account = session.get(Account, account_id)
                if account is None:
                    return
                name, tier, locked = account.name, account.tier, account.tier_locked
            self.call_from_thread(self.push_screen, TierOverride(name, tier, locked),
                                  lambda answer: self._apply_tier(account_id, answer))

        self.run_worker(run, thread=True, exit_on_error=False)

    def _apply_tier(self, account_id: int, answer: tuple[str, str] | None) -> None:
        if answer is None:
            return
        from csm_tui.tiering import set_tier

        def run() -> None:
            try:
                move = set_tier(self.store, account_id, answer[0], reason=answer[1],
                                today=self.today())
            except Exception as exc:
                self.call_from_thread(self.report_error, exc)
                return
            self.call_from_thread(self.notify, f"{move.name}: {move.old} → {move.new} (locked)",
                                  title="Tier set")
            self.call_from_thread(self.refresh_current)

        self.run_worker(run, thread=True, exit_on_error=False)

    def run_retier(self, *, dry_run: bool = False) -> None:
        """Monthly re-assessment from the TUI: score all, move unlocked tiers, report."""
        from csm_tui.tiering import retier
        from screens.tier_dialogs import RetierResult

        def run() -> None:
            try:
                report = retier(self.store, dry_run=dry_run, today=self.today())
            except Exception as exc:
                self.call_from_thread(self.report_error, exc)
                return
            self.call_from_thread(self.push_screen, RetierResult(report, dry_run))
            self.call_from_thread(self.refresh_current)

        self.notify("Re-assessing tiers…", timeout=2)
        self.run_worker(run, thread=True, exit_on_error=False)

    def action_retier(self) -> None:
        self.run_retier()

    def action_log_selected(self) -> None:
        """The palette's "log a follow-up": the current screen's own `l`."""
        if hasattr(self.screen, "action_log"):
            self.screen.run_action("log")
        else:
            self.notify("open a screen with accounts first", severity="warning")

    def action_export(self, fmt: str) -> None:
        """Export from the palette into the data folder; the path is shown."""
        from csm_tui.paths import data_dir

        out = data_dir() / "exports" / f"csm-{self.today():%Y%m%d}.{fmt}"

        def run() -> None:
            try:
                out.parent.mkdir(parents=True, exist_ok=True)
                if fmt == "csv":
                    from csm_tui.tabular.exporters import export_accounts_csv

                    export_accounts_csv(self.store, out, self.today())
                elif fmt == "json":
                    from csm_tui.tabular.exporters import export_json

                    export_json(self.store, out)
                else:
                    from csm_tui.ical import export_ics

                    export_ics(self.store, out, self.today())
            except Exception as exc:
                self.call_from_thread(self.report_error, exc)
                return
            self.call_from_thread(self.notify, f"written to {out}", title="Exported")

        self.run_worker(run, thread=True, exit_on_error=False)

    def action_import_file(self) -> None:
        """`I`: the import screen (mapping and preview before anything is written)."""
        from screens.import_screen import ImportScreen

        self.push_screen(ImportScreen())

    def action_help(self) -> None:
        if isinstance(self.screen, HelpScreen):
            return
        global_ids = {id(b) for b in self.BINDINGS}
        screen_keys, global_keys = [], []
        for key, active in self.screen.active_bindings.items():
            binding = active.binding
            if not binding.description:
                continue
            entry = (describe_key(binding.key if "," in binding.key else key),
                     binding.description)
            if id(binding) in global_ids or active.node is self:
                global_keys.append(entry)
            else:
                screen_keys.append(entry)
        name = self.screen.title or self.screen.__class__.__name__
        self.push_screen(HelpScreen(screen_keys, global_keys, name))
