"""What every `masterpath bench` command shares: its --json and --data-dir options, and `Report`,
which prints progress on stderr and the result on stdout (one JSON line with --json, the
benchmark module's `table` otherwise)."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

if TYPE_CHECKING:
    from click._termui_impl import ProgressBar

F = TypeVar("F", bound=Callable[..., Any])
Result = dict[str, Any]
POSITIVE = click.IntRange(min=1)
LAST = "Print one JSON object last."


def json_option(help_text: str = LAST) -> Callable[[F], F]:
    return click.option("--json", "as_json", is_flag=True, help=help_text)


def data_dir_option(func: F) -> F:
    return click.option(
        "--data-dir",
        type=click.Path(file_okay=False, path_type=Path),
        default=None,
        help="Reuse a data folder with the content loaded (default: a throwaway one).",
    )(func)


@dataclass
class Counter:
    """Progress by counts: a bar on stderr and, when stderr is a log rather than a terminal,
    a `[bench NAME] done/total` line every `every` (never, when None)."""

    name: str
    bar: ProgressBar[int]
    every: int | None
    done: int = 0

    def add(self, size: int) -> None:
        self.bar.update(size)
        self.done += size
        if self.every and not sys.stderr.isatty() and self.done % self.every == 0:
            click.echo(f"[bench {self.name}] {self.done}/{self.bar.length}", err=True)

    def reach(self, done: int) -> None:
        self.add(done - self.done)

    def one_of(self, _done: int, total: int) -> None:
        self.bar.length = total
        self.add(1)


@dataclass(frozen=True)
class Report:
    """One benchmark run at the terminal: steps and counts on stderr, then the result."""

    name: str
    as_json: bool

    def step(self, message: str) -> None:
        click.echo(f"[bench {self.name}] {message}", err=True)

    @contextmanager
    def counting(self, label: str, *, total: int, every: int | None = None) -> Iterator[Counter]:
        with click.progressbar(length=total, label=label, file=sys.stderr) as bar:
            yield Counter(self.name, bar, every)

    def show(self, result: Result, table: Callable[[Result], list[str]]) -> None:
        """The result as one JSON line with --json, else as the benchmark's lines of text."""
        if self.as_json:
            click.echo(json.dumps(result))
            return
        for line in table(result):
            click.echo(line)
