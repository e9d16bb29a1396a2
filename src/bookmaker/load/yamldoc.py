"""YAML with line numbers, and pydantic validation whose errors name the line.

PyYAML's composer keeps each node's position; we build plain Python data from the node tree and
remember, for every key path, the line it came from, so that a validation error at
``("publisher", "place")`` can point at the line of ``place:`` in the file.
"""

from __future__ import annotations

from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError
from yaml.constructor import SafeConstructor

from bookmaker.diagnostics import BookError, Diagnostic, Location, did_you_mean, error

KeyPath = tuple[str | int, ...]
M = TypeVar("M", bound=BaseModel)


class YamlDoc:
    """Data parsed from YAML text, with the line of every key path."""

    def __init__(self, text: str, path: str, first_line: int = 1) -> None:
        self.path = path
        self.lines: dict[KeyPath, int] = {}
        self._offset = first_line - 1
        self._constructor = SafeConstructor()
        try:
            node = yaml.compose(text, Loader=yaml.SafeLoader)
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            line = mark.line + 1 + self._offset if mark else None
            problem = getattr(exc, "problem", None) or str(exc)
            context = getattr(exc, "context_mark", None)
            if context and mark and context.line != mark.line:
                problem += f" ({exc.context} on line {context.line + 1 + self._offset})"
            raise error("S001", f"YAML syntax error: {problem}", path, line,
                        "check indentation, colons and quotes on this line") from None
        self.data: Any = self._build(node, ()) if node is not None else {}

    def _build(self, node: yaml.Node, keypath: KeyPath) -> Any:
        self.lines[keypath] = node.start_mark.line + 1 + self._offset
        if isinstance(node, yaml.MappingNode):
            result: dict[Any, Any] = {}
            for key_node, value_node in node.value:
                key = self._constructor.construct_object(key_node, deep=True)
                if key in result:
                    raise error("S001", f"key '{key}' appears twice", self.path,
                                key_node.start_mark.line + 1 + self._offset,
                                "keep one of them")
                result[key] = self._build(value_node, (*keypath, key))
                self.lines[(*keypath, key)] = key_node.start_mark.line + 1 + self._offset
            return result
        if isinstance(node, yaml.SequenceNode):
            return [self._build(item, (*keypath, i)) for i, item in enumerate(node.value)]
        return self._constructor.construct_object(node, deep=True)

    def line_of(self, keypath: KeyPath) -> int | None:
        """The line of the deepest key path prefix that the file has."""
        for end in range(len(keypath), -1, -1):
            if keypath[:end] in self.lines:
                return self.lines[keypath[:end]]
        return None

    def validate(self, model: type[M], known_keys: set[str]) -> M:
        if not isinstance(self.data, dict):
            raise error("S003", "expected a mapping of keys to values", self.path,
                        self._offset + 1, "see docs/source-format.md")
        try:
            return model.model_validate(self.data)
        except ValidationError as exc:
            raise BookError(self._diagnostics(exc, known_keys)) from None

    def _diagnostics(self, exc: ValidationError, known_keys: set[str]) -> list[Diagnostic]:
        seen: set[KeyPath] = set()
        found: list[Diagnostic] = []
        for err in exc.errors(include_url=False):
            loc: KeyPath = tuple(err["loc"])
            # a union reports once per member; the first says enough
            loc = tuple(p for p in loc if not (isinstance(p, str) and p[:1].isupper()))
            if loc in seen:
                continue
            seen.add(loc)
            found.append(self._diagnostic(loc, err, known_keys))
        return found

    def _diagnostic(self, loc: KeyPath, err: Any, known_keys: set[str]) -> Diagnostic:
        dotted = ".".join(str(p) for p in loc) or "(top level)"
        where = Location(self.path, self.line_of(loc))
        kind = err["type"]
        if kind == "extra_forbidden":
            hint = did_you_mean(str(loc[-1]), known_keys) or "remove it; see docs/source-format.md"
            return Diagnostic("S002", f"unknown key '{dotted}'", where, hint)
        if kind == "missing":
            return Diagnostic("S009", f"missing key '{dotted}'", where,
                              "add it; see docs/source-format.md")
        message = str(err["msg"]).removeprefix("Value error, ")
        return Diagnostic("S003", f"bad value for '{dotted}': {message}", where,
                          "see docs/source-format.md")
