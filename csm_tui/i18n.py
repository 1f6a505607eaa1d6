"""The interface language: English source strings, looked up in a small catalogue.

`t("Follow-up saved")` returns the string in the current language; unknown strings fall
back to English, so a missing entry shows English, never an error. The catalogue is a
JSON file per language in `csm_tui/locale/` mapping the English text to its
translation; `tests/test_i18n.py` keeps it in step with the code. Strings that are
defined before the language is known (binding descriptions, screen titles, label
tables) are marked with `N_` and passed through `t` where they are shown.

Values stored in the database (stages, channels, outcomes, roles) stay English keys;
`label(kind, value)` gives their display name.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from datetime import date
from functools import cache
from pathlib import Path

LANGUAGES: tuple[str, ...] = ("en", "zh_CN")
LOCALE_DIR = Path(__file__).parent / "locale"

_current = "en"


def N_(msgid: str) -> str:  # noqa: N802 - the gettext convention
    """Mark a string for translation without translating it yet (translated when shown)."""
    return msgid


@cache
def catalogue(lang: str) -> dict[str, str]:
    if lang == "en":
        return {}
    return json.loads((LOCALE_DIR / f"{lang}.json").read_text(encoding="utf-8"))


def normalize(lang: str | None) -> str | None:
    """'zh_CN.UTF-8', 'zh-cn', 'zh' → 'zh_CN'; 'en_US', 'C' → 'en'; '' → None."""
    if not lang:
        return None
    code = lang.split(".")[0].split("@")[0].replace("-", "_").lower()
    if code.startswith("zh"):
        return "zh_CN"
    if code.startswith("en") or code in ("c", "posix"):
        return "en"
    return None


def detect_language(environ: Mapping[str, str] | None = None) -> str:
    """CSM_LANG first, then the locale (LC_ALL, LC_MESSAGES, LANG); English by default."""
    env = os.environ if environ is None else environ
    explicit = normalize(env.get("CSM_LANG"))
    if explicit:
        return explicit
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = env.get(name)
        if value:  # the first one set decides, as for gettext
            return normalize(value) or "en"
    return "en"


def set_language(lang: str | None) -> str:
    """Select the interface language ('en' or 'zh_CN'); returns the one selected."""
    global _current
    chosen = normalize(lang) or "en"
    if chosen not in LANGUAGES:
        raise ValueError(f"unknown language {lang!r} (use one of {', '.join(LANGUAGES)})")
    _current = chosen
    return chosen


def current_language() -> str:
    return _current


def t(msgid: str, /, **kwargs: object) -> str:
    """The translation of `msgid` in the current language, formatted with `kwargs`."""
    text = catalogue(_current).get(msgid, msgid) if _current != "en" else msgid
    return text.format(**kwargs) if kwargs else text


# Display names of the values stored in the database: one table, translated when shown.
LABELS: dict[str, dict[str, str]] = {
    "stage": {"handover": N_("handover"), "onboarding": N_("onboarding"),
              "adoption": N_("adoption"), "renewal": N_("renewal"),
              "renewed": N_("renewed"), "churned": N_("churned")},
    "channel": {"call": N_("call"), "email": N_("email"), "meeting": N_("meeting"),
                "visit": N_("visit"), "training": N_("training"), "qbr": N_("QBR"),
                "chat": N_("chat/WeChat")},
    "outcome": {"positive": N_("positive"), "neutral": N_("neutral"),
                "negative": N_("negative"), "risk": N_("risk")},
    "role": {"decision_maker": N_("decision maker"), "user": N_("user"),
             "influencer": N_("influencer"), "champion": N_("champion")},
    "calendar": {"holiday": N_("holiday"), "workday": N_("workday"), "event": N_("event"),
                 "renewal": N_("renewal"), "start": N_("start"),
                 "anniversary": N_("anniversary"), "touchpoint": N_("touchpoint"),
                 "task": N_("task")},
    "rfm": {s: N_(s) for s in (N_("Champions"), N_("Loyal"), N_("New"),
                                N_("Potential loyalist"), N_("At risk"), N_("Need attention"),
                                N_("Can't lose them"), N_("Hibernating"), N_("Lost"))},
    "sort": {"arr": N_("ARR"), **{s: N_(s) for s in (N_("name"), N_("tier"), N_("stage"),
                                                    N_("health"),
                                                    N_("renewal"), N_("last touch"),
                                                    N_("next due"), N_("score"))}},
    "factor": {"revenue": N_("revenue"), "payment": N_("payment"), "profit": N_("profit"),
               "growth": N_("growth"), "influence": N_("influence"),
               "referrals": N_("referrals"), "engagement": N_("engagement")},
    "field": {"name": N_("Name"), "industry": N_("Industry"), "region": N_("Region"),
              "owner": N_("Owner"), "arr": N_("ARR"), "currency": N_("Currency"),
              "contract_start": N_("Contract start"), "contract_end": N_("Contract end"),
              "nps": N_("NPS"), "last_login": N_("Last login"),
              "open_tickets": N_("Open tickets"), "on_time_payment": N_("On-time payment"),
              "growth_potential": N_("Growth"), "influence": N_("Influence"),
              "referrals": N_("Referrals"), "engagement": N_("Engagement"),
              "founded_on": N_("Founded")},
    "timeline": {"touch": N_("touch"), "planned": N_("planned"), "tier": N_("tier"),
                 "stage": N_("stage"), "note": N_("note")},
    "level": {"executive": N_("executive"), "manager": N_("manager"), "staff": N_("staff")},
    "status": {"planned": N_("planned"), "done": N_("done"), "skipped": N_("skipped"),
               "open": N_("open"), "superseded": N_("superseded"), "removed": N_("removed")},
}


# Counted nouns: (one, many) in English; Chinese has one form, so both map to it.
PLURALS: dict[str, tuple[str, str]] = {
    "item": (N_("{n} item"), N_("{n} items")),
    "event": (N_("{n} event"), N_("{n} events")),
    "account": (N_("{n} account"), N_("{n} accounts")),
    "touchpoint": (N_("{n} touchpoint"), N_("{n} touchpoints")),
    "row": (N_("{n} row"), N_("{n} rows")),
    "renewal": (N_("{n} renewal"), N_("{n} renewals")),
    "card": (N_("{n} card"), N_("{n} cards")),
    "open task": (N_("{n} open task"), N_("{n} open tasks")),
    "stakeholder": (N_("{n} stakeholder"), N_("{n} stakeholders")),
    "touch": (N_("{n} touch"), N_("{n} touches")),
    "note": (N_("{n} note"), N_("{n} notes")),
    "task": (N_("{n} task"), N_("{n} tasks")),
    "deal": (N_("{n} deal"), N_("{n} deals")),
    "reading": (N_("{n} reading"), N_("{n} readings")),
    "hit": (N_("{n} hit"), N_("{n} hits")),
}


def plural(n: int, noun: str) -> str:
    """'1 item', '3 items' (and '3 项' in Chinese): a count with its noun."""
    one, many = PLURALS[noun]
    return t(one if n == 1 else many, n=n)


def label(kind: str, value: str) -> str:
    """Display name of a stored value, e.g. label('stage', 'handover') → '交接期'."""
    return t(LABELS.get(kind, {}).get(value, value))


WEEKDAYS_ZH = "一二三四五六日"


def short_day(day: date) -> str:
    """'Tue 24 Nov' in English, '11/24 周二' in Chinese (short enough for a table cell)."""
    if _current == "zh_CN":
        return f"{day.month}/{day.day} 周{WEEKDAYS_ZH[day.weekday()]}"
    return f"{day:%a %d %b}"


def long_day(day: date) -> str:
    """'Tue 24 Nov 2026' in English, '2026年11月24日 周二' in Chinese."""
    if _current == "zh_CN":
        return f"{day.year}年{day.month}月{day.day}日 周{WEEKDAYS_ZH[day.weekday()]}"
    return f"{day:%a %d %b %Y}"


def month_title(day: date) -> str:
    """'November 2026' in English, '2026年11月' in Chinese."""
    if _current == "zh_CN":
        return f"{day.year}年{day.month}月"
    return f"{day:%B %Y}"


def short_month(day: date) -> str:
    """'Dec 26' in English, '26年12月' in Chinese: a chart axis label."""
    if _current == "zh_CN":
        return f"{day.year % 100:02d}年{day.month}月"
    return f"{day:%b %y}"


def month_abbr(day: date) -> str:
    """'Dec' in English, '12月' in Chinese: an axis label where the year does not fit."""
    if _current == "zh_CN":
        return f"{day.month}月"
    return f"{day:%b}"


def weekday_names() -> tuple[str, ...]:
    if _current == "zh_CN":
        return tuple(f"周{c}" for c in WEEKDAYS_ZH)
    return ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


# Textual's own bindings, shown by `?` beside ours: translated like them.
TEXTUAL_DESCRIPTIONS: tuple[str, ...] = (
    N_("Focus Next"), N_("Focus Previous"), N_("Copy selected text"),
    N_("Scroll Up"), N_("Scroll Down"), N_("Scroll Left"), N_("Scroll Right"),
    N_("Scroll Home"), N_("Scroll End"), N_("Page Up"), N_("Page Down"), N_("Page Left"),
    N_("Page Right"), N_("Move cursor left"), N_("Move cursor left and select"),
    N_("Move cursor left a word"), N_("Move cursor left a word and select"),
    N_("Move cursor right or accept the completion suggestion"),
    N_("Move cursor right and select"), N_("Move cursor right a word"),
    N_("Move cursor right a word and select"), N_("Delete character left"),
    N_("Select all"), N_("Go to start"), N_("Go to end"), N_("Select line start"),
    N_("Select line end"), N_("Delete character right"), N_("Submit"),
    N_("Delete left to start of word"), N_("Delete all to the left"),
    N_("Delete right to start of word"), N_("Delete all to the right"),
    N_("Cut selected text"), N_("Paste text from the clipboard"), N_("Press button"),
    N_("Show menu"),
)


# argparse's own text (usage, headings, its error lines), so that `csm --help` and a
# mistyped command read in the interface's language: `translate_argparse` routes
# argparse's gettext calls through the catalogue.
ARGPARSE_MESSAGES: tuple[str, ...] = (
    N_("usage: "), N_("positional arguments"), N_("options"),
    N_("show this help message and exit"), N_("%(prog)s: error: %(message)s\n"),
    N_("invalid choice: %(value)r (choose from %(choices)s)"),
    N_("the following arguments are required: %s"), N_("unrecognized arguments: %s"),
    N_("argument %(argument_name)s: %(message)s"), N_("invalid %(type)s value: %(value)r"),
    N_("expected one argument"), N_("expected at most one argument"),
    N_("expected at least one argument"),
    N_("ambiguous option: %(option)s could match %(matches)s"),
    N_("not allowed with argument %s"), N_("one of the arguments %s is required"),
    N_("unknown parser %(parser_name)r (choices: %(choices)s)"),
    N_("can't open '%(filename)s': %(error)s"), N_("ignored explicit argument %r"),
)


def _argparse_text(message: str) -> str:
    return catalogue(_current).get(message, message) if _current != "en" else message


def _argparse_ntext(singular: str, plural_: str, n: int) -> str:
    return _argparse_text(singular if n == 1 else plural_)


def translate_argparse() -> None:
    """Let argparse speak the current language (its messages are looked up in the
    catalogue when shown, so a later `set_language` counts too)."""
    import argparse

    argparse._ = _argparse_text  # type: ignore[attr-defined]
    argparse.ngettext = _argparse_ntext  # type: ignore[attr-defined]
