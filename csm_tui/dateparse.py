"""Dates as people type them: `2026-12-01`, `today`, `tomorrow`, `+3d`, `2w`, `1m`,
`next mon`, `fri`, `eow`, `eom`, and in Chinese 今天, 明天, 后天, 下周一, 周五, 3天后,
两周后, 1个月后, 月底. Used by every date field, snooze/reschedule and the CLI."""

from __future__ import annotations

import calendar
import re
from datetime import date, timedelta

from csm_tui.dates import FIRST_DATE, LAST_DATE, add_months, in_range
from csm_tui.i18n import t

WEEKDAYS = {name: i for i, names in enumerate((
    ("mon", "monday"), ("tue", "tues", "tuesday"), ("wed", "wednesday"),
    ("thu", "thur", "thurs", "thursday"), ("fri", "friday"), ("sat", "saturday"),
    ("sun", "sunday"))) for name in names}
_OFFSET = re.compile(
    r"^\+?(\d{1,4})\s*(d|day|days|w|wk|week|weeks|m|mo|month|months|y|year|years)$")
_MAX_DAYS = 366 * 20

FORMS_HELP = "YYYY-MM-DD, today, tomorrow, +3d, 2w, 1m, next mon, fri, eow, eom"
FORMS_HELP_ZH = "YYYY-MM-DD、今天、明天、后天、下周一、周五、3天后、2周后、1个月后、月底、+3d"

_ZH_DIGITS = {"零": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7,
              "八": 8, "九": 9}
_ZH_WEEKDAY = {"一": 0, "二": 1, "三": 2, "四": 3, "五": 4, "六": 5, "日": 6, "天": 6, "七": 6}
_ZH_DAYS = {"今天": 0, "今日": 0, "明天": 1, "明日": 1, "后天": 2, "大后天": 3, "昨天": -1,
            "前天": -2}
_ZH_OFFSET = re.compile(r"^(\d{1,4}|[零一二两三四五六七八九十]{1,3})\s*"
                        r"(天|日|周|星期|礼拜|个月|个星期|个礼拜|月|年)(后|之后|以后)?$")
_ZH_WEEKDAY_RE = re.compile(r"^(下下|下|本|这|这个|下个)?(周|星期|礼拜)([一二三四五六日天七])$")


def forms_help() -> str:
    """The date forms, in the interface's language."""
    from csm_tui.i18n import current_language

    return FORMS_HELP_ZH if current_language() == "zh_CN" else FORMS_HELP


def _zh_number(text: str) -> int | None:
    """'3', '三', '十', '十三', '二十五' → the number; None for anything else ('一一')."""
    if text.isdigit():
        return int(text)
    tens, ten, ones = text.partition("十")
    if not ten:
        return _ZH_DIGITS.get(text) if len(text) == 1 else None
    if len(tens) > 1 or len(ones) > 1 or (tens and tens not in _ZH_DIGITS) \
            or (ones and ones not in _ZH_DIGITS):
        return None
    return (_ZH_DIGITS[tens] if tens else 1) * 10 + (_ZH_DIGITS[ones] if ones else 0)


def _parse_chinese(text: str, today: date, raw: str) -> date | None:
    """The Chinese forms; None when `text` is none of them."""
    text = text.replace(" ", "")
    if text in _ZH_DAYS:
        return today + timedelta(days=_ZH_DAYS[text])
    if text in ("月底", "月末", "本月底", "这个月底"):
        return today.replace(day=calendar.monthrange(today.year, today.month)[1])
    if text in ("周末", "本周末", "这周末"):
        return today + timedelta(days=(5 - today.weekday()) % 7)  # this week's Saturday
    if m := _ZH_WEEKDAY_RE.match(text):
        which, _, name = m.groups()
        target = _ZH_WEEKDAY[name]
        monday = today - timedelta(days=today.weekday())
        if which in ("下", "下个"):  # next calendar week's
            return monday + timedelta(days=7 + target)
        if which == "下下":
            return monday + timedelta(days=14 + target)
        if which in ("本", "这", "这个"):
            return monday + timedelta(days=target)
        return today + timedelta(days=(target - today.weekday()) % 7 or 7)  # the next one
    if m := _ZH_OFFSET.match(text):
        count, unit, after = _zh_number(m.group(1)), m.group(2), m.group(3)
        if count is None or (not after and unit in ("月", "年")):
            return None  # "3月" is a month's name, not "in three months"
        letter = ("d" if unit in ("天", "日")
                  else "w" if unit in ("周", "星期", "礼拜", "个星期", "个礼拜")
                  else "m" if unit in ("个月", "月") else "y")
        return _ahead(today, count, letter, raw)
    return None


def _ahead(today: date, count: int, unit: str, raw: str) -> date:
    """`count` days, weeks, months or years (`unit` d, w, m, anything else: years) after
    today, refusing what is too far ahead (English and Chinese offsets alike)."""
    if unit in ("d", "w"):
        days = count * 7 if unit == "w" else count
        if days > _MAX_DAYS:
            raise ValueError(t("{raw!r} is too far ahead", raw=raw))
        return today + timedelta(days=days)
    months = count if unit == "m" else count * 12
    if months > 12 * 20:
        raise ValueError(t("{raw!r} is too far ahead", raw=raw))
    return add_months(today, months)


def parse_when(text: str, today: date) -> date:
    """Resolve what the user typed to a date, or raise ValueError saying what is wrong."""
    raw = text
    text = " ".join(text.strip().lower().split())
    if not text:
        raise ValueError(t("date is empty (use {forms})", forms=forms_help()))
    if any("\u4e00" <= ch <= "\u9fff" for ch in text):
        zh = _parse_chinese(text, today, raw)
        if zh is not None:
            return zh
    if text in ("today", "tod", "now"):
        return today
    if text in ("tomorrow", "tmr", "tom"):
        return today + timedelta(days=1)
    if text == "yesterday":
        return today - timedelta(days=1)
    if text in ("eom", "end of month"):
        return today.replace(day=calendar.monthrange(today.year, today.month)[1])
    if text in ("eow", "end of week"):
        return today + timedelta(days=(4 - today.weekday()) % 7)  # this week's Friday
    if m := _OFFSET.match(text):
        return _ahead(today, int(m.group(1)), m.group(2)[0], raw)
    words = text.split()
    if len(words) in (1, 2) and words[-1] in WEEKDAYS and (len(words) == 1 or words[0] == "next"):
        ahead = (WEEKDAYS[words[-1]] - today.weekday()) % 7 or 7
        return today + timedelta(days=ahead)
    try:
        day = date.fromisoformat(text)
    except ValueError:
        pass
    else:
        if not in_range(day):
            raise ValueError(t("{raw!r} is outside {first}–{last}", raw=raw,
                               first=FIRST_DATE.year, last=LAST_DATE.year))
        return day
    raise ValueError(t("{raw!r} is not a date (use {forms})", raw=raw, forms=forms_help()))
