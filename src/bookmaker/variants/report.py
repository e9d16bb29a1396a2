"""The review aid: the places where the Traditional edition chose one form among several and the
choice depends on the word, grouped by choice (all 里 → 裡 together), riskiest first; choices a
word decided collapse to one line each; phrase substitutions (s2twp) apart.

Made from ``Converter.trace``, so it reports what the conversion did: a character decided by its
table alone, by a context rule or as part of a personal name is listed with its context; one
decided by a word (OpenCC's phrase, bookmaker's or the book's dictionary) is counted.
"""

from __future__ import annotations

import csv
import io
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from bookmaker.diagnostics import Location, error
from bookmaker.model import Book
from bookmaker.reader_text import reader_passages
from bookmaker.variants.ambiguity import is_ambiguous, phrase_covered, risk
from bookmaker.variants.convert import Converter, How, Piece, QuoteState, corner_quotes
from bookmaker.variants.tables import one_to_many

CONTEXT = 8  # characters on each side
# Inside a word of jieba's dictionary that OpenCC's phrases do not list, a character left to
# the table is listed when its other readings are at least this common among OpenCC's phrases
# (里 0.62, 干 0.70, 钟 0.94, 系 0.35, 发 0.24), not for 广 or 具 (0.05).
RISKY = 0.2
# Alone, a character is listed unless its other readings are this rare (了 → 了 0.02: 瞭 comes
# in words, 瞭解; 个 → 個 0.04): those are counted on one line, as the choices a word decided.
SELDOM = 0.05
NUMERAL_BEFORE = frozenset("一二两三四五六七八九十百千万几这那哪每")
COLUMNS = ("choice", "risk", "location", "word", "converted", "fix", "context", "decided")


@dataclass(frozen=True)
class Choice:
    location: Location
    source: str  # the Simplified character
    chosen: str  # its Traditional form here
    candidates: tuple[str, ...]
    decided: str  # "table", "rule: …", "name", "word", "phrase", "book"
    word: str  # the Simplified word it was decided in (two characters at least)
    converted: str  # that word as converted
    context: str  # the converted text around it, the character in 【】
    alone: bool  # a word of its own (jieba's), or after a numeral (一出戏: a measure word)

    @property
    def contextual(self) -> bool:
        """Listed one by one: an ambiguous character not decided by a word — by a rule, or by
        the table where it stands alone or its other readings are common (risk ≥ RISKY)."""
        if not is_ambiguous(self.source) or self.decided in ("word", "phrase", "book"):
            return False
        if self.decided != "table":
            return True
        return (self.alone and self.risk >= SELDOM) or self.risk >= RISKY

    @property
    def risk(self) -> float:
        return risk(self.source, self.chosen)

    def __str__(self) -> str:
        return (f"{self.location}: {self.source}→{self.chosen} "
                f"({'|'.join(self.candidates)}) {self.context}")


@dataclass(frozen=True)
class Substitution:
    """A phrase of the edition's vocabulary (s2twp: 软件 → 軟體), not a character choice."""

    location: Location
    source: str
    converted: str


@dataclass(frozen=True)
class Report:
    choices: list[Choice]
    substitutions: list[Substitution]

    def groups(self, every: bool = False) -> list[tuple[str, list[Choice]]]:
        """Listed choices by 'source→chosen', riskiest first, then the most frequent."""
        grouped: dict[str, list[Choice]] = defaultdict(list)
        for choice in self.choices:
            if every or choice.contextual:
                grouped[f"{choice.source}→{choice.chosen}"].append(choice)
        return sorted(grouped.items(), key=lambda kv: (-kv[1][0].risk, -len(kv[1]), kv[0]))

    def by_word(self) -> list[tuple[str, int, Counter[str]]]:
        """The choices not listed — a word decided them, or they are seldom wrong:
        'source→chosen', count, and the words."""
        counts: dict[str, Counter[str]] = defaultdict(Counter)
        for choice in self.choices:
            if not choice.contextual:
                counts[f"{choice.source}→{choice.chosen}"][choice.word] += 1
        return sorted(((pair, sum(words.values()), words) for pair, words in counts.items()),
                      key=lambda item: (-item[1], item[0]))


def texts(book: Book) -> Iterator[tuple[Location, str]]:
    """The book's reader text with where it comes from, in reading order (the one walker)."""
    for passage in reader_passages(book):
        yield passage.location, passage.text


def report(book: Book, converter: Converter) -> Report:
    return report_texts(texts(book), converter)


def report_texts(found: Iterable[tuple[Location, str]], converter: Converter) -> Report:
    choices: list[Choice] = []
    substitutions: list[Substitution] = []
    for location, text in found:
        pieces = converter.trace(text)
        output = "".join(p.output for p in pieces)
        if converter.corner_quotes:  # as the edition prints it, character for character
            output = corner_quotes(output, QuoteState())
        position = 0
        for index, piece in enumerate(pieces):
            if is_substitution(converter, piece):
                substitutions.append(Substitution(location, piece.source, piece.output))
            else:
                choices += _choices(location, pieces, index, output, position)
            position += len(piece.output)
    return Report(choices, substitutions)


def is_substitution(converter: Converter, piece: Piece) -> bool:
    """A phrase of s2twp's vocabulary: its form is not what s2tw writes (网络 → 網路)."""
    if len(piece.output) != len(piece.source):
        return True
    return converter.config == "s2twp" and piece.how is How.OPENCC \
        and piece.output != _s2tw().opencc(piece.source)


@cache
def _s2tw() -> Converter:
    return Converter("s2tw", corner_quotes=False)


def _choices(location: Location, pieces: list[Piece], index: int, output: str,
             position: int) -> list[Choice]:
    piece = pieces[index]
    if piece.how is How.BOOK:
        return []
    candidates = one_to_many()
    covered = phrase_covered(piece.source) if piece.how is How.OPENCC else []
    word, converted = _word(pieces, index)
    found = []
    for i, (source, chosen) in enumerate(zip(piece.source, piece.output, strict=True)):
        if source not in candidates:
            continue
        at = position + i
        context = (output[max(0, at - CONTEXT):at] + f"【{chosen}】"
                   + output[at + 1:at + 1 + CONTEXT])
        alone = len(piece.source) == 1 or (i > 0 and piece.source[i - 1] in NUMERAL_BEFORE)
        found.append(Choice(location, source, chosen, candidates[source],
                            _decided(piece, covered, i), word, converted, context, alone))
    return found


def _decided(piece: Piece, covered: list[bool], i: int) -> str:
    if piece.how is How.OPENCC:
        return "phrase" if covered[i] else "table"
    if piece.how is How.RULE:
        return f"rule: {piece.why}"
    return piece.how.value


def _word(pieces: list[Piece], index: int) -> tuple[str, str]:
    """The word a choice was made in, joined to the next (or previous) one when it is a single
    character, so that a dictionary entry made from it does not catch every such character."""
    piece = pieces[index]
    if len(piece.source) > 1:
        return piece.source, piece.output
    if index + 1 < len(pieces) and pieces[index + 1].how is not How.BOOK:
        after = pieces[index + 1]
        return piece.source + after.source, piece.output + after.output
    if index > 0 and pieces[index - 1].how is not How.BOOK:
        before = pieces[index - 1]
        return before.source + piece.source, before.output + piece.output
    return piece.source, piece.output


# --- output -------------------------------------------------------------------------------


def rows(found: Report, every: bool = False) -> list[dict[str, str]]:
    """One row per listed choice, for a file an editor annotates (the fix column)."""
    return [{"choice": pair, "risk": f"{choice.risk:.2f}", "location": str(choice.location),
             "word": choice.word, "converted": choice.converted, "fix": "",
             "context": choice.context, "decided": choice.decided}
            for pair, choices in found.groups(every) for choice in choices]


def as_tsv(found: Report, every: bool = False) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, COLUMNS, delimiter="\t", lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows(found, every))
    return out.getvalue()


def as_markdown(found: Report, every: bool = False) -> str:
    lines = ["| " + " | ".join(COLUMNS) + " |", "|" + " --- |" * len(COLUMNS)]
    lines += ["| " + " | ".join(row[c].replace("|", "\\|") for c in COLUMNS) + " |"
              for row in rows(found, every)]
    lines += ["", "Decided by a word:", ""]
    lines += [f"- {pair} ×{n}: " + "、".join(f"{w} ×{c}" for w, c in words.most_common(5))
              for pair, n, words in found.by_word()]
    if found.substitutions:
        lines += ["", "Phrase substitutions (s2twp):", ""]
        counts = Counter((s.source, s.converted) for s in found.substitutions)
        lines += [f"- {a} → {b} ×{n}" for (a, b), n in counts.most_common()]
    return "\n".join(lines) + "\n"


def read_annotations(path: Path) -> list[tuple[str, str, int]]:
    """(word, fix, line) of each annotated row of a report file, TSV or Markdown."""
    text = path.read_text(encoding="utf-8")
    found = []
    for number, line in enumerate(text.splitlines(), start=1):
        if line.startswith("|"):
            cells = [c.strip().replace("\\|", "|") for c in line.strip("|").split(" | ")]
        else:
            cells = line.split("\t")
        if len(cells) != len(COLUMNS) or cells[0] == "choice" or set(cells[0]) <= {"-", " "}:
            continue
        row = dict(zip(COLUMNS, cells, strict=True))
        if row["fix"]:
            found.append((row["word"], row["fix"], number))
    return found


def apply_annotations(annotations: Path, dictionary: Path,
                      existing: dict[str, str]) -> tuple[list[str], list[str]]:
    """Append each annotated fix to the book's dictionary: (added lines, skipped words)."""
    added, skipped = [], []
    for word, fix, number in read_annotations(annotations):
        if len(fix) != len(word) or any(c.isspace() for c in fix):
            raise error("V003", f"the fix '{fix}' is not a form of '{word}'",
                        annotations.name, number,
                        "write the Traditional form of the word, one character for each")
        if word in existing:
            skipped.append(word)
            continue
        existing[word] = fix
        added.append(f"{word}\t{fix}")
    if added:
        text = dictionary.read_text(encoding="utf-8") if dictionary.exists() else ""
        if text and not text.endswith("\n"):
            text += "\n"
        dictionary.write_text(text + "\n".join(added) + "\n", encoding="utf-8")
    return added, skipped
