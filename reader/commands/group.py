"""The `reader` command line in click: the group, `open`, `where`, and the subcommands
loaded on first use (LAZY_COMMANDS). The entry point, `reader.cli.main`, starts a plain
`reader open FILE` without it; everything else comes here."""

from __future__ import annotations

import importlib
from collections.abc import Callable
from pathlib import Path

import click
from click.decorators import FC

from reader import __version__
from reader.cli import LAZY_COMMANDS
from reader.errors import ReaderError, one_line


class LazyGroup(click.Group):
    """A click group whose heavier subcommands are imported on first use. An entry of
    LAZY_COMMANDS that does not load (a renamed module) is a bug that fails loudly, in
    `reader --help` and in the command itself, rather than the command vanishing."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted([*super().list_commands(ctx), *LAZY_COMMANDS])

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name in LAZY_COMMANDS:
            return load_lazy_command(cmd_name)
        return super().get_command(ctx, cmd_name)


class LazyCommandError(RuntimeError):
    """A LAZY_COMMANDS entry names a module or attribute that is not there."""


def load_lazy_command(name: str) -> click.Command:
    """The click command LAZY_COMMANDS names for `name`, imported now."""
    target = LAZY_COMMANDS[name]
    module_name, _, attribute = target.partition(":")
    try:
        command = getattr(importlib.import_module(module_name), attribute)
    except (ImportError, AttributeError) as error:
        raise LazyCommandError(
            f"subcommand {name!r} cannot be loaded from {target}: {error}") from error
    if not isinstance(command, click.Command):
        raise LazyCommandError(f"subcommand {name!r}: {target} is not a click command")
    return command


db_option = click.option(
    "--db",
    "db_path",
    type=click.Path(dir_okay=True, path_type=Path),
    default=None,
    help="SQLite database to use (default: READER_DB or the user data folder; see `reader where`).",
)


document_option = click.option(
    "--document", "documents", multiple=True, metavar="ID",
    help="Only this document: its id as `reader export` writes it (repeatable).")


def status_option(help_text: str) -> Callable[[FC], FC]:
    """`--status new|in_progress|done`, the export status every selecting command takes."""
    from reader.formats.records import STATUSES

    return click.option("--status", type=click.Choice(STATUSES), default=None, help=help_text)


def existing_db(db_path: Path | None) -> Path:
    """The database a read-only command reads (which it must not create as a side effect),
    refused in the same words by every command when it is not there."""
    path = resolve_db(db_path)
    if not path.exists():
        raise ReaderError(f"database {path}: does not exist (nothing imported or annotated yet)")
    return path


def resolve_db(db_path: Path | None) -> Path:
    """The command's own --db, else the one given before the command (`reader --db X
    stats`), else READER_DB or the user data folder."""
    from reader.locations import default_db_path

    if db_path is not None:
        return db_path
    context = click.get_current_context(silent=True)
    group_db = context.find_root().params.get("db_path") if context is not None else None
    return group_db if isinstance(group_db, Path) else default_db_path()


@click.group(cls=LazyGroup, invoke_without_command=True,
             context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "-V", "--version", prog_name="reader")
@db_option
@click.option("--annotator", default=None,
              help="With no command: who is annotating (as for `reader open`).")
@click.pass_context
def cli(ctx: click.Context, db_path: Path | None, annotator: str | None) -> None:
    """Read and annotate text in the terminal, with exact offsets and nothing lost.

    With no command, shows the library of documents already in the database."""
    if ctx.invoked_subcommand is None:
        ctx.invoke(open_command, db_path=db_path, annotator=annotator)
    elif annotator is not None:
        raise ReaderError("--annotator goes after the command: reader COMMAND --annotator NAME")


@cli.command("open", short_help="Read and annotate articles, a folder or a corpus.")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@db_option
@click.option(
    "--annotator",
    default=None,
    help="Who is annotating (default: READER_ANNOTATOR or the login name).",
)
@click.option("--encoding", default="utf-8", show_default=True, help="Encoding of the files.")
@click.option(
    "--labels", default=None, help="Comma-separated label names, e.g. actor,topic,commitment."
)
@click.option(
    "--relations", default=None, help="Comma-separated relation label names, e.g. by,about."
)
@click.option("--compare", is_flag=True, help="Show other annotators' spans too (adjudication).")
@click.option("--guidelines", type=click.Path(path_type=Path), default=None,
              help="Annotation guidelines (Markdown) to show beside the article on i.")
@click.option("--suggest", is_flag=True,
              help="Suggest spans as you read: every span text tagged in the corpus wherever"
                   " it occurs again (learned as you tag), and the files below.")
@click.option("--patterns", "pattern_files", multiple=True, type=click.Path(path_type=Path),
              help="With --suggest: spaCy EntityRuler / Prodigy patterns (JSONL); repeatable.")
@click.option("--gazetteer", "gazetteers", multiple=True, type=click.Path(path_type=Path),
              help="With --suggest: text<TAB>label a line, longest match wins; repeatable.")
@click.option("--suggest-model", "models", multiple=True, metavar="NAME|PATH",
              help="With --suggest: an installed spaCy pipeline or its folder, entity labels"
                   " mapped by the config's [model_labels]; repeatable.")
@click.option("--width", default=None, metavar="N|full",
              help="Reading width: wrap at N cells, centred (default: `width` in the config,"
                   " else full); = cycles it.")
def open_command(
    paths: tuple[Path, ...] = (),
    db_path: Path | None = None,
    annotator: str | None = None,
    encoding: str = "utf-8",
    labels: str | None = None,
    relations: str | None = None,
    compare: bool = False,
    guidelines: Path | None = None,
    suggest: bool = False,
    pattern_files: tuple[Path, ...] = (),
    gazetteers: tuple[Path, ...] = (),
    models: tuple[str, ...] = (),
    width: str | None = None,
) -> None:
    """Open PATH... : an article, a folder of .txt/.md files, a corpus .jsonl, several of
    these; with no PATH, the library of documents already in the database."""
    from reader.ui.launch import SuggestOptions, launch

    if (pattern_files or gazetteers or models) and not suggest:
        raise ReaderError("--patterns, --gazetteer and --suggest-model go with --suggest")

    launch(
        paths=list(paths),
        db_path=resolve_db(db_path),
        annotator=annotator,
        encoding=encoding,
        labels=labels,
        relations=relations,
        compare=compare,
        guidelines=guidelines,
        suggest=SuggestOptions(list(pattern_files), list(gazetteers), list(models))
        if suggest else None,
        width=width,
    )


@cli.command("where")
@db_option
def where(db_path: Path | None) -> None:
    """Print the database and config paths in use."""
    from reader.locations import config_candidates, data_dir, datasets_doc, settings_path

    click.echo(f"database: {one_line(str(resolve_db(db_path)))}")
    for candidate in config_candidates(check_override=False):
        mark = "" if candidate.exists() else " (absent)"
        click.echo(f"config:   {one_line(str(candidate))}{mark}")
    click.echo(f"data dir: {one_line(str(data_dir()))}")
    click.echo(f"datasets: {one_line(str(datasets_doc()))} (the export formats)")
    click.echo(f"settings: {one_line(str(settings_path()))} (the theme, remembered)")
