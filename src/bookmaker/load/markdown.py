"""Chapter Markdown -> model blocks, through markdown-it-py.

CommonMark with tables, footnotes and three fenced containers (verse, signature, salutation).
Raw HTML is parsed only so that it can be reported with its line: markup is the renderer's job.
"""

from __future__ import annotations

from collections.abc import Callable

from markdown_it import MarkdownIt
from markdown_it.token import Token
from markdown_it.tree import SyntaxTreeNode
from mdit_py_plugins.container import container_plugin
from mdit_py_plugins.footnote import footnote_plugin

from bookmaker.diagnostics import error
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
    Paragraph,
    SoftBreak,
    Table,
    TableCell,
    Text,
    ThematicBreak,
)

FENCED_KINDS = ("verse", "signature", "salutation")


def _parser() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": True}).enable("table").use(footnote_plugin)
    for kind in FENCED_KINDS:
        md.use(container_plugin, name=kind)
    return md


_MARKDOWN = _parser()


def parse_tokens(text: str) -> list[Token]:
    """The block and inline tokens of a chapter body, with their lines (for ``lint``)."""
    return _MARKDOWN.parse(text)


class ChapterParser:
    """Turns one chapter's Markdown body into blocks and footnotes.

    ``path`` and ``first_line`` place the body in its file, so that errors name the right line.
    ``on_image`` is called with each image path and its line, and returns the path to keep.
    Heading ids start with ``id_prefix``, so that they are unique across the whole book (the
    print edition is one document).
    """

    def __init__(self, path: str, first_line: int, on_image: Callable[[str, int | None], str],
                 id_prefix: str = "") -> None:
        self.path = path
        self.id_prefix = id_prefix
        self.first_line = first_line
        self.on_image = on_image
        self.section_count = 0

    def parse(self, text: str) -> tuple[list[Block], list[Footnote]]:
        root = SyntaxTreeNode(_MARKDOWN.parse(text))
        blocks: list[Block] = []
        footnotes: list[Footnote] = []
        for node in root.children:
            if node.type == "footnote_block":
                footnotes = [self._footnote(n) for n in node.children]
            else:
                blocks.extend(self._block(node))
        return blocks, footnotes

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
            name = kind.removeprefix("container_")
            return [Container(kind=name, children=self._blocks(node.children))]  # type: ignore[arg-type]
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

    def _blocks(self, nodes: list[SyntaxTreeNode]) -> list[Block]:
        return [b for n in nodes for b in self._block(n)]

    def _paragraph(self, node: SyntaxTreeNode) -> Block:
        inline = node.children[0]
        only = [c for c in inline.children if not (c.type == "text" and not c.content.strip())]
        if len(only) == 1 and only[0].type == "image":
            return self._figure(only[0])
        return Paragraph(children=self._inlines(inline.children), line=self._line(node))

    def _heading(self, node: SyntaxTreeNode) -> Heading:
        level = int(node.tag[1])
        if level == 1:
            self._refuse(node, "a chapter has no '#' heading: its title is in the front matter",
                         "use '##' for sections")
        if level > 4:
            self._refuse(node, f"heading level {level} is too deep", "use ##, ### or ####")
        self.section_count += 1
        return Heading(level=level, id=f"{self.id_prefix}s{self.section_count}",
                       children=self._inlines(node.children[0].children), line=self._line(node))

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
            return [[self._cell(cell) for cell in row.children] for row in section.children]

        head = [rows(s) for s in node.children if s.type == "thead"]
        body = [rows(s) for s in node.children if s.type == "tbody"]
        return Table(head=head[0] if head else [], body=body[0] if body else [],
                     line=self._line(node))

    def _cell(self, node: SyntaxTreeNode) -> TableCell:
        style = str(node.attrs.get("style", ""))
        align = style.removeprefix("text-align:") or None
        children = self._inlines(node.children[0].children) if node.children else []
        return TableCell(header=node.type == "th", align=align, children=children)  # type: ignore[arg-type]

    def _footnote(self, node: SyntaxTreeNode) -> Footnote:
        blocks = self._blocks([c for c in node.children if c.type != "footnote_anchor"])
        return Footnote(number=int(node.meta["id"]) + 1, children=blocks)

    # -- inlines ----------------------------------------------------------------------------

    def _inlines(self, nodes: list[SyntaxTreeNode]) -> list[Inline]:
        result: list[Inline] = []
        for node in nodes:
            kind = node.type
            if kind == "text":
                result.append(Text(text=node.content))
            elif kind == "softbreak":
                result.append(SoftBreak())
            elif kind == "hardbreak":
                result.append(LineBreak())
            elif kind == "code_inline":
                result.append(Code(text=node.content))
            elif kind in ("em", "strong"):
                result.append(Emphasis(type=kind, children=self._inlines(node.children)))
            elif kind == "link":
                result.append(Link(href=str(node.attrs["href"]),
                                   children=self._inlines(node.children)))
            elif kind == "footnote_ref":
                result.append(NoteRef(number=int(node.meta["id"]) + 1))
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

