"""YAML that remembers where every value came from, so errors can name the line."""

from __future__ import annotations

from typing import Any

import yaml

from masterpath.errors import Problem

Path_ = tuple[str | int, ...]


class Located:
    """A parsed YAML document and the line (1-based) of every key and list entry."""

    def __init__(self, file: str, data: Any, lines: dict[Path_, int]) -> None:
        self.file = file
        self.data = data
        self.lines = lines
        self.prefix: Path_ = ()

    def line(self, path: Path_) -> int | None:
        """The line of `path`, or of its nearest ancestor that has one."""
        for end in range(len(path), -1, -1):
            if path[:end] in self.lines:
                return self.lines[path[:end]]
        return None

    def sub(self, prefix: Path_) -> Located:
        """The part of the document under `prefix`, with paths relative to it."""
        data = self.data
        for part in prefix:
            data = data[part]
        size = len(prefix)
        lines = {path[size:]: line for path, line in self.lines.items() if path[:size] == prefix}
        view = Located(self.file, data, lines)
        view.prefix = (*self.prefix, *prefix)
        return view

    def problem(self, path: Path_, message: str) -> Problem:
        field = ".".join(str(part) for part in (*self.prefix, *path))
        return Problem(message, file=self.file, line=self.line(path), field=field)


# libyaml's parser when PyYAML was built with it (several times faster); same nodes and line
# marks. Errors are reported from the pure-Python parser, whose messages are clearer.
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def parse(text: str, *, file: str) -> tuple[Located | None, list[Problem]]:
    try:
        try:
            node = yaml.compose(text, Loader=_LOADER)
        except yaml.MarkedYAMLError:  # parse again for PyYAML's clearer message
            node = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        message = f"invalid YAML: {exc.problem}"
        if exc.context and exc.context_mark and exc.context_mark.line + 1 != line:
            message += f" ({exc.context} on line {exc.context_mark.line + 1})"
        return None, [Problem(message, file=file, line=line)]
    if node is None:
        return None, [Problem("the file is empty", file=file, line=1)]
    lines: dict[Path_, int] = {(): node.start_mark.line + 1}
    problems: list[Problem] = []
    builder = _Builder(file, lines, problems)
    data = builder.build(node, ())
    return Located(file, data, lines), problems


class _Builder:
    def __init__(self, file: str, lines: dict[Path_, int], problems: list[Problem]) -> None:
        self.file = file
        self.lines = lines
        self.problems = problems
        self.scalars = yaml.SafeLoader("")

    def build(self, node: yaml.Node, path: Path_) -> Any:
        if isinstance(node, yaml.MappingNode):
            return self.mapping(node, path)
        if isinstance(node, yaml.SequenceNode):
            items = []
            for index, child in enumerate(node.value):
                self.lines[(*path, index)] = child.start_mark.line + 1
                items.append(self.build(child, (*path, index)))
            return items
        try:
            return self.scalars.construct_object(node)
        except ValueError:  # a date-shaped value that is no date (2026-13-01): the schema says so
            return str(node.value)

    def mapping(self, node: yaml.MappingNode, path: Path_) -> dict[str, Any]:
        result: dict[str, Any] = {}
        for key_node, value_node in node.value:
            key = str(key_node.value)
            line = key_node.start_mark.line + 1
            if key in result:
                self.problems.append(Problem(f"duplicate key {key!r}", file=self.file, line=line))
            self.lines[(*path, key)] = line
            result[key] = self.build(value_node, (*path, key))
        return result
