"""Round trip of a Taiwan-standard Traditional text: OpenCC t2s to Simplified, then back to
Traditional through bookmaker's zh-Hant conversion and through OpenCC's s2tw (the baseline).
Every character that does not come back is an error, except where Taiwan's standard accepts both
forms or the text itself used a variant of the standard form (bench/hant-corpus/accepted.tsv).

    python bench/hant_roundtrip.py [--set dev|heldout ...] [--all] [--check]

Prints errors per 10,000 Han characters for both converters, each differing word in context
(bookmaker's every occurrence, OpenCC's once per word with a count; --all: every occurrence of
both), and the accepted variants. --check exits 1 unless bookmaker makes at most a third of
OpenCC's errors on every set. Runs offline: the corpus is in bench/hant-corpus/ (SOURCE.md).
"""

from __future__ import annotations

import argparse
import re
import sys
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import opencc

from bookmaker.variants.convert import Converter
from bookmaker.variants.segment import tokenizer

CORPUS = Path(__file__).resolve().parent / "hant-corpus"
SETS = ("dev", "heldout")
HAN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
CONTEXT = 8


@dataclass(frozen=True)
class Difference:
    original: str  # the word as the corpus writes it
    converted: str  # the same word after the round trip
    context: str  # the converted line around it, the word in 【】
    accepted: str  # why it is not an error, or ""


def corpus_lines(name: str) -> list[str]:
    text = (CORPUS / f"{name}.txt").read_text(encoding="utf-8")
    return [line for line in text.splitlines() if line and not line.startswith("#")]


def accepted_pairs() -> dict[tuple[str, str], list[tuple[str, str, str]]]:
    """(original char, converted char) → [(original word, converted word, reason)], both ways."""
    pairs: dict[tuple[str, str], list[tuple[str, str, str]]] = defaultdict(list)
    for line in (CORPUS / "accepted.tsv").read_text(encoding="utf-8").splitlines():
        if not line or line.startswith("#"):
            continue
        first, second, reason = line.split("\t")
        for a, b in ((first, second), (second, first)):
            for x, y in zip(a, b, strict=True):
                if x != y:
                    pairs[(x, y)].append((a, b, reason.lstrip("# ")))
    return pairs


def acceptance(original: str, converted: str, i: int,
               pairs: dict[tuple[str, str], list[tuple[str, str, str]]]) -> str:
    for a, b, reason in pairs.get((original[i], converted[i]), ()):
        for start in range(max(0, i - len(a) + 1), i + 1):
            if original[start:start + len(a)] == a and converted[start:start + len(b)] == b:
                return reason
    return ""


def word_spans(simplified: str) -> list[tuple[int, int]]:
    spans = []
    start = 0
    for word in tokenizer().cut(simplified):
        spans.append((start, start + len(word)))
        start += len(word)
    return spans


def differences(original: str, simplified: str, converted: str,
                pairs: dict[tuple[str, str], list[tuple[str, str, str]]]) -> Iterator[Difference]:
    """One Difference per differing character, named by the word (jieba's) it is in."""
    if len(converted) != len(original):  # no converter here changes the length of a line
        raise ValueError(f"length changed: {original!r} → {converted!r}")
    spans = None
    for i, (a, b) in enumerate(zip(original, converted, strict=True)):
        if a == b:
            continue
        spans = spans or word_spans(simplified)
        start, end = next((s, e) for s, e in spans if s <= i < e)
        context = (converted[max(0, start - CONTEXT):start] + f"【{converted[start:end]}】"
                   + converted[end:end + CONTEXT])
        yield Difference(original[start:end], converted[start:end], context,
                         acceptance(original, converted, i, pairs))


@dataclass
class Result:
    name: str
    han: int
    errors: list[Difference]
    accepted: list[Difference]

    @property
    def per_10k(self) -> float:
        return 10_000 * len(self.errors) / self.han


def run(name: str, lines: list[str], simplified: list[str],
        convert: Callable[[str], str]) -> Result:
    pairs = accepted_pairs()
    found = [d for original, simple in zip(lines, simplified, strict=True)
             for d in differences(original, simple, convert(simple), pairs)]
    han = sum(len(HAN.findall(line)) for line in lines)
    return Result(name, han, [d for d in found if not d.accepted],
                  [d for d in found if d.accepted])


def print_errors(title: str, errors: list[Difference], every: bool) -> None:
    print(f"\n## {title}: {len(errors)} errors")
    by_word: dict[tuple[str, str], list[Difference]] = defaultdict(list)
    for d in errors:
        by_word[(d.original, d.converted)].append(d)
    for (original, converted), found in sorted(by_word.items(), key=lambda kv: -len(kv[1])):
        shown = found if every else found[:1]
        for d in shown:
            print(f"  {original} → {converted}  ×{len(found)}  {d.context}")


def print_accepted(title: str, accepted: list[Difference]) -> None:
    counts = Counter((d.original, d.converted, d.accepted) for d in accepted)
    print(f"\n## {title}: {len(accepted)} accepted variants (not errors)")
    for (original, converted, reason), n in counts.most_common():
        print(f"  {original} → {converted}  ×{n}  ({reason})")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--set", dest="sets", action="append", choices=SETS)
    parser.add_argument("--all", action="store_true", help="every occurrence of every error")
    parser.add_argument("--check", action="store_true",
                        help="exit 1 unless bookmaker makes at most a third of OpenCC's errors")
    args = parser.parse_args()
    to_simplified = opencc.OpenCC("t2s.json").convert
    baseline = opencc.OpenCC("s2tw.json").convert
    bookmaker = Converter("s2tw", corner_quotes=False).convert
    rows = []
    for name in args.sets or SETS:
        lines = corpus_lines(name)
        simplified = [to_simplified(line) for line in lines]
        ours = run(name, lines, simplified, bookmaker)
        theirs = run(name, lines, simplified, baseline)
        rows.append((ours, theirs))
        print(f"\n# {name}.txt")
        print_errors(f"bookmaker, {name}", ours.errors, True)
        print_errors(f"OpenCC s2tw, {name}", theirs.errors, args.all)
        print_accepted(f"bookmaker, {name}", ours.accepted)
    print("\n# Errors per 10,000 Han characters (round trip t2s → Traditional)")
    print(f"{'set':<9}{'Han chars':>10}{'bookmaker':>16}{'OpenCC s2tw':>18}{'ratio':>8}")
    passed = True
    for ours, theirs in rows:
        ratio = len(ours.errors) / max(1, len(theirs.errors))
        passed &= ratio <= 1 / 3
        print(f"{ours.name:<9}{ours.han:>10,}{ours.per_10k:>9.1f} ({len(ours.errors):>4})"
              f"{theirs.per_10k:>11.1f} ({len(theirs.errors):>4}){ratio:>8.2f}")
    print("bookmaker ≤ ⅓ of OpenCC's errors:", "yes" if passed else "NO")
    return 1 if args.check and not passed else 0


if __name__ == "__main__":
    sys.exit(main())
