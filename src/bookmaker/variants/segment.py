"""Words before characters: the Simplified text cut into words with jieba, then into the pieces
that are converted one at a time.

OpenCC reads its phrases by forward maximum matching, which does not know where words end: in
带领台湾 it finds the phrase 领台 (領檯, a restaurant's host) and writes 帶領檯灣; in 并发送 it
finds 并发 (併發) and writes 併發送. Here OpenCC's phrases (and bookmaker's own words) are only
matched where they begin and end on jieba's word boundaries, so a phrase may join whole words
(一/只 → 一隻) but never cut one (带领/台湾, 并/发送).
"""

from __future__ import annotations

import logging
import os
import re
import tempfile
from collections.abc import Iterable
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from bookmaker.variants.tables import phrases

if TYPE_CHECKING:
    import jieba
    import jieba.posseg

# jieba is imported where it is first used: its part-of-speech tagger reads its tables when it
# is imported (0.5 s of CPU, 50 MB), its dictionary when a tokenizer starts (1 s, 70 MB), and
# most processes need neither (see ``remember``).

_cache_folder: list[Path] = []  # where jieba keeps its prepared dictionary (keep_cache_in)
# Word boundaries found by another process with the same dictionary (``remember``): this one
# then needs no dictionary of its own for them.
_known: dict[str, list[int]] = {}


def keep_cache_in(folder: Path) -> None:
    """jieba prepares its dictionary once and keeps the result in a file: here in ``folder``
    (the build's cache), never in the shared temporary folder, where anyone could leave a file
    for it to read."""
    _cache_folder[:] = [folder]


def _jieba_folder() -> Path:
    if _cache_folder:
        _cache_folder[0].mkdir(parents=True, exist_ok=True)
        return _cache_folder[0]
    private = Path(tempfile.gettempdir()) / f"bookmaker-jieba-{os.getuid()}"
    private.mkdir(mode=0o700, exist_ok=True)
    status = private.lstat()
    if status.st_uid != os.getuid() or status.st_mode & 0o077 or private.is_symlink():
        return Path(tempfile.mkdtemp(prefix="bookmaker-jieba-"))  # someone else's: not used
    return private


@cache
def tokenizer() -> jieba.Tokenizer:
    """jieba's dictionary (Simplified words and their frequencies), loaded once a process."""
    import jieba

    jieba.setLogLevel(logging.WARNING)  # its dictionary-loading notes are not the book's business
    words = jieba.Tokenizer()
    words.tmp_dir = str(_jieba_folder())
    words.initialize()
    return words


@cache
def name_tagger() -> jieba.posseg.POSTokenizer:
    """jieba's part-of-speech tagger, for personal names (nr) that no dictionary lists."""
    import jieba.posseg

    return jieba.posseg.POSTokenizer(tokenizer())


# The frequency given to bookmaker's words in jieba's dictionary (of about 60 million): that of
# a common word, so that 借由此行 reads 借由/此行 and not 借/由此/行 (由此: 3,692).
WORD_FREQUENCY = 5000


def add_words(words: Iterable[str]) -> None:
    """Make bookmaker's own dictionary words whole words for jieba too."""
    known = tokenizer().FREQ
    _known.clear()  # found with the dictionary as it was
    for word in words:
        if len(word) > 1 and known.get(word, 0) < WORD_FREQUENCY:
            tokenizer().add_word(word, WORD_FREQUENCY)


def remember(found: dict[str, list[int]]) -> None:
    """Take the ``boundaries`` another process found (with the dictionary this one would
    have), so that this one need not load jieba for them: the process that converts an
    edition works out the breaks of its names too, and leaves with its dictionaries."""
    _known.update(found)


def boundaries(text: str) -> list[int]:
    """Offsets where a word of jieba's dictionary begins or ends, 0 and len(text) included.
    Without its guesses (HMM) at unknown words: a run jieba does not know stays open to
    OpenCC's phrases character by character (楚里欧: OpenCC's 里欧 may apply)."""
    if text in _known:
        return list(_known[text])
    return _cut(tokenizer(), text)


def _cut(words: jieba.Tokenizer, text: str) -> list[int]:
    offsets = [0]
    for word in words.cut(text, HMM=False):
        offsets.append(offsets[-1] + len(word))
    return offsets


def dictionary_boundaries(texts: Iterable[str]) -> dict[str, list[int]]:
    """``boundaries`` of a few short texts (the names a title page breaks between words) with
    jieba's own dictionary, without loading all of it (1 s of CPU, 70 MB): jieba cuts a text
    by the frequencies of its substrings (0 for a word's prefix) and the dictionary's total,
    so a tokenizer that holds only those cuts it the same. For a process whose tokenizer has
    no words added (``add_words``)."""
    texts = list(dict.fromkeys(texts))
    if not texts:
        return {}
    import jieba

    words, total = _dictionary_words(frozenset(c for t in texts for c in t))
    prefixes = {word[:end] for word in words for end in range(1, len(word) + 1)}
    small = jieba.Tokenizer()
    small.FREQ = {}
    for part in {t[i:j] for t in texts for i in range(len(t)) for j in range(i + 1, len(t) + 1)}:
        if part in prefixes:
            small.FREQ[part] = words.get(part, 0)
    small.total = total
    small.initialized = True
    return {text: _cut(small, text) for text in texts}


def _dictionary_words(first: frozenset[str]) -> tuple[dict[str, int], int]:
    """The words of jieba's dictionary file that begin with one of the characters ``first``,
    with their frequencies (a word listed twice: its last line's, as jieba reads it), and the
    sum of every line's frequency. Only these lines are parsed: the whole file (350,000 lines)
    took 0.3 s of CPU, these take a tenth of it."""
    import jieba

    with jieba.Tokenizer().get_dict_file() as file:
        data = file.read()
    # a line is "word frequency [tag]", and neither a word nor a tag holds a space or is
    # all digits: every " digits" is a frequency
    total = sum(map(int, re.findall(rb" (\d+)", data)))
    starts = "".join(re.escape(c) for c in sorted(first))
    lines = re.findall(rf"^([{starts}]\S*) (\d+)", data.decode("utf-8"),
                       re.MULTILINE) if starts else []
    return {word: int(frequency) for word, frequency in lines}, total


def pieces(text: str, cuts: list[int], words: frozenset[str], longest: int) -> list[str]:
    """``text`` cut into the pieces to convert one at a time: at each of jieba's boundaries
    ``cuts``, the longest of ``words`` (OpenCC's phrases and bookmaker's words) that starts there
    and ends on a boundary, else jieba's word."""
    out = []
    index = 0
    while index < len(cuts) - 1:
        start = cuts[index]
        end = index + 1
        for candidate in range(index + 2, len(cuts)):
            if cuts[candidate] - start > longest:
                break
            if text[start:cuts[candidate]] in words:
                end = candidate
        out.append(text[start:cuts[end]])
        index = end
    return out


@cache
def opencc_phrases() -> tuple[frozenset[str], int]:
    words = phrases()
    return words, max(map(len, words))


def personal_names(text: str, holding: frozenset[str] | None = None) -> list[tuple[int, str]]:
    """(offset, name) of each word jieba tags as a personal name (nr): 范云, 胡元辉. Not a
    word that begins with a word of jieba's dictionary (范畴, 范围广 are tagged nr too).

    With ``holding``, only around those characters (``_around``): every name that holds one
    of them is found as in the whole text, at the same place, in a fraction of the time; names
    without them may be missed."""
    import jieba.posseg

    if holding is None:
        return _names_in(text, 0)
    found = []
    start = 0
    parts = jieba.posseg.re_han_internal.split(text)  # other, run, other, …, run, other
    for index, part in enumerate(parts):
        if index % 2 and any(c in part for c in holding):
            for a, b in _around(part, holding):
                # to the run's end: with what follows it, which a surname tagged alone there
                # takes as the rest of its name, as in the whole text
                end = start + b + (len(parts[index + 1]) if b == len(part) else 0)
                found += _names_in(text[start + a:end], start + a)
        start += len(part)
    return found


def _names_in(text: str, offset: int) -> list[tuple[int, str]]:
    known = tokenizer().FREQ
    found = []
    tagged = list(name_tagger().cut(text))
    for index, pair in enumerate(tagged):
        word = pair.word
        if pair.flag == "nr" and len(word) == 1 and index + 1 < len(tagged) \
                and len(tagged[index + 1].word) <= 2:
            word += tagged[index + 1].word  # 范/振国: a surname tagged alone
        if pair.flag == "nr" and 2 <= len(word) <= 4 and not known.get(word[:2]):
            found.append((offset, word))
        offset += len(pair.word)
    return found


def _around(run: str, holding: frozenset[str]) -> list[tuple[int, int]]:
    """The stretches of ``run`` (a run of Han, Latin and digits between punctuation, which
    jieba's tagger tags on its own) to tag for the names that hold one of ``holding``: each
    unit holding one, with the unit on either side, as (start, end). A unit is a word of two
    or more characters on jieba's route through the run, or a stretch of one-character words
    between two such words, which the tagger's HMM tags as a whole and on its own (the costly
    part of tagging).

    The route through a stretch that begins and ends on the route through the run is that
    route's part of it (each step of the run's route takes the best way to the stretch's end,
    through which its best way on goes; floating-point ties aside), so each unit inside is
    tagged as in the whole run. A name that holds one of the characters is a word of that
    character's unit, or a character tagged alone and the word after it (a surname: 范/振国),
    the one alone at the end of the unit before or the word after at the start of the unit
    after."""
    words = tokenizer()
    route: dict[int, tuple[float, int]] = {}
    words.calc(run, words.get_DAG(run), route)
    units: list[tuple[int, int, bool]] = []  # start, end, whether of one-character words
    x = 0
    while x < len(run):
        y = route[x][1] + 1
        if y - x == 1 and units and units[-1][2]:
            units[-1] = (units[-1][0], y, True)
        else:
            units.append((x, y, y - x == 1))
        x = y
    stretches: list[tuple[int, int]] = []
    for k, (a, b, _) in enumerate(units):
        if any(c in holding for c in run[a:b]):
            first, last = units[max(0, k - 1)][0], units[min(len(units), k + 2) - 1][1]
            if stretches and first <= stretches[-1][1]:
                stretches[-1] = (stretches[-1][0], last)
            else:
                stretches.append((first, last))
    return stretches
