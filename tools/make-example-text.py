"""Make the chapters of the second example book from the chinese-poetry repository.

Usage::

    python tools/make-example-text.py CHINESE_POETRY_CHECKOUT [--out examples/jingdian-sanzhong]

The checkout is https://github.com/chinese-poetry/chinese-poetry (MIT) at commit
99ebbef7e1345c0985c44b9fd96a3f9e776f117b; three of its files are read: 论语/lunyu.json,
楚辞/chuci.json (the first 25 pieces, those attributed to 屈原) and 幽梦影/youmengying.json.
The script writes chapters/02-… to 13-… of the book and CORRECTIONS.md: the text is copied as
it is, and every change — each listed in ``CORRECTIONS`` below with its reason — is applied here
and nowhere else, so that the two stay in step. chapters/01-bianji.md (the editor's note) is
written by hand and not touched.

Markup decisions (where a chapter starts, which block is verse, a quotation set off as a block,
the comments of 幽梦影 as footnotes) change no character of the text; they are listed in
CORRECTIONS.md too.
"""

from __future__ import annotations

import argparse
import json
import re
from pathlib import Path

COMMIT = "99ebbef7e1345c0985c44b9fd96a3f9e776f117b"

# (where, before, after, why): "where" names the source file and the entry; "before" must occur
# exactly once in that entry.
CORRECTIONS: list[tuple[str, str, str, str]] = [
    ("论语 八佾篇 ¶1", "孔子谓季氏:“", "孔子谓季氏：“", "half-width colon in Chinese text"),
    ("论语 八佾篇 ¶1", "孰不可忍也?”", "孰不可忍也？”", "half-width question mark"),
    ("论语 八佾篇 ¶2", "以《雍》彻,子曰", "以《雍》彻，子曰", "half-width comma"),
    ("论语 八佾篇 ¶4", "林放问礼之本,子曰", "林放问礼之本，子曰", "half-width comma"),
    ("论语 先进篇 ¶12", "焉能事鬼？”,曰", "焉能事鬼？”曰",
     "a half-width comma after a closing quotation mark, where the sentence goes straight on"),
    ("论语 先进篇 ¶22", "子曰：“闻斯行之。公西华曰", "子曰：“闻斯行之。”公西华曰",
     "the closing quotation mark of 子曰 is missing (6 opening, 5 closing marks)"),
    ("论语 宪问篇 ¶18", "子闻之,曰", "子闻之，曰", "half-width comma"),
    ("论语 宪问篇 ¶21", "告夫三子。”,孔子曰", "告夫三子。”孔子曰",
     "a half-width comma after a closing quotation mark, where the sentence goes straight on"),
    ("论语 季氏篇 ¶12", "其斯之谓与？”", "其斯之谓与？",
     "a closing quotation mark that closes nothing (no opening mark in the entry)"),
    ("论语 微子篇 ¶4", "孔子行。”", "孔子行。",
     "a closing quotation mark that closes nothing (no opening mark in the entry)"),
    ("论语 微子篇 ¶5", "楚狂接舆歌而过孔子曰：“凤兮凤兮，何德之衰？往者不可谏，来者犹可追。"
     "已而已而，今之从政者殆而！”孔子下", "楚狂接舆歌而过孔子曰：\n\n> 凤兮凤兮，何德之衰？"
     "往者不可谏，来者犹可追。已而已而，今之从政者殆而！\n\n孔子下",
     "markup: the song is set off as a block quotation after the sentence that introduces it; "
     "its quotation marks are dropped, as for any quotation set as a block (GB/T 15834 4.1.3.3)"),
    ("楚辞 离骚 l.11", "何不改乎此度?", "何不改乎此度？", "half-width question mark"),
    ("楚辞 离骚 l.133", "岂惟是其有女？」", "岂惟是其有女？",
     "a closing corner bracket that closes nothing (no opening mark; the piece uses “” nowhere)"),
    ("楚辞 离骚 l.135", "尔何怀乎故宇？」", "尔何怀乎故宇？",
     "a closing corner bracket that closes nothing (no opening mark)"),
    ("楚辞 卜居 ¶2", "千钧为轻黄钟毁弃，瓦釜雷鸣谗人高张", "千钧为轻；黄钟毁弃，瓦釜雷鸣；谗人高张",
     "two pairs of clauses run together without a mark; the semicolons of the parallel "
     "clauses before them (蝉翼为重，千钧为轻) are restored"),
    ("楚辞 卜居 ¶3", "寸有所长物有所不足，智有所不明数有所不逮",
     "寸有所长；物有所不足，智有所不明；数有所不逮",
     "two pairs of clauses run together without a mark, as in ¶2"),
    ("楚辞 渔父 ¶3", "新浴者必振衣安能以身之察察", "新浴者必振衣；安能以身之察察",
     "two clauses run together without a mark"),
    ("楚辞 渔父 ¶3", "尘埃乎?”", "尘埃乎？”", "half-width question mark"),
    ("楚辞 渔父 ¶5", "乃歌曰：“沧浪之水清兮，可以濯吾缨。沧浪之水浊兮，可以濯吾足。”遂去",
     "乃歌曰：\n\n::: verse\n沧浪之水清兮，可以濯吾缨。\n沧浪之水浊兮，可以濯吾足。\n:::\n\n遂去",
     "markup: the song is set as verse, a line to each clause pair, after the sentence that "
     "introduces it; its quotation marks are dropped as for a quotation set off as a block"),
    ("幽梦影 3", "是圣人(如", "是圣人（如", "half-width parentheses in Chinese text (here and "
     "below in this entry: every ( ) becomes （ ）)"),
    ("幽梦影 18", "愿在木而为樗(不才", "愿在木而为樗（不才",
     "half-width parentheses (every ( ) of the entry becomes （ ）)"),
    ("幽梦影 36", "上元节后 (观灯已毕)", "上元节后（观灯已毕）",
     "a space and half-width parentheses (every ( ) of the entry becomes （ ）)"),
    ("幽梦影 56", "酴(tu)醾 (mi）", "酴醾",
     "pinyin added by a transcriber, with a stray space and mismatched parentheses, removed: "
     "the book has no readings elsewhere"),
    ("幽梦影 7", "水际听欺乃声", "水际听欸乃声",
     "欺 for 欸: 欸乃 is the boatmen's call; 欺乃 is no word (a slip of the transcription)"),
    ("幽梦影 106", "擪(ye)管也", "擪管也", "pinyin added by a transcriber, removed (as in 56)"),
    ("幽梦影 138", "枨子(想是橙)臣樱桃", "枨子（想是橙）臣樱桃", "half-width parentheses"),
    ("幽梦影 213", "玉兰，花中之伯夷也(高而且洁)", "玉兰，花中之伯夷也（高而且洁）",
     "half-width parentheses (every ( ) of the entry becomes （ ）)"),
]
# Corrections applied to a whole class of entries, described once.
GENERAL = [
    "Spaces at the start of an entry or a comment (幽梦影 {stripped}) are removed: they are "
    "left over from the transcription.",
    "日 for 曰 after the commentator's name at the start of a comment (幽梦影 {said}): the "
    "transcription's confusion of the two characters; every other comment reads 某某曰：.",
    "The half-width parentheses of 幽梦影 3, 18, 36, 213 become full-width （ ）: the author's own "
    "notes inside an entry, kept as notes in parentheses.",
]
MARKUP = [
    "论语: the twenty books (篇) are the sections (##) of two chapters, 论语（上） 学而–乡党 and "
    "论语（下） 先进–尧曰, the traditional division into 上论 and 下论, each with its first and "
    "last book as its subtitle (学而篇至乡党篇). Each entry of a book is a paragraph.",
    "楚辞: the twenty-five pieces attributed to 屈原 (the first 25 entries of chuci.json) make "
    "five chapters: 离骚; 九歌 (its eleven songs as sections); 天问; 九章 (its nine pieces as "
    "sections); 远游, 卜居 and 渔父 as the sections of one chapter. Each line of an entry is a "
    "line of verse (`::: verse`), except 卜居 and 渔父, whose entries are paragraphs of prose. "
    "The lines of 九歌 and a few others have no mark at their end in the source; they are left "
    "so.",
    "幽梦影: `##` inside an entry (76, 108, 201, 219) marks a paragraph break in the "
    "transcription; it is one here.",
    "幽梦影: the 219 entries are five chapters of 44 (the last 43) — the division is this "
    "edition's, for notes that are numbered per chapter. Each entry is a paragraph; the comments "
    "on it (评语, e.g. 曹秋岳曰：…) are its footnote, one paragraph per comment, in the source's "
    "order. Ten entries have no comment and no note.",
]


def read(checkout: Path, name: str) -> object:
    return json.loads((checkout / name).read_text(encoding="utf-8"))


def correct(where: str, text: str, used: set[int]) -> str:
    for i, (place, before, after, _why) in enumerate(CORRECTIONS):
        if place == where:
            assert text.count(before) == 1, (where, before)
            text = text.replace(before, after)
            used.add(i)
    return text


def full_width_parens(text: str) -> str:
    return text.replace("(", "（").replace(")", "）")


FILES = ["lunyu-1", "lunyu-2", "lisao", "jiuge", "tianwen", "jiuzhang", "yuanyou",
         *(f"youmengying-{k}" for k in range(1, 6))]
MARKDOWN_SPECIAL = re.compile(r"[*_`\[\]<>\\|~#]")


def check_plain(text: str) -> str:
    assert not MARKDOWN_SPECIAL.search(text), text
    return text


def front_matter(title: str, author: str | None = None, subtitle: str | None = None) -> str:
    lines = ["---", f"title: {title}", *([f"subtitle: {subtitle}"] if subtitle else []),
             "kind: chapter"]
    if author:
        lines += ["authors:", f"  - name: {author}"]
    return "\n".join([*lines, "---", "", ""])


def lunyu(checkout: Path, used: set[int]) -> list[tuple[str, str]]:
    books = read(checkout, "论语/lunyu.json")
    chapters = []
    for title, part in (("论语（上）", books[:10]), ("论语（下）", books[10:])):
        body = []
        for book in part:
            body.append(f"## {book['chapter']}")
            for n, paragraph in enumerate(book["paragraphs"], start=1):
                body.append(correct(f"论语 {book['chapter']} ¶{n}", check_plain(paragraph), used))
        subtitle = f"{part[0]['chapter']}至{part[-1]['chapter']}"
        chapters.append((title, front_matter(title, subtitle=subtitle) + "\n\n".join(body)
                         + "\n"))
    return chapters


def verse(lines: list[str]) -> str:
    return "::: verse\n" + "\n".join(lines) + "\n:::"


def chuci(checkout: Path, used: set[int]) -> list[tuple[str, str]]:
    pieces = read(checkout, "楚辞/chuci.json")[:25]
    assert all(p["author"] == "屈原" for p in pieces)

    def lines_of(piece: dict) -> list[str]:
        return [correct(f"楚辞 {piece['title']} l.{n}", check_plain(line), used)
                for n, line in enumerate(piece["content"], start=1)]

    def prose_of(piece: dict) -> list[str]:
        return [correct(f"楚辞 {piece['title']} ¶{n}", check_plain(p), used)
                for n, p in enumerate(piece["content"], start=1)]

    def section(piece: dict) -> str:
        return f"## {piece['title']}\n\n{verse(lines_of(piece))}"

    by_section: dict[str, list[dict]] = {}
    for piece in pieces:
        by_section.setdefault(piece["section"], []).append(piece)
    chapters = []
    for name in ("离骚", "天问"):
        (piece,) = by_section[name]
        chapters.append((name, front_matter(name, "屈原") + verse(lines_of(piece)) + "\n"))
    for name in ("九歌", "九章"):
        body = "\n\n".join(section(p) for p in by_section[name])
        chapters.append((name, front_matter(name, "屈原") + body + "\n"))
    (yuanyou,), (buju,), (yufu,) = by_section["远游"], by_section["卜居"], by_section["渔父"]
    body = "\n\n".join([section(yuanyou),
                        "## 卜居", *prose_of(buju),
                        "## 渔父", *prose_of(yufu)])
    chapters.append(("远游　卜居　渔父", front_matter("远游　卜居　渔父", "屈原") + body + "\n"))
    order = ["离骚", "九歌", "天问", "九章", "远游　卜居　渔父"]
    return sorted(chapters, key=lambda c: order.index(c[0]))


SAID = re.compile(r"^([^，。：；！？、\s]{2,4})日：")


def youmengying(checkout: Path, used: set[int], stripped: list[str],
                said: list[str]) -> list[tuple[str, str]]:
    entries = read(checkout, "幽梦影/youmengying.json")
    chapters = []
    numerals = "一二三四五"
    for k in range(5):
        part = entries[k * 44:(k + 1) * 44]
        body, notes = [], []
        for n, entry in enumerate(part, start=k * 44 + 1):
            for m, raw in enumerate([entry["content"], *entry["comment"]]):
                if raw != raw.lstrip():
                    stripped.append(f"{n}" if m == 0 else f"{n} comment {m}")
            # "##" marks a paragraph break inside an entry
            text = correct(f"幽梦影 {n}", entry["content"].lstrip(), used)
            if n in (3, 18, 36, 213):
                text = full_width_parens(text)
            text = "\n\n".join(check_plain(p) for p in text.split("##"))
            comments = []
            for m, comment in enumerate(entry["comment"], start=1):
                comment = comment.lstrip()
                if SAID.match(comment):
                    said.append(f"{n} comment {m}")
                    comment = SAID.sub(r"\1曰：", comment)
                comments.append(check_plain(comment))
            if comments:
                number = len(notes) + 1
                body.append(f"{text}[^{number}]")
                notes.append(f"[^{number}]: " + "\n\n    ".join(comments))
            else:
                body.append(text)
        title = f"幽梦影（{numerals[k]}）"
        chapters.append((title, front_matter(title, "张潮") + "\n\n".join(body) + "\n\n"
                         + "\n\n".join(notes) + "\n"))
    return chapters


def corrections_md(stripped: list[str], said: list[str]) -> str:
    rows = "\n".join(
        f"| {i} | {where} | `{before.replace(chr(10), '⏎')}` | `{after.replace(chr(10), '⏎')}` "
        f"| {why} |"
        for i, (where, before, after, why) in enumerate(CORRECTIONS, start=1))
    general = "\n".join(f"- {rule}".format(stripped=", ".join(stripped), said=", ".join(said))
                         for rule in GENERAL)
    markup = "\n".join(f"- {rule}" for rule in MARKUP)
    return f"""# Corrections against the source

Source: the chinese-poetry repository, commit `{COMMIT}` (see SOURCE.md), files
`论语/lunyu.json`, `楚辞/chuci.json` and `幽梦影/youmengying.json`. The chapters 02–13 are made
from them by `tools/make-example-text.py`, which applies exactly the changes below; this file is
written by the same script. chapters/01-bianji.md is this edition's own note, not source text.

"Where" names the book (篇) and paragraph (¶, from 1) of 论语, the piece and line (l.) or
paragraph of 楚辞, and the entry (from 1) of 幽梦影. A ⏎ is a line break of the Markdown.

## Changes to the text

| # | where | before | after | why |
|---|-------|--------|-------|-----|
{rows}

## General rules

{general}

## Markup (no character of the text changes)

{markup}
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("checkout", type=Path)
    parser.add_argument("--out", type=Path, default=Path("examples/jingdian-sanzhong"))
    args = parser.parse_args()
    used: set[int] = set()
    stripped: list[str] = []
    said: list[str] = []
    chapters = [*lunyu(args.checkout, used), *chuci(args.checkout, used),
                *youmengying(args.checkout, used, stripped, said)]
    assert used == set(range(len(CORRECTIONS))), sorted(set(range(len(CORRECTIONS))) - used)
    folder = args.out / "chapters"
    folder.mkdir(parents=True, exist_ok=True)
    for n, ((_title, text), stem) in enumerate(zip(chapters, FILES, strict=True), start=2):
        (folder / f"{n:02d}-{stem}.md").write_text(text, encoding="utf-8")
    (args.out / "CORRECTIONS.md").write_text(corrections_md(stripped, said), encoding="utf-8")


if __name__ == "__main__":
    main()
