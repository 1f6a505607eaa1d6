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
    for section in ("lifecycle", "tasks"):  # read elsewhere as tables
        table(data, section, where, SettingsError)
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
