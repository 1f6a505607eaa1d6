"""The `csm` command: opens the TUI by default, or runs one subcommand.

Every subcommand lives in a module of `csm_tui.commands` that adds its parser
and a handler. Errors the user can act on are printed as one line on stderr
with exit status 2; no traceback ever reaches the terminal for those.
"""

from __future__ import annotations

import argparse
import gc
import os
import sys
from collections.abc import Mapping, Sequence
from datetime import date
from typing import TYPE_CHECKING

from csm_tui import __version__
from csm_tui.commands import COMMAND_MODULES, CliError, load_command
from csm_tui.i18n import (
    LANGUAGES,
    detect_language,
    normalize,
    set_language,
    t,
    translate_argparse,
)

if TYPE_CHECKING:
    from csm_tui.app import CsmApp


def _add_db(parser: argparse.ArgumentParser, *, top: bool) -> None:
    # On subparsers the default is SUPPRESS so that `csm --db X cmd` is not reset to None.
    parser.add_argument(
        "--db",
        metavar="URL|PATH",
        default=None if top else argparse.SUPPRESS,
        help=t("database file or URL (default: $CSM_DB, else csm.db in the user data folder)"),
    )


def _lang_type(value: str) -> str:
    lang = normalize(value)
    if lang not in LANGUAGES:
        raise argparse.ArgumentTypeError(t("unknown language {lang!r} (use en or zh_CN)",
                                           lang=value))
    return lang


def _add_lang(parser: argparse.ArgumentParser, *, top: bool) -> None:
    parser.add_argument(
        "--lang",
        metavar="LANG",
        type=_lang_type,
        default=None if top else argparse.SUPPRESS,
        help=t("interface language: en or zh_CN (default: $CSM_LANG, else the locale)"),
    )


def lang_from_argv(argv: Sequence[str]) -> str | None:
    """`--lang X` anywhere on the line: read before the parser is built, because the
    parser's own help text is in the chosen language."""
    for i, arg in enumerate(argv):
        if arg == "--":
            break
        if arg == "--lang" and i + 1 < len(argv):
            return argv[i + 1]
        if arg.startswith("--lang="):
            return arg.split("=", 1)[1]
    return None


def choose_language(argv: Sequence[str], environ: Mapping[str, str] | None = None) -> str:
    """--lang, else $CSM_LANG, else the locale (LC_ALL / LC_MESSAGES / LANG), else English."""
    asked = lang_from_argv(argv)
    if asked is not None and normalize(asked) in LANGUAGES:
        return set_language(asked)
    return set_language(detect_language(environ))


GLOBAL_VALUES = ("--db", "--lang", "--today")  # options with a value, before or after
GLOBAL_FLAGS = ("--create",)
CREATES = {"init", "seed-demo"}  # commands whose job is to make a new database


def split_globals(argv: Sequence[str]) -> tuple[list[str], dict[str, str | bool]]:
    """Take the global options out of the line wherever they stand (`csm --today D
    today` = `csm today --today D`): a subcommand's parser would otherwise reset them
    to its own defaults. Everything after `--` is left alone."""
    rest: list[str] = []
    found: dict[str, str | bool] = {}
    i = 0
    while i < len(argv):
        arg = argv[i]
        if arg == "--":
            rest.extend(argv[i:])
            break
        name, eq, value = arg.partition("=")
        if name in GLOBAL_VALUES and eq:
            found[name] = value
        elif arg in GLOBAL_VALUES and i + 1 < len(argv):
            found[arg] = argv[i + 1]
            i += 1
        elif arg in GLOBAL_FLAGS:
            found[arg] = True
        else:
            rest.append(arg)
        i += 1
    return rest, found


def opens_tui(argv: Sequence[str]) -> bool:
    """No subcommand and no help asked: the TUI needs only the top-level options, so
    the subcommands (and the database layer they load) wait until after first paint."""
    for arg in split_globals(argv)[0]:
        if arg in ("-h", "--help"):
            return False
        if not arg.startswith("-"):
            return False  # a command, or a mistake the full parser will name
    return True


def build_parser(*, commands: bool = True) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="csm", description=t("A terminal cockpit for Customer Success Managers.")
    )
    parser.add_argument("--version", action="version", version=f"csm-tui {__version__}")
    _add_db(parser, top=True)
    _add_lang(parser, top=True)
    parser.add_argument("--demo", action="store_true",
                        help=t("open the TUI on a fresh, seeded demo database"))
    parser.add_argument("--today", metavar="YYYY-MM-DD", default=None,
                        help=t("pretend today is this date (for demos and tests)"))
    parser.add_argument("--create", action="store_true",
                        help=t("create the database given with --db if it does not exist"))
    if not commands:
        parser.set_defaults(command=None)
        return parser
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMAND_MODULES:
        load_command(name).register(sub, _add_common)
    return parser


def _add_common(parser: argparse.ArgumentParser) -> None:
    _add_db(parser, top=False)
    _add_lang(parser, top=False)


def resolve_today(args: argparse.Namespace) -> date:
    text = getattr(args, "today", None) or os.environ.get("CSM_TODAY")
    if not text:
        return date.today()
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise CliError(t("--today: {text!r} is not a date (use YYYY-MM-DD)", text=text)) from None


def run_tui(args: argparse.Namespace) -> int:
    today = resolve_today(args)
    # Start-up allocates objects that live as long as the app; collecting garbage among
    # them only costs time. CsmApp.settle_memory turns the collector back on once the
    # first screens are loaded; the `finally` makes sure of it whatever happens.
    gc.disable()
    try:
        return _run_app(args, today)
    finally:
        gc.enable()


def _run_app(args: argparse.Namespace, today: date) -> int:
    from csm_tui.factory import make_app

    fixed = today if args.today or os.environ.get("CSM_TODAY") else None
    if args.demo:  # a throwaway folder for the database, briefs and exports, removed after
        import tempfile

        from csm_tui.paths import override_data_dir

        with tempfile.TemporaryDirectory(prefix="csm-demo-") as folder, \
                override_data_dir(folder):
            return _run(make_app(None, today=fixed, demo=True, demo_dir=folder))
    return _run(make_app(args.db, today=fixed))


def _run(app: CsmApp) -> int:
    try:
        app.run()
    finally:
        app.services.close()
    if app.services.open_error is not None:  # reported like any command's error
        raise app.services.open_error
    return app.return_code or 0


def check_database_exists(args: argparse.Namespace) -> None:
    """A mistyped `--db` (or $CSM_DB) must not quietly start a new empty database: a
    file path that does not exist is refused unless `--create` or `csm init`. The
    default database in the data folder is made on first use."""
    db = getattr(args, "db", None) or os.environ.get("CSM_DB")
    if (not db or "://" in db or getattr(args, "demo", False) or args.create
            or args.command in CREATES or os.path.exists(os.path.expanduser(db))):
        return
    raise CliError(t("no database at {path}; create it with `csm init {path}` (or add "
                     "--create)", path=db))


def main(argv: Sequence[str] | None = None) -> int:
    from db.errors import StoreError

    given = sys.argv[1:] if argv is None else list(argv)
    choose_language(given)
    translate_argparse()
    rest, found = split_globals(given)
    parser = build_parser(commands=not opens_tui(given))
    args = parser.parse_args(rest)
    try:
        for option, value in found.items():  # wherever they stood on the line
            if option == "--lang" and isinstance(value, str):
                value = _lang_type(value)
            setattr(args, option.lstrip("-"), value)
        check_database_exists(args)
        if args.command is None:
            return run_tui(args)
        from csm_tui.safe_files import terminal_safe_output

        with terminal_safe_output():  # data never drives the terminal
            return int(args.handler(args) or 0)
    except argparse.ArgumentTypeError as exc:
        parser.error(str(exc))
    except (CliError, StoreError) as exc:
        print(t("csm: error: {exc}", exc=exc), file=sys.stderr)
        return 2
    except BrokenPipeError:  # `csm today | head`: the reader left; not an error
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except KeyboardInterrupt:
        print(t("csm: interrupted; nothing was written by the unfinished action"), file=sys.stderr)
        return 130
    except Exception as exc:  # last resort: a database failure the layers did not name
        from db.errors import is_database_error

        if is_database_error(exc):
            print(t("csm: error: {detail}", detail=_database_failure(exc, args)),
                  file=sys.stderr)
            return 2
        raise


def _database_failure(exc: Exception, args: argparse.Namespace) -> str:
    """One line naming the database file and what is wrong with it."""
    from csm_tui.paths import default_db
    from db.engine import store_error_for, to_url

    try:
        url = to_url(getattr(args, "db", None) or default_db())
        clear = store_error_for(exc, url, writing=False)
    except Exception:  # naming the file must never hide the error itself
        clear = None
    if clear is not None:
        return str(clear)
    detail = str(getattr(exc, "orig", None) or exc).splitlines()[0]
    return f"database: {detail}"


if __name__ == "__main__":
    raise SystemExit(main())
