"""The print layout of what real books contain, measured on a typeset PDF (pdfplumber positions):
lists, lead-in sentences, footnotes, figures and tables, a chapter's title block.

One generated book holds a chapter per point, each written so that today's naive layout would
show the fault (a lead-in at the foot of a page, a figure that does not fit, …)."""

from __future__ import annotations

from io import BytesIO
from itertools import pairwise
from pathlib import Path

import pdfplumber
import pytest
from PIL import Image

from bookgen import chapter, filler, sample_paragraphs, write_book
from bookmaker.build import build
from bookmaker.model import PageDesign
from conftest import NS, Epub, SessionEpubCheck
from pdflines import MM, Line, pdf_lines

pytestmark = pytest.mark.slow  # every test reads a typeset book

PAGE = PageDesign()
EM = PAGE.body_size
TOLERANCE = 1.0  # pt

# Items long enough to wrap, each starting with a text found nowhere else.
ITEMS = [f"第{n}项" + sample_paragraphs()[n][:40 + 25 * n] for n in range(1, 5)]
BULLETS = [f"要点{n}" + sample_paragraphs()[n + 5][:70] for n in range(1, 4)]


def lists_chapter() -> str:
    ordered = "\n".join(f"{n}. {text}" for n, text in enumerate(ITEMS, start=1))
    bullets = "\n".join(f"- {text}" for text in BULLETS)
    return chapter("列表", f"{filler(1)}\n\n{ordered}\n\n{filler(1, 2)}\n\n{bullets}\n")


LEAD_INS = 40


def lead_in_chapter() -> str:
    """Pairs of a one-line sentence ending with "：" and the quotation it introduces, many of
    them, so that page breaks fall between some lead-in and its quotation."""
    pairs = [f"{sample_paragraphs()[n % 20][:20 + n % 7]}第{n}段如下：\n\n"
             f"> 引文{n}号{sample_paragraphs()[n % 13][:30]}" for n in range(LEAD_INS)]
    return chapter("引文", "\n\n".join(pairs))


NOTES = 12


def notes_chapter() -> str:
    """Notes on several pages, two or more a page, some long enough to wrap."""
    paragraphs = sample_paragraphs()
    text = [f"{paragraphs[n][:160]}注{n}在此[^{n}]。{paragraphs[n + 1][:90]}"
            for n in range(1, NOTES + 1)]
    notes = [f"[^{n}]: 注文{n}：{paragraphs[n + 2][:40 + 30 * (n % 3)]}"
             for n in range(1, NOTES + 1)]
    return chapter("注释", "\n\n".join(text) + "\n\n" + "\n".join(notes))


FIGURES = 6


def png(width: int, height: int) -> bytes:
    picture = BytesIO()
    Image.new("RGB", (width, height), "#6b8cae").save(picture, "PNG")
    return picture.getvalue()


IMAGES = {"images/wide.png": png(800, 600), "images/tall.png": png(600, 800)}


def floats_chapter() -> str:
    """Figures and tables after runs of text of many lengths, so that some fall where the
    page has too little room left for them."""
    paragraphs = sample_paragraphs()
    blocks = []
    for n in range(FIGURES):
        blocks.append(paragraphs[n][:150 + 110 * n])
        image = "wide" if n % 2 == 0 else "tall"
        blocks.append(f"![示意图{n}](images/{image}.png \"示意图{n}题注\")")
        blocks.append(f"图后文字{n}：" + paragraphs[n + 6][:200])
        if n % 2 == 1:
            rows = "\n".join(f"| 区县{r} | {10 * r + n} | {r + 2} |" for r in range(1, 9))
            blocks.append(f": 统计表{n}\n\n| 单位 | 论文 | 篇目 |\n|--|--:|--:|\n{rows}")
            blocks.append(f"表后文字{n}：" + paragraphs[n + 3][:120])
    return chapter("图表", "\n\n".join(blocks))


@pytest.fixture(scope="module")
def book_pdf(tmp_path_factory: pytest.TempPathFactory) -> Path:
    chapters = [lists_chapter(), lead_in_chapter(), notes_chapter(), floats_chapter()]
    book = write_book(tmp_path_factory.mktemp("layout") / "book", chapters, IMAGES)
    out = tmp_path_factory.mktemp("out")
    build(book, out, formats=("pdf",), profiles=("screen",))
    return out / "testbook.pdf"


@pytest.fixture(scope="module")
def lines(book_pdf: Path) -> list[Line]:
    return pdf_lines(book_pdf, EM)


def left_edge(line: Line) -> float:
    """The type area's left edge on the line's page (page 0 is a recto: gutter on the left)."""
    return (PAGE.inner if line.page % 2 == 0 else PAGE.outer) * MM


def lines_of(lines: list[Line], text: str) -> list[Line]:
    """The lines that set ``text`` (a paragraph or list item), the first with what precedes
    the text on it (a list marker)."""
    start = next(i for i, line in enumerate(lines) if text[:6] in line.text)
    first = lines[start]
    found, rest = [first], text[len(first.text) - first.text.index(text[:6]):]
    for line in lines[start + 1:]:
        if not rest:
            break
        assert rest.startswith(line.text), (rest[:20], line.text[:20])
        found.append(line)
        rest = rest[len(line.text):]
    return found


@pytest.mark.parametrize("items", [ITEMS, BULLETS], ids=["ordered", "unordered"])
def test_list_items_hang_from_the_paragraph_indent(lines: list[Line],
                                                   items: list[str]) -> None:
    """The marker in the two-em indent, the item's text at two ems, its wrapped lines too."""
    for item in items:
        first, *wrapped = lines_of(lines, item)
        text_start = left_edge(first) + 2 * EM
        marker = [g for g in first.glyphs if g[2] <= text_start - 0.1 * EM]
        item_glyph = next(g for g in first.glyphs if g[1] >= text_start - TOLERANCE)
        assert marker, f"no marker before {item[:6]}"
        assert marker[0][1] >= left_edge(first) - TOLERANCE
        assert abs(item_glyph[1] - text_start) < TOLERANCE, item[:6]
        assert wrapped, f"{item[:6]} does not wrap"
        for line in wrapped:
            assert abs(line.x0 - text_start) < TOLERANCE, (item[:6], line.x0 - text_start)


def page_texts(pdf: Path) -> list[str]:
    with pdfplumber.open(pdf) as document:
        return ["".join(c["text"] for c in page.chars) for page in document.pages]


def test_a_lead_in_stays_on_the_page_of_what_it_introduces(book_pdf: Path) -> None:
    pages = page_texts(book_pdf)
    for n in range(LEAD_INS):
        lead_in = next(i for i, text in enumerate(pages) if f"第{n}段如下：" in text)
        quotation = next(i for i, text in enumerate(pages) if f"引文{n}号" in text)
        assert lead_in == quotation, f"lead-in {n} on page {lead_in + 1}, its quotation overleaf"


NOTE_SIZE = 0.8 * EM  # print.css: .footnote
CALL_SIZE = 0.65 * EM  # print.css: ::footnote-call
CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"


def note_pages(pdf: Path) -> list[tuple[int, list[Line], str, list[dict]]]:
    """Each page with notes: its index, the lines of its notes, the marks of the calls in its
    text, and the rules drawn on it."""
    found = []
    calls = {}
    with pdfplumber.open(pdf) as document:
        for index, page in enumerate(document.pages):
            calls[index] = "".join(c["text"] for c in page.chars
                                   if abs(c["size"] - CALL_SIZE) < 0.05)
            rules = [r for r in page.rects + page.lines if r["height"] < 1]
            found.append((index, rules))
    notes = pdf_lines(pdf, NOTE_SIZE)
    return [(index, [n for n in notes if n.page == index], calls[index], rules)
            for index, rules in found if any(n.page == index for n in notes)]


def test_footnotes_are_circled_and_restart_on_every_page(book_pdf: Path) -> None:
    pages = note_pages(book_pdf)
    assert len(pages) >= 2 and all(calls for _, _, calls, _ in pages)
    for index, _, calls, _ in pages:
        assert calls == CIRCLED[:len(calls)], f"page {index + 1}: calls {calls}"
    # each note under its call, in order; one that did not fit heads the notes overleaf
    notes = "".join(line.text[0] for _, lines, _, _ in pages for line in lines
                    if line.text[0] in CIRCLED)
    assert notes == "".join(calls for _, _, calls, _ in pages)


def test_footnotes_hang_from_their_mark(book_pdf: Path) -> None:
    hanging = 1.5 * NOTE_SIZE
    wrapped = 0
    for _, notes, _, _ in note_pages(book_pdf):
        for line in notes:
            left = left_edge(line)
            if line.text[0] in CIRCLED:
                assert abs(line.glyphs[0][1] - left) < TOLERANCE, line.text[:8]
                assert abs(line.glyphs[1][1] - (left + hanging)) < TOLERANCE, line.text[:8]
            else:
                assert abs(line.x0 - (left + hanging)) < TOLERANCE, line.text[:8]
                wrapped += 1
    assert wrapped, "some note wraps"


def test_a_short_rule_above_the_notes(book_pdf: Path) -> None:
    for index, notes, _, rules in note_pages(book_pdf):
        (rule,) = [r for r in rules if r["top"] > PAGE.top * MM + PAGE.text_height * MM / 2]
        assert abs(rule["x0"] - left_edge(notes[0])) < TOLERANCE, f"page {index + 1}"
        width = rule["x1"] - rule["x0"]
        assert 0.2 < width / (PAGE.text_width * MM) < 0.34, f"page {index + 1}: {width:.1f} pt"


def test_footnotes_can_run_on_through_the_chapter(tmp_path: Path) -> None:
    book = write_book(tmp_path / "book", [notes_chapter()], numbering={"footnotes": "chapter"})
    build(book, tmp_path / "out", formats=("pdf",), profiles=("screen",))
    pages = note_pages(tmp_path / "out" / "testbook.pdf")
    assert len(pages) >= 2
    assert "".join(calls for _, _, calls, _ in pages) == CIRCLED[:NOTES]


def title_block_chapter() -> str:
    body = f"{filler(1)}\n\n……\n\n{filler(1, 3)}"
    return chapter("娜拉走后怎样", body, subtitle="在女高师文艺会的讲演", date="1923-12-26",
                   occasion="一九二三年十二月二十六日在北京女子高等师范学校文艺会讲",
                   epigraph={"text": "人生最苦痛的是梦醒了无路可以走。", "source": "鲁迅"},
                   abridged=True)


def rows_of(page: pdfplumber.page.Page) -> list[tuple[str, float, float, float, float]]:
    """The page's text as rows: text, x0, x1, top and size."""
    rows: list[list[dict]] = []
    for char in sorted(page.chars, key=lambda c: (round(c["top"]), c["x0"])):
        if rows and abs(rows[-1][0]["top"] - char["top"]) < 1:
            rows[-1].append(char)
        else:
            rows.append([char])
    return [("".join(c["text"] for c in row), row[0]["x0"], row[-1]["x1"], row[0]["top"],
             row[0]["size"]) for row in rows]


def test_subtitle_occasion_epigraph_and_abridgement(tmp_path: Path,
                                                   epubcheck: SessionEpubCheck) -> None:
    book = write_book(tmp_path / "book", [title_block_chapter()])
    build(book, tmp_path / "out", formats=("epub", "pdf"), profiles=("screen",))
    with pdfplumber.open(tmp_path / "out" / "testbook.pdf") as pdf:
        rows = next(rows for rows in map(rows_of, pdf.pages)
                    if rows and rows[0][0] == "娜拉走后怎样")
        last = rows_of(pdf.pages[-1])
    texts = [row[0] for row in rows]
    left = PAGE.inner * MM  # the opening is a recto
    centre = left + PAGE.text_width * MM / 2
    title, subtitle, date, occasion = (texts.index(t) for t in (
        "娜拉走后怎样", "——在女高师文艺会的讲演", "（1923年12月26日）",
        "（一九二三年十二月二十六日在北京女子高等师范学校文艺会讲）"))
    assert title < subtitle < date < occasion  # in this order under the title
    for index in (subtitle, date, occasion):  # centred, the occasion set as the date is
        text, x0, x1, _, _ = rows[index]
        assert abs((x0 + x1) / 2 - centre) < TOLERANCE, text
    assert abs(rows[occasion][4] - rows[date][4]) < 0.05
    epigraph = texts.index("人生最苦痛的是梦醒了无路可以走。")
    source = texts.index("——鲁迅")
    assert occasion < epigraph < source
    assert rows[epigraph][1] > left + 0.3 * PAGE.text_width * MM  # to the right of the measure
    assert abs(rows[source][2] - (left + PAGE.text_width * MM)) < TOLERANCE  # flush right
    omission = texts.index("…………")
    assert epigraph < omission and abs(rows[omission][1] - (left + 2 * EM)) < TOLERANCE
    note = [row for row in last if row[0] == "（有删节）"]
    assert note and note[0][3] == max(r[3] for r in last if r[4] > 9.5)  # the last line
    right = (PAGE.inner if (len(pdf.pages) - 1) % 2 == 0 else PAGE.outer) * MM
    assert abs(note[0][2] - (right + PAGE.text_width * MM)) < TOLERANCE

    page = Epub(tmp_path / "out" / "testbook.epub").xml("EPUB/text/c01.xhtml")
    epub_ns = f"{{{NS['epub']}}}type"
    assert page.find(".//x:p[@role='doc-subtitle']", NS).text == "——在女高师文艺会的讲演"
    epigraph_block = page.find(".//x:blockquote[@role='doc-epigraph']", NS)
    assert epigraph_block.get(epub_ns) == "epigraph"
    assert page.find(".//x:p[@class='omission']", NS).text == "…………"
    assert page.find(".//x:p[@class='abridged-note']", NS).text == "（有删节）"
    assert epubcheck(tmp_path / "out" / "testbook.epub",
                     "EPUBCheck validation of a chapter's title block") == []


def short_pages(pdf: Path) -> list[str]:
    """Body pages whose content ends more than three lines above where it could go: the foot
    of the type area, or the notes' rule less the room above it. Not at a chapter's end: its
    last page, and a page after which the chapter holds only figures and tables."""
    line = PAGE.body_size * PAGE.leading
    foot = (PAGE.top + PAGE.text_height) * MM
    found = []
    with pdfplumber.open(pdf) as document:
        pages = list(document.pages)
        heads = [[c for c in p.chars if c["bottom"] < PAGE.top * MM] for p in pages]
        text_pages = [any(abs(c["size"] - EM) < 0.05 for c in p.chars) for p in pages]
        for index, page in enumerate(pages):
            folio = "".join(c["text"] for c in page.chars if c["top"] > foot)
            end = next((i for i in range(index + 1, len(pages)) if not heads[i]), len(pages))
            if not folio.isdigit() or not any(text_pages[index + 1:end]):
                continue
            rules = [r for r in page.rects if r["height"] < 1 and r["top"] > foot / 2
                     and r["x1"] - r["x0"] < PAGE.text_width * MM / 2]
            available = min([r["top"] - 4 * MM for r in rules] or [foot])
            text = [c["bottom"] for c in page.chars
                    if PAGE.top * MM < c["top"] < available and c["size"] > NOTE_SIZE + 0.5]
            drawn = [g["bottom"] for g in page.images + page.rects
                     if PAGE.top * MM < g["top"] < available]
            gap = available - max(text + drawn)
            if gap > 3 * line + TOLERANCE:
                found.append(f"page {index + 1}: {gap / line:.1f} lines short")
    return found


def test_no_body_page_is_left_short_but_at_a_chapters_end(book_pdf: Path) -> None:
    assert short_pages(book_pdf) == []


def test_floats_keep_every_line_of_text_in_order(book_pdf: Path) -> None:
    """Moving floats and splitting paragraphs loses and reorders nothing."""
    with pdfplumber.open(book_pdf) as document:
        text = "".join(c["text"] for page in document.pages for c in page.chars
                       if abs(c["size"] - EM) < 0.05 and not c["text"].isspace())
    start = 0
    for block in floats_chapter().split("\n---\n", 1)[1].strip().split("\n\n"):
        if block.startswith(("!", ":", "|")):
            continue
        found = text.find(block.replace(" ", ""), start)
        assert found >= 0, block[:12]
        start = found


def test_captions_numbered_the_figures_under_the_tables_over(book_pdf: Path) -> None:
    with pdfplumber.open(book_pdf) as document:
        for page in document.pages:
            rows = rows_of(page)
            for text, _, _, top, _ in rows:
                if "示意图" in text and "题注" in text:
                    n = int(text.split("示意图")[1][0])
                    assert text == f"图{n + 1}　示意图{n}题注"
                    assert any(i["bottom"] <= top for i in page.images), text
                if text.startswith("表") and "统计表" in text:
                    n = int(text.split("统计表")[1][0])
                    assert text == f"表{(n + 1) // 2}　统计表{n}"
                    table = [r for r in page.rects + page.lines if r["top"] > top]
                    assert table and min(r["top"] for r in table) > top, text


def test_captions_and_the_title_block_are_spaced_as_the_body_is(tmp_path: Path) -> None:
    """The quarter em between Han and digits, in a figure's and a table's caption, a
    subtitle, an occasion and an epigraph as in a paragraph (the same print transform)."""
    body = ("正文有2008年的数字。\n\n![图](images/wide.png \"2008年奥运会会场\")\n\n"
            ": 2008年统计\n\n| 甲 | 乙 |\n|--|--|\n| 共54篇 | 2 |\n")
    meta = {"subtitle": "副题2008年", "occasion": "2006年在北京讲",
            "epigraph": {"text": "题词2008年", "source": "1925年文"}}
    book = write_book(tmp_path / "book", [chapter("第二篇", body, **meta)], IMAGES)
    build(book, tmp_path / "out", formats=("pdf",), profiles=("screen",))
    gaps = {}
    with pdfplumber.open(tmp_path / "out" / "testbook.pdf") as pdf:
        texts = ["".join(c["text"] for c in page.chars) for page in pdf.pages]
        opening = next(i for i, text in enumerate(texts) if "副题" in text)
        for page in pdf.pages[opening:]:  # the chapter's pages
            chars = page.chars
            for i, (before, after) in enumerate(pairwise(chars)):
                if (before["text"].isdigit() and after["text"] == "年"
                        and abs(before["top"] - after["top"]) < 1):
                    context = "".join(c["text"] for c in chars[max(i - 3, 0):i + 3])
                    gaps[context] = round((after["x0"] - before["x1"]) / before["size"], 2)
    assert len(gaps) == 7, gaps
    assert all(gap == 0.25 for gap in gaps.values()), gaps
