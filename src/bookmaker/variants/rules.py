"""bookmaker's own knowledge of the Traditional forms, at word level, each item with its reason
and its source.

- Word dictionaries (``publishing.txt`` for every configuration, ``taiwan.txt`` for Taiwan's
  standard, s2tw and s2twp): a Simplified word and the form to write. They are matched like
  OpenCC's own phrases, on jieba's word boundaries (see ``segment``), and win over a phrase of
  the same length.
- Context rules: a choice that depends on the word next to it, which no dictionary word can
  express (a measure word after a numeral, a surname at the head of a personal name).

Every dictionary line ends in ``# reason [source]``; the sources are listed at the top of the
file. ``tests/test_variants.py`` checks both.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from importlib import resources

from bookmaker.han import HAN
from bookmaker.variants.dictionary import parse_dictionary

TAIWAN_CONFIGS = frozenset({"s2tw", "s2twp"})
SOURCE = re.compile(r"^# \[(\w+)\] (.+)$")
REASON = re.compile(r"#\s*(.+?)\s*\[(\w+)\]\s*$")


@dataclass(frozen=True)
class WordRule:
    word: str  # Simplified
    form: str  # Traditional
    reason: str
    source: str  # the source's text, not its key


def dictionary_text(name: str) -> str:
    return resources.files("bookmaker.variants").joinpath(name).read_text("utf-8")


@cache
def word_rules(name: str) -> tuple[WordRule, ...]:
    """The entries of a built-in dictionary with the reason and source of each."""
    text = dictionary_text(name)
    sources = {m.group(1): m.group(2) for m in map(SOURCE.match, text.splitlines()) if m}
    entries = parse_dictionary(text, f"bookmaker/variants/{name}")
    rules = []
    for line in text.splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        word = line.split("\t", 1)[0].split("#", 1)[0].strip()
        reason = REASON.search(line)
        if reason is None or reason.group(2) not in sources:
            raise ValueError(f"{name}: '{word}' needs '# reason [source]' with a listed source")
        rules.append(WordRule(word, entries[word], reason.group(1), sources[reason.group(2)]))
    return tuple(rules)


def builtin_words(config: str) -> dict[str, str]:
    """bookmaker's word dictionary for an OpenCC configuration."""
    names = ["publishing.txt"] + (["taiwan.txt"] if config in TAIWAN_CONFIGS else [])
    return {rule.word: rule.form for name in names for rule in word_rules(name)}


# --- standard forms ------------------------------------------------------------------------


@dataclass(frozen=True)
class StandardForm:
    """Where OpenCC writes ``variant`` for ``source`` (in any word), Taiwan's standard writes
    ``form``."""

    source: str
    variant: str
    form: str
    reason: str
    source_text: str


LAW = "行政院《文書處理手冊》附「法律統一用字表」"
STANDARD_FORMS = {
    (rule.source, rule.variant): rule for rule in (
        StandardForm("布", "佈", "布", "公布、分布、頒布 write 布, not 佈 (a variant of 布)", LAW),
    )
}


def standard_form(config: str, source: str, output: str) -> str | None:
    rule = STANDARD_FORMS.get((source, output)) if config in TAIWAN_CONFIGS else None
    return rule.form if rule else None


# --- context rules ------------------------------------------------------------------------

NUMERAL = re.compile(r"^(?:[0-9０-９][0-9０-９,.]*|[一二两三四五六七八九十百千万几数半每]+)$")


@dataclass(frozen=True)
class ContextRule:
    """A Simplified word (one jieba word, alone) whose form depends on the word before or
    after it."""

    name: str
    word: str
    form: str
    applies: Callable[[str, str], bool]  # (the word before, the word after)
    reason: str
    source: str


COPULA_FOLLOWERS = frozenset("由以依指属于为因在受源经向自")
DETERMINERS = frozenset("本该此各全其这那每一")  # 该系由…: the department
PAUSES = frozenset({"", "，", "、", "；", "：", "。"})

CONTEXT_RULES = (
    ContextRule("measure 只", "只", "隻", lambda before, after: bool(NUMERAL.match(before)),
                "after a numeral 只 is the measure word for animals and one of a pair",
                "教育部《國語小字典》「隻」：量詞"),
    ContextRule("measure 台", "台", "臺", lambda before, after: bool(NUMERAL.match(before)),
                "after a numeral 台 is the measure word for machines and performances",
                "教育部《國語小字典》「臺」(6)：量詞，如「一臺機器」"),
    ContextRule("measure 出", "出", "齣",
                lambda before, after: before in {"一", "两", "几", "这", "那", "哪"},
                "after a numeral or demonstrative 出 counts plays (一出戏 → 一齣戲)",
                "教育部《國語小字典》「齣」：量詞，計算戲劇的單位"),
    ContextRule("week 周", "周", "週", lambda before, after: bool(NUMERAL.match(before)),
                "after a numeral 周 counts weeks (為期6週)",
                "教育部《重編國語辭典修訂本》「週」：星期"),
    ContextRule("and 并为", "并为", "並為", lambda before, after: before in PAUSES,
                "after a pause 并为 opens a clause: 並為 'and for' (並為世界貢獻); 併為 'merged"
                " into' follows what is merged (整併為)", LAW),
    ContextRule("self-made 自制", "自制", "自製",
                lambda before, after: bool(HAN.match(after)) and after not in {"力", "能力"},
                "before a noun 自制 is 自製 'self-made' (自製率、自製衛星); 自制 'self-control'"
                " ends its phrase or takes 力", "教育部《重編國語辭典修訂本》「自製」：自己製造"),
    ContextRule("copula 系", "系", "係",
                lambda before, after: before[-1:] not in DETERMINERS
                and (after[:1] in COPULA_FOLLOWERS or bool(NUMERAL.match(after))),
                "alone before 由/以/依/指/為 or a date, 系 is the formal copula 係 (係指、係由);"
                " 系 'department' and 繫 'tie' come in words (系統、科系、聯繫)",
                "教育部《重編國語辭典修訂本》「係」：是"),
)


def context_rule(before: str, word: str, after: str) -> ContextRule | None:
    for rule in CONTEXT_RULES:
        if word == rule.word and rule.applies(before, after):
            return rule
    return None
