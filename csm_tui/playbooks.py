"""SOP playbooks: each stage's standard steps, which tiers get them, and when they
are due. Shipped in fixtures/playbooks.toml; a user copy replaces stages it names.
The default steps' titles in another language come from fixtures/playbooks.LANG.toml
(by stage and step key): tasks are generated with the title in the interface's
language."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path
from typing import Any

from csm_tui.i18n import current_language, t
from csm_tui.paths import config_dir, fixtures_dir
from csm_tui.tomlfile import read_toml
from db.vocab import CHANNELS, STAGES, TIERS

TERMS = ("all", "first", "renewal")
_RELATIVE = re.compile(r"^\+(\d{1,3})([dwm])$")
_BEFORE_END = re.compile(r"^T-(\d{1,3})$")


class PlaybookError(ValueError):
    """The playbook file is wrong; the message names file, step and field."""


@dataclass(frozen=True, slots=True)
class Step:
    stage: str
    key: str
    title: str
    description: str
    tiers: frozenset[str]
    channel: str
    anchor: str  # "stage" (after stage entry) or "contract_end" (before it)
    amount: int  # days, or months when unit == "m"
    unit: str  # d | m
    terms: str = "all"  # all | first (the first contract term only) | renewal (later ones)

    def for_term(self, term: int) -> bool:
        """Whether this step belongs to contract term `term` (1 is the first)."""
        return self.terms == "all" or (self.terms == "first") == (term <= 1)

    @property
    def offset_days(self) -> int:
        """Signed offset in days as stored on the task (months count as 30)."""
        if self.anchor == "contract_end":
            return -self.amount
        return self.amount * (30 if self.unit == "m" else 1)


def parse_due(text: str) -> tuple[str, int, str]:
    """'+3d' -> (stage, 3, d); '+2w' -> (stage, 14, d); '+1m' -> (stage, 1, m);
    'T-90' -> (contract_end, 90, d)."""
    text = str(text).strip()
    if m := _RELATIVE.match(text):
        n, unit = int(m.group(1)), m.group(2)
        return ("stage", n * 7, "d") if unit == "w" else ("stage", n, unit)
    if m := _BEFORE_END.match(text):
        return "contract_end", int(m.group(1)), "d"
    raise ValueError(t("{text!r} is not +Nd, +Nw, +Nm or T-N", text=text))


def parse_playbooks(data: dict[str, Any], path: Path) -> dict[str, list[Step]]:
    out: dict[str, list[Step]] = {}
    for stage, steps in data.items():
        if stage not in STAGES:
            raise PlaybookError(t("{path}: [{stage}] is not a stage ({value})",
                                  path=path, stage=stage, value=', '.join(STAGES)))
        if not isinstance(steps, list):
            raise PlaybookError(t("{path}: [{stage}] must be a list of [[{stage}]] steps",
                                  path=path, stage=stage))
        seen = set()
        out[stage] = []
        for n, raw in enumerate(steps, start=1):
            where = f"{path}: {stage} step {n}"
            if not isinstance(raw, dict):
                raise PlaybookError(t("{where}: must be a [[{stage}]] table with key, "
                                      "title and due", where=where, stage=stage))
            key = raw.get("key")
            if not key or not isinstance(key, str):
                raise PlaybookError(t("{where}: key is missing", where=where))
            where = f"{path}: {stage} step {key!r}"
            if key in seen:
                raise PlaybookError(t("{where}: key is used twice in this stage", where=where))
            seen.add(key)
            for field in raw:
                if field not in ("key", "title", "description", "tiers", "channel", "due",
                                 "terms"):
                    raise PlaybookError(t("{where}: unknown field {field!r}",
                                          where=where, field=field))
            title = raw.get("title")
            if not title or not isinstance(title, str):
                raise PlaybookError(t("{where}: title is missing", where=where))
            tiers = raw.get("tiers", list(TIERS))
            if not isinstance(tiers, list) or not tiers \
                    or any(not isinstance(x, str) or x not in TIERS for x in tiers):
                raise PlaybookError(t("{where}: tiers must be a list from S, A, B, C (got "
                                      "{tiers!r})", where=where, tiers=tiers))
            channel = raw.get("channel", "call")
            if not isinstance(channel, str) or channel not in CHANNELS:
                raise PlaybookError(t("{where}: channel {channel!r} is not one of {value}",
                                      where=where, channel=channel,
                                      value=", ".join(CHANNELS)))
            try:
                due = raw.get("due", "")
                if not isinstance(due, str):
                    raise ValueError(t("{text!r} is not +Nd, +Nw, +Nm or T-N", text=due))
                anchor, amount, unit = parse_due(due)
            except ValueError as exc:
                raise PlaybookError(t("{where}: due {exc}", where=where, exc=exc)) from None
            terms = raw.get("terms", "all")
            if terms not in TERMS:
                raise PlaybookError(t("{where}: terms must be one of {value} (got {terms!r})",
                                      where=where, value=", ".join(TERMS), terms=terms))
            out[stage].append(Step(stage, key, title, str(raw.get("description", "")),
                                   frozenset(tiers), channel, anchor, amount, unit, terms))
    return out


def _read(path: Path) -> dict[str, Any]:
    return read_toml(path, PlaybookError)


def step_titles(lang: str) -> dict[tuple[str, str], str]:
    """(stage, step key) → the default step's title in `lang` (none for English)."""
    path = fixtures_dir() / f"playbooks.{lang}.toml"
    if lang == "en" or not path.exists():
        return {}
    return {(stage, key): title for stage, steps in _read(path).items()
            if isinstance(steps, dict)
            for key, title in steps.items() if isinstance(title, str) and title}


def load_playbooks(user_path: Path | None = None, *, lang: str | None = None
                   ) -> dict[str, list[Step]]:
    default = fixtures_dir() / "playbooks.toml"
    books = parse_playbooks(_read(default), default)
    titles = step_titles(lang or current_language())
    if titles:
        books = {stage: [replace(s, title=titles.get((stage, s.key), s.title)) for s in steps]
                 for stage, steps in books.items()}
    path = user_path or config_dir() / "playbooks.toml"
    if path.exists():
        books.update(parse_playbooks(_read(path), path))
    return books


@lru_cache(maxsize=4)
def _cached(path: str, lang: str) -> dict[str, list[Step]]:
    return load_playbooks(Path(path), lang=lang)


def current_playbooks() -> dict[str, list[Step]]:
    return _cached(str(config_dir() / "playbooks.toml"), current_language())


def steps_for(books: dict[str, list[Step]], stage: str, tier: str, *,
              term: int | None = None) -> list[Step]:
    """A stage's steps for a tier (and, given `term`, for that contract term: a renewed
    customer does not get the first term's steps, and the other way round)."""
    return [s for s in books.get(stage, []) if tier in s.tiers
            and (term is None or s.for_term(term))]
