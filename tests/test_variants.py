"""variants: the Traditional-Chinese edition — OpenCC's phrase-level choices, protected names,
the book's dictionary, corner quotes, and the zh-Hant outputs read back."""

from __future__ import annotations

import re
from pathlib import Path

import pdfplumber
import pytest
import yaml
from click.testing import CliRunner

from bookmaker.cli import cli
from bookmaker.diagnostics import Location
from bookmaker.load import load_book
from bookmaker.variants import convert_book, make_converter
from bookmaker.variants.ambiguity import is_ambiguous
from bookmaker.variants.convert import Converter, QuoteState, corner_quotes
from bookmaker.variants.report import report, report_texts
from bookmaker.variants.rules import word_rules
from conftest import FIXTURES, NS, SAMPLE, Epub, SessionEpubCheck

XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


def cases() -> list[tuple[str, str]]:
    lines = (FIXTURES / "variants-s2tw.tsv").read_text(encoding="utf-8").splitlines()
    return [tuple(line.split("\t")) for line in lines if line and not line.startswith("#")]


@pytest.fixture(scope="module")
def s2tw() -> Converter:
    return Converter("s2tw", corner_quotes=False)


def test_the_fixture_covers_forty_one_to_many_words() -> None:
    assert len(cases()) >= 40


@pytest.mark.parametrize(("simplified", "traditional"), cases())
def test_one_to_many_characters_resolved_by_the_word(s2tw: Converter, simplified: str,
                                                     traditional: str) -> None:
    assert s2tw.convert(simplified) == traditional


CASES = yaml.safe_load((FIXTURES / "variants-cases.yaml").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def sample_converter() -> Converter:
    book = load_book(SAMPLE)
    return make_converter(book, SAMPLE, "zh-Hant")


@pytest.mark.parametrize(("text", "expected"), CASES["names"])
def test_declared_names_are_protected(sample_converter: Converter, text: str,
                                      expected: str) -> None:
    assert sample_converter.convert(text) == expected


def test_without_protection_opencc_would_misread_a_surname(sample_converter: Converter) -> None:
    assert sample_converter.opencc("顾问于均波同志") == "顧問於均波同志"


def write_variant_config(book: Path, dictionary: str) -> None:
    (book / "zh-Hant.txt").write_text(dictionary, encoding="utf-8")
    with (book / "book.yaml").open("a", encoding="utf-8") as f:
        f.write("\nvariants:\n  zh-Hant:\n    opencc: s2tw\n    dictionary: zh-Hant.txt\n")


def test_the_books_dictionary_overrides_and_keeps(book_copy: Path) -> None:
    write_variant_config(book_copy, CASES["dictionary"]["text"])
    book = load_book(book_copy)
    converter = make_converter(book, book_copy, "zh-Hant")
    for text, expected in CASES["dictionary"]["cases"]:
        assert converter.convert(text) == expected


@pytest.mark.parametrize(("content", "line", "code"), [
    ("周末\t周末\n干部 幹部\t多余\n", 2, "V001"),
    ("周末\t周末\n\n周末\t週末\n", 3, "V002"),
    ("周末\t\n", 1, "V001"),
])
def test_a_bad_dictionary_line_is_named(book_copy: Path, tmp_path: Path, content: str,
                                        line: int, code: str) -> None:
    write_variant_config(book_copy, content)
    result = CliRunner().invoke(cli, ["build", str(book_copy), "--out", str(tmp_path),
                                      "--variant", "zh-Hant", "--format", "epub"])
    assert result.exit_code == 2
    (message,) = result.stderr.strip().splitlines()
    assert message.startswith(f"zh-Hant.txt:{line}: error {code}")


@pytest.mark.parametrize(("text", "expected"), CASES["quotes"])
def test_corner_quotes_follow_nesting(text: str, expected: str) -> None:
    assert corner_quotes(text, QuoteState()) == expected


def test_quotes_pair_across_the_nodes_of_a_paragraph() -> None:
    state = QuoteState()
    assert corner_quotes("他说“要", state) + corner_quotes("坚持”。", state) == "他说「要坚持」。"


def test_conversion_leaves_ids_hrefs_files_and_latin_alone(sample_epub: Epub,
                                                          hant_epub: Epub) -> None:
    assert sample_epub.spine_names() == hant_epub.spine_names()
    # the copyright and title pages are not converted: they name each edition's own
    # publisher and identifiers (test_editions.py)
    own = ("copyright.xhtml", "titlepage.xhtml", "editors-note.xhtml")
    for name in [n for n in sample_epub.spine_names() if not n.endswith(own)]:
        before, after = sample_epub.xml(name), hant_epub.xml(name)
        for attribute in ("id", "href", "src", "class", f"{{{NS['epub']}}}type"):
            assert [e.get(attribute) for e in before.iter()] == \
                   [e.get(attribute) for e in after.iter()], (name, attribute)
        latin = re.compile(r"[A-Za-z0-9][A-Za-z0-9.\-]*")
        assert latin.findall("".join(before.itertext())) == \
            latin.findall("".join(after.itertext())), name


def test_the_hant_epub_declares_its_language_and_identity(sample_epub: Epub,
                                                          hant_epub: Epub) -> None:
    metadata = hant_epub.opf.find("opf:metadata", NS)
    assert metadata.findtext("dc:language", namespaces=NS) == "zh-Hant-TW"
    for name in hant_epub.spine_names():
        root = hant_epub.xml(name)
        assert root.get("lang") == root.get(XML_LANG) == "zh-Hant-TW", name
    ids = [e.opf.find(f"opf:metadata/dc:identifier[@id='{e.opf.get('unique-identifier')}']",
                      NS).text for e in (sample_epub, hant_epub)]
    assert ids[0] != ids[1]
    assert metadata.findtext("dc:title", namespaces=NS).startswith("北京市保持共產黨員")
    fonts = [n for n in hant_epub.zip.namelist() if n.endswith(".otf")]
    assert fonts and all("CJKtc" in n for n in fonts)


def han_outside_big5(text: str) -> set[str]:
    """Han characters that no Traditional character table (Big5) has: Simplified-only."""
    found = set()
    for char in text:
        if "\u3400" <= char <= "\u9fff":
            try:
                char.encode("big5")
            except UnicodeEncodeError:
                found.add(char)
    return found


def test_no_simplified_only_character_in_the_hant_outputs(hant_epub: Epub,
                                                          hant_build: Path) -> None:
    texts = [hant_epub.zip.read(n).decode() for n in hant_epub.zip.namelist()
             if n.endswith((".xhtml", ".opf", ".ncx"))]
    epub_text = re.sub(r"<[^>]+>", "", "".join(texts))
    assert len(epub_text) > 10_000
    assert han_outside_big5(epub_text) == set()
    with pdfplumber.open(hant_build / "beijing-xianjinxing-2006.zh-Hant.pdf") as pdf:
        pdf_text = "".join(page.extract_text() or "" for page in pdf.pages)
    assert len(pdf_text) > 10_000 and han_outside_big5(pdf_text) == set()
    # and the check is not blind: the Simplified edition is full of them
    assert {"们", "发", "刘"} <= han_outside_big5("我们发展刘")


def test_the_whole_book_converts_as_text_only() -> None:
    book = load_book(SAMPLE)
    hant = convert_book(book, make_converter(book, SAMPLE, "zh-Hant"), "zh-Hant-TW")
    assert hant.meta.chapters == book.meta.chapters and hant.meta.name == book.meta.name
    assert hant.meta.title_pinyin == book.meta.title_pinyin
    assert [c.id for c in hant.chapters] == [c.id for c in book.chapters]
    assert hant.chapters[1].sections[0].id == book.chapters[1].sections[0].id
    assert hant.meta.editorial_board.groups[0].names == ["于均波", "杜德印"]


def sentences() -> list[tuple[str, str]]:
    lines = (FIXTURES / "variants-sentences.tsv").read_text(encoding="utf-8").splitlines()
    return [tuple(line.split("\t")) for line in lines if line and not line.startswith("#")]


def test_the_sentences_cover_every_class_and_twenty_corpus_words() -> None:
    text = (FIXTURES / "variants-sentences.tsv").read_text(encoding="utf-8")
    corpus = text.split("# From the round-trip corpus")[1].splitlines()[1:]
    assert len(corpus) >= 20
    readings: dict[str, set[str]] = {}
    for simplified, traditional in sentences():
        for source, form in zip(simplified, traditional, strict=True):
            readings.setdefault(source, set()).add(form)
    for source, forms in {"干": "乾幹干", "发": "發髮", "里": "裡里", "系": "係繫系",
                          "台": "臺颱檯", "钟": "鐘鍾", "志": "志誌", "个": "個箇",
                          "出": "出齣"}.items():
        assert set(forms) <= readings[source], source


@pytest.mark.parametrize(("simplified", "traditional"), sentences())
def test_each_reading_is_converted_right(s2tw: Converter, simplified: str,
                                         traditional: str) -> None:
    assert s2tw.convert(simplified) == traditional


def test_opencc_alone_gets_many_of_the_sentences_wrong(s2tw: Converter) -> None:
    wrong = [s for s, t in sentences() if s2tw.opencc(s) != t]
    assert len(wrong) >= 25  # the fixture tests the word-level conversion, not OpenCC's


def test_the_report_names_every_ambiguous_character_of_the_sentences(s2tw: Converter) -> None:
    found = report_texts(((Location("s.md", n), s) for n, (s, _) in
                          enumerate(sentences(), start=1)), s2tw)
    reported = {c.source for _, choices in found.groups() for c in choices}
    reported |= {pair[0] for pair, _, _ in found.by_word()}
    ambiguous = {c for s, _ in sentences() for c in s if is_ambiguous(c)}
    assert ambiguous and ambiguous <= reported
    for _, choices in found.groups():  # listed: decided without a word, with its context
        assert all(c.decided not in ("word", "phrase") and "【" in c.context for c in choices)


def test_the_report_lists_risky_choices_first_and_collapses_word_decisions() -> None:
    book = load_book(SAMPLE)
    found = report(book, make_converter(book, SAMPLE, "zh-Hant"))
    risks = [choices[0].risk for _, choices in found.groups()]
    assert risks == sorted(risks, reverse=True)
    by_word = {pair: n for pair, n, _ in found.by_word()}
    assert by_word["后→後"] >= 3 and by_word["干→幹"] >= 10  # 以后, 干部: one line each
    result = CliRunner().invoke(cli, ["variants", "report", str(SAMPLE)])
    assert result.exit_code == 0 and "choices to review" in result.stderr
    assert "干→幹 ×" in result.stdout and "Decided by a word" in result.stdout


def test_s2twp_substitutions_are_reported_apart() -> None:
    found = report_texts([(Location("s.md", 1), "网络软件的头发")],
                         Converter("s2twp", corner_quotes=False))
    assert any("網路" in s.converted for s in found.substitutions)
    assert all(c.source != "网" for c in found.choices)


def test_an_annotated_report_becomes_dictionary_entries(book_copy: Path) -> None:
    write_variant_config(book_copy, "# house style\n")
    (book_copy / "chapters" / "01-preface.md").open("a", encoding="utf-8").write(
        "\n这里有一只钟。\n")
    runner = CliRunner()
    tsv = runner.invoke(cli, ["variants", "report", str(book_copy), "--format", "tsv"])
    assert tsv.exit_code == 0
    rows = tsv.stdout.splitlines()
    header = rows[0].split("\t")
    annotated = [header]
    for row in rows[1:]:
        cells = row.split("\t")
        if cells[header.index("choice")] == "钟→鍾":
            cells[header.index("fix")] = "鐘。"[:len(cells[header.index("word")])]
        annotated.append(cells)
    assert any(c[header.index("fix")] for c in annotated[1:])
    path = book_copy.parent / "annotated.tsv"
    path.write_text("\n".join("\t".join(c) for c in annotated) + "\n", encoding="utf-8")
    applied = runner.invoke(cli, ["variants", "report", str(book_copy), "--apply", str(path)])
    assert applied.exit_code == 0, applied.output
    assert "钟。\t鐘。" in (book_copy / "zh-Hant.txt").read_text(encoding="utf-8")
    book = load_book(book_copy)
    assert make_converter(book, book_copy, "zh-Hant").convert("一只钟。") == "一隻鐘。"


def test_every_builtin_entry_has_a_reason_and_a_source() -> None:
    for name in ("publishing.txt", "taiwan.txt"):
        rules = word_rules(name)
        assert rules and all(r.reason and r.source for r in rules)
    assert len(word_rules("taiwan.txt")) >= 40


def test_the_hant_epub_passes_epubcheck(hant_epub: Epub, epubcheck: SessionEpubCheck) -> None:
    assert epubcheck(hant_epub.path, "EPUBCheck validation of the zh-Hant EPUB") == []


def test_the_vertical_epub(vertical_epub: Epub, epubcheck: SessionEpubCheck) -> None:
    vertical = vertical_epub
    outputs = list(vertical.path.parent.glob("*.epub"))  # and the horizontal one beside it
    spine = vertical.opf.find("opf:spine", NS)
    assert spine.get("page-progression-direction") == "rtl"
    css = vertical.zip.read(vertical.base + "styles/vertical.css").decode()
    assert "writing-mode: vertical-rl" in css and "text-combine-upright" in css
    speech = vertical.zip.read(vertical.base + "text/c02.xhtml").decode()
    assert "vertical.css" in speech
    assert '<span class="upright">54</span>' in vertical.zip.read(
        vertical.base + "text/c01.xhtml").decode()
    unique = vertical.opf.get("unique-identifier")
    ids = {e.opf.find(f"opf:metadata/dc:identifier[@id='{unique}']", NS).text
           for e in (vertical, Epub(next(p for p in outputs if p.name.endswith("Hant.epub"))))}
    assert len(ids) == 2
    assert epubcheck(vertical.path, "EPUBCheck validation of the vertical EPUB") == []


def test_the_hant_pdf_metadata_outline_and_heads(hant_build: Path) -> None:
    from pypdf import PdfReader

    reader = PdfReader(hant_build / "beijing-xianjinxing-2006.zh-Hant.pdf")
    title = "北京市保持共產黨員先進性教育活動與黨的先進性建設理論研討會入選論文"
    assert reader.metadata.title == title
    assert reader.trailer["/Root"]["/Lang"] == "zh-Hant-TW"
    titles = [item.title for item in reader.outline if not isinstance(item, list)]
    assert titles == ["序", "在全市保持共產黨員先進性教育活動與黨的先進性建設理論研討會上的講話"]
    heads = "".join(page.extract_text() or "" for page in reader.pages)
    assert "目錄" in heads and "簡體字本轉為繁體字" in heads and "目录" not in heads
    assert "總發行" not in heads  # the mainland edition's distribution is not this edition's


@pytest.mark.parametrize(("config", "language", "quote"), [
    ("s2hk", "zh-Hant-HK", "「"),
    ("s2t", "zh-Hant", "“"),  # OpenCC's standard forms: no region, quotes left as they are
])
@pytest.mark.slow  # builds a whole book
def test_the_configuration_sets_region_and_quotes(book_copy: Path, tmp_path: Path,
                                                  config: str, language: str,
                                                  quote: str) -> None:
    from bookmaker.build import build

    with (book_copy / "book.yaml").open("a", encoding="utf-8") as f:
        f.write(f"\nvariants:\n  zh-Hant:\n    opencc: {config}\n")
    (path,) = build(book_copy, tmp_path, formats=("epub",), variants=("zh-Hant",)).outputs
    epub = Epub(path)
    assert epub.opf.find("opf:metadata", NS).findtext("dc:language", namespaces=NS) == language
    assert f"{quote}提高黨員素質" in epub.text()


def test_a_few_names_cut_by_jieba_without_its_whole_dictionary(tmp_path: Path) -> None:
    """The names a title page breaks between words are cut with the entries of jieba's
    dictionary they reach: the same cuts as jieba's whole dictionary gives (a fresh one:
    converters add their words to the shared one)."""
    import jieba

    from bookmaker.variants import segment

    names = [person.name for person in load_book(SAMPLE).meta.contributors]
    texts = [*names, "张三丰", "欧阳修和司马光", "北京市长江大桥", "Karl Marx与恩格斯",
             "中华人民共和国", "研究生命起源", "结婚的和尚未结婚的", "一"]
    whole = jieba.Tokenizer()
    whole.tmp_dir = str(tmp_path)
    found = segment.dictionary_boundaries(texts)
    assert found == {text: segment._cut(whole, text) for text in texts}
    assert found["研究生命起源"] != [0, len("研究生命起源")]  # cut into words at all


def test_the_names_cuts_are_kept_in_the_build_cache_and_read_back_the_same(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The source edition's names are cut once per build cache (reading jieba's dictionary
    costs every EPUB 0.1 s): a second build reads the same cuts back, and other names are
    cut again."""
    from bookmaker import build
    from bookmaker.variants import segment

    monkeypatch.setenv("BOOKMAKER_CACHE_DIR", str(tmp_path))
    names = ["欧阳修和司马光", "研究生命起源"]
    first = build.name_boundaries(names, tmp_path)
    assert first == segment.dictionary_boundaries(names)
    assert len(list((tmp_path / "names").iterdir())) == 1
    cut_again: list[list[str]] = []
    real = segment.dictionary_boundaries
    monkeypatch.setattr(segment, "dictionary_boundaries",
                        lambda texts: cut_again.append(list(texts)) or real(texts))
    assert build.name_boundaries(names, tmp_path) == first
    assert cut_again == []
    assert build.name_boundaries(["张三丰"], tmp_path) == {"张三丰": [0, 3]}
    assert cut_again == [["张三丰"]]


def test_names_found_around_the_name_characters_are_those_of_the_whole_texts() -> None:
    """Tagging only around the characters (the unit of jieba's route that holds one, and the
    unit on either side) finds every name holding one of them that tagging the whole text
    finds, at the same place: a surname tagged alone at a run's end still takes what follows
    it, a given name (郁) the surname tagged alone before it."""
    from bookmaker.variants import segment
    from bookmaker.variants.convert import NAME_CHARACTERS

    texts = ["据范振国介绍，胡元辉和郁达夫都来了。", "党员胡，说",
             "张三丰说：“范云、沈从文与钟南山”", "这次会上，王郁和李郁芬都发了言",
             "中国共产党的先进性建设，于是大家各抒己见。姜文导演 2006 年",
             # the surname alone in its unit, the rest of the name the next unit (from the
             # Taiwan corpus, converted to Simplified): found only with that unit tagged too
             "台湾日本关系协会秘书长范振国陪同，前来总统府拜会副总统。",
             "美国在台协会(AIT)台北办事处处长谷立言（Raymond Greene）陪同"]
    texts += [p.text for chapter in load_book(SAMPLE).chapters[:2] for p in chapter.blocks
              if hasattr(p, "text")]

    def holding(names: list[tuple[int, str]]) -> list[tuple[int, str]]:
        return [(o, n) for o, n in names if any(c in NAME_CHARACTERS for c in n)]

    for text in texts:
        assert holding(segment.personal_names(text, NAME_CHARACTERS)) == holding(
            segment.personal_names(text)), text
    assert (7, "胡元辉") in segment.personal_names(texts[0], NAME_CHARACTERS)
