"""`csm init`, `csm db upgrade` and `csm backup`: a new database, schema upgrades and
consistent copies."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path

from csm_tui.commands import CliError
from csm_tui.i18n import t


def register(sub: argparse._SubParsersAction, add_db: Callable) -> None:
    ini = sub.add_parser("init", help=t("create a new, empty database at PATH"))
    add_db(ini)
    ini.add_argument("path", metavar="PATH", help=t("database file (or URL) to create"))
    ini.set_defaults(handler=init)
    p = sub.add_parser("db", help=t("database maintenance"))
    add_db(p)
    dbsub = p.add_subparsers(dest="db_command", metavar="ACTION", required=True)
    up = dbsub.add_parser("upgrade", help=t("upgrade the schema to this version (backup first)"))
    add_db(up)
    up.set_defaults(handler=upgrade)
    b = sub.add_parser("backup", help=t("copy the database consistently, even while in use"))
    add_db(b)
    b.add_argument("out", metavar="OUT", help=t("file to write the copy to"))
    b.set_defaults(handler=backup)


def upgrade(args: argparse.Namespace) -> int:
    from csm_tui.paths import default_db
    from db.engine import make_engine, to_url
    from db.migrate import HEAD, current_revision, ensure_schema

    url = to_url(args.db or default_db())
    engine = make_engine(url)
    before = current_revision(engine)
    backup = ensure_schema(engine)
    if before == HEAD:
        print(t("schema already at {HEAD}", HEAD=HEAD))
    else:
        print(t("schema upgraded from {value} to {HEAD}", value=before or 'empty', HEAD=HEAD))
    if backup:
        print(t("backup written to {backup}", backup=backup))
    engine.dispose()
    return 0


def backup(args: argparse.Namespace) -> int:
    from csm_tui.commands.common import store_from
    from csm_tui.commands.progress import progress_bar
    from csm_tui.safe_files import temp_beside
    from db.backup import backup_to

    store = store_from(args)
    out = Path(args.out)
    if out.exists() or out.is_symlink():
        raise CliError(t("{out} already exists; choose a new file name", out=out))
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        with progress_bar(out.name, first="backup") as progress, \
                temp_beside(out) as tmp:  # 0600, exclusive, moved into place when complete
            rows = backup_to(store, tmp, progress=progress)
    except OSError as exc:
        raise CliError(t("{out}: cannot write ({strerror}); nothing was written", out=out,
                         strerror=exc.strerror or exc)) from None
    print(t("backup of {rows} accounts written to {out}", rows=rows, out=out))
    store.close()
    return 0


def init(args: argparse.Namespace) -> int:
    """A new database with the current schema; an existing file is left alone."""
    from db.store import open_store

    target = args.path
    if "://" not in target:
        path = Path(target).expanduser()
        if path.exists():
            raise CliError(t("{path} already exists; open it with csm --db {path}",
                             path=target))
        if not path.parent.is_dir():
            raise CliError(t("{folder}: no such folder", folder=path.parent))
        target = str(path)
    store = open_store(target)
    store.close()
    print(t("created {path}; open it with csm --db {path}", path=args.path))
    return 0
