"""YAML with line numbers, and pydantic validation whose errors name the line.

PyYAML's composer keeps each node's position; we build plain Python data from the node tree and
remember, for every key path, the line it came from, so that a validation error at
``("publisher", "place")`` can point at the line of ``place:`` in the file.

A book's YAML is data from outside, so the work it can ask for is bounded: nesting deeper than
``MAX_DEPTH`` and documents that expand (through aliases) to more than ``MAX_VALUES`` values are
refused, and so are tags other than YAML's own. Dates stay text: the model reads them.
"""

from __future__ import annotations

from typing import Any, ClassVar, TypeVar

import yaml
from pydantic import BaseModel, ValidationError
from yaml.constructor import SafeConstructor
from yaml.events import AliasEvent

from bookmaker.bookfiles import check_characters
from bookmaker.diagnostics import BookError, Diagnostic, Location, did_you_mean, error

KeyPath = tuple[str | int, ...]
M = TypeVar("M", bound=BaseModel)
MAX_DEPTH = 32  # mappings and lists inside each other; book.yaml needs four
MAX_VALUES = 100_000  # values after aliases are expanded; book.yaml has a few hundred
TIMESTAMP = "tag:yaml.org,2002:timestamp"
MERGE = "tag:yaml.org,2002:merge"


class _Refused(yaml.MarkedYAMLError):
    """Something the YAML says that bookmaker will not do, at a place in the file."""

    def __init__(self, problem: str, mark: yaml.Mark, hint: str) -> None:
        super().__init__(problem=problem, problem_mark=mark)
        self.hint = hint


class _BookLoader(yaml.SafeLoader):
    """PyYAML's safe loader without implicit timestamps (a date stays as written, so that the
    model can say what is wrong with 2006-02-30), and with nesting bounded while composing."""

    yaml_implicit_resolvers: ClassVar[dict[str, list[tuple[str, Any]]]] = {
        first: [(tag, regexp) for tag, regexp in resolvers if tag != TIMESTAMP]
        for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
    }

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self.depth = 0

    def compose_node(self, parent: yaml.Node | None, index: object) -> yaml.Node:
        if self.check_event(AliasEvent):
            return super().compose_node(parent, index)
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise _Refused(f"values nested more than {MAX_DEPTH} deep",
                           self.peek_event().start_mark, "write the values out flat")
        try:
            return super().compose_node(parent, index)
        finally:
            self.depth -= 1


class YamlDoc:
    """Data parsed from YAML text, with the line of every key path."""

    def __init__(self, text: str, path: str, first_line: int = 1) -> None:
        self.path = path
        self.lines: dict[KeyPath, int] = {}
        self._offset = first_line - 1
        self._constructor = SafeConstructor()
        self._values = 0
        self._expanding: set[int] = set()  # ids of the nodes being built, to catch a cycle
        try:
            loader = _BookLoader(text)
            try:
                node = loader.get_single_node()
            finally:
                loader.dispose()
            self.empty = node is None
            self.data: Any = self._build(node, ()) if node is not None else {}
        except yaml.YAMLError as exc:
            raise self._syntax_error(exc) from None

    def _syntax_error(self, exc: yaml.YAMLError) -> BookError:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 + self._offset if mark else None
        problem = getattr(exc, "problem", None) or str(exc).split("\n", 1)[0]
        context = getattr(exc, "context_mark", None)
        if context and mark and context.line != mark.line:
            problem += f" ({exc.context} on line {context.line + 1 + self._offset})"
        if isinstance(exc, _Refused):
            return error("S001", f"YAML refused: {problem}", self.path, line, exc.hint)
        if isinstance(exc, yaml.constructor.ConstructorError):
            return error("S001", f"YAML refused: {problem}", self.path, line,
                         "remove the tag: a book's YAML holds plain values")
        return error("S001", f"YAML syntax error: {problem}", self.path, line,
                     "check indentation, colons and quotes on this line")

    def _build(self, node: yaml.Node, keypath: KeyPath) -> Any:
        self._values += 1
        if self._values > MAX_VALUES:
            raise _Refused(f"the document expands to more than {MAX_VALUES} values",
                           node.start_mark, "write the values out instead of aliases of aliases")
        if id(node) in self._expanding:
            raise _Refused("an alias refers to a value that contains it", node.start_mark,
                           "write the value out")
        self._expanding.add(id(node))
        try:
            return self._build_node(node, keypath)
        finally:
            self._expanding.discard(id(node))

    def _build_node(self, node: yaml.Node, keypath: KeyPath) -> Any:
        self.lines[keypath] = node.start_mark.line + 1 + self._offset
        if isinstance(node, yaml.MappingNode):
            return self._build_mapping(node, keypath)
        if isinstance(node, yaml.SequenceNode):
            return [self._build(item, (*keypath, i)) for i, item in enumerate(node.value)]
        return self._scalar(node)

    def _scalar(self, node: yaml.Node) -> Any:
        try:
            value = self._constructor.construct_object(node, deep=True)
            if isinstance(value, str):  # "\x01" written as an escape is no more text
                check_characters(value, self.path, node.start_mark.line + 1 + self._offset)
            return value
        except (ValueError, TypeError, OverflowError) as exc:  # !!timestamp 2006-02-30
            kind = node.tag.rsplit(":", 1)[-1]
            raise _Refused(f"{node.value!r} is not a {kind} ({exc})", node.start_mark,
                           "correct the value, or remove the tag") from None

    def _build_mapping(self, node: yaml.MappingNode, keypath: KeyPath) -> dict[Any, Any]:
        """A mapping; YAML's merge key (``<<: *defaults``) gives the keys the mapping does not
        give itself."""
        result: dict[Any, Any] = {}
        merged: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            if key_node.tag == MERGE:
                sources = (value_node.value if isinstance(value_node, yaml.SequenceNode)
                           else [value_node])
                for source in sources:
                    if not isinstance(source, yaml.MappingNode):
                        raise _Refused("'<<' merges mappings only", source.start_mark,
                                       "give '<<' a mapping or a list of mappings")
                    line = self.lines[keypath]
                    for key, value in self._build(source, keypath).items():
                        merged.setdefault(key, value)
                    self.lines[keypath] = line
                continue
            if not isinstance(key_node, yaml.ScalarNode):
                raise _Refused("a key must be a plain word, not a list or mapping",
                               key_node.start_mark, "see docs/source-format.md for the keys")
            key = self._scalar(key_node)
            if key in result:
                raise error("S001", f"key '{key}' appears twice", self.path,
                            key_node.start_mark.line + 1 + self._offset,
                            "keep one of them")
            result[key] = self._build(value_node, (*keypath, key))
            self.lines[(*keypath, key)] = key_node.start_mark.line + 1 + self._offset
        return {**merged, **result}

    def line_of(self, keypath: KeyPath) -> int | None:
        """The line of the deepest key path prefix that the file has."""
        for end in range(len(keypath), -1, -1):
            if keypath[:end] in self.lines:
                return self.lines[keypath[:end]]
        return None

    def validate(self, model: type[M], known_keys: set[str]) -> M:
        if self.empty:
            raise error("S009", "there is nothing in it", self.path, self._offset + 1,
                        "write the keys docs/source-format.md describes")
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
