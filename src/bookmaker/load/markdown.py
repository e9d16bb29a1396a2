"""Chapter Markdown -> model blocks, through markdown-it-py.

CommonMark with tables, footnotes and three fenced containers (verse, signature, salutation).
Raw HTML is parsed only so that it can be reported with its line: markup is the renderer's job.
The parser is strict where Markdown is lenient, because what Markdown forgives is printed
wrongly: a note reference without a note, an unknown or unclosed container, a table row with
too many or too few cells are errors naming their line; a note never referred to is a warning.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable

from markdown_it import MarkdownIt
from markdown_it.rules_block.table import escapedSplit
from markdown_it.rules_core import StateCore
from markdown_it.token import Token
from markdown_it.tree import SyntaxTreeNode
from mdit_py_plugins.container import container_plugin
from mdit_py_plugins.footnote import footnote_plugin

from bookmaker.bookfiles import check_characters
from bookmaker.diagnostics import Diagnostic, Location, Severity, did_you_mean, error
from bookmaker.model import (
    Block,
    Code,
    Container,
    Emphasis,
    Figure,
    Footnote,
    Heading,
    Inline,
    LineBreak,
    Link,
    ListBlock,
    NoteRef,
    Omission,
    Paragraph,
    SoftBreak,
    Table,
    TableCell,
    Text,
    ThematicBreak,
    plain_text,
)

FENCED_KINDS = ("verse", "signature", "salutation")
UNKNOWN_CONTAINER = "container_unknown"
OMISSION = re.compile(r"(……){1,2}")  # a paragraph of only this marks text left out
TABLE_CAPTION = re.compile(r"(?:Table)?:\s*(.+)", re.DOTALL)  # pandoc's "Table: …" or ": …"
CLOSING_FENCE = re.compile(r"[\s>]*:{3,}\s*")
DELIMITER_ROW = re.compile(r"\s*\|?\s*:?-+:?\s*(\|\s*:?-+:?\s*)*\|?\s*")


def _record_footnote_definitions(state: StateCore) -> None:
    """Keep each footnote definition's label and line: the footnote plugin drops the ones
    that are never referred to, and lets a second definition of a label pass."""
    state.env["definitions"] = [(token.meta["label"], token.map[0] if token.map else 0)
                                for token in state.tokens
                                if token.type == "footnote_reference_open"]


# Blocks and inlines inside each other (a list in a quote, emphasis in a link …). markdown-it
# parses up to PARSER_NESTING and quietly drops what lies deeper; anything beyond MAX_NESTING
# is refused, so that nothing is lost and the work stays bounded.
MAX_NESTING = 16
PARSER_NESTING = 50


def _parser() -> MarkdownIt:
    # always_match_refs: a reference to an undefined note becomes a node, to be reported
    md = (MarkdownIt("commonmark", {"html": True, "maxNesting": PARSER_NESTING})
          .enable("table").use(footnote_plugin, always_match_refs=True))
    md.core.ruler.before("footnote_tail", "record_footnote_definitions",
                         _record_footnote_definitions)
    for kind in FENCED_KINDS:
        md.use(container_plugin, name=kind)
    # tried after the known names: any other `:::` line, to be reported
    md.use(container_plugin, name=UNKNOWN_CONTAINER.removeprefix("container_"),
           validate=lambda params, markup: True)
    # every link reaches the loader, which refuses active ones (javascript: …) by name rather
    # than leaving them as text
    md.validateLink = lambda url: True  # type: ignore[method-assign]
    return md


_MARKDOWN = _parser()


def parse_tokens(text: str) -> list[Token]:
    """The block and inline tokens of a chapter body, with their lines (for ``lint``)."""
    return _MARKDOWN.parse(text)


class ChapterParser:
    """Turns one chapter's Markdown body into blocks and footnotes.

    ``path`` and ``first_line`` place the body in its file, so that errors name the right line.
    ``on_image`` is called with each image path and its line, and returns the path to keep;
    ``on_link`` likewise with each link's target. Heading ids start with ``id_prefix``, so
    that they are unique across the whole book (the print edition is one document).
    """

    def __init__(self, path: str, first_line: int, on_image: Callable[[str, int | None], str],
                 id_prefix: str = "",
                 warn: Callable[[Diagnostic], None] = lambda diagnostic: None,
                 on_link: Callable[[str, int | None], str] = lambda href, line: href) -> None:
        self.path = path
        self.id_prefix = id_prefix
        self.first_line = first_line
        self.on_image = on_image
        self.on_link = on_link
        self.warn = warn
        self.section_count = 0
        self.source_lines: list[str] = []
        self.defined: set[str] = set()
        self.note_numbers: dict[int, int] = {}  # markdown-it's note id -> the number printed
        self.inline_line: int | None = None  # the line of the inline content being read

    def parse(self, text: str) -> tuple[list[Block], list[Footnote]]:
        env: dict = {}
        tokens = _MARKDOWN.parse(text, env)
        self._check_tokens(tokens)
        root = SyntaxTreeNode(tokens)
        self.source_lines = text.splitlines()
        self.defined = self._check_definitions(env.get("definitions", []), env)
        blocks: list[Block] = []
        footnotes: list[Footnote] = []
        kept = self._notes_reached_from_the_text(tokens, env)
        # the notes numbered as printed: ①② … in the order of the notes kept
        self.note_numbers = {note: number for number, note in enumerate(kept, start=1)}
        for node in root.children:
            if node.type == "footnote_block":
                footnotes = [self._footnote(n) for n in node.children
                             if int(n.meta["id"]) in self.note_numbers]
            else:
                blocks.extend(self._block(node))
        self._check_references_in_unused_notes(env)
        return self._attach_captions(blocks), footnotes

    def _notes_reached_from_the_text(self, tokens: list[Token], env: dict) -> list[int]:
        """The notes (markdown-it's ids, in order) the text refers to, directly or through a
        note it refers to. A note referred to only from a note the text never refers to would
        be printed with a back link to nowhere: it is left out with M004, as an unused note
        is."""
        refers: dict[str | None, set[str]] = {}  # None: the text itself
        notes: dict[int, str | None] = {}  # the notes markdown-it keeps, by id
        note = None
        for token in tokens:
            if token.type == "footnote_open":
                note = token.meta.get("label")
                notes[int(token.meta["id"])] = note
            elif token.type == "footnote_close":
                note = None
            for child in token.children or ():
                if child.type == "footnote_ref" and child.meta.get("label") is not None:
                    refers.setdefault(note, set()).add(child.meta["label"])
        reached: set[str] = set()
        todo = list(refers.get(None, ()))
        while todo:
            label = todo.pop()
            if label not in reached:
                reached.add(label)
                todo += refers.get(label, ())
        lines = dict(reversed(env.get("definitions", [])))
        kept = []
        for note_id, label in sorted(notes.items()):
            if label is None or label in reached or label not in lines:
                kept.append(note_id)  # an inline note, or one the text reaches (or undefined:
                continue              # M001 reports it)
            self.warn(Diagnostic(
                "M004", f"the footnote [^{label}] is referred to only from notes the text "
                "never refers to", Location(self.path, lines[label] + self.first_line),
                f"refer to [^{label}] from the text, or delete the note", Severity.WARNING))
        return kept

    def _check_references_in_unused_notes(self, env: dict) -> None:
        """M001 for a reference that only a note never referred to makes: markdown-it still
        lists it, and the text that holds it is dropped, so the reader would get an empty note
        (the references of the text are checked where they stand, with their line)."""
        for note in env.get("footnotes", {}).get("list", {}).values():
            label = note.get("label")
            if label is not None and label not in self.defined:
                line = next((number for number, text in enumerate(self.source_lines)
                             if f"[^{label}]" in text and not text.startswith(f"[^{label}]:")),
                            0)
                self.inline_line = line + self.first_line
                self._check_defined(label)

    def _check_tokens(self, tokens: list[Token]) -> None:
        """Refuses nesting beyond ``MAX_NESTING``, and characters that are not text made by
        character references (``&#12;``)."""
        line = None
        for token in tokens:
            line = token.map[0] + self.first_line if token.map else line
            depth = token.level + max((child.level for child in token.children or ()), default=0)
            if depth > MAX_NESTING:
                raise error("S015", f"the text is nested more than {MAX_NESTING} deep (quotes, "
                            "lists, emphasis inside each other)", self.path, line,
                            "write it flatter; check for stray '*', '_' or '>'")
            for child in token.children or ():
                for text in (child.content, *map(str, child.attrs.values())):
                    check_characters(text, self.path, line or self.first_line)

    def _check_definitions(self, definitions: list[tuple[str, int]], env: dict) -> set[str]:
        """The labels defined once each; a second definition is an error, a definition never
        referred to a warning."""
        seen: Counter[str] = Counter()
        for label, line in definitions:
            seen[label] += 1
            if seen[label] == 2:
                raise error("M005", f"the footnote [^{label}] is defined twice", self.path,
                            line + self.first_line,
                            "give each note its own label, or delete one of the two")
        referenced = {note.get("label") for note in env.get("footnotes", {})
                      .get("list", {}).values()}
        for label, line in definitions:
            if label not in referenced:
                self.warn(Diagnostic(
                    "M004", f"the footnote [^{label}] is never referred to",
                    Location(self.path, line + self.first_line),
                    f"put [^{label}] where the note belongs in the text, or delete the note",
                    Severity.WARNING))
        return set(seen)

    def _line(self, node: SyntaxTreeNode) -> int | None:
        while node is not None:
            if node.map:
                return node.map[0] + self.first_line
            node = node.parent  # type: ignore[assignment]
        return None

    def _refuse(self, node: SyntaxTreeNode, what: str, hint: str) -> None:
        raise error("S007", what, self.path, self._line(node), hint)

    # -- blocks -----------------------------------------------------------------------------

    def _block(self, node: SyntaxTreeNode) -> list[Block]:
        kind = node.type
        if kind == "paragraph":
            return [self._paragraph(node)]
        if kind == "heading":
            return [self._heading(node)]
        if kind == "blockquote":
            return [Container(kind="blockquote", children=self._blocks(node.children))]
        if kind.startswith("container_"):
            return [self._container(node)]
        if kind in ("bullet_list", "ordered_list"):
            start = int(node.attrs.get("start", 1))
            items = [self._blocks(item.children) for item in node.children]
            return [ListBlock(ordered=kind == "ordered_list", start=start, items=items)]
        if kind == "table":
            return [self._table(node)]
        if kind == "hr":
            return [ThematicBreak()]
        if kind == "html_block":
            self._refuse(node, "raw HTML is not allowed in a chapter",
                         "write it in Markdown; the renderer makes the markup")
        if kind in ("code_block", "fence"):
            self._refuse(node, "code blocks are not part of the book format",
                         "remove the indentation or the ``` fence; indent paragraphs with nothing")
        self._refuse(node, f"unsupported Markdown block '{kind}'", "see docs/source-format.md")
        return []

    def _container(self, node: SyntaxTreeNode) -> Container:
        if node.type == UNKNOWN_CONTAINER:
            name = node.info.strip()
            if not name:
                self._refuse_as("M002", node, "a ':::' line that opens no known container",
                                "a container starts '::: verse', '::: signature' or "
                                "'::: salutation' and ends with a line ':::'")
            self._refuse_as("M002", node, f"unknown container '::: {name}'",
                            (did_you_mean(name.split()[0], FENCED_KINDS) + " ").lstrip()
                            + f"the containers are {', '.join(FENCED_KINDS)}")
        name = node.type.removeprefix("container_")
        inner = next((c for c in node.children if c.type.startswith("container_")), None)
        end = node.map[1] if node.map else len(self.source_lines)
        closed = end < len(self.source_lines) and CLOSING_FENCE.fullmatch(self.source_lines[end])
        if inner is not None or not closed:
            until = (f"before the '{inner.markup} {inner.info.strip()}' on line "
                     f"{self._line(inner)}" if inner is not None
                     else "before the end of the chapter or block quote")
            self._refuse_as("M003", node, f"'::: {name}' is not closed {until}",
                            "end it with a line ':::' (containers do not nest)")
        return Container(kind=name, children=self._blocks(node.children))  # type: ignore[arg-type]

    def _refuse_as(self, code: str, node: SyntaxTreeNode, what: str, hint: str) -> None:
        raise error(code, what, self.path, self._line(node), hint)

    def _blocks(self, nodes: list[SyntaxTreeNode]) -> list[Block]:
        return self._attach_captions([b for n in nodes for b in self._block(n)])

    def _attach_captions(self, blocks: list[Block]) -> list[Block]:
        """A paragraph ``: caption`` (or ``Table: caption``, as pandoc writes it) just before
        or after a table is that table's caption; anywhere else it is a mistake."""
        result: list[Block] = []
        for block in blocks:
            previous = result[-1] if result else None
            if isinstance(block, Table) and _caption_of(previous) is not None and not block.caption:
                result[-1] = block.model_copy(update={"caption": _caption_of(previous)})
            elif (_caption_of(block) is not None and isinstance(previous, Table)
                  and not previous.caption):
                result[-1] = previous.model_copy(update={"caption": _caption_of(block)})
            else:
                result.append(block)
        for block in result:
            if _caption_of(block) is not None:
                raise error("M007", "a table caption with no table next to it", self.path,
                            block.line,  # type: ignore[union-attr]
                            "put ': caption' on its own paragraph right before or after the "
                            "table, with a blank line between")
        return result

    def _paragraph(self, node: SyntaxTreeNode) -> Block:
        inline = node.children[0]
        only = [c for c in inline.children if not (c.type == "text" and not c.content.strip())]
        if len(only) == 1 and only[0].type == "image":
            return self._figure(only[0])
        if OMISSION.fullmatch(inline.content.strip()):
            return Omission(line=self._line(node))
        self._check_not_a_broken_table(node)
        return Paragraph(children=self._inlines_of(inline), line=self._line(node))

    def _check_not_a_broken_table(self, node: SyntaxTreeNode) -> None:
        """A table whose delimiter row has more or fewer cells than its header is no table
        to Markdown: it would be printed as a paragraph of bars and dashes."""
        lines = node.children[0].content.split("\n")
        for offset, line in enumerate(lines[1:], start=1):
            header, delimiter = _cell_count(lines[offset - 1]), _cell_count(line)
            if "|" in line and DELIMITER_ROW.fullmatch(line) and header != delimiter:
                line_number = (self._line(node) or 0) + offset
                raise error("M006", f"the table's header has {header} cells and the row "
                            f"under it {delimiter}", self.path, line_number,
                            "give the '---' row one cell per column of the header")

    def _heading(self, node: SyntaxTreeNode) -> Heading:
        level = int(node.tag[1])
        if level == 1:
            self._refuse(node, "a chapter has no '#' heading: its title is in the front matter",
                         "use '##' for sections")
        if level > 4:
            self._refuse(node, f"heading level {level} is too deep", "use ##, ### or ####")
        children = self._inlines_of(node.children[0])
        if not plain_text(children).strip():  # it would be an empty entry of the contents
            self._refuse(node, "a heading needs words", "write the heading, or delete the line")
        self.section_count += 1
        return Heading(level=level, id=f"{self.id_prefix}s{self.section_count}",
                       children=children, line=self._line(node))

    def _figure(self, node: SyntaxTreeNode) -> Figure:
        alt = "".join(c.content for c in node.children if c.type == "text").strip()
        if not alt:
            self._refuse(node, "an image needs a description (alt text)",
                         "write it in the brackets: ![what the picture shows](path)")
        line = self._line(node)
        src = self.on_image(str(node.attrs["src"]), line)
        return Figure(src=src, alt=alt, caption=str(node.attrs.get("title") or ""), line=line)

    def _table(self, node: SyntaxTreeNode) -> Table:
        def rows(section: SyntaxTreeNode) -> list[list[TableCell]]:
            return [self._row(row) for row in section.children]

        head = [rows(s) for s in node.children if s.type == "thead"]
        body = [rows(s) for s in node.children if s.type == "tbody"]
        return Table(head=head[0] if head else [], body=body[0] if body else [],
                     line=self._line(node))

    def _row(self, row: SyntaxTreeNode) -> list[TableCell]:
        """The cells of a row, which must be as many as the header's: Markdown pads a short
        row with empty cells and drops the cells of a long one."""
        if row.map and row.map[0] < len(self.source_lines):
            written = _cell_count(self.source_lines[row.map[0]])
            if written != len(row.children):
                raise error("M006", f"a table row has {written} cells, the header "
                            f"{len(row.children)}", self.path, self._line(row),
                            "add or remove a '|' so that every row has one cell per column "
                            "(a bar inside a cell is written '\\|')")
        return [self._cell(cell) for cell in row.children]

    def _cell(self, node: SyntaxTreeNode) -> TableCell:
        style = str(node.attrs.get("style", ""))
        align = style.removeprefix("text-align:") or None
        children = self._inlines_of(node.children[0]) if node.children else []
        return TableCell(header=node.type == "th", align=align, children=children)  # type: ignore[arg-type]

    def _footnote(self, node: SyntaxTreeNode) -> Footnote:
        blocks = self._blocks([c for c in node.children if c.type != "footnote_anchor"])
        return Footnote(number=self.note_numbers[int(node.meta["id"])], children=blocks)

    # -- inlines ----------------------------------------------------------------------------

    def _inlines_of(self, inline: SyntaxTreeNode) -> list[Inline]:
        """The content of an ``inline`` node, its lines counted so that a problem inside it is
        reported on its own line."""
        self.inline_line = self._line(inline)
        return self._inlines(inline.children)

    def _inlines(self, nodes: list[SyntaxTreeNode]) -> list[Inline]:
        result: list[Inline] = []
        for node in nodes:
            kind = node.type
            if kind == "text":
                result.append(Text(text=node.content))
            elif kind == "softbreak":
                result.append(SoftBreak())
                self._next_line()
            elif kind == "hardbreak":
                result.append(LineBreak())
                self._next_line()
            elif kind == "code_inline":
                result.append(Code(text=node.content))
            elif kind in ("em", "strong"):
                result.append(Emphasis(type=kind, children=self._inlines(node.children)))
            elif kind == "link":
                href = self.on_link(str(node.attrs["href"]), self.inline_line)
                result.append(Link(href=href, children=self._inlines(node.children)))
            elif kind == "footnote_ref":
                self._check_defined(node.meta.get("label"))  # ^[…] notes have none
                result.append(NoteRef(number=self.note_numbers[int(node.meta["id"])],
                                      call=int(node.meta.get("subId", 0)) + 1))
            elif kind == "html_inline":
                self._refuse(node, f"raw HTML is not allowed in a chapter: {node.content}",
                             "write it in Markdown; the renderer makes the markup")
            elif kind == "image":
                self._refuse(node, "an image must stand in a paragraph of its own",
                             "put a blank line before and after it")
            else:
                self._refuse(node, f"unsupported Markdown inline '{kind}'",
                             "see docs/source-format.md")
        return result

    def _next_line(self) -> None:
        if self.inline_line is not None:
            self.inline_line += 1

    def _check_defined(self, label: str | None) -> None:
        if label is not None and label not in self.defined:
            raise error("M001", f"the footnote [^{label}] is referred to but not defined",
                        self.path, self.inline_line,
                        f"add the note as a line '[^{label}]: 注文' after the paragraph, or "
                        "correct the label")


def _caption_of(block: Block | None) -> list[Inline] | None:
    """The caption a paragraph gives the table next to it, if it is a caption paragraph."""
    if not isinstance(block, Paragraph):
        return None
    match = TABLE_CAPTION.fullmatch(plain_text(block.children).strip())
    return [Text(text=match.group(1).strip())] if match else None


def _cell_count(row: str) -> int:
    """How many cells a table row of the source has, split as Markdown splits it."""
    cells = escapedSplit(re.sub(r"^[\s>]*", "", row).strip())
    if cells and cells[0] == "":
        cells.pop(0)
    if cells and cells[-1] == "":
        cells.pop()
    return len(cells)
