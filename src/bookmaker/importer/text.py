"""Plain text extracted from print or PDF -> chapters, with a list of every change.

The text is read as blocks (runs of non-blank lines) that keep their line numbers. Chapters are
found by their shape: a short title after a page break (two or more blank lines), then short
lines (a date, a byline, a salutation), then prose. Inside a chapter, paragraphs broken by a page
break or a wrapped line are joined, a character repeated across the break dropped, numbered
headings marked, and the safe fixes of ``bookmaker lint`` applied (spacing, half-width
punctuation) together with the OCR corrections it is sure of. Whatever is not sure is left as
it is and listed as uncertain: ``bookmaker lint`` warns about it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from stdnum import isbn as stdnum_isbn

from bookmaker.han import is_han
from bookmaker.importer.markdown import escape
from bookmaker.importer.model import Correction, ImportedBook, ImportedChapter
from bookmaker.lint import lint_text
from bookmaker.lint.artifacts import ends_mid_sentence, looks_like_heading, paragraph_breaks
from bookmaker.lint.registry import Context, Finding, Fix, rules
from bookmaker.lint.text import ProseLine, SourceText, TextBlock, plain_blocks

PAGE_BREAK = 2  # blank lines
TITLE_LENGTH = 60  # characters, spaces left out
PROSE_LENGTH = 40
SENTENCE_END = "。！？…"
CLOSING_MARKS = "”’」』）》"
DATE_LINE = re.compile(r"^[（(]?(\d{4})年(\d{1,2})月(?:(\d{1,2})日)?[）)]?$")
KIND_BY_TITLE = {"序": "preface", "序言": "preface", "自序": "preface", "代序": "preface",
                 "前言": "foreword", "引言": "introduction", "导言": "introduction",
                 "导论": "introduction", "后记": "afterword", "跋": "afterword",
                 "附录": "appendix"}
KIND_BY_ENDING = {"讲话": "speech", "致辞": "speech", "发言": "speech"}
# The rules whose findings an import corrects (the safe fixes, and OCR where it is sure) or
# lists as uncertain.
CORRECTING = ("PN001", "PN002", "PN006", "PN007", "SP001", "SP002", "AR003")
CIP_DESCRIPTION = re.compile(r"^(?P<title>[^/]+)/(?P<names>.+?)(?P<role>主编|编著|编|著|译)\.?$")
CIP_IMPRINT = re.compile(r"^(?P<place>[^：:]+)[：:](?P<publisher>[^，,]+)[，,](?P<year>\d{4})$")
ISBN = re.compile(r"ISBN[\s:：]*([0-9][0-9Xx \-]{8,24}[0-9Xx])")
ROLES = {"主编": "chief-editor", "编著": "compiler", "编": "editor", "著": "author",
         "译": "translator"}
CORPORATE_ENDINGS = ("小组", "会", "社", "部", "局", "院", "所", "中心", "委员会", "办公室")


def squeezed(block: TextBlock) -> str:
    return re.sub(r"\s+", "", block.text)


def is_prose(block: TextBlock) -> bool:
    """A paragraph of running text: long, with commas or full stops, ending a sentence or
    broken off in one."""
    text = squeezed(block)
    if len(text) < PROSE_LENGTH or not re.search("[，。]", text):
        return False
    ends = text[-1] in SENTENCE_END or (text[-1] in CLOSING_MARKS and text[-2] in SENTENCE_END)
    return ends or ends_mid_sentence(text)


def is_short(block: TextBlock) -> bool:
    return len(squeezed(block)) <= TITLE_LENGTH and not is_prose(block) and not (
        looks_like_heading(block.text))


def is_title(block: TextBlock) -> bool:
    text = squeezed(block)
    return (is_short(block) and any(is_han(c) for c in text)
            and text[-1] not in "。！？；：，、" and not DATE_LINE.match(text))


@dataclass(frozen=True)
class ChapterStart:
    title: int  # index of the title block
    body: int  # index of the first prose block; the blocks between are its intro


def chapter_starts(blocks: tuple[TextBlock, ...]) -> list[ChapterStart]:
    def gap_before(i: int) -> int:
        return blocks[i].first_line - blocks[i - 1].last_line - 1 if i else PAGE_BREAK

    starts: list[ChapterStart] = []
    for body, block in enumerate(blocks):
        if not is_prose(block) or (starts and body <= starts[-1].body):
            continue
        title = body
        while title > 0 and gap_before(title) < PAGE_BREAK and is_short(blocks[title - 1]):
            title -= 1
        if title == body and title > 0 and gap_before(title - 1) >= PAGE_BREAK:
            title -= 1  # a title alone on its page, or set apart by blank lines
        if title == body or gap_before(title) < PAGE_BREAK or not is_title(blocks[title]):
            continue
        previous = blocks[title - 1] if title else None
        if previous and is_prose(previous) and ends_mid_sentence(squeezed(previous)):
            continue  # a page break inside a paragraph, not before a title
        if starts and title <= starts[-1].body:
            continue
        starts.append(ChapterStart(title, body))
    return starts


def import_text(text: str, source: str, title: str | None = None,
                language: str = "zh-Hans") -> ImportedBook:
    blocks = plain_blocks(text.replace("\r\n", "\n").removeprefix("\ufeff"))
    starts = chapter_starts(blocks)
    corrections: list[Correction] = []
    chapters: list[ImportedChapter] = []
    if not starts:
        chapter = ImportedChapter(title=title or source, body="")
        chapters.append(chapter)
        chapter.body = body_markdown(list(blocks), source, language, corrections)
    for number, start in enumerate(starts):
        end = starts[number + 1].title if number + 1 < len(starts) else len(blocks)
        chapter, intro_body = chapter_head(blocks[start.title], blocks[start.title + 1:start.body],
                                           corrections)
        chapter.body = body_markdown([*intro_body, *blocks[start.body:end]], source, language,
                                     corrections)
        chapters.append(chapter)
    last = blocks[-1] if blocks else None
    if starts and last and ends_mid_sentence(squeezed(last)):
        chapters[-1].excerpt = True
        corrections.append(Correction(f"L{last.last_line}", "excerpt", f"`…{last.text[-8:]}`",
                                      "`excerpt: true`"))
    front = blocks[:starts[0].title] if starts else ()
    book = ImportedBook(source, chapters, corrections)
    if front:
        book.front_matter = "\n".join(line for b in front for line in
                                      [*(p.text for p in b.lines), ""])
        book.meta = front_matter_data(front)
        corrections.insert(0, Correction(
            f"L{front[0].first_line}–L{front[-1].last_line}", "front matter", "title pages, "
            "copyright page", "not in the chapters: front-matter.txt, book.yaml"))
    if title:
        book.meta["title"] = title
    return book


def chapter_head(title: TextBlock, intro: tuple[TextBlock, ...],
                 corrections: list[Correction]) -> tuple[ImportedChapter, list[TextBlock]]:
    """The chapter's front matter from its title and intro lines; the salutation stays in the
    body."""
    parts = [part for line in title.lines for part in line.text.split()]
    name = "".join(parts)
    chapter = ImportedChapter(title=name, body="", kind=chapter_kind(name))
    if len(parts) > 1:
        chapter.title_lines = parts
        corrections.append(Correction(lines(title), "wrapped title", f"`{title.text}`",
                                      f"title `{name}`, title_lines {' / '.join(parts)}"))
    body: list[TextBlock] = []
    for block in intro:
        text = squeezed(block)
        date = DATE_LINE.match(text)
        if date:
            year, month, day = date.groups()
            chapter.date = "-".join([year, f"{int(month):02d}", *([f"{int(day):02d}"] if day
                                                                  else [])])
            corrections.append(Correction(lines(block), "date line", f"`{block.text}`",
                                          f"`date: {chapter.date}`"))
        elif text.endswith("："):
            body.append(replace(block, kind="salutation"))
        else:
            author = byline(block)
            chapter.authors.append(author)
            offices = "、".join(author.get("offices", []))  # type: ignore[arg-type]
            corrections.append(Correction(lines(block), "byline",
                                          " ⏎ ".join(f"`{p.text}`" for p in block.lines),
                                          f"authors: {author['name']}"
                                          + (f", offices {offices}" if offices else "")))
    return chapter, body


def chapter_kind(title: str) -> str:
    if title in KIND_BY_TITLE:
        return KIND_BY_TITLE[title]
    return next((kind for ending, kind in KIND_BY_ENDING.items() if title.endswith(ending)),
                "chapter")


def byline(block: TextBlock) -> dict[str, object]:
    """Offices on the lines before the name, or before it on its line: 中共北京市委书记 刘淇."""
    *offices, last = [p.text.split() for p in block.lines]
    name_parts = [last.pop()]
    while last and len(last[-1]) == 1 and len(name_parts[0]) == 1:  # a padded name: 张 清
        name_parts.insert(0, last.pop())
    author: dict[str, object] = {"name": "".join(name_parts)}
    titles = ["".join(parts) for parts in [*offices, last] if parts]
    if titles:
        author["offices"] = titles
    return author


def lines(block: TextBlock) -> str:
    first, last = block.first_line, block.last_line
    return f"L{first}" if first == last else f"L{first}–L{last}"


def body_markdown(blocks: list[TextBlock], source: str, language: str,
                  corrections: list[Correction]) -> str:
    marked = [heading(b) for b in blocks]
    joined = join_broken(SourceText(source, tuple(marked)), corrections)
    fixed = apply_corrections(joined, language, corrections)
    return "\n\n".join(markdown_block(b) for b in fixed.blocks) + "\n"


def heading(block: TextBlock) -> TextBlock:
    if block.kind != "paragraph" or not looks_like_heading(block.text):
        return block
    level = 3 if block.text.startswith(("（", "(")) else 2
    return replace(block, kind="heading", level=level)


def join_broken(source: SourceText, corrections: list[Correction]) -> SourceText:
    """The paragraphs broken mid-sentence joined where that is sure; listed either way."""
    joins: dict[int, bool] = {}  # id of the block that goes on the one before: drop its 1st char
    for found in paragraph_breaks(source):
        where = f"L{found.before.last_line}/L{found.after.first_line}"
        breaks = " ⏎" * (found.gap + 1)
        before = f"`{found.before.text[-6:]}`{breaks} `{found.after.text[:6]}`"
        drop = found.repeated and found.certain
        after = found.before.text[-6:] + found.after.text[1 if drop else 0:][:6]
        what = "page-break join" if found.page_break else "paragraph split mid-sentence"
        corrections.append(Correction(where, what, before, f"`{after}`", found.certain,
                                      "AR002"))
        if found.repeated:
            char = found.after.text[0]
            corrections.append(Correction(where, "repeated character", f"`{char}` ⏎ `{char}`",
                                          f"`{char}`", found.certain, "AR001"))
        if found.certain:
            joins[id(found.after)] = drop
    merged: list[TextBlock] = []
    for block in source.blocks:
        if id(block) in joins and merged:
            first = block.lines[0]
            if joins[id(block)]:
                first = ProseLine(first.line, first.text[1:], first.columns[1:])
            merged[-1] = replace(merged[-1], lines=(*merged[-1].lines, first, *block.lines[1:]))
        else:
            merged.append(block)
    return replace(source, blocks=tuple(merged))


def apply_corrections(source: SourceText, language: str,
                      corrections: list[Correction]) -> SourceText:
    context = Context(language=language)
    applied: list[Finding] = []
    for found in lint_text(source, context, CORRECTING):
        if found.fix is None:
            continue
        sure = rules()[found.code].fix or found.certain
        line = found.fix.line
        block = next(b for b in source.blocks if any(p.line == line for p in b.lines))
        prose = next(p for p in block.lines if p.line == line)
        before, after = excerpt(prose, found.fix)
        what = rules()[found.code].summary
        corrections.append(Correction(f"L{line}", what, f"`{before}`", f"`{after}`", sure,
                                      found.code))
        if sure:
            applied.append(found)
    return replace(source, blocks=tuple(fix_block(b, applied) for b in source.blocks))


def excerpt(prose: ProseLine, fix: Fix, around: int = 5) -> tuple[str, str]:
    index = prose.columns.index(fix.column)
    start, end = max(0, index - around), index + fix.length + around
    before = prose.text[start:end]
    after = prose.text[start:index] + fix.replacement + prose.text[index + fix.length:end]
    return before, after


def fix_block(block: TextBlock, applied: list[Finding]) -> TextBlock:
    lines = []
    for prose in block.lines:
        text = prose.text
        fixes = sorted((f.fix for f in applied if f.fix and f.fix.line == prose.line),
                       key=lambda fix: fix.column, reverse=True)
        for fix in fixes:
            index = prose.columns.index(fix.column)
            text = text[:index] + fix.replacement + text[index + fix.length:]
        lines.append(ProseLine.plain(prose.line, text) if fixes else prose)
    return replace(block, lines=tuple(lines))


def markdown_block(block: TextBlock) -> str:
    text = joined_lines(block)
    if block.kind == "heading":
        return f"{'#' * block.level} {escape(text, start=False)}"
    if block.kind == "salutation":
        return f"::: salutation\n{escape(text)}\n:::"
    return escape(text)


def joined_lines(block: TextBlock) -> str:
    """A block's lines as one paragraph: wrapped Chinese joins with nothing, Latin with a
    space."""
    text = ""
    for prose in block.lines:
        part = prose.text.strip()
        latin = text[-1:].isascii() and text[-1:].isalnum() and part[:1].isascii()
        text += (" " if latin else "") + part
    return text


def front_matter_data(blocks: tuple[TextBlock, ...]) -> dict[str, object]:
    """What the title and copyright pages say in the standard forms (the CIP record of GB/T
    12451, an ISBN): title, responsibility, publisher, place, year, ISBN."""
    meta: dict[str, object] = {}
    for block in blocks:
        text = squeezed(block)
        description = CIP_DESCRIPTION.match(text)
        imprint = CIP_IMPRINT.match(text)
        if description and "title" not in meta:
            meta["title"] = description["title"]
            meta["contributors"] = [
                {"name": name, "role": ROLES[description["role"]],
                 **({"corporate": True} if name.endswith(CORPORATE_ENDINGS) else {})}
                for name in re.split("[，,]", description["names"]) if name]
        elif imprint and "publisher" not in meta:
            meta["publisher"] = {"name": imprint["publisher"], "place": imprint["place"]}
            meta["date"] = imprint["year"]
        for match in ISBN.finditer(block.text):
            digits = re.sub(r"[ \-]", "", match.group(1))
            if "isbn" not in meta and stdnum_isbn.is_valid(digits):
                meta["isbn"] = stdnum_isbn.format(digits)
    return meta


