"""The `reader` command's entry point, kept light.

`reader open PATH...`, the command typed most, starts here without click: importing and
running click was ~45 million instructions, a tenth of what reader added to the first paint
beyond Textual's own start (docs/performance-startup.md). Only a command line with nothing
but paths after `open` (or nothing at all: the library) takes that path, and it does what
click would do with it: `open`'s defaults, the same database, the same errors. Anything
else (an option, `--help`, another command, a mistake) is parsed by click, in
`reader.commands.group`, the one definition of the command line.
tests/test_cli_fast_path.py holds the two paths to the same behaviour."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

from reader.errors import ReaderError, one_line

if TYPE_CHECKING:
    import click

    from reader.commands.group import (
        LazyCommandError,
        LazyGroup,
        cli,
        db_option,
        existing_db,
        load_lazy_command,
        open_command,
        resolve_db,
    )

# name -> "module:attribute"; loaded only when that subcommand runs (or help lists it).
LAZY_COMMANDS: dict[str, str] = {
    "export": "reader.commands.export:export",
    "import": "reader.commands.import_:import_",
    "stats": "reader.commands.stats:stats",
    "agree": "reader.commands.agree:agree",
    "merge": "reader.commands.merge:merge",
    "suggest": "reader.commands.suggest:suggest",
    "assign": "reader.commands.assign:assign",
    "curate": "reader.commands.curate:curate",
}

# What `reader.commands.group` defines, importable from here as it always was (the
# subcommands and the tests say `from reader.cli import db_option`): loaded on first use.
_FROM_GROUP = ("LazyCommandError", "LazyGroup", "cli", "db_option", "existing_db",
               "load_lazy_command", "open_command", "resolve_db")
__all__ = ["LAZY_COMMANDS", "LazyCommandError", "LazyGroup", "cli", "db_option", "existing_db",
           "load_lazy_command", "main", "open_command", "plain_open", "resolve_db"]


def __getattr__(name: str) -> object:
    if name in _FROM_GROUP:
        from reader.commands import group

        return getattr(group, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def plain_open(args: list[str]) -> list[Path] | None:
    """The paths of `reader open PATH...` (or of `reader` alone) when that is all the
    command line says, else None. Not plain: an option or `--` (anything starting with
    `-`), an empty argument, another command, click's shell completion asking, and
    Windows, where click expands wildcards in the arguments itself."""
    if os.name == "nt" or any(name.endswith("_COMPLETE") for name in os.environ):
        return None
    if args and args[0] != "open":
        return None
    paths = args[1:]
    if any(not arg or arg.startswith("-") for arg in paths):
        return None
    return [Path(arg) for arg in paths]


def open_plain(paths: list[Path]) -> None:
    """What click's `reader open PATHS` does when no option is given."""
    from reader.locations import default_db_path
    from reader.ui.launch import launch

    try:
        launch(paths=paths, db_path=default_db_path(), annotator=None, encoding="utf-8",
               labels=None)
    except (EOFError, KeyboardInterrupt, BrokenPipeError) as error:
        _as_click_would(error)


def _as_click_would(error: BaseException) -> NoReturn:
    """An interrupt or a broken pipe while the app runs becomes what click's `main` makes
    of it (a blank line then Abort; exit 1 with later flush errors silenced), by click's
    own code, so the two paths cannot drift apart."""
    import click

    @click.command()
    def rethrow() -> None:
        raise error

    rethrow.main([], prog_name="reader", standalone_mode=False)
    raise error  # not reached: click's main raises or exits for each of these


def _usage_message(error: click.ClickException) -> str:
    """A click error as one sentence, pointing at the help that explains the usage (click's
    own form is three lines: usage, a hint, the error)."""
    import click

    message = error.format_message()
    context = getattr(error, "ctx", None)
    if isinstance(error, click.UsageError) and context is not None:
        message += f" (see '{context.command_path} --help')"
    return message


def _say(line: str) -> None:
    import click

    click.echo(line, err=True)


def main() -> None:
    """Entry point: user errors become one line on stderr and exit code 1."""
    import sqlite3

    try:
        try:
            paths = plain_open(sys.argv[1:])
            if paths is not None:
                open_plain(paths)
            else:
                from reader.commands.group import cli

                cli.main(standalone_mode=False)
        except sqlite3.Error as error:  # a damaged, busy or full database: one line, exit 1
            from reader.store.database import database_error

            known = database_error(error)
            if known is None:
                raise
            raise known from None
    except ReaderError as error:
        _say(f"reader: error: {one_line(str(error))}")
        sys.exit(1)
    except KeyboardInterrupt:
        sys.exit(130)
    except BrokenPipeError:
        sys.exit(0)
    except Exception as error:
        import click

        if isinstance(error, click.exceptions.Abort):
            _say("reader: aborted")
            sys.exit(130)
        if isinstance(error, click.ClickException):
            _say(f"reader: error: {one_line(_usage_message(error))}")
            sys.exit(error.exit_code)
        if os.environ.get("READER_DEBUG"):
            raise
        _say(f"reader: internal error: {type(error).__name__}: {one_line(str(error))} "
             "(set READER_DEBUG=1 for details)")
        sys.exit(2)


if __name__ == "__main__":
    main()
