"""A click group whose subcommands are imported only when one of them is run.

`podbrief import` needs the database and nothing else; importing the Slack app, the digest
deliverer and every subcommand's dependencies first cost about a second of start-up. `--help`
lists the lazy subcommands from their summaries given here, without importing them either
(a test checks the summaries against the commands' own help).
"""

from __future__ import annotations

import importlib

import click


class LazyGroup(click.Group):
    """A group that also holds subcommands named by `module:attribute`, imported on first use.

    `lazy_commands` maps a name to `(module:attribute, summary)`; the summary is the first
    paragraph of the command's help, shown by `--help` as click would shorten it.
    """

    def __init__(self, *args: object, lazy_commands: dict[str, tuple[str, str]] | None = None,
                 **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.lazy_commands = dict(lazy_commands or {})

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *self.lazy_commands})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name in self.lazy_commands and cmd_name not in self.commands:
            target = self.lazy_commands[cmd_name][0]
            module_name, _, attribute = target.partition(":")
            command = getattr(importlib.import_module(module_name), attribute)
            if not isinstance(command, click.Command):
                raise TypeError(f"{target} is not a click command")
            self.add_command(command, cmd_name)
        return super().get_command(ctx, cmd_name)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """Like click's, but a lazy subcommand not loaded yet is listed from its summary."""
        names = self.list_commands(ctx)
        if not names:
            return
        limit = formatter.width - 6 - max(len(name) for name in names)
        rows: list[tuple[str, str]] = []
        for name in names:
            if name in self.lazy_commands and name not in self.commands:
                rows.append((name, summary_line(self.lazy_commands[name][1], limit)))
                continue
            command = self.get_command(ctx, name)
            if command is None or command.hidden:
                continue
            rows.append((name, command.get_short_help_str(limit)))
        if rows:
            with formatter.section("Commands"):
                formatter.write_dl(rows)


def summary_line(summary: str, limit: int) -> str:
    """`summary` shortened to `limit` as click shortens a command's help for `--help`."""
    return click.Command(None, help=summary).get_short_help_str(limit)
