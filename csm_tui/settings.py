"""User settings: fixtures/settings.toml defaults, overridden key by key by the user's
copy in the config folder; validated on load with messages naming file and key."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from math import isfinite
from pathlib import Path
from typing import Any

from csm_tui.i18n import t
from csm_tui.paths import config_dir, fixtures_dir
from csm_tui.tomlfile import read_toml, table
from db.vocab import TIERS

HEALTH_FACTORS = ("touch", "login", "tickets", "nps", "payment", "sop")
# The risk flags a [risk] flags list may name: the three churn signals and two about
# the relationship.
RISK_FLAGS = ("no_login", "tickets_rising", "nps_falling", "no_decision_maker",
              "single_threaded")


RISK_KEYS = ("flags", "no_login_days", "decision_maker_days", "nps_drop", "tickets_rise",
             "window_days")


class SettingsError(ValueError):
    """A setting file is malformed; the message names the file and the key."""


@dataclass(frozen=True)
class Settings:
    cadence: dict[str, int]
    health_weights: dict[str, float]
    no_login_days: int
    decision_maker_days: int
    extra: dict[str, Any]
    risk_flags: tuple[str, ...] = RISK_FLAGS
    nps_drop: int = 5  # NPS falling: the latest reading this many points or more below
    tickets_rise: int = 1  # tickets rising: the latest reading this many or more above
    signal_window_days: int = 180  # the previous reading counts if it is this recent


def _read(path: Path) -> dict[str, Any]:
    return read_toml(path, SettingsError)


def _merge(base: dict[str, Any], over: dict[str, Any]) -> dict[str, Any]:
    out = dict(base)
    for key, value in over.items():
        if isinstance(value, dict) and isinstance(base.get(key), dict):
            out[key] = _merge(base[key], value)
        else:
            out[key] = value
    return out


def _number(path: Path, key: str, value: Any, *, minimum: float, integer: bool,
            maximum: float = 3650) -> Any:
    if isinstance(value, bool) or not isinstance(value, int | float) or not isfinite(value):
        raise SettingsError(t("{path}: {key} must be a number, not {value!r}",
                              path=path, key=key, value=value))
    if integer and not isinstance(value, int):
        raise SettingsError(t("{path}: {key} must be a whole number of days, not {value!r}",
                              path=path, key=key, value=value))
    if value < minimum:
        raise SettingsError(t("{path}: {key} must be at least {minimum}, not {value!r}",
                              path=path, key=key, minimum=minimum, value=value))
    if value > maximum:
        raise SettingsError(t("{path}: {key} must be at most {maximum}, not {value!r}",
                              path=path, key=key, maximum=f"{maximum:g}", value=value))
    return value


def parse_settings(data: dict[str, Any], path: Path) -> Settings:
    where = str(path)
    cadence_raw = table(data, "cadence", where, SettingsError)
    for key in cadence_raw:
        if key not in TIERS:
            raise SettingsError(t("{path}: cadence.{key} is not a tier (use S, A, B, C)",
                                  path=path, key=key))
    cadence = {t: _number(path, f"cadence.{t}", cadence_raw.get(t), minimum=1, integer=True)
               for t in TIERS}
    health_raw = table(data, "health", where, SettingsError)
    for key in health_raw:
        if key not in HEALTH_FACTORS:
            raise SettingsError(t("{path}: health.{key} is not a health factor ({value})",
                                  path=path, key=key, value=', '.join(HEALTH_FACTORS)))
    weights = {f: float(_number(path, f"health.{f}", health_raw.get(f, 0), minimum=0,
                                integer=False, maximum=1e6)) for f in HEALTH_FACTORS}
    if sum(weights.values()) <= 0:
        raise SettingsError(t("{path}: health weights add up to 0", path=path))
    risk = table(data, "risk", where, SettingsError)
    for section in ("lifecycle", "tasks", "money"):  # read elsewhere as tables
        table(data, section, where, SettingsError)
    _check_tasks(table(data, "tasks", where, SettingsError), path)
    _check_money(table(data, "money", where, SettingsError), path)
    for key in risk:
        if key not in RISK_KEYS:
            raise SettingsError(t("{path}: risk.{key} is not a risk setting ({value})",
                                  path=path, key=key, value=", ".join(RISK_KEYS)))
    flags = risk.get("flags", list(RISK_FLAGS))
    if not isinstance(flags, list) or any(f not in RISK_FLAGS for f in flags):
        raise SettingsError(t("{path}: risk.flags must be a list from {value}, not {flags!r}",
                              path=path, value=", ".join(RISK_FLAGS), flags=flags))
    return Settings(
        cadence=cadence, health_weights=weights,
        no_login_days=_number(path, "risk.no_login_days", risk.get("no_login_days"),
                              minimum=1, integer=True),
        decision_maker_days=_number(path, "risk.decision_maker_days",
                                    risk.get("decision_maker_days"), minimum=1, integer=True),
        extra={k: v for k, v in data.items() if k not in ("cadence", "health", "risk")},
        risk_flags=tuple(dict.fromkeys(flags)),
        nps_drop=_number(path, "risk.nps_drop", risk.get("nps_drop", 5), minimum=1,
                         integer=True, maximum=200),
        tickets_rise=_number(path, "risk.tickets_rise", risk.get("tickets_rise", 1),
                             minimum=1, integer=True, maximum=100_000),
        signal_window_days=_number(path, "risk.window_days", risk.get("window_days", 180),
                                   minimum=1, integer=True),
    )


def _check_tasks(tasks: dict[str, Any], path: Path) -> None:
    if "import_grace_days" in tasks:
        _number(path, "tasks.import_grace_days", tasks["import_grace_days"], minimum=0,
                integer=True)
    if "skip_weekends" in tasks and not isinstance(tasks["skip_weekends"], bool):
        raise SettingsError(t("{path}: {key} must be true or false, not {value!r}",
                              path=path, key="tasks.skip_weekends",
                              value=tasks["skip_weekends"]))


def _is_currency(value: Any) -> bool:
    return isinstance(value, str) and len(value) == 3 and value.isascii() and value.isalpha() \
        and value.isupper()


def _check_money(money: dict[str, Any], path: Path) -> None:
    """[money]: base_currency ("" = the currency most of the book's ARR is in) and
    [money.rates]: CODE = units of the base currency per unit of CODE."""
    for key in money:
        if key not in ("base_currency", "rates"):
            raise SettingsError(t("{path}: money.{key} is not known (base_currency, rates)",
                                  path=path, key=key))
    base = money.get("base_currency", "")
    if base != "" and not _is_currency(base):
        raise SettingsError(t("{path}: money.base_currency must be a 3-letter code like CNY "
                              "or \"\" (the book's main currency), not {value!r}",
                              path=path, value=base))
    rates = money.get("rates", {})
    if not isinstance(rates, dict):
        raise SettingsError(t("{path}: money.rates must be a table of CODE = rate",
                              path=path))
    for code, rate in rates.items():
        if not _is_currency(code):
            raise SettingsError(t("{path}: money.rates.{key} is not a 3-letter currency code",
                                  path=path, key=code))
        _number(path, f"money.rates.{code}", rate, minimum=0, integer=False, maximum=1e9)
        if rate <= 0:
            raise SettingsError(t("{path}: {key} must be above 0, not {value!r}", path=path,
                                  key=f"money.rates.{code}", value=rate))


def money_settings(settings: Settings) -> tuple[str, dict[str, float]]:
    """(base currency or "" for automatic, rates by currency) from [money]."""
    money = settings.extra.get("money", {})
    return str(money.get("base_currency", "")), {
        str(k): float(v) for k, v in money.get("rates", {}).items()}


def import_grace_days(settings: Settings) -> int:
    """[tasks] import_grace_days: an import creates no SOP step overdue by more."""
    return int(settings.extra.get("tasks", {}).get("import_grace_days", 7))


def user_settings_path() -> Path:
    return config_dir() / "settings.toml"


def load_settings(user_path: Path | None = None) -> Settings:
    """Defaults merged with the user's copy (if any); raises SettingsError when invalid."""
    defaults_path = fixtures_dir() / "settings.toml"
    data = _read(defaults_path)
    path = user_path or user_settings_path()
    if path.exists():
        data = _merge(data, _read(path))
        return parse_settings(data, path)
    return parse_settings(data, defaults_path)


@lru_cache(maxsize=1)
def _cached(path_key: str) -> Settings:
    return load_settings(Path(path_key))


def current_settings() -> Settings:
    """Settings for this process (read once; the file is small and rarely changes)."""
    return _cached(str(user_settings_path()))
