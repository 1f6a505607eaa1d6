"""Reading the user's TOML files (settings, scoring weights, playbooks): every way such a
file can be wrong becomes the caller's own clear error naming the file."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

from csm_tui.i18n import t


def read_toml(path: Path, error: type[ValueError]) -> dict[str, Any]:
    """Parse a TOML file or raise `error` saying why not (unreadable, not UTF-8, bad TOML)."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise error(t("{path}: cannot read ({strerror})", path=path,
                       strerror=exc.strerror or exc)) from None
    try:
        text = raw.decode("utf-8-sig")  # a BOM from a Windows editor is fine
    except UnicodeDecodeError as exc:
        raise error(t("{path}: not UTF-8 text (bad byte at offset {offset})", path=path,
                       offset=exc.start)) from None
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise error(t("{path}: not valid TOML ({exc})", path=path, exc=exc)) from None
    except RecursionError:
        raise error(t("{path}: not valid TOML (nested too deeply)", path=path)) from None


def table(data: dict[str, Any], key: str, where: str, error: type[ValueError]
          ) -> dict[str, Any]:
    """The section `key` of a parsed file: a table, or `error` naming it."""
    value = data.get(key, {})
    if not isinstance(value, dict):
        raise error(t("{where}: {key} must be a [{key}] section of key = value lines, "
                      "not {value}", where=where, key=key, value=_short(value)))
    return value


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."
