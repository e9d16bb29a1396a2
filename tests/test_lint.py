"""bookmaker lint: each rule triggered by one fixture and not by another (table-driven, from
tests/fixtures/lint-cases.yaml), the sample clean, the raw seed's artifacts found at their lines,
--fix and --diff, configuration, and the rule list in docs/lint-rules.md."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from bookmaker.cli import cli
from bookmaker.diagnostics import BookError, Severity
from bookmaker.lint import lint_book, rules
from bookmaker.scaffold import new_book
from conftest import FIXTURES, ROOT, SAMPLE

CASES = yaml.safe_load((FIXTURES / "lint-cases.yaml").read_text(encoding="utf-8"))
CHAPTER = "chapters/02-chapter.md"
FRONT = "---\ntitle: 第一章\n---\n\n"  # the body starts on line 5
BODY_LINE = FRONT.count("\n") + 1


def cases(kind: str) -> list[tuple[str, object]]:
    return [pytest.param(code, case, id=f"{code}-{kind}-{n}")
            for code, entry in CASES.items() for n, case in enumerate(entry.get(kind, []))]


@pytest.fixture(scope="module")
def scaffold(tmp_path_factory: pytest.TempPathFactory) -> Path:
    book = tmp_path_factory.mktemp("scaffold") / "book"
    new_book(book, year=2024)
    return book


def book_with(base: Path, target: Path, case: object) -> Path:
    """A copy of the scaffold with the case's chapter text or book.yaml values."""
    shutil.copytree(base, target)
    if isinstance(case, str):
        case = {"text": case}
    assert isinstance(case, dict)
    if "text" in case:
        (target / CHAPTER).write_text(FRONT + case["text"] + "\n", encoding="utf-8")
    if "book" in case:
        data = yaml.safe_load((target / "book.yaml").read_text(encoding="utf-8"))
        for dotted, value in case["book"].items():
            *parents, key = dotted.split(".")
            node = data
            for parent in parents:
                node = node.setdefault(parent, {})
            if value is None:
                node.pop(key, None)
            else:
                node[key] = value
        (target / "book.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), "utf-8")
    return target


def test_every_rule_has_a_triggering_and_a_clean_fixture() -> None:
    assert set(CASES) == set(rules())
    for code, entry in CASES.items():
        assert entry.get("trigger") and entry.get("clean"), code


@pytest.mark.parametrize(("code", "case"), cases("trigger"))
def test_rule_triggers(code: str, case: dict, scaffold: Path, tmp_path: Path) -> None:
    book = book_with(scaffold, tmp_path / "book", case)
    found = [f for f in lint_book(book, select=[code]) if f.code == code]
    assert found, f"{code} did not fire"
    assert {f.code for f in lint_book(book, select=[code])} == {code}
    if "at" in case:
        line, column = case["at"]
        location = found[0].diagnostic.location
        assert location.path == CHAPTER
        assert (location.line, location.column) == (line + BODY_LINE - 1, column or None)
    assert found[0].diagnostic.severity == rules()[code].severity


@pytest.mark.parametrize(("code", "case"), cases("clean"))
def test_rule_stays_quiet(code: str, case: object, scaffold: Path, tmp_path: Path) -> None:
    book = book_with(scaffold, tmp_path / "book", case)
    assert [str(f.diagnostic) for f in lint_book(book, select=[code])] == []


def test_the_scaffold_and_the_sample_have_no_finding(scaffold: Path) -> None:
    assert [str(f.diagnostic) for f in lint_book(scaffold)] == []
    assert [str(f.diagnostic) for f in lint_book(SAMPLE)
            if f.diagnostic.severity is Severity.ERROR] == []


def raw_seed_book(tmp_path: Path) -> Path:
    """The sample with its preface replaced by the raw seed text from the preface on, placed so
    that the chapter's line numbers are the seed's."""
    book = tmp_path / "raw"
    shutil.copytree(SAMPLE, book)
    seed = (FIXTURES / "seed.txt").read_text(encoding="utf-8").split("\n")
    start = seed.index("序") + 1  # the text after the title, from a 0-based index
    front = ["---", "title: 序", "kind: preface", "---"]
    lines = front + [""] * (start - len(front)) + seed[start:]
    (book / "chapters/01-preface.md").write_text("\n".join(lines), encoding="utf-8")
    return book


# The artifacts source/CORRECTIONS.md lists, at the seed's lines and columns.
SEED_ARTIFACTS = [
    ("SP002", 100, 7), ("AR002", 100, 60), ("AR002", 110, 88), ("AR002", 138, 58),
    ("AR002", 146, 567), ("AR002", 162, 448), ("AR002", 168, 148), ("AR002", 174, 416),
    ("AR001", 178, 1), ("AR003", 178, 46), ("SP001", 180, 24), ("AR002", 188, 148),
    ("PN001", 208, 205), ("PN002", 122, 1),
]


def test_lint_finds_the_artifacts_of_the_raw_seed_at_their_lines(tmp_path: Path) -> None:
    seed = (FIXTURES / "seed.txt").read_text(encoding="utf-8").split("\n")
    found = {(f.code, f.line, f.diagnostic.location.column)
             for f in lint_book(raw_seed_book(tmp_path))
             if f.diagnostic.location.path == "chapters/01-preface.md"}
    assert set(SEED_ARTIFACTS) <= found
    # the places are the seed's: the character named is the one at that line and column
    assert seed[178 - 1][46 - 1] == "巾" and seed[174 - 1][416 - 1] == "始"
    assert seed[208 - 1][205 - 1] == "?"


def test_lint_command_reports_lines_and_exit_codes(tmp_path: Path) -> None:
    runner = CliRunner()
    clean = runner.invoke(cli, ["lint", str(SAMPLE)])
    assert clean.exit_code == 0, clean.output
    result = runner.invoke(cli, ["lint", str(raw_seed_book(tmp_path)), "--select", "PN001"])
    assert result.exit_code == 1
    assert re.search(r"^chapters/01-preface\.md:208:205: error PN001: half-width '\?'",
                     result.output, re.M)


def test_diff_changes_nothing_and_fix_applies_only_safe_fixes(tmp_path: Path) -> None:
    book = raw_seed_book(tmp_path)
    chapter = book / "chapters/01-preface.md"
    before = chapter.read_text(encoding="utf-8")
    runner = CliRunner()
    diff = runner.invoke(cli, ["lint", str(book), "--diff"])
    assert chapter.read_text(encoding="utf-8") == before
    assert "-本文集收录的 54 篇文章" in diff.output and "+本文集收录的54篇文章" in diff.output
    fixed = runner.invoke(cli, ["lint", str(book), "--fix"])
    after = chapter.read_text(encoding="utf-8")
    assert "怎么能搞得？因此" in after and "发展着的马克思主义" in after
    assert "工作巾发挥" in after  # an OCR suspect is a warning: never changed by --fix
    assert "AR003" in fixed.output and "PN001" not in fixed.output
    assert len(after.split("\n")) == len(before.split("\n"))


def test_book_configuration_selects_and_styles(tmp_path: Path, scaffold: Path) -> None:
    book = book_with(scaffold, tmp_path / "book", {
        "text": "收录的54篇文章，怎么能搞得?因此",
        "book": {"lint.han_latin_space": "space", "lint.ignore": ["PN"]}})
    assert {(f.code, f.diagnostic.location.column) for f in lint_book(book)
            if f.diagnostic.location.path == CHAPTER} == {("SP002", 4), ("SP002", 6)}
    # --select replaces the book's selection; the book's ignore still holds
    assert {f.code for f in lint_book(book, select=["PN001", "SP"])} == {"SP002"}
    assert {f.code for f in lint_book(book, ignore=["SP"])} == set()


def test_a_book_extends_the_ocr_confusions(tmp_path: Path, scaffold: Path) -> None:
    book = book_with(scaffold, tmp_path / "book", {
        "text": "我们要认真学刁。", "book": {"lint.confusions": "confusions.txt"}})
    with pytest.raises(BookError) as missing:
        lint_book(book)
    assert str(missing.value).startswith("book.yaml:") and "S004" in str(missing.value)
    (book / "confusions.txt").write_text("# 刁 for 习\n刁习\n", encoding="utf-8")
    found = [f for f in lint_book(book) if f.code == "AR003"]
    assert [(f.line, f.diagnostic.location.column) for f in found] == [(BODY_LINE, 7)]


def test_every_rule_is_documented() -> None:
    doc = (ROOT / "docs/lint-rules.md").read_text(encoding="utf-8")
    documented = set(re.findall(r"^### ([A-Z]{2}\d{3})", doc, re.M))
    assert documented == set(rules())
