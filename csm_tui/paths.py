"""Where data and configuration live. Small lazy functions, env overrides first."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

APP_NAME = "csm-tui"
_data_override: Path | None = None


@contextmanager
def override_data_dir(folder: str | Path) -> Iterator[Path]:
    """While it lasts, briefs and exports go to `folder` (`csm --demo`'s throwaway
    folder), whatever $CSM_DATA_DIR says."""
    global _data_override
    before, _data_override = _data_override, Path(folder)
    try:
        yield _data_override
    finally:
        _data_override = before


def data_dir() -> Path:
    """Folder for the default database (platform user-data directory)."""
    if _data_override is not None:
        return _data_override
    override = os.environ.get("CSM_DATA_DIR")
    if override:
        return Path(override)
    from platformdirs import user_data_path

    return user_data_path(APP_NAME, appauthor=False)


def config_dir() -> Path:
    """Folder for user copies of scoring.toml, playbooks.toml and settings."""
    override = os.environ.get("CSM_CONFIG_DIR")
    if override:
        return Path(override)
    from platformdirs import user_config_path

    return user_config_path(APP_NAME, appauthor=False)


def default_db() -> str:
    """The database to open: env CSM_DB, else csm.db in the data folder."""
    return os.environ.get("CSM_DB") or str(data_dir() / "csm.db")


def fixtures_dir() -> Path:
    """The shipped data files (demo portfolio, default playbooks and weights)."""
    import fixtures

    return Path(fixtures.__file__).parent
