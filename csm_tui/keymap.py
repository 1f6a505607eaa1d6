"""The key map of the whole app, in one place: every key, what it does and where.

Each screen and widget takes its bindings from here (`screens.keymap.bindings`), the
`?` help and the key bar describe them, `docs/keys.md` and the README's key table are
generated from `KEY_TABLE`, and `tests/test_keymap.py` checks all three against the
bindings that are really active. One key has one meaning wherever it exists: `r`
reschedules, `ctrl+r` refreshes, `l` logs a follow-up, `g`/`G` go to the start/end
(the first row, today in the calendar), `H`/`L` move a card between stages, `/` filters.

Users remap keys in `ui.toml` (config folder) by binding id:

    [keymap]
    "tp.snooze" = "z"
    "app.quit" = "q,ctrl+q"

Plain data: no Textual here (the screens build their `Binding`s from it).
"""

from __future__ import annotations

from dataclasses import dataclass

from csm_tui.i18n import N_, t


@dataclass(frozen=True, slots=True)
class Key:
    id: str          # the binding id users remap in ui.toml
    keys: str        # Textual key names, comma-separated
    action: str
    description: str  # N_-marked; translated where shown
    show: bool = True  # in the key bar
    priority: bool = False


def _k(id: str, keys: str, action: str, description: str, *, show: bool = True,
       priority: bool = False) -> Key:
    return Key(id, keys, action, description, show, priority)


# Groups: which screen or widget holds the bindings. Order is the help's and the docs'.
KEYMAP: dict[str, tuple[Key, ...]] = {
    "app": (
        _k("go.today", "1", "switch_mode('today')", N_("Today"), show=False),
        _k("go.portfolio", "2", "switch_mode('portfolio')", N_("Portfolio"), show=False),
        _k("go.lifecycle", "3", "switch_mode('lifecycle')", N_("Lifecycle"), show=False),
        _k("go.touchpoints", "4", "switch_mode('touchpoints')", N_("Touchpoints"),
           show=False),
        _k("go.calendar", "5", "switch_mode('calendar')", N_("Calendar"), show=False),
        _k("app.help", "question_mark", "help", N_("Help")),
        _k("app.palette", "ctrl+p", "command_palette", N_("Command palette"), show=False,
           priority=True),
        _k("app.scope", "m", "toggle_scope", N_("Mine/team")),
        _k("app.undo", "u", "undo", N_("Undo last change"), show=False),
        _k("app.import", "I", "import_file", N_("Import"), show=False),
        _k("app.refresh", "ctrl+r", "refresh", N_("Refresh"), show=False),
        _k("app.theme", "ctrl+t", "change_theme", N_("Change theme"), show=False),
        _k("app.quit", "q", "quit", N_("Quit"), show=False),
    ),
    "table": (  # every list (VirtualTable)
        _k("vtable.up", "up,k", "move(-1)", N_("Up"), show=False),
        _k("vtable.down", "down,j", "move(1)", N_("Down"), show=False),
        _k("vtable.pageup", "pageup", "page(-1)", N_("Page up"), show=False),
        _k("vtable.pagedown", "pagedown", "page(1)", N_("Page down"), show=False),
        _k("vtable.home", "home,g", "edge(0)", N_("First row"), show=False),
        _k("vtable.end", "end,G", "edge(1)", N_("Last row"), show=False),
        _k("vtable.select", "enter", "select", N_("Open"), show=False),
    ),
    "today": (
        _k("today.log", "l", "log", N_("Log follow-up")),
        _k("today.done", "d", "done", N_("Done")),
        _k("today.snooze", "s", "snooze", N_("Snooze")),
        _k("today.reschedule", "r", "reschedule", N_("Reschedule")),
        _k("today.tick", "x,space", "tick", N_("Tick SOP step")),
        _k("today.charts", "v", "toggle_charts", N_("Charts")),
    ),
    "portfolio": (
        _k("portfolio.filter", "slash", "filter", N_("Filter")),
        _k("portfolio.clear", "escape", "clear_filter", N_("Clear filter"), show=False),
        _k("portfolio.sort", "o", "sort", N_("Sort")),
        _k("portfolio.reverse", "O", "reverse", N_("Reverse sort"), show=False),
        _k("portfolio.log", "l", "log", N_("Log follow-up")),
        _k("portfolio.tier", "t", "override", N_("Set tier")),
        _k("portfolio.retier", "R", "retier", N_("Retier")),
        _k("portfolio.charts", "v", "toggle_charts", N_("Charts")),
        _k("portfolio.new", "n", "new_account", N_("New account")),
    ),
    "lifecycle": (
        _k("kanban.left", "left", "column(-1)", N_("Column ←"), show=False),
        _k("kanban.right", "right", "column(1)", N_("Column →"), show=False),
        _k("kanban.move_left", "H,shift+left", "move(-1)", N_("Move ←")),
        _k("kanban.move_right", "L,shift+right", "move(1)", N_("Move →")),
        _k("kanban.search", "slash", "filter", N_("Filter")),
        _k("kanban.clear", "escape", "clear_filter", N_("Clear filter"), show=False),
        _k("kanban.open", "enter", "open", N_("Open"), show=False),
        _k("kanban.log", "l", "log", N_("Log follow-up")),
        _k("kanban.checklist", "c", "checklist", N_("Checklist")),
        _k("kanban.churn", "C", "churn", N_("Churn")),
        _k("kanban.filter", "f", "tier_filter", N_("Tier filter")),
        _k("kanban.suggestions", "S", "suggestions", N_("Suggestions")),
    ),
    "cards": (  # a kanban column
        _k("cards.up", "up,k", "move(-1)", N_("Up"), show=False),
        _k("cards.down", "down,j", "move(1)", N_("Down"), show=False),
        _k("cards.pageup", "pageup", "page(-1)", N_("Page up"), show=False),
        _k("cards.pagedown", "pagedown", "page(1)", N_("Page down"), show=False),
        _k("cards.home", "home,g", "edge(0)", N_("First card"), show=False),
        _k("cards.end", "end,G", "edge(1)", N_("Last card"), show=False),
    ),
    "touchpoints": (
        _k("tp.log", "l", "log", N_("Log follow-up")),
        _k("tp.done", "d", "done", N_("Done")),
        _k("tp.snooze", "s", "snooze", N_("Snooze")),
        _k("tp.reschedule", "r", "reschedule", N_("Reschedule")),
        _k("tp.filter", "slash", "filter", N_("Filter")),
        _k("tp.clear", "escape", "clear_filter", N_("Clear filter"), show=False),
        _k("tp.history", "h", "history", N_("History/planned")),
        _k("tp.edit", "e", "edit", N_("Edit")),
        _k("tp.delete", "D", "delete", N_("Delete")),
    ),
    "calendar": (
        _k("cal.left", "left", "day(-1)", N_("Previous day"), show=False),
        _k("cal.right", "right", "day(1)", N_("Next day"), show=False),
        _k("cal.up", "up,k", "day(-7)", N_("Previous week"), show=False),
        _k("cal.down", "down,j", "day(7)", N_("Next week"), show=False),
        _k("cal.prev", "left_square_bracket", "month(-1)", N_("Previous month")),
        _k("cal.next", "right_square_bracket", "month(1)", N_("Next month")),
        _k("cal.today", "g,home", "today", N_("Today")),
        _k("cal.open", "enter", "enter", N_("Open"), show=False),
        _k("cal.filter", "slash", "filter", N_("Filter")),
        _k("cal.clear", "escape", "clear_filter", N_("Clear filter"), show=False),
        _k("cal.log", "l", "log", N_("Log follow-up")),
        _k("cal.add", "a", "add", N_("Add event")),
        _k("cal.import", "i", "import_ics", N_("Import .ics")),
        _k("cal.agenda", "A", "agenda", N_("Agenda/month")),
        _k("cal.edit", "e", "edit", N_("Edit")),
        _k("cal.delete", "D", "delete", N_("Delete")),
    ),
    "account": (
        _k("account.back", "escape,backspace", "app.pop_screen", N_("Back")),
        _k("account.log", "l", "log", N_("Log follow-up")),
        _k("account.edit", "e", "edit", N_("Edit")),
        _k("account.tier", "t", "tier", N_("Set tier")),
        _k("account.unlock", "T", "unlock", N_("Unlock tier")),
        _k("account.brief", "b", "brief", N_("Brief")),
        _k("account.contact", "p", "add_contact", N_("Add stakeholder")),
        _k("account.note", "N", "add_note", N_("Add note")),
        _k("account.task", "plus", "add_task", N_("Add task")),
        _k("account.event", "a", "add_event", N_("Add event")),
        _k("account.delete", "D", "delete", N_("Delete")),
        _k("account.fix", "F", "fix", N_("Fix alert")),
        _k("account.archive", "X", "archive", N_("Archive/unarchive"), show=False),
        _k("account.remove", "ctrl+d", "delete_account", N_("Delete account"), show=False),
    ),
    "checklist": (
        _k("checklist.tick", "space,x", "complete", N_("Tick SOP step")),
    ),
    "checklist_screen": (
        _k("checklist.close", "escape,q", "dismiss", N_("Close")),
    ),
    "suggestions": (
        _k("suggest.close", "escape,q", "close", N_("Close")),
        _k("suggest.all", "ctrl+s", "apply_all", N_("Apply all moves")),
    ),
    "help": (
        _k("help.close", "escape,q,question_mark", "dismiss", N_("Close help")),
    ),
    "brief": (
        _k("brief.close", "escape,q,b", "dismiss", N_("Close")),
    ),
    "retier": (
        _k("retier.close", "escape,enter,q", "dismiss", N_("Close")),
    ),
    "choice": (  # a one-line picker in a form
        _k("choice.next", "right,space", "step(1)", N_("Next"), show=False),
        _k("choice.prev", "left", "step(-1)", N_("Previous"), show=False),
    ),
    "log_form": (
        _k("log.save", "ctrl+s", "save", N_("Save")),
        _k("log.cancel", "escape", "cancel", N_("Cancel")),
    ),
    "account_form": (
        _k("form.save", "ctrl+s", "save", N_("Save")),
        _k("form.cancel", "escape", "cancel", N_("Cancel")),
    ),
    "event_form": (
        _k("eventform.save", "ctrl+s", "save", N_("Save")),
        _k("eventform.cancel", "escape", "cancel", N_("Cancel")),
    ),
    "record_form": (
        _k("record.save", "ctrl+s", "save", N_("Save")),
        _k("record.cancel", "escape", "cancel", N_("Cancel")),
    ),
    "import": (
        _k("import.run", "ctrl+s", "run_import", N_("Import")),
        _k("import.back", "escape", "app.pop_screen", N_("Back")),
    ),
    "welcome": (
        _k("welcome.skip", "escape", "skip", N_("Skip")),
    ),
    "confirm": (
        _k("confirm.yes", "y", "answer(True)", N_("Yes")),
        _k("confirm.no", "n,escape", "answer(False)", N_("No")),
    ),
    "date": (_k("date.cancel", "escape", "cancel", N_("Cancel")),),
    "reason": (_k("reason.cancel", "escape", "cancel", N_("Cancel")),),
    "renew": (_k("renew.cancel", "escape", "cancel", N_("Cancel")),),
    "tier": (_k("tier.cancel", "escape", "cancel", N_("Cancel")),),
    "path": (_k("path.cancel", "escape", "cancel", N_("Cancel")),),
    "sort": (_k("sort.cancel", "escape,o", "cancel", N_("Cancel")),),
}

BY_ID: dict[str, Key] = {k.id: k for keys in KEYMAP.values() for k in keys}

# Keys that Textual itself binds and that we leave as they are (documented once).
TEXTUAL_KEYS: tuple[tuple[str, str], ...] = (
    ("ctrl+q", N_("quit (Textual's own; same as q)")),
    ("ctrl+c", N_("copy selected text")),
    ("tab / shift+tab", N_("next / previous field or pane")),
)

# Human names for Textual's key names, for the help, the key bar and the docs.
KEY_NAMES = {
    "question_mark": "?", "slash": "/", "escape": "esc", "enter": "enter",
    "space": "space", "left": "←", "right": "→", "up": "↑", "down": "↓",
    "shift+left": "shift+←", "shift+right": "shift+→",
    "left_square_bracket": "[", "right_square_bracket": "]", "backspace": "backspace",
    "pageup": "pgup", "pagedown": "pgdn", "home": "home", "end": "end", "plus": "+",
}
SHORT_NAMES = {**KEY_NAMES, "enter": "⏎", "shift+left": "⇧←", "shift+right": "⇧→"}


def key_name(key: str, *, short: bool = False) -> str:
    """One key as a person reads it: `[`, `←`, `^s` in the key bar, `ctrl+s` in help."""
    names = SHORT_NAMES if short else KEY_NAMES
    if key in names:
        return names[key]
    if short and key.startswith("ctrl+"):
        return "^" + key_name(key[5:], short=True)
    return key


def keys_text(keys: str | list[str], *, short: bool = False) -> str:
    """'up,k' → '↑/k'."""
    parts = keys.split(",") if isinstance(keys, str) else keys
    return "/".join(key_name(k.strip(), short=short) for k in parts)


def validate_keymap(overrides: dict[str, str]) -> tuple[dict[str, str], list[str]]:
    """The usable part of a user's `[keymap]` and a message for each entry ignored."""
    good: dict[str, str] = {}
    problems: list[str] = []
    for binding_id, keys in overrides.items():
        if binding_id not in BY_ID:
            problems.append(t("ui.toml [keymap]: {id!r} is not a binding id (see docs/keys.md)",
                              id=binding_id))
        elif not isinstance(keys, str) or not keys.strip():
            problems.append(t("ui.toml [keymap]: {id!r} needs keys such as \"z\" or "
                              "\"ctrl+z,z\"", id=binding_id))
        else:
            good[binding_id] = ",".join(k.strip() for k in keys.split(",") if k.strip())
    return good, problems


# ---- the documented table (docs/keys.md and the README) -------------------------------
# (keys as shown, where, what) in English; every bound id appears in exactly one row.
KEY_TABLE: tuple[tuple[tuple[str, ...], str, str], ...] = (
    (("go.today", "go.portfolio", "go.lifecycle", "go.touchpoints", "go.calendar"),
     "everywhere", "Today, Portfolio, Lifecycle, Touchpoints, Calendar"),
    (("app.help",), "everywhere", "the keys that act here, grouped"),
    (("app.palette",), "everywhere",
     "command palette: accounts and contacts by name, pinyin or initials; actions"),
    (("app.quit",), "everywhere", "quit"),
    (("app.refresh",), "everywhere", "read everything again"),
    (("app.theme",), "everywhere", "change the theme (remembered)"),
    (("app.import",), "everywhere", "import a CSV file (mapping and preview first)"),
    (("app.undo",), "everywhere", "undo your last change"),
    (("app.scope",), "Today, Portfolio, Lifecycle, Touchpoints", "my accounts ↔ the team's"),
    (("vtable.up", "vtable.down"), "lists", "move the cursor"),
    (("vtable.pageup", "vtable.pagedown"), "lists", "a page up / down"),
    (("vtable.home", "vtable.end"), "lists", "first / last row"),
    (("vtable.select",), "lists", "open the account (or the row)"),
    (("today.log", "portfolio.log", "kanban.log", "tp.log", "cal.log", "account.log"),
     "Today, Portfolio, Lifecycle, Touchpoints, Calendar, account",
     "log a follow-up for the selected account or touchpoint"),
    (("today.done", "tp.done"), "Today, Touchpoints", "mark done (an SOP row: tick the step)"),
    (("today.snooze", "tp.snooze"), "Today, Touchpoints", "snooze (+1d, +3d, +7d or a date)"),
    (("today.reschedule", "tp.reschedule"), "Today, Touchpoints", "reschedule to a date"),
    (("today.tick", "checklist.tick"), "Today, checklists", "tick an SOP step"),
    (("today.charts", "portfolio.charts"), "Today, Portfolio", "show or hide the charts"),
    (("portfolio.filter", "kanban.search", "tp.filter", "cal.filter"),
     "Portfolio, Lifecycle, Touchpoints, Calendar",
     "filter as you type (name, pinyin, initials, tier, stage…)"),
    (("portfolio.clear", "kanban.clear", "tp.clear", "cal.clear"),
     "Portfolio, Lifecycle, Touchpoints, Calendar", "clear the filter"),
    (("portfolio.sort",), "Portfolio", "sort: pick a column, or group by tier on/off"),
    (("portfolio.reverse",), "Portfolio", "reverse the sort"),
    (("portfolio.tier", "account.tier"), "Portfolio, account",
     "set a tier by hand (with a reason; locks it)"),
    (("portfolio.retier",), "Portfolio", "retier the portfolio"),
    (("portfolio.new",), "Portfolio", "add an account (a name twice is asked about)"),
    (("kanban.left", "kanban.right"), "Lifecycle", "previous / next column"),
    (("cards.up", "cards.down"), "Lifecycle", "previous / next card"),
    (("cards.pageup", "cards.pagedown"), "Lifecycle", "a page of cards up / down"),
    (("cards.home", "cards.end"), "Lifecycle", "first / last card of the column"),
    (("kanban.move_left", "kanban.move_right"), "Lifecycle",
     "move the card to the previous / next stage (renewal → renewed asks for the term)"),
    (("kanban.open",), "Lifecycle", "open the account"),
    (("kanban.checklist",), "Lifecycle", "the card's SOP checklist"),
    (("kanban.churn",), "Lifecycle", "churn (asks why)"),
    (("kanban.filter",), "Lifecycle", "tier filter: all, S, A, B, C"),
    (("kanban.suggestions",), "Lifecycle", "date-driven stage suggestions"),
    (("cal.left", "cal.right"), "Calendar", "previous / next day"),
    (("cal.up", "cal.down"), "Calendar", "previous / next week"),
    (("cal.prev", "cal.next"), "Calendar", "previous / next month"),
    (("cal.today",), "Calendar", "today"),
    (("cal.open",), "Calendar", "the day's items, then open the account"),
    (("cal.import",), "Calendar", "import a .ics file"),
    (("cal.agenda",), "Calendar", "month ↔ agenda of the next 30 days"),
    (("tp.history",), "Touchpoints",
     "history (done and planned, / searches the book; account: contact: channel: from: "
     "to:) ↔ planned"),
    (("tp.edit", "cal.edit"), "Touchpoints, Calendar", "edit the selected touch or event"),
    (("tp.delete", "cal.delete", "account.delete"), "Touchpoints, Calendar, account",
     "delete the selected touch, event, stakeholder, note or task (asks)"),
    (("account.back",), "account", "back"),
    (("account.edit",), "account", "edit"),
    (("account.unlock",), "account", "unlock the tier"),
    (("account.brief",), "account", "meeting brief"),
    (("account.contact",), "account", "add a stakeholder"),
    (("account.note",), "account", "add a note (dated, several lines)"),
    (("account.task",), "account", "add a task of your own with a due date"),
    (("account.event", "cal.add"), "account, Calendar",
     "add an event (on the account screen: the account's own)"),
    (("account.fix",), "account", "fix the coverage alert (add a decision maker, …)"),
    (("account.archive",), "account", "archive / unarchive the account"),
    (("account.remove",), "account", "delete the account with everything it has (asks; "
     "undoable)"),
    (("log.save", "form.save", "eventform.save", "record.save", "import.run",
      "suggest.all"),
     "forms, import, suggestions", "save / import / apply all"),
    (("log.cancel", "form.cancel", "eventform.cancel", "record.cancel", "import.back",
      "date.cancel",
      "reason.cancel", "renew.cancel", "tier.cancel", "path.cancel", "sort.cancel",
      "checklist.close", "suggest.close", "help.close", "brief.close", "retier.close",
      "welcome.skip"),
     "dialogs", "close or cancel (`q` too on read-only ones)"),
    (("choice.prev", "choice.next"), "form pickers", "previous / next choice"),
    (("confirm.yes", "confirm.no"), "questions", "yes / no"),
)


def _row_keys(ids: tuple[str, ...], keymap: dict[str, str] | None = None) -> str:
    seen: list[str] = []
    for binding_id in ids:
        keys = (keymap or {}).get(binding_id, BY_ID[binding_id].keys)
        for key in keys.split(","):
            name = key_name(key)
            if name not in seen:
                seen.append(name)
    return " ".join(f"`{name}`" for name in seen)


def markdown_table() -> str:
    """The key table as Markdown (docs/keys.md and the README's "Screens and keys")."""
    lines = ["| key | where | does |", "| --- | --- | --- |"]
    for ids, where, does in KEY_TABLE:
        keys = _row_keys(ids).replace("|", "\\|")
        lines.append(f"| {keys} | {where} | {does} |")
    return "\n".join(lines) + "\n"
